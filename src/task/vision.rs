//! Self-supervision beyond text (the `/vision` page and `sesame-train vit-export`): the shipped
//! Vision Transformers, their card, and what the page asks of them — a picture with some patches
//! hidden and the model's guess for them, and one vector per image for the map and the probes.

use std::collections::BTreeMap;

use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::model::autoencoder::IMAGE_SIDE;
use crate::model::vit::{Vit, VitConfig, VitObjective};
use crate::model::weights::Weights;
use crate::task::autoencoder_images::{ImageSet, PIXELS};
use crate::task::device::read_f32;

/// Images per device call when embedding a set (small enough that the page gets a turn between
/// chunks on the CPU path).
const CHUNK: usize = 100;

thread_local! {
    /// The ViT device calls waiting or under way, in arrival order; the first holds the device.
    /// The page runs three jobs at once (a guess, a pair of views, a thousand embeddings for the
    /// map); on WebGPU one job's pending read-back and another job's submission can meet on a
    /// reused buffer ("used in submit while pending map", which poisons the device), so each
    /// device call takes its turn ([`device_turn`]), first come first served: the map's chunks
    /// queue behind a click instead of taking the device back at once.
    static DEVICE_QUEUE: std::cell::RefCell<std::collections::VecDeque<u64>> = const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
    /// The next ticket number.
    static NEXT_TICKET: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A place in the device queue; dropping it (done, or a cancelled task dropped while waiting or
/// holding) leaves the queue.
struct Turn(u64);

impl Drop for Turn {
    fn drop(&mut self) {
        DEVICE_QUEUE.with(|q| q.borrow_mut().retain(|&t| t != self.0));
    }
}

/// Queues for the device and waits (giving the browser turns) until every call queued before
/// this one is done.
async fn device_turn() -> Turn {
    let ticket = NEXT_TICKET.with(|n| n.replace(n.get() + 1));
    DEVICE_QUEUE.with(|q| q.borrow_mut().push_back(ticket));
    let turn = Turn(ticket);
    while DEVICE_QUEUE.with(|q| q.borrow().front() != Some(&ticket)) {
        crate::task::yield_to_browser().await;
    }
    turn
}

/// The card of the shipped ViTs (`assets/models/vit/v1/card.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisionCard {
    /// Manifest id.
    pub id: String,
    /// Version directory.
    pub version: String,
    /// Human name.
    pub name: String,
    /// Where the images come from and which splits the figures use.
    pub data: String,
    /// One entry per weights file.
    pub models: Vec<VisionCardModel>,
    /// The lecture's claim, measured: linear-probe test accuracy per representation, per set.
    pub probes: Vec<ProbeTable>,
    /// The commands that rebuild every file.
    pub reproduce: String,
}

/// One shipped ViT: shape, objective, training and figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisionCardModel {
    /// Weights file in the version directory.
    pub file: String,
    /// The image set it learnt from (`mnist` or `fashion-mnist`), without labels.
    pub data: String,
    /// The model's shape.
    pub config: VitConfig,
    /// What it learnt from.
    pub objective: VitObjective,
    /// Images per step.
    pub batch: usize,
    /// Passes over the 60,000 training images.
    pub epochs: usize,
    /// AdamW learning rate (constant).
    pub lr: f64,
    /// Seed.
    pub seed: u64,
    /// Optimiser steps.
    pub steps: usize,
    /// Seconds of training (2 CPU cores).
    pub seconds: f64,
    /// Mean training loss of the last 20 steps.
    pub final_train_loss: f64,
    /// The objective on the test split after each epoch (masked MSE or NT-Xent, f32 weights).
    pub test_loss_per_epoch: Vec<f64>,
    /// (step, training loss), at most 100 points.
    pub loss_curve: Vec<(usize, f64)>,
    /// sha256 of the weights file.
    pub sha256: String,
    /// Figures of the shipped f16 weights on the full test split (`test_loss`).
    pub figures: BTreeMap<String, f64>,
}

