//! BERT pretraining (bert-zh from scratch, bert-en continued from all-MiniLM-L6-v2): masked-LM +
//! sentence-pair loss, AdamW with warm-up and linear decay, periodic validation, resumable (the
//! run directory is [`super::run`]'s). Examples come from [`super::bert_examples`]; shipping a
//! run is [`super::bert_export`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::bert_pretraining::BertForPreTraining;
use crate::model::{BertConfig, Keep};
use crate::rng::Rng;
use crate::text::TextEncoder;

use super::bert_examples::{collate, log_unigram_prior, tokenize, ExampleMix, PairTask, Sampler, TokenizedSource, TrainBatch, Vocab};
use super::corpus::{self, Language};
use super::vocab_trim;
pub use super::vocab_trim::VocabTrim;
use super::vocab_train;
pub use super::vocab_train::VocabTrain;
use super::run::{self, append_log, load_or_create, optimizer, read_json, read_weights, scalar, write_checkpoint, write_json, Backend, LogLine, Renumber};

/// Where a run's weights start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// Random initialisation with this config (pretraining from scratch).
    Scratch(BertConfig),
    /// An existing encoder: a directory with `config.json` and f32 `model.safetensors`
    /// (continued pretraining; new MLM and pair heads).
    Encoder(PathBuf),
}

/// Everything that defines a run (saved as `run.json`; a resumed run reads it back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BertRunConfig {
    /// `"zh"` or `"en"`.
    pub language: String,
    /// Corpus directory (`../shared/data/corpus/<lang>`).
    pub corpus: PathBuf,
    /// BERT `tokenizer.json`.
    pub tokenizer: PathBuf,
    /// Optional traditional → simplified table (Chinese).
    pub t2s: Option<PathBuf>,
    /// Poems read from each poetry file (Chinese).
    pub poems: usize,
    /// Directory of the extra Chinese text (`scripts/fetch-zh-text.sh`: People's Daily 1998, HSK
    /// sentences), read beside the corpus when set (Chinese; runs from before it have none).
    #[serde(default)]
    pub more_text: Option<PathBuf>,
    /// Initial weights.
    pub init: Init,
    /// Optimiser steps in total (the learning-rate schedule spans them).
    pub steps: usize,
    /// Examples per step.
    pub batch: usize,
    /// Longest example in tokens.
    pub seq: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Linear warm-up steps.
    pub warmup: usize,
    /// Sentence-pair objective.
    pub pair: String,
    /// Encoder blocks (counted from the bottom) kept frozen, with the embeddings; `None` trains everything.
    pub freeze_layers: Option<usize>,
    /// Seed of the data and initialisation.
    pub seed: u64,
    /// Validate every this many steps.
    pub eval_every: usize,
    /// Batches in the fixed validation set.
    pub eval_batches: usize,
    /// Checkpoint every this many steps.
    pub ckpt_every: usize,
    /// Compute backend.
    pub backend: Backend,
    /// Start the position table from scaled sinusoids (scratch models only).
    #[serde(default)]
    pub sinusoidal_positions: bool,
    /// Start each block's key projection as a copy of its query projection (scratch models
    /// only; see `BertForPreTraining::with_mimetic_attention`).
    #[serde(default)]
    pub mimetic_attention: bool,
    /// Start the masked-LM decoder bias at the log unigram prior of the training data, and new
    /// heads on an existing encoder with the identity transform (`with_decoder_bias`,
    /// `with_identity_transform`).
    #[serde(default)]
    pub prior_head: bool,
    /// Start the first block's heads as fixed-offset neighbour heads (scratch models with
    /// sinusoidal positions; see `BertForPreTraining::with_local_attention`).
    #[serde(default)]
    pub local_attention: bool,
    /// Knowledge masking: the share of the masked-LM budget given to names, with whole-word
    /// masking (`Sampler::example_with`); 0 is BERT's token-by-token rule.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub name_masking: f64,
    /// Share of examples that are a short fragment cut anywhere (`ExampleMix::fragments`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub fragments: f64,
    /// Stretches added after the planned steps were done (`resume --steps`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    /// The vocabulary cut to the tokens the training documents use (scratch models; see
    /// [`super::vocab_trim`]). A new run's settings ask for it with `kept == 0`; the run then
    /// writes its own `tokenizer.json`, points [`Self::tokenizer`] at it and records the cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_trim: Option<VocabTrim>,
    /// A vocabulary trained on the run's own training text (mbert; see [`super::vocab_train`]). A
    /// new run's settings ask for it with `kept == 0`; the run then writes its own
    /// `tokenizer.json`, points [`Self::tokenizer`] at it and records the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_train: Option<VocabTrain>,
    /// Share of each source's training documents read (the first ones): 1 for the full data, less
    /// for a smaller-data twin (issue 26: the cross-lingual effect needs data). The held-out
    /// documents are the same at any share.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub data_share: f64,
}

