// Offline use, updates, embedding and hostile addresses, in real headless Chromium (CPU backend:
// what is tested here is the app around the models). Every test records every request the app
// makes (pages and service worker) and every Content-Security-Policy violation, and fails on a
// request to another origin or on a violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, launchPersistent, watchErrors, figure, version, ARTIFACTS, ROOT, SLOW } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

/** A context with service workers on, recording requests and CSP violations (`persistent`: a
 * real profile in that directory rather than an incognito-like context). */
async function context(origin = server.url, persistent = null) {
  const viewport = { width: 1280, height: 1000 };
  const ctx = persistent ? await launchPersistent(persistent, { viewport }) : await browser.newContext({ serviceWorkers: 'allow', viewport });
  const requests = [];
  ctx.on('request', (r) => requests.push(r.url()));
  await ctx.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  /** `host`: the test's own host page, the one page allowed to be elsewhere. */
  const check = async (page, host = null) => {
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:') && u !== host);
    assert.deepEqual(foreign, [], 'every request is same-origin');
    if (page && !page.isClosed()) assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  };
  return { ctx, requests, check };
}

const swReady = (page) => page.waitForFunction(() => window.sesamePwa?.state === 'ready' && !!navigator.serviceWorker.controller, null, { timeout: SLOW });

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Makes the release copied into `dir` a new one, as a deploy would: the build id `from` becomes
 *  `to` in the page and the service worker, and the worker's list gets the new sha256 of the page
 *  and of each file in `rehash` (a shell file changed without it there is a tampered release). */
function redeploy(dir, from, to, rehash = []) {
  const index = join(dir, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replaceAll(from, to));
  const sw = join(dir, 'sw.js');
  let text = readFileSync(sw, 'utf8').replaceAll(from, to);
  for (const file of ['index.html', ...rehash]) {
    const entry = new RegExp(`\\["${file.replaceAll('.', '\\.')}","[0-9a-f]{64}"\\]`);
    assert.match(text, entry, `the service worker lists ${file} with its sha256`);
    text = text.replace(entry, `["${file}","${sha256(join(dir, file))}"]`);
  }
  writeFileSync(sw, text);
}

/** A copy of dist/ served as a release of its own (a test may redeploy it), a service-worker
 *  context on it, and a page on bert-zh's masking page once the worker is in control. */
