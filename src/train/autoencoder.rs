//! Native training of the convolutional auto-encoders (the same [`crate::model::autoencoder`]
//! the pages will run): AdamW on per-image MSE, optional input noise (a denoising auto-encoder),
//! optional one class only (the "normal" class of anomaly detection), with a loss log, test-set
//! evaluation after every epoch, and checkpoints a run resumes from.
//!
//! A run directory holds `run.json` (settings), `log.jsonl` (training loss every 20 steps, test
//! MSE after every epoch) and `ckpt/` (f32 weights, optimiser state, progress).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::images::ImageSet;
use crate::model::autoencoder::{per_image_mse, Autoencoder, AutoencoderConfig, IMAGE_SIDE};
use super::run::write_checkpoint;
use crate::model::weights::Weights;
use crate::task::masking::Rng;

/// Settings of an auto-encoder run (`run.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AeRunConfig {
    /// Folder with the idx files (`../shared/data/images/mnist` or `.../fashion-mnist`).
    pub data: PathBuf,
    /// The model's shape.
    pub model: AutoencoderConfig,
    /// Images per step.
    pub batch: usize,
    /// Passes over the training images.
    pub epochs: usize,
    /// AdamW learning rate (constant).
    pub lr: f64,
    /// Seed of the shuffling and the noise.
    pub seed: u64,
    /// Standard deviation of Gaussian noise added to the input (0: a plain auto-encoder; the
    /// target is always the clean image).
    pub noise: f32,
    /// Train on this class only (one-class anomaly detection); `None`: every class.
    pub normal_class: Option<u8>,
}

/// Progress of a run (`ckpt/state.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AeState {
    /// Optimiser steps done.
    pub step: usize,
    /// Wall-clock seconds spent training.
    pub seconds: f64,
    /// Test-set MSE after the last finished epoch.
    pub test_mse: Option<f64>,
}

impl AeRunConfig {
    /// Steps in one epoch over `n` training images.
    pub fn steps_per_epoch(&self, n: usize) -> usize {
        n.div_ceil(self.batch)
    }
}

/// The images of `set` (of `class` only, if given) as indices.
fn indices(set: &ImageSet, class: Option<u8>) -> Vec<usize> {
    (0..set.len()).filter(|&i| class.is_none_or(|c| set.labels[i] == c)).collect()
}

/// `[n, 1, 28, 28]` tensor of the images `ids` of `set`, plus Gaussian noise of std `noise`.
fn batch(set: &ImageSet, ids: &[usize], noise: f32, rng: &mut Rng, device: &Device) -> (Tensor<4>, Tensor<4>) {
    let clean: Vec<f32> = ids.iter().flat_map(|&i| set.image(i)).collect();
    let shape = [ids.len(), 1, IMAGE_SIDE, IMAGE_SIDE];
    let noisy: Vec<f32> = if noise > 0.0 {
        clean.iter().map(|&p| (p + noise * gaussian(rng)).clamp(0.0, 1.0)).collect()
    } else {
        clean.clone()
    };
    (Tensor::from_data(TensorData::new(noisy, shape), device), Tensor::from_data(TensorData::new(clean, shape), device))
}

/// A standard normal sample (Box–Muller).
fn gaussian(rng: &mut Rng) -> f32 {
    let u1 = rng.unit().max(1e-12);
    let u2 = rng.unit();
    ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
}

/// Mean per-image MSE of `model` on `set` (clean inputs, or noisy ones with `noise`).
pub fn evaluate(model: &Autoencoder, set: &ImageSet, class: Option<u8>, noise: f32, device: &Device) -> f64 {
    let ids = indices(set, class);
    let mut rng = Rng::new(0x7E57);
    let mut total = 0.0;
    for chunk in ids.chunks(500) {
        let (input, clean) = batch(set, chunk, noise, &mut rng, device);
        let mse = per_image_mse(model.forward(input), clean).sum();
        total += mse.into_data().convert::<f32>().try_to_vec::<f32>().map(|v| v[0] as f64).unwrap_or(f64::NAN);
    }
    total / ids.len().max(1) as f64
}

