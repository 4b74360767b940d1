//! Pretraining a small GPT from scratch, character by character, on the Chinese corpora (native
//! only): the lecture's "predict the next token" objective, with nothing but raw text.
//!
//! Every document of a source (a Wikipedia paragraph, a poem) becomes its characters followed by
//! `<|endoftext|>`; a source is the concatenation of its documents. A training example is a
//! window of `seq + 1` characters cut at a random place of a source drawn by weight: the model
//! reads the first `seq` and predicts each next one. The vocabulary is every character seen at
//! least `min_count` times in the training documents, built once when the run starts and saved
//! as the run's `tokenizer.json`.
//!
//! A run directory holds `run.json`, `tokenizer.json`, `log.jsonl` and `ckpt/` (resumable, as in
//! BERT pretraining: the stream of windows is fixed by the seed and the step).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::{Llama, LlamaConfig};
use crate::rng::Rng;
use crate::text::TextEncoder;

use super::corpus::{self, Language, Source};
use super::run::{self, Backend, LogLine, Renumber};

/// Special tokens of Sesame's character GPTs, ids 0 and 1.
pub const SPECIALS: [&str; 2] = ["[UNK]", "<|endoftext|>"];
/// Id of `[UNK]`.
pub const UNK: u32 = 0;
/// Id of `<|endoftext|>` (between documents; generation stops there).
pub const EOT: u32 = 1;

// ---------------------------------------------------------------- settings

/// Everything that defines a run (`run.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GptRunConfig {
    /// Corpus directory (`../shared/data/corpus/zh`).
    pub corpus: PathBuf,
    /// Traditional → simplified table: adds a simplified copy of the Taiwan Wikipedia and a
    /// traditional copy of the mainland one, so both scripts are read.
    pub t2s: Option<PathBuf>,
    /// Poems read from each poetry file.
    pub poems: usize,
    /// Directory of the extra Chinese text (`scripts/fetch-zh-text.sh`: People's Daily 1998, HSK
    /// sentences), read beside the corpus when set (runs from before it have none).
    #[serde(default)]
    pub more_text: Option<PathBuf>,
    /// Share of windows drawn from the three poetry sources together (the rest from Wikipedia,
    /// each group keeping the loader's proportions).
    pub poetry_share: f64,
    /// Characters seen fewer times than this in training documents become `[UNK]`.
    pub min_count: usize,
    /// The model (`vocab_size` is set from the vocabulary when the run starts).
    pub model: LlamaConfig,
    /// Optimiser steps in total.
    pub steps: usize,
    /// Windows per step.
    pub batch: usize,
    /// Characters read per window (the model predicts each next one).
    pub seq: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Linear warm-up steps; then cosine decay to a tenth of the peak at `steps`.
    pub warmup: usize,
    /// Seed of initialisation and window choice.
    pub seed: u64,
    /// Validate every this many steps.
    pub eval_every: usize,
    /// Held-out windows per source in each validation.
    pub eval_windows: usize,
    /// Checkpoint every this many steps.
    pub ckpt_every: usize,
    /// Compute backend.
    pub backend: Backend,
}

impl GptRunConfig {
    /// Learning rate at `step`: linear warm-up, then cosine decay from `lr` to `lr / 10`.
    pub fn lr_at(&self, step: usize) -> f64 {
        if step < self.warmup {
            return self.lr * (step + 1) as f64 / self.warmup as f64;
        }
        let t = ((step - self.warmup) as f64 / (self.steps.saturating_sub(self.warmup)).max(1) as f64).min(1.0);
        self.lr * (0.1 + 0.9 * 0.5 * (1.0 + (std::f64::consts::PI * t).cos()))
    }
}

// ---------------------------------------------------------------- data

