//! Masked-token prediction (the lecture's "Masking Input"): cover tokens of a sentence with
//! `[MASK]` or a random token, run BERT, and read the masked-LM head's softmax over the whole
//! vocabulary at every covered position.

use burn::tensor::activation::softmax;
use burn::tensor::{Int, Tensor, TensorData};

use super::masking::{corrupt, Cover, MaskingRule};
use crate::assets::BERT_ZH;
use crate::rng::Rng;
use crate::numeric::top_k;
use super::bert::{Batch, LoadedPretraining};
use super::read_f32;
use crate::model::Keep;
use crate::text::Encoded;

/// Example sentences for a model (the first fills an empty page).
pub fn examples(model: &str) -> &'static [&'static str] {
    if model == BERT_ZH {
        &["台湾大[MASK]。", "臺灣大學是一所很好的大學。", "今天天氣很好，我們去公園散步。", "床前明月光，疑是地上霜。"]
    } else {
        &["The capital of France is [MASK].", "I drank a glass of orange juice this morning.", "The students opened their books and started to read.", "To be, or not to be, that is the question."]
    }
}

/// One token of the sentence as the page shows it, with its cover.
#[derive(Clone, Debug, PartialEq)]
pub struct Chip {
    /// Token index.
    pub index: usize,
    /// The token as typed.
    pub text: String,
    /// `[CLS]`, `[SEP]`: not coverable.
    pub special: bool,
    /// A `[MASK]` typed into the text: covered already, not coverable.
    pub typed_mask: bool,
    /// How the user covered it.
    pub cover: Option<Cover>,
    /// What the model sees there.
    pub shown: String,
}

/// The sentence's tokens with `covers` applied (a tokenizer failure: no chips).
pub fn chips(m: &LoadedPretraining, text: &str, covers: &[(usize, Cover, u32)]) -> Option<Vec<Chip>> {
    let enc = m.tokenizer.encode(text).ok()?;
    Some(
        (0..enc.len())
            .map(|i| {
                let cover = covers.iter().find(|c| c.0 == i);
                let shown = match cover {
                    Some((_, Cover::Mask, _)) => "[MASK]".to_string(),
                    Some((_, Cover::Random, id)) => m.tokenizer.token(*id).unwrap_or_default(),
                    _ => enc.tokens[i].clone(),
                };
                Chip { index: i, text: enc.tokens[i].clone(), special: enc.special[i], typed_mask: enc.ids[i] == m.mask_id, cover: cover.map(|c| c.1), shown }
            })
            .collect(),
    )
}

/// A click on token `index`: uncovered → `[MASK]` → a random ordinary token (drawn with `rng`) →
/// uncovered again.
pub fn cycle_cover(covers: &mut Vec<(usize, Cover, u32)>, index: usize, m: &LoadedPretraining, rng: &mut Rng) {
    match covers.iter().position(|c| c.0 == index) {
        None => covers.push((index, Cover::Mask, 0)),
        Some(k) if covers[k].1 == Cover::Mask => {
            let span = (m.config.vocab_size as u32).saturating_sub(m.first_ordinary).max(1);
            covers[k] = (index, Cover::Random, m.first_ordinary + rng.below(span as usize) as u32);
        }
        Some(k) => {
            covers.remove(k);
        }
    }
}

/// Sets the cover of token `index` (replacing any it had).
pub fn set_cover(covers: &mut Vec<(usize, Cover, u32)>, index: usize, cover: Cover, id: u32) {
    covers.retain(|c| c.0 != index);
    covers.push((index, cover, id));
}

/// Why a typed word cannot replace a token.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplaceProblem {
    /// Nothing typed.
    Empty,
    /// The vocabulary splits it into these tokens; one position holds one token.
    Split(Vec<String>),
    /// Not in the vocabulary (`[UNK]`), or a special token.
    Unknown,
}

/// The vocabulary id of `word` as one ordinary token, to put at a position chosen by the student.
pub fn replacement(m: &LoadedPretraining, word: &str) -> Result<u32, ReplaceProblem> {
    let word = word.trim();
    if word.is_empty() {
        return Err(ReplaceProblem::Empty);
    }
    let enc = m.tokenizer.encode(word).map_err(|_| ReplaceProblem::Unknown)?;
    let pieces: Vec<usize> = (0..enc.len()).filter(|&i| !enc.special[i]).collect();
    match pieces.as_slice() {
        [i] if enc.ids[*i] != m.unk_id && enc.ids[*i] >= m.first_ordinary => Ok(enc.ids[*i]),
        [_] | [] => Err(ReplaceProblem::Unknown),
        many => Err(ReplaceProblem::Split(many.iter().map(|&i| enc.tokens[i].clone()).collect())),
    }
}

/// A pretraining example made from `text` (typed `[MASK]`s removed) with BERT's 80/10/10 rule and
/// `seed`: every token as the model would see it with its cover, and the covers as
/// `(index, cover, id shown)` (to try the example as the page's own covers).
pub fn pretraining_example(m: &LoadedPretraining, text: &str, seed: u64) -> Option<(Vec<(String, Option<Cover>)>, Vec<(usize, Cover, u32)>)> {
    let enc = m.tokenizer.encode(&text.replace("[MASK]", "")).ok()?;
    // A higher rate than 15% would be unfaithful; short sentences just get fewer covers.
    let c = corrupt(&enc.ids, &enc.special, m.mask_id, m.first_ordinary..m.config.vocab_size as u32, MaskingRule::default(), &mut Rng::new(seed));
    let tokens = (0..enc.len()).map(|i| (m.tokenizer.token(c.input[i]).unwrap_or_default(), c.targets.iter().find(|t| t.0 == i).map(|t| t.2))).collect();
    Some((tokens, c.targets.iter().map(|t| (t.0, t.2, c.input[t.0])).collect()))
}

