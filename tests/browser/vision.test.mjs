// The /vision page in real headless Chromium, on WebGPU (CPU adapter) and on the CPU fallback:
// the masked-patch ViT's guess equals the transformers golden file, clicking patches and the
// slider change the mask (and the address), the contrastive ViT puts two views of one image
// closer than other images, the map embeds every test image, the probe table shows the card's
// figures, and bad addresses get a notice. Screenshots → artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { serve, launch, watchErrors, figure, ARTIFACTS, ROOT, SLOW, MODES, modelFile } from './harness.mjs';

const golden = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'vit-golden.json'), 'utf8'));
const card = JSON.parse(readFileSync(modelFile('vit', 'card.json'), 'utf8'));

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const attr = (page, id, name) => page.getByTestId(id).getAttribute(name);
const waitAttr = (page, id, name, not = null) => page.waitForFunction(([i, n, x]) => {
  const v = document.querySelector(`[data-testid="${i}"]`)?.getAttribute(n);
  return v && v !== x;
}, [id, name, not], { timeout: SLOW });

for (const mode of MODES) {
  test(`vision page on ${mode.label}: golden guess, masks, views, map and probes`, { timeout: 5 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
      const errors = watchErrors(page);
      const t0 = Date.now();
      await page.goto(`${server.url}?p=vision&lang=en&data=mnist&i=0&m=${golden.mask}${mode.query}`);
      // The guess for the hidden patches equals transformers' BertModel on the same weights.
      await waitAttr(page, 'fill-in', 'data-mse');
      figure(`${mode.label}.vision_first_guess_ms`, Date.now() - t0);
      const ref = golden.cases.find((c) => c.file === 'mnist-masked.safetensors');
      const mse = Number(await attr(page, 'fill-in', 'data-mse'));
      assert.ok(Math.abs(mse - ref.hidden_mse[0]) < 1e-5, `hidden MSE ${mse} vs golden ${ref.hidden_mse[0]}`);
      figure(`${mode.label}.vision_hidden_mse_diff`, Math.abs(mse - ref.hidden_mse[0]).toExponential(2));
      // Clicking a patch toggles it: the mask, the address and the guess follow.
      const hidden0 = (parseInt(golden.mask, 16) & 1) === 1;
      await page.getByTestId('patch-0').click();
      const mask = (parseInt(golden.mask, 16) ^ 1).toString(16).padStart(4, '0');
      await page.waitForFunction((m) => document.querySelector('[data-testid=fill-in]')?.dataset.mask === m, mask);
      assert.equal(await attr(page, 'patch-0', 'aria-pressed'), String(!hidden0));
      await page.waitForFunction((m) => location.search.includes(`m=${m}`), mask);
      await waitAttr(page, 'fill-in', 'data-mse', String(mse.toFixed(6)));
      // The slider draws that many hidden patches; none hidden says so.
      await page.getByTestId('hide-count').fill('12');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid^=patch-]')].filter((b) => b.getAttribute('aria-pressed') === 'true').length === 12);
      await page.getByTestId('hide-count').fill('0');
      await page.waitForFunction(() => /Nothing is hidden/.test(document.querySelector('[data-testid=hidden-mse]')?.textContent ?? ''), null, { timeout: SLOW });
      await page.getByTestId('hide-count').fill('8');
      // Views: two views of one image are closer than other images (the contrastive claim).
      await waitAttr(page, 'views', 'data-pair');
      const pair = Number(await attr(page, 'views', 'data-pair'));
      const others = Number(await attr(page, 'views', 'data-others'));
      figure(`${mode.label}.vision_views_cos`, `pair ${pair}, others ${others}`);
      assert.ok(pair > others + 0.2, `two views ${pair} vs other images ${others}`);
      await page.getByTestId('new-views').click();
      await waitAttr(page, 'views', 'data-pair', String(pair.toFixed(4)));
      // The map embeds every shipped test image.
      await page.waitForFunction(() => document.querySelector('[data-testid=vision-map]')?.dataset.points === '1000', null, { timeout: SLOW });
      assert.equal(await page.locator('[data-testid=vision-map] circle').count(), 1000);
      // The probe table shows the card's figures.
      const probes = card.probes.find((t) => t.data === 'mnist');
      for (const row of probes.rows) {
        const shown = Number(await attr(page, `probe-${row.method}-100`, 'data-acc'));
        assert.ok(Math.abs(shown - row.accuracy[1]) < 1e-4, `${row.method}: page ${shown}, card ${row.accuracy[1]}`);
      }
      await page.screenshot({ path: join(ARTIFACTS, `vision-${mode.label}.png`), fullPage: true });
      if (!mode.webgpu) {
        // Fashion-MNIST: its own models and table.
        await page.getByTestId('data-fashion').click();
        await page.waitForFunction(() => document.querySelector('[data-testid=probe-table]')?.dataset.set === 'fashion-mnist');
        await page.waitForFunction(() => location.search.includes('data=fashion'));
        await waitAttr(page, 'views', 'data-pair');
        await page.waitForFunction(() => document.querySelector('[data-testid=vision-map]')?.dataset.points === '1000', null, { timeout: SLOW });
        await page.screenshot({ path: join(ARTIFACTS, `vision-fashion-${mode.label}.png`), fullPage: true });
        // Bad addresses: a notice, and the page still works with its defaults.
        await page.goto(`${server.url}?p=vision&lang=zh-Hant&m=zzzz&i=5000&map=pixels${mode.query}`);
        await page.getByTestId('url-notice').waitFor({ timeout: SLOW });
        await waitAttr(page, 'fill-in', 'data-mse');
        assert.equal(await attr(page, 'fill-in', 'data-mask'), '5a3c');
        await page.screenshot({ path: join(ARTIFACTS, `vision-zh-${mode.label}.png`), fullPage: true });
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}
