//! Fine-tuning BERT for classification (native only): the lecture's case 1 (sentence → class)
//! and case 3 (two sentences → class), from Sesame's pretrained BERTs or from random
//! initialisation with the same data and budget — the lecture's "pre-training vs random
//! initialisation" comparison comes from two such runs, as for QA.
//!
//! A run directory holds `run.json`, `log.jsonl` (loss every 10 steps, held-out loss and accuracy
//! every `eval_every`) and `ckpt/` (resumable).

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::classifier::BertForSequenceClassification;
use crate::model::BertConfig;
use crate::task::bert::Batch;
use crate::text::TextEncoder;

use super::classify_data::{ClassifyTask, Example, LabelledSet};
use super::qa::{pass_order, QaInit};
use super::run::{self, Backend, LogLine, Renumber};

/// Everything that defines a classification fine-tuning run (`run.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifyRunConfig {
    /// The task (its data and classes).
    pub task: ClassifyTask,
    /// Where `scripts/fetch-finetune-data.sh` put the data.
    pub data: PathBuf,
    /// The encoder's start (a shipped pretrained BERT, or random with its config).
    pub init: QaInit,
    /// Longest input in tokens (longer texts are cut, `[SEP]` kept).
    pub seq: usize,
    /// Passes over the training examples (the schedule spans them).
    pub epochs: f64,
    /// Examples per step.
    pub batch: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Warm-up as a share of all steps.
    pub warmup: f64,
    /// Keep the word-embedding table frozen (the shipped weights are then a small delta).
    pub freeze_word_embeddings: bool,
    /// Also keep every embedding and the blocks `0..n` frozen: only the upper blocks, the pooler
    /// and the head learn, and the shipped delta (over the pretrained model's own file) is just
    /// those. `None`: every block learns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freeze_blocks: Option<usize>,
    /// Seed of data order and initialisation.
    pub seed: u64,
    /// Validate every this many steps.
    pub eval_every: usize,
    /// Held-out examples used during training (the final evaluation uses all).
    pub eval_examples: usize,
    /// Checkpoint every this many steps.
    pub ckpt_every: usize,
    /// Compute backend.
    pub backend: Backend,
}

/// Held-out loss and accuracy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassifyEval {
    /// Examples evaluated.
    pub examples: usize,
    /// Share classified right.
    pub accuracy: f64,
    /// Mean cross-entropy.
    pub loss: f64,
}

/// Progress of a run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClassifyState {
    /// Optimiser steps done.
    pub step: usize,
    /// Training seconds over all sessions.
    pub seconds: f64,
}

/// An example as token ids, with its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// Token ids (`[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`).
    pub ids: Vec<u32>,
    /// Segment ids.
    pub type_ids: Vec<u32>,
    /// The class.
    pub label: usize,
}

/// Tokenizes an example and cuts it to `seq` tokens as the page does
/// ([`crate::task::classify::fit_to_window`]).
pub fn encode(tokenizer: &TextEncoder, e: &Example, seq: usize) -> Result<Encoded, String> {
    let mut enc = match &e.text_b {
        Some(b) => tokenizer.encode_pair(&e.text, b)?,
        None => tokenizer.encode(&e.text)?,
    };
    crate::task::classify::fit_to_window(&mut enc, seq);
    Ok(Encoded { ids: enc.ids, type_ids: enc.type_ids, label: e.label })
}

/// A run's loaded data.
pub struct ClassifyData {
    /// The examples and classes.
    pub set: LabelledSet,
    /// The model's tokenizer.
    pub tokenizer: TextEncoder,
    /// Training examples, encoded.
    pub train: Vec<Encoded>,
    /// Held-out examples, encoded.
    pub valid: Vec<Encoded>,
}

impl ClassifyRunConfig {
    /// Optimiser steps in total.
    pub fn total_steps(&self, examples: usize) -> usize {
        ((examples as f64 * self.epochs) / self.batch as f64).ceil() as usize
    }

    /// Reads and encodes the data with the model's tokenizer.
    pub fn load(&self) -> Result<ClassifyData, String> {
        let tokenizer = TextEncoder::from_json(&std::fs::read(self.init.dir().join("tokenizer.json")).map_err(|e| e.to_string())?)?;
        let set = self.task.load(&self.data)?;
        let enc = |v: &[Example]| v.iter().map(|e| encode(&tokenizer, e, self.seq)).collect::<Result<Vec<_>, _>>();
        let (train, valid) = (enc(&set.train)?, enc(&set.valid)?);
        Ok(ClassifyData { set, tokenizer, train, valid })
    }
}