/// Linear probes on one image set: a softmax classifier trained on a few labelled training
/// images' features, judged on every test image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeTable {
    /// `mnist` or `fashion-mnist`.
    pub data: String,
    /// Labelled training images per column (balanced over the ten classes).
    pub labels: Vec<usize>,
    /// Disjoint draws of labelled images averaged per cell.
    pub draws: usize,
    /// Test images each classifier is judged on.
    pub test_images: usize,
    /// One row per representation.
    pub rows: Vec<ProbeRow>,
}

/// One representation's probe accuracies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeRow {
    /// `masked` (masked-patch ViT), `contrastive`, `autoencoder` (the auto-encoder's 32-number
    /// code), `pixels` (the raw 784 pixels) or `random` (the ViT with its initial weights).
    pub method: String,
    /// Length of the feature vector.
    pub dims: usize,
    /// Mean test accuracy (0..1) per column of [`ProbeTable::labels`].
    pub accuracy: Vec<f64>,
    /// Standard deviation over the draws per column.
    pub spread: Vec<f64>,
}

impl ProbeTable {
    /// The row of a representation.
    pub fn row(&self, method: &str) -> Option<&ProbeRow> {
        self.rows.iter().find(|r| r.method == method)
    }
}

/// A ViT loaded on one device.
pub struct LoadedVit {
    /// Its shape.
    pub config: VitConfig,
    /// The model.
    pub model: Vit,
    /// Where it runs.
    pub device: Device,
}

/// What [`LoadedVit::fill_in`] gives for one image.
#[derive(Debug, Clone, PartialEq)]
pub struct FilledIn {
    /// The model's guess of every patch, as an image (784 values in 0..1).
    pub predicted: Vec<f32>,
    /// What the page shows: seen patches as they are, hidden ones as guessed.
    pub combined: Vec<f32>,
    /// Mean squared error of the guess over the hidden pixels (0 when nothing is hidden).
    pub hidden_mse: f64,
}

impl LoadedVit {
    /// Builds the model from a safetensors file (f16 or f32).
    pub fn from_bytes(config: &VitConfig, safetensors: &[u8], device: &Device) -> Result<Self, String> {
        let mut w = Weights::from_safetensors(safetensors).map_err(|e| e.to_string())?;
        let model = config.load(&mut w, device).map_err(|e| e.to_string())?;
        Ok(LoadedVit { config: config.clone(), model, device: device.clone() })
    }

    /// Which patch pixel `i` (0..784) of an image falls in.
    pub fn patch_of(&self, pixel: usize) -> usize {
        let (r, c) = (pixel / IMAGE_SIDE, pixel % IMAGE_SIDE);
        (r / self.config.patch) * self.config.side() + c / self.config.patch
    }

    /// The model's guess for the patches of `image` (784 values in 0..1) where `hidden` is true
    /// (one flag per patch): one device call, one read.
    pub async fn fill_in(&self, image: &[f32], hidden: &[bool]) -> Result<FilledIn, String> {
        let n = self.config.patches();
        check_image(image)?;
        if hidden.len() != n {
            return Err(format!("a mask needs {n} flags, one per patch"));
        }
        let _turn = device_turn().await;
        let x = Tensor::<4>::from_data(TensorData::new(image.to_vec(), [1, 1, IMAGE_SIDE, IMAGE_SIDE]), &self.device);
        let mask = Tensor::<2>::from_data(TensorData::new(hidden.iter().map(|&h| h as u8 as f32).collect::<Vec<_>>(), [1, n]), &self.device);
        let predicted = read_f32(self.model.reconstruct(x, mask).reshape([PIXELS])).await?;
        let (mut combined, mut err, mut count) = (image.to_vec(), 0.0f64, 0usize);
        for (i, v) in combined.iter_mut().enumerate() {
            if hidden[self.patch_of(i)] {
                err += ((predicted[i] - *v) as f64).powi(2);
                count += 1;
                *v = predicted[i];
            }
        }
        Ok(FilledIn { predicted, combined, hidden_mse: if count == 0 { 0.0 } else { err / count as f64 } })
    }

