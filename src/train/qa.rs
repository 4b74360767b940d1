//! Fine-tuning BERT for extractive question answering (native only), from Sesame's pretrained
//! BERTs or from random initialisation with the same data and budget: the lecture's
//! "pre-training vs random initialisation" comparison comes from two such runs.
//!
//! Data is SQuAD-format JSON (`data → paragraphs → context, qas → answers`): DRCD and CMRC 2018
//! for Chinese, SQuAD v1.1 articles for English (split by article). Every question becomes the
//! windows of its document (see [`crate::task::qa`]); a window holding the whole answer is a
//! positive feature (start/end on the answer), the others point at `[CLS]`. A run keeps every
//! positive and up to `negatives` negatives per question.
//!
//! A run directory holds `run.json`, `log.jsonl` (loss every 10 steps, validation EM/F1 every
//! `eval_every`) and `ckpt/` (resumable, as in pretraining).

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::qa::BertForQuestionAnswering;
use crate::model::BertConfig;
use crate::rng::Rng;
use crate::task::qa_metrics::em_f1;
use crate::task::qa_windows::{self, answer_positions, best_spans, prepare, QaSettings};
use crate::task::bert::Batch;
use crate::text::TextEncoder;

use super::run::{self, Backend, LogLine, Renumber};

// ---------------------------------------------------------------- data

/// A question with its gold answers, as read from SQuAD-format JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The data set's id.
    pub id: String,
    /// Index of the article it belongs to (in its file).
    pub article: usize,
    /// The document (paragraph).
    pub context: std::sync::Arc<str>,
    /// The question.
    pub question: String,
    /// Gold answers: `(first character, text)`; the first one is the training target.
    pub answers: Vec<(usize, String)>,
}

#[derive(Deserialize)]
struct SquadFile {
    data: Vec<SquadArticle>,
}
#[derive(Deserialize)]
struct SquadArticle {
    paragraphs: Vec<SquadParagraph>,
}
#[derive(Deserialize)]
struct SquadParagraph {
    context: String,
    qas: Vec<SquadQa>,
}
#[derive(Deserialize)]
struct SquadQa {
    id: serde_json::Value,
    question: String,
    answers: Vec<SquadAnswer>,
}
#[derive(Deserialize)]
struct SquadAnswer {
    text: String,
    answer_start: i64,
}

/// Reads a SQuAD-format file. Answers whose `answer_start` does not point at their text are
/// re-found by the first occurrence of the text (as the shared SQuAD copy was made).
pub fn read_squad(path: &Path) -> Result<Vec<Question>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: SquadFile = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (ai, article) in file.data.into_iter().enumerate() {
        for p in article.paragraphs {
            let context: std::sync::Arc<str> = p.context.into();
            let chars: Vec<char> = context.chars().collect();
            for q in p.qas {
                let answers = q
                    .answers
                    .into_iter()
                    .filter_map(|a| {
                        let n = a.text.chars().count();
                        let at = usize::try_from(a.answer_start).ok().filter(|&s| s + n <= chars.len() && chars[s..s + n].iter().copied().eq(a.text.chars()));
                        let at = at.or_else(|| context.find(&a.text).map(|b| context[..b].chars().count()))?;
                        Some((at, a.text))
                    })
                    .collect::<Vec<_>>();
                if answers.is_empty() || q.question.trim().is_empty() {
                    continue;
                }
                let id = q.id.as_str().map(String::from).unwrap_or_else(|| q.id.to_string());
                out.push(Question { id, article: ai, context: context.clone(), question: q.question, answers });
            }
        }
    }
    Ok(out)
}

/// One training input: a window with its start/end targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Token ids.
    pub ids: Vec<u32>,
    /// Segment ids.
    pub type_ids: Vec<u32>,
    /// Target start position in `ids` (0: `[CLS]`, the answer is not in this window).
    pub start: usize,
    /// Target end position.
    pub end: usize,
}

/// Features of a set of questions: all positive windows and up to `negatives` windows per
/// question without the answer (chosen with `seed`). Questions whose answer cannot be mapped
/// to tokens are skipped and counted.
pub fn features(questions: &[Question], encoder: &TextEncoder, settings: &QaSettings, negatives: usize, seed: u64) -> (Vec<Feature>, usize) {
    let mut out = Vec::new();
    let mut skipped = 0;
    let mut rng = Rng::new(seed);
    for q in questions {
        let Ok(p) = prepare(encoder, &q.question, &q.context, settings) else {
            skipped += 1;
            continue;
        };
        let (at, text) = &q.answers[0];
        let Some((first, last)) = p.tokens_for_chars(*at, at + text.chars().count()) else {
            skipped += 1;
            continue;
        };
        let mut negs = Vec::new();
        for w in &p.windows {
            let (start, end) = answer_positions(w, first, last);
            let f = Feature { ids: w.ids.clone(), type_ids: w.type_ids.clone(), start, end };
            if start == 0 {
                negs.push(f);
            } else {
                out.push(f);
            }
        }
        while negs.len() > negatives {
            negs.swap_remove(rng.below(negs.len()));
        }
        out.extend(negs);
    }
    (out, skipped)
}

