// Offline use, updates, embedding and hostile addresses, in real headless Chromium (CPU backend:
// what is tested here is the app around the models). Every test records every request the app
// makes (pages and service worker) and every Content-Security-Policy violation, and fails on a
// request to another origin or on a violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, launchPersistent, watchErrors, figure, ARTIFACTS, ROOT, SLOW } from './harness.mjs';

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
    assert.ok(Object.keys(copies).some((u) => u.includes('/bert-zh/v1/')), JSON.stringify(copies));
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
  const dir = mkdtempSync(join(tmpdir(), 'sesame-release-'));
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  const release = await serve(dir);
  const { ctx, check } = await context(release.url);
  try {
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const masking = `${release.url}?p=masking&lang=en&m=bert-zh&text=${encodeURIComponent('台湾大[MASK]')}`;
    await page.goto(masking);
    await swReady(page);
    await page.getByTestId('prediction-card').first().waitFor({ timeout: SLOW });
    const oldBuild = await page.getByTestId('footer-build').textContent();
    // A second tab of the same app, open on another page: it must move to the new release too.
    const other = await ctx.newPage();
    await other.goto(`${release.url}?p=home&lang=en`);
    await other.getByTestId('page-home').waitFor({ timeout: SLOW });

    // Deploy a new release: a new build id in the page and in the service worker, and the page's
    // new sha256 in the service worker's list (it checks every file it installs).
    const newBuild = `${oldBuild}x`;
    const sha = (f) => createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
    const oldIndexSha = sha('index.html');
    const index = join(dir, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replaceAll(oldBuild, newBuild));
    const sw = join(dir, 'sw.js');
    assert.ok(readFileSync(sw, 'utf8').includes(oldIndexSha), 'the service worker lists the page with its sha256');
    writeFileSync(sw, readFileSync(sw, 'utf8').replaceAll(oldBuild, newBuild).replace(oldIndexSha, sha('index.html')));
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
    const indexSha = sha('index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replaceAll(newBuild, tampered));
    writeFileSync(sw, readFileSync(sw, 'utf8').replaceAll(newBuild, tampered).replace(indexSha, sha('index.html')));
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
    await ctx.close();
    release.stop();
    rmSync(dir, { recursive: true, force: true });
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
