//! The run-directory kit every trainer uses (BERT pretraining, the character GPT, QA fine-tuning,
//! the auto-encoders): the CPU backend a run computes on, `run.json` written once and read back on
//! resume, the JSON-lines log, checkpoints written atomically, AdamW, and small readers.
//!
//! A run directory holds `run.json` (the settings, written once), `log.jsonl` (one [`LogLine`]
//! per logged step or validation) and `ckpt/` (`model.safetensors` in f32 with HF names,
//! `optim.bpk` with AdamW's moments, `state.json` with the trainer's progress). A work session
//! ends after 3 hours; a run picks up where its last checkpoint left it.

use std::io::Write;
use std::path::Path;

use burn::module::{ModuleMapper, Param, ParamId};
use burn::optim::{AdamWConfig, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::Weights;

/// The CPU backend a run computes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn's `flex` backend (SIMD, rayon): the one the browser's CPU fallback uses too.
    Flex,
    /// burn's `ndarray` backend.
    Ndarray,
}

impl Backend {
    /// The autodiff training device on this backend.
    #[allow(deprecated)] // burn-ndarray is deprecated in favour of flex; it is kept for the comparison.
    pub fn device(self) -> Device {
        match self {
            Self::Flex => Device::flex().autodiff(),
            Self::Ndarray => Device::ndarray().autodiff(),
        }
    }
}

/// Gives parameters ids 1, 2, 3… in module order, so a model rebuilt from a checkpoint matches
/// the optimiser state saved with it (AdamW keys its moments by parameter id).
pub struct Renumber(pub u64);

impl ModuleMapper for Renumber {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        self.0 += 1;
        let (_, value, mapper) = param.consume();
        Param::from_mapped_value(ParamId::from(self.0), value, mapper)
    }
}

/// AdamW (weight decay 0.01, gradient norm clipped at 1) as BERT uses it; every trainer uses it.
pub fn optimizer() -> ModuleOptimizer {
    AdamWConfig::new()
        .with_weight_decay(0.01)
        .with_epsilon(1e-6)
        .with_grad_clipping(Some(burn::optim::grad_clipping::GradientClippingConfig::Norm(1.0)))
        .init()
}

/// One line of a run's `log.jsonl`, for every trainer: a *training* line (the mean loss since the
/// last line and the learning rate) or a *validation* line (`valid`: the trainer's own figures,
/// `E`). Fields a trainer does not keep are left out of the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogLine<E> {
    /// Steps done.
    pub step: usize,
    /// Tokens (characters, for the character GPT) seen so far; absent where a trainer does not count them.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tokens: Option<u64>,
    /// Training seconds so far.
    pub seconds: f64,
    /// Mean training loss since the last line; absent on validation lines.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub train_loss: Option<f64>,
    /// The masked-LM part of it (BERT pretraining, whose loss also has the sentence-pair part).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub train_mlm: Option<f64>,
    /// Learning rate at this step (training lines).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lr: Option<f64>,
    /// Validation figures (validation lines only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub valid: Option<E>,
}

impl<E> LogLine<E> {
    /// A training line: the mean `loss` since the last line at learning rate `lr`.
    pub fn training(step: usize, tokens: Option<u64>, seconds: f64, loss: f64, lr: f64) -> Self {
        Self { step, tokens, seconds, train_loss: Some(loss), train_mlm: None, lr: Some(lr), valid: None }
    }

    /// A validation line.
    pub fn validation(step: usize, tokens: Option<u64>, seconds: f64, valid: E) -> Self {
        Self { step, tokens, seconds, train_loss: None, train_mlm: None, lr: None, valid: Some(valid) }
    }
}

