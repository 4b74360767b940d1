//! Running the image models for the pages and the evaluation command: reconstructions, codes,
//! decoding chosen codes, and reconstruction errors of whole image sets (anomaly scores). Every
//! result comes back with one asynchronous read per batch, so the same code runs natively
//! (`crate::block_on`) and in the browser.

use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::autoencoder_images::{ImageSet, PIXELS};
use super::read_f32;
use crate::model::autoencoder::{per_image_mse, Autoencoder, AutoencoderConfig, IMAGE_SIDE};
use crate::model::vqvae::{VqVae, VqVaeConfig, GRID};
use crate::model::Weights;

/// Images per device call when scoring a whole set.
const CHUNK: usize = 250;

/// The shape of a shipped image model (stored in its card, so the file alone is enough).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageModelConfig {
    /// A convolutional auto-encoder.
    Conv(AutoencoderConfig),
    /// A VQ-VAE.
    Vq(VqVaeConfig),
}

/// The card of a shipped family of image models (`card.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AeCard {
    /// Manifest id, e.g. `ae-mnist`.
    pub id: String,
    /// Version directory.
    pub version: String,
    /// Human name.
    pub name: String,
    /// Where the images come from and which figures use which split.
    pub data: String,
    /// One entry per weights file.
    pub models: Vec<AeCardModel>,
    /// The commands that rebuild every file of the family.
    pub reproduce: String,
}

/// One shipped image model: its shape, its training run and its measured figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AeCardModel {
    /// Weights file in the version directory.
    pub file: String,
    /// The model's shape.
    pub config: ImageModelConfig,
    /// Training data folder (`mnist` or `fashion-mnist`).
    pub data: String,
    /// The only class trained on (one-class models).
    pub normal_class: Option<u8>,
    /// Largest Gaussian noise level of the inputs in training.
    pub noise: f32,
    /// Largest salt-and-pepper fraction of the inputs in training.
    pub salt: f32,
    /// Images per step.
    pub batch: usize,
    /// Passes over the training images.
    pub epochs: usize,
    /// AdamW learning rate.
    pub lr: f64,
    /// Seed.
    pub seed: u64,
    /// Optimiser steps.
    pub steps: usize,
    /// Seconds of training (2 CPU cores).
    pub seconds: f64,
    /// Mean training loss of the last 20 steps.
    pub final_train_loss: f64,
    /// Test MSE after each epoch (f32 weights, during training).
    pub test_mse_per_epoch: Vec<f64>,
    /// (step, training loss), at most 100 points.
    pub loss_curve: Vec<(usize, f64)>,
    /// sha256 of the weights file.
    pub sha256: String,
    /// Figures measured on the shipped f16 weights: `test_mse` (mean per-image MSE on the full
    /// test split), `auc_vs_fashion` / `auc_vs_fashion_subset` (MNIST normal, Fashion-MNIST
    /// anomalies; all 10,000 + 10,000, or the shipped 1,000 + 1,000), `auc` / `auc_subset`
    /// (one-class: the model's digit normal, every other digit an anomaly), `test_mse_normal`,
    /// `restored_mse_*` / `noisy_mse_*` (denoising), `codes_used` / `code_perplexity` (VQ-VAE).
    pub figures: std::collections::BTreeMap<String, f64>,
}

/// A loaded image model on one device.
pub enum ImageModel {
    /// See [`ImageModelConfig::Conv`].
    Conv(Autoencoder),
    /// See [`ImageModelConfig::Vq`].
    Vq(VqVae),
}

/// A loaded image model with the device it runs on.
pub struct LoadedImageModel {
    /// Its shape.
    pub config: ImageModelConfig,
    /// The model.
    pub model: ImageModel,
    /// Where it runs.
    pub device: Device,
}

/// What one image gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconstruction {
    /// The reconstruction, 784 values in 0..1.
    pub image: Vec<f32>,
    /// Mean squared error against the target image.
    pub mse: f64,
    /// The code: bottleneck values (auto-encoder) or the 49 code numbers (VQ-VAE).
    pub code: Vec<f32>,
}

impl LoadedImageModel {
    /// Builds the model from a safetensors file (f16 or f32).
    pub fn from_bytes(config: &ImageModelConfig, safetensors: &[u8], device: &Device) -> Result<Self, String> {
        let mut w = Weights::from_safetensors(safetensors).map_err(|e| e.to_string())?;
        let model = match config {
            ImageModelConfig::Conv(c) => ImageModel::Conv(Autoencoder::load(c, &mut w, device).map_err(|e| e.to_string())?),
            ImageModelConfig::Vq(c) => ImageModel::Vq(VqVae::load(c, &mut w, device).map_err(|e| e.to_string())?),
        };
        Ok(Self { config: config.clone(), model, device: device.clone() })
    }

    /// Length of a code: the bottleneck size, or 49 grid cells.
    pub fn code_len(&self) -> usize {
        match &self.config {
            ImageModelConfig::Conv(c) => c.bottleneck,
            ImageModelConfig::Vq(_) => GRID * GRID,
        }
    }