/// One source as id streams.
#[derive(Debug, Clone)]
pub struct Stream {
    /// Source name.
    pub name: String,
    /// The file read.
    pub path: PathBuf,
    /// Share of training windows.
    pub weight: f64,
    /// Training documents, each followed by `<|endoftext|>`.
    pub train: Vec<u32>,
    /// Held-out documents (every 20th), likewise.
    pub valid: Vec<u32>,
    /// Documents in each split.
    pub docs: (usize, usize),
}

/// The loaded data of a run.
pub struct GptData {
    /// The character tokenizer.
    pub tokenizer: TextEncoder,
    /// Character → id.
    pub ids: HashMap<char, u32>,
    /// Sources.
    pub streams: Vec<Stream>,
}

/// Whether a source of the Chinese corpus is poetry.
fn is_poetry(name: &str) -> bool {
    name.contains("poems") || name.contains("ci")
}

/// Reads the corpus of a run (documents, weights re-balanced by `poetry_share`).
pub fn load_sources(cfg: &GptRunConfig) -> Result<Vec<Source>, String> {
    let t2s = cfg.t2s.as_deref().map(corpus::read_t2s).transpose()?;
    let mut sources = corpus::load(Language::Chinese, &cfg.corpus, t2s.as_ref(), cfg.poems, cfg.more_text.as_deref())?;
    let poetry: f64 = sources.iter().filter(|s| is_poetry(&s.name)).map(|s| s.weight).sum();
    let prose: f64 = sources.iter().filter(|s| !is_poetry(&s.name)).map(|s| s.weight).sum();
    for s in &mut sources {
        s.weight = if is_poetry(&s.name) { s.weight / poetry * cfg.poetry_share } else { s.weight / prose * (1.0 - cfg.poetry_share) };
    }
    Ok(sources)
}

/// The characters seen at least `min_count` times in the training documents, most frequent
/// first (ties by code point, so the vocabulary is the same on every machine).
pub fn character_vocabulary(sources: &[Source], min_count: usize) -> Vec<char> {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for s in sources {
        for d in &s.train {
            for c in d.sentences.iter().flat_map(|x| x.chars()) {
                *counts.entry(c).or_default() += 1;
            }
        }
    }
    let mut chars: Vec<(char, usize)> = counts.into_iter().filter(|&(c, n)| n >= min_count.max(1) && !c.is_control()).collect();
    chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    chars.into_iter().map(|(c, _)| c).collect()
}

/// Character → id of a character tokenizer (the ids [`TextEncoder::characters`] gives).
pub fn id_map(tokenizer: &TextEncoder) -> HashMap<char, u32> {
    (SPECIALS.len() as u32..tokenizer.vocab_size() as u32)
        .filter_map(|id| {
            let t = tokenizer.token(id)?;
            let mut it = t.chars();
            let c = it.next()?;
            it.next().is_none().then_some((c, id))
        })
        .collect()
}

fn stream_of(docs: &[corpus::Document], ids: &HashMap<char, u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for d in docs {
        out.extend(d.sentences.iter().flat_map(|s| s.chars()).map(|c| *ids.get(&c).unwrap_or(&UNK)));
        out.push(EOT);
    }
    out
}

impl GptRunConfig {
    /// Loads the corpus and the run's tokenizer (`dir/tokenizer.json`, created from the
    /// training documents when absent), and turns every source into id streams.
    pub fn load(&self, dir: &Path) -> Result<GptData, String> {
        let t0 = Instant::now();
        let sources = load_sources(self)?;
        let path = dir.join("tokenizer.json");
        let tokenizer = if path.exists() {
            TextEncoder::from_json(&std::fs::read(&path).map_err(|e| e.to_string())?)?
        } else {
            let chars = character_vocabulary(&sources, self.min_count);
            let json = TextEncoder::characters(&SPECIALS, &chars)?.to_json()?;
            std::fs::write(&path, &json).map_err(|e| e.to_string())?;
            TextEncoder::from_json(json.as_bytes())?
        };
        let ids = id_map(&tokenizer);
        let streams: Vec<Stream> = sources
            .iter()
            .map(|s| Stream {
                name: s.name.clone(),
                path: s.path.clone(),
                weight: s.weight,
                train: stream_of(&s.train, &ids),
                valid: stream_of(&s.valid, &ids),
                docs: (s.train.len(), s.valid.len()),
            })
            .collect();
        let total: usize = streams.iter().map(|s| s.train.len()).sum();
        let unknown: usize = streams.iter().map(|s| s.train.iter().filter(|&&i| i == UNK).count()).sum();
        eprintln!(
            "{} sources, {total} training characters ({:.3}% unknown), vocabulary {} in {:.1} s",
            streams.len(),
            100.0 * unknown as f64 / total.max(1) as f64,
            tokenizer.vocab_size(),
            t0.elapsed().as_secs_f64()
        );
        Ok(GptData { tokenizer, ids, streams })
    }
}