// ---------------------------------------------------------------- run settings

/// Where a fine-tuning run's encoder starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QaInit {
    /// A shipped pretrained BERT (`assets/models/bert-zh/v1`): its encoder, a new head.
    Pretrained(PathBuf),
    /// Random initialisation with the same config as that model.
    Random(PathBuf),
}

impl QaInit {
    /// The model directory whose config (and, when pretrained, weights) the run uses.
    pub fn dir(&self) -> &Path {
        match self {
            Self::Pretrained(d) | Self::Random(d) => d,
        }
    }

    /// "pretrained" or "random".
    pub fn label(&self) -> &'static str {
        match self {
            Self::Pretrained(_) => "pretrained",
            Self::Random(_) => "random",
        }
    }
}

/// Everything that defines a fine-tuning run (`run.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaRunConfig {
    /// `"zh"` or `"en"` (chooses the metric).
    pub language: String,
    /// Training files (SQuAD format).
    pub train: Vec<PathBuf>,
    /// Validation file.
    pub valid: PathBuf,
    /// For a file used for both (SQuAD here): articles `i` with `i % k == k - 1` are validation,
    /// the rest training. `None`: the files are separate.
    pub article_split: Option<usize>,
    /// The encoder's start.
    pub init: QaInit,
    /// Windowing.
    pub settings: QaSettings,
    /// Negative windows kept per question.
    pub negatives: usize,
    /// Passes over the training features (the schedule spans them).
    pub epochs: f64,
    /// Features per step.
    pub batch: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Warm-up as a share of all steps.
    pub warmup: f64,
    /// Keep the word-embedding table frozen (the shipped weights are then a small delta over
    /// the pretrained model's).
    pub freeze_word_embeddings: bool,
    /// Seed of data order, negative choice and initialisation.
    pub seed: u64,
    /// Validate (loss, EM/F1 on `eval_questions`) every this many steps.
    pub eval_every: usize,
    /// Validation questions used during training (the final evaluation uses all).
    pub eval_questions: usize,
    /// Checkpoint every this many steps.
    pub ckpt_every: usize,
    /// Compute backend.
    pub backend: Backend,
}

/// Loaded data of a run.
pub struct QaData {
    /// Tokenizer of the model.
    pub tokenizer: TextEncoder,
    /// Training questions.
    pub train: Vec<Question>,
    /// Validation questions.
    pub valid: Vec<Question>,
    /// Training features.
    pub features: Vec<Feature>,
}

impl QaRunConfig {
    /// Optimiser steps in total.
    pub fn total_steps(&self, features: usize) -> usize {
        ((features as f64 * self.epochs) / self.batch as f64).ceil() as usize
    }

    /// Learning rate at `step`: linear warm-up, then linear decay to zero.
    pub fn lr_at(&self, step: usize, total: usize) -> f64 {
        run::linear_schedule(self.lr, self.warmup, step, total)
    }

    /// Reads the questions and builds the training features.
    pub fn load(&self) -> Result<QaData, String> {
        let tokenizer = TextEncoder::from_json(&std::fs::read(self.init.dir().join("tokenizer.json")).map_err(|e| e.to_string())?)?;
        let (train, valid) = split_questions(self)?;
        let t0 = Instant::now();
        let (features, skipped) = features(&train, &tokenizer, &self.settings, self.negatives, self.seed);
        let positives = features.iter().filter(|f| f.start > 0).count();
        eprintln!(
            "{} training questions ({skipped} skipped), {} validation; {} features ({positives} with the answer) in {:.1} s",
            train.len(),
            valid.len(),
            features.len(),
            t0.elapsed().as_secs_f64()
        );
        Ok(QaData { tokenizer, train, valid, features })
    }
}

