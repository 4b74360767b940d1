//! Native training of the image auto-encoders (the same [`crate::model::autoencoder`] and
//! [`crate::model::vqvae`] the pages run): AdamW on per-image MSE, optional input noise
//! (Gaussian and/or salt-and-pepper: a denoising auto-encoder), optional one class only (the
//! "normal" class of anomaly detection), with a loss log, test-set evaluation after every epoch,
//! and checkpoints a run resumes from. A VQ-VAE run also moves its codebook by moving averages.
//!
//! A run directory holds `run.json` (settings), `log.jsonl` (training loss every 20 steps, test
//! MSE after every epoch) and `ckpt/` (f32 weights, optimiser state, progress).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::{Module, Param};
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::autoencoder_images::ImageSet;
use super::run::write_checkpoint;
use crate::model::autoencoder::{per_image_mse, Autoencoder, AutoencoderConfig, IMAGE_SIDE};
use crate::model::vit::{Vit, VitConfig, VitObjective};
use crate::model::vqvae::{VqVae, VqVaeConfig};
use crate::task::augment::Augment;
use crate::model::weights::{WeightError, Weights};
use crate::task::autoencoder_images::Noise;
use crate::rng::Rng;

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
    /// Largest standard deviation of Gaussian noise added to the input (0: a plain
    /// auto-encoder; the target is always the clean image). Each image draws its level
    /// uniformly from 0 to this.
    pub noise: f32,
    /// Largest fraction of salt-and-pepper pixels (0: none). With both kinds, each image gets
    /// one of them at random.
    #[serde(default)]
    pub salt: f32,
    /// Train a VQ-VAE of this shape instead of the convolutional auto-encoder `model`.
    #[serde(default)]
    pub vq: Option<VqVaeConfig>,
    /// Train on this class only (one-class anomaly detection); `None`: every class.
    pub normal_class: Option<u8>,
    /// Train a Vision Transformer with this self-supervised objective instead (the `/vision`
    /// page's models; `model`, `noise` and `salt` are then unused).
    #[serde(default)]
    pub vit: Option<VitTraining>,
}

/// A ViT run: the model's shape and what it learns from unlabelled images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VitTraining {
    /// The encoder and heads.
    pub model: VitConfig,
    /// The self-supervised task.
    pub objective: VitObjective,
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
    /// A VQ-VAE's codebook statistics (moving averages).
    #[serde(default)]
    pub codebook: Option<CodebookEma>,
}

/// Moving averages behind a VQ-VAE codebook: each entry is `sums[k] / counts[k]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodebookEma {
    /// Decayed number of encoder vectors assigned to each entry, `[K]`.
    pub counts: Vec<f32>,
    /// Decayed sum of those vectors, `[K·D]`.
    pub sums: Vec<f32>,
}

/// Decay of the codebook moving averages.
const EMA_DECAY: f32 = 0.99;
/// Weight of the commitment loss (the encoder is pulled towards its codes).
const COMMITMENT: f32 = 0.25;

/// What the training loop needs of a model: its loss on a batch, its reconstructions, and its
/// weights for checkpoints.
pub trait ImageModel: Module + Sized {
    /// The model with fresh weights.
    fn fresh(cfg: &AeRunConfig, device: &Device) -> Self;
    /// The model from checkpoint weights.
    fn load(cfg: &AeRunConfig, w: &mut Weights, device: &Device) -> Result<Self, WeightError>;
    /// Training loss of one batch (`[1]`); may update non-gradient state (a codebook) in place.
    fn loss(&mut self, cfg: &AeRunConfig, input: Tensor<4>, clean: Tensor<4>, state: &mut AeState, rng: &mut Rng) -> Tensor<1>;
    /// The test figure of one batch, summed over its images (`[1]`): by default the
    /// reconstruction MSE.
    fn test_loss(&self, _cfg: &AeRunConfig, input: Tensor<4>, clean: Tensor<4>, _rng: &mut Rng) -> Tensor<1> {
        per_image_mse(self.reconstruct(input), clean).sum()
    }
    /// Reconstructions `[B, 1, 28, 28]`.
    fn reconstruct(&self, images: Tensor<4>) -> Tensor<4>;
    /// Named tensors (PyTorch layout).
    fn weights(&self) -> Weights;
}