    /// One vector per image of `ids` of `set` (the mean of the last block's outputs);
    /// `progress(done, total)` after every chunk.
    pub async fn embed(&self, set: &ImageSet, ids: &[usize], progress: &dyn Fn(usize, usize)) -> Result<Vec<Vec<f32>>, String> {
        let h = self.config.hidden;
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let turn = device_turn().await;
            let e = self.model.embed(set.tensor(chunk, &self.device)); // [b, H]
            out.extend(read_f32(e).await?.chunks(h).map(|c| c.to_vec()));
            drop(turn);
            progress(out.len(), ids.len());
            crate::task::yield_if_due().await;
        }
        Ok(out)
    }
}

impl LoadedVit {
    /// The contrastive head's output for each of `images` (784 values in 0..1 each), scaled
    /// to length 1, so that a dot product is the cosine similarity the loss compares.
    pub async fn projections(&self, images: &[Vec<f32>]) -> Result<Vec<Vec<f32>>, String> {
        if images.is_empty() {
            return Err("no image given".into());
        }
        images.iter().try_for_each(|i| check_image(i))?;
        let n = images.len();
        let _turn = device_turn().await;
        let x = Tensor::<4>::from_data(TensorData::new(images.concat(), [n, 1, IMAGE_SIDE, IMAGE_SIDE]), &self.device);
        let z = read_f32(self.model.project(self.model.embed(x))).await?;
        Ok(z.chunks(self.config.projection).map(|v| {
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-8);
            v.iter().map(|x| x / norm).collect()
        }).collect())
    }
}

/// Dot product (the cosine of two unit vectors).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// An image must have 784 values in 0..1.
fn check_image(image: &[f32]) -> Result<(), String> {
    if image.len() != PIXELS || image.iter().any(|v| !(0.0..=1.0).contains(v)) {
        return Err("an image must be 28×28 values between 0 and 1".into());
    }
    Ok(())
}

/// Standard deviation of `v` (0 for fewer than two values).
pub fn spread(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<F: std::future::Future>(f: F) -> F::Output {
        crate::block_on(f)
    }

    #[test]
    fn fill_in_keeps_seen_patches_and_refuses_bad_input() {
        let device = Device::flex();
        let cfg = VitConfig { layers: 1, ..VitConfig::default() };
        let vit = LoadedVit { model: cfg.init(&device), config: cfg, device };
        let image: Vec<f32> = (0..784).map(|i| (i % 13) as f32 / 13.0).collect();
        let mut hidden = vec![false; 16];
        hidden[0] = true;
        hidden[15] = true;
        let out = block(vit.fill_in(&image, &hidden)).unwrap();
        for i in 0..784 {
            let p = vit.patch_of(i);
            if hidden[p] { assert_eq!(out.combined[i], out.predicted[i]) } else { assert_eq!(out.combined[i], image[i]) }
        }
        assert_eq!(vit.patch_of(27 * 28 + 27), 15);
        assert!(out.hidden_mse > 0.0);
        assert_eq!(block(vit.fill_in(&image, &[false; 16])).unwrap().hidden_mse, 0.0);
        assert!(block(vit.fill_in(&image[..700], &hidden)).unwrap_err().contains("28×28"));
        assert!(block(vit.fill_in(&image, &hidden[..3])).unwrap_err().contains("16 flags"));
        let mut bad = image.clone();
        bad[5] = f32::NAN;
        assert!(block(vit.fill_in(&bad, &hidden)).is_err());
        let z = block(vit.projections(&[image.clone(), out.combined.clone()])).unwrap();
        assert_eq!((z.len(), z[0].len()), (2, 32));
        assert!((dot(&z[0], &z[0]) - 1.0).abs() < 1e-5);
        assert!(block(vit.projections(&[])).is_err());
    }

    #[test]
    fn spread_is_the_sample_standard_deviation() {
        assert_eq!(spread(&[0.5]), 0.0);
        assert!((spread(&[1.0, 2.0, 3.0]) - 1.0).abs() < 1e-12);
    }
}