fn one() -> f64 {
    1.0
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

/// More steps added to a finished run (`sesame-train resume --steps N`): from `from_step` to
/// `steps`, with its own warm-up and peak learning rate, then the same linear decay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    /// The step the run had finished when it was extended.
    pub from_step: usize,
    /// The new total number of steps.
    pub steps: usize,
    /// Peak learning rate of the stretch.
    pub lr: f64,
    /// Warm-up steps at the start of the stretch.
    pub warmup: usize,
    /// What the stretch keeps frozen, if it changes it: `-1` trains everything, `n` freezes
    /// the embeddings and blocks `0..n` (so a run can train new heads on a frozen encoder first,
    /// then unfreeze its upper blocks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freeze: Option<i64>,
    /// The stretch's knowledge-masking share, if it changes it (see `BertRunConfig::name_masking`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_masking: Option<f64>,
    /// The stretch's fragment share, if it changes it (see `BertRunConfig::fragments`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fragments: Option<f64>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl BertRunConfig {
    /// All the steps the run is to take, extensions included.
    pub fn total_steps(&self) -> usize {
        self.extensions.last().map_or(self.steps, |e| e.steps)
    }

    /// The language of the corpus.
    pub fn lang(&self) -> Result<Language, String> {
        match self.language.as_str() {
            "zh" => Ok(Language::Chinese),
            "en" => Ok(Language::English),
            "zh+en" => Ok(Language::Both),
            other => Err(format!("unknown language {other:?} (zh, en or zh+en)")),
        }
    }

    /// The sentence-pair objective.
    pub fn pair_task(&self) -> Result<PairTask, String> {
        match self.pair.as_str() {
            "sop" => Ok(PairTask::Sop),
            "nsp" => Ok(PairTask::Nsp),
            other => Err(format!("unknown pair task {other:?} (sop or nsp)")),
        }
    }

    /// Learning rate at `step`: linear warm-up, then linear decay to 10% of the peak (within
    /// the extension `step` falls in, if any).
    pub fn lr_at(&self, step: usize) -> f64 {
        let (start, end, lr, warmup) = match self.extensions.iter().rev().find(|e| step >= e.from_step) {
            Some(e) => (e.from_step, e.steps, e.lr, e.warmup),
            None => (0, self.steps, self.lr, self.warmup),
        };
        let step = step - start;
        if step < warmup {
            return lr * (step + 1) as f64 / warmup as f64;
        }
        let rest = (end - start).saturating_sub(warmup).max(1) as f64;
        let done = ((step - warmup) as f64 / rest).min(1.0);
        lr * (1.0 - 0.9 * done)
    }

    /// What is frozen at `step`: the embeddings and blocks `0..n` for `Some(n)`, nothing for `None`.
    pub fn freeze_at(&self, step: usize) -> Option<usize> {
        let set = self.extensions.iter().rev().filter(|e| step >= e.from_step).find_map(|e| e.freeze);
        match set {
            Some(n) if n < 0 => None,
            Some(n) => Some(n as usize),
            None => self.freeze_layers,
        }
    }

    /// The knowledge-masking share at `step` (0: BERT's rule).
    pub fn name_masking_at(&self, step: usize) -> f64 {
        self.extensions.iter().rev().filter(|e| step >= e.from_step).find_map(|e| e.name_masking).unwrap_or(self.name_masking)
    }

    /// The kinds of examples drawn at `step`.
    pub fn mix_at(&self, step: usize) -> ExampleMix {
        let fragments = self.extensions.iter().rev().filter(|e| step >= e.from_step).find_map(|e| e.fragments).unwrap_or(self.fragments);
        ExampleMix { names: self.name_masking_at(step), fragments }
    }

    /// The fewest blocks frozen in any stretch of the run (`None`: some stretch trained everything),
    /// which decides what an export over the base weights must ship.
    pub fn least_frozen(&self) -> Option<usize> {
        let mut least = self.freeze_layers?;
        for e in &self.extensions {
            match e.freeze {
                Some(n) if n < 0 => return None,
                Some(n) => least = least.min(n as usize),
                None => {}
            }
        }
        Some(least)
    }

    /// First id of an ordinary (non-special) token for random replacements.
    pub fn first_ordinary(&self) -> u32 {
        match self.lang() {
            Ok(Language::Chinese) => 104, // after [unused1..99] [UNK] [CLS] [SEP] [MASK]
            Ok(Language::Both) => vocab_train::FIRST_ORDINARY, // a trained vocabulary: [PAD] [UNK] [CLS] [SEP] [MASK]
            _ => 999,                     // bert-base-uncased: after [unused*]
        }
    }
}

/// Progress saved with each checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BertState {
    /// Optimiser steps done.
    pub step: usize,
    /// Real (non-padding) tokens seen.
    pub tokens: u64,
    /// Training seconds so far, over all sessions.
    pub seconds: f64,
    /// The step a run restored from a weights-only snapshot restarted its optimiser at (see
    /// [`restore`]): the learning rate warms up again over [`REWARM_STEPS`] from there, while
    /// AdamW's moments are rebuilt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewarm_from: Option<usize>,
}

pub use super::run::REWARM_STEPS;

impl BertState {
    /// The share of the scheduled learning rate used at `step` (1 except just after a restore).
    pub fn rewarm(&self, step: usize) -> f64 {
        run::rewarm(self.rewarm_from, step)
    }
}

impl run::Progress for BertState {
    fn mark_restored(&mut self) {
        self.rewarm_from = Some(self.step);
    }
}

