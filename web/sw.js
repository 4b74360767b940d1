// Sesame's service worker: the app works offline once opened.
//
// scripts/build-web.sh writes dist/sw.js as two generated lines followed by this file:
//   const BUILD = "<content hash of the release>";
//   const SHELL = [[<file of the app shell, relative to this script>, <its sha256>], ...];
//
// Two kinds of cache:
// - `sesame-shell-<BUILD>`: the app shell of one release (page, wasm, JS, styles, icons, the model
//   manifest, golden fixtures), precached on install. A new release installs into a new cache and
//   waits until the page says "reload" (the user is told an update is ready), so a page never runs
//   old wasm with a new manifest or the other way round. Activation deletes older shell caches.
// - `sesame-weights`: model files, written only by the app after it has checked their sha256
//   (src/runtime/fetch.rs). Their URLs are versioned and immutable, so one copy serves every release
//   that lists them; the service worker only reads this cache (weights are stored once, not twice),
//   and on activation drops the files the new release's manifest no longer lists.

const SHELL_PREFIX = 'sesame-shell-';
const SHELL_CACHE = SHELL_PREFIX + BUILD;
const WEIGHTS_CACHE = 'sesame-weights';
const scope = new URL(self.registration.scope);

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
  // No skipWaiting here: the first install takes control at once (there is nothing to mix with),
  // an update waits for the page's "reload" (see the message handler).
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE) await caches.delete(name);
    }
    await pruneWeights();
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'skip-waiting') self.skipWaiting();
});

/** Downloads every shell file, checks it against the release's sha256 and stores it; one wrong
 *  or missing file fails the install (the running release stays, and the next visit tries again). */
async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  for (const [file, sha256] of SHELL) {
    const res = await fetch(new Request(file, { cache: 'reload' }));
    if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
    const bytes = await res.clone().arrayBuffer();
    const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    if (digest !== sha256) throw new Error(`${file} does not match this release (sha256 ${digest} ≠ ${sha256})`);
    await cache.put(new Request(new URL(file, scope).href), res);
  }
}

/** Deletes cached model files that this release's manifest does not list. */
async function pruneWeights() {
  const shell = await caches.open(SHELL_CACHE);
  const res = await shell.match(new URL('assets/models/manifest.json', scope).href);
  if (!res) return;
  let manifest;
  try { manifest = await res.json(); } catch { return; }
  const keep = new Set();
  for (const m of manifest.models || []) {
    for (const f of m.files || []) keep.add(new URL(`assets/models/${m.id}/${m.version}/${f.name}`, scope).href);
  }
  const weights = await caches.open(WEIGHTS_CACHE);
  for (const req of await weights.keys()) {
    if (!keep.has(req.url)) await weights.delete(req);
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const path = url.pathname.slice(scope.pathname.length);
  if (path.startsWith('assets/models/') && path !== 'assets/models/manifest.json') {
    // Model files: the app's verified copy if it has one, else the network (the app stores it).
    event.respondWith(caches.open(WEIGHTS_CACHE).then((c) => c.match(req.url)).then((hit) => hit || fetch(req)));
    return;
  }
  event.respondWith((async () => {
    const shell = await caches.open(SHELL_CACHE);
    // Every page of the app is index.html with a query string.
    const key = req.mode === 'navigate' || path === '' ? new URL('index.html', scope).href : url.origin + url.pathname;
    const hit = await shell.match(key);
    if (hit) return hit;
    return fetch(req);
  })());
});
