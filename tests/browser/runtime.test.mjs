// The app's runtime as a student uses it: leaving a page in the middle of its longest job (the
// job stops, measured as main-thread time, and nothing panics), inputs that would restart a job,
// bad uploads, a GPU fault with "retry on the CPU", and the model registry's memory budget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { serve, launch, watchErrors, figure, ARTIFACTS, SLOW } from './harness.mjs';

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const registry = (page) => page.evaluate(() => JSON.parse(window.__sesameRegistry()));

/** CPU seconds used so far by every Chromium process (the tests run one browser at a time). On
 *  SwiftShader the GPU's work is CPU work of the GPU process, so this also measures GPU use. */
function chromiumCpuSeconds() {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch { /* the process ended */ }
  }
  return ticks / 100; // USER_HZ
}

/** Cores' worth of CPU the browser used over `ms`. */
async function browserLoad(page, ms = 2000) {
  const c0 = chromiumCpuSeconds();
  const t0 = Date.now();
  await page.waitForTimeout(ms);
  return (chromiumCpuSeconds() - c0) / ((Date.now() - t0) / 1000);
}

/** Share of wall time the page's main thread was busy over `ms` (Chrome's TaskDuration). */
async function busyShare(page, cdp, ms = 3000) {
  const read = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const before = await read();
  await page.waitForTimeout(ms);
  return (await read() - before) / (ms / 1000);
}

/** Leaves the current page by clicking Home in the header, then checks the job stopped. With
 *  `running`, the job's own load is measured first (the same measure sees it working). */
async function leave(page, cdp, what, { running = false } = {}) {
  if (running) {
    const during = await busyShare(page, cdp, 2000);
    figure(`cpu.busy_while_${what}`, Number(during.toFixed(3)));
    assert.ok(during > 0.5, `${what}: the job was expected to keep the main thread busy (${(during * 100).toFixed(0)} %)`);
  }
  await page.getByTestId('nav-home').click();
  await page.getByTestId('page-home').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500); // a chunk already running finishes
  const busy = await busyShare(page, cdp);
  figure(`cpu.busy_after_leaving_${what}`, Number(busy.toFixed(3)));
  assert.ok(busy < 0.3, `${what}: the main thread is still ${(busy * 100).toFixed(0)} % busy after the page was left`);
  assert.equal(await page.locator('.fatal').count(), 0, `${what}: the app stopped`);
}

