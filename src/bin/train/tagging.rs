//! Token-classification fine-tuning commands: `tag` (the lecture's case 2, part-of-speech
//! tagging, from the pretrained BERT or from random initialisation) and `tag-export`.

use std::path::PathBuf;

use clap::Args;
use sesame::train::qa::QaInit;
use sesame::train::run::Backend;
use sesame::train::tagging::{self, TaggingRunConfig, TaggingTask};

use crate::qa::InitArg;

/// `tag`: fine-tunes (or resumes, when `--out` has a `run.json`) a BERT for tagging.
#[derive(Args)]
pub struct Train {
    #[command(flatten)]
    session: crate::Session,
    /// The task.
    #[arg(long, value_enum, default_value = "pos-zh")]
    task: TaggingTask,
    /// The tagged corpus (default: the task's, e.g. .cache/zh-text/peoples_daily_199801.txt).
    #[arg(long)]
    data: Option<PathBuf>,
    /// The pretrained model (default: assets/models/bert-LANG/v1).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Start from the pretrained weights or from random ones.
    #[arg(long, value_enum, default_value = "pretrained")]
    init: InitArg,
    /// Training sentences used (0: all).
    #[arg(long, default_value_t = 12_000)]
    max_train: usize,
    /// Longest input in tokens.
    #[arg(long, default_value_t = 128)]
    seq: usize,
    /// Keep the word embeddings fixed, 0 or 1 (default 1 when pretrained, 0 when random).
    #[arg(long, value_parser = crate::switch, action = clap::ArgAction::Set)]
    freeze_word_embeddings: Option<bool>,
    /// Passes over the training sentences.
    #[arg(long, default_value_t = 1.0)]
    epochs: f64,
    /// Sentences per step.
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
    #[arg(long, default_value_t = 50)]
    eval_every: usize,
    /// Held-out sentences per validation.
    #[arg(long, default_value_t = 300)]
    eval_examples: usize,
    /// Steps between checkpoints.
    #[arg(long, default_value_t = 50)]
    ckpt_every: usize,
}

pub fn train(a: &Train) -> Result<(), String> {
    if a.session.out.join("run.json").exists() {
        tagging::train(&a.session.out, None, a.session.minutes)?;
        return Ok(());
    }
    let model_dir = a.model.clone().unwrap_or_else(|| PathBuf::from(format!("assets/models/bert-{}/v1", a.task.language())));
    let init = match a.init {
        InitArg::Pretrained => QaInit::Pretrained(model_dir),
        InitArg::Random => QaInit::Random(model_dir),
    };
    let cfg = TaggingRunConfig {
        task: a.task,
        data: a.data.clone().unwrap_or_else(|| PathBuf::from(a.task.default_data())),
        freeze_word_embeddings: a.freeze_word_embeddings.unwrap_or(a.init == InitArg::Pretrained),
        init,
        max_train: a.max_train,
        seq: a.seq,
        epochs: a.epochs,
        batch: a.batch,
        lr: a.lr,
        warmup: a.warmup,
        seed: a.seed,
        eval_every: a.eval_every,
        eval_examples: a.eval_examples,
        ckpt_every: a.ckpt_every,
        backend: Backend::Flex,
    };
    tagging::train(&a.session.out, Some(cfg), a.session.minutes)?;
    Ok(())
}

/// `tag-export`: f16 weights, config (with the class names), tokenizer, presets and a card with
/// both runs.
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
}

pub fn export(a: &Export) -> Result<(), String> {
    let id = a.ship.id()?;
    let name = a.ship.name_or(|| format!("Sesame tagger ({id})"));
    let card = sesame::train::tagging_export::export(&a.pretrained, &a.random, &a.ship.to, &id, &name, &a.ship.manifest)?;
    for r in card["runs"].as_array().into_iter().flatten() {
        println!("{:10} steps {:>5}  final loss {:.3}  held-out token accuracy {:.4}  word tags {:.4}", r["init"].as_str().unwrap_or(""), r["steps"], r["final_train_loss"].as_f64().unwrap_or(f64::NAN), r["valid"]["accuracy"].as_f64().unwrap_or(f64::NAN), r["valid"]["word_accuracy"].as_f64().unwrap_or(f64::NAN));
    }
    Ok(())
}