/// Builds the model: from the checkpoint when resuming, else from the pretrained encoder (a new
/// head) or at random (seeded).
pub fn build_model(cfg: &ClassifyRunConfig, classes: usize, checkpoint: Option<&Path>, device: &Device) -> Result<BertForSequenceClassification, String> {
    let config = run::read_json::<BertConfig>(&cfg.init.dir().join("config.json"))?;
    let model = if let Some(ckpt) = checkpoint {
        BertForSequenceClassification::load(&config, &mut run::read_weights(ckpt)?, device).map_err(|e| e.to_string())?
    } else {
        device.seed(cfg.seed);
        match &cfg.init {
            QaInit::Pretrained(dir) => {
                let (_, pre) = super::bert_export::load_exported(dir)?;
                let bert = config.load(&mut pre.export(), device).map_err(|e| e.to_string())?;
                BertForSequenceClassification::from_encoder(bert, &config, classes, device)
            }
            QaInit::Random(_) => BertForSequenceClassification::init(&config, classes, device),
        }
    };
    let model = if cfg.freeze_word_embeddings {
        let mut m = model;
        let e = &mut m.bert.embeddings.word_embeddings;
        e.weight = burn::module::Param::from_tensor(e.weight.val().detach()).set_require_grad(false);
        m
    } else {
        model
    };
    let model = match cfg.freeze_blocks {
        Some(n) => {
            let mut m = model;
            m.bert = super::bert::freeze_encoder(m.bert, n);
            m
        }
        None => model,
    };
    Ok(model.map(&mut Renumber(0)))
}

/// A batch as tensors: ids, types, mask `[B, T]` and labels `[B]`.
fn batch_tensors(rows: &[&Encoded], pad: u32, device: &Device) -> (Tensor<2, Int>, Tensor<2, Int>, Tensor<2, Int>, Tensor<1, Int>) {
    let seqs: Vec<(&[u32], &[u32])> = rows.iter().map(|r| (&r.ids[..], &r.type_ids[..])).collect();
    let (ids, types, mask) = Batch::pad(&seqs, pad).tensors(device);
    let labels = Tensor::<1, Int>::from_data(TensorData::new(rows.iter().map(|r| r.label as i64).collect::<Vec<_>>(), [rows.len()]), device);
    (ids, types, mask, labels)
}

/// Mean cross-entropy of a batch → `[1]`, with the logits `[B, C]`.
pub fn batch_loss(model: &BertForSequenceClassification, rows: &[&Encoded], pad: u32, device: &Device) -> (Tensor<1>, Tensor<2>) {
    let (ids, types, mask, labels) = batch_tensors(rows, pad, device);
    let logits = model.forward(ids, types, mask); // [B, C]
    let loss = log_softmax(logits.clone(), 1).gather(1, labels.reshape([rows.len(), 1])).mean().neg(); // [1]
    (loss, logits)
}

/// Held-out loss and accuracy of `model` on `rows`.
pub fn evaluate(model: &BertForSequenceClassification, rows: &[Encoded], pad: u32, device: &Device) -> ClassifyEval {
    let (mut loss, mut right) = (0.0, 0usize);
    for chunk in rows.chunks(32) {
        let refs: Vec<&Encoded> = chunk.iter().collect();
        let (l, logits) = batch_loss(model, &refs, pad, device);
        loss += run::scalar(l) * chunk.len() as f64;
        let pred = logits.argmax(1).into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_default();
        right += pred.iter().zip(chunk).filter(|(p, r)| **p as usize == r.label).count();
    }
    let n = rows.len().max(1) as f64;
    ClassifyEval { examples: rows.len(), accuracy: right as f64 / n, loss: loss / n }
}

/// Reads a run's log.
pub fn read_log(dir: &Path) -> Vec<LogLine<ClassifyEval>> {
    run::read_log(dir)
}