/// Picks a source by weight.
fn pick(streams: &[Stream], rng: &mut Rng) -> usize {
    let total: f64 = streams.iter().map(|s| s.weight).sum();
    let mut u = rng.unit() * total;
    for (i, s) in streams.iter().enumerate() {
        u -= s.weight;
        if u < 0.0 {
            return i;
        }
    }
    streams.len() - 1
}

/// The training windows (`batch` × `seq + 1` ids) of `step`: a function of seed and step only,
/// so a resumed run sees the same stream.
pub fn training_batch(cfg: &GptRunConfig, streams: &[Stream], step: usize) -> Vec<Vec<u32>> {
    let mut rng = Rng::new(cfg.seed.wrapping_mul(1_000_003).wrapping_add(step as u64));
    (0..cfg.batch)
        .map(|_| {
            let s = &streams[pick(streams, &mut rng)].train;
            let start = rng.below(s.len().saturating_sub(cfg.seq + 1).max(1));
            window(s, start, cfg.seq + 1)
        })
        .collect()
}

fn window(s: &[u32], start: usize, n: usize) -> Vec<u32> {
    (0..n).map(|i| s.get(start + i).copied().unwrap_or(EOT)).collect()
}

/// Held-out windows of one source: `n` evenly spaced over its validation stream.
pub fn validation_windows(stream: &Stream, n: usize, seq: usize) -> Vec<Vec<u32>> {
    let room = stream.valid.len().saturating_sub(seq + 1).max(1);
    (0..n).map(|i| window(&stream.valid, i * room / n.max(1), seq + 1)).collect()
}

// ---------------------------------------------------------------- loss

/// `[B, T+1]` windows → (inputs `[B, T]`, targets `[B·T]`).
fn tensors(windows: &[Vec<u32>], device: &Device) -> (Tensor<2, Int>, Tensor<1, Int>) {
    let (b, t) = (windows.len(), windows[0].len() - 1);
    let inputs: Vec<i64> = windows.iter().flat_map(|w| w[..t].iter().map(|&i| i as i64)).collect();
    let targets: Vec<i64> = windows.iter().flat_map(|w| w[1..].iter().map(|&i| i as i64)).collect();
    (Tensor::from_data(TensorData::new(inputs, [b, t]), device), Tensor::from_data(TensorData::new(targets, [b * t]), device))
}

/// Mean next-token cross-entropy of windows (`[B, T+1]` ids) → `[1]`.
pub fn lm_loss(model: &Llama, windows: &[Vec<u32>], device: &Device) -> Tensor<1> {
    let (inputs, targets) = tensors(windows, device);
    let [b, t] = inputs.dims();
    let logits = model.forward(inputs); // [B, T, V]
    let v = logits.dims()[2];
    let logp = log_softmax(logits.reshape([b * t, v]), 1); // [B·T, V]
    logp.gather(1, targets.reshape([b * t, 1])).mean().neg()
}

/// Loss and top-1 next-character accuracy of a model on windows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LmEval {
    /// Characters predicted.
    pub tokens: usize,
    /// Mean cross-entropy (nats per character).
    pub loss: f64,
    /// Share of characters whose most likely prediction is right.
    pub top1: f64,
}