/// Why a sentence cannot be run.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Nothing typed.
    Empty,
    /// No token is covered and none is `[MASK]`: nothing to predict.
    NothingCovered,
    /// More tokens than the model window.
    TooLong {
        /// Tokens in the input (special tokens included).
        tokens: usize,
        /// The window.
        window: usize,
    },
    /// The tokenizer failed.
    Tokenizer(String),
}

/// A sentence with its covered positions, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The tokenized sentence as typed (a typed `[MASK]` is a token here).
    pub encoded: Encoded,
    /// Model input after covering.
    pub input: Vec<u32>,
    /// `(token index, how it is covered)` for every position to predict, in order. A `[MASK]`
    /// typed into the text counts as [`Cover::Mask`].
    pub covered: Vec<(usize, Cover)>,
    /// Every ordinary token is covered: the model sees no context at all.
    pub all_covered: bool,
    /// Tokens the vocabulary does not know (`[UNK]`).
    pub unknown: usize,
}

/// Tokenizes `text` and applies `covers` (`(token index, cover, replacement id)`; the id is
/// used for [`Cover::Random`]). Indices outside the sentence or on special tokens are ignored.
#[allow(clippy::needless_range_loop)] // `i` indexes several parallel vectors
pub fn prepare(m: &LoadedPretraining, text: &str, covers: &[(usize, Cover, u32)]) -> Result<Prepared, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Empty);
    }
    let encoded = m.tokenizer.encode(text).map_err(Problem::Tokenizer)?;
    if encoded.len() > m.window() {
        return Err(Problem::TooLong { tokens: encoded.len(), window: m.window() });
    }
    let mut input = encoded.ids.clone();
    let mut covered = Vec::new();
    for i in 0..encoded.len() {
        if encoded.ids[i] == m.mask_id {
            covered.push((i, Cover::Mask));
        } else if let Some(&(_, cover, replacement)) = covers.iter().find(|c| c.0 == i && !encoded.special[i]) {
            match cover {
                Cover::Mask => input[i] = m.mask_id,
                Cover::Random if m.tokenizer.token(replacement).is_some() => input[i] = replacement,
                // An id the vocabulary lacks (only a hand-edited address can carry one): cover with [MASK].
                Cover::Random => input[i] = m.mask_id,
                Cover::Unchanged => {}
            }
            covered.push((i, cover));
        }
    }
    if covered.is_empty() {
        return Err(Problem::NothingCovered);
    }
    let ordinary = (0..encoded.len()).filter(|&i| !encoded.special[i] && encoded.ids[i] != m.mask_id).count();
    let all_covered = covered.iter().filter(|c| encoded.ids[c.0] != m.mask_id).count() >= ordinary;
    let unknown = encoded.ids.iter().filter(|&&id| id == m.unk_id).count();
    Ok(Prepared { encoded, input, covered, all_covered, unknown })
}

/// The model's answer at one covered position.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Token index in the sentence.
    pub index: usize,
    /// How the position was covered.
    pub cover: Cover,
    /// The token that was there (`[MASK]` when it was typed as such).
    pub original: String,
    /// The token the model saw there (`[MASK]`, or the replacement).
    pub seen: String,
    /// The `k` most probable tokens with their probabilities, best first.
    pub top: Vec<(String, f32)>,
    /// Entropy of the whole distribution over the vocabulary, in bits.
    pub entropy_bits: f32,
    /// Probability the model gives the original token (absent for a typed `[MASK]`).
    pub original_prob: Option<f32>,
}

/// Runs the model and returns the top-`k` predictions at every covered position, with one
/// asynchronous read of the `[M, V]` probabilities (top-k and entropy are computed on the CPU).
pub async fn run(m: &LoadedPretraining, p: &Prepared, k: usize) -> Result<Vec<Prediction>, String> {
    let seq = Encoded { ids: p.input.clone(), ..p.encoded.clone() };
    let (ids, types, mask) = Batch::single(&seq, m.config.pad_token_id as u32).tensors(&m.device);
    let out = m.model.bert.forward(ids, types, mask, Keep::default());
    let positions: Vec<i64> = p.covered.iter().map(|c| c.0 as i64).collect();
    let n = positions.len();
    let positions = Tensor::<1, Int>::from_data(TensorData::new(positions, [n]), &m.device);
    let probs = softmax(m.model.mlm_logits(out.last_hidden, positions), 1); // [M, V]
    let v = m.config.vocab_size;
    let host = read_f32(probs).await?;
    Ok(p.covered
        .iter()
        .enumerate()
        .map(|(row, &(index, cover))| {
            let r = &host[row * v..(row + 1) * v];
            let top = top_k(r, k).into_iter().map(|(id, pr)| (m.tokenizer.token(id as u32).unwrap_or_else(|| format!("#{id}")), pr)).collect();
            let entropy_bits = r.iter().filter(|&&x| x > 0.0).map(|&x| -x * x.log2()).sum();
            let original_id = p.encoded.ids[index];
            Prediction {
                index,
                cover,
                original: p.encoded.tokens[index].clone(),
                seen: m.tokenizer.token(p.input[index]).unwrap_or_default(),
                top,
                entropy_bits,
                original_prob: (original_id != m.mask_id).then(|| r[original_id as usize]),
            }
        })
        .collect())
}
