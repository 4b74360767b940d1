// The peers of scripts/bench-peer.sh, in the page: `window.__peerBench(spec)` times
// onnxruntime-web on all-MiniLM-L6-v2 and transformers.js on SmolLM2-135M-Instruct, with the
// same spec and the same answer shape as Sesame's `window.__sesameBench` (src/ui/bench.rs).
// Served by tests/browser/bench-peer.mjs: /node_modules/ (this folder's packages), /models/
// (.cache/peer, written by scripts/export_peer_onnx.py). Single-threaded, like Sesame's wasm.
import * as ort from '/node_modules/onnxruntime-web/dist/ort.all.min.mjs';
import { AutoModelForCausalLM, Tensor, env } from '/node_modules/@huggingface/transformers/dist/transformers.min.js';

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = '/models/';
env.useBrowserCache = false;
env.backends.onnx.wasm.numThreads = 1;
env.backends.onnx.wasm.wasmPaths = '/node_modules/@huggingface/transformers/dist/';

const sessions = new Map();
const gpts = new Map();
const now = () => performance.now();

/** An int64 tensor of `values` with `shape`. */
const int64 = (T, values, shape) => new T('int64', BigInt64Array.from(values.map(BigInt)), shape);

async function encoder(spec) {
  const ep = spec.ep ?? 'wasm';
  const start = now();
  if (!sessions.has(ep)) sessions.set(ep, await ort.InferenceSession.create('/models/minilm/model.onnx', { executionProviders: [ep], graphOptimizationLevel: 'all' }));
  const session = sessions.get(ep);
  const load_ms = now() - start;
  const n = spec.ids.length;
  const feeds = () => ({
    input_ids: int64(ort.Tensor, spec.ids, [1, n]),
    attention_mask: int64(ort.Tensor, spec.ids.map(() => 1), [1, n]),
    token_type_ids: int64(ort.Tensor, spec.ids.map(() => 0), [1, n]),
  });
  const ms = [];
  let hidden = [];
  for (let i = 0; i < (spec.warmup ?? 2) + (spec.runs ?? 10); i++) {
    const t = now();
    const out = await session.run(feeds());
    hidden = Array.from(await out.last_hidden_state.getData());
    if (i >= (spec.warmup ?? 2)) ms.push(now() - t);
  }
  return { ms, load_ms, hidden, backend: `onnxruntime-web ${ort.env.versions?.web ?? ''} ${ep}` };
}

async function gpt(spec) {
  const device = spec.ep ?? 'wasm';
  const start = now();
  if (!gpts.has(device)) gpts.set(device, await AutoModelForCausalLM.from_pretrained('smollm2', { dtype: 'q4', device }));
  const model = gpts.get(device);
  const load_ms = now() - start;
  const prompt_ms = [], decode_ms = [];
  let greedy = [];
  for (let i = 0; i < (spec.warmup ?? 2) + (spec.runs ?? 10); i++) {
    // The streamer is called with the prompt before any work, then after every new token.
    const stamps = [];
    const streamer = { put: () => stamps.push(now()), end: () => {} };
    const t = now();
    const out = await model.generate({
      inputs: int64(Tensor, spec.ids, [1, spec.ids.length]),
      max_new_tokens: spec.decode + 1, min_new_tokens: spec.decode + 1, do_sample: false, streamer,
    });
    const made = out.tolist()[0].slice(spec.ids.length).map(Number);
    if (i >= (spec.warmup ?? 2)) {
      prompt_ms.push(stamps[1] - t);
      decode_ms.push(stamps.slice(2).map((s, k) => s - stamps[k + 1]));
      greedy = made.slice(0, spec.decode);
    }
  }
  return { prompt_ms, decode_ms, greedy, load_ms, backend: `transformers.js ${env.version} ${device} (q4)` };
}

window.__peerBench = async (specJson) => {
  const spec = JSON.parse(specJson);
  try {
    const answer = spec.kind === 'encoder' ? await encoder(spec) : spec.kind === 'gpt' ? await gpt(spec) : { error: `unknown kind ${spec.kind}` };
    return JSON.stringify(answer);
  } catch (e) {
    return JSON.stringify({ error: String(e?.stack ?? e) });
  }
};
document.getElementById('state').textContent = 'ready';
