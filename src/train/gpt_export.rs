//! Shipping a pretrained character GPT: f16 weights with HF `LlamaForCausalLM` names,
//! `config.json`, the run's `tokenizer.json` and a card (data, config, steps, loss curve,
//! held-out loss and accuracy per source from the shipped f16 file, greedy continuations of the
//! lecture's examples, the command that reproduces it).

use std::path::Path;

use burn::module::Module;
use burn::tensor::Device;
use serde_json::{json, Value};

use crate::model::weights::to_f16_safetensors;
use crate::model::Bundle;
use crate::task::gpt::LoadedGpt;
use crate::rng::Rng;
use crate::task::sampling::Sampling;

use super::bert_export::manifest_entry_for;
use super::gpt::{build_model, evaluate, read_log, validation_set, GptRunConfig, GptState, LmEval};

/// Prompts whose greedy continuations go into the card (the page's example buttons).
pub use crate::task::gpt::GPT_ZH_EXAMPLES as EXAMPLES;

/// Characters generated after each example prompt in the card.
const EXAMPLE_CHARS: usize = 24;

fn round(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

fn eval_json(e: &LmEval) -> Value {
    json!({"characters": e.tokens, "loss": round(e.loss), "perplexity": round(e.loss.exp()), "top1": round(e.top1)})
}

/// Greedy continuations of [`EXAMPLES`] by a loaded model: `(prompt, continuation)`.
pub fn continuations(gpt: &LoadedGpt, chars: usize) -> Result<Vec<(String, String)>, String> {
    let mut rng = Rng::new(0);
    EXAMPLES
        .iter()
        .map(|p| {
            let ids = gpt.encode(p)?;
            let made = crate::block_on(gpt.generate(&ids, chars, &Sampling::greedy(), &mut rng, |_| false))?;
            Ok((p.to_string(), gpt.decode(&made)))
        })
        .collect()
}

/// Held-out loss and accuracy of a model, over all sources and per source.
pub fn held_out(cfg: &GptRunConfig, data: &super::gpt::GptData, model: &crate::model::Llama, device: &Device) -> (LmEval, Vec<(String, LmEval)>) {
    let sets = validation_set(cfg, data);
    let per: Vec<(String, LmEval)> = sets.iter().map(|(name, w)| (name.clone(), evaluate(model, w, cfg.batch, device))).collect();
    let n: usize = per.iter().map(|(_, e)| e.tokens).sum();
    let all = LmEval {
        tokens: n,
        loss: per.iter().map(|(_, e)| e.loss * e.tokens as f64).sum::<f64>() / n.max(1) as f64,
        top1: per.iter().map(|(_, e)| e.top1 * e.tokens as f64).sum::<f64>() / n.max(1) as f64,
    };
    (all, per)
}

/// Writes `to` (weights, config, tokenizer, card) from the finished run in `run_dir`, checks
/// the shipped f16 file and adds it to `manifest`. Returns the card.
pub fn export(run_dir: &Path, to: &Path, id: &str, name: &str, manifest: &Path) -> Result<Value, String> {
    let read = |f: &str| std::fs::read(run_dir.join(f)).map_err(|e| format!("{}: {e}", run_dir.join(f).display()));
    let cfg: GptRunConfig = serde_json::from_slice(&read("run.json")?).map_err(|e| e.to_string())?;
    let state: GptState = serde_json::from_slice(&read("ckpt/state.json")?).map_err(|e| e.to_string())?;
    let device = Device::flex();
    let model = build_model(&cfg, Some(&run_dir.join("ckpt/model.safetensors")), &device)?;
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let bytes = to_f16_safetensors(&model.export()).map_err(|e| e.to_string())?;
    let mut config = serde_json::to_value(&cfg.model).map_err(|e| e.to_string())?;
    config["architectures"] = json!(["LlamaForCausalLM"]);
    config["model_type"] = json!("llama");
    config["hidden_act"] = json!("silu");
    config["attention_bias"] = json!(false);
    config["mlp_bias"] = json!(false);
    config["torch_dtype"] = json!("float16");
    std::fs::write(to.join("model.safetensors"), &bytes).map_err(|e| e.to_string())?;
    std::fs::write(to.join("config.json"), serde_json::to_string_pretty(&config).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    std::fs::write(to.join("tokenizer.json"), read("tokenizer.json")?).map_err(|e| e.to_string())?;

    // Everything below is measured on the shipped f16 file, as the page loads it.
    let gpt = LoadedGpt::from_bundle(&Bundle::read(to, "model.safetensors", to)?, &device)?;
    let data = cfg.load(run_dir)?;
    eprintln!("evaluating the shipped (f16) model on the held-out windows");
    let (all, per) = held_out(&cfg, &data, &gpt.model, &device);
    eprintln!("  loss {:.3} (perplexity {:.1}), top-1 {:.3}", all.loss, all.loss.exp(), all.top1);
    let examples = continuations(&gpt, EXAMPLE_CHARS)?;
    for (p, c) in &examples {
        eprintln!("  {p} → {c}");
    }
    let log = read_log(run_dir);
    let train: Vec<f64> = log.iter().filter_map(|l| l.train_loss).collect();
    let tail = &train[train.len().saturating_sub(5)..];
    let curve: Vec<Value> = log
        .iter()
        .map(|l| match (&l.train_loss, &l.valid) {
            (Some(t), _) => json!({"step": l.step, "tokens": l.tokens, "train_loss": round(*t)}),
            (None, Some(v)) => json!({"step": l.step, "tokens": l.tokens, "valid_loss": round(v.loss), "valid_top1": round(v.top1)}),
            _ => json!({"step": l.step}),
        })
        .collect();
    let data_json: Vec<Value> = data
        .streams
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "file": s.path.file_name().map(|f| f.to_string_lossy().to_string()),
                "sha256": std::fs::read(&s.path).map(|b| crate::assets::sha256_hex(&b)).unwrap_or_default(),
                "weight": round(s.weight),
                "train_docs": s.docs.0,
                "train_characters": s.train.len(),
                "valid_docs": s.docs.1,
                "valid_characters": s.valid.len(),
            })
        })
        .collect();
    let c = &cfg;
    let m = &c.model;
    let command = format!(
        "cargo run --release --bin sesame-train -- gpt --out runs/NAME --steps {} --batch {} --seq {} --lr {} --warmup {} --seed {} --hidden {} --layers {} --heads {} --kv-heads {} --ffn {} --window {} --min-count {} --poems {} --poetry-share {} --eval-every {} --eval-windows {}  (then `sesame-train gpt --out runs/NAME` until it is done; `sesame-train gpt-export --out runs/NAME --to {}`)",
        c.steps, c.batch, c.seq, c.lr, c.warmup, c.seed, m.hidden_size, m.num_hidden_layers, m.num_attention_heads, m.num_key_value_heads, m.intermediate_size, m.max_position_embeddings, c.min_count, c.poems, c.poetry_share, c.eval_every, c.eval_windows, to.display()
    );
    let card = json!({
        "id": id,
        "version": to.file_name().map(|f| f.to_string_lossy().to_string()),
        "name": name,
        "architecture": "LlamaForCausalLM (RMSNorm, rotary positions, grouped-query attention, SwiGLU, head tied to the embeddings), one token per character",
        "language": "zh",
        "config": config,
        "parameters": gpt.model.num_params(),
        "weights_bytes": bytes.len(),
        "weights_sha256": crate::assets::sha256_hex(&bytes),
        "tokenizer": format!("characters seen at least {} times in the training documents ({} tokens with [UNK] and <|endoftext|>); BPE without merges, so HF tokenizers reads it", c.min_count, gpt.tokenizer.vocab_size()),
        "data": data_json,
        "training": {
            "objective": "next-character prediction (causal LM cross-entropy at every position); documents separated by <|endoftext|>",
            "steps": state.step,
            "planned_steps": c.steps,
            "batch": c.batch,
            "seq": c.seq,
            "lr": c.lr,
            "warmup": c.warmup,
            "schedule": "linear warm-up, then cosine decay to a tenth of the peak; AdamW (weight decay 0.01, eps 1e-6), gradient norm clipped at 1",
            "tokens_seen": state.tokens,
            "seconds": state.seconds.round(),
            "final_train_loss": round(tail.iter().sum::<f64>() / tail.len().max(1) as f64),
            "backend": c.backend,
            "command": command,
        },
        "eval": {
            "split": format!("held-out documents (every 20th of each source); {} evenly spaced windows of {} characters per source", c.eval_windows, c.seq),
            "all": eval_json(&all),
            "by_source": per.iter().map(|(n, e)| { let mut v = eval_json(e); v["source"] = json!(n); v }).collect::<Vec<_>>(),
            "command": format!("cargo run --release --bin sesame-train -- gpt-eval --model {}", to.display()),
        },
        "greedy_continuations": examples.iter().map(|(p, c)| json!({"prompt": p, "continuation": c})).collect::<Vec<_>>(),
        "curve": curve,
        "run_config": cfg,
    });
    std::fs::write(to.join("card.json"), serde_json::to_string_pretty(&card).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    manifest_entry_for(manifest, to, id, name, &["model.safetensors", "tokenizer.json", "config.json", "card.json"])?;
    Ok(card)
}

