// Starts Sesame: loads the wasm app and registers the service worker (offline use, updates).
// The app (Rust) shows every message; this file only talks to the service worker and tells the
// app through `window.sesamePwa` and a `sesame-pwa` event when an update is ready.
import init from '../sesame.js';

const pwa = {
  /** 'unsupported' | 'registering' | 'ready' (shell cached, page controlled) | 'failed' */
  state: 'serviceWorker' in navigator ? 'registering' : 'unsupported',
  /** True when a new release is installed and waits for the reader's "reload". */
  updateReady: false,
  /** Why registration failed, if it did. */
  error: null,
  /** Activates the waiting release; the page reloads when it has taken over. */
  applyUpdate() {
    if (!waiting) return;
    applying = true;
    waiting.postMessage({ type: 'skip-waiting' });
  },
};
let waiting = null;
let applying = false;
window.sesamePwa = pwa;
const changed = () => window.dispatchEvent(new Event('sesame-pwa'));

if (pwa.state === 'registering') {
  // A page that already ran under a release must not go on with another release's files: when a
  // new service worker takes over (this tab's "reload", or another tab's), every open tab reloads,
  // so all of them move to the new release together. A first install has nothing to mix with.
  let controlled = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (applying || controlled) location.reload();
    else { controlled = true; pwa.state = 'ready'; changed(); }
  });
  navigator.serviceWorker.register('sw.js').then((reg) => {
    const offer = (worker) => { waiting = worker; pwa.updateReady = true; changed(); };
    const track = (worker) => worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
    if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
    track(reg.installing); // an update found before this promise resolved
    reg.addEventListener('updatefound', () => track(reg.installing));
    return navigator.serviceWorker.ready;
  }).then(() => {
    if (navigator.serviceWorker.controller) { pwa.state = 'ready'; changed(); }
  }).catch((e) => { pwa.state = 'failed'; pwa.error = String(e); changed(); });
}

init().catch((e) => {
  const splash = document.getElementById('splash');
  if (splash) splash.textContent = 'Sesame could not start in this browser: ' + e;
});
