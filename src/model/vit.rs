//! A small Vision Transformer (Dosovitskiy et al. 2021) for 28×28 greyscale images: "BERT on
//! pixels". An image is cut into a sequence of square patches (7×7 → 16 patches of 49 pixels); a
//! linear layer takes the place of BERT's word-embedding lookup, and the rest *is* a
//! [`BertModel`]: its position table, its embedding LayerNorm, its blocks. Row 0 of BERT's word
//! table is kept as the `[MASK]` vector that replaces a hidden patch, so masked-patch prediction
//! is BERT's fill-in-the-blank with pixels for words.
//!
//! Two self-supervised heads sit on the encoder:
//! - **masked-patch**: a linear layer from each patch's output vector back to its 49 pixels
//!   (loss: mean squared error over the hidden patches only);
//! - **contrastive** (SimCLR, Chen et al. 2020): a two-layer projection of the mean output vector;
//!   two augmentations of one image are pulled together, all other images of the batch pushed
//!   away ([`nt_xent`]).
//!
//! One definition for every burn device (native training with autodiff, browser WebGPU, the CPU
//! fallback). Shapes: `B` images, `N` patches, `P` pixels of a patch, `H` hidden size.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::{log_softmax, relu, sigmoid};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::autoencoder::IMAGE_SIDE;
use super::bert::{load_linear, BertConfig, BertModel};
use super::matmul::linear;
use super::weights::{WeightError, Weights};

/// Shape of a ViT encoder and its two heads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VitConfig {
    /// Side of a square patch in pixels (must divide 28): 7 gives 16 patches.
    pub patch: usize,
    /// Width of every hidden state (`H`).
    pub hidden: usize,
    /// Number of transformer blocks.
    pub layers: usize,
    /// Attention heads per block (must divide `hidden`).
    pub heads: usize,
    /// Width of each block's feed-forward layer.
    pub intermediate: usize,
    /// Output size of the contrastive projection head.
    pub projection: usize,
}

impl Default for VitConfig {
    /// 16 patches of 7×7, 4 blocks of width 64 with 4 heads: 0.15 M parameters with both heads.
    fn default() -> Self {
        VitConfig { patch: 7, hidden: 64, layers: 4, heads: 4, intermediate: 128, projection: 32 }
    }
}

impl VitConfig {
    /// Patches along one side (`28 / patch`).
    pub fn side(&self) -> usize {
        IMAGE_SIDE / self.patch
    }

    /// Patches per image (`N`).
    pub fn patches(&self) -> usize {
        self.side() * self.side()
    }

    /// Pixels per patch (`P`).
    pub fn patch_pixels(&self) -> usize {
        self.patch * self.patch
    }

    /// The encoder as a BERT: a one-row word table (the `[MASK]` vector), one position per patch.
    pub fn bert(&self) -> BertConfig {
        BertConfig {
            max_position_embeddings: self.patches(),
            type_vocab_size: 1,
            hidden_dropout_prob: 0.0,
            attention_probs_dropout_prob: 0.0,
            ..BertConfig::new(1, self.hidden, self.layers, self.heads, self.intermediate)
        }
    }

    /// Checks the shape.
    pub fn validate(&self) -> Result<(), String> {
        if self.patch == 0 || IMAGE_SIDE % self.patch != 0 {
            return Err(format!("patch {} does not divide the image side {IMAGE_SIDE}", self.patch));
        }
        if self.projection == 0 {
            return Err("projection size 0".into());
        }
        self.bert().validate()
    }

    /// A model with fresh weights (BERT's initialisation for the encoder, burn's for the heads).
    pub fn init(&self, device: &Device) -> Vit {
        let (p, h) = (self.patch_pixels(), self.hidden);
        Vit {
            patch_embed: LinearConfig::new(p, h).init(device),
            encoder: BertModel { pooler: None, ..self.bert().init(device) },
            to_pixels: LinearConfig::new(h, p).init(device),
            project_hidden: LinearConfig::new(h, h).init(device),
            project_out: LinearConfig::new(h, self.projection).init(device),
            patch: self.patch,
        }
    }

    /// A model whose parameters are moved out of `w` (the names [`Vit::export`] writes: the
    /// encoder under HF BERT names with a `bert.` prefix).
    pub fn load(&self, w: &mut Weights, device: &Device) -> Result<Vit, WeightError> {
        self.validate().map_err(WeightError::Config)?;
        let (p, h) = (self.patch_pixels(), self.hidden);
        let mut model = self.init(device);
        load_linear(&mut model.patch_embed, w, "patch_embed", p, h, device)?;
        if !w.contains("bert.embeddings.word_embeddings.weight") {
            return Err(WeightError::Config("not a ViT: no bert.* encoder tensors".into()));
        }
        model.encoder = self.bert().load(w, device)?;
        load_linear(&mut model.to_pixels, w, "to_pixels", h, p, device)?;
        load_linear(&mut model.project_hidden, w, "project.0", h, h, device)?;
        load_linear(&mut model.project_out, w, "project.2", h, self.projection, device)?;
        Ok(model)
    }
}

