//! A convolutional auto-encoder for 28×28 greyscale images (the lecture's "auto-encoder": the
//! input is its own label). Encoder: two stride-2 convolutions (28 → 14 → 7) and a linear layer
//! down to the bottleneck; decoder: the mirror image with transposed convolutions and a sigmoid.
//! One definition for every burn device: native training (autodiff), browser WebGPU and the CPU
//! fallback.

use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::tensor::activation::{relu, sigmoid};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::bert::load_linear;
use super::weights::{WeightError, Weights};

/// Side of the square images (MNIST, Fashion-MNIST).
pub const IMAGE_SIDE: usize = 28;

/// Shape of a convolutional auto-encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoencoderConfig {
    /// Size of the code between encoder and decoder (2 for a map you can look at, 8, 32, ...).
    pub bottleneck: usize,
    /// Channels of the first convolution (the second has twice as many).
    pub channels: usize,
}

impl AutoencoderConfig {
    /// The default shape: `channels` 16 (16 then 32 feature maps).
    pub fn new(bottleneck: usize) -> Self {
        Self { bottleneck, channels: 16 }
    }

    /// Channels × height × width of the last feature map (`2c × 7 × 7`).
    pub fn feature_len(&self) -> usize {
        2 * self.channels * (IMAGE_SIDE / 4) * (IMAGE_SIDE / 4)
    }

    /// Builds the model with fresh weights (Kaiming-uniform, burn's default) on `device`.
    pub fn init(&self, device: &Device) -> Autoencoder {
        let c = self.channels;
        let down = |i, o| Conv2dConfig::new([i, o], [3, 3]).with_stride([2, 2]).with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1)).init(device);
        // Kernel 4, stride 2, padding 1 doubles the side exactly (7 → 14 → 28).
        let up = |i, o| ConvTranspose2dConfig::new([i, o], [4, 4]).with_stride([2, 2]).with_padding([1, 1]).init(device);
        Autoencoder {
            conv1: down(1, c),
            conv2: down(c, 2 * c),
            to_code: LinearConfig::new(self.feature_len(), self.bottleneck).init(device),
            from_code: LinearConfig::new(self.bottleneck, self.feature_len()).init(device),
            deconv1: up(2 * c, c),
            deconv2: up(c, 1),
            channels: c,
        }
    }
}

/// The convolutional auto-encoder (see the module docs).
#[derive(Module, Debug)]
pub struct Autoencoder {
    /// 1 → c channels, 28 → 14.
    pub conv1: Conv2d,
    /// c → 2c channels, 14 → 7.
    pub conv2: Conv2d,
    /// 2c·7·7 → bottleneck.
    pub to_code: Linear,
    /// bottleneck → 2c·7·7.
    pub from_code: Linear,
    /// 2c → c channels, 7 → 14.
    pub deconv1: ConvTranspose2d,
    /// c → 1 channel, 14 → 28.
    pub deconv2: ConvTranspose2d,
    /// `c`, kept to reshape the decoder's input.
    pub channels: usize,
}

impl Autoencoder {
    /// Images `[B, 1, 28, 28]` in 0..1 → codes `[B, bottleneck]`.
    pub fn encode(&self, images: Tensor<4>) -> Tensor<2> {
        let x = relu(self.conv1.forward(images)); // [B, c, 14, 14]
        let x = relu(self.conv2.forward(x)); // [B, 2c, 7, 7]
        let [b, ch, h, w] = x.dims();
        self.to_code.forward(x.reshape([b, ch * h * w])) // [B, bottleneck]
    }

    /// Codes `[B, bottleneck]` → images `[B, 1, 28, 28]` in 0..1.
    pub fn decode(&self, codes: Tensor<2>) -> Tensor<4> {
        let [b, _] = codes.dims();
        let side = IMAGE_SIDE / 4;
        let x = relu(self.from_code.forward(codes)).reshape([b, 2 * self.channels, side, side]); // [B, 2c, 7, 7]
        let x = relu(self.deconv1.forward(x)); // [B, c, 14, 14]
        sigmoid(self.deconv2.forward(x)) // [B, 1, 28, 28]
    }

    /// Images → reconstructions (same shape).
    pub fn forward(&self, images: Tensor<4>) -> Tensor<4> {
        self.decode(self.encode(images))
    }
}

