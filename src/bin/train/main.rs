//! `sesame-train`: Sesame's self-supervised pretraining, fine-tuning, evaluation and export, on
//! the CPU. One subcommand per job, grouped by model family (one module each); every subcommand
//! has `--help`, typed flags, and errors that name the flag.
//!
//! ```text
//! sesame-train zh | en | mbert | mbert-align | mbert-language | resume | bench | eval | dump | probe | export    BERT pretraining   (bert.rs)
//! sesame-train qa | qa-export | qa-eval                                  QA fine-tuning     (qa.rs)
//! sesame-train classify | classify-export                                cases 1 and 3      (classify.rs)
//! sesame-train tag | tag-export                                          case 2             (tagging.rs)
//! sesame-train gpt | gpt-export | gpt-eval | icl-eval | icl-sizes | gpt-bench   GPTs     (gpt.rs)
//! sesame-train ae | ae-export | ae-eval                                  auto-encoders      (autoencoder.rs)
//! sesame-train vit | vit-export                                          ViT on images      (vit.rs)
//! ```
//!
//! Every training command resumes when its `--out` directory already has a `run.json`.

mod autoencoder;
mod bert;
mod classify;
mod gpt;
mod qa;
mod tagging;
mod vit;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Where an export command ships a model: its folder, display name and manifest (shared by the
/// BERT, classifier, QA and tagger exports and `card-only`; the flags are the same in each).
#[derive(Args)]
pub struct Ship {
    /// The shipped model directory, `assets/models/ID/VERSION`.
    #[arg(long)]
    pub to: PathBuf,
    /// Display name (default: the command's own, e.g. "Sesame QA (ID)"; card-only keeps the manifest's).
    #[arg(long)]
    pub name: Option<String>,
    /// The manifest to update.
    #[arg(long, default_value = "assets/models/manifest.json")]
    pub manifest: PathBuf,
}

impl Ship {
    /// The model id: the ID of `--to`.
    pub fn id(&self) -> Result<String, String> {
        sesame::train::bert_export::model_id(&self.to)
    }

    /// `--name`, else the command's default.
    pub fn name_or(&self, default: impl FnOnce() -> String) -> String {
        self.name.clone().unwrap_or_else(default)
    }
}

/// Where a training command keeps its run and how long this session may train (shared by the
/// BERT, QA and auto-encoder trainers).
#[derive(Args)]
pub struct Session {
    /// The run directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Wall-clock budget of this session.
    #[arg(long, default_value_t = 60.0)]
    pub minutes: f64,
}

/// Sesame's trainers, evaluations and exporters (native CPU).
#[derive(Parser)]
#[command(name = "sesame-train", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Pretrain the Chinese BERT from scratch (masked LM + sentence pairs).
    Zh(bert::Train),
    /// Continue pretraining all-MiniLM-L6-v2 on English (new MLM and sentence-pair heads).
    En(bert::Train),
    /// Pretrain one BERT on Chinese and English at once (mbert), with a vocabulary trained on both.
    Mbert(bert::Train),
    /// Alignment MRR per layer of a two-language run (HSK gloss pairs), beside its random start.
    MbertAlign(bert::Align),
    /// The language vector of a two-language run: mean(zh) − mean(en), added to English before the MLM head.
    MbertLanguage(bert::LanguageVector),
    /// Resume a BERT run (settings from DIR/run.json); with --steps, extend a finished run.
    Resume(bert::Resume),
    /// Write a BERT run's weights (f16), progress and settings into a folder small enough to commit.
    Snapshot(bert::Snapshot),
    /// Re-create a BERT run directory from a snapshot (then `resume` it).
    Restore(bert::Restore),
    /// Training tokens/s of each CPU backend on the same BERT config and data.
    Bench(bert::Bench),
    /// Masked-LM top-1/top-5 and pair accuracy of a shipped BERT on the held-out split.
    Eval(bert::Eval),
    /// Write a run's exact training batches as JSON lines (for a reference run).
    Dump(bert::Dump),
    /// Top-5 fill-ins of a run's latest checkpoint for the lecture's sentences.
    Probe(bert::Probe),
    /// Ship a BERT run: f16 weights, config, tokenizer, card, manifest entry.
    Export(bert::Export),
    /// Keep only the card of a shipped model (its figures stay; the weights leave git).
    CardOnly(bert::CardOnly),
    /// NSP and SOP heads side by side on a shipped BERT (frozen), shipped as a model folder.
    PairHeads(bert::PairHeads),
    /// Fine-tune a BERT for extractive QA (DRCD + CMRC / SQuAD).
    Qa(qa::Train),
    /// Fine-tune a BERT to classify a sentence (sentiment), from pretrained or random weights.
    Classify(classify::Train),
    /// Ship a classifier from its pretrained and random-init runs.
    ClassifyExport(classify::Export),
    /// Fine-tune a BERT to tag every token (part of speech), from pretrained or random weights.
    Tag(tagging::Train),
    /// Ship a tagger from its pretrained and random-init runs.
    TagExport(tagging::Export),
    /// Ship a QA model from its pretrained and random-init runs.
    QaExport(qa::Export),
    /// EM/F1 of a shipped QA model on its validation questions.
    QaEval(qa::Eval),
    /// Pretrain the character GPT on the Chinese corpora.
    Gpt(gpt::Train),
    /// Ship a character-GPT run.
    GptExport(gpt::Export),
    /// Held-out loss/accuracy and greedy continuations of a shipped character GPT.
    GptEval(gpt::Eval),
    /// SmolLM2's in-context-learning table (task × examples in the prompt).
    IclEval(gpt::IclEval),
    /// In-context accuracy against model size (every GPT, both suites): the ICL page's chart.
    IclSizes(gpt::IclSizes),
    /// SmolLM2: parameters, memory, prompt and decode tokens/s.
    GptBench(gpt::Bench),
    /// Train an image auto-encoder or VQ-VAE.
    Ae(autoencoder::Train),
    /// Export every auto-encoder run (f16 weights, cards, manifest, demo images).
    AeExport(autoencoder::Export),
    /// Every auto-encoder figure, re-measured on the shipped weights.
    AeEval(autoencoder::Eval),
    /// Pretrain a small Vision Transformer without labels (masked patches or contrastive).
    Vit(vit::Train),
    /// Export the ViTs with their linear-probe card.
    VitExport(vit::Export),
}

