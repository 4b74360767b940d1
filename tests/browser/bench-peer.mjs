// Sesame beside its peers, in one headless Chromium on this machine (issue 20): the same
// weights and the same token ids on both sides, ≥ 10 timed runs after warm-up, min and median.
//
//   node tests/browser/bench-peer.mjs [--runs N] [--gpt-webgpu] [--only encoder,gpt,...] [--dist DIR]
//   node tests/browser/bench-peer.mjs --only gemma      # Gemma 3 270M on both paths (needs its GGUF)
//
// Needs dist/ (scripts/build-web.sh), .cache/peer/ (scripts/export_peer_onnx.py) and
// tests/browser/peer/node_modules; scripts/bench-peer.sh sees to all three. Prints one table
// and writes it as JSON to tests/browser/artifacts/bench-peer.json. A program that prints
// figures, not a test: nothing here passes or fails on speed.
import { createServer } from 'node:http';
import { readFileSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ARTIFACTS, ROOT, launch, serve } from './harness.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const RUNS = Number(option('--runs', 10));
const ONLY = option('--only', 'encoder,gpt,fill-mask,autoencoder,cold,bytes').split(',');
const inputs = JSON.parse(readFileSync(join(ROOT, '.cache', 'peer', 'inputs.json'), 'utf8'));

