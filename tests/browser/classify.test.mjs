// The sentence-classification page (fine-tuning case 1) in real headless Chromium, on WebGPU (CPU
// adapter) and on the CPU fallback: class scores equal the PyTorch golden file, a held-out preset
// shows its gold label, empty and over-long input get a message, and the pre-training vs
// random-init comparison is drawn from the card. Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { serve, launch, watchErrors, figure, ARTIFACTS, ROOT, SLOW, MODES, modelFile } from './harness.mjs';

const read = (model) => ({
  golden: JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', `${model}-golden.json`), 'utf8')),
  card: JSON.parse(readFileSync(modelFile(model, 'card.json'), 'utf8')),
});

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const logits = (page, classes) => page.evaluate((cs) => cs.map((c) => Number(document.querySelector(`[data-testid=cls-prob-${c}]`)?.dataset.logit)), classes);

for (const MODEL of ['sentiment-zh', 'sentiment-en']) for (const mode of MODES) {
  const { golden, card } = read(MODEL);
  test(`${MODEL} on ${mode.label}: class scores equal PyTorch; presets, bad input, the comparison`, { timeout: 4 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1100 } });
      const errors = watchErrors(page);
      let worst = 0;
      for (const c of golden.cases.slice(0, mode.webgpu ? 2 : undefined)) {
        await page.goto(`${server.url}?p=classify&lang=en&m=${MODEL}&text=${encodeURIComponent(c.text)}${mode.query}`);
        await page.waitForFunction((n) => document.querySelectorAll('[data-testid^=cls-prob-]').length === n, golden.classes.length, { timeout: SLOW });
        await page.waitForFunction((t) => new URLSearchParams(location.search).get('text') === t, c.text, { timeout: SLOW });
        const got = await logits(page, golden.classes);
        got.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - c.logits[i])); });
        assert.equal(await page.getByTestId('cls-vector').getAttribute('data-len'), String(card.config.hidden_size));
      }
      figure(`${mode.label}.${MODEL}_max_logit_diff`, worst.toExponential(2));
      assert.ok(worst < (mode.webgpu ? 1e-3 : 1e-4), `logits differ from PyTorch by ${worst}`);
      await page.screenshot({ path: join(ARTIFACTS, `classify-${MODEL}-${mode.label}.png`), fullPage: true });
      if (!mode.webgpu) {
        // A held-out preset: its text fills the box and its gold label is shown.
        await page.getByTestId('cls-preset-0').click();
        await page.getByTestId('cls-gold').waitFor({ timeout: SLOW });
        // Bad input: empty text gets a message; an over-long one is cut to the window and says so.
        await page.getByTestId('cls-text').fill('   ');
        await page.getByTestId('cls-text').blur();
        await page.getByTestId('cls-problem').waitFor({ timeout: SLOW });
        await page.getByTestId('cls-text').fill('这本书写得太好了，强烈推荐！'.repeat(40));
        await page.getByTestId('cls-text').blur();
        await page.getByTestId('cls-cut').waitFor({ timeout: SLOW });
        // The comparison from the card: both runs, pretrained first.
        const rows = page.getByTestId('cls-run');
        await rows.first().waitFor({ timeout: SLOW });
        assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.init)), ['pretrained', 'random']);
        const acc = card.runs.map((r) => r.valid.accuracy);
        // The page says in words whether the pretrained start helped, from the same figures.
        assert.equal(await page.getByTestId('cls-verdict').getAttribute('data-helped'), String(acc[0] - acc[1] >= 0.02));
        figure(`card.${MODEL}_accuracy`, `pretrained ${acc[0]}, random init ${acc[1]} (${card.data.valid_examples} held-out reviews)`);
        await page.screenshot({ path: join(ARTIFACTS, `classify-bad-input-${MODEL}.png`), fullPage: true });
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('the model switch loads the other language\'s classifier with its own presets and keeps it in the URL', { timeout: 2 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block' });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=classify&lang=en&backend=cpu`);
    await page.getByTestId('cls-result').waitFor({ timeout: SLOW });
    await page.getByTestId('cls-model-sentiment-en').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('m') === 'sentiment-en' && document.querySelector('[data-testid=cls-result]'), null, { timeout: SLOW });
    const text = await page.getByTestId('cls-text').inputValue();
    assert.ok(text.length > 0 && !/[\u4e00-\u9fff]/.test(text), `an English preset fills the box: ${text}`);
    assert.equal(await page.getByTestId('cls-model-sentiment-en').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

// Case 3 (two sentences → class): the QNLI page, with the pair's scores equal to PyTorch's.
const PAIR_LANG = { 'qnli-zh': 'zh-Hant', 'qnli-en': 'en' };
for (const PAIR of ['qnli-zh', 'qnli-en']) for (const mode of MODES) {
  const shipped = existsSync(join(ROOT, 'tests', 'fixtures', `${PAIR}-golden.json`));
  test(`${PAIR} on ${mode.label}: pair scores equal PyTorch; two segments, presets, bad input, the comparison`, { timeout: 4 * SLOW, skip: shipped ? false : `${PAIR} is not shipped yet` }, async () => {
    const { golden: pairGolden, card: pairCard } = read(PAIR);
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1100 } });
      const errors = watchErrors(page);
      let worst = 0;
      for (const c of pairGolden.cases.slice(0, mode.webgpu ? 2 : undefined)) {
        await page.goto(`${server.url}?p=qnli&lang=${PAIR_LANG[PAIR]}&m=${PAIR}&text=${encodeURIComponent(c.text)}&b=${encodeURIComponent(c.text_b)}${mode.query}`);
        await page.waitForFunction((n) => document.querySelectorAll('[data-testid^=cls-prob-]').length === n, pairGolden.classes.length, { timeout: SLOW });
        await page.waitForFunction((b) => new URLSearchParams(location.search).get('b') === b, c.text_b, { timeout: SLOW });
        const got = await page.evaluate((classes) => classes.map((k) => Number(document.querySelector(`[data-testid=cls-prob-${k}]`)?.dataset.logit)), pairGolden.classes);
        got.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - c.logits[i])); });
        // Both sentences are read: the second one's tokens carry segment 1.
        const toks = await page.locator('[data-testid=cls-tokens] .tok').evaluateAll((ts) => ts.map((t) => [t.textContent, Number(t.dataset.segment)]));
        assert.equal(toks.length, c.ids.length);
        const firstSep = toks.findIndex(([t]) => t === '[SEP]');
        assert.deepEqual(toks.map(([, s]) => s), toks.map((_, i) => (i > firstSep ? 1 : 0)));
      }
      figure(`${mode.label}.${PAIR}_max_logit_diff`, worst.toExponential(2));
      assert.ok(worst < (mode.webgpu ? 1e-3 : 1e-4), `logits differ from PyTorch by ${worst}`);
      await page.screenshot({ path: join(ARTIFACTS, `${PAIR}-${mode.label}.png`), fullPage: true });
      if (!mode.webgpu) {
        // A held-out preset fills both boxes and shows its gold label.
        await page.getByTestId('cls-preset-0').click();
        await page.getByTestId('cls-gold').waitFor({ timeout: SLOW });
        assert.ok((await page.getByTestId('cls-text-b').inputValue()).length > 0);
        // Bad input: an empty second sentence gets a message.
        await page.getByTestId('cls-text-b').fill(' ');
        await page.getByTestId('cls-text-b').blur();
        await page.getByTestId('cls-problem').waitFor({ timeout: SLOW });
        // The card's comparison, and the verdict from the same figures.
        const rows = page.getByTestId('cls-run');
        await rows.first().waitFor({ timeout: SLOW });
        assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.init)), ['pretrained', 'random']);
        const acc = pairCard.runs.map((r) => r.valid.accuracy);
        assert.equal(await page.getByTestId('cls-verdict').getAttribute('data-helped'), String(acc[0] - acc[1] >= 0.02));
        // The no-learning baseline from the card, and whether both models fall below it (5 points).
        const base = page.getByTestId('cls-baseline');
        assert.equal(Number(await base.getAttribute('data-accuracy')), pairCard.baseline.accuracy);
        assert.equal(await base.getAttribute('data-models-below'), String(pairCard.baseline.accuracy - Math.max(...acc) >= 0.05));
        figure(`card.${PAIR}_accuracy`, `pretrained ${acc[0]}, random init ${acc[1]}, shared-character rule ${pairCard.baseline.accuracy} (${pairCard.data.valid_examples} held-out pairs)`);
        await page.screenshot({ path: join(ARTIFACTS, `${PAIR}-preset.png`), fullPage: true });
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}
