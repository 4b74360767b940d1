// Where the time goes in one of `window.__sesameBench`'s kinds: Chromium's sampling profiler
// over the timed runs, self time summed by function (wasm names need a build whose name section
// is kept: `SESAME_KEEP_NAMES=1 scripts/build-web.sh`, or wasm-bindgen without
// --remove-name-section). A developer's tool for the speed work of issue 20, not a test.
//
//   node tests/browser/profile-bench.mjs --dist DIR [--kind encoder] [--backend cpu] [--top 40]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, serve } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const kind = option('--kind', 'encoder');
const backend = option('--backend', 'cpu');
const top = Number(option('--top', 40));
const inputs = JSON.parse(readFileSync(join(ROOT, '.cache', 'peer', 'inputs.json'), 'utf8'));
const spec = kind === 'encoder' ? { kind, ids: inputs.minilm.ids, runs: 10, warmup: 0 }
  : kind === 'gpt' ? { kind, ids: inputs.smollm2.ids, decode: 32, runs: 3, warmup: 0 } : { kind, runs: 10, warmup: 0 };

const app = await serve(option('--dist', 'dist'));
const browser = await launch({ webgpu: backend === 'webgpu' });
try {
  const page = await browser.newPage();
  await page.goto(`${app.url}?p=home&backend=${backend}`);
  await page.waitForFunction(() => typeof window.__sesameBench === 'function');
  const warm = JSON.parse(await page.evaluate((s) => window.__sesameBench(s), JSON.stringify({ ...spec, runs: 1, warmup: 2 })));
  if (warm.error) throw new Error(warm.error);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const answer = JSON.parse(await page.evaluate((s) => window.__sesameBench(s), JSON.stringify(spec)));
  const { profile } = await cdp.send('Profiler.stop');
  if (answer.error) throw new Error(answer.error);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = (f.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}$/, '');
    self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`${kind} on ${backend}: runs ${JSON.stringify(answer.ms ?? answer.prompt_ms)}; profile ${total.toFixed(0)} ms`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(1).padStart(9)} ms ${(100 * ms / total).toFixed(1).padStart(5)} %  ${name.slice(0, 160)}`);
  }
} finally {
  await browser.close();
  app.stop();
}