fn main() {
    let result = match Cli::parse().command {
        Command::Zh(a) => bert::train("zh", &a),
        Command::En(a) => bert::train("en", &a),
        Command::Mbert(a) => bert::train("zh+en", &a),
        Command::MbertAlign(a) => bert::align(&a),
        Command::MbertLanguage(a) => bert::language_vector(&a),
        Command::Resume(a) => bert::resume(&a),
        Command::Snapshot(a) => bert::snapshot(&a),
        Command::Restore(a) => bert::restore(&a),
        Command::Bench(a) => bert::bench(&a),
        Command::Eval(a) => bert::eval(&a),
        Command::Dump(a) => bert::dump(&a),
        Command::Probe(a) => bert::probe(&a),
        Command::Export(a) => bert::export(&a),
        Command::CardOnly(a) => bert::card_only(&a),
        Command::PairHeads(a) => bert::pair_heads(&a),
        Command::Qa(a) => qa::train(&a),
        Command::Classify(a) => classify::train(&a),
        Command::ClassifyExport(a) => classify::export(&a),
        Command::Tag(a) => tagging::train(&a),
        Command::TagExport(a) => tagging::export(&a),
        Command::QaExport(a) => qa::export(&a),
        Command::QaEval(a) => qa::eval(&a),
        Command::Gpt(a) => gpt::train(&a),
        Command::GptExport(a) => gpt::export(&a),
        Command::GptEval(a) => gpt::eval(&a),
        Command::IclEval(a) => gpt::icl_eval(&a),
        Command::IclSizes(a) => gpt::icl_sizes(&a),
        Command::GptBench(a) => gpt::bench(&a),
        Command::Ae(a) => autoencoder::train(&a),
        Command::AeExport(a) => autoencoder::export(&a),
        Command::AeEval(a) => autoencoder::eval(&a),
        Command::Vit(a) => vit::train(&a),
        Command::VitExport(a) => vit::export(&a),
    };
    if let Err(e) = result {
        eprintln!("sesame-train: {e}");
        std::process::exit(1);
    }
}

/// A share between 0 and 1 (`--name-masking`, `--fragments`).
fn share(v: &str) -> Result<f64, String> {
    let x: f64 = v.parse().map_err(|_| format!("not a number: {v}"))?;
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is not a share between 0 and 1"))
    }
}