/// Trains (or resumes) the run in `dir` for at most `minutes`, or to its last step.
pub fn train(dir: &Path, fresh: Option<ClassifyRunConfig>, minutes: f64) -> Result<ClassifyState, String> {
    let cfg: ClassifyRunConfig = run::load_or_create(dir, fresh)?;
    let device = cfg.backend.device();
    let data = cfg.load()?;
    let pad = data.tokenizer.token_id("[PAD]").unwrap_or(0);
    let total = cfg.total_steps(data.train.len());
    let ckpt = dir.join("ckpt");
    let resume = ckpt.join("state.json").exists();
    let mut model = build_model(&cfg, data.set.classes.len(), resume.then(|| ckpt.join("model.safetensors")).as_deref(), &device)?;
    let mut optim = run::optimizer();
    let mut state = ClassifyState::default();
    if resume {
        optim = optim.load(ckpt.join("optim.bpk")).map_err(|e| format!("loading optimiser state: {e:?}"))?;
        state = run::read_json(&ckpt.join("state.json"))?;
        eprintln!("resumed at step {} of {total} ({:.0} s)", state.step, state.seconds);
    }
    eprintln!("{}: {} training / {} held-out examples ({}); {} parameters; {total} steps of {}", cfg.init.label(), data.train.len(), data.valid.len(), data.set.provenance, model.num_params(), cfg.batch);
    // A fixed random sample (a stride could pick one class only where examples alternate).
    let eval_rows: Vec<Encoded> = pass_order(data.valid.len(), cfg.seed ^ 0xe7a1, 0).into_iter().take(cfg.eval_examples).map(|i| data.valid[i].clone()).collect();
    let eval_device = device.clone().inner();
    let validate = |m: &BertForSequenceClassification| evaluate(&m.valid(), &eval_rows, pad, &eval_device);
    if state.step == 0 {
        let e = validate(&model);
        eprintln!("  valid (step 0): loss {:.3}  accuracy {:.3}", e.loss, e.accuracy);
        run::append_log(dir, &LogLine::validation(0, None, 0.0, e))?;
    }
    let n = data.train.len();
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
        let batch: Vec<&Encoded> = (first..first + cfg.batch).map(|i| &data.train[order.1[i % n]]).collect();
        let lr = run::linear_schedule(cfg.lr, cfg.warmup, state.step, total);
        let (loss, _) = batch_loss(&model, &batch, pad, &device);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(lr, model, grads);
        sum += run::scalar(loss);
        count += 1;
        state.step += 1;
        state.seconds = base + started.elapsed().as_secs_f64();
        if state.step % 10 == 0 || state.step == total {
            eprintln!("step {:>5}/{total}  loss {:.3}  lr {:.2e}  {:.2} s/step", state.step, sum / count as f64, lr, state.seconds / state.step as f64);
            run::append_log(dir, &LogLine::<ClassifyEval>::training(state.step, None, state.seconds, sum / count as f64, lr))?;
            (sum, count) = (0.0, 0);
        }
        if state.step % cfg.eval_every == 0 || state.step == total {
            let e = validate(&model);
            eprintln!("  valid: loss {:.3}  accuracy {:.3}", e.loss, e.accuracy);
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

    fn tokenizer() -> TextEncoder {
        // bert-zh's WordPiece vocabulary: one token per Chinese character.
        TextEncoder::from_json(&std::fs::read("assets/models/bert-zh/v1/tokenizer.json").unwrap()).unwrap()
    }

    #[test]
    fn long_inputs_are_cut_from_the_longer_sentence_keeping_the_separators() {
        let t = tokenizer();
        let text = |ids: &[u32]| ids.iter().map(|&i| t.token(i).unwrap()).collect::<Vec<_>>().join(" ");
        let one = encode(&t, &Example { text: "一二三四五六七八".into(), text_b: None, label: 1 }, 6).unwrap();
        assert_eq!(text(&one.ids), "[CLS] 一 二 三 四 [SEP]");
        assert_eq!(one.label, 1);
        let pair = encode(&t, &Example { text: "一二".into(), text_b: Some("三四五六七八".into()), label: 0 }, 8).unwrap();
        assert_eq!(text(&pair.ids), "[CLS] 一 二 [SEP] 三 四 五 [SEP]");
        assert_eq!(pair.type_ids, vec![0, 0, 0, 0, 1, 1, 1, 1]);
        // The longer side is cut first, so both keep about half.
        let even = encode(&t, &Example { text: "一二三四五六".into(), text_b: Some("七八九十".into()), label: 0 }, 9).unwrap();
        assert_eq!(text(&even.ids), "[CLS] 一 二 三 [SEP] 七 八 九 [SEP]");
        // Short inputs are untouched.
        let short = encode(&t, &Example { text: "一二三".into(), text_b: None, label: 0 }, 16).unwrap();
        assert_eq!(short.ids.len(), 5);
    }
}
