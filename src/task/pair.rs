//! The sentence-pair heads (next-sentence / sentence-order prediction): `[CLS] A [SEP] B [SEP]`
//! → the probability that B follows A, from the encoder's own pretraining head and from the NSP
//! and SOP heads trained beside each other on the frozen encoder.

use burn::tensor::{Device, Tensor};

use super::bert::{Batch, LoadedPretraining};
use super::read_f32;
use crate::model::pair_probe::PairProbe;
use crate::model::{Keep, Weights};
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

/// The NSP and SOP heads trained side by side on a frozen pretrained BERT (`pair-heads-zh` /
/// `pair-heads-en`, see `train::pair_heads`): each a pooler and a 2-way layer on the encoder's
/// `[CLS]` vector.
pub struct LoadedPairHeads {
    /// Next-sentence prediction: is B the text that followed A, or from a random document?
    pub nsp: PairProbe,
    /// Sentence-order prediction: are A and B in their original order?
    pub sop: PairProbe,
    /// The model they sit on (`bert-zh/v1`).
    pub base: String,
}

impl LoadedPairHeads {
    /// Reads `config.json` and `heads.safetensors` onto `device`.
    pub fn from_files(config: &[u8], heads: &[u8], device: &Device) -> Result<Self, String> {
        let config: serde_json::Value = serde_json::from_slice(config).map_err(|e| format!("config.json: {e}"))?;
        let h = config["hidden_size"].as_u64().ok_or("config.json has no hidden_size")? as usize;
        let base = config["sesame_pair_heads_base"].as_str().ok_or("config.json names no base model")?.to_string();
        let mut w = Weights::from_safetensors(heads).map_err(|e| format!("heads.safetensors: {e}"))?;
        let nsp = PairProbe::load(&mut w, "nsp.", h, device).map_err(|e| e.to_string())?;
        let sop = PairProbe::load(&mut w, "sop.", h, device).map_err(|e| e.to_string())?;
        Ok(Self { nsp, sop, base })
    }
}

/// What the heads say about one pair: class-0 probabilities ("B follows A" / "in order").
#[derive(Debug, Clone, PartialEq)]
pub struct PairVerdicts {
    /// The encoder's own pretraining head (`cls.seq_relationship`).
    pub own: f32,
    /// The NSP head, where the heads are loaded.
    pub nsp: Option<f32>,
    /// The SOP head, where the heads are loaded.
    pub sop: Option<f32>,
    /// `[2]` per head, in the order own, NSP, SOP (the heads that ran): the raw logits.
    pub logits: Vec<f32>,
}

/// Runs the encoder once and every head on its output (one read from the device).
pub async fn run(m: &LoadedPretraining, heads: Option<&LoadedPairHeads>, enc: &Encoded) -> Result<PairVerdicts, String> {
    let (ids, types, mask) = Batch::single(enc, m.config.pad_token_id as u32).tensors(&m.device);
    let hidden = m.model.bert.forward(ids, types, mask, Keep::default()).last_hidden; // [1, T, H]
    let mut all = vec![m.model.pair_logits(hidden.clone())]; // [1, 2] each
    if let Some(hd) = heads {
        all.push(hd.nsp.forward(hidden.clone()));
        all.push(hd.sop.forward(hidden));
    }
    let logits = read_f32(Tensor::cat(all, 1)).await?; // [1, 2·heads]
    let p0 = |i: usize| 1.0 / (1.0 + (logits[2 * i + 1] - logits[2 * i]).exp()); // softmax's class 0
    let has = heads.is_some();
    Ok(PairVerdicts { own: p0(0), nsp: has.then(|| p0(1)), sop: has.then(|| p0(2)), logits })
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