/// Appends one line to the `log.jsonl` of the run in `dir` (every trainer's log).
pub fn append_log<T: Serialize>(dir: &Path, line: &T) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("log.jsonl")).map_err(|e| e.to_string())?;
    writeln!(f, "{}", serde_json::to_string(line).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// Every line of the `log.jsonl` of the run in `dir` that reads as a `T`.
pub fn read_log<T: DeserializeOwned>(dir: &Path) -> Vec<T> {
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(dir.join("log.jsonl")).unwrap_or_default().lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    without_rewound(lines).into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect()
}

/// A resumed run starts again from its last checkpoint, so the steps it had logged after that
/// checkpoint before it stopped are logged twice: keep only the later lines (a line whose step is
/// below one already seen drops every earlier line from its step on).
fn without_rewound(lines: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    let step = |v: &serde_json::Value| v.get("step").and_then(serde_json::Value::as_u64);
    let mut out: Vec<serde_json::Value> = Vec::with_capacity(lines.len());
    let mut high = 0u64;
    for line in lines {
        if let Some(s) = step(&line) {
            if s < high {
                out.retain(|o| step(o).is_none_or(|x| x < s));
            }
            high = s.max(out.iter().filter_map(step).max().unwrap_or(0));
        }
        out.push(line);
    }
    out
}

/// Writes `dir/ckpt` (f32 weights, optimiser state, `state` as JSON) through a temporary
/// directory renamed at the end, so a run killed mid-write keeps its previous checkpoint.
pub fn write_checkpoint(dir: &Path, weights: &Weights, optim: &ModuleOptimizer, state: &impl Serialize) -> Result<(), String> {
    let tmp = dir.join("ckpt.tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let bytes = crate::model::weights::to_f32_safetensors(weights).map_err(|e| e.to_string())?;
    std::fs::write(tmp.join("model.safetensors"), bytes).map_err(|e| e.to_string())?;
    optim.save(tmp.join("optim.bpk")).map_err(|e| format!("saving optimiser state: {e:?}"))?;
    write_json(&tmp.join("state.json"), state)?;
    let ckpt = dir.join("ckpt");
    let _ = std::fs::remove_dir_all(&ckpt);
    std::fs::rename(&tmp, &ckpt).map_err(|e| e.to_string())
}

/// Steps over which a run restored from a weights-only snapshot warms its learning rate up
/// again while AdamW's moments are rebuilt.
pub const REWARM_STEPS: usize = 100;

/// The share of the scheduled learning rate used at `step` by a run restored at step `from`
/// ([`restore_snapshot`]): rising linearly over [`REWARM_STEPS`], then 1; 1 for a run never restored.
pub fn rewarm(from: Option<usize>, step: usize) -> f64 {
    from.map_or(1.0, |from| ((step.saturating_sub(from) + 1) as f64 / REWARM_STEPS as f64).min(1.0))
}

/// A trainer's progress (`ckpt/state.json`) as a snapshot carries it.
pub trait Progress: Serialize + DeserializeOwned {
    /// Marks the progress as restored from a weights-only snapshot at its current step, so that
    /// the learning rate warms up again from there ([`rewarm`]).
    fn mark_restored(&mut self);
}

/// Writes a weights-only snapshot of the run in `dir` into `to`, small enough to commit: the
/// checkpoint's weights in f16 (`model.f16.safetensors`), its `state.json`, the run's settings
/// `run` (as `run.json`), its `tokenizer` (as `tokenizer.json`) and its `log.jsonl`. Machines do not keep ignored
/// files between sessions; a snapshot in git lets a new machine continue the run
/// ([`restore_snapshot`]) instead of training again from step 0.
pub fn write_snapshot<S: Progress>(dir: &Path, to: &Path, tokenizer: &Path, run: &impl Serialize) -> Result<S, String> {
    let ckpt = dir.join("ckpt");
    let state: S = read_json(&ckpt.join("state.json"))?;
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let weights = read_weights(&ckpt.join("model.safetensors"))?;
    std::fs::write(to.join("model.f16.safetensors"), crate::model::weights::to_f16_safetensors(&weights).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    std::fs::copy(tokenizer, to.join("tokenizer.json")).map_err(|e| format!("{}: {e}", tokenizer.display()))?;
    write_json(&to.join("run.json"), run)?;
    write_json(&to.join("state.json"), &state)?;
    // The curve so far, so a restored run's card draws it from step 0.
    if dir.join("log.jsonl").exists() {
        std::fs::copy(dir.join("log.jsonl"), to.join("log.jsonl")).map_err(|e| e.to_string())?;
    }
    Ok(state)
}

/// Re-creates the checkpoint of a run directory `dir` from a snapshot in `from` ([`write_snapshot`]):
/// weights f16 → f32, the progress marked restored, the tokenizer copied to `dir/tokenizer.json`;
/// no optimiser state, so the trainer starts AdamW afresh and re-warms. The caller writes
/// `run.json`. A directory that already holds a run is never overwritten.
pub fn restore_snapshot<S: Progress>(from: &Path, dir: &Path) -> Result<S, String> {
    if dir.join("run.json").exists() {
        return Err(format!("{} already holds a run", dir.display()));
    }
    let mut state: S = read_json(&from.join("state.json"))?;
    let ckpt = dir.join("ckpt");
    std::fs::create_dir_all(&ckpt).map_err(|e| e.to_string())?;
    std::fs::copy(from.join("tokenizer.json"), dir.join("tokenizer.json")).map_err(|e| e.to_string())?;
    let weights = read_weights(&from.join("model.f16.safetensors"))?;
    std::fs::write(ckpt.join("model.safetensors"), crate::model::weights::to_f32_safetensors(&weights).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    state.mark_restored();
    write_json(&ckpt.join("state.json"), &state)?;
    if from.join("log.jsonl").exists() {
        std::fs::copy(from.join("log.jsonl"), dir.join("log.jsonl")).map_err(|e| e.to_string())?;
    }
    Ok(state)
}

/// Loads the optimiser state of a checkpoint being resumed: a run restored from a weights-only
/// snapshot has none until its first checkpoint and starts afresh (`restored`); any other run
/// without one is an error.
pub fn resume_optimizer(ckpt: &Path, optim: ModuleOptimizer, restored: bool) -> Result<ModuleOptimizer, String> {
    if ckpt.join("optim.bpk").exists() {
        optim.load(ckpt.join("optim.bpk")).map_err(|e| format!("loading optimiser state: {e:?}"))
    } else if restored {
        Ok(optim)
    } else {
        Err(format!("{} has no optimiser state", ckpt.display()))
    }
}

/// A run's settings: read from `dir/run.json` when it exists (a resumed run), or `fresh`,
/// written there (a new run). Any training loop's settings type works.
pub fn load_or_create<T: Serialize + DeserializeOwned>(dir: &Path, fresh: Option<T>) -> Result<T, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let run_json = dir.join("run.json");
    if run_json.exists() {
        eprintln!("resuming {} (settings from run.json)", dir.display());
        return serde_json::from_slice(&std::fs::read(&run_json).map_err(|e| e.to_string())?).map_err(|e| format!("{}: {e}", run_json.display()));
    }
    let c = fresh.ok_or("no run.json in the run directory and no settings given")?;
    write_json(&run_json, &c)?;
    Ok(c)
}

/// Writes `value` as pretty JSON to `path` (a `run.json`, a `state.json`).
pub fn write_json(path: &Path, value: &impl Serialize) -> Result<(), String> {
    std::fs::write(path, serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// Reads a JSON file (a `config.json`, a `run.json`) as a `T`.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a safetensors file.
pub fn read_weights(path: &Path) -> Result<Weights, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Weights::from_safetensors(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The value of a one-element tensor (NaN if it cannot be read), shared by the trainers.
pub fn scalar(t: Tensor<1>) -> f64 {
    t.into_data().convert::<f64>().try_to_vec::<f64>().map(|v| v[0]).unwrap_or(f64::NAN)
}

/// Learning rate at `step` of `total`: linear warm-up over `warmup` (a share of all steps) to
/// `peak`, then linear decay to zero (BERT's fine-tuning schedule).
pub fn linear_schedule(peak: f64, warmup: f64, step: usize, total: usize) -> f64 {
    let warm = ((total as f64 * warmup).round() as usize).max(1);
    if step < warm {
        peak * (step + 1) as f64 / warm as f64
    } else {
        peak * (total.saturating_sub(step)) as f64 / (total - warm).max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_runs_repeated_steps_keep_the_later_lines() {
        let lines: Vec<serde_json::Value> = [(700, "a"), (750, "a"), (750, "v"), (770, "a"), (710, "b"), (750, "b"), (750, "v2"), (800, "b")]
            .iter()
            .map(|(s, k)| serde_json::json!({"step": s, "k": k}))
            .collect();
        let kept: Vec<(u64, String)> = without_rewound(lines).iter().map(|v| (v["step"].as_u64().unwrap(), v["k"].as_str().unwrap().to_string())).collect();
        let want: Vec<(u64, String)> = [(700, "a"), (710, "b"), (750, "b"), (750, "v2"), (800, "b")].iter().map(|(s, k)| (*s, k.to_string())).collect();
        assert_eq!(kept, want);
    }
}
