//! `window.__sesameBench(spec)`: timed runs of the shipped models on exactly the inputs a
//! benchmark gives, for `scripts/bench-peer.sh` (Sesame beside onnxruntime-web and
//! transformers.js in one browser). Nothing on a page calls it.
//!
//! `spec` is JSON: `{"kind": "encoder" | "gpt" | "fill-mask" | "autoencoder", "runs": 10,
//! "warmup": 2, ...}` with, per kind:
//! - `encoder`: `ids` (token ids; segment 0, no padding): one forward pass of all-MiniLM-L6-v2,
//!   its last hidden state read back; the answer carries the hidden state's first values.
//! - `gpt`: `ids` (a prompt) and `decode` (tokens): the prompt read through the KV cache the
//!   way the GPT page reads it, then `decode` greedy steps, each read back; per run the prompt's
//!   and each decoded token's milliseconds, and the greedy ids.
//! - `fill-mask`: `text` with a `[MASK]`: the masking page's tokenize → run → top-10.
//! - `autoencoder`: one picture's reconstruction by `ae-mnist` (bottleneck 8).
//! - `ops`: single operations at MiniLM's sizes (128 tokens) on the page's device, each read back:
//!   where the time of a forward pass goes on an adapter (the browser's profiler does not see
//!   inside the GPU process). With `"text": "quant"`, also burn's block-quantized matmuls (4-bit,
//!   blocks of 32 along the contraction) against the dense one: error and time.
//!
//! The answer (a promise of JSON): `{"ms": [...], "load_ms", "backend", "registry", ...}`, or
//! `{"error": "..."}`.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::GetUntracked;
use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use crate::assets::{AE_MNIST, BERT_ZH, MINILM, SMOLLM2};
use crate::model::{Keep, KvCache};
use crate::runtime::compute;
use crate::runtime::load::now_ms;
use crate::runtime::registry;
use crate::task::autoencoder::LoadedImageModel;
use crate::task::bert::{Batch, LoadedBert, LoadedPretraining};
use crate::task::gpt::{LoadedGpt, PREFILL_CHUNK};
use crate::task::{fill_mask, read_f32, yield_to_browser};
use crate::ui::i18n::Lang;
use crate::ui::state::{describe_backend, ModelStatus};

/// What a benchmark asks for.
#[derive(Deserialize)]
struct Spec {
    /// "encoder", "gpt", "fill-mask" or "autoencoder".
    kind: String,
    /// Timed runs.
    #[serde(default = "ten")]
    runs: usize,
    /// Untimed runs first (shader compilation, allocator warm-up).
    #[serde(default = "two")]
    warmup: usize,
    /// Token ids (encoder, gpt).
    #[serde(default)]
    ids: Vec<u32>,
    /// Greedy tokens decoded after the prompt (gpt).
    #[serde(default)]
    decode: usize,
    /// A sentence with `[MASK]` (fill-mask).
    #[serde(default)]
    text: String,
    /// The model id, where the kind allows another (gpt: SmolLM2 or gpt-zh).
    #[serde(default)]
    model: Option<String>,
}

fn ten() -> usize {
    10
}

fn two() -> usize {
    2
}

/// Sets `window.__sesameBench`.
pub fn expose() {
    let f = Closure::<dyn Fn(String) -> js_sys::Promise>::new(|spec: String| {
        wasm_bindgen_futures::future_to_promise(async move {
            let answer = match serde_json::from_str::<Spec>(&spec) {
                Ok(s) => run(s).await.unwrap_or_else(|e| json!({ "error": e })),
                Err(e) => json!({ "error": format!("bad spec: {e}") }),
            };
            Ok(JsValue::from_str(&answer.to_string()))
        })
    });
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__sesameBench".into(), f.as_ref());
    }
    f.forget();
}

/// Loads `key` through the registry (as a page would) and waits until it is ready; the
/// milliseconds it took (0 when it was already loaded).
async fn ready<T: 'static>(key: &str) -> Result<(Rc<T>, f64), String> {
    let start = now_ms();
    registry::ensure(key);
    loop {
        match registry::status(key).get_untracked() {
            ModelStatus::Ready(_) => {
                let model = registry::get::<T>(key).ok_or_else(|| format!("{key} is not of the kind asked for"))?;
                return Ok((model, now_ms() - start));
            }
            ModelStatus::Failed(e) => return Err(e),
            _ => yield_to_browser().await,
        }
    }
}

