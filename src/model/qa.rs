//! BERT for extractive question answering, laid out like HF `transformers`'
//! `BertForQuestionAnswering` (`bert.*` without a pooler, `qa_outputs.*`), so that Sesame's
//! fine-tuned weights load there and HF's here by tensor name.
//!
//! The input is `[CLS] question [SEP] document window [SEP]`. The head is one linear layer
//! `[H, 2]`: its two columns are the lecture's **start vector** and **end vector**. Each is
//! dotted with every token's last hidden state (plus a bias), giving a start score and an end
//! score per token; a softmax over the window turns them into the probability that the answer
//! starts (ends) there, and the answer is the best pair `start ≤ end`.
//!
//! Shapes: `B` batch, `T` tokens, `H` hidden.

use burn::module::{Module, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Int, Tensor};

use super::bert::{load_linear, BertConfig, BertModel, Keep};
use super::weights::{WeightError, Weights};

/// An encoder with the start/end head.
#[derive(Module, Debug)]
pub struct BertForQuestionAnswering {
    /// The encoder (`bert.*`); it has no pooler (HF builds this model without one).
    pub bert: BertModel,
    /// `[H, 2]` `qa_outputs`: column 0 is the start vector, column 1 the end vector.
    pub qa_outputs: Linear,
}

/// Start and end scores of every token of a batch of windows.
#[derive(Debug, Clone)]
pub struct QaLogits {
    /// `[B, T]` start scores (logits).
    pub start: Tensor<2>,
    /// `[B, T]` end scores (logits).
    pub end: Tensor<2>,
}

impl BertForQuestionAnswering {
    /// A fresh head, normally initialised with BERT's standard deviation (zero bias).
    fn new_head(config: &BertConfig, device: &Device) -> Linear {
        LinearConfig::new(config.hidden_size, 2)
            .with_initializer(Initializer::Normal { mean: 0.0, std: config.initializer_range })
            .init(device)
    }

    /// A randomly initialised model: the "no pretraining" side of the lecture's comparison.
    pub fn init(config: &BertConfig, device: &Device) -> Self {
        let mut bert = config.init(device);
        bert.pooler = None;
        Self { bert, qa_outputs: Self::new_head(config, device) }
    }

    /// A new start/end head on a pretrained encoder (fine-tuning). The pooler, if any, is
    /// dropped: question answering reads every token, not the pooled `[CLS]`.
    pub fn from_encoder(mut bert: BertModel, config: &BertConfig, device: &Device) -> Self {
        bert.pooler = None;
        Self { bert, qa_outputs: Self::new_head(config, device) }
    }

    /// Loads encoder and head from HF `BertForQuestionAnswering` tensor names.
    pub fn load(config: &BertConfig, weights: &mut Weights, device: &Device) -> Result<Self, WeightError> {
        let mut bert = config.load(weights, device)?;
        bert.pooler = None;
        let mut qa_outputs = Self::new_head(config, device);
        load_linear(&mut qa_outputs, weights, "qa_outputs", config.hidden_size, 2, device)?;
        Ok(Self { bert, qa_outputs })
    }

    /// Start and end scores for a batch of windows.
    ///
    /// `ids`, `token_types`, `attention_mask`: `[B, T]` → two `[B, T]` score tensors. Padding
    /// positions get scores like any other token; the caller only reads the document's tokens.
    pub fn forward(&self, ids: Tensor<2, Int>, token_types: Tensor<2, Int>, attention_mask: Tensor<2, Int>) -> QaLogits {
        self.forward_with_hidden(ids, token_types, attention_mask).0
    }

    /// [`Self::forward`], also returning the last hidden states `[B, T, H]` the head read.
    pub fn forward_with_hidden(&self, ids: Tensor<2, Int>, token_types: Tensor<2, Int>, attention_mask: Tensor<2, Int>) -> (QaLogits, Tensor<3>) {
        let hidden = self.bert.forward(ids, token_types, attention_mask, Keep::default()).last_hidden; // [B, T, H]
        let [b, t, _] = hidden.dims();
        let scores = self.qa_outputs.forward(hidden.clone()); // [B, T, 2]
        let start = scores.clone().narrow(2, 0, 1).reshape([b, t]); // [B, T]
        let end = scores.narrow(2, 1, 1).reshape([b, t]); // [B, T]
        (QaLogits { start, end }, hidden)
    }

    /// Freezes the word embeddings (fine-tuning keeps the shipped delta small: the table is
    /// then the pretrained model's own and need not ship again).
    pub fn with_frozen_word_embeddings(mut self) -> Self {
        let e = &mut self.bert.embeddings.word_embeddings;
        e.weight = Param::from_tensor(e.weight.val().detach()).set_require_grad(false);
        self
    }

    /// Copies every parameter out under HF `BertForQuestionAnswering` names. Native tools only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export(&self) -> Weights {
        let mut w = Weights::default();
        self.bert.export_into(&mut w, "bert.");
        super::bert::export_linear(&mut w, "qa_outputs", &self.qa_outputs);
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
    fn scores_have_one_value_per_token() {
        let device = Device::flex();
        let model = BertForQuestionAnswering::init(&tiny(), &device);
        let ids = Tensor::<2, Int>::from_ints([[2, 7, 3, 9, 11, 3], [2, 5, 3, 8, 3, 0]], &device);
        let types = Tensor::<2, Int>::from_ints([[0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 0]], &device);
        let mask = Tensor::<2, Int>::from_ints([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]], &device);
        let out = model.forward(ids, types, mask);
        assert_eq!(out.start.dims(), [2, 6]);
        assert_eq!(out.end.dims(), [2, 6]);
    }

    #[test]
    fn export_then_load_gives_the_same_scores() {
        let device = Device::flex();
        let config = tiny();
        let model = BertForQuestionAnswering::init(&config, &device);
        let mut weights = model.export();
        assert!(weights.contains("qa_outputs.weight") && !weights.contains("bert.pooler.dense.weight"));
        let back = BertForQuestionAnswering::load(&config, &mut weights, &device).unwrap();
        let run = |m: &BertForQuestionAnswering| {
            let ids = Tensor::<2, Int>::from_ints([[2, 7, 3, 9, 3]], &device);
            let out = m.forward(ids, Tensor::from_ints([[0, 0, 0, 1, 1]], &device), Tensor::ones([1, 5], &device));
            let mut v = out.start.into_data().try_to_vec::<f32>().unwrap();
            v.extend(out.end.into_data().try_to_vec::<f32>().unwrap());
            v
        };
        let (a, b) = (run(&model), run(&back));
        let diff = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
        assert!(diff < 1e-5, "max diff {diff}");
    }
}