async function openRelease() {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-release-'));
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  const release = await serve(dir);
  const c = await context(release.url);
  const close = async () => {
    await c.ctx.close();
    release.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const page = await c.ctx.newPage();
    const errors = watchErrors(page);
    const masking = `${release.url}?p=masking&lang=en&m=bert-zh&text=${encodeURIComponent('台湾大[MASK]')}`;
    await page.goto(masking);
    await swReady(page);
    return { ...c, dir, release, page, errors, masking, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** PNG width and height from the IHDR chunk. */
const pngSize = (bytes) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];

test('PWA basics: valid manifest with 192/512/maskable icons, service worker in control, installable', { timeout: SLOW }, async () => {
  const profile = mkdtempSync(join(tmpdir(), 'sesame-profile-'));
  const { ctx, check } = await context(server.url, profile);
  try {
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=home&lang=en`);
    await swReady(page);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'web', 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.name && manifest.short_name && manifest.start_url && manifest.theme_color);
    const icons = manifest.icons.filter((i) => i.type === 'image/png');
    for (const want of ['192x192', '512x512']) assert.ok(icons.some((i) => i.sizes === want && i.purpose.includes('any')), `a ${want} icon`);
    assert.ok(icons.some((i) => i.purpose.includes('maskable')), 'a maskable icon');
    for (const icon of icons) {
      const res = await ctx.request.get(new URL(icon.src, `${server.url}web/`).href);
      assert.equal(res.status(), 200, icon.src);
      assert.equal(pngSize(await res.body()).join('x'), icon.sizes, `${icon.src} is ${icon.sizes}`);
    }
    // Chromium's own verdict (what Lighthouse's installability audit uses).
    const cdp = await ctx.newCDPSession(page);
    const { errors: manifestErrors } = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifestErrors, [], 'manifest parses without errors');
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'installable');
    // CSP: the page ships one, and it allows wasm without 'unsafe-eval'.
    const csp = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
    assert.match(csp, /'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-eval'/);
    await check(page);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('offline: a model page reloads with no network; "make available offline" brings every page', { timeout: 4 * SLOW }, async () => {
  const { ctx, check } = await context();
  try {
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=masking&lang=zh-Hant&m=bert-zh&text=${encodeURIComponent('台湾大[MASK]')}`);
    await swReady(page);
    await page.getByTestId('prediction-card').first().waitFor({ timeout: SLOW });
    // Weights are stored once: in the app's model cache, not again by the service worker.
    const copies = await page.evaluate(async () => {
      const out = {};
      for (const name of await caches.keys()) {
        for (const req of await (await caches.open(name)).keys()) if (req.url.endsWith('.safetensors')) (out[req.url] ||= []).push(name);
      }
      return out;
    });
    assert.ok(Object.keys(copies).some((u) => u.includes(`/bert-zh/${version('bert-zh')}/`)), JSON.stringify(copies));
    for (const [url, names] of Object.entries(copies)) assert.deepEqual(names, ['sesame-weights'], `${url} cached once`);

    await ctx.setOffline(true);
    await page.reload();
    const card = page.getByTestId('prediction-card').first();
    await card.waitFor({ timeout: SLOW });
    assert.ok((await card.locator('.bar-label').allTextContents()).slice(0, 5).includes('学'), 'offline fill-mask works');
    await page.getByTestId('loss-curve').waitFor({ timeout: SLOW }); // the model card, offline too
    await page.screenshot({ path: join(ARTIFACTS, 'offline-masking.png'), fullPage: true });
    // A model never opened is not there offline: the page says so and stays usable.
    await page.goto(`${server.url}?p=pair&lang=en&m=bert-en`);
    await page.getByTestId('load-error').waitFor({ timeout: SLOW });

    // Back online: one button downloads every model, with one progress bar.
    await ctx.setOffline(false);
    await page.goto(`${server.url}?p=offline&lang=en`);
    await page.getByTestId('model-table').waitFor();
    const t0 = Date.now();
    await page.getByTestId('offline-all').click();
    await page.getByTestId('offline-done').waitFor({ timeout: SLOW });
    figure('offline.download_all_s', ((Date.now() - t0) / 1000).toFixed(1));
    await page.waitForFunction(() => [...document.querySelectorAll('[data-model]')].every((r) => r.dataset.cached === 'true'));
    const usage = Number(await page.getByTestId('storage').getAttribute('data-usage'));
    assert.ok(usage > 50e6, `storage used ${usage}`);
    figure('offline.storage_mb', (usage / 1e6).toFixed(1));
    await page.screenshot({ path: join(ARTIFACTS, 'offline-page.png'), fullPage: true });

    await ctx.setOffline(true);
    await page.goto(`${server.url}?p=pair&lang=en&m=bert-en`);
    await page.getByTestId('pair-result').waitFor({ timeout: SLOW });
    await page.goto(`${server.url}?p=contextual&lang=en`);
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    await page.goto(`${server.url}?p=diagnostics&lang=en`);
    await page.getByTestId('page-diagnostics').waitFor();
    await ctx.setOffline(false);

    // Clearing asks first: "cancel" keeps every model, "OK" removes them (the app shell stays).
    await page.goto(`${server.url}?p=offline&lang=en`);
    await page.waitForFunction(() => document.querySelectorAll('[data-model][data-cached=true]').length > 0);
    page.once('dialog', (d) => d.dismiss());
    await page.getByTestId('offline-clear').click();
    await page.waitForTimeout(500);
    assert.equal(await page.getByTestId('offline-cleared').count(), 0, 'cancel removes nothing');
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await page.getByTestId('offline-clear').click();
    await page.getByTestId('offline-cleared').waitFor();
    assert.match(asked, /Remove every downloaded model/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-model]')].every((r) => r.dataset.cached === 'false'));
    await check(page);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|could not download/.test(e)), []);
  } finally {
    await ctx.close();
  }
});