/// Writes a weights-only snapshot of the run in `dir` into `to` ([`run::write_snapshot`]), its
/// `run.json` naming the tokenizer beside it.
pub fn snapshot(dir: &Path, to: &Path) -> Result<BertState, String> {
    let mut cfg: BertRunConfig = read_json(&dir.join("run.json"))?;
    let tokenizer = std::mem::replace(&mut cfg.tokenizer, PathBuf::from("tokenizer.json"));
    run::write_snapshot(dir, to, &tokenizer, &cfg)
}

/// Re-creates a run directory `dir` from a [`snapshot`] in `from`: the same settings, weights
/// (f16 → f32) and progress; AdamW starts afresh, so the learning rate warms up again over
/// [`REWARM_STEPS`] steps. `sesame-train resume --out DIR` then continues it.
pub fn restore(from: &Path, dir: &Path) -> Result<BertState, String> {
    let mut cfg: BertRunConfig = read_json(&from.join("run.json"))?;
    let state = run::restore_snapshot(from, dir)?;
    cfg.tokenizer = dir.join("tokenizer.json");
    write_json(&dir.join("run.json"), &cfg)?;
    Ok(state)
}

/// Validation figures on the fixed held-out batches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Eval {
    /// Mean masked-LM cross-entropy.
    pub mlm_loss: f64,
    /// Mean sentence-pair cross-entropy.
    pub pair_loss: f64,
    /// Share of masked tokens whose top prediction is right.
    pub top1: f64,
    /// Share whose original is among the top 5.
    pub top5: f64,
    /// Sentence-pair accuracy.
    pub pair_acc: f64,
    /// Masked tokens evaluated.
    pub targets: usize,
    /// Per-language figures of a two-language run (mbert; empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<super::mbert_eval::LanguageEval>,
    /// A two-language run's alignment MRR per layer (0 = embeddings) over the HSK gloss pairs
    /// ([`super::mbert_align`]), when the pairs are at hand: how alignment grows with training.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alignment_mrr: Vec<f64>,
}

/// Data and tokenizer for a run.
pub struct Data {
    /// Tokenized sources.
    pub sources: Vec<TokenizedSource>,
    /// Special ids.
    pub vocab: Vocab,
    /// The tokenizer.
    pub tokenizer: TextEncoder,
}

/// The corpus of a run as text: its sources (with the script copies its table asks for), each
/// cut to the run's data share.
pub fn read_sources(cfg: &BertRunConfig) -> Result<Vec<corpus::Source>, String> {
    let t2s = cfg.t2s.as_deref().map(corpus::read_t2s).transpose()?;
    let mut sources = corpus::load(cfg.lang()?, &cfg.corpus, t2s.as_ref(), cfg.poems, cfg.more_text.as_deref())?;
    corpus::keep_share(&mut sources, cfg.data_share);
    Ok(sources)
}

/// Loads and tokenizes the corpus of a run.
pub fn load_data(cfg: &BertRunConfig) -> Result<Data, String> {
    let t0 = Instant::now();
    let bytes = std::fs::read(&cfg.tokenizer).map_err(|e| format!("{}: {e}", cfg.tokenizer.display()))?;
    let tokenizer = TextEncoder::from_json(&bytes)?;
    let sources = read_sources(cfg)?;
    let sources = tokenize(&sources, &tokenizer, cfg.lang()? == Language::English)?;
    let vocab = Vocab::from_tokenizer(&tokenizer, cfg.first_ordinary())?;
    for s in &sources {
        let toks = |d: &Vec<Vec<Vec<u32>>>| d.iter().flatten().map(Vec::len).sum::<usize>();
        eprintln!("  {:<22} weight {:.2}  train {:>6} docs {:>9} tokens  valid {:>5} docs {:>8} tokens", s.name, s.weight, s.train.len(), toks(&s.train), s.valid.len(), toks(&s.valid));
    }
    eprintln!("data ready in {:.1} s", t0.elapsed().as_secs_f64());
    Ok(Data { sources, vocab, tokenizer })
}

/// A new run's vocabulary cut to what its training documents use (`cfg.vocab_trim.min_count`):
/// the trimmed `tokenizer.json` is written into `dir` and the run's tokenizer and model
/// vocabulary follow it.
pub fn trim_vocabulary(mut cfg: BertRunConfig, dir: &Path) -> Result<BertRunConfig, String> {
    let min_count = cfg.vocab_trim.as_ref().map_or(1, |t| t.min_count);
    if !matches!(cfg.init, Init::Scratch(_)) {
        return Err("only a model trained from scratch can have its vocabulary trimmed".into());
    }
    let data = load_data(&cfg)?;
    let full_json = std::fs::read(&cfg.tokenizer).map_err(|e| format!("{}: {e}", cfg.tokenizer.display()))?;
    let docs = data.sources.iter().flat_map(|s| &s.train);
    let (json, report) = vocab_trim::trim(&full_json, cfg.tokenizer.clone(), docs, cfg.first_ordinary(), min_count)?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let path = dir.join("tokenizer.json");
    std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("vocabulary trimmed to the tokens seen ≥ {min_count} times: {} of {} kept, {:.3}% of training tokens become [UNK]", report.kept, report.full, 100.0 * report.unk_share);
    if let Init::Scratch(model) = &mut cfg.init {
        model.vocab_size = report.kept;
    }
    cfg.tokenizer = path;
    cfg.vocab_trim = Some(report);
    Ok(cfg)
}