    /// Entries in the codebook (a VQ-VAE), 0 for an auto-encoder.
    pub fn codebook_size(&self) -> usize {
        match &self.config {
            ImageModelConfig::Conv(_) => 0,
            ImageModelConfig::Vq(c) => c.codes,
        }
    }

    fn images(&self, images: &[Vec<f32>]) -> Tensor<4> {
        let values: Vec<f32> = images.iter().flat_map(|i| i.iter().copied()).collect();
        Tensor::from_data(TensorData::new(values, [images.len(), 1, IMAGE_SIDE, IMAGE_SIDE]), &self.device) // [B, 1, 28, 28]
    }

    /// Reconstructs `inputs`, comparing each reconstruction with the matching `targets` image
    /// (the clean image when the input is noisy; the input itself otherwise).
    pub async fn reconstruct(&self, inputs: &[Vec<f32>], targets: &[Vec<f32>]) -> Result<Vec<Reconstruction>, String> {
        check_images(inputs)?;
        check_images(targets)?;
        let n = inputs.len();
        let x = self.images(inputs);
        let (out, code) = match &self.model {
            ImageModel::Conv(m) => {
                let code = m.encode(x); // [B, K]
                (m.decode(code.clone()), code)
            }
            ImageModel::Vq(m) => {
                let (out, codes) = m.forward(x);
                (out, codes.float())
            }
        };
        let mse = per_image_mse(out.clone(), self.images(targets)); // [B]
        // One read for everything: images, errors and codes side by side in one row per image.
        let k = self.code_len();
        let rows = Tensor::cat(vec![out.reshape([n, PIXELS]), mse.reshape([n, 1]), code.reshape([n, k])], 1); // [B, 784 + 1 + K]
        let values = read_f32(rows).await?;
        Ok(values
            .chunks(PIXELS + 1 + k)
            .map(|r| Reconstruction { image: r[..PIXELS].to_vec(), mse: r[PIXELS] as f64, code: r[PIXELS + 1..].to_vec() })
            .collect())
    }

    /// Decodes codes: bottleneck vectors (auto-encoder) or grids of 49 code numbers (VQ-VAE)
    /// → images of 784 values.
    pub async fn decode(&self, codes: &[Vec<f32>]) -> Result<Vec<Vec<f32>>, String> {
        let k = self.code_len();
        if codes.is_empty() || codes.iter().any(|c| c.len() != k) {
            return Err(format!("a code needs {k} numbers"));
        }
        let n = codes.len();
        let out = match &self.model {
            ImageModel::Conv(m) => {
                let values: Vec<f32> = codes.iter().flatten().copied().collect();
                m.decode(Tensor::from_data(TensorData::new(values, [n, k]), &self.device))
            }
            ImageModel::Vq(m) => {
                let max = m.codes() as f32 - 1.0;
                let ids: Vec<i64> = codes.iter().flatten().map(|&c| c.round().clamp(0.0, max) as i64).collect();
                m.decode_codes(Tensor::<2, Int>::from_data(TensorData::new(ids, [n, k]), &self.device))
            }
        };
        Ok(read_f32(out.reshape([n, PIXELS])).await?.chunks(PIXELS).map(|c| c.to_vec()).collect())
    }

    /// Reconstruction error (per-image MSE) of images `ids` of `set`; `progress(done, total)`
    /// after every chunk.
    pub async fn scores(&self, set: &ImageSet, ids: &[usize], progress: &dyn Fn(usize, usize)) -> Result<Vec<f64>, String> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let x = set.tensor(chunk, &self.device); // [b, 1, 28, 28]
            let recon = match &self.model {
                ImageModel::Conv(m) => m.forward(x.clone()),
                ImageModel::Vq(m) => m.forward(x.clone()).0,
            };
            out.extend(read_f32(per_image_mse(recon, x)).await?.into_iter().map(|v| v as f64));
            progress(out.len(), ids.len());
        }
        Ok(out)
    }

    /// The anomaly page's scores: of the normal images and of the anomalous ones. With
    /// `normal_digit` the normal images are that digit of `mnist` and the anomalies its other
    /// digits; without, all of `mnist` is normal and all of `fashion` anomalous.
    pub async fn anomaly_scores(&self, normal_digit: Option<u8>, mnist: &ImageSet, fashion: Option<&ImageSet>, progress: &dyn Fn(usize, usize)) -> Result<(Vec<f64>, Vec<f64>), String> {
        let all = |set: &ImageSet| (0..set.len()).collect::<Vec<_>>();
        match normal_digit {
            Some(digit) => {
                let scores = self.scores(mnist, &all(mnist), progress).await?;
                let (mut normal, mut anomalous) = (Vec::new(), Vec::new());
                for (i, v) in scores.into_iter().enumerate() {
                    if mnist.labels[i] == digit { normal.push(v) } else { anomalous.push(v) }
                }
                Ok((normal, anomalous))
            }
            None => {
                let fashion = fashion.ok_or("no Fashion-MNIST images")?;
                let total = mnist.len() + fashion.len();
                let normal = self.scores(mnist, &all(mnist), &|d, _| progress(d, total)).await?;
                let anomalous = self.scores(fashion, &all(fashion), &|d, _| progress(mnist.len() + d, total)).await?;
                Ok((normal, anomalous))
            }
        }
    }

    /// Codes of images `ids` of `set` (for the latent-space map and codebook usage).
    pub async fn codes(&self, set: &ImageSet, ids: &[usize]) -> Result<Vec<Vec<f32>>, String> {
        let k = self.code_len();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let x = set.tensor(chunk, &self.device);
            let code = match &self.model {
                ImageModel::Conv(m) => m.encode(x),
                ImageModel::Vq(m) => m.quantize(m.encode(x)).codes.float(),
            };
            out.extend(read_f32(code).await?.chunks(k).map(|c| c.to_vec()));
        }
        Ok(out)
    }
}