impl ImageModel for Autoencoder {
    fn fresh(cfg: &AeRunConfig, device: &Device) -> Self {
        cfg.model.init(device)
    }
    fn load(cfg: &AeRunConfig, w: &mut Weights, device: &Device) -> Result<Self, WeightError> {
        Autoencoder::load(&cfg.model, w, device)
    }
    fn loss(&mut self, _: &AeRunConfig, input: Tensor<4>, clean: Tensor<4>, _: &mut AeState, _: &mut Rng) -> Tensor<1> {
        per_image_mse(self.forward(input), clean).mean()
    }
    fn reconstruct(&self, images: Tensor<4>) -> Tensor<4> {
        self.forward(images)
    }
    fn weights(&self) -> Weights {
        self.export()
    }
}

impl ImageModel for VqVae {
    fn fresh(cfg: &AeRunConfig, device: &Device) -> Self {
        cfg.vq.clone().unwrap_or_default().init(device)
    }
    fn load(cfg: &AeRunConfig, w: &mut Weights, device: &Device) -> Result<Self, WeightError> {
        VqVae::load(&cfg.vq.clone().unwrap_or_default(), w, device)
    }
    fn loss(&mut self, _: &AeRunConfig, input: Tensor<4>, clean: Tensor<4>, state: &mut AeState, rng: &mut Rng) -> Tensor<1> {
        let z = self.encode(input); // [B, D, 7, 7]
        let [b, d, h, w] = z.dims();
        let flat: Vec<f32> = read(z.clone().detach().permute([0, 2, 3, 1]).reshape([b * h * w, d])); // [N·D]
        if state.codebook.is_none() {
            // First step: the codebook starts as encoder vectors picked at random.
            let k = self.codes();
            let mut sums = Vec::with_capacity(k * d);
            for _ in 0..k {
                let i = rng.below(b * h * w);
                sums.extend_from_slice(&flat[i * d..(i + 1) * d]);
            }
            state.codebook = Some(CodebookEma { counts: vec![1.0; k], sums });
            self.set_codebook(state.codebook.as_ref().unwrap(), d);
        }
        let qz = self.quantize(z.clone());
        let codes: Vec<i64> = qz.codes.clone().into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_default();
        // Straight-through: the decoder sees q, the encoder gets the decoder's gradient as if q were z.
        let q_st = z.clone() + (qz.q.clone() - z.clone()).detach();
        let recon = per_image_mse(self.decode(q_st), clean).mean();
        let commit = (z - qz.q.detach()).powi_scalar(2).mean();
        let ema = state.codebook.as_mut().expect("codebook initialised");
        update_codebook(ema, &flat, &codes, d, state.step, rng);
        self.set_codebook(ema, d);
        recon + commit * COMMITMENT
    }
    fn reconstruct(&self, images: Tensor<4>) -> Tensor<4> {
        self.forward(images).0
    }
    fn weights(&self) -> Weights {
        self.export()
    }
}

impl ImageModel for Vit {
    fn fresh(cfg: &AeRunConfig, device: &Device) -> Self {
        vit_training(cfg).model.init(device)
    }
    fn load(cfg: &AeRunConfig, w: &mut Weights, device: &Device) -> Result<Self, WeightError> {
        vit_training(cfg).model.load(w, device)
    }
    fn loss(&mut self, cfg: &AeRunConfig, _: Tensor<4>, clean: Tensor<4>, _: &mut AeState, rng: &mut Rng) -> Tensor<1> {
        vit_loss(self, cfg, clean, rng)
    }
    fn test_loss(&self, cfg: &AeRunConfig, _: Tensor<4>, clean: Tensor<4>, rng: &mut Rng) -> Tensor<1> {
        let b = clean.dims()[0] as f32;
        vit_loss(self, cfg, clean, rng) * b
    }
    fn reconstruct(&self, images: Tensor<4>) -> Tensor<4> {
        let [b, ..] = images.dims();
        let device = images.device();
        self.reconstruct(images, Tensor::zeros([b, self.encoder.embeddings.position_embeddings.weight.dims()[0]], &device))
    }
    fn weights(&self) -> Weights {
        self.export()
    }
}

/// The ViT settings of a run (only called for ViT runs).
fn vit_training(cfg: &AeRunConfig) -> &VitTraining {
    cfg.vit.as_ref().expect("a ViT run")
}

