// The part-of-speech page (fine-tuning case 2) in real headless Chromium, on WebGPU (CPU adapter)
// and on the CPU fallback: every token's class scores equal the PyTorch golden file, the words the
// model finds cover the sentence, a held-out preset shows the corpus's own words and the agreement,
// bad input gets a message, and the pre-training vs random-init comparison comes from the card.
// Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { serve, launch, watchErrors, figure, ARTIFACTS, ROOT, SLOW, MODES } from './harness.mjs';

const MODEL = 'pos-zh';
const golden = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', `${MODEL}-golden.json`), 'utf8'));
const card = JSON.parse(readFileSync(join(ROOT, 'assets', 'models', MODEL, 'v1', 'card.json'), 'utf8'));

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

for (const mode of MODES) {
  test(`${MODEL} on ${mode.label}: token scores equal PyTorch; words, presets, bad input, the comparison`, { timeout: 4 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1100 } });
      const errors = watchErrors(page);
      let worst = 0;
      for (const c of golden.cases.slice(0, mode.webgpu ? 2 : undefined)) {
        await page.goto(`${server.url}?p=tagging&lang=zh-Hans&m=${MODEL}&text=${encodeURIComponent(c.text)}${mode.query}`);
        await page.waitForFunction((t) => new URLSearchParams(location.search).get('text') === t && document.querySelector('[data-testid=tag-result]'), c.text, { timeout: SLOW });
        const tokens = await page.getByTestId('tag-token').evaluateAll((ts) => ts.map((t) => JSON.parse(t.dataset.logits)));
        assert.equal(tokens.length, c.ids.length - 2);
        tokens.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - c.logits[i + 1][j])); }));
        // The words found spell the sentence.
        const words = await page.getByTestId('tag-word').evaluateAll((ws) => ws.map((w) => w.dataset.word));
        assert.equal(words.join(''), c.text);
      }
      figure(`${mode.label}.${MODEL}_max_logit_diff`, worst.toExponential(2));
      assert.ok(worst < (mode.webgpu ? 1e-3 : 1e-4), `logits differ from PyTorch by ${worst}`);
      await page.screenshot({ path: join(ARTIFACTS, `tagging-${mode.label}.png`), fullPage: true });
      if (!mode.webgpu) {
        // A held-out preset: the corpus's words and how many the model matched.
        await page.getByTestId('tag-preset-1').click();
        const agreement = page.getByTestId('tag-agreement');
        await agreement.waitFor({ timeout: SLOW });
        const [matched, total] = [Number(await agreement.getAttribute('data-matched')), Number(await agreement.getAttribute('data-words'))];
        assert.ok(total > 0 && matched <= total);
        figure(`${MODEL}_preset1_words_matched`, `${matched} / ${total}`);
        await page.screenshot({ path: join(ARTIFACTS, `tagging-preset.png`), fullPage: true });
        // Bad input: empty text gets a message; an over-long one is cut and says so.
        await page.getByTestId('tag-text').fill('  ');
        await page.getByTestId('tag-text').blur();
        await page.getByTestId('tag-problem').waitFor({ timeout: SLOW });
        await page.getByTestId('tag-text').fill('我爱北京天安门。'.repeat(30));
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
