// The extractive-QA page in real headless Chromium, on WebGPU (CPU adapter) and on the CPU
// fallback: the start/end scores equal the PyTorch golden file, a validation preset highlights
// its gold answer's characters in the document, long documents are read in windows, bad input
// gets a message, and the pre-training vs random-init comparison is drawn. Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { serve, launch, watchErrors, figure, ARTIFACTS, ROOT, SLOW, MODES, modelFile } from './harness.mjs';

const MODELS = ['qa-zh', 'qa-en'].filter((id) => existsSync(join(ROOT, 'tests', 'fixtures', `${id}-golden.json`)));
const golden = (id) => JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', `${id}-golden.json`), 'utf8'));
const presets = (id) => JSON.parse(readFileSync(modelFile(id, 'presets.json'), 'utf8'));

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());


const answerAttr = (page, name) => page.getByTestId('qa-answer').getAttribute(name);
const url = (model, q, doc, extra = '') => `${server.url}?p=qa&lang=en&m=${model}&q=${encodeURIComponent(q)}&doc=${encodeURIComponent(doc)}${extra}`;

for (const model of MODELS) {
  for (const mode of MODES) {
    test(`${model} on ${mode.label}: scores equal PyTorch; a preset highlights its gold answer${mode.webgpu ? '' : '; long documents in windows'}`, { timeout: 6 * SLOW }, async () => {
      const browser = await launch({ webgpu: mode.webgpu });
      try {
        const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1100 } });
        const errors = watchErrors(page);
        let worst = 0;
        // On SwiftShader each case is a new window length (new shaders, ~1 min): the WebGPU run
        // checks the first case and the preset; every case and the long documents run on the CPU.
        const cases = golden(model).cases.slice(0, mode.webgpu ? 1 : undefined);
        for (const c of cases) {
          const t0 = Date.now();
          await page.goto(url(model, c.question, c.document, mode.query));
          await page.waitForFunction((q) => document.querySelector('[data-testid=qa-answer]')?.dataset.question === q, c.question, { timeout: SLOW });
          const start = (await answerAttr(page, 'data-start-logits')).split(',').map(Number);
          const end = (await answerAttr(page, 'data-end-logits')).split(',').map(Number);
          assert.equal(start.length, c.start_logits.length, 'the page built the same window as the reference');
          const d = Math.max(...start.map((v, i) => Math.abs(v - c.start_logits[i])), ...end.map((v, i) => Math.abs(v - c.end_logits[i])));
          worst = Math.max(worst, d);
          figure(`${mode.label}.${model}_first_answer_ms`, Date.now() - t0);
        }
        assert.ok(worst < 2e-3, `scores differ from PyTorch by ${worst}`);
        figure(`${mode.label}.${model}_logit_max_diff`, worst);

        // A validation preset the model answers exactly: its gold answer is highlighted in place.
        const p = presets(model)[0];
        await page.goto(`${server.url}?p=qa&lang=en&m=${model}${mode.query}`);
        await page.getByTestId('qa-answer').waitFor({ timeout: SLOW });
        assert.equal(await page.getByTestId('qa-question').inputValue(), p.question);
        const text = await answerAttr(page, 'data-answer');
        assert.ok(p.answers.includes(text), `answer ${text} vs gold ${p.answers}`);
        const marked = await page.locator('[data-testid=qa-doc] .in-answer').allTextContents();
        assert.equal(marked.join('').trim(), text.trim(), 'the highlighted characters are the answer');
        await page.getByTestId('qa-gold').waitFor();
        await page.getByTestId('qa-mechanism').waitFor();
        await page.screenshot({ path: join(ARTIFACTS, `qa-${model}-${mode.label}.png`), fullPage: true });
        if (mode.webgpu) {
          assert.deepEqual(errors, []);
          return;
        }

        // A long document is read in windows, and the page says which one answered.
        const long = presets(model).at(-1);
        await page.getByTestId('qa-preset').selectOption(String(presets(model).length - 1));
        await page.waitForFunction((q) => document.querySelector('[data-testid=qa-answer]')?.dataset.question === q, long.question, { timeout: SLOW });
        const windows = await page.getByTestId('qa-window').count();
        figure(`${mode.label}.${model}_long_document_windows`, windows);
        figure(`${mode.label}.${model}_long_document_ms`, Number(await answerAttr(page, 'data-ms')));
        if (windows > 1) {
          assert.ok(await page.locator('[data-testid=qa-window].answered').count() === 1);
        }
        // The latency figure: the same long document read in 384-token windows (models
        // whose position table reaches that far: qa-en; bert-zh's window is 128).
        const positions = JSON.parse(readFileSync(modelFile(model, 'config.json'), 'utf8')).max_position_embeddings;
        if (positions >= 384) {
          await page.getByTestId('qa-window-length').selectOption('384');
          await page.waitForFunction(() => document.querySelector('[data-testid=qa-answer]')?.dataset.windowTokens === '384', null, { timeout: 2 * SLOW });
          const windows384 = Math.max(1, await page.getByTestId('qa-window').count());
          figure(`${mode.label}.${model}_384_token_windows`, windows384);
          figure(`${mode.label}.${model}_384_token_answer_ms`, Number(await answerAttr(page, 'data-ms')));
        }
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    });
  }

  test(`${model}: bad input gets a message and the comparison is drawn`, { timeout: 3 * SLOW }, async () => {
    const browser = await launch({ webgpu: false });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
      const errors = watchErrors(page);
      await page.goto(url(model, ' ', 'Some text.', '&backend=cpu'));
      await page.getByTestId('qa-problem').waitFor({ timeout: SLOW });
      await page.getByTestId('qa-question').fill('What is it?');
      await page.getByTestId('qa-question').dispatchEvent('change');
      await page.getByTestId('qa-document').fill('');
      await page.getByTestId('qa-document').dispatchEvent('change');
      await page.getByTestId('qa-problem').waitFor();
      // A question in the other language is flagged, and still answered.
      const other = model === 'qa-zh' ? 'Who founded it?' : '誰創立了它？';
      await page.getByTestId('qa-document').fill('臺灣大學創立於1928年。 The university was founded in 1928.');
      await page.getByTestId('qa-document').dispatchEvent('change');
      await page.getByTestId('qa-question').fill(other);
      await page.getByTestId('qa-question').dispatchEvent('change');
      await page.getByTestId('qa-lang-warning').waitFor();
      await page.getByTestId('qa-answer').waitFor({ timeout: SLOW });
      // The comparison of the two fine-tuning runs, from the card.
      await page.getByTestId('qa-comparison').waitFor({ timeout: SLOW });
      assert.equal(await page.getByTestId('qa-run').count(), 2);
      await page.screenshot({ path: join(ARTIFACTS, `qa-${model}-bad-input.png`), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}