test('update: a new release installs beside the running one, the reader is told, reload switches, offline still works', { timeout: 3 * SLOW }, async () => {
  const { ctx, check, dir, release, page, errors, close } = await openRelease();
  try {
    await page.getByTestId('prediction-card').first().waitFor({ timeout: SLOW });
    const oldBuild = await page.getByTestId('footer-build').textContent();
    // A second tab of the same app, open on another page: it must move to the new release too.
    const other = await ctx.newPage();
    await other.goto(`${release.url}?p=home&lang=en`);
    await other.getByTestId('page-home').waitFor({ timeout: SLOW });

    // Deploy a new release: a new build id in the page and in the service worker, and the page's
    // new sha256 in the service worker's list (it checks every file it installs).
    const newBuild = `${oldBuild}x`;
    redeploy(dir, oldBuild, newBuild);
    await page.reload();
    await page.getByTestId('update-ready').waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('footer-build').textContent(), oldBuild, 'the old release runs until the reader reloads');
    await page.screenshot({ path: join(ARTIFACTS, 'update-ready.png') });
    await Promise.all([page.waitForEvent('load', { timeout: SLOW }), page.getByTestId('update-reload').click()]);
    await page.getByTestId('prediction-card').first().waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('footer-build').textContent(), newBuild);
    assert.equal(await page.getByTestId('update-ready').count(), 0);
    // The other tab reloaded by itself onto the new release.
    await other.waitForFunction((b) => document.querySelector('[data-testid=footer-build]')?.textContent === b, newBuild, { timeout: SLOW });
    await other.close();
    const shells = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('sesame-shell-')));
    assert.deepEqual(shells, [`sesame-shell-${newBuild}`], 'the old release\'s cache is gone');

    // The new release, offline, still answers from the model the reader had opened.
    await ctx.setOffline(true);
    await page.reload();
    const card = page.getByTestId('prediction-card').first();
    await card.waitFor({ timeout: SLOW });
    assert.ok((await card.locator('.bar-label').allTextContents()).slice(0, 5).includes('学'));
    assert.equal(await page.getByTestId('footer-build').textContent(), newBuild);
    await ctx.setOffline(false);

    // A release with one shell file that does not match its listed sha256 is refused whole: the
    // new service worker's install fails, nothing is offered, the running release stays.
    const tampered = `${newBuild}y`;
    const js = join(dir, 'sesame.js');
    writeFileSync(js, readFileSync(js, 'utf8') + '\n// changed after the release was hashed\n');
    redeploy(dir, newBuild, tampered);
    const outcome = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      const seen = new Promise((resolve) => reg.addEventListener('updatefound', () => {
        const w = reg.installing;
        w.addEventListener('statechange', () => { if (w.state === 'redundant' || w.state === 'installed') resolve(w.state); });
      }));
      await reg.update().catch(() => {});
      return Promise.race([seen, new Promise((r) => setTimeout(() => r('no install seen'), 30000))]);
    });
    assert.equal(outcome, 'redundant', 'the tampered release was not installed');
    await page.reload();
    await page.getByTestId('prediction-card').first().waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('footer-build').textContent(), newBuild, 'the intact release still runs');
    assert.equal(await page.getByTestId('update-ready').count(), 0);
    await check(page);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('model update: a new version of a base model is fetched and checked, the fine-tunes keep the version they were trained on, offline too; a version no longer listed is dropped; a mismatched file is refused', { timeout: 4 * SLOW }, async () => {
  const { ctx, requests, check, dir, release, page, errors, masking, close } = await openRelease();
  try {
    const card = page.getByTestId('prediction-card').first();
    await card.waitFor({ timeout: SLOW });
    /** The paths of bert-zh's files in the app's weights cache. */
    const cached = () => page.evaluate(async () => (await (await caches.open('sesame-weights')).keys())
      .map((r) => new URL(r.url).pathname).filter((p) => p.includes('/bert-zh/')).map((p) => p.slice(p.indexOf('/bert-zh/'))).sort());
    const from = version('bert-zh');
    const to = `v${Number(from.slice(1)) + 1}`;
    const before = await cached();
    assert.ok(before.length >= 4 && before.every((p) => p.startsWith(`/bert-zh/${from}/`)), JSON.stringify(before));
    const models = join(dir, 'assets', 'models');
    const manifestPath = join(models, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const entry = manifest.models.find((m) => m.id === 'bert-zh' && !m.base_only);
    const deltas = manifest.models.filter((m) => {
      try { return JSON.parse(readFileSync(join(models, m.id, m.version, 'config.json'), 'utf8')).sesame_base_weights?.startsWith(`bert-zh/${from}/`); } catch { return false; }
    }).map((m) => m.id);
    assert.ok(deltas.includes('sentiment-zh'), `sentiment-zh lays over bert-zh ${from}: ${deltas}`);
    let build = await page.getByTestId('footer-build').textContent();
    const ship = (suffix) => { redeploy(dir, build, `${build}${suffix}`, ['assets/models/manifest.json']); build = `${build}${suffix}`; };
    const update = async () => {
      await page.reload();
      await page.getByTestId('update-ready').waitFor({ timeout: SLOW });
      await Promise.all([page.waitForEvent('load', { timeout: SLOW }), page.getByTestId('update-reload').click()]);
    };

    // The next version, as `sesame-train export` ships one: its files under a new immutable
    // address (the same weights here, so the answer can be compared; a changed card, so one
    // sha256 differs), the manifest naming it, and the old version kept as a base because the
    // fine-tuned models lay over it.
    cpSync(join(models, 'bert-zh', from), join(models, 'bert-zh', to), { recursive: true });
    const cardPath = join(models, 'bert-zh', to, 'card.json');
    writeFileSync(cardPath, JSON.stringify({ ...JSON.parse(readFileSync(cardPath, 'utf8')), version: to }));
    const old = structuredClone(entry);
    entry.version = to;
    Object.assign(entry.files.find((f) => f.name === 'card.json'), { bytes: statSync(cardPath).size, sha256: sha256(cardPath) });
    manifest.models.push({ ...old, base_only: true });
    writeFileSync(manifestPath, JSON.stringify(manifest));
    ship('m');
    await update();
    await card.waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('footer-build').textContent(), build);
    assert.deepEqual(await cached(), [...before, ...before.map((p) => p.replace(`/bert-zh/${from}/`, `/bert-zh/${to}/`))].sort(), 'the new version is fetched, the old one kept as a base');

    // A fine-tune over the old version loads that version's weights, not the new one's.
    await page.evaluate(async (path) => {
      const c = await caches.open('sesame-weights');
      for (const r of await c.keys()) if (new URL(r.url).pathname.endsWith(path)) await c.delete(r);
    }, `/bert-zh/${from}/model.safetensors`);
    const mark = requests.length;
    await page.goto(`${release.url}?p=classify&lang=en&m=sentiment-zh&text=${encodeURIComponent('这本书写得太好了')}`);
    await page.getByTestId('cls-result').waitFor({ timeout: SLOW });
    const fetched = requests.slice(mark).filter((u) => u.endsWith('.safetensors')).map((u) => new URL(u).pathname);
    assert.ok(fetched.some((p) => p.endsWith(`/bert-zh/${from}/model.safetensors`)), JSON.stringify(fetched));
    assert.ok(!fetched.some((p) => p.includes(`/bert-zh/${to}/`)), JSON.stringify(fetched));
    // The NSP/SOP heads were trained on the old version's output: not applied to the new one,
    // the page says why and goes on with the encoder's own head.
    await page.goto(`${release.url}?p=pair&lang=en&m=bert-zh`);
    await page.getByTestId('pair-heads-error').waitFor({ timeout: SLOW });
    assert.match(await page.getByTestId('pair-heads-error').textContent(), new RegExp(`trained on bert-zh/${from} but this build ships bert-zh/${to}`));
    await page.getByTestId('pair-result').waitFor({ timeout: SLOW });
    // Both, offline.
    await page.goto(`${release.url}?p=classify&lang=en&m=sentiment-zh&text=${encodeURIComponent('这本书写得太好了')}`);
    await page.getByTestId('cls-result').waitFor({ timeout: SLOW });
    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId('cls-result').waitFor({ timeout: SLOW });
    await page.goto(masking);
    await card.waitFor({ timeout: SLOW });
    assert.ok((await card.locator('.bar-label').allTextContents()).slice(0, 5).includes('学'));
    await ctx.setOffline(false);
    // The offline page lists the kept version for what it is.
    await page.goto(`${release.url}?p=offline&lang=en`);
    const kept = page.locator(`[data-model=bert-zh][data-version=${from}]`);
    await kept.waitFor({ timeout: SLOW });
    assert.match(await kept.textContent(), new RegExp(`${from} — an earlier version, kept for the fine-tuned models trained on it`));
    assert.equal(await page.locator('[data-model=bert-zh]').count(), 2);
    await page.screenshot({ path: join(ARTIFACTS, 'offline-kept-base.png'), fullPage: true });
    await page.goto(masking);
    await card.waitFor({ timeout: SLOW });

    // A release that lists the old version nowhere (as once every fine-tune has moved on) drops
    // its cached files.
    manifest.models = manifest.models.filter((m) => !m.base_only && !deltas.includes(m.id));
    writeFileSync(manifestPath, JSON.stringify(manifest));
    ship('n');
    await update();
    await card.waitFor({ timeout: SLOW });
    assert.deepEqual(await cached(), before.map((p) => p.replace(`/bert-zh/${from}/`, `/bert-zh/${to}/`)), 'the old version\'s files are gone');

    // A release whose manifest names a file that does not match its sha256: the app refuses it,
    // caches nothing, and the page says so and stays usable.
    const next = `v${Number(to.slice(1)) + 1}`;
    cpSync(join(models, 'bert-zh', to), join(models, 'bert-zh', next), { recursive: true });
    entry.version = next;
    writeFileSync(join(models, 'bert-zh', next, 'config.json'), '{"changed": "after the manifest was written"}');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    ship('o');
    await update();
    await page.getByTestId('load-error').waitFor({ timeout: SLOW });
    assert.match(await page.getByTestId('load-error').textContent(), /config\.json (is corrupt|has \d+ bytes, expected)/);
    assert.ok(!(await cached()).includes(`/bert-zh/${next}/config.json`), 'the mismatched file is not cached');
    await page.screenshot({ path: join(ARTIFACTS, 'model-update-mismatch.png'), fullPage: true });
    await check(page);
    assert.deepEqual(errors.filter((e) => !/config\.json (is corrupt|has \d+ bytes)/.test(e)), []);
  } finally {
    await close();
  }
});

