// The GPT pages in real headless Chromium, on WebGPU (CPU adapter) and on the CPU fallback:
// SmolLM2's next-token distribution after "The capital of France is" puts " Paris" first with
// the probability ratios of the transformers golden file, clicking it appends it, greedy
// generation repeats the golden continuation token for token (browser equals native), tokens
// per second are measured; the in-context-learning page builds and grades the accuracy table
// for two tasks; bad input gets a message. Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { serve, launch, watchErrors, figure, ARTIFACTS, ROOT, SLOW, MODES, modelFile } from './harness.mjs';

const golden = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'smollm2-golden.json'), 'utf8'));
const france = golden.cases.find((c) => c.prompt === 'The capital of France is');

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const top = async (page) => JSON.parse(await page.getByTestId('gpt-distribution').getAttribute('data-top'));
const speed = (page, name) => page.getByTestId('gpt-speed').getAttribute(name);

for (const mode of MODES) {
  test(`next token on ${mode.label}: Paris first, golden ratios, greedy text equals transformers`, { timeout: 8 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1200 } });
      const errors = watchErrors(page);
      const t0 = Date.now();
      await page.goto(`${server.url}?p=gpt&lang=en&t=0&prompt=${encodeURIComponent(france.prompt)}${mode.query}`);
      await page.getByTestId('gpt-candidate').first().waitFor({ timeout: 2 * SLOW });
      figure(`${mode.label}.gpt_first_distribution_ms`, Date.now() - t0);
      const bars = await top(page);
      assert.equal(bars[0].text, ' Paris');
      // p_i / p_j = exp(l_i - l_j): the browser's probabilities against the reference logits.
      const last = france.top_logits.at(-1);
      const ids = france.top_ids.at(-1);
      assert.equal(bars[0].pick, 1, 'temperature 0 keeps only the argmax');
      let worst = 0;
      for (let i = 1; i < 4; i++) {
        const ratio = Math.log(bars[0].p / bars[i].p);
        worst = Math.max(worst, Math.abs(ratio - (last[0] - last[i])));
      }
      assert.ok(worst < 2e-3, `log-probability gaps differ from transformers by ${worst} (ids ${ids.slice(0, 4)})`);
      figure(`${mode.label}.gpt_logit_gap_max_diff`, worst);
      figure(`${mode.label}.gpt_prompt_tokens_per_s`, Number(await speed(page, 'data-prompt-tps')));

      // Click " Paris": it is appended with its probability.
      await page.getByTestId('gpt-candidate').first().click();
      await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.text === ' Paris' && document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false', null, { timeout: SLOW });
      assert.equal(await page.getByTestId('gpt-chosen').count(), 1);

      // Greedy generation continues exactly as transformers did.
      await page.getByTestId('gpt-generate').click();
      const want = mode.webgpu ? 3 : 8; // SwiftShader decodes ~0.1 token/s
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=gpt-chosen]').length >= n, want, { timeout: 3 * SLOW });
      await page.getByTestId('gpt-stop').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false', null, { timeout: SLOW });
      const text = await page.getByTestId('gpt-output').getAttribute('data-text');
      assert.ok(text.length > ' Paris'.length && (france.greedy_text.startsWith(text) || text.startsWith(france.greedy_text)), `browser greedy text ${JSON.stringify(text)} vs transformers ${JSON.stringify(france.greedy_text)}`);
      figure(`${mode.label}.gpt_decode_tokens_per_s`, Number(await speed(page, 'data-decode-tps')));
      await page.getByTestId('gpt-problem').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `gpt-next-${mode.label}.png`), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('in-context learning: the accuracy table for two tasks, one edited prompt', { timeout: 10 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1400 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=icl&lang=en&backend=cpu&task=capitals&k=4&q=Peru&tasks=capitals,antonyms&n=2`);
    const prompt = await page.getByTestId('icl-prompt').textContent();
    assert.ok(prompt.startsWith('Name the capital city of each country.\nFrance => Paris\n') && prompt.includes('Peru =>'), prompt);
    await page.getByTestId('icl-run-one').click({ timeout: 2 * SLOW });
    await page.getByTestId('icl-answer').waitFor({ timeout: SLOW });
    figure('cpu.icl_peru_4shot_answer', await page.getByTestId('icl-answer').getAttribute('data-answer'));

    const t0 = Date.now();
    await page.getByTestId('icl-run-table').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=icl-table]')?.dataset.done === 'true', null, { timeout: 8 * SLOW });
    figure('cpu.icl_table_2_tasks_x_5_shots_x_2_queries_s', (Date.now() - t0) / 1000);
    const cells = await page.getByTestId('icl-cell').evaluateAll((els) => els.map((e) => [e.dataset.task, Number(e.dataset.k), e.dataset.acc]));
    assert.equal(cells.length, 10, 'two tasks × k = 0, 1, 2, 4, 8');
    for (const [task, k, acc] of cells) {
      assert.ok(acc !== '' && Number(acc) >= 0 && Number(acc) <= 100, `${task} k=${k}: ${acc}`);
    }
    figure('cpu.icl_table', JSON.stringify(cells));
    await page.getByTestId('icl-chart').waitFor();

    // The measured chart of accuracy against model size (assets/icl/accuracy-by-size.json):
    // English (the page's language) shows SmolLM2 and Gemma, Chinese adds gpt-zh, smallest first.
    const measured = JSON.parse(readFileSync(join(ROOT, 'assets', 'icl', 'accuracy-by-size.json'), 'utf8'));
    const sizeCells = async () => page.getByTestId('icl-size-cell').evaluateAll((els) => els.map((e) => [e.dataset.model, Number(e.dataset.k), e.dataset.acc]));
    assert.equal(await page.getByTestId('icl-size-table').getAttribute('data-suite'), 'en');
    let shown = await sizeCells();
    assert.deepEqual([...new Set(shown.map((c) => c[0]))], ['smollm2-135m-instruct', 'gemma3-270m']);
    await page.getByTestId('icl-size-zh').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=icl-size-table]')?.dataset.suite === 'zh');
    shown = await sizeCells();
    assert.deepEqual([...new Set(shown.map((c) => c[0]))], ['gpt-zh', 'smollm2-135m-instruct', 'gemma3-270m']);
    const gemmaZh = measured.rows.find((r) => r.model === 'gemma3-270m' && r.suite === 'zh');
    const few = shown.find((c) => c[0] === 'gemma3-270m' && c[1] === 8);
    assert.equal(few[2], gemmaZh.mean[4].toFixed(1), 'the page shows the measured table');
    await page.getByTestId('icl-size-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'icl-cpu.png'), fullPage: true });

    // Another model and the Chinese suite: gpt-zh (small, Chinese only) on 反义词, one prompt.
    await page.getByTestId('icl-model-gpt-zh').click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('m') === 'gpt-zh');
    assert.equal(await page.getByTestId('icl-table').count(), 0, 'the last model\'s table is gone');
    await page.getByTestId('icl-task').selectOption('zh-antonyms');
    const zhPrompt = await page.getByTestId('icl-prompt').textContent();
    assert.ok(zhPrompt.includes('=>') && /[\u4e00-\u9fff]/.test(zhPrompt), zhPrompt);
    await page.locator('[data-testid=icl-run-one]:not([disabled])').click({ timeout: 2 * SLOW });
    await page.getByTestId('icl-answer').waitFor({ timeout: SLOW });
    figure('cpu.icl_gpt_zh_antonyms_answer', await page.getByTestId('icl-answer').getAttribute('data-answer'));
    assert.ok(['true', 'false'].includes(await page.getByTestId('icl-answer').getAttribute('data-correct')), 'graded against the suite');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('bad input: empty prompt, prompt longer than the window, chat mode', { timeout: 3 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block' });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=gpt&lang=en&backend=cpu&t=0`);
    await page.getByTestId('gpt-candidate').first().waitFor({ timeout: 2 * SLOW });
    await page.getByTestId('gpt-prompt').fill('   ');
    await page.getByTestId('gpt-prompt').dispatchEvent('change');
    await page.getByTestId('gpt-problem').waitFor();
    assert.match(await page.getByTestId('gpt-problem').textContent(), /Type a prompt/);
    await page.getByTestId('gpt-prompt').fill('7'.repeat(3000)); // one token per digit: 3000 > 2048
    await page.getByTestId('gpt-prompt').dispatchEvent('change');
    await page.waitForFunction(() => /longer than/.test(document.querySelector('[data-testid=gpt-problem]')?.textContent ?? ''));
    // Chat mode wraps the question in the template: the instruct model answers it.
    await page.getByTestId('gpt-prompt').fill('What is the capital of Japan?');
    await page.getByTestId('gpt-chat').check();
    await page.getByTestId('gpt-prompt').dispatchEvent('change');
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid=gpt-distribution]')?.dataset.top ?? '[]')[0]?.text === 'The', null, { timeout: SLOW });
    await page.screenshot({ path: join(ARTIFACTS, 'gpt-bad-input.png'), fullPage: true });
    // Switching to the character GPT keeps the user's own prompt (its characters are mostly
    // outside that vocabulary, which is no error), turns chat mode off and goes into the address.
    await page.getByTestId('gpt-model-gpt-zh').click();
    await page.getByTestId('gpt-zh-about').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false' && document.querySelectorAll('[data-testid=gpt-candidate]').length > 0, null, { timeout: SLOW });
    assert.equal(await page.getByTestId('gpt-prompt').inputValue(), 'What is the capital of Japan?');
    assert.equal(await page.getByTestId('gpt-chat').isDisabled(), true);
    assert.match(page.url(), /[?&]m=gpt-zh/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

// Sesame's own character GPT (tests/fixtures/gpt-zh-golden.json, from transformers on the
// shipped f16 file): the lecture's 台→湾→大→学 and a poem continued greedily, on both paths.
const zh = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'gpt-zh-golden.json'), 'utf8'));
const zhCase = (p) => zh.cases.find((c) => c.prompt === p);