/// The two self-supervised tasks of the lecture's "beyond text" part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VitObjective {
    /// Hide this share of each image's patches and predict their pixels (BERT's masking).
    MaskedPatch {
        /// Share of patches hidden (rounded to whole patches, at least one).
        ratio: f32,
    },
    /// Pull two random views of one image together, push other images away (SimCLR).
    Contrastive {
        /// Softmax temperature of the NT-Xent loss.
        temperature: f32,
    },
}

/// The ViT (see the module docs).
#[derive(Module, Debug)]
pub struct Vit {
    /// `[P, H]`: a patch's pixels → its input vector (BERT's word-embedding lookup, for pixels).
    pub patch_embed: Linear,
    /// Positions, LayerNorm and blocks of a BERT; word row 0 is the `[MASK]` vector.
    pub encoder: BertModel,
    /// `[H, P]`: the masked-patch head, an output vector → its patch's pixels (before a sigmoid).
    pub to_pixels: Linear,
    /// `[H, H]`: first layer of the contrastive projection head (ReLU after it).
    pub project_hidden: Linear,
    /// `[H, projection]`: second layer of the projection head.
    pub project_out: Linear,
    /// Side of a patch in pixels.
    pub patch: usize,
}

/// What [`Vit::encode`] returns.
#[derive(Debug, Clone)]
pub struct VitOutput {
    /// `[B, N, H]` output of the last block.
    pub hidden: Tensor<3>,
    /// `L` tensors `[B, heads, N, N]`: each block's attention between patches.
    pub attentions: Vec<Tensor<4>>,
}

impl Vit {
    fn side(&self) -> usize {
        IMAGE_SIDE / self.patch
    }

    /// Images `[B, 1, 28, 28]` → patches `[B, N, P]` (patches row by row, pixels row by row).
    pub fn patchify(&self, images: Tensor<4>) -> Tensor<3> {
        let (b, s, p) = (images.dims()[0], self.side(), self.patch);
        images.reshape([b, s, p, s, p]).permute([0, 1, 3, 2, 4]).reshape([b, s * s, p * p])
    }

    /// Patches `[B, N, P]` → images `[B, 1, 28, 28]` (the inverse of [`Vit::patchify`]).
    pub fn unpatchify(&self, patches: Tensor<3>) -> Tensor<4> {
        let (b, s, p) = (patches.dims()[0], self.side(), self.patch);
        patches.reshape([b, s, s, p, p]).permute([0, 1, 3, 2, 4]).reshape([b, 1, s * p, s * p])
    }

    /// Runs the encoder on images `[B, 1, 28, 28]` with the patches where `mask` `[B, N]` is 1
    /// replaced by the `[MASK]` vector (all zeros: nothing hidden).
    pub fn encode(&self, images: Tensor<4>, mask: Tensor<2>, keep_attentions: bool) -> VitOutput {
        let [b, n] = mask.dims();
        let h = self.patch_embed.weight.dims()[1];
        let device = images.device();
        let m = mask.reshape([b, n, 1]); // [B, N, 1]
        let patches = linear(&self.patch_embed, self.patchify(images)); // [B, N, H]
        let e = &self.encoder.embeddings;
        let mask_vector = e.word_embeddings.weight.val().reshape([1, 1, h]); // [1, 1, H]
        let position = e.position_embeddings.weight.val().narrow(0, 0, n).reshape([1, n, h]); // [1, N, H]
        let segment = e.token_type_embeddings.weight.val().reshape([1, 1, h]); // [1, 1, H]
        let x = patches * (m.clone().neg() + 1.0) + mask_vector * m + position + segment; // [B, N, H]
        let mut x = e.layer_norm.forward(x);
        let no_padding = Tensor::<4>::zeros([1, 1, 1, n], &device);
        let mut attentions = Vec::new();
        for layer in &self.encoder.layers {
            let (y, probs) = layer.forward(x, no_padding.clone());
            x = y;
            if keep_attentions {
                attentions.push(probs);
            }
        }
        VitOutput { hidden: x, attentions }
    }

    /// Predicted pixels of every patch: `[B, N, H]` → `[B, N, P]` in 0..1.
    pub fn predict_patches(&self, hidden: Tensor<3>) -> Tensor<3> {
        sigmoid(linear(&self.to_pixels, hidden))
    }