/// A new run's vocabulary trained on its training sentences (`cfg.vocab_train`): the
/// `tokenizer.json` is written into `dir` and the run's tokenizer and model vocabulary follow it.
pub fn train_vocabulary(mut cfg: BertRunConfig, dir: &Path) -> Result<BertRunConfig, String> {
    let Some(mut asked) = cfg.vocab_train.clone() else { return Ok(cfg) };
    let t0 = Instant::now();
    let sources = read_sources(&cfg)?;
    let sentences: Vec<&str> = sources.iter().flat_map(|s| &s.train).flat_map(|d| &d.sentences).map(String::as_str).collect();
    let json = vocab_train::train_wordpiece(sentences.iter().copied(), asked.size, asked.min_frequency, asked.limit_alphabet)?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let path = dir.join("tokenizer.json");
    std::fs::write(&path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
    let tok = TextEncoder::from_json(json.as_bytes())?;
    asked.kept = tok.vocab_size();
    asked.sentences = sentences.len();
    cfg.tokenizer = path;
    // The share of [UNK] among the training tokens, for the card.
    let unk = tok.token_id("[UNK]").ok_or("the trained vocabulary has no [UNK]")?;
    let (mut unks, mut total) = (0usize, 0usize);
    for s in sentences.iter().step_by(10) {
        let ids = tok.ids(s)?;
        unks += ids.iter().filter(|&&i| i == unk).count();
        total += ids.len();
    }
    asked.unk_share = unks as f64 / total.max(1) as f64;
    eprintln!("vocabulary trained on {} sentences in {:.0} s: {} entries, {:.3}% of tokens [UNK]", asked.sentences, t0.elapsed().as_secs_f64(), asked.kept, 100.0 * asked.unk_share);
    if let Init::Scratch(model) = &mut cfg.init {
        model.vocab_size = asked.kept;
    }
    cfg.vocab_train = Some(asked);
    Ok(cfg)
}

/// Builds the model a run starts from (or resumes), on `device`.
pub fn build_model(cfg: &BertRunConfig, checkpoint: Option<&Path>, device: &Device) -> Result<(BertConfig, BertForPreTraining), String> {
    let config = match &cfg.init {
        Init::Scratch(c) => c.clone(),
        Init::Encoder(dir) => read_json::<BertConfig>(&dir.join("config.json"))?,
    };
    let model = if let Some(ckpt) = checkpoint {
        let mut w = read_weights(ckpt)?;
        BertForPreTraining::load(&config, &mut w, device).map_err(|e| e.to_string())?
    } else {
        match &cfg.init {
            Init::Scratch(c) => {
                let mut m = BertForPreTraining::init(c, device);
                if cfg.sinusoidal_positions {
                    m = m.with_sinusoidal_positions(c, device);
                }
                if cfg.mimetic_attention {
                    m = m.with_mimetic_attention();
                }
                if cfg.sinusoidal_positions && cfg.local_attention {
                    m = m.with_local_attention(c, device);
                }
                m
            }
            Init::Encoder(dir) => {
                let mut w = read_weights(&dir.join("model.safetensors"))?;
                let bert = config.load(&mut w, device).map_err(|e| e.to_string())?;
                BertForPreTraining::with_new_heads(bert, &config, device)
            }
        }
    };
    Ok((config, model.map(&mut Renumber(0))))
}

/// A fresh model's masked-LM head started from the data: decoder bias at the log unigram prior;
/// for new heads on a pretrained encoder, also the identity transform. Parameter ids are
/// renumbered again, as a resumed run numbers them.
fn informed_head(model: BertForPreTraining, cfg: &BertRunConfig, data: &Data, device: &Device) -> BertForPreTraining {
    let v = model.heads.decoder_bias.dims()[0];
    let mut model = model.with_decoder_bias(log_unigram_prior(&data.sources, v, &data.vocab.ordinary), device);
    if matches!(cfg.init, Init::Encoder(_)) {
        model = model.with_identity_transform(device);
    }
    model.map(&mut Renumber(0))
}

/// Freezes the embeddings and blocks `0..n` of `model` (no gradients, no optimiser state).
pub fn freeze(mut model: BertForPreTraining, n: Option<usize>) -> BertForPreTraining {
    if let Some(n) = n {
        model.bert = freeze_encoder(model.bert, n);
    }
    model
}

/// Freezes an encoder's embeddings and blocks `0..n` (pretraining stretches and fine-tuning alike).
pub fn freeze_encoder(mut bert: crate::model::BertModel, n: usize) -> crate::model::BertModel {
    bert.embeddings = bert.embeddings.no_grad();
    for layer in bert.layers.iter_mut().take(n) {
        *layer = layer.clone().no_grad();
    }
    bert
}


/// Batch tensors on a device.
struct BatchTensors {
    ids: Tensor<2, Int>,
    types: Tensor<2, Int>,
    mask: Tensor<2, Int>,
    positions: Tensor<1, Int>,
    targets: Tensor<1, Int>,
    pair_labels: Tensor<1, Int>,
}

fn to_tensors(b: &TrainBatch, device: &Device) -> BatchTensors {
    let int2 = |v: &Vec<i64>| Tensor::<2, Int>::from_data(TensorData::new(v.clone(), [b.rows, b.cols]), device);
    let int1 = |v: &Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(v.clone(), [v.len()]), device);
    BatchTensors { ids: int2(&b.ids), types: int2(&b.types), mask: int2(&b.mask), positions: int1(&b.positions), targets: int1(&b.targets), pair_labels: int1(&b.pair_labels) }
}