for (const mode of MODES) {
  test(`character GPT on ${mode.label}: 台 → 湾 → 大 → 学 by clicking bars, a poem line, golden ratios`, { timeout: 4 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1200 } });
      const errors = watchErrors(page);
      const t0 = Date.now();
      await page.goto(`${server.url}?p=gpt&m=gpt-zh&lang=zh-Hans&t=0&prompt=${encodeURIComponent('台')}${mode.query}`);
      await page.getByTestId('gpt-candidate').first().waitFor({ timeout: 2 * SLOW });
      figure(`${mode.label}.gpt_zh_first_distribution_ms`, Date.now() - t0);
      assert.equal(await page.getByTestId('gpt-chat').isDisabled(), true, 'no chat template');
      // The lecture's chain, by clicking bars as a student would: after 台 the argmax is 湾; after
      // 台湾 the small model prefers 北 (台湾北部), but 大 is among the bars shown; after 台湾大
      // the argmax is 学. Where transformers has the same text, the bars' log-probability gaps
      // and argmax match it.
      let worst = 0;
      const gaps = (bars, ref) => {
        const last = ref.top_logits.at(-1);
        assert.equal(bars[0].text, ref.greedy_text[0], `argmax after ${ref.prompt}`);
        for (let i = 1; i < 4; i++) worst = Math.max(worst, Math.abs(Math.log(bars[0].p / bars[i].p) - (last[0] - last[i])));
      };
      const bar = (text) => page.getByTestId('gpt-candidate').filter({ has: page.locator('.tok', { hasText: new RegExp(`^${text}$`) }) });
      const chosen = async (made) => page.waitForFunction((t) => {
        const out = document.querySelector('[data-testid=gpt-output]');
        return out?.dataset.text === t && out.dataset.busy === 'false' && document.querySelectorAll('[data-testid=gpt-candidate]').length > 0;
      }, made, { timeout: SLOW });
      let bars = await top(page);
      assert.equal(bars[0].text, '湾', `after 台: ${JSON.stringify(bars.slice(0, 5))}`);
      gaps(bars, zhCase('台'));
      figure(`${mode.label}.gpt_zh_p_湾_after_台`, bars[0].p);
      await bar('湾').click();
      await chosen('湾');
      bars = await top(page);
      const rank = bars.findIndex((b) => b.text === '大');
      assert.ok(rank >= 0, `after 台湾, 大 is not among the bars ${JSON.stringify(bars.map((b) => b.text))}`);
      figure(`${mode.label}.gpt_zh_大_after_台湾`, JSON.stringify({ rank: rank + 1, p: bars[rank].p, top: bars[0].text }));
      await bar('大').click();
      await chosen('湾大');
      bars = await top(page);
      assert.equal(bars[0].text, '学', `after 台湾大: ${JSON.stringify(bars.slice(0, 5))}`);
      gaps(bars, zhCase('台湾大'));
      figure(`${mode.label}.gpt_zh_p_学_after_台湾大`, bars[0].p);
      assert.equal(await page.getByTestId('gpt-chosen').count(), 2);
      assert.ok(worst < 2e-3, `log-probability gaps differ from transformers by ${worst}`);
      figure(`${mode.label}.gpt_zh_logit_gap_max_diff`, worst);
      await page.screenshot({ path: join(ARTIFACTS, `gpt-zh-chain-${mode.label}.png`), fullPage: true });
      // A poem opening, continued greedily: the text equals transformers' continuation.
      const poem = zhCase('床前明月光，');
      await page.getByTestId('gpt-example').filter({ hasText: '床前明月光，' }).click();
      await page.waitForFunction(() => document.querySelector('.gpt-text .prompt-text')?.textContent === '床前明月光，' && document.querySelectorAll('[data-testid=gpt-candidate]').length > 0, null, { timeout: SLOW });
      await page.getByTestId('gpt-generate').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false' && document.querySelectorAll('[data-testid=gpt-chosen]').length > 0, null, { timeout: 2 * SLOW });
      const text = await page.getByTestId('gpt-output').getAttribute('data-text');
      // transformers stopped at <|endoftext|> (id 1), as the page does: the texts are equal.
      const want = poem.greedy_text.replace('<|endoftext|>', '');
      assert.ok(poem.greedy_ids.includes(1), 'the fixture continuation ends at <|endoftext|>');
      assert.ok(text.length > 0 && text === want, `browser ${JSON.stringify(text)} vs transformers ${JSON.stringify(want)}`);
      figure(`${mode.label}.gpt_zh_poem`, text);
      figure(`${mode.label}.gpt_zh_decode_tokens_per_s`, Number(await speed(page, 'data-decode-tps')));
      await page.screenshot({ path: join(ARTIFACTS, `gpt-zh-${mode.label}.png`), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

// Gemma 3 270M (tests/fixtures/gemma3-golden.json, from transformers 5.24 on the same GGUF), on
// the CPU path with a short prompt: its size shows before anything is downloaded, picking it
// shows the Gemma Terms notice and fetches the 253 MB file, the bars after 台湾大 have
// transformers' argmax and log-probability gaps, greedy text follows transformers' continuation.
const gemma = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'gemma3-golden.json'), 'utf8'));
const gemmaCase = gemma.cases.find((c) => c.prompt === '台湾大');

