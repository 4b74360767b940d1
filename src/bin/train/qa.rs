//! Extractive-QA commands: `qa` (fine-tuning), `qa-export`, `qa-eval`.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use sesame::task::qa_windows::QaSettings;
use sesame::train::qa::{self, QaInit, QaRunConfig};
use sesame::train::run::{self, Backend};

/// Where a QA run's weights start.
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum InitArg {
    /// Sesame's pretrained BERT of the language.
    Pretrained,
    /// The same architecture, randomly initialised (the lecture's comparison).
    Random,
}

/// `qa`: fine-tunes (or resumes, when `--out` has a `run.json`) a BERT for extractive QA.
#[derive(Args)]
pub struct Train {
    #[command(flatten)]
    session: crate::Session,
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// zh (DRCD + CMRC 2018) or en (SQuAD v1.1 articles).
    #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
    lang: String,
    /// The pretrained model (default: assets/models/bert-LANG/v1).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Start from the pretrained weights or from random ones.
    #[arg(long, value_enum, default_value = "pretrained")]
    init: InitArg,
    /// Window length in tokens (default zh 128, en 384).
    #[arg(long)]
    max_len: Option<usize>,
    /// Document tokens shared by consecutive windows (default max-len / 4).
    #[arg(long)]
    stride: Option<usize>,
    /// Longest question in tokens (default min(max-len / 2, 64)).
    #[arg(long)]
    max_question: Option<usize>,
    /// Keep the word embeddings fixed, 0 or 1 (default 1 when pretrained, 0 when random).
    #[arg(long, value_parser = crate::switch, action = clap::ArgAction::Set)]
    freeze_word_embeddings: Option<bool>,
    /// Windows without the answer kept per question.
    #[arg(long, default_value_t = 1)]
    negatives: usize,
    /// Passes over the training windows.
    #[arg(long, default_value_t = 2.0)]
    epochs: f64,
    /// Windows per step.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 2e-4)]
    lr: f64,
    /// Warm-up as a share of the steps.
    #[arg(long, default_value_t = 0.1)]
    warmup: f64,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Steps between validations.
    #[arg(long, default_value_t = 100)]
    eval_every: usize,
    /// Validation questions per validation.
    #[arg(long, default_value_t = 300)]
    eval_questions: usize,
    /// Steps between checkpoints.
    #[arg(long, default_value_t = 50)]
    ckpt_every: usize,
}

pub fn train(a: &Train) -> Result<(), String> {
    if a.session.out.join("run.json").exists() {
        qa::train(&a.session.out, None, a.session.minutes)?;
        return Ok(());
    }
    let qa_dir = a.shared.join("data/qa");
    let (model_dir, train_files, valid, split, max_len) = match a.lang.as_str() {
        "zh" => ("assets/models/bert-zh/v1", vec![qa_dir.join("drcd/DRCD_test.json"), qa_dir.join("cmrc2018/cmrc2018_trial.json")], qa_dir.join("drcd/DRCD_dev.json"), None, 128),
        _ => ("assets/models/bert-en/v1", vec![], qa_dir.join("squad/squad-v1.1-dev-40articles.json"), Some(4), 384),
    };
    let model_dir = a.model.clone().unwrap_or_else(|| PathBuf::from(model_dir));
    let init = match a.init {
        InitArg::Pretrained => QaInit::Pretrained(model_dir),
        InitArg::Random => QaInit::Random(model_dir),
    };
    let max_len = a.max_len.unwrap_or(max_len);
    let settings = QaSettings { max_len, stride: a.stride.unwrap_or(max_len / 4), max_question: a.max_question.unwrap_or((max_len / 2).min(64)), max_answer: 30 };
    let cfg = QaRunConfig {
        language: a.lang.clone(),
        train: train_files,
        valid,
        article_split: split,
        freeze_word_embeddings: a.freeze_word_embeddings.unwrap_or(a.init == InitArg::Pretrained),
        init,
        settings,
        negatives: a.negatives,
        epochs: a.epochs,
        batch: a.batch,
        lr: a.lr,
        warmup: a.warmup,
        seed: a.seed,
        eval_every: a.eval_every,
        eval_questions: a.eval_questions,
        ckpt_every: a.ckpt_every,
        backend: Backend::Flex,
    };
    qa::train(&a.session.out, Some(cfg), a.session.minutes)?;
    Ok(())
}