/// Mean cross-entropy of `logits` `[N, C]` against class ids `[N]` → `[1]`.
pub(crate) fn cross_entropy(logits: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
    let [n, _] = logits.dims();
    let lp = log_softmax(logits, 1); // [N, C]
    lp.gather(1, targets.reshape([n, 1])).mean().neg() // [1]
}

/// Forward pass of one batch → (masked-LM logits `[M, V]`, pair logits `[B, 2]`, tensors).
fn forward(model: &BertForPreTraining, b: &TrainBatch, device: &Device) -> (Tensor<2>, Tensor<2>, BatchTensors) {
    let t = to_tensors(b, device);
    let out = model.bert.forward(t.ids.clone(), t.types.clone(), t.mask.clone(), Keep::default());
    let mlm = model.mlm_logits(out.last_hidden.clone(), t.positions.clone()); // [M, V]
    let pair = model.pair_logits(out.last_hidden); // [B, 2]
    (mlm, pair, t)
}

/// Fixed validation batches (the same for every evaluation of a run).
pub fn validation_batches(data: &Data, cfg: &BertRunConfig, task: PairTask) -> Vec<TrainBatch> {
    validation_batches_of(&data.sources, data, cfg, task)
}

/// Held-out batches drawn from `sources` only (one source of `data`, for a per-split figure).
pub fn validation_batches_of(sources: &[TokenizedSource], data: &Data, cfg: &BertRunConfig, task: PairTask) -> Vec<TrainBatch> {
    let sampler = Sampler::new(sources, data.vocab.clone(), cfg.seq, task, true);
    let mut rng = Rng::new(cfg.seed ^ 0x005E_ED0F_7A11);
    (0..cfg.eval_batches).map(|_| collate(&(0..cfg.batch).map(|_| sampler.example(&mut rng)).collect::<Vec<_>>(), sampler.pad())).collect()
}

/// Evaluates masked-LM loss, top-1/top-5 and pair accuracy (no gradients kept).
pub fn evaluate(model: &BertForPreTraining, batches: &[TrainBatch], device: &Device) -> Eval {
    evaluate_rows(model, batches, device, |_| {})
}

/// [`evaluate`], also handing each masked position's logits `[V]` to `row` (from the same
/// forward pass, for figures of its own: mbert's own-language share).
pub fn evaluate_rows(model: &BertForPreTraining, batches: &[TrainBatch], device: &Device, mut row_logits: impl FnMut(&[f32])) -> Eval {
    let model = model.valid();
    let device = device.clone().inner();
    let mut e = Eval::default();
    let (mut pairs, mut pair_right) = (0usize, 0usize);
    for b in batches {
        let (mlm, pair, t) = forward(&model, b, &device);
        let [m, v] = mlm.dims();
        e.mlm_loss += scalar(cross_entropy(mlm.clone(), t.targets)) * m as f64;
        e.pair_loss += scalar(cross_entropy(pair.clone(), t.pair_labels)) * b.rows as f64;
        let logits = mlm.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default();
        for (row, &target) in b.targets.iter().enumerate() {
            let r = &logits[row * v..(row + 1) * v];
            row_logits(r);
            let score = r[target as usize];
            let rank = r.iter().filter(|&&x| x > score).count();
            e.top1 += f64::from(u8::from(rank == 0));
            e.top5 += f64::from(u8::from(rank < 5));
        }
        e.targets += m;
        let p = pair.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default();
        for (row, &label) in b.pair_labels.iter().enumerate() {
            let predicted = i64::from(p[row * 2 + 1] > p[row * 2]);
            pair_right += usize::from(predicted == label);
            pairs += 1;
        }
    }
    let n = e.targets.max(1) as f64;
    e.mlm_loss /= n;
    e.top1 /= n;
    e.top5 /= n;
    e.pair_loss /= pairs.max(1) as f64;
    e.pair_acc = pair_right as f64 / pairs.max(1) as f64;
    e
}

/// One optimiser step on `batch` → (updated model, total loss, masked-LM loss).
pub fn train_step(model: BertForPreTraining, batch: &TrainBatch, device: &Device, lr: f64, optim: &mut ModuleOptimizer) -> (BertForPreTraining, f64, f64) {
    let (mlm, pair, t) = forward(&model, batch, device);
    let mlm_loss = cross_entropy(mlm, t.targets);
    let loss = mlm_loss.clone() + cross_entropy(pair, t.pair_labels);
    let grads = GradientsParams::from_grads(loss.backward(), &model);
    let model = optim.step(lr, model, grads);
    (model, scalar(loss), scalar(mlm_loss))
}


