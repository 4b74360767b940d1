// Gemma 3 270M in the browser on both compute paths: the bytes it holds on the device against the
// GGUF's (issue 27's target: ≤ 1.5×), the time from picking it to the first distribution, and the
// bars after 台湾大 against transformers' logits (tests/fixtures/gemma3-golden.json). A measurement
// program, not a test (WebGPU here is SwiftShader on the CPU: minutes); the CPU path is tested in
// gpt.test.mjs. Needs dist/ (scripts/build-web.sh) and the GGUF (scripts/prepare-assets.sh).
//
//   cd tests/browser && node measure-gemma.mjs            # both paths
//   node measure-gemma.mjs webgpu                         # one
//
// Prints a table and writes artifacts/gemma-memory.json.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, watchErrors, ARTIFACTS, ROOT } from './harness.mjs';

const GGUF = join(ROOT, 'assets', 'models', 'gemma3-270m', 'v1', 'model.Q4_K_M.gguf');
const golden = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'gemma3-golden.json'), 'utf8')).cases.find((c) => c.prompt === '台湾大');
const paths = process.argv.slice(2).length ? process.argv.slice(2) : ['webgpu', 'cpu'];
const ggufBytes = statSync(GGUF).size;
const WAIT = 20 * 60_000;

const server = await serve();
const results = { gguf_bytes: ggufBytes };
try {
  for (const path of paths) {
    const browser = await launch({ webgpu: path === 'webgpu' });
    try {
      const page = await browser.newPage({ serviceWorkers: 'block', viewport: { width: 1280, height: 1200 } });
      const errors = watchErrors(page);
      await page.goto(`${server.url}?p=gpt&lang=zh-Hans&t=0&backend=${path}`);
      await page.getByTestId('gpt-candidate').first().waitFor({ timeout: WAIT });
      const registry = async () => JSON.parse(await page.evaluate(() => window.__sesameRegistry()));
      const before = await registry();
      const t0 = Date.now();
      await page.getByTestId('gpt-model-gemma3').click();
      await page.waitForFunction(() => document.querySelector('.gpt-text .prompt-text')?.textContent === '台湾大' && document.querySelectorAll('[data-testid=gpt-candidate]').length > 0, null, { timeout: WAIT });
      const firstMs = Date.now() - t0;
      const after = await registry();
      const entry = after.entries.find((e) => e.key === 'gemma3-270m');
      const bars = JSON.parse(await page.getByTestId('gpt-distribution').getAttribute('data-top'));
      const last = golden.top_logits.at(-1);
      let worst = 0;
      for (let i = 1; i < 4; i++) worst = Math.max(worst, Math.abs(Math.log(bars[0].p / bars[i].p) - (last[0] - last[i])));
      const argmaxOk = bars[0].text === golden.greedy_text.slice(0, bars[0].text.length);
      results[path] = {
        entry_bytes: entry?.bytes ?? null,
        ratio: entry ? entry.bytes / ggufBytes : null,
        device_in_use_delta: after.device_in_use != null && before.device_in_use != null ? after.device_in_use - before.device_in_use : null,
        device_in_use: after.device_in_use,
        wasm_bytes: after.wasm_bytes,
        first_distribution_ms: firstMs,
        argmax_equal: argmaxOk,
        logit_gap_max_diff: worst,
        errors,
      };
      console.log(`${path}: Gemma holds ${(entry.bytes / 1e6).toFixed(1)} MB (${(entry.bytes / ggufBytes).toFixed(2)}× the ${(ggufBytes / 1e6).toFixed(1)} MB GGUF)` +
        (results[path].device_in_use_delta != null ? `, device pool +${(results[path].device_in_use_delta / 1e6).toFixed(1)} MB` : '') +
        `; wasm memory ${(after.wasm_bytes / 1e6).toFixed(0)} MB; pick → first distribution ${(firstMs / 1000).toFixed(1)} s;` +
        ` argmax ${argmaxOk ? '=' : '≠'} transformers, log-prob gaps max |Δ| ${worst.toExponential(2)}${errors.length ? `; errors: ${errors.join(' | ')}` : ''}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  writeFileSync(join(ARTIFACTS, 'gemma-memory.json'), JSON.stringify(results, null, 1));
  server.stop();
}
