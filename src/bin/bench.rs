//! `sesame-bench`: native figures for the contextual-embeddings model on the CPU backend.
//!
//! ```text
//! sesame-bench [--model-dir assets/models/minilm-l6-v2/v1] [--tokens 128] [--runs 5]
//! ```
//! Prints the forward-pass time of one `--tokens`-token sentence (median of `--runs`, after one
//! warm-up) and the default experiment's same-sense vs cross-sense similarity.

use std::time::Instant;

use sesame::task::contextual::{analyse, default_english, prepare, run};
use sesame::task::bert::{Batch, LoadedBert};
use sesame::task::read_f32;
use sesame::{block_on, model::Keep};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |n: &str, d: &str| args.iter().position(|a| a == n).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| d.to_string());
    let dir = get("--model-dir", "assets/models/minilm-l6-v2/v1");
    let tokens: usize = get("--tokens", "128").parse().expect("--tokens N");
    let runs: usize = get("--runs", "5").parse().expect("--runs N");
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).unwrap_or_else(|e| panic!("{dir}/{f}: {e} (run scripts/prepare-assets.sh)"));
    let device = burn::tensor::Device::flex();
    let t0 = Instant::now();
    let bundle = sesame::model::Bundle { config: read("config.json"), tokenizer: read("tokenizer.json"), weights: read("model.f16.safetensors"), bases: Vec::new() };
    let bert = LoadedBert::from_bundle(&bundle, &device).expect("model loads");
    println!("load: {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);

    let batch = Batch::timing(tokens);
    let mut times = Vec::new();
    for i in 0..=runs {
        let (a, b, c) = batch.tensors(&device);
        let t = Instant::now();
        let out = bert.model.forward(a, b, c, Keep::default());
        let v = block_on(read_f32(out.last_hidden)).unwrap();
        assert_eq!(v.len(), tokens * bert.config.hidden_size);
        if i > 0 {
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("forward {tokens} tokens (native, flex CPU, {} threads): median {:.1} ms over {runs} runs", threads(), times[times.len() / 2]);

    let (target, sentences) = default_english();
    let (prepared, problems) = prepare(bert.encoder(), &sentences, &target);
    assert!(problems.is_empty(), "{problems:?}");
    let t = Instant::now();
    let vectors = block_on(run(bert.encoder(), &prepared)).unwrap();
    println!("default experiment ({} sentences, batched): {:.1} ms", prepared.len(), t.elapsed().as_secs_f64() * 1e3);
    let groups: Vec<String> = prepared.iter().map(|p| p.sentence.group.clone()).collect();
    for (k, layer) in vectors.layers.iter().enumerate() {
        let v = analyse(layer, &groups);
        let name = match k { 0 => "static".to_string(), 1 => "embedding output".to_string(), k => format!("layer {}", k - 1) };
        println!("{name:>17}: same-sense {:.3}  cross-sense {:.3}", v.same_group.unwrap(), v.cross_group.unwrap());
    }
}

/// Cores the CPU backend can use.
fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