test('leaving every page in the middle of its longest job stops the job, and the app goes on', { timeout: 10 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    // Idle reference: the home page.
    await page.goto(`${server.url}?p=home&lang=en&backend=cpu`);
    await page.getByTestId('page-home').waitFor();
    figure('cpu.busy_idle_home', Number((await busyShare(page, cdp, 2000)).toFixed(3)));

    // A model download, left at once.
    await page.goto(`${server.url}?p=masking&lang=en&backend=cpu`);
    await leave(page, cdp, 'masking_download');

    // Live training.
    await page.goto(`${server.url}?p=ae-train&lang=en&k=8&backend=cpu`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=train-start]')?.disabled, null, { timeout: SLOW });
    await page.getByTestId('train-start').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=live-curve]')?.dataset.step) >= 10, null, { timeout: SLOW });
    await leave(page, cdp, 'live_training', { running: true });

    // GPT generation (the character GPT: 48 tokens take several seconds on the CPU).
    await page.goto(`${server.url}?p=gpt&lang=en&m=gpt-zh&t=0.8&backend=cpu`);
    await page.getByTestId('gpt-candidate').first().waitFor({ timeout: SLOW });
    await page.getByTestId('gpt-generate').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=gpt-speed]')?.dataset.decoded) >= 2, null, { timeout: SLOW });
    await leave(page, cdp, 'gpt_generation');

    // Anomaly scoring of 2,000 test images.
    await page.goto(`${server.url}?p=ae-anomaly&lang=en&normal=fashion&backend=cpu`);
    await page.getByTestId('load-progress').first().waitFor({ timeout: SLOW }).catch(() => {});
    await leave(page, cdp, 'anomaly_scoring');

    // QA on a long document (several windows).
    const doc = 'The library opens at nine in the morning and closes at six in the evening. '.repeat(60);
    await page.goto(`${server.url}?p=qa&lang=en&m=qa-en&q=${encodeURIComponent('When does the library close?')}&doc=${encodeURIComponent(doc)}&backend=cpu`);
    await page.waitForTimeout(1500);
    await leave(page, cdp, 'qa_long_document');

    // The in-context-learning table (SmolLM2).
    await page.goto(`${server.url}?p=icl&lang=en&backend=cpu&tasks=capitals,antonyms&n=4`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=icl-run-table]')?.disabled, null, { timeout: 2 * SLOW });
    await page.getByTestId('icl-run-table').click();
    await page.getByTestId('icl-progress').waitFor({ timeout: SLOW });
    await page.waitForTimeout(2000);
    await leave(page, cdp, 'icl_table', { running: true });

    // The vision page embedding its 1,000 test images for the map.
    await page.goto(`${server.url}?p=vision&lang=en&map=masked&backend=cpu`);
    // The embedding starts with the page; on a quiet machine it can be done (the progress line
    // empty, so not "visible") before a poll sees it, so wait for the line to exist and record
    // whether the job was still running when the page was left.
    await page.waitForFunction(() => document.querySelector('[data-testid=map-progress]'), null, { timeout: SLOW });
    figure('cpu.vision_map_running_when_left', await page.evaluate(() => Boolean(document.querySelector('[data-testid=map-progress]')?.textContent)));
    await leave(page, cdp, 'vision_map');

    // The app still works after all that: a page with a model answers.
    await page.goto(`${server.url}?p=ae&lang=en&data=mnist&k=8&i=0&backend=cpu`);
    await page.waitForFunction(() => document.querySelector('[data-testid=ae-output]')?.getAttribute('data-mse'), null, { timeout: SLOW });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('on WebGPU, leaving the live trainer or GPT generation stops the GPU work too (browser CPU time, SwiftShader)', { timeout: 6 * SLOW }, async () => {
  const browser = await launch({ webgpu: true });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    // `running` says whether the job still runs; `restart` starts it again. A sampled generation
    // can end early (the end-of-text token), and 48 tokens take only a few seconds on a fast
    // machine: the load is measured in half-second slices and only slices through which the job
    // ran count, restarting it until 1.5 s of running time are measured.
    const quietAfterLeaving = async (what, running, restart) => {
      let [cpu, secs] = [0, 0];
      for (let attempt = 0; attempt < 12 && secs < 1.5; attempt++) {
        if (!(await running())) await restart();
        while (secs < 1.5) {
          const c0 = chromiumCpuSeconds();
          const t0 = Date.now();
          await page.waitForTimeout(500);
          const [c1, t1] = [chromiumCpuSeconds(), Date.now()];
          if (!(await running())) break;
          cpu += c1 - c0;
          secs += (t1 - t0) / 1000;
        }
      }
      const during = secs > 0 ? cpu / secs : 0;
      figure(`webgpu.browser_cores_while_${what}`, Number(during.toFixed(2)));
      assert.ok(during > 0.5, `${what}: expected the GPU work to load the CPU (${during.toFixed(2)} cores)`);
      // Leave while the job runs (that is what is tested).
      if (!(await running())) await restart();
      const t0 = Date.now();
      await page.getByTestId('nav-home').click();
      await page.getByTestId('page-home').waitFor({ timeout: 30_000 });
      // Work already queued on the device drains; nothing new is submitted.
      let load = Infinity;
      while (Date.now() - t0 < 60_000 && load > 0.2) load = await browserLoad(page, 2000);
      figure(`webgpu.browser_cores_after_leaving_${what}`, Number(load.toFixed(2)));
      figure(`webgpu.seconds_to_quiet_after_leaving_${what}`, Number(((Date.now() - t0) / 1000).toFixed(1)));
      assert.ok(load <= 0.2, `${what}: the browser still uses ${load.toFixed(2)} cores a minute after the page was left`);
    };
    await page.goto(`${server.url}?p=ae-train&lang=en&k=8&backend=webgpu`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=train-start]')?.disabled, null, { timeout: SLOW });
    const trainStart = async () => {
      await page.waitForFunction(() => !document.querySelector('[data-testid=train-start]')?.disabled, null, { timeout: SLOW });
      await page.getByTestId('train-start').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=live-curve]')?.dataset.step) >= 5, null, { timeout: SLOW });
    };
    await trainStart();
    await quietAfterLeaving('live_training', () => page.evaluate(() => document.querySelector('[data-testid=train-pause]')?.disabled === false), trainStart);
    await page.goto(`${server.url}?p=gpt&lang=en&m=gpt-zh&t=0.8&backend=webgpu`);
    await page.getByTestId('gpt-candidate').first().waitFor({ timeout: SLOW });
    const generate = async () => {
      await page.waitForFunction(() => !document.querySelector('[data-testid=gpt-generate]')?.disabled, null, { timeout: SLOW });
      await page.getByTestId('gpt-generate').click();
      // A generation that ends at once (the end-of-text token) is caught by `running` next time.
      await page.waitForFunction(() => !document.querySelector('[data-testid=gpt-stop]')?.disabled, null, { timeout: 10_000 }).catch(() => {});
    };
    await generate();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=gpt-speed]')?.dataset.decoded) >= 1, null, { timeout: SLOW });
    await quietAfterLeaving('gpt_generation', () => page.evaluate(() => document.querySelector('[data-testid=gpt-stop]')?.disabled === false), generate);
    assert.equal(await page.locator('.fatal').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('inputs that would restart a job: double clicks and a model switch while loading give one result, the newest', { timeout: 4 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    // Contextual embeddings: two presets clicked in a row while the first runs; the second wins.
    await page.goto(`${server.url}?p=contextual&lang=en&backend=cpu`);
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    await page.getByTestId('preset-apple').dblclick();
    await page.getByTestId('run').dblclick();
    await page.waitForFunction(() => !document.querySelector('[data-testid=run]')?.disabled, null, { timeout: SLOW });
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    // The GPT page: editing the prompt while it generates stops that generation and starts from
    // the new prompt (one result, the newest: nothing generated is left over from the old one).
    await page.goto(`${server.url}?p=gpt&lang=en&m=gpt-zh&t=0.8&backend=cpu`);
    await page.getByTestId('gpt-candidate').first().waitFor({ timeout: SLOW });
    await page.getByTestId('gpt-generate').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=gpt-speed]')?.dataset.decoded) >= 2, null, { timeout: SLOW });
    await page.getByTestId('gpt-prompt').fill('春眠不觉晓，');
    await page.getByTestId('gpt-prompt').dispatchEvent('change');
    await page.waitForFunction(() => {
      const out = document.querySelector('[data-testid=gpt-output]');
      return out?.dataset.busy === 'false' && out.dataset.text === '' && document.querySelector('.prompt-text')?.textContent === '春眠不觉晓，';
    }, null, { timeout: SLOW });
    await page.waitForTimeout(1000);
    assert.equal(await page.getByTestId('gpt-output').getAttribute('data-text'), '', 'the old generation did not go on under the new prompt');
    assert.equal(await page.getByTestId('gpt-chosen').count(), 0);
    // The GPT page: a double click on "one token" appends one token.
    await page.goto(`${server.url}?p=gpt&lang=en&m=gpt-zh&t=0.8&backend=cpu`);
    await page.getByTestId('gpt-candidate').first().waitFor({ timeout: SLOW });
    await page.getByTestId('gpt-step').dblclick();
    await page.waitForFunction(() => document.querySelector('[data-testid=gpt-output]')?.dataset.busy === 'false' && document.querySelectorAll('[data-testid=gpt-chosen]').length > 0, null, { timeout: SLOW });
    await page.waitForTimeout(500);
    assert.equal(await page.getByTestId('gpt-chosen').count(), 1, 'a double click made one token');
    // The masking page: switch model while the first one still loads; the page ends on the second.
    await page.goto(`${server.url}?p=masking&lang=en&m=bert-en&backend=cpu`);
    await page.getByTestId('model-zh').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid^=chip-]')].some((c) => /[\u4e00-\u9fff]/.test(c.textContent)), null, { timeout: SLOW });
    assert.match(page.url(), /m=bert-zh/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('uploads: a huge declared picture, a 25 MB file and a text file named .png get a message at once', { timeout: 2 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=ae-anomaly&lang=en&normal=1&backend=cpu`);
    await page.getByTestId('upload').waitFor({ timeout: SLOW });
    // A PNG signature and header declaring 30000 × 30000 pixels: 33 bytes, never decoded.
    const ihdr = Buffer.alloc(33);
    Buffer.from('\x89PNG\r\n\x1a\n', 'binary').copy(ihdr, 0);
    ihdr.writeUInt32BE(13, 8); ihdr.write('IHDR', 12, 'ascii');
    ihdr.writeUInt32BE(30000, 16); ihdr.writeUInt32BE(30000, 20); ihdr[24] = 8; ihdr[25] = 6;
    const cases = [
      { name: 'bomb.png', buffer: ihdr, expect: /30000×30000/ },
      { name: 'big.png', buffer: Buffer.alloc(25 * 1024 * 1024, 7), expect: /MB/ },
      { name: 'notes.png', buffer: Buffer.from('hello, these are my notes, not a picture'), expect: /not a picture/ },
    ];
    for (const c of cases) {
      const t0 = Date.now();
      await page.getByTestId('upload').setInputFiles({ name: c.name, mimeType: 'image/png', buffer: c.buffer });
      await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid=mine-problem]')?.textContent ?? ''), c.expect.source, { timeout: 20_000 });
      figure(`cpu.upload_${c.name.replace('.', '_')}_message_ms`, Date.now() - t0);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'upload-bomb.png'), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a GPU fault (injected) gets a message, and "retry on the CPU" gives the same result without a reload', { timeout: 4 * SLOW }, async () => {
  const browser = await launch({ webgpu: true });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=ae&lang=en&data=mnist&k=8&i=0&backend=webgpu`);
    await page.waitForFunction(() => document.querySelector('[data-testid=ae-output]')?.getAttribute('data-mse'), null, { timeout: SLOW });
    assert.equal(await page.getByTestId('badge').getAttribute('data-backend'), 'webgpu');
    const code = await page.getByTestId('ae-output').getAttribute('data-code');
    // The next device read fails as a lost device would; picking image 1 runs the model.
    await page.evaluate(() => { window.__sesameFault = 'lost'; });
    await page.getByTestId('pick-1').click();
    await page.getByTestId('gpu-fault').waitFor({ timeout: SLOW });
    await page.screenshot({ path: join(ARTIFACTS, 'gpu-fault.png'), fullPage: true });
    await page.getByTestId('retry-cpu').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=badge]')?.dataset.backend === 'cpu', null, { timeout: SLOW });
    await page.getByTestId('pick-0').click();
    await page.waitForFunction((c) => {
      const got = document.querySelector('[data-testid=ae-output]')?.getAttribute('data-code');
      return got && got.split(',').length === c.split(',').length && got.split(',').every((v, i) => Math.abs(Number(v) - Number(c.split(',')[i])) < 1e-3);
    }, code, { timeout: SLOW });
    assert.match(page.url(), /backend=cpu/);
    assert.equal(await page.locator('.fatal').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the registry keeps models under its memory budget: the least recently used unpinned one is evicted and comes back', { timeout: 4 * SLOW }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    // 100 MB: MiniLM (90.9 MB of f32) and bert-en do not fit together.
    await page.goto(`${server.url}?p=masking&lang=en&m=bert-en&budget=100&backend=cpu`);
    await page.getByTestId('chip-1').waitFor({ timeout: SLOW });
    let r = await registry(page);
    assert.equal(r.budget, 100 * 1024 * 1024);
    assert.equal(r.entries.find((e) => e.key === 'bert-en').status, 'ready');
    await page.getByTestId('nav-contextual').click();
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    r = await registry(page);
    figure('cpu.registry_after_switch', JSON.stringify({ loaded: r.loaded_bytes, budget: r.budget, evictions: r.evictions }));
    assert.ok(r.evictions >= 1, 'bert-en was evicted');
    assert.equal(r.entries.find((e) => e.key === 'bert-en').status, 'idle');
    assert.ok(r.loaded_bytes <= r.budget, `${r.loaded_bytes} bytes loaded, budget ${r.budget}`);
    // Diagnostics shows the same figures.
    await page.getByTestId('nav-diagnostics').click();
    await page.getByTestId('registry').waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('registry').getAttribute('data-budget'), String(100 * 1024 * 1024));
    await page.screenshot({ path: join(ARTIFACTS, 'diagnostics-registry.png'), fullPage: true });
    // Back to masking: the evicted model loads again and answers.
    await page.getByTestId('nav-masking').click();
    await page.getByTestId('chip-1').waitFor({ timeout: SLOW });
    // Embedded in another site, the Offline page offers no destructive button.
    await page.goto(`${server.url}?p=offline&lang=en&embed=1`);
    await page.getByTestId('offline-embedded').waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('offline-clear').count(), 0);
    // An unknown model id is an error, never another model.
    assert.equal(await page.evaluate(() => JSON.parse(window.__sesameRegistry()).entries.some((e) => e.key === 'bert-xx')), false);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
