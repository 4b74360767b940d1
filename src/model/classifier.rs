//! BERT with a classification head on the pooled `[CLS]` vector, laid out like HF
//! `transformers`' `BertForSequenceClassification` (`bert.*` with its pooler, `classifier.*`), so
//! that Sesame's fine-tuned weights load there and HF's here by tensor name.
//!
//! The lecture's case 1 (one sentence → a class, e.g. sentiment) and case 3 (two sentences →
//! a class, e.g. QNLI: `[CLS] A [SEP] B [SEP]`, the second sentence's tokens with type 1) are this
//! one model: the pooled `[CLS]` vector (dense + tanh, as pretrained) goes through one linear
//! layer `[H, C]` to `C` class scores; a softmax makes them probabilities.
//!
//! Shapes: `B` batch, `T` tokens, `H` hidden, `C` classes.

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Int, Tensor};

use super::bert::{load_linear, BertConfig, BertModel, Keep};
use super::weights::{WeightError, Weights};

/// An encoder (with its pooler) and the class head.
#[derive(Module, Debug)]
pub struct BertForSequenceClassification {
    /// The encoder (`bert.*`), pooler included.
    pub bert: BertModel,
    /// `[H, C]` `classifier`.
    pub classifier: Linear,
}

impl BertForSequenceClassification {
    /// A fresh head, normally initialised with BERT's standard deviation (zero bias).
    fn new_head(config: &BertConfig, classes: usize, device: &Device) -> Linear {
        LinearConfig::new(config.hidden_size, classes)
            .with_initializer(Initializer::Normal { mean: 0.0, std: config.initializer_range })
            .init(device)
    }

    /// A randomly initialised model: the "no pretraining" side of the lecture's comparison.
    pub fn init(config: &BertConfig, classes: usize, device: &Device) -> Self {
        Self { bert: config.init(device), classifier: Self::new_head(config, classes, device) }
    }

    /// A new head on a pretrained encoder (fine-tuning). An encoder without a pooler gets a
    /// fresh one.
    pub fn from_encoder(mut bert: BertModel, config: &BertConfig, classes: usize, device: &Device) -> Self {
        if bert.pooler.is_none() {
            bert.pooler = config.init(device).pooler;
        }
        Self { bert, classifier: Self::new_head(config, classes, device) }
    }

    /// Loads encoder, pooler and head from HF `BertForSequenceClassification` tensor names; the
    /// number of classes is read from the head.
    pub fn load(config: &BertConfig, weights: &mut Weights, device: &Device) -> Result<Self, WeightError> {
        let classes = weights.shape("classifier.bias").and_then(|s| s.first().copied()).ok_or_else(|| WeightError::Missing("classifier.bias".into()))?;
        let bert = config.load(weights, device)?;
        if bert.pooler.is_none() {
            return Err(WeightError::Missing("bert.pooler.dense.weight".into()));
        }
        let mut classifier = Self::new_head(config, classes, device);
        load_linear(&mut classifier, weights, "classifier", config.hidden_size, classes, device)?;
        Ok(Self { bert, classifier })
    }

    /// The number of classes.
    pub fn classes(&self) -> usize {
        self.classifier.weight.dims()[1]
    }

    /// Class scores (logits) of a batch.
    ///
    /// `ids`, `token_types`, `attention_mask`: `[B, T]` → `[B, C]`.
    pub fn forward(&self, ids: Tensor<2, Int>, token_types: Tensor<2, Int>, attention_mask: Tensor<2, Int>) -> Tensor<2> {
        let hidden = self.bert.forward(ids, token_types, attention_mask, Keep::default()).last_hidden; // [B, T, H]
        let pooled = self.bert.pool(hidden).expect("the classifier's encoder has a pooler"); // [B, H]
        self.classifier.forward(pooled) // [B, C]
    }

    /// Copies every parameter out under HF `BertForSequenceClassification` names. Native tools only.
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

    fn batch(device: &Device) -> (Tensor<2, Int>, Tensor<2, Int>, Tensor<2, Int>) {
        let ids = Tensor::<2, Int>::from_ints([[2, 7, 3, 9, 11, 3], [2, 5, 3, 8, 3, 0]], device);
        let types = Tensor::<2, Int>::from_ints([[0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 0]], device);
        let mask = Tensor::<2, Int>::from_ints([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]], device);
        (ids, types, mask)
    }

    #[test]
    fn one_score_per_class_and_the_export_loads_back_identically() {
        let device = Device::flex();
        let model = BertForSequenceClassification::init(&tiny(), 3, &device);
        assert_eq!(model.classes(), 3);
        let (ids, types, mask) = batch(&device);
        let out = model.forward(ids.clone(), types.clone(), mask.clone());
        assert_eq!(out.dims(), [2, 3]);
        let mut w = model.export();
        assert!(w.contains("bert.pooler.dense.weight") && w.contains("classifier.weight"));
        let back = BertForSequenceClassification::load(&tiny(), &mut w, &device).unwrap();
        let again = back.forward(ids, types, mask);
        let (a, b) = (out.into_data().try_to_vec::<f32>().unwrap(), again.into_data().try_to_vec::<f32>().unwrap());
        assert_eq!(a, b);
    }

    #[test]
    fn padding_does_not_change_a_row() {
        let device = Device::flex();
        let model = BertForSequenceClassification::init(&tiny(), 2, &device);
        let (ids, types, mask) = batch(&device);
        let both = model.forward(ids, types, mask).into_data().try_to_vec::<f32>().unwrap();
        let alone = model
            .forward(Tensor::<2, Int>::from_ints([[2, 5, 3, 8, 3]], &device), Tensor::<2, Int>::from_ints([[0, 0, 0, 1, 1]], &device), Tensor::<2, Int>::from_ints([[1, 1, 1, 1, 1]], &device))
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        for (x, y) in both[2..].iter().zip(&alone) {
            assert!((x - y).abs() < 1e-5, "{both:?} vs {alone:?}");
        }
    }

    #[test]
    fn an_encoder_without_pooler_gets_one() {
        let device = Device::flex();
        let mut bert = tiny().init(&device);
        bert.pooler = None;
        let model = BertForSequenceClassification::from_encoder(bert, &tiny(), 2, &device);
        assert!(model.bert.pooler.is_some());
    }
}