/// Trains (or resumes) the run in `dir` for at most `minutes`, or until its epochs are done.
/// `fresh` gives the settings when the directory has no `run.json` yet.
pub fn train(dir: &Path, fresh: Option<AeRunConfig>, minutes: f64) -> Result<AeState, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let run_json = dir.join("run.json");
    let cfg: AeRunConfig = if run_json.exists() {
        serde_json::from_slice(&std::fs::read(&run_json).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?
    } else {
        let c = fresh.ok_or("no run.json in the run directory and no settings given")?;
        std::fs::write(&run_json, serde_json::to_vec_pretty(&c).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        c
    };
    let train_set = ImageSet::split(&cfg.data, "train")?;
    let test_set = ImageSet::split(&cfg.data, "test")?;
    let train_ids = indices(&train_set, cfg.normal_class);
    if train_ids.is_empty() {
        return Err(format!("no training images of class {:?}", cfg.normal_class));
    }
    let device = Device::flex().autodiff();
    let ckpt = dir.join("ckpt");
    let (mut model, mut optim, mut state) = if ckpt.join("state.json").exists() {
        let mut w = Weights::from_safetensors(&std::fs::read(ckpt.join("model.safetensors")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let model = Autoencoder::load(&cfg.model, &mut w, &device).map_err(|e| e.to_string())?;
        let optim = AdamWConfig::new().init().load(ckpt.join("optim.bpk")).map_err(|e| format!("loading optimiser state: {e:?}"))?;
        let state: AeState = serde_json::from_slice(&std::fs::read(ckpt.join("state.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        eprintln!("resuming {} at step {}", dir.display(), state.step);
        (model, optim, state)
    } else {
        device.seed(cfg.seed);
        (cfg.model.init(&device), AdamWConfig::new().init(), AeState::default())
    };
    let per_epoch = cfg.steps_per_epoch(train_ids.len());
    let total = per_epoch * cfg.epochs;
    let mut log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("log.jsonl")).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let budget = minutes * 60.0;
    let mut window = (0.0f64, 0usize);
    let mut order: (Option<usize>, Vec<usize>) = (None, Vec::new()); // (epoch, its image order)
    while state.step < total && start.elapsed().as_secs_f64() < budget {
        let (epoch, k) = (state.step / per_epoch, state.step % per_epoch);
        if order.0 != Some(epoch) {
            // Each epoch's order depends only on (seed, epoch): a resumed run continues the same stream.
            let mut ids = train_ids.clone();
            let mut rng = Rng::new(cfg.seed.wrapping_mul(1_000_003).wrapping_add(epoch as u64));
            for i in (1..ids.len()).rev() {
                ids.swap(i, rng.below(i + 1));
            }
            order = (Some(epoch), ids);
        }
        let order = &order.1;
        let ids = &order[k * cfg.batch..((k + 1) * cfg.batch).min(order.len())];
        let mut noise_rng = Rng::new(cfg.seed ^ (state.step as u64).wrapping_mul(0x9E37_79B9));
        let (input, clean) = batch(&train_set, ids, cfg.noise, &mut noise_rng, &device);
        let t0 = Instant::now();
        let loss = per_image_mse(model.forward(input), clean).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(cfg.lr, model, grads);
        state.seconds += t0.elapsed().as_secs_f64();
        window.0 += loss.into_data().convert::<f32>().try_to_vec::<f32>().map(|v| v[0] as f64).unwrap_or(f64::NAN);
        window.1 += 1;
        state.step += 1;
        if state.step % 20 == 0 {
            writeln!(log, "{}", serde_json::json!({"step": state.step, "epoch": epoch, "loss": window.0 / window.1 as f64})).map_err(|e| e.to_string())?;
            window = (0.0, 0);
        }
        if state.step % per_epoch == 0 || state.step == total {
            let mse = evaluate(&model.valid(), &test_set, cfg.normal_class, cfg.noise, &device.clone().inner());
            state.test_mse = Some(mse);
            eprintln!("epoch {} done (step {}): test MSE {mse:.5}", epoch + 1, state.step);
            writeln!(log, "{}", serde_json::json!({"step": state.step, "epoch": epoch + 1, "test_mse": mse})).map_err(|e| e.to_string())?;
            write_checkpoint(dir, &model.export(), &optim, &state)?;
        }
    }
    write_checkpoint(dir, &model.export(), &optim, &state)?;
    Ok(state)
}