/// Held-out figures and continuations of a shipped model (`gpt-eval`): the data settings come
/// from its card, the vocabulary from its own `tokenizer.json`. With `split_of` (another shipped
/// model's directory) the held-out split is that model's instead (its corpus, sources and poem
/// count), so two versions trained on different text are measured on the same characters.
pub fn evaluate_shipped(model_dir: &Path, split_of: Option<&Path>) -> Result<(LmEval, Vec<(String, LmEval)>, Vec<(String, String)>), String> {
    let run_config = |dir: &Path| -> Result<GptRunConfig, String> {
        let path = dir.join("card.json");
        let card: Value = super::run::read_json(&path)?;
        serde_json::from_value(card["run_config"].clone()).map_err(|e| format!("{} run_config: {e}", path.display()))
    };
    let mut cfg = run_config(model_dir)?;
    if let Some(other) = split_of {
        let o = run_config(other)?;
        (cfg.corpus, cfg.t2s, cfg.poems, cfg.more_text, cfg.poetry_share) = (o.corpus, o.t2s, o.poems, o.more_text, o.poetry_share);
    }
    let device = Device::flex();
    let gpt = LoadedGpt::from_bundle(&Bundle::read(model_dir, "model.safetensors", model_dir)?, &device)?;
    let data = cfg.load(model_dir)?;
    let (all, per) = held_out(&cfg, &data, &gpt.model, &device);
    Ok((all, per, continuations(&gpt, EXAMPLE_CHARS)?))
}