test('embed: the snippet from the embed button, on a host page at another port, renders that state with hidden controls', { timeout: 2 * SLOW }, async () => {
  const { ctx, check } = await context();
  const hostDir = mkdtempSync(join(tmpdir(), 'sesame-host-'));
  const hostPort = 20000 + Math.floor(Math.random() * 20000);
  const host = spawn('python3', ['-m', 'http.server', String(hostPort), '--bind', '127.0.0.1', '--directory', hostDir], { stdio: 'ignore' });
  try {
    const page = await ctx.newPage();
    await page.goto(`${server.url}?p=masking&lang=zh-Hant&m=bert-zh&text=${encodeURIComponent('今天天[MASK]很好。')}`);
    await page.getByTestId('prediction-card').first().waitFor({ timeout: SLOW });
    await page.getByTestId('embed-button').click();
    await page.getByTestId('hide-text').check();
    await page.getByTestId('hide-curve').check();
    const snippet = await page.getByTestId('embed-code').inputValue();
    assert.match(snippet, /^<iframe src="http:\/\/localhost:\d+\/\?[^"]*embed=1[^"]*" title="Sesame — [^"]+"/);
    assert.match(snippet, /hide=text%2Ccurve|hide=text,curve/);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-button.png') });

    writeFileSync(join(hostDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Course notes</title><h1>Week 7: BERT</h1>${snippet}`);
    const hostUrl = `http://127.0.0.1:${hostPort}/`;
    for (let i = 0; i < 50; i++) { try { if ((await fetch(hostUrl)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 100)); }
    await page.goto(hostUrl);
    const frame = page.frameLocator('iframe');
    const card = frame.getByTestId('prediction-card').first();
    await card.waitFor({ timeout: SLOW });
    assert.equal(await frame.locator('header.top').count(), 0, 'no site header in an embed');
    assert.equal(await frame.locator('footer').count(), 0, 'no site footer in an embed');
    assert.ok(!(await frame.locator('[data-control=text]').isVisible()), 'the text box is hidden');
    assert.ok(!(await frame.locator('[data-control=curve]').isVisible()), 'the loss curve is hidden');
    assert.ok(await frame.locator('[data-control=model]').isVisible(), 'controls not named stay');
    assert.ok(await frame.getByTestId('open-full').isVisible());
    assert.match(await frame.getByTestId('chips').textContent(), /今天天/);
    assert.ok((await card.locator('.bar-label').allTextContents()).length > 0);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-host.png'), fullPage: true });
    await check(page, hostUrl);
  } finally {
    host.kill();
    await ctx.close();
    rmSync(hostDir, { recursive: true, force: true });
  }
});

test('hostile address: script in text fields renders as text, huge and unknown values fall back with a notice', { timeout: 2 * SLOW }, async () => {
  const { ctx, check } = await context();
  try {
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">台湾大[MASK]';
    await page.goto(`${server.url}?p=masking&lang=en&m=bert-zh&text=${encodeURIComponent(evil)}&cover=99999r4294967295,3r999999999`);
    await page.getByTestId('prediction-card').first().waitFor({ timeout: SLOW });
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('img[src=x]').count(), 0);
    assert.match(await page.getByTestId('chips').textContent(), /script/);

    const huge = 'x'.repeat(20_000);
    await page.goto(`${server.url}?p=pair&m=bert-en&a=${huge}&b=${encodeURIComponent('<b>bold?</b>')}&hide=text,<svg/onload=alert(1)>&lang=xx&backend=turbo`);
    const notice = page.getByTestId('url-notice');
    await notice.waitFor();
    const text = await notice.textContent();
    for (const param of ['a', 'hide', 'lang', 'backend']) assert.match(text, new RegExp(`\\b${param}:`), `notice names ${param}`);
    assert.match(text, /20000 > 2000/);
    assert.equal(await page.getByTestId('pair-b').inputValue(), '<b>bold?</b>', 'markup stays text');
    assert.equal(await page.locator('b', { hasText: 'bold?' }).count(), 0);
    await page.getByTestId('pair-result').waitFor({ timeout: SLOW });
    await page.screenshot({ path: join(ARTIFACTS, 'hostile-url.png'), fullPage: true });

    await page.goto(`${server.url}?p=${encodeURIComponent('<img src=x onerror=alert(1)>')}&lang=en`);
    await page.getByTestId('page-home').waitFor();
    assert.match(await page.getByTestId('url-notice').textContent(), /p:/);
    await page.getByTestId('url-notice-close').click();
    assert.equal(await page.getByTestId('url-notice').count(), 0);
    await check(page);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('every page: keeps its state in the address, renders alone with embed=1, and offers the embed code', { timeout: 3 * SLOW }, async () => {
  const { ctx, check } = await context();
  try {
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}?p=home&lang=en`);
    await page.getByTestId('page-home').waitFor();
    const slugs = (await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.dataset.testid.replace('nav-', ''))));
    assert.ok(slugs.length >= 6, slugs.join(','));
    // The auto-encoder pages share one header entry: their tabs name the rest.
    await page.goto(`${server.url}?p=ae&lang=en`);
    await page.getByTestId('page-ae').waitFor();
    for (const t of await page.locator('nav.subnav a').evaluateAll((as) => as.map((a) => a.dataset.testid.replace('tab-', '')))) {
      if (!slugs.includes(t)) slugs.push(t);
    }
    assert.ok(slugs.includes('ae-anomaly') && slugs.includes('ae-train'), slugs.join(','));
    for (const slug of slugs) {
      // Full site: the page, and its embed button unless it is the home or offline page.
      await page.goto(`${server.url}?p=${slug}&lang=en`);
      await page.getByTestId(`page-${slug}`).waitFor();
      if (!['home', 'offline'].includes(slug)) {
        await page.getByTestId('embed-button').click();
        const snippet = await page.getByTestId('embed-code').inputValue();
        const src = new URL(snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&'));
        assert.equal(src.searchParams.get('p'), slug);
        assert.equal(src.searchParams.get('embed'), '1');
      }
      // Embedded: the page alone, no horizontal scrolling at a typical iframe width.
      await page.setViewportSize({ width: 720, height: 900 });
      await page.goto(`${server.url}?p=${slug}&lang=zh-Hant&embed=1`);
      await page.getByTestId(`page-${slug}`).waitFor();
      assert.equal(await page.locator('header.top').count(), 0, `${slug}: no header`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${slug}: fits 720 px`);
      await page.screenshot({ path: join(ARTIFACTS, `embed-${slug}.png`) });
      await page.setViewportSize({ width: 1280, height: 1000 });
    }
    // State round trip: what a reader sets is in the address, and the address restores it.
    await page.goto(`${server.url}?p=contextual&lang=en`);
    await page.getByTestId('preset-bank').click();
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    await page.getByTestId('layer').evaluate((el) => { el.value = '3'; el.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.waitForFunction(() => location.search.includes('layer=3'));
    const url = page.url();
    assert.match(url, /target=bank/);
    assert.match(url, /layer=3/);
    await page.goto(url);
    await page.getByTestId('matrix-contextual').waitFor({ timeout: SLOW });
    assert.equal(await page.getByTestId('target').inputValue(), 'bank');
    assert.equal(await page.getByTestId('layer').inputValue(), '3');
    // Moving to another page drops this page's parameters.
    await page.getByTestId('nav-pair').click();
    assert.doesNotMatch(page.url(), /target=|layer=|[?&]s=/);
    await check(page);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