/// The objective's loss on clean images `[B, 1, 28, 28]`, its random choices (hidden patches,
/// views) drawn from `rng` (mean over the batch, `[1]`).
fn vit_loss(model: &Vit, cfg: &AeRunConfig, clean: Tensor<4>, rng: &mut Rng) -> Tensor<1> {
    let vit = vit_training(cfg);
    let [b, ..] = clean.dims();
    let device = clean.device();
    match vit.objective {
        VitObjective::MaskedPatch { ratio } => {
            let n = vit.model.patches();
            let mask = random_patch_mask(b, n, ratio, rng);
            model.masked_patch_loss(clean, Tensor::from_data(TensorData::new(mask, [b, n]), &device))
        }
        VitObjective::Contrastive { temperature } => {
            let images = read(clean);
            let augment = Augment::default();
            let mut views = (Vec::with_capacity(images.len()), Vec::with_capacity(images.len()));
            for image in images.chunks(IMAGE_SIDE * IMAGE_SIDE) {
                views.0.extend(augment.view(image, rng));
                views.1.extend(augment.view(image, rng));
            }
            let shape = [b, 1, IMAGE_SIDE, IMAGE_SIDE];
            let tensor = |v: Vec<f32>| Tensor::from_data(TensorData::new(v, shape), &device);
            model.contrastive_loss(tensor(views.0), tensor(views.1), temperature)
        }
    }
}

/// `[B·N]` hidden-patch flags (1 hidden, 0 seen): `round(ratio · N)` patches of each image, at
/// least one and at most `N`, chosen at random.
pub fn random_patch_mask(b: usize, n: usize, ratio: f32, rng: &mut Rng) -> Vec<f32> {
    let hide = ((ratio * n as f32).round() as usize).clamp(1, n);
    let mut mask = vec![0.0; b * n];
    for row in mask.chunks_mut(n) {
        let mut order: Vec<usize> = (0..n).collect();
        for i in 0..hide {
            order.swap(i, i + rng.below(n - i));
            row[order[i]] = 1.0;
        }
    }
    mask
}

impl VqVae {
    /// Replaces the codebook with `ema`'s averages (Laplace-smoothed counts).
    fn set_codebook(&mut self, ema: &CodebookEma, d: usize) {
        let k = ema.counts.len();
        let n: f32 = ema.counts.iter().sum();
        let eps = 1e-5;
        let book: Vec<f32> = (0..k * d).map(|i| {
            let c = (ema.counts[i / d] + eps) / (n + k as f32 * eps) * n;
            ema.sums[i] / c
        }).collect();
        let device = self.codebook.device();
        self.codebook = Param::from_tensor(Tensor::from_data(TensorData::new(book, [k, d]), &device)).set_require_grad(false);
    }
}

/// One moving-average step of the codebook; every 100 steps, entries nobody uses are restarted
/// at encoder vectors of this batch (so every code stays in play).
fn update_codebook(ema: &mut CodebookEma, flat: &[f32], codes: &[i64], d: usize, step: usize, rng: &mut Rng) {
    let k = ema.counts.len();
    let mut counts = vec![0f32; k];
    let mut sums = vec![0f32; k * d];
    for (i, &c) in codes.iter().enumerate() {
        let c = c as usize;
        counts[c] += 1.0;
        for j in 0..d {
            sums[c * d + j] += flat[i * d + j];
        }
    }
    for c in 0..k {
        ema.counts[c] = EMA_DECAY * ema.counts[c] + (1.0 - EMA_DECAY) * counts[c];
    }
    for (s, new) in ema.sums.iter_mut().zip(sums) {
        *s = EMA_DECAY * *s + (1.0 - EMA_DECAY) * new;
    }
    if step % 100 == 99 {
        let mean = ema.counts.iter().sum::<f32>() / k as f32;
        for c in 0..k {
            if ema.counts[c] < 0.03 * mean {
                let i = rng.below(codes.len());
                ema.counts[c] = 1.0;
                ema.sums[c * d..(c + 1) * d].copy_from_slice(&flat[i * d..(i + 1) * d]);
            }
        }
    }
}

/// A tensor's values (native: a synchronous read).
fn read<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default()
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

/// `[n, 1, 28, 28]` tensors (noisy input, clean target) of the images `ids` of `set`. Each image
/// gets Gaussian noise of a level drawn from `0..noise` or salt-and-pepper from `0..salt` (one of
/// the two at random when both are set); `fixed` uses the full levels instead (evaluation).
fn batch(set: &ImageSet, ids: &[usize], (noise, salt): (f32, f32), fixed: bool, rng: &mut Rng, device: &Device) -> (Tensor<4>, Tensor<4>) {
    let clean: Vec<f32> = ids.iter().flat_map(|&i| set.image(i)).collect();
    let shape = [ids.len(), 1, IMAGE_SIDE, IMAGE_SIDE];
    let mut noisy = clean.clone();
    if noise > 0.0 || salt > 0.0 {
        for img in noisy.chunks_mut(IMAGE_SIDE * IMAGE_SIDE) {
            let gaussian = salt <= 0.0 || (noise > 0.0 && rng.unit() < 0.5);
            let level = if fixed { 1.0 } else { rng.unit() as f32 };
            let kind = if gaussian { Noise::Gaussian(noise * level) } else { Noise::SaltPepper(salt * level) };
            kind.apply(img, rng);
        }
    }
    (Tensor::from_data(TensorData::new(noisy, shape), device), Tensor::from_data(TensorData::new(clean, shape), device))
}