/// Evaluates windows in batches of `batch` (an inference device: no autodiff).
pub fn evaluate(model: &Llama, windows: &[Vec<u32>], batch: usize, device: &Device) -> LmEval {
    let (mut loss, mut right, mut n) = (0.0, 0usize, 0usize);
    for chunk in windows.chunks(batch.max(1)) {
        let (inputs, targets) = tensors(chunk, device);
        let [b, t] = inputs.dims();
        let logits = model.forward(inputs); // [B, T, V]
        let v = logits.dims()[2];
        let logits = logits.reshape([b * t, v]);
        let guess = logits.clone().argmax(1).reshape([b * t]); // [B·T]
        let logp = log_softmax(logits, 1).gather(1, targets.clone().reshape([b * t, 1])); // [B·T, 1]
        loss -= run::scalar(logp.sum());
        right += run::scalar(guess.equal(targets).float().sum()).round() as usize;
        n += b * t;
    }
    LmEval { tokens: n, loss: loss / n.max(1) as f64, top1: right as f64 / n.max(1) as f64 }
}

// ---------------------------------------------------------------- the loop

/// Steps, characters and time done.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GptState {
    /// Optimiser steps done.
    pub step: usize,
    /// Characters predicted in training.
    pub tokens: u64,
    /// Training seconds over all sessions.
    pub seconds: f64,
    /// The step a run restored from a weights-only snapshot restarted its optimiser at
    /// ([`restore`]): the learning rate warms up again from there ([`run::rewarm`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewarm_from: Option<usize>,
}

impl run::Progress for GptState {
    fn mark_restored(&mut self) {
        self.rewarm_from = Some(self.step);
    }
}

/// Writes a weights-only snapshot of the run in `dir` into `to` (f16 weights, progress, settings,
/// tokenizer: [`run::write_snapshot`]), small enough to commit, so a run outlives its machine.
pub fn snapshot(dir: &Path, to: &Path) -> Result<GptState, String> {
    let cfg: GptRunConfig = run::read_json(&dir.join("run.json"))?;
    run::write_snapshot(dir, to, &dir.join("tokenizer.json"), &cfg)
}

/// Re-creates the run directory `dir` from a [`snapshot`] in `from`; running `sesame-train gpt
/// --out DIR` then continues it with a fresh AdamW and a re-warmed learning rate.
pub fn restore(from: &Path, dir: &Path) -> Result<GptState, String> {
    let cfg: GptRunConfig = run::read_json(&from.join("run.json"))?;
    let state = run::restore_snapshot(from, dir)?;
    run::write_json(&dir.join("run.json"), &cfg)?;
    Ok(state)
}

/// Whether the run (or snapshot) in `dir` is a character-GPT run (its `run.json` reads as one).
pub fn is_gpt_run(dir: &Path) -> bool {
    run::read_json::<GptRunConfig>(&dir.join("run.json")).is_ok()
}

/// Reads a run's log.
pub fn read_log(dir: &Path) -> Vec<LogLine<LmEval>> {
    run::read_log(dir)
}

/// The model of a run: fresh (seeded) or from `checkpoint`, parameters numbered for the optimiser.
pub fn build_model(cfg: &GptRunConfig, checkpoint: Option<&Path>, device: &Device) -> Result<Llama, String> {
    let model = match checkpoint {
        Some(ckpt) => cfg.model.load(&mut run::read_weights(ckpt)?, device).map_err(|e| e.to_string())?,
        None => {
            device.seed(cfg.seed);
            cfg.model.init(device)
        }
    };
    Ok(model.map(&mut Renumber(0)))
}

/// The validation set of a run: every source's held-out windows.
pub fn validation_set(cfg: &GptRunConfig, data: &GptData) -> Vec<(String, Vec<Vec<u32>>)> {
    data.streams.iter().map(|s| (s.name.clone(), validation_windows(s, cfg.eval_windows, cfg.seq))).collect()
}