fn save_checkpoint(dir: &Path, model: &BertForPreTraining, optim: &ModuleOptimizer, state: &BertState) -> Result<(), String> {
    write_checkpoint(dir, &model.export(), optim, state)
}


/// Adds `steps - done` more steps to the finished run in `dir` (peak rate `lr`, `warmup`
/// warm-up steps), recording the extension in `run.json` so the run stays reproducible.
pub fn extend(dir: &Path, steps: usize, lr: Option<f64>, warmup: usize, freeze: Option<i64>, mix: (Option<f64>, Option<f64>)) -> Result<(), String> {
    let run_json = dir.join("run.json");
    let mut cfg: BertRunConfig = serde_json::from_slice(&std::fs::read(&run_json).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let state: BertState = serde_json::from_slice(&std::fs::read(dir.join("ckpt/state.json")).map_err(|e| format!("the run has no checkpoint: {e}"))?).map_err(|e| e.to_string())?;
    if state.step < cfg.total_steps() {
        return Err(format!("the run is at step {} of {}: resume it to the end before extending it", state.step, cfg.total_steps()));
    }
    if steps <= state.step {
        return Err(format!("--steps {steps} is not beyond the {} steps done", state.step));
    }
    let lr = lr.unwrap_or(cfg.lr);
    let (name_masking, fragments) = mix;
    cfg.extensions.push(Extension { from_step: state.step, steps, lr, warmup, freeze, name_masking, fragments });
    eprintln!("extending {} from step {} to {steps} (peak lr {lr}, warm-up {warmup})", dir.display(), state.step);
    write_json(&run_json, &cfg)
}

/// The HSK sentences and their gloss pairs a two-language run measures its alignment on at every
/// validation: `hsk_sentences.json` in the run's `--more-text` folder (`scripts/fetch-zh-text.sh`).
/// `None`, with a note, when they are not there (the run trains the same without them).
fn alignment_pairs(cfg: &BertRunConfig) -> Option<(Vec<crate::task::alignment::HskRecord>, Vec<crate::task::alignment::GlossPair>)> {
    let path = cfg.more_text.as_ref()?.join("hsk_sentences.json");
    match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| crate::task::alignment::parse_hsk(&b)) {
        Ok(records) => {
            let pairs = crate::task::alignment::gloss_pairs(&records);
            Some((records, pairs))
        }
        Err(e) => {
            eprintln!("{}: {e}; validations go without the alignment MRR", path.display());
            None
        }
    }
}