test('Gemma 3 270M on the CPU path: size before download, terms, golden bars after 台湾大, greedy text', { timeout: 6 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1200 } });
    const errors = watchErrors(page);
    const fetched = [];
    page.on('request', (r) => { if (r.url().includes('gemma3-270m')) fetched.push(r.url()); });
    await page.goto(`${server.url}?p=gpt&lang=zh-Hans&t=0&backend=cpu`);
    await page.getByTestId('gpt-candidate').first().waitFor({ timeout: 2 * SLOW });
    const size = await page.getByTestId('gpt-gemma3-size').textContent();
    assert.match(size, /253\.\d MB/, `the button shows the download size: ${size}`);
    assert.deepEqual(fetched, [], 'nothing of Gemma is fetched before it is picked');
    await page.screenshot({ path: join(ARTIFACTS, 'gpt-gemma3-before.png') });

    const t0 = Date.now();
    await page.getByTestId('gpt-model-gemma3').click();
    const terms = page.getByTestId('gpt-gemma3-terms');
    await terms.waitFor();
    assert.match(await terms.locator('a').getAttribute('href'), /gemma3-270m\/v1\/GEMMA_TERMS\.html$/);
    assert.equal(await page.getByTestId('gpt-chat').isDisabled(), true, 'a base model: no chat mode');
    await page.waitForFunction(() => document.querySelector('.gpt-text .prompt-text')?.textContent === '台湾大' && document.querySelectorAll('[data-testid=gpt-candidate]').length > 0, null, { timeout: 4 * SLOW });
    figure('cpu.gemma3_first_distribution_ms', Date.now() - t0);
    assert.ok(fetched.some((u) => u.endsWith('model.Q4_K_M.gguf')), `the GGUF was fetched: ${fetched}`);
    const bars = await top(page);
    const last = gemmaCase.top_logits.at(-1);
    const want = gemmaCase.greedy_text.slice(0, bars[0].text.length);
    assert.equal(bars[0].text, want, `argmax after 台湾大: ${JSON.stringify(bars.slice(0, 4))}`);
    let worst = 0;
    for (let i = 1; i < 4; i++) worst = Math.max(worst, Math.abs(Math.log(bars[0].p / bars[i].p) - (last[0] - last[i])));
    assert.ok(worst < 2e-3, `log-probability gaps differ from transformers by ${worst}`);
    figure('cpu.gemma3_logit_gap_max_diff', worst);
    figure('cpu.gemma3_prompt_tokens_per_s', Number(await speed(page, 'data-prompt-tps')));

    await page.getByTestId('gpt-generate').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=gpt-chosen]').length >= 4, null, { timeout: 2 * SLOW });
    await page.getByTestId('gpt-stop').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false', null, { timeout: SLOW });
    const text = await page.getByTestId('gpt-output').getAttribute('data-text');
    assert.ok(text.length > 0 && gemmaCase.greedy_text.startsWith(text), `browser greedy text ${JSON.stringify(text)} vs transformers ${JSON.stringify(gemmaCase.greedy_text)}`);
    figure('cpu.gemma3_greedy_text', text);
    figure('cpu.gemma3_decode_tokens_per_s', Number(await speed(page, 'data-decode-tps')));
    await page.screenshot({ path: join(ARTIFACTS, 'gpt-gemma3-cpu.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

// Gemma 3 270M on WebGPU (SwiftShader here): the quantized blocks on the device, and a prompt
// whose tokens drive Gemma's GeGLU gate past |u| ≈ 89, where WGSL's tanh is NaN on SwiftShader
// (the whole distribution was NaN before the gate stopped using it). The bars must be
// transformers' (argmax, log-probability gaps of the top 4); the device holds ≤ 1.5× the GGUF.
const gemmaArrows = gemma.cases.find((c) => c.prompt.startsWith('hot → cold'));

test('Gemma 3 270M on WebGPU: golden bars after a prompt that overflowed tanh, device memory within 1.5× the GGUF', { timeout: 6 * SLOW }, async () => {
  const browser = await launch({ webgpu: true });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1200 } });
    const errors = watchErrors(page);
    const t0 = Date.now();
    await page.goto(`${server.url}?p=gpt&lang=en&t=0&m=gemma3-270m&backend=webgpu&prompt=${encodeURIComponent(gemmaArrows.prompt)}`);
    await page.getByTestId('gpt-gemma3-terms').waitFor({ timeout: 2 * SLOW });
    await page.getByTestId('gpt-candidate').first().waitFor({ timeout: 4 * SLOW });
    figure('webgpu.gemma3_first_distribution_ms', Date.now() - t0);
    const bars = await top(page);
    assert.ok(bars.every((b) => Number.isFinite(b.p)), `finite probabilities: ${JSON.stringify(bars.slice(0, 4))}`);
    const last = gemmaArrows.top_logits.at(-1);
    assert.equal(bars[0].text, gemmaArrows.greedy_text.slice(0, bars[0].text.length), `argmax: ${JSON.stringify(bars.slice(0, 4))}`);
    let worst = 0;
    for (let i = 1; i < 4; i++) worst = Math.max(worst, Math.abs(Math.log(bars[0].p / bars[i].p) - (last[0] - last[i])));
    assert.ok(worst < 2e-3, `log-probability gaps differ from transformers by ${worst}`);
    figure('webgpu.gemma3_logit_gap_max_diff', worst);
    const registry = JSON.parse(await page.evaluate(() => window.__sesameRegistry()));
    const entry = registry.entries.find((e) => e.key === 'gemma3-270m');
    const gguf = statSync(modelFile('gemma3-270m', 'model.Q4_K_M.gguf')).size;
    figure('webgpu.gemma3_device_bytes_over_gguf', (entry.bytes / gguf).toFixed(3));
    assert.ok(entry.bytes <= 1.5 * gguf, `Gemma holds ${entry.bytes} bytes on the device for a ${gguf}-byte GGUF`);
    await page.screenshot({ path: join(ARTIFACTS, 'gpt-gemma3-webgpu.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