/// Trains (or resumes) the run in `dir` for at most `minutes`, or to its last step. A fresh
/// config gets its `vocab_size` from the vocabulary built here.
pub fn train(dir: &Path, fresh: Option<GptRunConfig>, minutes: f64) -> Result<GptState, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let resuming = dir.join("run.json").exists();
    // A fresh run reads the corpus once: that load builds tokenizer.json and sizes the model.
    let (cfg, data) = match (resuming, fresh) {
        (false, Some(mut c)) => {
            let data = c.load(dir)?;
            c.model.vocab_size = data.tokenizer.vocab_size();
            c.model.eos_token_id = Some(EOT);
            c.model.validate()?;
            (run::load_or_create(dir, Some(c))?, data)
        }
        (_, f) => {
            let cfg: GptRunConfig = run::load_or_create(dir, f)?;
            let data = cfg.load(dir)?;
            (cfg, data)
        }
    };
    if data.tokenizer.vocab_size() != cfg.model.vocab_size {
        return Err(format!("tokenizer.json has {} tokens but the model {}", data.tokenizer.vocab_size(), cfg.model.vocab_size));
    }
    let device = cfg.backend.device();
    let ckpt = dir.join("ckpt");
    let resume = ckpt.join("state.json").exists();
    let mut model = build_model(&cfg, resume.then(|| ckpt.join("model.safetensors")).as_deref(), &device)?;
    let mut optim = run::optimizer();
    let mut state = GptState::default();
    if resume {
        state = run::read_json(&ckpt.join("state.json"))?;
        optim = run::resume_optimizer(&ckpt, optim, state.rewarm_from.is_some())?;
        eprintln!("resumed at step {} of {} ({:.0} s)", state.step, cfg.steps, state.seconds);
    }
    eprintln!("{} parameters; {} steps of {} × {} characters", model.num_params(), cfg.steps, cfg.batch, cfg.seq);
    let valid: Vec<Vec<u32>> = validation_set(&cfg, &data).into_iter().flat_map(|(_, w)| w).collect();
    let eval_device = device.clone().inner();
    let validate = |model: &Llama| evaluate(&model.valid(), &valid, cfg.batch, &eval_device);
    if state.step == 0 {
        let e = validate(&model);
        eprintln!("  valid (step 0): loss {:.3}  top-1 {:.3}", e.loss, e.top1);
        run::append_log(dir, &LogLine::validation(0, Some(0), 0.0, e))?;
    }
    let started = Instant::now();
    let base = state.seconds;
    let (mut sum, mut count) = (0.0, 0usize);
    while state.step < cfg.steps && started.elapsed().as_secs_f64() < minutes * 60.0 {
        let batch = training_batch(&cfg, &data.streams, state.step);
        let lr = cfg.lr_at(state.step) * run::rewarm(state.rewarm_from, state.step);
        let loss = lm_loss(&model, &batch, &device);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(lr, model, grads);
        sum += run::scalar(loss);
        count += 1;
        state.step += 1;
        state.tokens += (cfg.batch * cfg.seq) as u64;
        state.seconds = base + started.elapsed().as_secs_f64();
        if state.step % 10 == 0 || state.step == cfg.steps {
            eprintln!(
                "step {:>5}/{}  loss {:.3}  lr {:.2e}  {:.0} chars/s",
                state.step,
                cfg.steps,
                sum / count as f64,
                lr,
                state.tokens as f64 / state.seconds.max(1e-9)
            );
            run::append_log(dir, &LogLine::<LmEval>::training(state.step, Some(state.tokens), state.seconds, sum / count as f64, lr))?;
            (sum, count) = (0.0, 0);
        }
        if state.step % cfg.eval_every == 0 || state.step == cfg.steps {
            let e = validate(&model);
            eprintln!("  valid: loss {:.3}  top-1 {:.3}", e.loss, e.top1);
            run::append_log(dir, &LogLine::validation(state.step, Some(state.tokens), state.seconds, e))?;
        }
        if state.step % cfg.ckpt_every == 0 {
            run::write_checkpoint(dir, &model.export(), &optim, &state)?;
        }
    }
    run::write_checkpoint(dir, &model.export(), &optim, &state)?;
    eprintln!("stopped at step {} of {} ({:.0} s in all)", state.step, cfg.steps, state.seconds);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> GptRunConfig {
        GptRunConfig {
            corpus: "c".into(),
            t2s: None,
            poems: 10,
            more_text: None,
            poetry_share: 0.4,
            min_count: 1,
            model: LlamaConfig::new(8, 16, 32, 1, 2, 1),
            steps: 100,
            batch: 3,
            seq: 4,
            lr: 1e-3,
            warmup: 10,
            seed: 5,
            eval_every: 10,
            eval_windows: 2,
            ckpt_every: 10,
            backend: Backend::Flex,
        }
    }

    #[test]
    fn schedule_warms_up_then_decays_to_a_tenth() {
        let c = cfg();
        assert!((c.lr_at(0) - 1e-4).abs() < 1e-12);
        assert!((c.lr_at(9) - 1e-3).abs() < 1e-12);
        assert!((c.lr_at(10) - 1e-3).abs() < 1e-12);
        assert!((c.lr_at(100) - 1e-4).abs() < 1e-12);
        assert!(c.lr_at(50) < c.lr_at(20) && c.lr_at(50) > c.lr_at(90));
    }

    fn stream(train: Vec<u32>) -> Stream {
        Stream { name: "s".into(), path: "p".into(), weight: 1.0, valid: train.clone(), train, docs: (1, 1) }
    }

    #[test]
    fn windows_are_fixed_by_seed_and_step_and_stay_inside_the_stream() {
        let c = cfg();
        let streams = vec![stream((0..50).collect())];
        let a = training_batch(&c, &streams, 7);
        assert_eq!(a, training_batch(&c, &streams, 7));
        assert_ne!(a, training_batch(&c, &streams, 8));
        for w in &a {
            assert_eq!(w.len(), 5);
            assert!(w.windows(2).all(|p| p[1] == p[0] + 1), "a window is consecutive text: {w:?}");
        }
        // A stream shorter than a window is padded with end-of-text.
        assert_eq!(training_batch(&c, &[stream(vec![7, 8])], 0)[0], vec![7, 8, EOT, EOT, EOT]);
        let v = validation_windows(&streams[0], 3, 4);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0][0], 0);
    }

    #[test]
    fn vocabulary_is_by_frequency_and_ids_follow_the_specials() {
        let doc = |s: &str| corpus::Document { sentences: vec![s.to_string()] };
        let src = Source { name: "x".into(), path: "p".into(), weight: 1.0, train: vec![doc("台湾大学"), doc("台湾"), doc("台")], valid: vec![] };
        let chars = character_vocabulary(std::slice::from_ref(&src), 2);
        assert_eq!(chars, vec!['台', '湾']);
        let t = TextEncoder::characters(&SPECIALS, &chars).unwrap();
        let ids = id_map(&t);
        assert_eq!(ids[&'台'], 2);
        assert_eq!(stream_of(&src.train[..1], &ids), vec![2, 3, UNK, UNK, EOT]);
        // The tokenizer reads text exactly as the training streams were built.
        assert_eq!(t.ids("台湾大学").unwrap(), vec![2, 3, UNK, UNK]);
    }

    #[test]
    fn a_few_steps_lower_the_loss_on_a_repeated_text() {
        let device = Device::flex().autodiff();
        let mut c = cfg();
        c.batch = 4;
        c.seq = 8;
        let streams = vec![stream([2u32, 3, 4, 5, 6, 7].repeat(20))];
        let mut model = build_model(&c, None, &device).unwrap();
        let mut optim = run::optimizer();
        let valid = validation_windows(&streams[0], 4, c.seq);
        let before = evaluate(&model.valid(), &valid, 4, &device.clone().inner());
        for step in 0..40 {
            let loss = lm_loss(&model, &training_batch(&c, &streams, step), &device);
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(1e-2, model, grads);
        }
        let after = evaluate(&model.valid(), &valid, 4, &device.inner());
        assert!(after.loss < before.loss * 0.5, "{before:?} → {after:?}");
        assert!(after.top1 > 0.9, "{after:?}");
    }

    #[test]
    fn a_snapshot_restores_the_run_in_f16_with_a_fresh_optimiser_and_a_rewarm() {
        let root = std::env::temp_dir().join(format!("sesame-gpt-snapshot-{}", std::process::id()));
        let (dir, snap, back) = (root.join("run"), root.join("snap"), root.join("back"));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(dir.join("ckpt")).unwrap();
        let c = cfg();
        run::write_json(&dir.join("run.json"), &c).unwrap();
        std::fs::write(dir.join("tokenizer.json"), b"{\"model\": {}}").unwrap();
        let device = Device::flex();
        let model = build_model(&c, None, &device).unwrap();
        std::fs::write(dir.join("ckpt/model.safetensors"), crate::model::weights::to_f32_safetensors(&model.export()).unwrap()).unwrap();
        let state = GptState { step: 60, tokens: 720, seconds: 3.5, rewarm_from: None };
        run::write_json(&dir.join("ckpt/state.json"), &state).unwrap();
        std::fs::write(dir.join("log.jsonl"), b"{\"step\":60}\n").unwrap();

        assert_eq!(snapshot(&dir, &snap).unwrap(), state);
        assert!(is_gpt_run(&snap) && is_gpt_run(&dir));
        let restored = restore(&snap, &back).unwrap();
        assert_eq!(restored, GptState { rewarm_from: Some(60), ..state.clone() });
        assert_eq!(run::read_json::<GptRunConfig>(&back.join("run.json")).unwrap(), c);
        for f in ["tokenizer.json", "log.jsonl"] {
            assert_eq!(std::fs::read(back.join(f)).unwrap(), std::fs::read(dir.join(f)).unwrap(), "{f}");
        }
        // The restored weights are the run's, to f16 precision: the same next-character losses.
        let again = build_model(&c, Some(&back.join("ckpt/model.safetensors")), &device).unwrap();
        let windows = vec![vec![2u32, 3, 4, 5, 6], vec![7, 2, 2, 3, 1]];
        let (a, b) = (evaluate(&model, &windows, 2, &device), evaluate(&again, &windows, 2, &device));
        assert!((a.loss - b.loss).abs() < 1e-3, "{a:?} vs {b:?}");
        // No optimiser state: a restored run starts AdamW afresh, any other run without one is broken.
        let ckpt = back.join("ckpt");
        assert!(!ckpt.join("optim.bpk").exists());
        assert!(run::resume_optimizer(&ckpt, run::optimizer(), true).is_ok());
        assert!(run::resume_optimizer(&ckpt, run::optimizer(), false).is_err());
        // The learning rate warms up again from the restored step, then follows the schedule.
        assert!((run::rewarm(restored.rewarm_from, 60) - 1.0 / run::REWARM_STEPS as f64).abs() < 1e-12);
        assert_eq!(run::rewarm(restored.rewarm_from, 60 + run::REWARM_STEPS), 1.0);
        assert_eq!(run::rewarm(None, 0), 1.0);
        assert!(restore(&snap, &back).is_err(), "an existing run is never overwritten");
        std::fs::write(root.join("run.json"), b"{\"corpus\": \"c\", \"tokenizer\": \"t\"}").unwrap();
        assert!(!is_gpt_run(&root), "a BERT run is not a GPT run");
        let _ = std::fs::remove_dir_all(&root);
    }
}