async fn run(spec: Spec) -> Result<Value, String> {
    let (badge, detail) = describe_backend(&compute::compute(compute::current_preference()).await.backend, Lang::En);
    let backend = format!("{badge} ({detail})");
    let mut answer = match spec.kind.as_str() {
        "encoder" => encoder(&spec).await?,
        "gpt" => gpt(&spec).await?,
        "fill-mask" => fill_mask_runs(&spec).await?,
        "autoencoder" => autoencoder(&spec).await?,
        "ops" => ops(&spec).await?,
        other => return Err(format!("unknown kind “{other}”")),
    };
    answer["backend"] = json!(backend);
    answer["registry"] = serde_json::from_str(&registry::report_json()).unwrap_or(Value::Null);
    Ok(answer)
}

/// Times `runs` calls of `once` after `warmup` untimed ones; the milliseconds of each timed run.
async fn timed<F, Fut>(spec: &Spec, mut once: F) -> Result<Vec<f64>, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let mut ms = Vec::with_capacity(spec.runs);
    for i in 0..spec.warmup + spec.runs {
        let start = now_ms();
        once().await?;
        if i >= spec.warmup {
            ms.push(now_ms() - start);
        }
        yield_to_browser().await;
    }
    Ok(ms)
}

/// all-MiniLM-L6-v2, one forward pass over `ids` (`[1, T]`), the last hidden state read back.
async fn encoder(spec: &Spec) -> Result<Value, String> {
    if spec.ids.is_empty() {
        return Err("no ids".into());
    }
    let (bert, load_ms) = ready::<LoadedBert>(MINILM).await?;
    let types = vec![0u32; spec.ids.len()];
    let batch = Batch::pad(&[(&spec.ids[..], &types[..])], 0);
    let hidden = RefCell::new(Vec::new());
    let ms = timed(spec, || {
        let (a, b, c) = batch.tensors(&bert.device);
        let out = bert.model.forward(a, b, c, Keep::default()).last_hidden; // [1, T, H]
        let hidden = &hidden;
        async move {
            *hidden.borrow_mut() = read_f32(out).await?;
            Ok(())
        }
    })
    .await?;
    Ok(json!({ "ms": ms, "load_ms": load_ms, "hidden": hidden.into_inner() }))
}

/// A GPT: the prompt through the KV cache in the GPT page's pieces, then greedy decoding.
async fn gpt(spec: &Spec) -> Result<Value, String> {
    if spec.ids.is_empty() {
        return Err("no ids".into());
    }
    let key = spec.model.as_deref().unwrap_or(SMOLLM2);
    let (gpt, load_ms) = ready::<LoadedGpt>(key).await?;
    let (mut prompt_ms, mut decode_ms, mut greedy) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..spec.warmup + spec.runs {
        let mut cache = KvCache::new();
        let start = now_ms();
        let mut logits = gpt.next_logits_chunked(&spec.ids, &mut cache, PREFILL_CHUNK, &|_, _| {}).await?;
        let prompt = now_ms() - start;
        let (mut steps, mut ids) = (Vec::new(), Vec::new());
        for _ in 0..spec.decode {
            let next = argmax(&logits);
            ids.push(next);
            let start = now_ms();
            logits = gpt.next_logits(&[next], &mut cache).await?;
            steps.push(now_ms() - start);
        }
        if i >= spec.warmup {
            prompt_ms.push(prompt);
            decode_ms.push(steps);
            greedy = ids;
        }
        yield_to_browser().await;
    }
    Ok(json!({ "prompt_ms": prompt_ms, "decode_ms": decode_ms, "greedy": greedy, "load_ms": load_ms, "storage": gpt.storage }))
}

/// The masking page's work for one sentence with bert-zh: tokenize, run, top-10.
async fn fill_mask_runs(spec: &Spec) -> Result<Value, String> {
    let (bert, load_ms) = ready::<LoadedPretraining>(BERT_ZH).await?;
    let top = RefCell::new(Vec::new());
    let ms = timed(spec, || {
        let (bert, top) = (bert.clone(), &top);
        async move {
            let prepared = fill_mask::prepare(&bert, &spec.text, &[]).map_err(|p| format!("{p:?}"))?;
            let predictions = fill_mask::run(&bert, &prepared, 10).await?;
            *top.borrow_mut() = predictions.first().map(|p| p.top.clone()).unwrap_or_default();
            Ok(())
        }
    })
    .await?;
    Ok(json!({ "ms": ms, "load_ms": load_ms, "top": top.into_inner() }))
}

