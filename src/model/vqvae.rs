//! A VQ-VAE for 28×28 greyscale images (the lecture's "discrete latent representation"): the
//! encoder turns an image into a 7×7 grid of vectors, each vector is replaced by the nearest
//! entry of a learned codebook (so the image becomes 49 code numbers), and the decoder draws the
//! image back from the codebook vectors. One definition for every burn device.
//!
//! The codebook is not trained by gradients: native training moves each entry towards the mean
//! of the encoder vectors assigned to it (exponential moving averages, as in the VQ-VAE paper's
//! appendix) and restarts unused entries; the encoder gets the decoder's gradient straight
//! through the quantisation plus the commitment loss.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::PaddingConfig2d;
use burn::tensor::activation::{relu, sigmoid};
use burn::tensor::{Device, Int, Tensor};
use serde::{Deserialize, Serialize};

use super::autoencoder::IMAGE_SIDE;
use super::weights::{WeightError, Weights};

/// Side of the code grid (28 / 4).
pub const GRID: usize = IMAGE_SIDE / 4;

/// Shape of a VQ-VAE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VqVaeConfig {
    /// Entries in the codebook (the number of different codes).
    pub codes: usize,
    /// Length of each codebook vector.
    pub code_dim: usize,
    /// Channels of the first convolution (the second has twice as many).
    pub channels: usize,
}

impl Default for VqVaeConfig {
    /// 32 codes of 16 numbers, 16/32 channels.
    fn default() -> Self {
        Self { codes: 32, code_dim: 16, channels: 16 }
    }
}

impl VqVaeConfig {
    /// Builds the model with fresh weights on `device` (codebook: small uniform values; native
    /// training replaces it with encoder outputs at its first step).
    pub fn init(&self, device: &Device) -> VqVae {
        let c = self.channels;
        let conv = |i, o, k: usize, s: usize| {
            let p = k / 2;
            Conv2dConfig::new([i, o], [k, k]).with_stride([s, s]).with_padding(PaddingConfig2d::Explicit(p, p, p, p)).init(device)
        };
        let up = |i, o| ConvTranspose2dConfig::new([i, o], [4, 4]).with_stride([2, 2]).with_padding([1, 1]).init(device);
        let codebook = Tensor::<2>::random([self.codes, self.code_dim], burn::tensor::Distribution::Uniform(-0.1, 0.1), device);
        VqVae {
            conv1: conv(1, c, 3, 2),
            conv2: conv(c, 2 * c, 3, 2),
            to_code: conv(2 * c, self.code_dim, 1, 1),
            from_code: conv(self.code_dim, 2 * c, 3, 1),
            deconv1: up(2 * c, c),
            deconv2: up(c, 1),
            codebook: Param::from_tensor(codebook).set_require_grad(false),
        }
    }
}

/// The VQ-VAE (see the module docs).
#[derive(Module, Debug)]
pub struct VqVae {
    /// 1 → c channels, 28 → 14.
    pub conv1: Conv2d,
    /// c → 2c channels, 14 → 7.
    pub conv2: Conv2d,
    /// 1×1 convolution 2c → code_dim: one vector per grid cell.
    pub to_code: Conv2d,
    /// 3×3 convolution code_dim → 2c.
    pub from_code: Conv2d,
    /// 2c → c channels, 7 → 14.
    pub deconv1: ConvTranspose2d,
    /// c → 1 channel, 14 → 28.
    pub deconv2: ConvTranspose2d,
    /// `[codes, code_dim]`, not trained by gradients.
    pub codebook: Param<Tensor<2>>,
}

/// What quantising a batch gives.
pub struct Quantized {
    /// Encoder output before quantisation, `[B, D, 7, 7]`.
    pub z: Tensor<4>,
    /// The codebook vectors that replace it, `[B, D, 7, 7]`.
    pub q: Tensor<4>,
    /// Chosen code of every cell, `[B, 49]` (row-major over the grid).
    pub codes: Tensor<2, Int>,
}

