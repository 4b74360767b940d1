//! The sentence-pair head (next-sentence / sentence-order prediction): `[CLS] A [SEP] B [SEP]`
//! → the probability that B follows A.

use burn::tensor::activation::softmax;

use super::bert::{Batch, LoadedPretraining};
use super::read_f32;
use crate::model::Keep;
use crate::text::Encoded;

/// Why a pair cannot be run.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Sentence A or B is empty.
    Empty,
    /// `[CLS] A [SEP] B [SEP]` is longer than the model window.
    TooLong {
        /// Tokens in the pair (special tokens included).
        tokens: usize,
        /// The window.
        window: usize,
    },
    /// The tokenizer failed.
    Tokenizer(String),
}

/// Tokenizes a pair and checks it fits.
pub fn prepare(m: &LoadedPretraining, a: &str, b: &str) -> Result<Encoded, Problem> {
    if a.trim().is_empty() || b.trim().is_empty() {
        return Err(Problem::Empty);
    }
    let enc = m.tokenizer.encode_pair(a, b).map_err(Problem::Tokenizer)?;
    if enc.len() > m.window() {
        return Err(Problem::TooLong { tokens: enc.len(), window: m.window() });
    }
    Ok(enc)
}

/// The head's probability that B follows A (class 0 of `cls.seq_relationship`).
pub async fn run(m: &LoadedPretraining, enc: &Encoded) -> Result<f32, String> {
    let (ids, types, mask) = Batch::single(enc, m.config.pad_token_id as u32).tensors(&m.device);
    let out = m.model.bert.forward(ids, types, mask, Keep::default());
    let probs = read_f32(softmax(m.model.pair_logits(out.last_hidden), 1)).await?; // [1, 2]
    Ok(probs[0])
}
