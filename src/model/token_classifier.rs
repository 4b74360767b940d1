//! BERT with a classification head on every token, laid out like HF `transformers`'
//! `BertForTokenClassification` (`bert.*` without a pooler, `classifier.*`), so that Sesame's
//! fine-tuned weights load there and HF's here by tensor name.
//!
//! The lecture's case 2 (a sequence in, a class per token out, e.g. part-of-speech tagging): each
//! token's output vector goes through the same linear layer `[H, C]` to `C` class scores.
//!
//! Shapes: `B` batch, `T` tokens, `H` hidden, `C` classes.

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Int, Tensor};

use super::bert::{load_linear, BertConfig, BertModel, Keep};
use super::weights::{WeightError, Weights};

/// An encoder and the per-token class head.
#[derive(Module, Debug)]
pub struct BertForTokenClassification {
    /// The encoder (`bert.*`); its pooler, if any, is not used.
    pub bert: BertModel,
    /// `[H, C]` `classifier`.
    pub classifier: Linear,
}

impl BertForTokenClassification {
    /// A fresh head, normally initialised with BERT's standard deviation (zero bias).
    fn new_head(config: &BertConfig, classes: usize, device: &Device) -> Linear {
        LinearConfig::new(config.hidden_size, classes)
            .with_initializer(Initializer::Normal { mean: 0.0, std: config.initializer_range })
            .init(device)
    }

    /// A randomly initialised model: the "no pretraining" side of the lecture's comparison.
    pub fn init(config: &BertConfig, classes: usize, device: &Device) -> Self {
        let mut bert = config.init(device);
        bert.pooler = None;
        Self { bert, classifier: Self::new_head(config, classes, device) }
    }

    /// A new head on a pretrained encoder (fine-tuning); its pooler is dropped (HF's token
    /// classifier has none).
    pub fn from_encoder(mut bert: BertModel, config: &BertConfig, classes: usize, device: &Device) -> Self {
        bert.pooler = None;
        Self { bert, classifier: Self::new_head(config, classes, device) }
    }

    /// Loads encoder and head from HF `BertForTokenClassification` tensor names; the number of
    /// classes is read from the head.
    pub fn load(config: &BertConfig, weights: &mut Weights, device: &Device) -> Result<Self, WeightError> {
        let classes = weights.shape("classifier.bias").and_then(|s| s.first().copied()).ok_or_else(|| WeightError::Missing("classifier.bias".into()))?;
        let mut bert = config.load(weights, device)?;
        bert.pooler = None;
        let mut classifier = Self::new_head(config, classes, device);
        load_linear(&mut classifier, weights, "classifier", config.hidden_size, classes, device)?;
        Ok(Self { bert, classifier })
    }

    /// The number of classes.
    pub fn classes(&self) -> usize {
        self.classifier.weight.dims()[1]
    }

    /// Class scores (logits) of every token of a batch.
    ///
    /// `ids`, `token_types`, `attention_mask`: `[B, T]` → `[B, T, C]`.
    pub fn forward(&self, ids: Tensor<2, Int>, token_types: Tensor<2, Int>, attention_mask: Tensor<2, Int>) -> Tensor<3> {
        let hidden = self.bert.forward(ids, token_types, attention_mask, Keep::default()).last_hidden; // [B, T, H]
        self.classifier.forward(hidden) // [B, T, C]
    }

    /// Copies every parameter out under HF `BertForTokenClassification` names. Native tools only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export(&self) -> Weights {
        let mut w = Weights::default();
        self.bert.export_into(&mut w, "bert.");
        super::bert::export_linear(&mut w, "classifier", &self.classifier);
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> BertConfig {
        BertConfig { max_position_embeddings: 12, ..BertConfig::new(50, 16, 2, 2, 32) }
    }

    #[test]
    fn one_score_per_token_and_class_and_the_export_loads_back_identically() {
        let device = Device::flex();
        let model = BertForTokenClassification::init(&tiny(), 5, &device);
        assert_eq!(model.classes(), 5);
        let ids = Tensor::<2, Int>::from_ints([[2, 7, 3, 9, 3], [2, 5, 8, 3, 0]], &device);
        let types = Tensor::<2, Int>::zeros([2, 5], &device);
        let mask = Tensor::<2, Int>::from_ints([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]], &device);
        let out = model.forward(ids.clone(), types.clone(), mask.clone());
        assert_eq!(out.dims(), [2, 5, 5]);
        let mut w = model.export();
        assert!(w.contains("classifier.weight") && !w.contains("bert.pooler.dense.weight"));
        let back = BertForTokenClassification::load(&tiny(), &mut w, &device).unwrap();
        let again = back.forward(ids, types, mask);
        assert_eq!(out.into_data().try_to_vec::<f32>().unwrap(), again.into_data().try_to_vec::<f32>().unwrap());
    }
}