/// A 0/1 switch given as a number (`--sinusoidal 1`), as the model cards' commands write them.
fn switch(v: &str) -> Result<bool, String> {
    match v {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(format!("{other}: 0 or 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn documented_commands_parse_and_bad_flags_are_named() {
        // Commands as the README and the model cards write them.
        for line in [
            "zh --out runs/NAME --steps 7000 --batch 32 --seq 64 --lr 0.001 --warmup 100 --pair sop --seed 42 --eval-every 250 --eval-batches 4 --ckpt-every 100 --backend flex --prior-head 1 --hidden 256 --layers 2 --heads 4 --ffn 1024 --window 128 --dropout 0.1 --poems 20000 --sinusoidal 1 --init-std 0.02 --mimetic 1 --local-attention 0",
            "en --out runs/NAME --steps 400 --batch 32 --seq 64 --lr 0.001 --warmup 100 --pair sop --seed 42 --eval-every 100 --eval-batches 8 --ckpt-every 100 --backend flex --prior-head 0 --freeze 6",
            "mbert --out runs/mbert-v1 --minutes 140 --dropout 0 --sinusoidal 1 --local-attention 1 --prior-head 1 --more-text .cache/zh-text --steps 8000 --eval-every 250 --vocab-size 16000 --alphabet 8000 --data-share 0.25",
            "eval --model assets/models/mbert/v1 --lang zh+en",
            "mbert-align --out runs/mbert-v1 --hsk .cache/zh-text/hsk_sentences.json --seed 7",
            "mbert-language --out runs/mbert-v1 --sentences 500 --strengths 0,1,2",
            "resume --out runs/NAME --steps 3200 --lr 0.00005 --warmup 20 --freeze 0 --fragments 0.25",
            "snapshot --out runs/bert-zh-v2 --to docs/training/bert-zh-v2/snapshot",
            "restore --from docs/training/bert-zh-v2/snapshot --out runs/bert-zh-v2",
            "bench zh --layers 2 --seq 64 --batch 32 --sinusoidal 1 --dropout 0 --steps 6",
            "eval --model assets/models/bert-zh/v1 --lang zh --pair sop",
            "pair-heads --model assets/models/bert-zh/v1 --to assets/models/pair-heads-zh/v1 --train-pairs 8000 --valid-pairs 2000 --epochs 20 --head-lr 0.001 --head-batch 64 --seed 42",
            "dump --out runs/NAME --to .cache/batches.jsonl --to-step 600",
            "export --out runs/bert-zh --to assets/models/bert-zh/v1 --base minilm-l6-v2/v1/model.f16.safetensors",
            "qa --lang zh --init random --out runs/NAME --epochs 2 --batch 32 --lr 0.0002 --warmup 0.1 --negatives 1 --max-len 128 --stride 32 --seed 42 --freeze-word-embeddings 0",
            "qa-eval --model assets/models/qa-en/v1 --run runs/qa/en-pretrained",
            "qa-export --pretrained runs/qa/mbert-en-pretrained --random runs/qa/mbert-en-random --to assets/models/mbert-qa-en/v1 --zero-shot ../shared/data/qa/drcd/DRCD_dev.json --zero-shot ../shared/data/qa/cmrc2018/cmrc2018_trial.json --zero-shot-lang zh",
            "classify-export --pretrained runs/a --random runs/b --to assets/models/mbert-sentiment-en/v1 --zero-shot sentiment-zh",
            "gpt --out runs/NAME --steps 2000 --batch 16 --seq 128 --lr 0.002 --warmup 100 --seed 42 --hidden 192 --layers 4 --heads 6 --kv-heads 2 --ffn 512 --window 128 --min-count 5 --poems 20000 --poetry-share 0.4 --eval-every 250",
            "icl-eval --tasks antonym,capital --shots 0,1 --limit 4 --verbose",
            "icl-eval --suite zh --gguf assets/models/gemma3-270m/v1/model.Q4_K_M.gguf",
            "icl-eval --suite zh --model assets/models/gpt-zh/v1 --shots 0,4",
            "ae --out runs/ae/vq --vq 32 --code-dim 16 --epochs 10",
            "ae-eval",
        ] {
            let args = std::iter::once("sesame-train").chain(line.split(' '));
            if let Err(e) = Cli::try_parse_from(args) {
                panic!("{line}: {e}");
            }
        }
        for (line, flag) in [("zh --out r --sinusoidal 2", "--sinusoidal"), ("resume --out r --fragments 1.5", "--fragments"), ("ae --out r --epochs many", "--epochs"), ("zh --steps 5", "--out"), ("mbert --out r --data-share 2", "--data-share")] {
            let e = Cli::try_parse_from(std::iter::once("sesame-train").chain(line.split(' '))).err().unwrap_or_else(|| panic!("{line} parsed"));
            assert!(e.to_string().contains(flag), "{line}: {e}");
        }
    }
}