/** A static server for the peer page: its folder, its node_modules and the exported models. */
function servePeer() {
  const TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const roots = [['/node_modules/', join(ROOT, 'tests/browser/peer/node_modules')], ['/models/', join(ROOT, '.cache/peer')], ['/', join(ROOT, 'tests/browser/peer')]];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const [prefix, dir] = roots.find(([p]) => path.startsWith(p));
    const file = normalize(join(dir, path.slice(prefix.length) || 'index.html'));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://localhost:${server.address().port}/`, stop: () => server.close() })));
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const min = (v) => Math.min(...v);
const stats = (v) => ({ min: min(v), median: median(v), n: v.length });
const maxAbsDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

const rows = [];
/** One row: Sesame and peer as {min, median} in `unit`; `faster` says which way is better. */
function row(name, unit, sesame, peer, faster, note = '') {
  const ratio = peer ? (faster === 'lower' ? peer.median / sesame.median : sesame.median / peer.median) : null;
  rows.push({ name, unit, sesame, peer, speed_ratio: ratio, note });
  const f = (s) => (s ? `${s.min.toFixed(1)} / ${s.median.toFixed(1)}` : '–');
  console.log(`${name.padEnd(46)} ${unit.padEnd(9)} ${f(sesame).padStart(17)} ${f(peer).padStart(17)} ${ratio ? ratio.toFixed(2).padStart(6) : '     –'}  ${note}`);
}

/** Runs `spec` through `window[fn]` in `page` (the answer's `error` becomes an exception). */
async function bench(page, fn, spec) {
  const answer = JSON.parse(await page.evaluate(([f, s]) => window[f](s), [fn, JSON.stringify(spec)]));
  if (answer.error) throw new Error(`${fn}(${spec.kind}): ${answer.error}`);
  return answer;
}

const tokensPerSecond = (msList, tokens) => msList.map((ms) => (1000 * tokens) / ms);

const DIST = option('--dist', 'dist');
const app = await serve(DIST);
const peerServer = await servePeer();
const browser = await launch({ webgpu: true });
const context = await browser.newContext();
const result = { when: new Date().toISOString(), dist: DIST, runs: RUNS, chromium: browser.version(), inputs: { minilm_tokens: inputs.minilm.ids.length, smollm2_prompt: inputs.smollm2?.ids.length }, rows };
try {
  const openSesame = async (backend) => {
    const page = await context.newPage();
    await page.goto(`${app.url}?p=home&backend=${backend}`);
    await page.waitForFunction(() => typeof window.__sesameBench === 'function');
    return page;
  };
  const peer = await context.newPage();
  await peer.goto(peerServer.url);
  await peer.waitForFunction(() => typeof window.__peerBench === 'function', null, { timeout: 120_000 });
  const cpu = await openSesame('cpu');
  const gpu = await openSesame('webgpu');
  console.log(`${'row'.padEnd(46)} ${'unit'.padEnd(9)} ${'Sesame min / med'.padStart(17)} ${'peer min / med'.padStart(17)}  ratio (> 1: Sesame faster)`);

  if (ONLY.includes('encoder')) {
    const spec = { kind: 'encoder', ids: inputs.minilm.ids, runs: RUNS, warmup: 2 };
    for (const [label, page, ep] of [['CPU path vs ORT-web wasm (1 thread)', cpu, 'wasm'], ['WebGPU vs ORT-web WebGPU', gpu, 'webgpu']]) {
      const s = await bench(page, '__sesameBench', spec);
      const p = await bench(peer, '__peerBench', { ...spec, ep });
      const diff = maxAbsDiff(s.hidden, p.hidden);
      row(`MiniLM 128-token forward, ${label}`, 'ms', stats(s.ms), stats(p.ms), 'lower', `max |Sesame − ORT| ${diff.toExponential(1)}; ${s.backend} / ${p.backend}`);
      result[`encoder_${ep}`] = { sesame_backend: s.backend, peer_backend: p.backend, max_abs_diff: diff, sesame_load_ms: s.load_ms, peer_load_ms: p.load_ms };
    }
  }
  if (ONLY.includes('gpt') && inputs.smollm2) {
    const decode = 32;
    const spec = { kind: 'gpt', ids: inputs.smollm2.ids, decode, runs: RUNS, warmup: 1 };
    const pages = [['CPU path vs transformers.js wasm', cpu, 'wasm']];
    if (flag('--gpt-webgpu')) pages.push(['WebGPU vs transformers.js WebGPU', gpu, 'webgpu']);
    for (const [label, page, ep] of pages) {
      const s = await bench(page, '__sesameBench', spec);
      const p = await bench(peer, '__peerBench', { ...spec, ep });
      const same = s.greedy.filter((t, i) => t === inputs.smollm2.greedy_reference[i]).length;
      const peerSame = p.greedy.filter((t, i) => t === inputs.smollm2.greedy_reference[i]).length;
      const note = `greedy = PyTorch's: Sesame ${same}/${decode}, peer ${peerSame}/${decode}; ${s.storage}`;
      row(`SmolLM2 prompt (${spec.ids.length} tokens), ${label}`, 'tokens/s', stats(tokensPerSecond(s.prompt_ms, spec.ids.length)), stats(tokensPerSecond(p.prompt_ms, spec.ids.length)), 'higher', note);
      const perRun = (d) => d.map((steps) => (1000 * steps.length) / steps.reduce((a, b) => a + b, 0));
      row(`SmolLM2 decode (${decode} tokens), ${label}`, 'tokens/s', stats(perRun(s.decode_ms)), stats(perRun(p.decode_ms)), 'higher');
      result[`gpt_${ep}`] = { sesame_load_ms: s.load_ms, peer_load_ms: p.load_ms, sesame_greedy: s.greedy, peer_greedy: p.greedy, sesame_registry: s.registry };
    }
  }
  if (ONLY.includes('gemma')) {
    // Gemma 3 270M (no peer can run it: there is no ONNX export of it to be had), with SmolLM2 on
    // the same path in the same run for the issue's "decode no slower than SmolLM2's" comparison:
    // the golden fixture's longest prompt (26 tokens), SmolLM2 on its first 26 benchmark ids.
    const golden = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'gemma3-golden.json'), 'utf8'));
    const longest = golden.cases.reduce((a, c) => (c.ids.length > a.ids.length ? c : a));
    const perRun = (d) => d.map((steps) => (1000 * steps.length) / steps.reduce((a, b) => a + b, 0));
    const paths = [['CPU path', cpu, 16, RUNS], ['WebGPU', gpu, 4, Math.min(RUNS, 2)]];
    for (const [label, page, decode, runs] of paths) {
      const g = await bench(page, '__sesameBench', { kind: 'gpt', model: 'gemma3-270m', ids: longest.ids, decode, runs, warmup: 1 });
      const s = await bench(page, '__sesameBench', { kind: 'gpt', ids: inputs.smollm2.ids.slice(0, longest.ids.length), decode, runs, warmup: 1 });
      const same = g.greedy.filter((t, i) => t === longest.greedy_ids[i]).length;
      const gd = stats(perRun(g.decode_ms)), sd = stats(perRun(s.decode_ms));
      row(`Gemma 3 270M prompt (${longest.ids.length} tokens), ${label}`, 'tokens/s', stats(tokensPerSecond(g.prompt_ms, longest.ids.length)), null, 'higher', `greedy = transformers': ${same}/${decode}; ${g.storage}`);
      row(`Gemma 3 270M decode (${decode} tokens), ${label}`, 'tokens/s', gd, null, 'higher', `SmolLM2 same path, same run: ${sd.min.toFixed(1)} / ${sd.median.toFixed(1)} tok/s; Gemma / SmolLM2 ${(gd.median / sd.median).toFixed(2)}`);
      const entry = g.registry?.entries.find((e) => e.key === 'gemma3-270m');
      result[`gemma_${label === 'WebGPU' ? 'webgpu' : 'cpu'}`] = { load_ms: g.load_ms, greedy_equal: same, smollm2_decode: sd, device_bytes: entry?.bytes ?? null, device_in_use: g.registry?.device_in_use ?? null };
    }
  }
  if (ONLY.includes('fill-mask')) {
    for (const [label, page] of [['CPU path', cpu], ['WebGPU', gpu]]) {
      const s = await bench(page, '__sesameBench', { kind: 'fill-mask', text: '台湾大[MASK]。', runs: RUNS, warmup: 2 });
      row(`bert-zh fill-mask 台湾大[MASK]。, ${label}`, 'ms', stats(s.ms), null, 'lower', `top: ${s.top.slice(0, 3).map(([t, p]) => `${t} ${(100 * p).toFixed(1)}%`).join(', ')}`);
    }
  }
  if (ONLY.includes('autoencoder')) {
    for (const [label, page] of [['CPU path', cpu], ['WebGPU', gpu]]) {
      const s = await bench(page, '__sesameBench', { kind: 'autoencoder', runs: RUNS, warmup: 2 });
      row(`ae-mnist reconstruction (1 picture), ${label}`, 'ms', stats(s.ms), null, 'lower', `MSE ${s.mse.toFixed(4)}`);
    }
  }
  if (ONLY.includes('cold')) {
    // Navigation → first result on the masking page (bert-zh), with the models already in the
    // Cache API and the app shell in the HTTP cache: the first visit warms them, then RUNS visits.
    const times = [];
    const page = await context.newPage();
    for (let i = 0; i <= RUNS; i++) {
      await page.goto(`${app.url}?p=masking&m=bert-zh&backend=cpu&text=${encodeURIComponent('台湾大[MASK]。')}`);
      await page.locator('[data-testid="prediction"]').first().waitFor({ timeout: 120_000 });
      const ms = await page.evaluate(() => performance.now());
      if (i > 0) times.push(ms);
    }
    row('cold start: navigation → first fill-mask result (warm cache), CPU', 'ms', stats(times), null, 'lower');
  }
  if (ONLY.includes('bytes')) {
    const dir = resolve(ROOT, DIST);
    const shipped = readdirSync(dir).filter((f) => /\.(wasm|js)$/.test(f) && f !== 'sw.js').concat(readdirSync(join(dir, 'web')).filter((f) => f.endsWith('.js')).map((f) => `web/${f}`));
    const size = (f) => statSync(join(dir, f)).size;
    const gz = (f) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
    const raw = shipped.reduce((a, f) => a + size(f), 0), zipped = shipped.reduce((a, f) => a + gz(f), 0);
    result.bytes = { files: shipped, raw, gzip: zipped, wasm_raw: size('sesame_bg.wasm'), wasm_gzip: gz('sesame_bg.wasm') };
    console.log(`bytes of wasm + JS shipped: ${(raw / 1e6).toFixed(2)} MB raw, ${(zipped / 1e6).toFixed(2)} MB gzip (${shipped.join(', ')})`);
    const gguf = statSync(join(ROOT, 'assets/models/smollm2-135m-instruct/v1/model.Q4_1.gguf')).size;
    const reg = result.gpt_wasm?.sesame_registry;
    const entry = reg?.entries.find((e) => e.key === 'smollm2-135m-instruct');
    if (entry) {
      result.memory = { gguf_bytes: gguf, smollm2_device_bytes: entry.bytes, ratio: entry.bytes / gguf, wasm_bytes: reg.wasm_bytes };
      console.log(`SmolLM2 on the device: ${(entry.bytes / 1e6).toFixed(1)} MB for a ${(gguf / 1e6).toFixed(1)} MB GGUF (${(entry.bytes / gguf).toFixed(2)}×); wasm memory ${(reg.wasm_bytes / 1e6).toFixed(0)} MB (CPU path)`);
    }
  }
} finally {
  writeFileSync(join(ARTIFACTS, 'bench-peer.json'), JSON.stringify(result, null, 1));
  console.log(`written: tests/browser/artifacts/bench-peer.json`);
  await browser.close();
  app.stop();
  peerServer.stop();
}