/// Training and validation questions of a run.
pub fn split_questions(cfg: &QaRunConfig) -> Result<(Vec<Question>, Vec<Question>), String> {
    match cfg.article_split {
        Some(k) => {
            let all = read_squad(&cfg.valid)?;
            let (valid, train) = all.into_iter().partition(|q| q.article % k == k - 1);
            Ok((train, valid))
        }
        None => {
            let mut train = Vec::new();
            for f in &cfg.train {
                train.extend(read_squad(f)?);
            }
            Ok((train, read_squad(&cfg.valid)?))
        }
    }
}

// ---------------------------------------------------------------- model

/// The model a run starts from, or resumes from `checkpoint`.
pub fn build_model(cfg: &QaRunConfig, checkpoint: Option<&Path>, device: &Device) -> Result<(BertConfig, BertForQuestionAnswering), String> {
    let dir = cfg.init.dir();
    let config = run::read_json::<BertConfig>(&dir.join("config.json"))?;
    window_fits(cfg, &config)?;
    let model = if let Some(ckpt) = checkpoint {
        let mut w = run::read_weights(ckpt)?;
        BertForQuestionAnswering::load(&config, &mut w, device).map_err(|e| e.to_string())?
    } else {
        match &cfg.init {
            QaInit::Pretrained(dir) => {
                let (_, pre) = super::bert_export::load_exported(dir)?;
                // load_exported builds on the CPU device; move the encoder over by its weights.
                let mut w = pre.export();
                let bert = config.load(&mut w, device).map_err(|e| e.to_string())?;
                BertForQuestionAnswering::from_encoder(bert, &config, device)
            }
            QaInit::Random(_) => {
                device.seed(cfg.seed);
                BertForQuestionAnswering::init(&config, device)
            }
        }
    };
    let model = if cfg.freeze_word_embeddings { model.with_frozen_word_embeddings() } else { model };
    Ok((config, model.map(&mut Renumber(0))))
}

/// Token ids of a batch of features as tensors, with the targets.
fn batch_tensors(features: &[&Feature], pad: u32, device: &Device) -> (Tensor<2, Int>, Tensor<2, Int>, Tensor<2, Int>, Tensor<1, Int>, Tensor<1, Int>) {
    let rows: Vec<(&[u32], &[u32])> = features.iter().map(|f| (&f.ids[..], &f.type_ids[..])).collect();
    let b = Batch::pad(&rows, pad);
    let (ids, types, mask) = b.tensors(device);
    let n = features.len();
    let t = |v: Vec<i64>| Tensor::<1, Int>::from_data(TensorData::new(v, [n]), device);
    let starts = t(features.iter().map(|f| f.start as i64).collect());
    let ends = t(features.iter().map(|f| f.end as i64).collect());
    (ids, types, mask, starts, ends)
}

/// Mean start/end cross-entropy of a batch (padding positions masked out) → `[1]`.
pub fn batch_loss(model: &BertForQuestionAnswering, features: &[&Feature], pad: u32, device: &Device) -> Tensor<1> {
    let (ids, types, mask, starts, ends) = batch_tensors(features, pad, device);
    let [b, _] = ids.dims();
    let bias = (mask.clone().float() - 1.0).mul_scalar(1e4); // [B, T]: 0 on tokens, -1e4 on padding
    let out = model.forward(ids, types, mask);
    let ce = |logits: Tensor<2>, target: Tensor<1, Int>| log_softmax(logits + bias.clone(), 1).gather(1, target.reshape([b, 1])).mean().neg(); // [1]
    (ce(out.start, starts) + ce(out.end, ends)).div_scalar(2.0)
}

// ---------------------------------------------------------------- evaluation

/// EM / F1 (percent) of a model on questions, with the loss of their features.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QaEval {
    /// Questions evaluated.
    pub questions: usize,
    /// Exact match, percent.
    pub em: f64,
    /// F1, percent.
    pub f1: f64,
    /// Mean start/end cross-entropy over the questions' positive windows.
    pub loss: f64,
}

/// Answers `questions` (all windows, best span across them) and scores them with the metric of
/// `lang`; also the loss on their positive windows.
pub fn evaluate(model: &BertForQuestionAnswering, tokenizer: &TextEncoder, questions: &[Question], settings: &QaSettings, lang: &str, device: &Device) -> QaEval {
    evaluate_each(model, tokenizer, questions, settings, lang, device).0
}