impl Autoencoder {
    /// Builds the model from named tensors (PyTorch layout and names: `conv1.weight` is
    /// `[out, in, 3, 3]`, `deconv1.weight` is `[in, out, 4, 4]`, linear weights are `[out, in]`).
    pub fn load(config: &AutoencoderConfig, w: &mut Weights, device: &Device) -> Result<Autoencoder, WeightError> {
        let mut m = config.init(device);
        let c = config.channels;
        let kernel = |w: &mut Weights, p: &str, shape: [usize; 4], outputs: usize| -> Result<(Param<Tensor<4>>, Param<Tensor<1>>), WeightError> {
            Ok((Param::from_tensor(w.tensor4(&format!("{p}.weight"), shape, device)?), Param::from_tensor(w.tensor1(&format!("{p}.bias"), outputs, device)?)))
        };
        let (k, b) = kernel(w, "conv1", [c, 1, 3, 3], c)?;
        (m.conv1.weight, m.conv1.bias) = (k, Some(b));
        let (k, b) = kernel(w, "conv2", [2 * c, c, 3, 3], 2 * c)?;
        (m.conv2.weight, m.conv2.bias) = (k, Some(b));
        let (k, b) = kernel(w, "deconv1", [2 * c, c, 4, 4], c)?;
        (m.deconv1.weight, m.deconv1.bias) = (k, Some(b));
        let (k, b) = kernel(w, "deconv2", [c, 1, 4, 4], 1)?;
        (m.deconv2.weight, m.deconv2.bias) = (k, Some(b));
        load_linear(&mut m.to_code, w, "to_code", config.feature_len(), config.bottleneck, device)?;
        load_linear(&mut m.from_code, w, "from_code", config.bottleneck, config.feature_len(), device)?;
        Ok(m)
    }

    /// The model's tensors under the names [`Autoencoder::load`] reads (native tools only: it
    /// reads device data synchronously).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export(&self) -> Weights {
        let mut w = Weights::default();
        let conv = |w: &mut Weights, p: &str, k: Tensor<4>, b: Option<Tensor<1>>| {
            w.insert_tensor(&format!("{p}.weight"), k);
            if let Some(b) = b {
                w.insert_tensor(&format!("{p}.bias"), b);
            }
        };
        conv(&mut w, "conv1", self.conv1.weight.val(), self.conv1.bias.as_ref().map(|b| b.val()));
        conv(&mut w, "conv2", self.conv2.weight.val(), self.conv2.bias.as_ref().map(|b| b.val()));
        conv(&mut w, "deconv1", self.deconv1.weight.val(), self.deconv1.bias.as_ref().map(|b| b.val()));
        conv(&mut w, "deconv2", self.deconv2.weight.val(), self.deconv2.bias.as_ref().map(|b| b.val()));
        for (p, l) in [("to_code", &self.to_code), ("from_code", &self.from_code)] {
            w.insert_tensor(&format!("{p}.weight"), l.weight.val().transpose()); // [out, in]
            if let Some(b) = &l.bias {
                w.insert_tensor(&format!("{p}.bias"), b.val());
            }
        }
        w
    }
}

/// Per-image mean squared error between `a` and `b` (`[B, 1, 28, 28]` each) → `[B]`.
pub fn per_image_mse(a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
    let [n, c, h, w] = a.dims();
    (a - b).powi_scalar(2).reshape([n, c * h * w]).mean_dim(1).reshape([n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_for_each_bottleneck() {
        let device = Device::flex();
        for k in [2, 8, 32] {
            let model = AutoencoderConfig::new(k).init(&device);
            let images = Tensor::<4>::zeros([3, 1, 28, 28], &device);
            assert_eq!(model.encode(images.clone()).dims(), [3, k]);
            let out = model.forward(images.clone());
            assert_eq!(out.dims(), [3, 1, 28, 28]);
            assert_eq!(per_image_mse(out, images).dims(), [3]);
        }
    }

    #[test]
    fn export_and_load_round_trip() {
        let device = Device::flex();
        let config = AutoencoderConfig::new(8);
        let model = config.init(&device);
        let bytes = crate::model::weights::to_f32_safetensors(&model.export()).unwrap();
        let mut w = Weights::from_safetensors(&bytes).unwrap();
        let loaded = Autoencoder::load(&config, &mut w, &device).unwrap();
        let x = Tensor::<4>::random([2, 1, 28, 28], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
        let diff = (model.forward(x.clone()) - loaded.forward(x)).abs().max().into_data().convert::<f32>().try_to_vec::<f32>().unwrap()[0];
        assert!(diff < 1e-6, "max diff {diff}");
        // A file for another bottleneck is an error that names the tensor, not a panic.
        let mut w = Weights::from_safetensors(&bytes).unwrap();
        let err = Autoencoder::load(&AutoencoderConfig::new(2), &mut w, &device).unwrap_err();
        assert!(err.to_string().contains("to_code"), "{err}");
    }
}
