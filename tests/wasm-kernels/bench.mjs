// Times the browser's quantized-block kernels (wasm SIMD128) beside the plain-Rust path of the
// same file compiled for the same target, in one Node (V8) process, on the shapes of a decoded
// token (one input) and of a prompt (26 inputs) of Gemma 3 270M and SmolLM2. Prints GMAC/s
// (best of 5 interleaved rounds) and the ratio. A program that prints figures, not a test.
//   node tests/wasm-kernels/bench.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const wasm = execFileSync(fileURLToPath(new URL('build.sh', import.meta.url)), { encoding: 'utf8' }).trim();
const k = (await WebAssembly.instantiate(readFileSync(wasm), {})).instance.exports;
const FORMATS = ['Q4_1', 'Q8_0', 'Q5_0', 'Q4_K', 'Q6_K'];
const shapes = [
  ['Gemma output layer (tied embedding)', 1, 262144, 640, 1, 2],
  ['SmolLM2 feed-forward up', 0, 1536, 576, 1, 400],
  ['Gemma feed-forward up', 2, 2048, 640, 1, 200],
  ['Gemma feed-forward down', 3, 640, 2048, 1, 200],
  ['Gemma feed-forward down', 4, 640, 2048, 1, 200],
  ['SmolLM2 feed-forward up, prompt', 0, 1536, 576, 26, 10],
  ['Gemma feed-forward up, prompt', 2, 2048, 640, 26, 10],
];
console.log('shape                                   format  inputs  kernel GMAC/s  plain GMAC/s  ratio');
for (const [label, f, rows, cols, t, reps] of shapes) {
  k.setup(f, rows, cols, t, 0);
  k.run(1, 0);
  k.run(1, 1);
  const best = [Infinity, Infinity];
  for (let round = 0; round < 5; round++) {
    for (const plain of [0, 1]) {
      const start = performance.now();
      k.run(reps, plain);
      best[plain] = Math.min(best[plain], (performance.now() - start) / reps);
    }
  }
  const rate = (ms) => (rows * cols * t) / ms / 1e6;
  console.log(`${label.padEnd(40)}${FORMATS[f].padEnd(8)}${String(t).padStart(6)}  ${rate(best[0]).toFixed(2).padStart(13)}  ${rate(best[1]).toFixed(2).padStart(12)}  ${(best[1] / best[0]).toFixed(2).padStart(5)}`);
}