/// One 28 × 28 picture (a drawn ring) reconstructed by `ae-mnist`'s 8-dimensional auto-encoder.
async fn autoencoder(spec: &Spec) -> Result<Value, String> {
    let key = format!("{AE_MNIST}/bottleneck-8.safetensors");
    let (ae, load_ms) = ready::<LoadedImageModel>(&key).await?;
    let ring: Vec<f32> = (0..28 * 28)
        .map(|i| {
            let (y, x) = ((i / 28) as f32 - 13.5, (i % 28) as f32 - 13.5);
            let r = (x * x / 36.0 + y * y / 81.0).sqrt();
            (1.0 - (r - 1.0).abs() * 4.0).clamp(0.0, 1.0)
        })
        .collect();
    let input = vec![ring];
    let mse = std::cell::Cell::new(0.0);
    let ms = timed(spec, || {
        let (ae, input, mse) = (ae.clone(), &input, &mse);
        async move {
            mse.set(ae.reconstruct(input, input).await?[0].mse);
            Ok(())
        }
    })
    .await?;
    Ok(json!({ "ms": ms, "load_ms": load_ms, "mse": mse.get() }))
}

fn argmax(v: &[f32]) -> u32 {
    (0..v.len()).max_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap_or(0) as u32
}

/// Times single operations at MiniLM's sizes on the page's device (see the module docs).
async fn ops(spec: &Spec) -> Result<Value, String> {
    use burn::nn::{EmbeddingConfig, LayerNormConfig};
    use burn::tensor::activation::{gelu, softmax};
    use burn::tensor::{Distribution, Int, Tensor};
    let device = compute::compute(compute::current_preference()).await.device.clone();
    let x = Tensor::<3>::random([1, 128, 384], Distribution::Normal(0.0, 1.0), &device);
    let w = Tensor::<2>::random([384, 1536], Distribution::Normal(0.0, 0.05), &device);
    let wide = Tensor::<3>::random([1, 128, 1536], Distribution::Normal(0.0, 1.0), &device);
    let scores = Tensor::<4>::random([1, 12, 128, 128], Distribution::Normal(0.0, 1.0), &device);
    let norm = LayerNormConfig::new(384).init(&device);
    let table = EmbeddingConfig::new(30522, 384).init(&device);
    let ids = Tensor::<2, Int>::from_data(burn::tensor::TensorData::new((0..128i64).map(|i| i * 97 % 30522).collect::<Vec<_>>(), [1, 128]), &device);
    let mut out = serde_json::Map::new();
    macro_rules! op {
        ($name:expr, $e:expr) => {{
            let ms = timed_read(spec, || $e).await?;
            out.insert($name.to_string(), json!(ms));
        }};
    }
    op!("readback [1,128,384]", x.clone() + 0.0);
    op!("matmul [128,384]x[384,1536]", x.clone().matmul(w.clone().unsqueeze()));
    op!("softmax [1,12,128,128]", softmax(scores.clone(), 3));
    op!("layer_norm [1,128,384]", norm.forward(x.clone()));
    op!("gelu [1,128,1536]", gelu(wide.clone()));
    op!("add [1,128,1536]", wide.clone() + wide.clone());
    op!("sum_dim [1,128,1536]", wide.clone().sum_dim(2));
    op!("embedding [30522,384] x 128", table.forward(ids.clone()));
    op!("swap_dims+reshape [1,128,12,32]", x.clone().reshape([1, 128, 12, 32]).swap_dims(1, 2).reshape([1, 12, 128 * 32]));
    if spec.text == "quant" {
        quant_probe(spec, &device, &mut out).await?;
    }
    if spec.text == "routines" && !crate::model::host_ops::on_cpu(&device) {
        routines_probe(spec, &device, &mut out).await?;
    }
    Ok(json!({ "ops": out }))
}