    /// The masked-patch model's picture of `images` `[B, 1, 28, 28]` with the patches of `mask`
    /// `[B, N]` hidden: its prediction for every patch, as images `[B, 1, 28, 28]`.
    pub fn reconstruct(&self, images: Tensor<4>, mask: Tensor<2>) -> Tensor<4> {
        let hidden = self.encode(images, mask, false).hidden;
        self.unpatchify(self.predict_patches(hidden))
    }

    /// One vector per image (the mean of the last block's outputs, nothing masked): the
    /// representation a linear probe reads. `[B, 1, 28, 28]` → `[B, H]`.
    pub fn embed(&self, images: Tensor<4>) -> Tensor<2> {
        let b = images.dims()[0];
        let n = self.side() * self.side();
        let device = images.device();
        self.encode(images, Tensor::zeros([b, n], &device), false).hidden.mean_dim(1).squeeze_dim(1)
    }

    /// The contrastive projection of embeddings: `[B, H]` → `[B, projection]`.
    pub fn project(&self, embedding: Tensor<2>) -> Tensor<2> {
        linear(&self.project_out, relu(linear(&self.project_hidden, embedding)))
    }

    /// Masked-patch loss: mean squared pixel error over the hidden patches of `mask` `[B, N]`
    /// only (what the model could see is not scored) → `[1]`.
    pub fn masked_patch_loss(&self, images: Tensor<4>, mask: Tensor<2>) -> Tensor<1> {
        let [b, n] = mask.dims();
        let target = self.patchify(images.clone()); // [B, N, P]
        let p = target.dims()[2];
        let predicted = self.predict_patches(self.encode(images, mask.clone(), false).hidden); // [B, N, P]
        let hidden = mask.clone().sum().clamp_min(1.0) * p as f32;
        ((predicted - target).powi_scalar(2) * mask.reshape([b, n, 1])).sum() / hidden
    }

    /// Contrastive loss of two views `[B, 1, 28, 28]` of the same `B` images (view `i` of one is
    /// the positive of view `i` of the other) at `temperature` → `[1]`.
    pub fn contrastive_loss(&self, first: Tensor<4>, second: Tensor<4>, temperature: f32) -> Tensor<1> {
        let z = self.project(self.embed(Tensor::cat(vec![first, second], 0))); // [2B, K]
        nt_xent(z, temperature)
    }

    /// Named tensors (PyTorch layout: linear weights `[out, in]`). Native tools only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export(&self) -> Weights {
        use super::bert::export_linear;
        let mut w = Weights::default();
        export_linear(&mut w, "patch_embed", &self.patch_embed);
        self.encoder.export_into(&mut w, "bert.");
        export_linear(&mut w, "to_pixels", &self.to_pixels);
        export_linear(&mut w, "project.0", &self.project_hidden);
        export_linear(&mut w, "project.2", &self.project_out);
        w
    }
}

