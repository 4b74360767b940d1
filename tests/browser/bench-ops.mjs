// Single operations on the page's device (`window.__sesameBench` kind "ops"): milliseconds per
// operation (min / median) and, with --text routines, each of cubek's matmul routines on WebGPU
// against burn's product. A developer's tool for the speed work of issue 20, not a test.
//
//   node tests/browser/bench-ops.mjs [--dist DIR] [--backend webgpu|cpu] [--text routines|quant] [--runs 5]
import { launch, serve } from './harness.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const backend = option('--backend', 'webgpu');
const spec = { kind: 'ops', text: option('--text', ''), runs: Number(option('--runs', 5)), warmup: 1 };
const app = await serve(option('--dist', undefined));
const browser = await launch({ webgpu: backend === 'webgpu' });
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'warning' && !m.text().includes('Service Worker')) console.log('  console:', m.text().slice(0, 300)); });
  await page.goto(`${app.url}?p=home&backend=${backend}`);
  await page.waitForFunction(() => typeof window.__sesameBench === 'function');
  const result = JSON.parse(await page.evaluate((s) => window.__sesameBench(s), JSON.stringify(spec)));
  if (result.error) throw new Error(result.error);
  for (const [name, v] of Object.entries(result.ops)) {
    if (Array.isArray(v)) {
      const s = [...v].sort((a, b) => a - b);
      console.log(`${name.padEnd(58)} ${s[0].toFixed(1).padStart(9)} / ${s[Math.floor(s.length / 2)].toFixed(1).padStart(9)} ms`);
    } else console.log(`${name.padEnd(58)} ${v}`);
  }
} finally {
  await browser.close();
  app.stop();
}