impl VqVae {
    /// Number of codebook entries.
    pub fn codes(&self) -> usize {
        self.codebook.dims()[0]
    }

    /// Images `[B, 1, 28, 28]` → encoder vectors `[B, D, 7, 7]` (before quantisation).
    pub fn encode(&self, images: Tensor<4>) -> Tensor<4> {
        let x = relu(self.conv1.forward(images)); // [B, c, 14, 14]
        let x = relu(self.conv2.forward(x)); // [B, 2c, 7, 7]
        self.to_code.forward(x) // [B, D, 7, 7]
    }

    /// Nearest codebook entry of every cell of `z` (`[B, D, 7, 7]`).
    pub fn quantize(&self, z: Tensor<4>) -> Quantized {
        let [b, d, h, w] = z.dims();
        let flat = z.clone().permute([0, 2, 3, 1]).reshape([b * h * w, d]); // [N, D]
        let book = self.codebook.val(); // [K, D]
        // |z - e|² = |z|² - 2 z·e + |e|²; |z|² is the same for every e, so it can be left out.
        let dist = book.clone().powi_scalar(2).sum_dim(1).transpose() - flat.matmul(book.clone().transpose()) * 2.0; // [N, K]
        let idx = dist.argmin(1).reshape([b * h * w]); // [N]
        let q = book.select(0, idx.clone()).reshape([b, h, w, d]).permute([0, 3, 1, 2]); // [B, D, 7, 7]
        Quantized { z, q, codes: idx.reshape([b, h * w]) }
    }

    /// Codebook vectors `[B, D, 7, 7]` → images `[B, 1, 28, 28]` in 0..1.
    pub fn decode(&self, q: Tensor<4>) -> Tensor<4> {
        let x = relu(self.from_code.forward(q)); // [B, 2c, 7, 7]
        let x = relu(self.deconv1.forward(x)); // [B, c, 14, 14]
        sigmoid(self.deconv2.forward(x)) // [B, 1, 28, 28]
    }

    /// Code grids `[B, 49]` (any codes, e.g. edited by the user) → images `[B, 1, 28, 28]`.
    pub fn decode_codes(&self, codes: Tensor<2, Int>) -> Tensor<4> {
        let [b, n] = codes.dims();
        let book = self.codebook.val();
        let d = book.dims()[1];
        let q = book.select(0, codes.reshape([b * n])).reshape([b, GRID, GRID, d]).permute([0, 3, 1, 2]); // [B, D, 7, 7]
        self.decode(q)
    }

    /// Images → (reconstructions, code grids), without gradients through the codebook.
    pub fn forward(&self, images: Tensor<4>) -> (Tensor<4>, Tensor<2, Int>) {
        let qz = self.quantize(self.encode(images));
        (self.decode(qz.q), qz.codes)
    }

    /// Builds the model from named tensors (PyTorch layout, as [`VqVae::export`] writes them).
    pub fn load(config: &VqVaeConfig, w: &mut Weights, device: &Device) -> Result<VqVae, WeightError> {
        let mut m = config.init(device);
        let (c, d) = (config.channels, config.code_dim);
        let mut kernel = |p: &str, shape: [usize; 4], outputs: usize| -> Result<(Param<Tensor<4>>, Option<Param<Tensor<1>>>), WeightError> {
            Ok((Param::from_tensor(w.tensor4(&format!("{p}.weight"), shape, device)?), Some(Param::from_tensor(w.tensor1(&format!("{p}.bias"), outputs, device)?))))
        };
        (m.conv1.weight, m.conv1.bias) = kernel("conv1", [c, 1, 3, 3], c)?;
        (m.conv2.weight, m.conv2.bias) = kernel("conv2", [2 * c, c, 3, 3], 2 * c)?;
        (m.to_code.weight, m.to_code.bias) = kernel("to_code", [d, 2 * c, 1, 1], d)?;
        (m.from_code.weight, m.from_code.bias) = kernel("from_code", [2 * c, d, 3, 3], 2 * c)?;
        (m.deconv1.weight, m.deconv1.bias) = kernel("deconv1", [2 * c, c, 4, 4], c)?;
        (m.deconv2.weight, m.deconv2.bias) = kernel("deconv2", [c, 1, 4, 4], 1)?;
        m.codebook = Param::from_tensor(w.tensor2("codebook", [config.codes, d], device)?).set_require_grad(false);
        Ok(m)
    }