/// Every image must have 784 values in 0..1 (NaN is refused).
fn check_images(images: &[Vec<f32>]) -> Result<(), String> {
    if images.is_empty() {
        return Err("no image given".into());
    }
    if images.iter().any(|i| i.len() != PIXELS || i.iter().any(|v| !(0.0..=1.0).contains(v))) {
        return Err("an image must be 28×28 values between 0 and 1".into());
    }
    Ok(())
}

/// The range of every code dimension over `codes`: `(low, high)` per dimension (the sliders).
pub fn code_ranges(codes: &[Vec<f32>]) -> Vec<(f32, f32)> {
    let dims = codes.first().map_or(0, Vec::len);
    (0..dims).map(|d| codes.iter().map(|v| v[d]).fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)))).collect()
}

/// The bounds of a 2-D latent map over `codes`, with a margin of 8% of each range (at least a
/// little, for a single point): `(low corner, high corner)`; `None` unless codes are 2-D.
pub fn map_bounds(codes: &[Vec<f32>]) -> Option<([f32; 2], [f32; 2])> {
    if codes.first()?.len() != 2 {
        return None;
    }
    let r = code_ranges(codes);
    let pad = |d: usize| (r[d].1 - r[d].0).max(1e-3) * 0.08;
    Some(([r[0].0 - pad(0), r[1].0 - pad(1)], [r[0].1 + pad(0), r[1].1 + pad(1)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_ranges_and_map_bounds() {
        let codes = vec![vec![0.0, 1.0], vec![2.0, -1.0]];
        assert_eq!(code_ranges(&codes), vec![(0.0, 2.0), (-1.0, 1.0)]);
        let (lo, hi) = map_bounds(&codes).unwrap();
        assert!((lo[0] + 0.16).abs() < 1e-6 && (hi[1] - 1.16).abs() < 1e-6);
        assert_eq!(map_bounds(&[vec![1.0, 2.0, 3.0]]), None);
        assert_eq!(map_bounds(&[]), None);
    }

    #[test]
    fn reconstruct_decode_and_scores_agree() {
        let device = Device::flex();
        let config = ImageModelConfig::Conv(AutoencoderConfig { bottleneck: 3, channels: 4 });
        let ImageModelConfig::Conv(c) = &config else { unreachable!() };
        let bytes = crate::model::weights::to_f32_safetensors(&c.init(&device).export()).unwrap();
        let m = LoadedImageModel::from_bytes(&config, &bytes, &device).unwrap();
        let set = ImageSet { pixels: (0..3 * PIXELS).map(|i| (i * 7 % 256) as u8).collect(), labels: vec![1, 2, 3], rows: 28, cols: 28 };
        let images: Vec<Vec<f32>> = (0..3).map(|i| set.image(i)).collect();
        let r = crate::block_on(m.reconstruct(&images, &images)).unwrap();
        assert_eq!((r.len(), r[0].image.len(), r[0].code.len()), (3, PIXELS, 3));
        let s = crate::block_on(m.scores(&set, &[0, 1, 2], &|_, _| {})).unwrap();
        for (a, b) in r.iter().zip(&s) {
            assert!((a.mse - b).abs() < 1e-6);
        }
        let d = crate::block_on(m.decode(&[r[1].code.clone()])).unwrap();
        assert!(d[0].iter().zip(&r[1].image).all(|(a, b)| (a - b).abs() < 1e-5));
        assert!(crate::block_on(m.decode(&[vec![0.0; 2]])).unwrap_err().contains("3 numbers"));
        assert!(crate::block_on(m.reconstruct(&[vec![2.0; PIXELS]], &[vec![0.0; PIXELS]])).is_err());
        // A VQ-VAE file given as an auto-encoder is a sentence, not a panic.
        let vq = crate::model::weights::to_f32_safetensors(&VqVaeConfig::default().init(&device).export()).unwrap();
        assert!(LoadedImageModel::from_bytes(&config, &vq, &device).is_err());
    }
}
