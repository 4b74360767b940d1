// Soak: one tab, many runs through every model, memory sampled as it goes. After a warm-up pass
// (every model loaded once), the wasm memory, the JS heap and the registry's bytes must stay
// within stated bounds: a leak of models, tensors or page tasks shows up as growth here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, watchErrors, figure, SLOW } from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

/** Growth allowed after warm-up: wasm memory (never shrinks) and the JS heap. */
const WASM_GROWTH = 64e6;
const HEAP_GROWTH = 32e6;

const MB = (b) => Number((b / 1e6).toFixed(1));

test('soak: 1,000 fill-mask runs, 200 QA runs, 300 GPT tokens and 20 page switches in one tab stay within memory bounds', { timeout: 12 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    const samples = [];
    const sample = async (label) => {
      const r = await page.evaluate(() => ({ ...JSON.parse(window.__sesameRegistry()), heap: performance.memory?.usedJSHeapSize ?? 0 }));
      samples.push({ label, wasm: r.wasm_bytes, heap: r.heap, loaded: r.loaded_bytes, budget: r.budget });
      assert.ok(r.loaded_bytes <= r.budget || r.entries.filter((e) => e.status === 'ready').every((e) => e.pins > 0), `${label}: ${r.loaded_bytes} bytes loaded over the budget ${r.budget} with unpinned models`);
    };
    const go = async (query, ready) => {
      await page.getByTestId('nav-home').click().catch(() => {});
      await page.evaluate((q) => { history.pushState(null, '', q); dispatchEvent(new PopStateEvent('popstate')); }, `?${query}&lang=en&backend=cpu`);
      await ready();
    };
    const pages = [
      ['p=masking&m=bert-en', () => page.getByTestId('chip-1').waitFor({ timeout: SLOW })],
      ['p=pair&m=bert-zh', () => page.getByTestId('page-pair').waitFor({ timeout: SLOW })],
      ['p=contextual', () => page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW })],
      ['p=qa&m=qa-en', () => page.getByTestId('qa-answer').waitFor({ timeout: SLOW })],
      ['p=gpt&m=gpt-zh', () => page.getByTestId('gpt-candidate').first().waitFor({ timeout: SLOW })],
      ['p=ae&data=mnist&k=8', () => page.waitForFunction(() => document.querySelector('[data-testid=ae-output]')?.getAttribute('data-mse'), null, { timeout: SLOW })],
      ['p=ae-denoise', () => page.getByTestId('page-ae-denoise').waitFor({ timeout: SLOW }).catch(() => page.waitForTimeout(1000))],
      ['p=gpt&m=smollm2-135m-instruct', () => page.getByTestId('gpt-candidate').first().waitFor({ timeout: 2 * SLOW })],
      ['p=qa&m=qa-zh', () => page.getByTestId('qa-answer').waitFor({ timeout: SLOW })],
      ['p=masking&m=bert-zh', () => page.getByTestId('chip-1').waitFor({ timeout: SLOW })],
    ];
    await page.goto(`${server.url}?p=home&lang=en&backend=cpu`);
    // Warm-up: every model once.
    for (const [q, ready] of pages) await go(q, ready);
    await sample('after warm-up');

    // 1,000 fill-mask runs, each waited for (in the page: no round trip per run).
    await go('p=masking&m=bert-en', pages[0][1]);
    const t0 = Date.now();
    await page.evaluate(async (n) => {
      const box = document.querySelector('[data-testid=mask-text]');
      const runs = () => Number(document.querySelector('[data-testid=fill-ms]')?.dataset.runs ?? 0);
      for (let i = 0; i < n; i++) {
        const before = runs();
        box.value = i % 2 ? 'The cat sat on the [MASK].' : `He went to the [MASK] number ${i}.`;
        box.dispatchEvent(new Event('change', { bubbles: true }));
        while (runs() === before) await new Promise((r) => setTimeout(r, 2));
      }
    }, 1000);
    figure('cpu.soak_fill_mask_1000_runs_s', (Date.now() - t0) / 1000);
    await sample('after 1,000 fill-mask runs');

    // 200 QA runs.
    await go('p=qa&m=qa-en', pages[3][1]);
    const t1 = Date.now();
    await page.evaluate(async (n) => {
      const box = document.querySelector('[data-testid=qa-question]');
      const runs = () => Number(document.querySelector('[data-testid=qa-runs]')?.dataset.runs ?? 0);
      // A one-paragraph document (one window), so the 200 runs measure memory, not long documents.
      const doc = document.querySelector('[data-testid=qa-document]');
      const first = runs();
      doc.value = 'Sesame runs small BERT and GPT models in the browser. It was started in 2026 to teach self-supervised learning, and it works offline once opened.';
      doc.dispatchEvent(new Event('change', { bubbles: true }));
      while (runs() === first) await new Promise((r) => setTimeout(r, 2));
      for (let i = 0; i < n; i++) {
        const before = runs();
        box.value = `What is asked here, number ${i}?`;
        box.dispatchEvent(new Event('change', { bubbles: true }));
        while (runs() === before) await new Promise((r) => setTimeout(r, 2));
      }
    }, 200);
    figure('cpu.soak_qa_200_runs_s', (Date.now() - t1) / 1000);
    await sample('after 200 QA runs');

    // 300 generated tokens (the character GPT, Generate pressed until 300 are made).
    await go('p=gpt&m=gpt-zh', pages[4][1]);
    let made = 0;
    while (made < 300) {
      await page.getByTestId('gpt-reset').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false', null, { timeout: SLOW });
      await page.getByTestId('gpt-generate').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false', null, { timeout: SLOW });
      made += Number(await page.getByTestId('gpt-speed').getAttribute('data-decoded')) || 1;
    }
    figure('cpu.soak_gpt_tokens', made);
    await sample('after 300 GPT tokens');

    // 20 page switches through every model.
    for (let i = 0; i < 20; i++) await go(...pages[i % pages.length]);
    await sample('after 20 page switches');

    const base = samples[0];
    const last = samples.at(-1);
    figure('cpu.soak_memory_MB', JSON.stringify(samples.map((s) => ({ at: s.label, wasm: MB(s.wasm), heap: MB(s.heap), loaded: MB(s.loaded) }))));
    for (const s of samples) {
      assert.ok(s.wasm - base.wasm <= WASM_GROWTH, `${s.label}: wasm memory grew ${MB(s.wasm - base.wasm)} MB after warm-up`);
      assert.ok(s.heap - base.heap <= HEAP_GROWTH, `${s.label}: JS heap grew ${MB(s.heap - base.heap)} MB after warm-up`);
    }
    assert.ok(last.loaded <= last.budget);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
