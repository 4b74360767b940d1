// The part-of-speech page (fine-tuning case 2) in real headless Chromium, on WebGPU (CPU adapter)
// and on the CPU fallback: every token's class scores equal the PyTorch golden file, the words the
// model finds cover the sentence, a held-out preset shows the corpus's own words and the agreement,
// bad input gets a message, and the pre-training vs random-init comparison comes from the card.
// Both taggers (pos-zh, pos-en) and the switch between them. Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { serve, launch, watchErrors, figure, ARTIFACTS, ROOT, SLOW, MODES, modelFile } from './harness.mjs';

const MODELS = [
  { id: 'pos-zh', lang: 'zh-Hans', long: '我爱北京天安门。' },
  { id: 'pos-en', lang: 'en', long: 'The jury said the book was a good read. ' },
];
const read = (...p) => JSON.parse(readFileSync(join(ROOT, ...p), 'utf8'));

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

for (const { id: MODEL, lang, long } of MODELS) for (const mode of MODES) {
  const golden = read('tests', 'fixtures', `${MODEL}-golden.json`);
  const card = JSON.parse(readFileSync(modelFile(MODEL, 'card.json'), 'utf8'));
  test(`${MODEL} on ${mode.label}: token scores equal PyTorch; words, presets, bad input, the comparison`, { timeout: 4 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1100 } });
      const errors = watchErrors(page);
      let worst = 0;
      for (const c of golden.cases.slice(0, mode.webgpu ? 2 : undefined)) {
        await page.goto(`${server.url}?p=tagging&lang=${lang}&m=${MODEL}&text=${encodeURIComponent(c.text)}${mode.query}`);
        await page.waitForFunction((t) => new URLSearchParams(location.search).get('text') === t && document.querySelector('[data-testid=tag-result]'), c.text, { timeout: SLOW });
        const tokens = await page.getByTestId('tag-token').evaluateAll((ts) => ts.map((t) => JSON.parse(t.dataset.logits)));
        assert.equal(tokens.length, c.ids.length - 2);
        tokens.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - c.logits[i + 1][j])); }));
        // The words found spell the sentence (spaces apart).
        const words = await page.getByTestId('tag-word').evaluateAll((ws) => ws.map((w) => w.dataset.word));
        assert.equal(words.join(''), c.text.replace(/\s+/g, ''));
      }
      figure(`${mode.label}.${MODEL}_max_logit_diff`, worst.toExponential(2));
      assert.ok(worst < (mode.webgpu ? 1e-3 : 1e-4), `logits differ from PyTorch by ${worst}`);
      await page.screenshot({ path: join(ARTIFACTS, `tagging-${MODEL}-${mode.label}.png`), fullPage: true });
      if (!mode.webgpu) {
        // A held-out preset: the corpus's words and how many the model matched.
        await page.getByTestId('tag-preset-1').click();
        const agreement = page.getByTestId('tag-agreement');
        await agreement.waitFor({ timeout: SLOW });
        const [matched, total] = [Number(await agreement.getAttribute('data-matched')), Number(await agreement.getAttribute('data-words'))];
        assert.ok(total > 0 && matched <= total);
        figure(`${MODEL}_preset1_words_matched`, `${matched} / ${total}`);
        await page.screenshot({ path: join(ARTIFACTS, `tagging-${MODEL}-preset.png`), fullPage: true });
        // Bad input: empty text gets a message; an over-long one is cut and says so.
        await page.getByTestId('tag-text').fill('  ');
        await page.getByTestId('tag-text').blur();
        await page.getByTestId('tag-problem').waitFor({ timeout: SLOW });
        await page.getByTestId('tag-text').fill(long.repeat(30).slice(0, 500));
        await page.getByTestId('tag-text').blur();
        await page.getByTestId('tag-cut').waitFor({ timeout: SLOW });
        // The comparison from the card, and the verdict from the same figures.
        const rows = page.getByTestId('tag-run');
        await rows.first().waitFor({ timeout: SLOW });
        assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.init)), ['pretrained', 'random']);
        const acc = card.runs.map((r) => r.valid.word_accuracy);
        assert.equal(await page.getByTestId('tag-verdict').getAttribute('data-helped'), String(acc[0] - acc[1] >= 0.02));
        figure(`card.${MODEL}_word_accuracy`, `pretrained ${acc[0]}, random init ${acc[1]} (${card.data.valid_examples} held-out sentences)`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('the model switch: pos-zh → pos-en loads the English tagger, its presets and tag table, and keeps it in the URL', { timeout: 2 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1100 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=tagging&lang=en&backend=cpu`);
    await page.getByTestId('tag-result').waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('tag-model-pos-zh').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('tag-all').locator('.pos-word').count(), 44);
    await page.getByTestId('tag-model-pos-en').click();
    const presets = JSON.parse(readFileSync(modelFile('pos-en', 'presets.json'), 'utf8'));
    await page.waitForFunction((t) => new URLSearchParams(location.search).get('m') === 'pos-en' && new URLSearchParams(location.search).get('text') === t && document.querySelector('[data-testid=tag-result]'), presets[0].text, { timeout: SLOW });
    assert.equal(await page.getByTestId('tag-model-pos-en').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByTestId('tag-all').locator('.pos-word').count(), 12);
    // The first preset is the corpus's sentence: its gold words are shown with the agreement.
    await page.getByTestId('tag-agreement').waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('gold-word').count(), presets[0].words.length);
    await page.screenshot({ path: join(ARTIFACTS, 'tagging-switch-pos-en.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
