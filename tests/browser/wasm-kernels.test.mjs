// The browser's quantized-block kernels (src/model/blocks.rs, wasm SIMD128: two-part 16-bit
// integer products for a decoded token, f32 for a prompt) run in Node's V8 — the engine of
// Chromium — and are checked against an f64 reference on every format, on plain, outlier-heavy
// and NaN inputs. The pages' golden tests check the same kernels end to end (gpt.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { figure } from './harness.mjs';

const FORMATS = ['Q4_1', 'Q8_0', 'Q5_0', 'Q4_K', 'Q6_K'];

async function kernels() {
  const build = fileURLToPath(new URL('../wasm-kernels/build.sh', import.meta.url));
  const wasm = execFileSync(build, { encoding: 'utf8' }).trim();
  return (await WebAssembly.instantiate(readFileSync(wasm), {})).instance.exports;
}

test('wasm kernels: every format, one input and several, equal an f64 reference to f32 rounding', { timeout: 300_000 }, async () => {
  const k = await kernels();
  for (const [f, name] of FORMATS.entries()) {
    for (const t of [1, 3]) {
      for (const [kind, label] of [[0, 'uniform'], [1, 'outliers']]) {
        assert.equal(k.setup(f, 48, 512, t, kind), 0, `${name} setup`);
        const err = k.check();
        figure(`wasm_kernel.${name}.t${t}.${label}_rel_err`, Number(err.toExponential(2)));
        // f32 accumulation over 512 values: ~1e-7; a one-part 16-bit rounding of the outlier
        // inputs would be ~1e-4 here.
        assert.ok(err >= 0 && err < 2e-6, `${name}, ${t} input(s), ${label}: relative error ${err}`);
      }
    }
  }
});

test('wasm kernels: a NaN input stays NaN; sizes that are not whole blocks are refused', { timeout: 300_000 }, async () => {
  const k = await kernels();
  for (const [f, name] of FORMATS.entries()) {
    for (const t of [1, 2]) {
      assert.equal(k.setup(f, 8, 256, t, 2), 0);
      assert.ok(Number.isNaN(k.check()), `${name}, ${t} input(s): a NaN input was lost`);
    }
  }
  assert.equal(k.setup(3, 8, 640, 1, 0), 1, 'Q4_K rows of 640 values are not whole 256-value blocks');
});
