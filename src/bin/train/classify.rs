//! Classification fine-tuning commands: `classify` (the lecture's case 1, sentence → class, from
//! the pretrained BERT or from random initialisation).

use std::path::PathBuf;

use clap::Args;
use sesame::train::classify::{self, ClassifyRunConfig};
use sesame::train::classify_data::ClassifyTask;
use sesame::train::qa::QaInit;
use sesame::train::run::Backend;

use crate::qa::InitArg;

/// `classify`: fine-tunes (or resumes, when `--out` has a `run.json`) a BERT for a
/// classification task.
#[derive(Args)]
pub struct Train {
    #[command(flatten)]
    session: crate::Session,
    /// The task.
    #[arg(long, value_enum, default_value = "sentiment-zh")]
    task: ClassifyTask,
    /// The data: where scripts/fetch-finetune-data.sh put it (sentiment, default .cache/finetune)
    /// or the shared QA data (QNLI, default ../shared/data/qa).
    #[arg(long)]
    data: Option<PathBuf>,
    /// The pretrained model (default: assets/models/bert-LANG/v1 for the task's language).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Start from the pretrained weights or from random ones.
    #[arg(long, value_enum, default_value = "pretrained")]
    init: InitArg,
    /// Longest input in tokens.
    #[arg(long, default_value_t = 128)]
    seq: usize,
    /// Keep the word embeddings fixed, 0 or 1 (default 1 when pretrained, 0 when random).
    #[arg(long, value_parser = crate::switch, action = clap::ArgAction::Set)]
    freeze_word_embeddings: Option<bool>,
    /// Freeze every embedding and the blocks 0..N too (only the upper blocks, pooler and head
    /// learn; the shipped delta is just those).
    #[arg(long)]
    freeze_blocks: Option<usize>,
    /// Passes over the training examples.
    #[arg(long, default_value_t = 2.0)]
    epochs: f64,
    /// Examples per step.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 1e-4)]
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
    /// Held-out examples per validation.
    #[arg(long, default_value_t = 500)]
    eval_examples: usize,
    /// Steps between checkpoints.
    #[arg(long, default_value_t = 50)]
    ckpt_every: usize,
}

pub fn train(a: &Train) -> Result<(), String> {
    if a.session.out.join("run.json").exists() {
        classify::train(&a.session.out, None, a.session.minutes)?;
        return Ok(());
    }
    let model_dir = a.model.clone().unwrap_or_else(|| PathBuf::from(format!("assets/models/bert-{}/v1", a.task.language())));
    let init = match a.init {
        InitArg::Pretrained => QaInit::Pretrained(model_dir),
        InitArg::Random => QaInit::Random(model_dir),
    };
    let cfg = ClassifyRunConfig {
        task: a.task,
        data: a.data.clone().unwrap_or_else(|| PathBuf::from(a.task.default_data())),
        freeze_word_embeddings: a.freeze_word_embeddings.unwrap_or(a.init == InitArg::Pretrained),
        freeze_blocks: a.freeze_blocks,
        init,
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
    classify::train(&a.session.out, Some(cfg), a.session.minutes)?;
    Ok(())
}

/// `classify-export`: f16 weights, config (with the class names), tokenizer, presets and a card
/// with both runs.
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
    /// Also judge both models, unchanged, on this task's held-out examples (zero-shot transfer
    /// to another language with the same classes, e.g. sentiment-zh for an English-trained mbert).
    #[arg(long, value_enum)]
    zero_shot: Option<ClassifyTask>,
    /// Ship the card alone (figures measured on the f16 weights, which are then not kept): for
    /// models whose figures a page shows but no page runs.
    #[arg(long)]
    card_only: bool,
}

pub fn export(a: &Export) -> Result<(), String> {
    let id = a.ship.id()?;
    let name = a.ship.name_or(|| format!("Sesame classifier ({id})"));
    let card = sesame::train::classify_export::export(&a.pretrained, &a.random, &a.ship.to, &id, &name, &a.ship.manifest, a.zero_shot, a.card_only)?;
    for r in card["runs"].as_array().into_iter().flatten() {
        println!("{:10} steps {:>5}  final loss {:.3}  held-out accuracy {:.4}", r["init"].as_str().unwrap_or(""), r["steps"], r["final_train_loss"].as_f64().unwrap_or(f64::NAN), r["valid"]["accuracy"].as_f64().unwrap_or(f64::NAN));
    }
    Ok(())
}
