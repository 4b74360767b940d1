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

/// Which kind of example pair the page loads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PairKind {
    /// B follows A in the original text.
    Consecutive,
    /// The same two sentences in the wrong order (what sentence-order prediction detects).
    Swapped,
    /// B from another pair (what next-sentence prediction detects).
    Random,
}

/// Consecutive sentence pairs per model (none of them from the training corpus).
pub fn examples(model: &str) -> &'static [(&'static str, &'static str)] {
    if model == crate::assets::BERT_ZH {
        &[
            ("我早上七點起床。", "吃完早餐以後，我就去學校上課。"),
            ("台北是臺灣最大的城市。", "這裡有很多博物館和夜市。"),
            ("他把書放進書包。", "然後走出了教室。"),
            ("春天到了，花都開了。", "公園裡到處都是賞花的人。"),
        ]
    } else {
        &[
            ("I woke up at seven this morning.", "After breakfast, I walked to school."),
            ("Paris is the capital of France.", "It is famous for its museums and cafes."),
            ("She opened the door.", "Then she walked into the room."),
            ("The storm lasted all night.", "By morning, the streets were flooded."),
        ]
    }
}

/// The `which`-th example pair of `kind` for `model` (it wraps around the list).
pub fn example(model: &str, kind: PairKind, which: usize) -> (&'static str, &'static str) {
    let list = examples(model);
    let i = which % list.len();
    let (a, b) = list[i];
    match kind {
        PairKind::Consecutive => (a, b),
        PairKind::Swapped => (b, a),
        PairKind::Random => (a, list[(i + 1 + list.len() / 2) % list.len()].1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_pairs_are_consecutive_swapped_or_from_another_pair() {
        let (a, b) = example("bert-en", PairKind::Consecutive, 5);
        assert_eq!((a, b), examples("bert-en")[1]);
        assert_eq!(example("bert-en", PairKind::Swapped, 1), (b, a));
        let (ra, rb) = example("bert-zh", PairKind::Random, 0);
        assert_eq!(ra, examples("bert-zh")[0].0);
        assert_ne!(rb, examples("bert-zh")[0].1);
    }
}