/// Trains (or resumes) the run in `dir` for at most `minutes` of wall time, or until the run's
/// total steps are done. `fresh` supplies the settings when the directory has no `run.json` yet.
pub fn train(dir: &Path, fresh: Option<BertRunConfig>, minutes: f64) -> Result<BertState, String> {
    let fresh = match fresh {
        Some(c) if !dir.join("run.json").exists() && c.vocab_trim.as_ref().is_some_and(|t| t.kept == 0) => Some(trim_vocabulary(c, dir)?),
        Some(c) if !dir.join("run.json").exists() && c.vocab_train.as_ref().is_some_and(|t| t.kept == 0) => Some(train_vocabulary(c, dir)?),
        f => f,
    };
    let cfg: BertRunConfig = load_or_create(dir, fresh)?;
    let task = cfg.pair_task()?;
    let device = cfg.backend.device();
    let data = load_data(&cfg)?;
    let ckpt = dir.join("ckpt");
    let resume = ckpt.join("state.json").exists();
    let (bert_config, model) = build_model(&cfg, resume.then(|| ckpt.join("model.safetensors")).as_deref(), &device)?;
    let mut optim = optimizer();
    let mut state = BertState::default();
    if resume {
        state = serde_json::from_slice(&std::fs::read(ckpt.join("state.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        optim = run::resume_optimizer(&ckpt, optim, state.rewarm_from.is_some())?;
        eprintln!("resumed at step {} ({} tokens, {:.0} s)", state.step, state.tokens, state.seconds);
    }
    let model = if !resume && cfg.prior_head { informed_head(model, &cfg, &data, &device) } else { model };
    let frozen = cfg.freeze_at(state.step);
    let mut model = freeze(model, frozen);
    eprintln!("parameters: {} ({} trainable blocks)", model.num_params(), frozen.map_or(model.bert.num_layers(), |n| model.bert.num_layers().saturating_sub(n)));
    let valid = validation_batches(&data, &cfg, task);
    // A two-language run also reports each language on its own held-out batches.
    let (language_valid, scripts) = if cfg.lang()? == Language::Both {
        (super::mbert_eval::language_batches(&data, &cfg, task), super::mbert_eval::scripts(&data.tokenizer))
    } else {
        (Vec::new(), Vec::new())
    };
    let alignment = if cfg.lang()? == Language::Both { alignment_pairs(&cfg) } else { None };
    let sampler = Sampler::new(&data.sources, data.vocab.clone(), cfg.seq, task, false);
    if state.step == 0 {
        let e = evaluate(&model, &valid, &device);
        append_log(dir, &LogLine::validation(0, Some(0), 0.0, e))?;
    }
    let started = Instant::now();
    let base_seconds = state.seconds;
    let (mut sum_loss, mut sum_mlm, mut n) = (0.0, 0.0, 0usize);
    let log_every = 10;
    // A stretch that freezes differently starts from a checkpoint (see the end of this function).
    while state.step < cfg.total_steps() && cfg.freeze_at(state.step) == frozen && started.elapsed().as_secs_f64() < minutes * 60.0 {
        // Each step's data depends only on (seed, step): a resumed run continues the same stream.
        let mut rng = Rng::new(cfg.seed.wrapping_mul(1_000_003).wrapping_add(state.step as u64));
        let mix = cfg.mix_at(state.step);
        let batch = collate(&(0..cfg.batch).map(|_| sampler.example_with(&mut rng, mix)).collect::<Vec<_>>(), sampler.pad());
        let lr = cfg.lr_at(state.step) * state.rewarm(state.step);
        let (next, loss, mlm_loss) = train_step(model, &batch, &device, lr, &mut optim);
        model = next;
        sum_loss += loss;
        sum_mlm += mlm_loss;
        n += 1;
        state.step += 1;
        state.tokens += batch.tokens as u64;
        state.seconds = base_seconds + started.elapsed().as_secs_f64();
        if state.step % log_every == 0 {
            let line = LogLine::<Eval> { train_mlm: Some(sum_mlm / n as f64), ..LogLine::training(state.step, Some(state.tokens), state.seconds, sum_loss / n as f64, lr) };
            eprintln!("step {:>6}  loss {:.3} (mlm {:.3})  lr {:.2e}  {:.0} tok/s", state.step, sum_loss / n as f64, sum_mlm / n as f64, lr, state.tokens as f64 / state.seconds.max(1e-9));
            append_log(dir, &line)?;
            (sum_loss, sum_mlm, n) = (0.0, 0.0, 0);
        }
        if state.step % cfg.eval_every == 0 || state.step == cfg.total_steps() {
            let mut e = evaluate(&model, &valid, &device);
            eprintln!("  valid: mlm {:.3}  top1 {:.3}  top5 {:.3}  pair acc {:.3}", e.mlm_loss, e.top1, e.top5, e.pair_acc);
            if cfg.lang()? == Language::Both {
                e.languages = super::mbert_eval::per_language(&model, &language_valid, &scripts, &device);
                for l in &e.languages {
                    eprintln!("    {}: mlm {:.3}  top1 {:.3}  top5 {:.3}  own-language top-5 {:.3}", l.language, l.mlm_loss, l.top1, l.top5, l.own_language_top5);
                }
                if let Some((records, pairs)) = &alignment {
                    let valid = model.valid();
                    match super::mbert_align::pair_vectors(&valid.bert, &data.tokenizer, records, pairs, bert_config.max_position_embeddings, &device.clone().inner()) {
                        Ok(vectors) => {
                            e.alignment_mrr = super::mbert_align::mrr_per_layer(pairs, &vectors, false).0;
                            eprintln!("    alignment MRR per layer {:.4?}", e.alignment_mrr);
                        }
                        Err(err) => eprintln!("    alignment MRR not measured: {err}"),
                    }
                }
            }
            append_log(dir, &LogLine::validation(state.step, Some(state.tokens), state.seconds, e))?;
        }
        if state.step % cfg.ckpt_every == 0 {
            save_checkpoint(dir, &model, &optim, &state)?;
        }
    }
    save_checkpoint(dir, &model, &optim, &state)?;
    let left = minutes - started.elapsed().as_secs_f64() / 60.0;
    if state.step < cfg.total_steps() && cfg.freeze_at(state.step) != frozen && left > 0.0 {
        eprintln!("step {}: the next stretch freezes {:?} blocks; continuing from the checkpoint", state.step, cfg.freeze_at(state.step));
        return train(dir, None, left);
    }
    eprintln!("stopped at step {} of {} ({} tokens, {:.0} s in all)", state.step, cfg.total_steps(), state.tokens, state.seconds);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_language_run_finds_its_alignment_pairs_beside_its_extra_text() {
        let mut cfg = config();
        assert!(alignment_pairs(&cfg).is_none(), "no --more-text: no pairs");
        let dir = std::env::temp_dir().join(format!("sesame-align-pairs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        cfg.more_text = Some(dir.clone());
        assert!(alignment_pairs(&cfg).is_none(), "no hsk_sentences.json: no pairs, and the run goes on");
        std::fs::write(dir.join("hsk_sentences.json"), r#"[{"chinese":"低頭思故鄉。","translation":{"en":"I think of home."},"tokens":[{"word":"思","gloss_en":"to think"},{"word":"故鄉","gloss_en":"home; hometown"}]}]"#).unwrap();
        let (records, pairs) = alignment_pairs(&cfg).unwrap();
        assert_eq!((records.len(), pairs.len()), (1, 2));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn config() -> BertRunConfig {
        BertRunConfig {
            language: "zh".into(),
            corpus: "c".into(),
            tokenizer: "t".into(),
            t2s: None,
            poems: 0,
            more_text: None,
            init: Init::Encoder("e".into()),
            steps: 1000,
            batch: 16,
            seq: 128,
            lr: 1e-3,
            warmup: 100,
            pair: "sop".into(),
            freeze_layers: None,
            seed: 1,
            eval_every: 100,
            eval_batches: 1,
            ckpt_every: 100,
            backend: Backend::Flex,
            sinusoidal_positions: false,
            mimetic_attention: false,
            prior_head: false,
            local_attention: false,
            name_masking: 0.0,
            fragments: 0.0,
            extensions: vec![],
            vocab_trim: None,
            vocab_train: None,
            data_share: 1.0,
        }
    }

    #[test]
    fn a_snapshot_restores_the_run_with_a_fresh_optimiser_and_a_rewarm() {
        let root = std::env::temp_dir().join(format!("sesame-snapshot-{}", std::process::id()));
        let (run, snap, back) = (root.join("run"), root.join("snap"), root.join("back"));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(run.join("ckpt")).unwrap();
        std::fs::write(run.join("tokenizer.json"), b"{}").unwrap();
        let cfg = BertRunConfig { tokenizer: run.join("tokenizer.json"), ..config() };
        std::fs::write(run.join("run.json"), serde_json::to_vec(&cfg).unwrap()).unwrap();
        let mut w = crate::model::Weights::default();
        w.insert("bert.pooler.dense.bias", vec![3], vec![0.5, -1.25, 1e-3]);
        std::fs::write(run.join("ckpt/model.safetensors"), crate::model::weights::to_f32_safetensors(&w).unwrap()).unwrap();
        let state = BertState { step: 420, tokens: 9000, seconds: 12.0, rewarm_from: None };
        std::fs::write(run.join("ckpt/state.json"), serde_json::to_vec(&state).unwrap()).unwrap();

        assert_eq!(snapshot(&run, &snap).unwrap(), state);
        let restored = restore(&snap, &back).unwrap();
        assert_eq!(restored, BertState { rewarm_from: Some(420), ..state });
        let cfg_back: BertRunConfig = read_json(&back.join("run.json")).unwrap();
        assert_eq!((cfg_back.tokenizer.clone(), cfg_back.steps), (back.join("tokenizer.json"), cfg.steps));
        assert!(back.join("tokenizer.json").exists() && !back.join("ckpt/optim.bpk").exists());
        let got = read_weights(&back.join("ckpt/model.safetensors")).unwrap();
        let v = got.host("bert.pooler.dense.bias", &[3]).unwrap().values.clone();
        assert!(v.iter().zip([0.5, -1.25, 1e-3]).all(|(a, b)| (a - b).abs() < 1e-6), "{v:?}");
        // The learning rate warms up again from the restored step, then runs as scheduled.
        assert!((restored.rewarm(420) - 1.0 / REWARM_STEPS as f64).abs() < 1e-12);
        assert_eq!(restored.rewarm(420 + REWARM_STEPS), 1.0);
        assert_eq!(state.rewarm(0), 1.0);
        assert!(restore(&snap, &back).is_err(), "an existing run is never overwritten");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn schedule_warms_up_decays_and_restarts_in_an_extension() {
        let mut c = config();
        assert!((c.lr_at(0) - 1e-5).abs() < 1e-12);
        assert!((c.lr_at(99) - 1e-3).abs() < 1e-12);
        assert!((c.lr_at(1000) - 1e-4).abs() < 1e-12);
        c.extensions.push(Extension { from_step: 1000, steps: 3000, lr: 5e-4, warmup: 50, freeze: None, name_masking: None, fragments: None });
        assert_eq!(c.total_steps(), 3000);
        assert_eq!(c.lr_at(999), config().lr_at(999), "the first stretch is unchanged");
        assert!((c.lr_at(1049) - 5e-4).abs() < 1e-12);
        assert!((c.lr_at(3000) - 5e-5).abs() < 1e-12);
        // An extension leaves run.json readable by older runs' field set and back.
        let back: BertRunConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn an_extension_can_change_what_is_frozen() {
        let mut c = config();
        c.freeze_layers = Some(6);
        assert_eq!((c.freeze_at(0), c.least_frozen()), (Some(6), Some(6)));
        c.extensions.push(Extension { from_step: 1000, steps: 2000, lr: 1e-4, warmup: 50, freeze: Some(2), name_masking: None, fragments: None });
        c.extensions.push(Extension { from_step: 2000, steps: 3000, lr: 1e-4, warmup: 50, freeze: None, name_masking: None, fragments: None });
        assert_eq!((c.freeze_at(999), c.freeze_at(1000), c.freeze_at(2500)), (Some(6), Some(2), Some(2)));
        assert_eq!(c.least_frozen(), Some(2), "the export ships the blocks trained in any stretch");
        c.extensions.push(Extension { from_step: 3000, steps: 4000, lr: 1e-4, warmup: 50, freeze: Some(-1), name_masking: Some(0.5), fragments: Some(0.2) });
        assert_eq!((c.freeze_at(3000), c.least_frozen()), (None, None));
        assert_eq!((c.name_masking_at(2999), c.name_masking_at(3000), c.name_masking_at(3999)), (0.0, 0.5, 0.5));
        assert_eq!((c.mix_at(2999), c.mix_at(3000)), (ExampleMix::default(), ExampleMix { names: 0.5, fragments: 0.2 }));
    }
}
