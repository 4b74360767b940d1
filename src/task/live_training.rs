//! Training a small auto-encoder live, in the page (WebGPU or the CPU fallback) or natively:
//! the same [`Autoencoder`] and AdamW as the native training command, on the shipped subset of
//! MNIST training images. Losses are read asynchronously, once per chunk of steps.

use std::rc::Rc;

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};

use super::autoencoder_images::{ImageSet, PIXELS};
use crate::rng::Rng;
use super::read_f32;
use crate::model::autoencoder::{per_image_mse, Autoencoder, AutoencoderConfig, IMAGE_SIDE};

/// A model being trained, with its optimiser and its place in the data.
pub struct LiveTrainer {
    model: Option<Autoencoder>,
    optim: burn::optim::ModuleOptimizer,
    device: Device,
    set: Rc<ImageSet>,
    order: Vec<usize>,
    cursor: usize,
    rng: Rng,
    /// Images per step.
    pub batch: usize,
    /// AdamW learning rate.
    pub lr: f64,
    /// Steps done.
    pub step: usize,
}

impl LiveTrainer {
    /// A fresh model of shape `config` on `device` (gradients are tracked on its autodiff
    /// version), trained on `set`.
    pub fn new(config: &AutoencoderConfig, set: Rc<ImageSet>, device: &Device, seed: u64) -> Self {
        let device = device.clone().autodiff();
        device.seed(seed);
        let model = config.init(&device);
        Self { model: Some(model), optim: AdamWConfig::new().init(), device, set, order: Vec::new(), cursor: 0, rng: Rng::new(seed), batch: 32, lr: 3e-3, step: 0 }
    }

    /// The next batch's image ids (a fresh shuffle after every pass).
    fn next_ids(&mut self) -> Vec<usize> {
        if self.cursor + self.batch > self.order.len() {
            self.order = (0..self.set.len()).collect();
            for i in (1..self.order.len()).rev() {
                self.order.swap(i, self.rng.below(i + 1));
            }
            self.cursor = 0;
        }
        let ids = self.order[self.cursor..(self.cursor + self.batch).min(self.order.len())].to_vec();
        self.cursor += self.batch;
        ids
    }

    /// Runs `n` optimiser steps and returns the mean loss of the last one (one read).
    pub async fn train(&mut self, n: usize) -> Result<f64, String> {
        let mut last = None;
        for _ in 0..n.max(1) {
            let ids = self.next_ids();
            let x = self.set.tensor(&ids, &self.device); // [B, 1, 28, 28]
            let model = self.model.take().ok_or("the trainer lost its model")?;
            let loss = per_image_mse(model.forward(x.clone()), x).mean(); // [1]
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            self.model = Some(self.optim.step(self.lr, model, grads));
            last = Some(loss);
            self.step += 1;
        }
        let v = read_f32(last.ok_or("no step ran")?).await?;
        Ok(v.first().copied().unwrap_or(f32::NAN) as f64)
    }

    /// Reconstructions of `images` (784 values each) by the model as it is now.
    pub async fn reconstruct(&self, images: &[Vec<f32>]) -> Result<Vec<Vec<f32>>, String> {
        let model = self.model.as_ref().ok_or("the trainer lost its model")?.valid();
        let device = self.device.clone().inner();
        let values: Vec<f32> = images.iter().flatten().copied().collect();
        let x = Tensor::<4>::from_data(TensorData::new(values, [images.len(), 1, IMAGE_SIDE, IMAGE_SIDE]), &device);
        let out = model.forward(x).reshape([images.len(), PIXELS]); // [B, 784]
        Ok(read_f32(out).await?.chunks(PIXELS).map(|c| c.to_vec()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_training_lowers_the_loss_on_the_committed_subset() {
        let set = crate::train::autoencoder_images::ImageSet::split(std::path::Path::new("tests/fixtures/mnist-mini"), "train").unwrap();
        let mut t = LiveTrainer::new(&AutoencoderConfig { bottleneck: 8, channels: 8 }, Rc::new(set), &Device::flex(), 7);
        let first = crate::block_on(t.train(1)).unwrap();
        let later = crate::block_on(t.train(60)).unwrap();
        assert_eq!(t.step, 61);
        assert!(later < 0.6 * first, "loss {first:.4} → {later:.4}");
        let r = crate::block_on(t.reconstruct(&[vec![0.0; PIXELS]])).unwrap();
        assert_eq!(r[0].len(), PIXELS);
    }
}