/// `qa-export`: f16 delta, config, tokenizer and a card with both runs.
#[derive(Args)]
pub struct Export {
    /// The run fine-tuned from the pretrained BERT.
    #[arg(long)]
    pretrained: PathBuf,
    /// The run fine-tuned from random initialisation.
    #[arg(long)]
    random: PathBuf,
    #[command(flatten)]
    ship: crate::Ship,
    /// Also judge both models, unchanged, on every question of this SQuAD-format file (repeat
    /// the flag for several): zero-shot transfer, e.g. DRCD dev for an English-trained mbert.
    #[arg(long)]
    zero_shot: Vec<PathBuf>,
    /// The language of the --zero-shot files (chooses the metric).
    #[arg(long, default_value = "zh", value_parser = ["zh", "en"])]
    zero_shot_lang: String,
    /// Ship the card alone (figures measured on the f16 weights, which are then not kept): for
    /// models whose figures a page shows but no page runs.
    #[arg(long)]
    card_only: bool,
}

pub fn export(a: &Export) -> Result<(), String> {
    let id = a.ship.id()?;
    let name = a.ship.name_or(|| format!("Sesame QA ({id})"));
    let card = sesame::train::qa_export::export(&a.pretrained, &a.random, &a.ship.to, &id, &name, &a.ship.manifest, &a.zero_shot, &a.zero_shot_lang, a.card_only)?;
    for r in card["runs"].as_array().into_iter().flatten() {
        println!("{:10} steps {:>5}  final loss {:.3}  EM {:.2}  F1 {:.2}", r["init"].as_str().unwrap_or(""), r["steps"], r["final_train_loss"].as_f64().unwrap_or(f64::NAN), r["valid"]["em"].as_f64().unwrap_or(f64::NAN), r["valid"]["f1"].as_f64().unwrap_or(f64::NAN));
    }
    Ok(())
}

/// `qa-eval`: EM/F1 of a shipped model on its validation questions (settings from the card, or
/// from `--run`'s run.json).
#[derive(Args)]
pub struct Eval {
    /// The shipped model directory.
    #[arg(long)]
    model: PathBuf,
    /// A run directory whose run.json gives the settings instead of the card's.
    #[arg(long)]
    run: Option<PathBuf>,
    /// At most this many questions (default all).
    #[arg(long)]
    limit: Option<usize>,
}

pub fn eval(a: &Eval) -> Result<(), String> {
    let dir = &a.model;
    let card: serde_json::Value = run::read_json(&dir.join("card.json"))?;
    let device = burn::tensor::Device::flex();
    let (_, model, tokenizer) = sesame::train::qa_export::load_shipped(dir, &device)?;
    let cfg: QaRunConfig = match &a.run {
        Some(r) => run::read_json(&r.join("run.json"))?,
        None => serde_json::from_value(card["run_config"].clone()).map_err(|e| format!("the card has no run_config: {e}"))?,
    };
    let (_, valid) = qa::split_questions(&cfg)?;
    let limit = a.limit.unwrap_or(valid.len()).min(valid.len());
    let t0 = Instant::now();
    let e = qa::evaluate(&model, &tokenizer, &valid[..limit], &cfg.settings, &cfg.language, &device);
    println!("{}: {} questions  EM {:.2}  F1 {:.2}  loss {:.4}  ({:.0} s)", dir.display(), e.questions, e.em, e.f1, e.loss, t0.elapsed().as_secs_f64());
    for r in card["runs"].as_array().into_iter().flatten() {
        println!("  card, {:10} EM {:.2}  F1 {:.2}", r["init"].as_str().unwrap_or(""), r["valid"]["em"].as_f64().unwrap_or(f64::NAN), r["valid"]["f1"].as_f64().unwrap_or(f64::NAN));
    }
    Ok(())
}
