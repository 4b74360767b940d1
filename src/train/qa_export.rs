//! Shipping a fine-tuned QA model: f16 weights (only what fine-tuning changed, laid over the
//! pretrained model's file at load), `config.json`, `tokenizer.json` and a card with both runs
//! of the lecture's comparison — fine-tuned from the pretrained BERT and from random
//! initialisation — their loss curves and their EM/F1 on the full validation set.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::tensor::Device;
use serde_json::{json, Value};

use crate::model::qa::BertForQuestionAnswering;
use crate::model::weights::to_f16_safetensors;
use crate::model::{BertConfig, Bundle};
use crate::text::TextEncoder;

use super::bert_export::{hf_config, manifest_entry_for};
use super::qa::{build_model, evaluate, evaluate_each, read_log, split_questions, QaEval, QaInit, QaRunConfig, QaState, Question};
use super::run;

/// A run's settings, last state and log.
pub struct FinishedRun {
    /// Its directory.
    pub dir: PathBuf,
    /// `run.json`.
    pub cfg: QaRunConfig,
    /// Steps and seconds done.
    pub state: QaState,
}

impl FinishedRun {
    /// Reads a run directory (it must have a checkpoint).
    pub fn read(dir: &Path) -> Result<Self, String> {
        let read = |f: &str| std::fs::read(dir.join(f)).map_err(|e| format!("{}: {e}", dir.join(f).display()));
        let cfg: QaRunConfig = serde_json::from_slice(&read("run.json")?).map_err(|e| e.to_string())?;
        let state: QaState = serde_json::from_slice(&read("ckpt/state.json")?).map_err(|e| e.to_string())?;
        Ok(Self { dir: dir.to_path_buf(), cfg, state })
    }

    /// The checkpoint's model on `device`.
    pub fn model(&self, device: &Device) -> Result<BertForQuestionAnswering, String> {
        Ok(build_model(&self.cfg, Some(&self.dir.join("ckpt/model.safetensors")), device)?.1)
    }

    /// The loss curve: training loss every 10 steps, validation loss / EM / F1 where measured.
    pub fn curve(&self) -> Vec<Value> {
        read_log(&self.dir)
            .iter()
            .map(|l| match (&l.train_loss, &l.valid) {
                (Some(t), _) => json!({"step": l.step, "train_loss": round(*t)}),
                (None, Some(v)) => json!({"step": l.step, "valid_loss": round(v.loss), "valid_em": round(v.em), "valid_f1": round(v.f1), "questions": v.questions}),
                _ => json!({"step": l.step}),
            })
            .collect()
    }

    /// Mean training loss of the last 5 log lines.
    pub fn final_loss(&self) -> f64 {
        let log = read_log(&self.dir);
        let train: Vec<f64> = log.iter().filter_map(|l| l.train_loss).collect();
        let tail = &train[train.len().saturating_sub(5)..];
        round(tail.iter().sum::<f64>() / tail.len().max(1) as f64)
    }

    /// The command that re-creates the run.
    pub fn command(&self) -> String {
        let c = &self.cfg;
        format!(
            "cargo run --release --bin sesame-train -- qa --lang {} --init {} --out runs/NAME --epochs {} --batch {} --lr {} --warmup {} --negatives {} --max-len {} --stride {} --seed {} --freeze-word-embeddings {}  (then `sesame-train qa --out runs/NAME` until it is done)",
            c.language,
            c.init.label(),
            c.epochs,
            c.batch,
            c.lr,
            c.warmup,
            c.negatives,
            c.settings.max_len,
            c.settings.stride,
            c.seed,
            u8::from(c.freeze_word_embeddings)
        )
    }
}