/// SimCLR's NT-Xent loss. `z`: `[2B, K]`, rows `i` and `i + B` two views of one image. Each row's
/// cosine similarities to the other `2B − 1` rows, divided by `temperature`, go through a softmax
/// whose target is the row's other view; the loss is the mean cross-entropy → `[1]`.
pub fn nt_xent(z: Tensor<2>, temperature: f32) -> Tensor<1> {
    let [rows, _] = z.dims();
    let half = rows / 2;
    let device = z.device();
    let norm = z.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-8); // [2B, 1]
    let z = z / norm;
    let self_mask: Vec<f32> = (0..rows * rows).map(|i| if i / rows == i % rows { -1e9 } else { 0.0 }).collect();
    let positives: Vec<f32> = (0..rows * rows).map(|i| if (i / rows + half) % rows == i % rows { 1.0 } else { 0.0 }).collect();
    let sims = z.clone().matmul(z.transpose()) / temperature + Tensor::from_data(TensorData::new(self_mask, [rows, rows]), &device); // [2B, 2B]
    let log_probs = log_softmax(sims, 1);
    (log_probs * Tensor::from_data(TensorData::new(positives, [rows, rows]), &device)).sum().neg() / rows as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
    }

    fn images(b: usize, device: &Device) -> Tensor<4> {
        let v: Vec<f32> = (0..b * 784).map(|i| ((i * 37) % 101) as f32 / 100.0).collect();
        Tensor::from_data(TensorData::new(v, [b, 1, 28, 28]), device)
    }

    #[test]
    fn patches_are_squares_of_the_image_and_unpatchify_inverts() {
        let device = Device::flex();
        let vit = VitConfig::default().init(&device);
        let x = images(2, &device);
        let p = vit.patchify(x.clone());
        assert_eq!(p.dims(), [2, 16, 49]);
        let (pv, xv) = (values(p.clone()), values(x.clone()));
        // Patch 5 is row 1, column 1: pixel (2, 3) of it is image pixel (7 + 2, 7 + 3).
        assert_eq!(pv[5 * 49 + 2 * 7 + 3], xv[9 * 28 + 10]);
        assert_eq!(pv[784 + 15 * 49 + 48], xv[784 + 27 * 28 + 27], "second image, last pixel");
        assert_eq!(values(vit.unpatchify(p)), xv);
    }

    #[test]
    fn a_masked_patch_is_only_the_mask_vector_and_its_position() {
        let device = Device::flex();
        let vit = VitConfig::default().init(&device);
        let mut mask = vec![0.0f32; 16];
        mask[3] = 1.0;
        let mask = Tensor::<2>::from_data(TensorData::new(mask, [1, 16]), &device);
        // Two different images, patch 3 hidden in both: the first block's input at patch 3 must
        // be the same, and so the pixels of a hidden patch cannot leak into its own prediction.
        let a = images(1, &device);
        let b = a.clone().mul_scalar(0.5);
        let ea = vit.encode(a.clone(), mask.clone(), false).hidden;
        let eb = vit.encode(b, mask.clone(), false).hidden;
        assert_ne!(values(ea.clone()), values(eb.clone()), "the visible patches differ");
        // Only patch 3 changed: everything else equal → the output differs only through attention.
        let mut c = values(a.clone());
        for (i, v) in c.iter_mut().enumerate() {
            let (r, col) = (i / 28, i % 28);
            if (r / 7) * 4 + col / 7 == 3 {
                *v = 1.0 - *v;
            }
        }
        let ec = vit.encode(Tensor::from_data(TensorData::new(c, [1, 1, 28, 28]), &device), mask, false).hidden;
        assert_eq!(values(ea), values(ec), "a hidden patch's pixels do not reach the encoder");
    }

    #[test]
    fn masked_patch_loss_scores_hidden_patches_only() {
        let device = Device::flex();
        let vit = VitConfig::default().init(&device);
        let x = images(2, &device);
        let none = Tensor::<2>::zeros([2, 16], &device);
        assert_eq!(values(vit.masked_patch_loss(x.clone(), none)), vec![0.0]);
        let all = Tensor::<2>::ones([2, 16], &device);
        let loss = values(vit.masked_patch_loss(x.clone(), all.clone()))[0];
        let direct = values((vit.reconstruct(x.clone(), all) - x).powi_scalar(2).mean())[0];
        assert!((loss - direct).abs() < 1e-6, "{loss} vs {direct}");
    }

    #[test]
    fn nt_xent_is_low_when_views_match_and_high_when_they_do_not() {
        let device = Device::flex();
        // Four orthogonal directions: views equal → near 0 at a small temperature.
        let eye: Vec<f32> = (0..16).map(|i| if i / 4 == i % 4 { 1.0 } else { 0.0 }).collect();
        let a = Tensor::<2>::from_data(TensorData::new(eye.clone(), [4, 4]), &device);
        let same = nt_xent(Tensor::cat(vec![a.clone(), a.clone()], 0), 0.1);
        assert!(values(same)[0] < 1e-3);
        // Views swapped between images: the positive is orthogonal, another row matches exactly.
        let swapped = Tensor::<2>::from_data(TensorData::new([&eye[4..], &eye[..4]].concat(), [4, 4]), &device);
        let wrong = values(nt_xent(Tensor::cat(vec![a, swapped], 0), 0.1))[0];
        assert!(wrong > 5.0, "{wrong}");
        // With all rows equal, every other row is as likely: ln(2B − 1).
        let flat = Tensor::<2>::ones([6, 3], &device);
        assert!((values(nt_xent(flat, 0.5))[0] - 5f32.ln()).abs() < 1e-5);
    }

    #[test]
    fn export_then_load_gives_the_same_outputs() {
        let device = Device::flex();
        let cfg = VitConfig { layers: 2, ..VitConfig::default() };
        let vit = cfg.init(&device);
        let mut w = vit.export();
        let loaded = cfg.load(&mut w, &device).unwrap();
        let x = images(2, &device);
        let mask = Tensor::<2>::from_data(TensorData::new((0..32).map(|i| (i % 3 == 0) as u8 as f32).collect::<Vec<_>>(), [2, 16]), &device);
        assert_eq!(values(vit.reconstruct(x.clone(), mask.clone())), values(loaded.reconstruct(x.clone(), mask)));
        assert_eq!(values(vit.project(vit.embed(x.clone()))), values(loaded.project(loaded.embed(x))));
        assert!(cfg.load(&mut Weights::default(), &device).is_err());
    }
}
