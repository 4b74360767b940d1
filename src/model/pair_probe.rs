//! A sentence-pair head trained on a *frozen* pretrained encoder: BERT's own pair head (the
//! `[CLS]` pooler, dense + tanh, then a linear layer to 2 classes), with its own pooler, so
//! that two heads — next-sentence prediction (NSP) and sentence-order prediction (SOP) — can
//! sit on one encoder side by side and be compared on the same pairs.
//!
//! On disk each head is the two tensors HF `BertForPreTraining` would hold for it, under a
//! prefix per head (`nsp.bert.pooler.dense.*`, `nsp.cls.seq_relationship.*`, `sop.…`): laid over
//! the encoder's own weights (prefix removed), HF runs the head unchanged.
//!
//! Shapes: `B` batch, `T` tokens, `H` hidden. Class 0: B follows A (NSP: B is A's real next
//! text; SOP: A and B are in their original order); class 1: it does not.

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use super::bert::load_linear;
use super::matmul::linear;
use super::weights::{WeightError, Weights};

/// HF's name of the pooler, under a head's prefix.
pub const POOLER: &str = "bert.pooler.dense";
/// HF's name of the pair classifier, under a head's prefix.
pub const CLASSIFIER: &str = "cls.seq_relationship";

/// One pair head: its own `[CLS]` pooler and a 2-way classifier.
#[derive(Module, Debug)]
pub struct PairProbe {
    /// `[H, H]` the pooler (dense; tanh applied in [`Self::forward_cls`]).
    pub pooler: Linear,
    /// `[H, 2]` the classifier.
    pub classifier: Linear,
}

impl PairProbe {
    /// A fresh head of hidden size `h` (normal weights of standard deviation `std`, zero bias).
    pub fn init(h: usize, std: f64, device: &Device) -> Self {
        let normal = Initializer::Normal { mean: 0.0, std };
        Self {
            pooler: LinearConfig::new(h, h).with_initializer(normal.clone()).init(device),
            classifier: LinearConfig::new(h, 2).with_initializer(normal).init(device),
        }
    }

    /// A fresh classifier on a copy of an encoder's pooler (`bert.pooler.dense` in `weights`):
    /// the starting point of a new head.
    pub fn from_pooler(weights: &mut Weights, h: usize, std: f64, device: &Device) -> Result<Self, WeightError> {
        let mut probe = Self::init(h, std, device);
        load_linear(&mut probe.pooler, weights, POOLER, h, h, device)?;
        Ok(probe)
    }

    /// Loads the head stored under `prefix` (e.g. `nsp.`).
    pub fn load(weights: &mut Weights, prefix: &str, h: usize, device: &Device) -> Result<Self, WeightError> {
        let mut probe = Self::init(h, 0.02, device);
        load_linear(&mut probe.pooler, weights, &format!("{prefix}{POOLER}"), h, h, device)?;
        load_linear(&mut probe.classifier, weights, &format!("{prefix}{CLASSIFIER}"), h, 2, device)?;
        Ok(probe)
    }

    /// Pair logits from the `[CLS]` vectors: `[B, H]` → `[B, 2]`.
    pub fn forward_cls(&self, cls: Tensor<2>) -> Tensor<2> {
        let pooled = linear(&self.pooler, cls).tanh(); // [B, H]
        linear(&self.classifier, pooled) // [B, 2]
    }

    /// Pair logits from the encoder output: `[B, T, H]` → `[B, 2]`.
    pub fn forward(&self, hidden: Tensor<3>) -> Tensor<2> {
        let [b, _, h] = hidden.dims();
        self.forward_cls(hidden.narrow(1, 0, 1).reshape([b, h])) // [B, H] → [B, 2]
    }

    /// Writes the head under `prefix` with HF names (linear weights as `[out, in]`). Native tools only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export_into(&self, w: &mut Weights, prefix: &str) {
        super::bert::export_linear(w, &format!("{prefix}{POOLER}"), &self.pooler);
        super::bert::export_linear(w, &format!("{prefix}{CLASSIFIER}"), &self.classifier);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cls_row_and_exports_back_identically() {
        let device = Device::flex();
        let probe = PairProbe::init(8, 0.5, &device);
        let hidden = Tensor::<3>::random([2, 5, 8], burn::tensor::Distribution::Normal(0.0, 1.0), &device); // [B, T, H]
        let out = probe.forward(hidden.clone());
        assert_eq!(out.dims(), [2, 2]);
        // Only the [CLS] row counts.
        let cls = hidden.clone().narrow(1, 0, 1).reshape([2, 8]);
        let direct = probe.forward_cls(cls).into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(out.clone().into_data().try_to_vec::<f32>().unwrap(), direct);
        let mut w = Weights::default();
        probe.export_into(&mut w, "nsp.");
        assert!(w.contains("nsp.bert.pooler.dense.weight") && w.contains("nsp.cls.seq_relationship.bias"));
        let back = PairProbe::load(&mut w, "nsp.", 8, &device).unwrap();
        assert_eq!(back.forward(hidden).into_data().try_to_vec::<f32>().unwrap(), direct);
        assert!(PairProbe::load(&mut w, "sop.", 8, &device).is_err(), "a head that is not there is an error");
    }
}