/// [`evaluate`], also returning each question's `(prediction, EM, F1)`.
pub fn evaluate_each(model: &BertForQuestionAnswering, tokenizer: &TextEncoder, questions: &[Question], settings: &QaSettings, lang: &str, device: &Device) -> (QaEval, Vec<(String, f64, f64)>) {
    let pad = tokenizer.token_id("[PAD]").unwrap_or(0);
    let (mut em, mut f1, mut n) = (0.0, 0.0, 0usize);
    let mut each = Vec::with_capacity(questions.len());
    for q in questions {
        n += 1;
        let golds: Vec<String> = q.answers.iter().map(|(_, t)| t.clone()).collect();
        let prediction = match prepare(tokenizer, &q.question, &q.context, settings) {
            Ok(p) => {
                let windows: Vec<&qa_windows::Window> = p.windows.iter().collect();
                match crate::block_on(qa_windows::score_windows(model, &windows, pad, 16, device)) {
                    Ok(scores) => best_spans(&p, &q.context, &scores, 1, settings.max_answer).into_iter().next().map(|c| c.text).unwrap_or_default(),
                    Err(_) => String::new(),
                }
            }
            Err(_) => String::new(),
        };
        let (e, f) = em_f1(lang, &prediction, &golds);
        em += e;
        f1 += f;
        each.push((prediction, e, f));
    }
    let (feats, _) = features(questions, tokenizer, settings, 0, 0);
    let refs: Vec<&Feature> = feats.iter().collect();
    let mut loss = 0.0;
    for chunk in refs.chunks(32) {
        loss += run::scalar(batch_loss(model, chunk, pad, device)) * chunk.len() as f64;
    }
    let d = n.max(1) as f64;
    (QaEval { questions: n, em: 100.0 * em / d, f1: 100.0 * f1 / d, loss: loss / refs.len().max(1) as f64 }, each)
}

// ---------------------------------------------------------------- the loop

/// Steps and time done.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QaState {
    /// Optimiser steps done.
    pub step: usize,
    /// Training seconds over all sessions.
    pub seconds: f64,
}

/// Reads a run's log.
pub fn read_log(dir: &Path) -> Vec<LogLine<QaEval>> {
    run::read_log(dir)
}

/// The order of features in the pass that contains `step`: a shuffle fixed by (seed, pass), so
/// a resumed run continues the same stream.
pub fn pass_order(n: usize, seed: u64, pass: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng::new(seed.wrapping_mul(7_919).wrapping_add(pass as u64));
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}

/// An error sentence when the run's windows are longer than the model has positions for.
fn window_fits(cfg: &QaRunConfig, config: &BertConfig) -> Result<(), String> {
    let (len, positions) = (cfg.settings.max_len, config.max_position_embeddings);
    if len > positions {
        return Err(format!("windows of {len} tokens, but {} has positions for {positions}: pass --max-len {positions} or less", cfg.init.dir().display()));
    }
    Ok(())
}

