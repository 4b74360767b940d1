//! Turning a training run into a shipped model: f16 weights, an HF-compatible `config.json`,
//! the tokenizer, a model card with the run's figures and loss curve, and a manifest entry.

use std::path::Path;

use burn::module::Module;
use burn::tensor::Device;
use serde_json::{json, Value};

use crate::assets::{sha256_hex, split_base_path, FileEntry, Manifest, ModelEntry};
use crate::model::bert_pretraining::BertForPreTraining;
use crate::model::weights::to_f16_safetensors;
use crate::model::BertConfig;

use super::bert::{self, BertRunConfig, BertState, Eval};
use super::run::{self, LogLine};

/// Evaluates a model on the held-out split of `data` (`cfg`'s corpus) with `batches` fixed batches.
pub fn evaluate_model(model: &BertForPreTraining, data: &bert::Data, cfg: &BertRunConfig, batches: usize) -> Result<Eval, String> {
    let mut cfg = cfg.clone();
    cfg.eval_batches = batches;
    let valid = bert::validation_batches(data, &cfg, cfg.pair_task()?);
    Ok(bert::evaluate(model, &valid, &Device::flex()))
}

/// Evaluates a model on the held-out split of each source of `data` separately, `batches`
/// fixed batches per source: `(source name, figures)` in the corpus's order.
pub fn evaluate_by_source(model: &BertForPreTraining, data: &bert::Data, cfg: &BertRunConfig, batches: usize) -> Result<Vec<(String, Eval)>, String> {
    let mut cfg = cfg.clone();
    cfg.eval_batches = batches;
    let task = cfg.pair_task()?;
    let mut out = Vec::new();
    for source in data.sources.iter().filter(|s| !s.valid.is_empty()) {
        let valid = bert::validation_batches_of(std::slice::from_ref(source), data, &cfg, task);
        out.push((source.name.clone(), bert::evaluate(model, &valid, &Device::flex())));
    }
    Ok(out)
}

/// Loads an exported model directory (`config.json` + `model.safetensors`, laid over its base
/// weights for a delta model) on the CPU.
pub fn load_exported(dir: &Path) -> Result<(BertConfig, BertForPreTraining), String> {
    let models_root = dir.parent().and_then(Path::parent).ok_or("a model must live in assets/models/ID/VERSION")?;
    let bundle = crate::model::Bundle::read(dir, "model.safetensors", models_root)?;
    let config: BertConfig = bundle.config()?;
    let model = BertForPreTraining::load(&config, &mut bundle.weights()?, &Device::flex()).map_err(|e| e.to_string())?;
    Ok((config, model))
}

/// The `config.json` written next to shipped weights: Sesame's [`BertConfig`] plus the fields
/// HF `transformers` needs to load it as `BertForPreTraining`.
pub fn hf_config(config: &BertConfig) -> Value {
    let mut v = serde_json::to_value(config).expect("config serialises");
    let o = v.as_object_mut().expect("object");
    o.insert("architectures".into(), json!(["BertForPreTraining"]));
    o.insert("model_type".into(), json!("bert"));
    o.insert("hidden_act".into(), json!("gelu"));
    o.insert("position_embedding_type".into(), json!("absolute"));
    o.insert("tie_word_embeddings".into(), json!(true));
    v
}