/// `x` to four decimals (card figures).
pub(super) fn round(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

/// The file of the shipped model in `init_dir` itself (`bert-en/v1/model.safetensors`), relative
/// to `assets/models/`: the base of a delta that keeps that model's blocks as they are.
pub(super) fn own_file(init_dir: &Path) -> Result<String, String> {
    let version = init_dir.file_name().ok_or_else(|| format!("{}: bad model directory", init_dir.display()))?.to_string_lossy();
    let id = super::bert_export::model_id(init_dir)?;
    Ok(format!("{id}/{version}/model.safetensors"))
}

/// The weights file a fine-tuned model's delta lays over: the pretrained model's own file, or,
/// when that is itself a delta, its base (the word embeddings are the same in both).
pub(super) fn base_file(init_dir: &Path) -> Result<String, String> {
    let config = std::fs::read(init_dir.join("config.json")).map_err(|e| e.to_string())?;
    if let Some(base) = Bundle::base_path(&config) {
        return Ok(base);
    }
    own_file(init_dir)
}

/// Loads a shipped QA model directory (`assets/models/qa-zh/v1`) natively.
pub fn load_shipped(dir: &Path, device: &Device) -> Result<(BertConfig, BertForQuestionAnswering, TextEncoder), String> {
    let root = dir.parent().and_then(Path::parent).ok_or("a model must live in assets/models/ID/VERSION")?;
    let bundle = Bundle::read(dir, "model.safetensors", root)?;
    let config: BertConfig = bundle.config()?;
    let model = BertForQuestionAnswering::load(&config, &mut bundle.weights()?, device).map_err(|e| e.to_string())?;
    let tokenizer = TextEncoder::from_json(&bundle.tokenizer)?;
    Ok((config, model, tokenizer))
}

fn eval_json(e: &QaEval) -> Value {
    json!({"questions": e.questions, "em": round(e.em), "f1": round(e.f1), "loss": round(e.loss)})
}

/// Writes `to` (weights, config, tokenizer, card) from the pretrained run and the random-init
/// run, evaluates both on the whole validation set (the shipped one from its f16 file), and
/// updates the manifest.
///
/// With `zero_shot` (SQuAD-format files and their language), both models are also judged,
/// unchanged, on every question of each file (the lecture's cross-lingual transfer: fine-tuned on
/// English SQuAD, tested on DRCD and CMRC 2018); each run's card entry then has `zero_shot` (the
/// first file's figures) and `zero_shot_sets` (every file's).
pub fn export(pretrained: &Path, random: &Path, to: &Path, id: &str, name: &str, manifest: &Path, zero_shot: &[PathBuf], zero_shot_lang: &str, card_only: bool) -> Result<Value, String> {
    let pre = FinishedRun::read(pretrained)?;
    let rnd = FinishedRun::read(random)?;
    if !matches!(pre.cfg.init, QaInit::Pretrained(_)) || !matches!(rnd.cfg.init, QaInit::Random(_)) {
        return Err("give the pretrained run first, then the random-init run".into());
    }
    let device = Device::flex();
    let model = pre.model(&device)?;
    let config = run::read_json::<BertConfig>(&pre.cfg.init.dir().join("config.json"))?;
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let mut weights = model.export();
    let mut config_json = hf_config(&config);
    config_json["architectures"] = json!(["BertForQuestionAnswering"]);
    config_json["sesame_qa_settings"] = serde_json::to_value(pre.cfg.settings).map_err(|e| e.to_string())?;
    let base = if pre.cfg.freeze_word_embeddings {
        weights.retain(|n| n != "bert.embeddings.word_embeddings.weight");
        let b = base_file(pre.cfg.init.dir())?;
        config_json["sesame_base_weights"] = json!(b);
        Some(b)
    } else {
        None
    };
    let bytes = to_f16_safetensors(&weights).map_err(|e| e.to_string())?;
    std::fs::write(to.join("model.safetensors"), &bytes).map_err(|e| e.to_string())?;
    std::fs::write(to.join("config.json"), serde_json::to_string_pretty(&config_json).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    std::fs::copy(pre.cfg.init.dir().join("tokenizer.json"), to.join("tokenizer.json")).map_err(|e| e.to_string())?;

    let (_, shipped, tokenizer) = load_shipped(to, &device)?;
    let (train, valid) = split_questions(&pre.cfg)?;
    let lang = pre.cfg.language.clone();
    eprintln!("evaluating the shipped (f16) model on {} validation questions", valid.len());
    let (shipped_eval, each) = evaluate_each(&shipped, &tokenizer, &valid, &pre.cfg.settings, &lang, &device);
    let (presets, right) = choose_presets(&valid, &each, 12);
    std::fs::write(to.join("presets.json"), serde_json::to_string_pretty(&presets).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    eprintln!("  pretrained: EM {:.2}  F1 {:.2}", shipped_eval.em, shipped_eval.f1);
    let random_model = rnd.model(&device)?;
    let random_eval = evaluate(&random_model, &tokenizer, &valid, &rnd.cfg.settings, &lang, &device);
    eprintln!("  random init: EM {:.2}  F1 {:.2}", random_eval.em, random_eval.f1);
    let files: Vec<Value> = pre
        .cfg
        .train
        .iter()
        .chain(std::iter::once(&pre.cfg.valid))
        .map(|p| json!({"file": p.file_name().map(|f| f.to_string_lossy().to_string()), "sha256": std::fs::read(p).map(|b| crate::assets::sha256_hex(&b)).unwrap_or_default()}))
        .collect();
    let split = match pre.cfg.article_split {
        Some(k) => format!("articles i with i % {k} == {} are validation, the others training", k - 1),
        None => "training and validation files as listed (the last is validation)".into(),
    };
    // Zero-shot: both models, unchanged, on every question of each other-language file.
    let mut zero_shot_sets: [Vec<Value>; 2] = [Vec::new(), Vec::new()];
    for file in zero_shot {
        let questions = super::qa::read_squad(file)?;
        for (k, (model, settings)) in [(&shipped, &pre.cfg.settings), (&random_model, &rnd.cfg.settings)].into_iter().enumerate() {
            let e = evaluate(model, &tokenizer, &questions, settings, zero_shot_lang, &device);
            eprintln!("  zero-shot on {} ({} questions, {zero_shot_lang}), {}: EM {:.2}  F1 {:.2}", file.display(), questions.len(), ["pretrained", "random init"][k], e.em, e.f1);
            let mut j = eval_json(&e);
            j["file"] = json!(file.file_name().map(|f| f.to_string_lossy().to_string()));
            j["sha256"] = json!(std::fs::read(file).map(|b| crate::assets::sha256_hex(&b)).unwrap_or_default());
            j["language"] = json!(zero_shot_lang);
            zero_shot_sets[k].push(j);
        }
    }
    let run_json = |r: &FinishedRun, e: &QaEval, k: usize| {
        let mut j = json!({
            "init": r.cfg.init.label(),
            "steps": r.state.step,
            "seconds": r.state.seconds.round(),
            "final_train_loss": r.final_loss(),
            "valid": eval_json(e),
            "curve": r.curve(),
            "command": r.command(),
        });
        if let Some(first) = zero_shot_sets[k].first() {
            j["zero_shot"] = first.clone();
            j["zero_shot_sets"] = json!(zero_shot_sets[k]);
        }
        j
    };
    let card = json!({
        "id": id,
        "version": to.file_name().map(|f| f.to_string_lossy().to_string()),
        "name": name,
        "architecture": "BertForQuestionAnswering: the encoder + one linear layer [H, 2] (start and end vectors)",
        "language": lang,
        "config": config,
        "parameters": shipped.num_params(),
        "weights_bytes": bytes.len(),
        "weights_sha256": crate::assets::sha256_hex(&bytes),
        "base_weights": base,
        "pretrained_from": pre.cfg.init.dir(),
        "data": {"files": files, "split": split, "train_questions": train.len(), "valid_questions": valid.len()},
        "settings": pre.cfg.settings,
        "training": {
            "epochs": pre.cfg.epochs,
            "batch": pre.cfg.batch,
            "lr": pre.cfg.lr,
            "warmup": pre.cfg.warmup,
            "negatives_per_question": pre.cfg.negatives,
            "schedule": "linear warm-up, then linear decay to zero; AdamW (weight decay 0.01, eps 1e-6), gradient norm clipped at 1",
            "loss": "mean of the start and end cross-entropies over the window (padding masked); windows without the whole answer point at [CLS]",
            "frozen": if pre.cfg.freeze_word_embeddings { "word embeddings" } else { "nothing" },
            "backend": pre.cfg.backend,
        },
        "eval": {
            "metric": if lang == "zh" { "CMRC 2018 / DRCD script: EM without punctuation; F1 from the longest common run of characters (English words whole)" } else { "SQuAD v1.1: normalised exact match and token F1, best over the gold answers" },
            "command": format!("cargo run --release --bin sesame-train -- qa-eval --model {}", to.display()),
        },
        "presets": format!("{} validation questions (presets.json): {right} the shipped model answers exactly, {} it does not; chosen by rule: documents of at most 1,500 characters, two thirds answered exactly and one third not, each spread over the set, plus the question with the longest document", presets.len(), presets.len() - right),
        "runs": [run_json(&pre, &shipped_eval, 0), run_json(&rnd, &random_eval, 1)],
        "run_config": pre.cfg,
    });
    std::fs::write(to.join("card.json"), serde_json::to_string_pretty(&card).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    if card_only {
        super::bert_export::keep_card_only(manifest, to, id, name)?;
    } else {
        manifest_entry_for(manifest, to, id, name, &["model.safetensors", "tokenizer.json", "config.json", "card.json", "presets.json"])?;
    }
    Ok(card)
}

/// Preset questions for the page: `n` validation questions with documents of at most 1,500
/// characters — two thirds that the model answers exactly, one third that it misses (shown
/// with their gold answers, so the page does not pretend), each group spread evenly over the
/// set — plus the question with the longest document (several windows). Returns them with
/// the number answered exactly; the first preset is one the model gets right.
fn choose_presets(valid: &[Question], each: &[(String, f64, f64)], n: usize) -> (Vec<Value>, usize) {
    let short: Vec<usize> = (0..valid.len()).filter(|&i| valid[i].context.chars().count() <= 1500).collect();
    let spread = |pool: Vec<usize>, k: usize| -> Vec<usize> {
        let step = (pool.len() / k.max(1)).max(1);
        pool.into_iter().step_by(step).take(k).collect()
    };
    let right = spread(short.iter().copied().filter(|&i| each[i].1 == 1.0).collect(), n * 2 / 3);
    let wrong = spread(short.iter().copied().filter(|&i| each[i].1 == 0.0).collect(), n - 1 - right.len());
    let longest = (0..valid.len()).max_by_key(|&i| valid[i].context.chars().count());
    let mut chosen: Vec<usize> = right.iter().chain(&wrong).copied().collect();
    chosen.extend(longest);
    let exact = chosen.iter().filter(|&&i| each[i].1 == 1.0).count();
    let presets = chosen
        .into_iter()
        .map(|i| json!({"question": valid[i].question, "document": &*valid[i].context, "answers": valid[i].answers.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>()}))
        .collect();
    (presets, exact)
}
