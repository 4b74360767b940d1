// The built app in real headless Chromium: WebGPU (CPU adapter) and the CPU fallback give
// the same, correct results; bad input gets messages; screenshots are saved to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { serve, launch, watchErrors, figure, readMatrix, contrast, ARTIFACTS, ROOT, SLOW, modelFile } from './harness.mjs';

// The default experiment: sentences 1–5 use "apple" the fruit, 6–10 the company.
const GROUPS = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
// Sesame's pretrained BERTs (issue 3), checked on the diagnostics page when shipped.
const PRETRAINED = ['bert-zh', 'bert-en', 'mbert'].filter((id) => existsSync(modelFile(id, 'model.safetensors', 'dist')));
let server;
const matrices = {};

before(async () => { server = await serve(); });
after(() => server?.stop());

// WebGPU runs are forced with backend=webgpu: here the only adapter is SwiftShader, a software
// renderer, which Sesame's automatic choice skips in favour of its faster CPU backend.
const MODES = [
  { label: 'webgpu', webgpu: true, query: '&backend=webgpu' },
  { label: 'cpu', webgpu: false, query: '' },
];

async function contextualRun(browser, mode) {
  const label = mode.label;
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const t0 = Date.now();
  await page.goto(`${server.url}?p=contextual&lang=en${mode.query}`);
  await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
  const cold = Date.now() - t0;
  const m = await readMatrix(page, 'matrix-contextual');
  const s = await readMatrix(page, 'matrix-static');
  await page.screenshot({ path: join(ARTIFACTS, `contextual-${label}.png`), fullPage: true });
  // Warm: reload; weights come from the Cache API, shaders compile again.
  const t1 = Date.now();
  await page.reload();
  await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
  const warm = Date.now() - t1;
  const cached = await page.evaluate(async () => (await (await caches.open('sesame-weights')).keys()).map((r) => r.url));
  const forwardMs = Number(await page.getByTestId('results').getAttribute('data-forward-ms'));
  const badge = await page.getByTestId('badge').getAttribute('data-backend');
  await context.close();
  return { m, s, cold, warm, cached, forwardMs, badge, errors };
}

for (const mode of MODES) {
  test(`contextual page on ${mode.label}: same-sense pairs beat cross-sense, static is all ones`, { timeout: 3 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const r = await contextualRun(browser, mode);
      assert.equal(r.badge, mode.label, `badge should say ${mode.label}`);
      assert.equal(r.m.length, 10);
      const { same, cross } = contrast(r.m, GROUPS);
      assert.ok(same > cross + 0.05, `same ${same} vs cross ${cross}`);
      assert.ok(r.s.flat().every((v) => Math.abs(v - 1) < 1e-3), 'static embeddings are all 1.00');
      assert.ok(r.cached.some((u) => u.endsWith('/model.f16.safetensors')), 'weights are in the Cache API');
      assert.deepEqual(r.errors, []);
      matrices[mode.label] = r.m;
      figure(`${mode.label}.contextual.same_vs_cross`, `${same.toFixed(3)} vs ${cross.toFixed(3)}`);
      figure(`${mode.label}.first_matrix_cold_ms`, r.cold);
      figure(`${mode.label}.first_matrix_warm_ms`, r.warm);
      figure(`${mode.label}.default_experiment_forward_ms`, r.forwardMs);
    } finally {
      await browser.close();
    }
  });

  test(`diagnostics on ${mode.label}: MiniLM hidden states and Sesame's BERTs match their PyTorch fixtures`, { timeout: 5 * SLOW }, async () => {
    const browser = await launch({ webgpu: mode.webgpu });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`${server.url}?p=diagnostics&lang=en${mode.query}`);
      const golden = page.getByTestId('golden');
      await golden.waitFor({ timeout: 2 * SLOW }); // minutes on SwiftShader: load, shaders, 3 sentences
      await page.getByTestId('bench').waitFor({ timeout: 2 * SLOW });
      const maxDiff = Number(await golden.getAttribute('data-max-diff'));
      assert.equal(await golden.getAttribute('data-pass'), 'true', `max diff ${maxDiff}`);
      assert.ok(maxDiff <= 5e-3, `max diff ${maxDiff}`);
      assert.equal(await page.getByTestId('badge').getAttribute('data-backend'), mode.label);
      // The model itself must sit on the device the badge names (not silently on the CPU).
      const device = await page.getByTestId('diag-device').textContent();
      assert.match(device, mode.webgpu ? /Wgpu|WebGpu/i : /Flex/, device);
      figure(`${mode.label}.golden_max_abs_diff_f16`, maxDiff);
      figure(`${mode.label}.forward_128_tokens_median_ms`, Number(await page.getByTestId('bench').getAttribute('data-median-ms')));
      figure(`${mode.label}.adapter`, await page.getByTestId('diag-backend').textContent());
      figure(`${mode.label}.wasm_memory_bytes_after_load`, Number(await page.getByTestId('wasm-memory').getAttribute('data-bytes')));
      await page.screenshot({ path: join(ARTIFACTS, `diagnostics-${mode.label}.png`), fullPage: true });

      // Sesame's own BERTs on the same page (one page load: on SwiftShader a second one would
      // repeat the MiniLM check above for minutes): MLM and pair logits vs HF BertForPreTraining.
      await page.getByTestId('check-pretrained').click();
      for (const id of PRETRAINED) {
        const table = page.getByTestId(`golden-${id}`);
        await table.waitFor({ timeout: 2 * SLOW });
        const diff = Number(await table.getAttribute('data-max-diff'));
        assert.equal(await table.getAttribute('data-pass'), 'true', `${id}: ${diff}`);
        assert.ok(diff <= 1e-3, `${id}: ${diff}`);
        figure(`${mode.label}.golden_${id}_max_abs_diff`, diff);
      }
      await page.screenshot({ path: join(ARTIFACTS, `diagnostics-pretrained-${mode.label}.png`), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('WebGPU and the CPU fallback give the same matrix', () => {
  assert.ok(matrices.webgpu && matrices.cpu, 'both runs above must have passed');
  let worst = 0;
  matrices.webgpu.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - matrices.cpu[i][j])); }));
  figure('webgpu_vs_cpu_matrix_max_abs_diff', worst);
  assert.ok(worst < 1e-3, `max diff ${worst}`);
});