/// Trains (or resumes) the run in `dir` for at most `minutes`, or to its last step.
pub fn train(dir: &Path, fresh: Option<QaRunConfig>, minutes: f64) -> Result<QaState, String> {
    // A new run is checked before its run.json is written, so a wrong window leaves nothing behind.
    if let Some(fresh) = fresh.as_ref().filter(|_| !dir.join("run.json").exists()) {
        window_fits(fresh, &run::read_json::<BertConfig>(&fresh.init.dir().join("config.json"))?)?;
    }
    let cfg: QaRunConfig = run::load_or_create(dir, fresh)?;
    let device = cfg.backend.device();
    let data = cfg.load()?;
    let pad = data.tokenizer.token_id("[PAD]").unwrap_or(0);
    let total = cfg.total_steps(data.features.len());
    let ckpt = dir.join("ckpt");
    let resume = ckpt.join("state.json").exists();
    let (_, mut model) = build_model(&cfg, resume.then(|| ckpt.join("model.safetensors")).as_deref(), &device)?;
    let mut optim = run::optimizer();
    let mut state = QaState::default();
    if resume {
        optim = optim.load(ckpt.join("optim.bpk")).map_err(|e| format!("loading optimiser state: {e:?}"))?;
        state = serde_json::from_slice(&std::fs::read(ckpt.join("state.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        eprintln!("resumed at step {} of {total} ({:.0} s)", state.step, state.seconds);
    }
    eprintln!("{} parameters; {total} steps of {} ({} epochs)", model.num_params(), cfg.batch, cfg.epochs);
    let eval_set: Vec<Question> = data.valid.iter().step_by((data.valid.len() / cfg.eval_questions.max(1)).max(1)).take(cfg.eval_questions).cloned().collect();
    let eval_device = device.clone().inner();
    let validate = |model: &BertForQuestionAnswering| evaluate(&model.valid(), &data.tokenizer, &eval_set, &cfg.settings, &cfg.language, &eval_device);
    if state.step == 0 {
        let e = validate(&model);
        eprintln!("  valid (step 0): loss {:.3}  EM {:.1}  F1 {:.1}", e.loss, e.em, e.f1);
        run::append_log(dir, &LogLine::validation(0, None, 0.0, e))?;
    }
    let n = data.features.len();
    let started = Instant::now();
    let base = state.seconds;
    let (mut sum, mut count) = (0.0, 0usize);
    let mut order = (usize::MAX, Vec::new());
    while state.step < total && started.elapsed().as_secs_f64() < minutes * 60.0 {
        let first = state.step * cfg.batch;
        let pass = first / n;
        if order.0 != pass {
            order = (pass, pass_order(n, cfg.seed, pass));
        }
        let batch: Vec<&Feature> = (first..first + cfg.batch).map(|i| &data.features[order.1[i % n]]).collect();
        let lr = cfg.lr_at(state.step, total);
        let loss = batch_loss(&model, &batch, pad, &device);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(lr, model, grads);
        sum += run::scalar(loss);
        count += 1;
        state.step += 1;
        state.seconds = base + started.elapsed().as_secs_f64();
        if state.step % 10 == 0 || state.step == total {
            eprintln!("step {:>5}/{total}  loss {:.3}  lr {:.2e}  {:.2} s/step", state.step, sum / count as f64, lr, state.seconds / state.step as f64);
            run::append_log(dir, &LogLine::<QaEval>::training(state.step, None, state.seconds, sum / count as f64, lr))?;
            (sum, count) = (0.0, 0);
        }
        if state.step % cfg.eval_every == 0 || state.step == total {
            let e = validate(&model);
            eprintln!("  valid: loss {:.3}  EM {:.1}  F1 {:.1}", e.loss, e.em, e.f1);
            run::append_log(dir, &LogLine::validation(state.step, None, state.seconds, e))?;
        }
        if state.step % cfg.ckpt_every == 0 {
            run::write_checkpoint(dir, &model.export(), &optim, &state)?;
        }
    }
    run::write_checkpoint(dir, &model.export(), &optim, &state)?;
    eprintln!("stopped at step {} of {total} ({:.0} s in all)", state.step, state.seconds);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run's settings for the tests: `init` over a model directory, a window of `window`.
    fn test_config(init: QaInit, window: usize) -> QaRunConfig {
        QaRunConfig {
            language: "zh".into(),
            train: vec![],
            valid: "v".into(),
            article_split: None,
            init,
            settings: QaSettings::for_window(window),
            negatives: 1,
            epochs: 1.0,
            batch: 10,
            lr: 1e-3,
            warmup: 0.1,
            freeze_word_embeddings: false,
            seed: 1,
            eval_every: 10,
            eval_questions: 10,
            ckpt_every: 10,
            backend: Backend::Flex,
        }
    }

    #[test]
    fn schedule_warms_up_then_decays_to_zero() {
        let cfg = test_config(QaInit::Random("m".into()), 128);
        assert_eq!(cfg.total_steps(995), 100);
        assert!((cfg.lr_at(0, 100) - 1e-4).abs() < 1e-12);
        assert!((cfg.lr_at(9, 100) - 1e-3).abs() < 1e-12);
        assert!(cfg.lr_at(99, 100) > 0.0 && cfg.lr_at(100, 100) == 0.0);
    }

    #[test]
    fn a_window_past_the_models_positions_is_refused_before_the_run_is_written() {
        let dir = std::env::temp_dir().join(format!("sesame-qa-window-{}", std::process::id()));
        let model = dir.join("model");
        std::fs::create_dir_all(&model).unwrap();
        let config = BertConfig { max_position_embeddings: 128, ..BertConfig::new(50, 16, 2, 4, 32) };
        run::write_json(&model.join("config.json"), &config).unwrap();
        let mut cfg = test_config(QaInit::Pretrained(model), 192);
        let run = dir.join("run");
        let err = train(&run, Some(cfg.clone()), 0.0).unwrap_err();
        assert!(err.contains("192") && err.contains("--max-len 128"), "{err}");
        assert!(!run.join("run.json").exists(), "nothing is left behind");
        cfg.settings = QaSettings::for_window(128);
        assert!(window_fits(&cfg, &config).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pass_orders_are_permutations_fixed_by_seed_and_pass() {
        let a = pass_order(50, 3, 0);
        let mut s = a.clone();
        s.sort();
        assert_eq!(s, (0..50).collect::<Vec<_>>());
        assert_eq!(a, pass_order(50, 3, 0));
        assert_ne!(a, pass_order(50, 3, 1));
    }
}