    /// The model's tensors under the names [`VqVae::load`] reads (native tools only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export(&self) -> Weights {
        let mut w = Weights::default();
        for (p, k, b) in [
            ("conv1", &self.conv1.weight, &self.conv1.bias),
            ("conv2", &self.conv2.weight, &self.conv2.bias),
            ("to_code", &self.to_code.weight, &self.to_code.bias),
            ("from_code", &self.from_code.weight, &self.from_code.bias),
        ] {
            w.insert_tensor(&format!("{p}.weight"), k.val());
            if let Some(b) = b {
                w.insert_tensor(&format!("{p}.bias"), b.val());
            }
        }
        for (p, t) in [("deconv1", &self.deconv1), ("deconv2", &self.deconv2)] {
            w.insert_tensor(&format!("{p}.weight"), t.weight.val());
            if let Some(b) = &t.bias {
                w.insert_tensor(&format!("{p}.bias"), b.val());
            }
        }
        w.insert_tensor("codebook", self.codebook.val());
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::TensorData;

    #[test]
    fn quantize_picks_the_nearest_code_and_decodes_edited_grids() {
        let device = Device::flex();
        let config = VqVaeConfig { codes: 4, code_dim: 2, channels: 4 };
        let mut model = config.init(&device);
        let book = TensorData::new(vec![0.0f32, 0.0, 1.0, 0.0, 0.0, 1.0, 5.0, 5.0], [4, 2]);
        model.codebook = Param::from_tensor(Tensor::from_data(book, &device)).set_require_grad(false);
        // One image's 7×7 grid of 2-vectors: every cell (0.9, 0.1) → code 1, except cell 0 → (4, 6) → code 3.
        let mut z = vec![0.0f32; 2 * 49];
        for cell in 0..49 {
            z[cell] = 0.9;
            z[49 + cell] = 0.1;
        }
        (z[0], z[49]) = (4.0, 6.0);
        let qz = model.quantize(Tensor::from_data(TensorData::new(z, [1, 2, 7, 7]), &device));
        let codes = qz.codes.into_data().convert::<i64>().try_to_vec::<i64>().unwrap();
        assert_eq!(codes[0], 3);
        assert!(codes[1..].iter().all(|&c| c == 1), "{codes:?}");
        let q = qz.q.into_data().convert::<f32>().try_to_vec::<f32>().unwrap();
        assert_eq!((q[0], q[49], q[1], q[50]), (5.0, 5.0, 1.0, 0.0));
        let images = model.decode_codes(Tensor::from_data(TensorData::new(vec![2i64; 49], [1, 49]), &device));
        assert_eq!(images.dims(), [1, 1, 28, 28]);
    }

    #[test]
    fn export_and_load_round_trip() {
        let device = Device::flex();
        let config = VqVaeConfig::default();
        let model = config.init(&device);
        let bytes = crate::model::weights::to_f32_safetensors(&model.export()).unwrap();
        let loaded = VqVae::load(&config, &mut Weights::from_safetensors(&bytes).unwrap(), &device).unwrap();
        let x = Tensor::<4>::random([2, 1, 28, 28], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
        let (a, ca) = model.forward(x.clone());
        let (b, cb) = loaded.forward(x);
        let diff = (a - b).abs().max().into_data().convert::<f32>().try_to_vec::<f32>().unwrap()[0];
        assert!(diff < 1e-6, "max diff {diff}");
        assert_eq!(ca.into_data().convert::<i64>().try_to_vec::<i64>().unwrap(), cb.into_data().convert::<i64>().try_to_vec::<i64>().unwrap());
    }
}