/// Each of cubek's matmul routines ([`crate::model::device_matmul::ROUTINES`]) on the WebGPU
/// device, at MiniLM's largest product and at SmolLM2's decode shape: max |difference| from
/// burn's product and milliseconds.
async fn routines_probe(spec: &Spec, device: &burn::tensor::Device, out: &mut serde_json::Map<String, Value>) -> Result<(), String> {
    use crate::model::device_matmul::{matmul_routine_checked as matmul_routine, ROUTINES};
    use burn::tensor::{Distribution, Tensor};
    for (m, k, n) in [(128usize, 384usize, 1536usize), (1, 576, 1536)] {
        let a = Tensor::<2>::random([m, k], Distribution::Normal(0.0, 1.0), device);
        let b = Tensor::<2>::random([k, n], Distribution::Normal(0.0, 0.05), device);
        let reference = read_f32(a.clone().matmul(b.clone())).await?;
        for (i, name) in ROUTINES.iter().enumerate() {
            let got = read_f32(matmul_routine(a.clone(), b.clone(), i as u32)).await?;
            let err = reference.iter().zip(&got).map(|(x, y)| (x - y).abs()).fold(0.0f32, |e, d| if d.is_nan() { f32::INFINITY } else { e.max(d) });
            let key = format!("routine {name} [{m},{k}]x[{k},{n}]");
            out.insert(format!("{key} err"), json!(err));
            if err < 1e-2 {
                let ms = timed_read(spec, || matmul_routine(a.clone(), b.clone(), i as u32)).await?;
                out.insert(key, json!(ms));
            }
        }
    }
    Ok(())
}

/// [`timed`] runs of `make`, each tensor it makes read back (the read is what waits for the device).
async fn timed_read<const D: usize>(spec: &Spec, make: impl Fn() -> burn::tensor::Tensor<D>) -> Result<Vec<f64>, String> {
    timed(spec, || {
        let y = make();
        async move { read_f32(y).await.map(|_| ()) }
    })
    .await
}

/// burn's block-quantized matmul on `device`: a `[out, in]` weight of 4-bit values (`Q4F`,
/// −8..7) with one f32 scale per 32 along `in`, exactly representable, against the same weight
/// dense. Max |difference| and milliseconds, for one row (decode) and for 32 (a prompt piece).
async fn quant_probe(spec: &Spec, device: &burn::tensor::Device, out: &mut serde_json::Map<String, Value>) -> Result<(), String> {
    use burn::tensor::quantization::{QParams, QuantScheme, QuantStore, QuantValue, ScaleDtype};
    use burn::tensor::{Tensor, TensorData};
    let (rows, cols) = (1536usize, 576usize);
    let q: Vec<f32> = (0..rows * cols).map(|i| ((i * 7 + i / 577) % 16) as f32 - 8.0).collect();
    let d: Vec<f32> = (0..rows * cols / 32).map(|i| 0.001 + (i % 97) as f32 * 1e-4).collect();
    let w: Vec<f32> = q.iter().enumerate().map(|(i, v)| v * d[i / 32]).collect();
    let dense = Tensor::<2>::from_data(TensorData::new(w, [rows, cols]), device); // [out, in]
    let scheme = QuantScheme::default().with_value(QuantValue::Q4F).with_store(QuantStore::PackedU32(0)).per_block([1u8, 32], ScaleDtype::F32);
    let scales = Tensor::<1>::from_data(TensorData::new(d, [rows * cols / 32]), device);
    let quant = dense.clone().quantize(&scheme, QParams { scales, global: None }); // [out, in], blocks along in
    for t in [1usize, 32] {
        let x = Tensor::<2>::from_data(TensorData::new((0..t * cols).map(|i| ((i * 13) % 29) as f32 / 14.0 - 1.0).collect::<Vec<f32>>(), [t, cols]), device);
        let reference = read_f32(dense.clone().matmul(x.clone().transpose())).await?; // [out, t]
        let got = read_f32(quant.clone().matmul(x.clone().transpose())).await?;
        let err = reference.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        out.insert(format!("quant err, W·xᵀ, {t} rows"), json!(err));
        for (name, w) in [("quant", &quant), ("dense", &dense)] {
            let ms = timed_read(spec, || w.clone().matmul(x.clone().transpose())).await?;
            out.insert(format!("{name} matmul [{rows},{cols}]·[{cols},{t}]"), json!(ms));
        }
    }
    Ok(())
}