test('bad input gets clear messages and the page keeps working', { timeout: 2 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=contextual&lang=en`);
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    const rows = page.getByTestId('rows').locator('input.sentence');
    await rows.nth(1).fill('No fruit in this one.');
    await rows.nth(2).fill('apple '.repeat(600));
    await page.getByTestId('run').click();
    const problems = page.getByTestId('problems');
    await problems.getByText('does not contain the target word').waitFor({ timeout: SLOW });
    await problems.getByText('longer than the model window').waitFor({ timeout: SLOW });
    await page.getByTestId('matrix-contextual').waitFor();
    assert.equal((await readMatrix(page, 'matrix-contextual')).length, 8, 'the 8 good sentences still run');
    await page.screenshot({ path: join(ARTIFACTS, 'contextual-bad-input.png'), fullPage: true });

    await page.getByTestId('target').fill('');
    await page.getByTestId('run').click();
    await problems.getByText('Type a target word').waitFor({ timeout: SLOW });

    // The lecture's 果 example runs on bert-zh (the preset picks it): 10 sentences, 果 known, and
    // the page says whether the senses separate at the shown layer.
    await page.getByTestId('preset-guo').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=matrix-contextual]')?.getAttribute('data-matrix')?.split(';').length === 10, null, { timeout: SLOW });
    assert.match(page.url(), /m=bert-zh/);
    assert.equal(await page.getByTestId('unknown-target').count(), 0);
    const guo = contrast(await readMatrix(page, 'matrix-contextual'), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const separated = await page.getByTestId('separation').getAttribute('data-separated');
    assert.equal(separated, String(guo.same - guo.cross >= 0.05), `same ${guo.same} cross ${guo.cross}`);
    figure('cpu.contextual_guo_bert_zh_last_layer', `same-sense ${guo.same.toFixed(3)}, cross-sense ${guo.cross.toFixed(3)}`);
    await page.screenshot({ path: join(ARTIFACTS, 'contextual-chinese.png'), fullPage: true });
    // On MiniLM 果 is outside the vocabulary: the page says so.
    await page.getByTestId('model-minilm-l6-v2').click();
    await page.getByTestId('unknown-target').waitFor({ timeout: SLOW });
    assert.match(await page.getByTestId('unknown-target').textContent(), /果/);

    await page.getByTestId('preset-bank').click();
    await page.getByTestId('summary').waitFor({ timeout: SLOW });
    await page.waitForFunction(() => document.querySelector('[data-testid=matrix-contextual]')?.getAttribute('data-matrix')?.split(';').length === 8, null, { timeout: SLOW });
    const bank = await readMatrix(page, 'matrix-contextual');
    const { same, cross } = contrast(bank, [0, 0, 0, 0, 1, 1, 1, 1]);
    assert.ok(same > cross, `bank: same ${same} vs cross ${cross}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('home page in three languages; automatic backend choice skips a software adapter', { timeout: SLOW }, async () => {
  const browser = await launch({ webgpu: true });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.getByTestId('page-home').waitFor({ timeout: SLOW });
    const badge = page.getByTestId('badge');
    await badge.and(page.locator('[data-backend=cpu]')).waitFor({ timeout: SLOW });
    assert.match(await badge.getAttribute('title'), /software renderer.*swiftshader/i);
    await page.screenshot({ path: join(ARTIFACTS, 'home-en.png'), fullPage: true });
    await page.getByTestId('lang').selectOption('zh-Hant');
    await page.getByText('可以打開來看的').waitFor();
    assert.match(page.url(), /lang=zh-Hant/);
    await page.screenshot({ path: join(ARTIFACTS, 'home-zh-hant.png'), fullPage: true });
    await page.getByTestId('lang').selectOption('zh-Hans');
    await page.getByText('可以打开来看的').waitFor();
    await page.getByTestId('card-contextual').click();
    await page.getByTestId('page-contextual').waitFor();
    assert.match(page.url(), /p=contextual/);
    await page.goBack();
    await page.getByTestId('page-home').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('missing or corrupt weights get a clear message and a retry that works', { timeout: 2 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let mode = 'corrupt';
    await page.route('**/model.f16.safetensors', (route) => {
      if (mode === 'corrupt') return route.fulfill({ status: 200, body: 'not the weights' });
      if (mode === 'missing') return route.fulfill({ status: 404, body: 'gone' });
      return route.continue();
    });
    await page.goto(`${server.url}?p=contextual&lang=en`);
    const error = page.getByTestId('load-error');
    await error.waitFor({ timeout: SLOW });
    assert.match(await error.textContent(), /incomplete or wrong file/);
    await page.screenshot({ path: join(ARTIFACTS, 'contextual-corrupt-weights.png'), fullPage: true });
    mode = 'missing';
    await error.getByRole('button').click();
    await page.getByText('HTTP 404').waitFor({ timeout: SLOW });
    mode = 'ok';
    await page.getByTestId('load-error').getByRole('button').click();
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    // A corrupt copy is never cached.
    const cached = await page.evaluate(async () => (await (await caches.open('sesame-weights')).keys()).length);
    assert.equal(cached, 3);
  } finally {
    await browser.close();
  }
});