/// Mean per-image test figure of `model` on `set`: the reconstruction MSE (clean inputs, or
/// noisy ones at the run's full noise levels; the target is the clean image), or a ViT's
/// objective with fixed random choices.
pub fn evaluate<M: ImageModel>(model: &M, cfg: &AeRunConfig, set: &ImageSet, device: &Device) -> f64 {
    let (class, noise) = (cfg.normal_class, (cfg.noise, cfg.salt));
    let ids = indices(set, class);
    let mut rng = Rng::new(0x7E57);
    let mut total = 0.0;
    for chunk in ids.chunks(500) {
        let (input, clean) = batch(set, chunk, noise, true, &mut rng, device);
        total += read(model.test_loss(cfg, input, clean, &mut rng))[0] as f64;
    }
    total / ids.len().max(1) as f64
}

/// Trains (or resumes) the run in `dir` for at most `minutes`, or until its epochs are done.
/// `fresh` gives the settings when the directory has no `run.json` yet.
pub fn train(dir: &Path, fresh: Option<AeRunConfig>, minutes: f64) -> Result<AeState, String> {
    let cfg = run_config(dir, fresh)?;
    match (&cfg.vit, &cfg.vq) {
        (Some(_), _) => train_model::<Vit>(dir, &cfg, minutes),
        (None, Some(_)) => train_model::<VqVae>(dir, &cfg, minutes),
        (None, None) => train_model::<Autoencoder>(dir, &cfg, minutes),
    }
}

/// The run's settings: `run.json`, written from `fresh` on the first call.
pub fn run_config(dir: &Path, fresh: Option<AeRunConfig>) -> Result<AeRunConfig, String> {
    super::run::load_or_create(dir, fresh)
}

fn train_model<M: ImageModel>(dir: &Path, cfg: &AeRunConfig, minutes: f64) -> Result<AeState, String> {
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
        let model = M::load(cfg, &mut w, &device).map_err(|e| e.to_string())?;
        let optim = AdamWConfig::new().init().load(ckpt.join("optim.bpk")).map_err(|e| format!("loading optimiser state: {e:?}"))?;
        let state: AeState = serde_json::from_slice(&std::fs::read(ckpt.join("state.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        eprintln!("resuming {} at step {}", dir.display(), state.step);
        (model, optim, state)
    } else {
        device.seed(cfg.seed);
        (M::fresh(cfg, &device), AdamWConfig::new().init(), AeState::default())
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
        let (input, clean) = batch(&train_set, ids, (cfg.noise, cfg.salt), false, &mut noise_rng, &device);
        let t0 = Instant::now();
        let loss = model.loss(cfg, input, clean, &mut state, &mut noise_rng);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(cfg.lr, model, grads);
        state.seconds += t0.elapsed().as_secs_f64();
        window.0 += read(loss).first().map_or(f64::NAN, |&v| v as f64);
        window.1 += 1;
        state.step += 1;
        if state.step % 20 == 0 {
            writeln!(log, "{}", serde_json::json!({"step": state.step, "epoch": epoch, "loss": window.0 / window.1 as f64})).map_err(|e| e.to_string())?;
            window = (0.0, 0);
        }
        if state.step % per_epoch == 0 || state.step == total {
            let mse = evaluate(&model.valid(), cfg, &test_set, &device.clone().inner());
            state.test_mse = Some(mse);
            let figure = match &cfg.vit {
                Some(VitTraining { objective: VitObjective::Contrastive { .. }, .. }) => "test_nt_xent",
                Some(_) => "test_masked_mse",
                None => "test_mse",
            };
            eprintln!("epoch {} done (step {}): {figure} {mse:.5}", epoch + 1, state.step);
            writeln!(log, "{}", serde_json::json!({"step": state.step, "epoch": epoch + 1, figure: mse})).map_err(|e| e.to_string())?;
            write_checkpoint(dir, &model.weights(), &optim, &state)?;
        }
    }
    write_checkpoint(dir, &model.weights(), &optim, &state)?;
    Ok(state)
}