/// Whether a tensor was trained when the embeddings and blocks `0..frozen` were frozen.
pub fn trained_tensor(name: &str, frozen: usize) -> bool {
    if name.starts_with("cls.") || name.starts_with("bert.pooler.") {
        return true;
    }
    name.strip_prefix("bert.encoder.layer.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|i| i.parse::<usize>().ok())
        .is_some_and(|i| i >= frozen)
}

/// Exports the last checkpoint of `run_dir` to `to` (e.g. `assets/models/bert-zh/v1`) and adds
/// or replaces its entry in `manifest`. With `base` (a path under `assets/models/`, for a run
/// that froze the bottom of a pretrained encoder) only the trained tensors are written and the
/// model loads over those base weights.
pub fn export(run_dir: &Path, to: &Path, id: &str, name: &str, manifest: &Path, eval_batches: usize, base: Option<&str>) -> Result<Value, String> {
    let cfg: BertRunConfig = serde_json::from_slice(&std::fs::read(run_dir.join("run.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let state: BertState = serde_json::from_slice(&std::fs::read(run_dir.join("ckpt/state.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let device = Device::flex();
    let (config, model) = bert::build_model(&cfg, Some(&run_dir.join("ckpt/model.safetensors")), &device)?;
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let mut exported = model.export();
    let mut config_json = hf_config(&config);
    if let (Some(n), Some(base)) = (cfg.least_frozen(), base) {
        // Ship only what was trained; the frozen tensors come from the base at load time.
        exported.retain(|name| trained_tensor(name, n));
        config_json["sesame_base_weights"] = json!(base);
    }
    let weights = to_f16_safetensors(&exported).map_err(|e| e.to_string())?;
    std::fs::write(to.join("model.safetensors"), &weights).map_err(|e| e.to_string())?;
    std::fs::write(to.join("config.json"), serde_json::to_string_pretty(&config_json).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    std::fs::copy(&cfg.tokenizer, to.join("tokenizer.json")).map_err(|e| format!("{}: {e}", cfg.tokenizer.display()))?;

    // Figures of the shipped (f16) weights, not of the f32 checkpoint.
    let (_, shipped) = load_exported(to)?;
    let data = bert::load_data(&cfg)?;
    let eval = evaluate_model(&shipped, &data, &cfg, eval_batches)?;
    let by_source: Vec<Value> = evaluate_by_source(&shipped, &data, &cfg, eval_batches.div_ceil(2).max(1))?
        .into_iter()
        .map(|(name, e)| json!({"source": name, "masked_tokens": e.targets, "mlm_loss": round(e.mlm_loss), "mlm_top1": round(e.top1), "mlm_top5": round(e.top5), "pair_accuracy": round(e.pair_acc)}))
        .collect();
    let log: Vec<LogLine<Eval>> = run::read_log(run_dir);
    let train_lines: Vec<&LogLine<Eval>> = log.iter().filter(|l| l.train_loss.is_some()).collect();
    let tail = &train_lines[train_lines.len().saturating_sub(5)..];
    let final_train = tail.iter().filter_map(|l| l.train_loss).sum::<f64>() / tail.len().max(1) as f64;
    let final_train_mlm = tail.iter().filter_map(|l| l.train_mlm).sum::<f64>() / tail.len().max(1) as f64;
    let curve: Vec<Value> = log
        .iter()
        .map(|l| match (&l.train_loss, &l.valid) {
            (Some(t), _) => json!({"step": l.step, "tokens": l.tokens, "train_loss": round(*t), "train_mlm": round(l.train_mlm.unwrap_or(f64::NAN))}),
            (None, Some(v)) if !v.languages.is_empty() => json!({
                "step": l.step, "tokens": l.tokens, "valid_mlm": round(v.mlm_loss), "valid_top1": round(v.top1), "valid_pair_acc": round(v.pair_acc),
                "valid_languages": v.languages.iter().map(|g| json!({"language": g.language, "top1": round(g.top1), "top5": round(g.top5), "own_language_top5": round(g.own_language_top5)})).collect::<Vec<_>>(),
                "alignment_mrr": (!v.alignment_mrr.is_empty()).then(|| v.alignment_mrr.iter().map(|m| (m * 1e6).round() / 1e6).collect::<Vec<_>>()),
            }),
            (None, Some(v)) => json!({"step": l.step, "tokens": l.tokens, "valid_mlm": round(v.mlm_loss), "valid_top1": round(v.top1), "valid_pair_acc": round(v.pair_acc)}),
            _ => json!({"step": l.step}),
        })
        .collect();
    let mut sources = Vec::new();
    for s in &data.sources {
        let path = &s.path;
        let sha = std::fs::read(path).map(|b| sha256_hex(&b)).unwrap_or_default();
        let tokens = |d: &Vec<Vec<Vec<u32>>>| d.iter().flatten().map(Vec::len).sum::<usize>();
        sources.push(json!({
            "name": s.name, "language": super::corpus::source_language(&s.name), "file": path.file_name().map(|f| f.to_string_lossy().to_string()), "sha256": sha, "weight": s.weight, "licence": super::corpus::source_licence(&s.name),
            "train_docs": s.train.len(), "train_tokens": tokens(&s.train), "valid_docs": s.valid.len(), "valid_tokens": tokens(&s.valid),
        }));
    }
    // A two-language run: each language on its own held-out batches (top-1/top-5, own-language share).
    let languages = if cfg.lang()? == super::corpus::Language::Both {
        let mut c = cfg.clone();
        c.eval_batches = eval_batches;
        let batches = super::mbert_eval::language_batches(&data, &c, c.pair_task()?);
        let figures = super::mbert_eval::per_language(&shipped, &batches, &super::mbert_eval::scripts(&data.tokenizer), &device);
        Some(json!(figures))
    } else {
        None
    };
    let card = json!({
        "id": id,
        "version": to.file_name().map(|f| f.to_string_lossy().to_string()),
        "name": name,
        "architecture": "BertForPreTraining (masked-LM head tied to the word embeddings + sentence-pair head)",
        "vocabulary": cfg.vocab_train,
        "data_share": cfg.data_share,
        "language": cfg.language,
        "config": config,
        "parameters": model.num_params(),
        "weights_bytes": weights.len(),
        "base_weights": base,
        "weights_sha256": sha256_hex(&weights),
        "init": cfg.init,
        "data": sources,
        "training": {
            "objective": format!("masked LM (15% of tokens; 80% [MASK], 10% random, 10% unchanged) + {}", cfg.pair.to_uppercase()),
            "pair_task": cfg.pair,
            "steps": state.step,
            "planned_steps": cfg.total_steps(),
            "extensions": cfg.extensions,
            "batch": cfg.batch,
            "seq": cfg.seq,
            "lr": cfg.lr,
            "warmup": cfg.warmup,
            "schedule": "linear warm-up, then linear decay to 10% over planned_steps; AdamW (weight decay 0.01, eps 1e-6), gradient norm clipped at 1",
            "frozen": cfg.least_frozen().map(|n| format!("word/position/segment embeddings (so the tied decoder too) and blocks 0..{n}")),
            "backend": cfg.backend,
            "tokens_seen": state.tokens,
            "seconds": state.seconds.round(),
            "hours": round(state.seconds / 3600.0),
            "tokens_per_second": round(state.tokens as f64 / state.seconds.max(1e-9)),
            "final_train_loss": round(final_train),
            "final_train_mlm_loss": round(final_train_mlm),
            "command": reproduce_command(&cfg),
        },
        "eval": {
            "split": "held-out documents (every 20th of each source), fixed seed",
            "examples": eval_batches * cfg.batch,
            "masked_tokens": eval.targets,
            "mlm_loss": round(eval.mlm_loss),
            "mlm_top1": round(eval.top1),
            "mlm_top5": round(eval.top5),
            "pair_loss": round(eval.pair_loss),
            "pair_accuracy": round(eval.pair_acc),
            "command": format!("cargo run --release --bin sesame-train -- eval --model {} --lang {} --pair {}", to.display(), cfg.language, cfg.pair),
            "by_source": by_source,
            "by_language": languages,
        },
        "curve": curve,
    });
    std::fs::write(to.join("card.json"), serde_json::to_string_pretty(&card).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    update_manifest(manifest, to, id, name)?;
    Ok(card)
}

fn round(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

/// The command line that re-creates a run from scratch.
pub fn reproduce_command(cfg: &BertRunConfig) -> String {
    let freeze = cfg.freeze_layers.map_or("-1".to_string(), |n| n.to_string());
    let model = match &cfg.init {
        bert::Init::Scratch(c) => format!(" --hidden {} --layers {} --heads {} --ffn {} --window {} --dropout {} --poems {} --sinusoidal {} --init-std {} --mimetic {} --local-attention {}", c.hidden_size, c.num_hidden_layers, c.num_attention_heads, c.intermediate_size, c.max_position_embeddings, c.hidden_dropout_prob, cfg.poems, u8::from(cfg.sinusoidal_positions), c.initializer_range, u8::from(cfg.mimetic_attention), u8::from(cfg.local_attention)),
        bert::Init::Encoder(_) => format!(" --freeze {freeze}"),
    };
    let mut mix = [(cfg.name_masking, "name-masking"), (cfg.fragments, "fragments")].iter().filter(|(s, _)| *s != 0.0).map(|(s, flag)| format!(" --{flag} {s}")).collect::<String>();
    if let Some(more) = &cfg.more_text {
        mix += &format!(" --more-text {}", more.display());
    }
    if let Some(t) = &cfg.vocab_trim {
        mix += &format!(" --trim-vocab {}", t.min_count);
    }
    if let Some(v) = &cfg.vocab_train {
        mix += &format!(" --vocab-size {} --alphabet {}", v.size, v.limit_alphabet);
    }
    if cfg.data_share != 1.0 {
        mix += &format!(" --data-share {}", cfg.data_share);
    }
    // The subcommand of each language (`zh+en` is `mbert`).
    let command = if cfg.language == "zh+en" { "mbert" } else { cfg.language.as_str() };
    let extensions: String = cfg
        .extensions
        .iter()
        .map(|e| {
            let options = [e.freeze.map(|n| format!(" --freeze {n}")), e.name_masking.map(|s| format!(" --name-masking {s}")), e.fragments.map(|s| format!(" --fragments {s}"))];
            format!(", then `sesame-train resume --out runs/NAME --steps {} --lr {} --warmup {}{}` until those are done", e.steps, e.lr, e.warmup, options.into_iter().flatten().collect::<String>())
        })
        .collect();
    format!(
        "cargo run --release --bin sesame-train -- {command} --out runs/NAME --steps {} --batch {} --seq {} --lr {} --warmup {} --pair {} --seed {} --eval-every {} --eval-batches {} --ckpt-every {} --backend {} --prior-head {}{model}{mix}  (then `sesame-train resume --out runs/NAME` until the steps are done{extensions})",
        cfg.steps,
        cfg.batch,
        cfg.seq,
        cfg.lr,
        cfg.warmup,
        cfg.pair,
        cfg.seed,
        cfg.eval_every,
        cfg.eval_batches,
        cfg.ckpt_every,
        serde_json::to_value(cfg.backend).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
        u8::from(cfg.prior_head)
    )
}

/// Adds or replaces the manifest entry for the files in `dir`.
pub fn update_manifest(manifest: &Path, dir: &Path, id: &str, name: &str) -> Result<(), String> {
    manifest_entry_for(manifest, dir, id, name, &["model.safetensors", "tokenizer.json", "config.json", "card.json"])
}

/// Adds or replaces the manifest entry of model `id` with the files `names` in `dir` (a
/// version directory `assets/models/ID/VERSION`).
pub fn manifest_entry_for(manifest: &Path, dir: &Path, id: &str, name: &str, names: &[&str]) -> Result<(), String> {
    let mut m: Manifest = super::run::read_json(manifest)?;
    let version = dir.file_name().map(|f| f.to_string_lossy().to_string()).ok_or("bad directory")?;
    let mut files = Vec::new();
    for &file in names {
        let bytes = std::fs::read(dir.join(file)).map_err(|e| e.to_string())?;
        files.push(FileEntry { name: file.into(), bytes: bytes.len() as u64, sha256: sha256_hex(&bytes) });
    }
    let entry = ModelEntry {
        id: id.into(),
        version,
        name: name.into(),
        license: "Apache-2.0".into(),
        source: "pretrained by Sesame (sesame-train); see card.json".into(),
        files,
        base_only: false,
    };
    // An entry kept as a base at this very version is now the model again.
    m.models.retain(|e| !(e.id == id && e.version == entry.version && e.base_only));
    match m.models.iter().position(|e| e.id == id && !e.base_only) {
        Some(i) => {
            let old = std::mem::replace(&mut m.models[i], entry);
            // A new version: the old one stays listed (as a base only) while shipped fine-tunes
            // lay over it; keep_used_bases drops it once none does.
            if old.version != m.models[i].version {
                m.models.push(ModelEntry { base_only: true, ..old });
            }
        }
        None => m.models.push(entry),
    }
    keep_used_bases(&mut m, manifest.parent().unwrap_or(Path::new(".")));
    std::fs::write(manifest, serde_json::to_string_pretty(&m).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())
}

/// Drops the manifest's base-only entries that no listed model lays over: the bases named by the
/// current models' `config.json` (`sesame_base_weights`: `id/version/file`, in `models_dir`),
/// and the bases of those bases, are kept.
pub fn keep_used_bases(m: &mut Manifest, models_dir: &Path) {
    let base_of = |e: &ModelEntry| -> Option<(String, String)> {
        e.file("config.json")?;
        let config: Value = serde_json::from_slice(&std::fs::read(models_dir.join(&e.id).join(&e.version).join("config.json")).ok()?).ok()?;
        let (id, version, _) = split_base_path(config.get("sesame_base_weights")?.as_str()?)?;
        Some((id.to_string(), version.to_string()))
    };
    let mut used: Vec<(String, String)> = Vec::new();
    let mut todo: Vec<&ModelEntry> = m.models.iter().filter(|e| !e.base_only).collect();
    while let Some(e) = todo.pop() {
        if let Some((id, version)) = base_of(e) {
            if !used.contains(&(id.clone(), version.clone())) {
                todo.extend(m.models.iter().filter(|b| b.id == id && b.version == version));
                used.push((id, version));
            }
        }
    }
    m.models.retain(|e| !e.base_only || used.contains(&(e.id.clone(), e.version.clone())));
}

/// Writes `value` under `key` into the card of the shipped model in `dir` (`card.json`), keeping
/// everything else, then refreshes the model's manifest entry (id and name kept).
pub fn add_to_card(manifest: &Path, dir: &Path, key: &str, value: Value) -> Result<(), String> {
    set_in_card(dir, key, value)?;
    refresh_manifest(manifest, dir)
}

/// Sets `key` of the card in `dir` (`card.json`) to `value`, keeping everything else.
fn set_in_card(dir: &Path, key: &str, value: Value) -> Result<(), String> {
    let path = dir.join("card.json");
    let mut card: Value = serde_json::from_slice(&std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?).map_err(|e| e.to_string())?;
    card.as_object_mut().ok_or("card.json is not an object")?.insert(key.into(), value);
    std::fs::write(&path, serde_json::to_string_pretty(&card).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())
}

/// Writes `value` under `key` into the model's page data (`demo.json` in `dir`: what a page
/// shows live besides the weights), then refreshes the manifest entry.
pub fn add_to_demo(manifest: &Path, dir: &Path, key: &str, value: Value) -> Result<(), String> {
    let path = dir.join("demo.json");
    let mut demo: Value = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?,
        Err(_) => json!({}),
    };
    demo.as_object_mut().ok_or("demo.json is not an object")?.insert(key.into(), value);
    std::fs::write(&path, serde_json::to_string(&demo).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    refresh_manifest(manifest, dir)
}

/// The model id of a shipped model's folder, `assets/models/ID/VERSION`.
pub fn model_id(dir: &Path) -> Result<String, String> {
    dir.parent().and_then(Path::file_name).map(|f| f.to_string_lossy().to_string()).ok_or_else(|| format!("{}: a model must live in assets/models/ID/VERSION", dir.display()))
}

/// Re-lists the files of the shipped model in `dir` in its manifest entry (the four a BERT ships,
/// and `demo.json` when there is one), keeping the entry's id and name.
pub fn refresh_manifest(manifest: &Path, dir: &Path) -> Result<(), String> {
    let m: Manifest = super::run::read_json(manifest)?;
    let id = model_id(dir)?;
    let name = m.listed_name(&id);
    let mut names = vec!["model.safetensors", "tokenizer.json", "config.json", "card.json"];
    if dir.join("demo.json").exists() {
        names.push("demo.json");
    }
    manifest_entry_for(manifest, dir, &id, &name, &names)
}

/// Turns a fine-tuned model just exported into `dir` into a card-only entry: its card (figures
/// measured on the f16 weights, `weights_sha256` naming them, the command that makes them again)
/// stays, marked `"weights_shipped": false`; the weights, config, tokenizer, presets and demo file go; the
/// manifest lists the card alone. For models whose figures a page shows but whose weights no page
/// runs (the mbert fine-tunes), so the repository does not carry 15 MB for a table cell.
pub fn keep_card_only(manifest: &Path, dir: &Path, id: &str, name: &str) -> Result<(), String> {
    set_in_card(dir, "weights_shipped", json!(false))?;
    for file in ["model.safetensors", "config.json", "tokenizer.json", "presets.json", "demo.json"] {
        let _ = std::fs::remove_file(dir.join(file));
    }
    manifest_entry_for(manifest, dir, id, name, &["card.json"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_version_keeps_the_old_one_as_a_base_while_a_listed_fine_tune_lays_over_it() {
        let root = std::env::temp_dir().join(format!("sesame-base-versions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let models = root.join("models");
        let manifest = models.join("manifest.json");
        std::fs::create_dir_all(&models).unwrap();
        std::fs::write(&manifest, br#"{"models": []}"#).unwrap();
        let ship = |id: &str, v: &str, base: Option<&str>| {
            let dir = models.join(id).join(v);
            std::fs::create_dir_all(&dir).unwrap();
            let config = match base {
                Some(b) => json!({"sesame_base_weights": b}),
                None => json!({}),
            };
            std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
            std::fs::write(dir.join("model.safetensors"), format!("{id} {v}")).unwrap();
            manifest_entry_for(&manifest, &dir, id, id, &["model.safetensors", "config.json"]).unwrap();
            serde_json::from_slice::<Manifest>(&std::fs::read(&manifest).unwrap()).unwrap()
        };
        let listed = |m: &Manifest| m.models.iter().map(|e| format!("{}/{}{}", e.id, e.version, if e.base_only { " (base)" } else { "" })).collect::<Vec<_>>();
        ship("minilm", "v1", None);
        ship("bert-en", "v1", Some("minilm/v1/model.safetensors"));
        ship("qa-en", "v1", Some("bert-en/v1/model.safetensors"));
        // bert-en v2: v1 stays (qa-en lays over it), minilm too (bert-en v1 and v2 both lay over it).
        let m = ship("bert-en", "v2", Some("minilm/v1/model.safetensors"));
        assert_eq!(listed(&m), ["minilm/v1", "bert-en/v2", "qa-en/v1", "bert-en/v1 (base)"]);
        assert_eq!(m.model("bert-en").unwrap().version, "v2");
        assert_eq!(m.base("bert-en/v1/model.safetensors").unwrap().0.version, "v1");
        // qa-en re-made on v2: nothing lays over bert-en v1 any more, so it goes.
        let m = ship("qa-en", "v2", Some("bert-en/v2/model.safetensors"));
        assert_eq!(listed(&m), ["minilm/v1", "bert-en/v2", "qa-en/v2"]);
        // Shipping a version again replaces it in place; no base entry appears.
        let m = ship("bert-en", "v2", Some("minilm/v1/model.safetensors"));
        assert_eq!(listed(&m), ["minilm/v1", "bert-en/v2", "qa-en/v2"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_card_only_entry_keeps_the_card_and_lists_it_alone() {
        let root = std::env::temp_dir().join(format!("sesame-card-only-{}", std::process::id()));
        let dir = root.join("models/m-x/v1");
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["model.safetensors", "config.json", "tokenizer.json", "presets.json", "demo.json"] {
            std::fs::write(dir.join(f), b"x").unwrap();
        }
        std::fs::write(dir.join("card.json"), br#"{"id": "m-x", "weights_sha256": "ab"}"#).unwrap();
        let manifest = root.join("models/manifest.json");
        std::fs::write(&manifest, br#"{"models": []}"#).unwrap();
        keep_card_only(&manifest, &dir, "m-x", "M").unwrap();
        let left: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        assert_eq!(left, vec!["card.json".to_string()]);
        let card: Value = serde_json::from_slice(&std::fs::read(dir.join("card.json")).unwrap()).unwrap();
        assert_eq!((card["weights_shipped"].as_bool(), card["weights_sha256"].as_str()), (Some(false), Some("ab")));
        let m: Manifest = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
        assert_eq!(m.model("m-x").unwrap().files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), vec!["card.json"]);
        assert_eq!(model_id(&dir).unwrap(), "m-x");
        assert!(model_id(Path::new("/")).unwrap_err().contains("assets/models/ID/VERSION"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
