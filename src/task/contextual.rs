//! "Why BERT works": the same word in different sentences gets different contextual vectors.
//!
//! Pipeline: [`prepare`] (tokenize, find the target word, check the window) → [`run`] (one
//! batched forward pass; the target's vector at every layer, plus its static input embedding,
//! pooled on the device and read back once) → [`analyse`] (cosine matrices and a PCA, on the host).

use burn::tensor::{Tensor, TensorData};

use super::geometry::{cosine_matrix, group_contrast, pca2, Projection};
use super::bert::{Batch, EncoderView};
use super::read_f32;
use crate::model::Keep;
use crate::text::{find_target, Encoded};

/// One sentence of the experiment, with the group it belongs to (e.g. "fruit", "company").
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Group label; points and matrix labels are coloured by it.
    pub group: String,
    /// The sentence.
    pub text: String,
}

/// Something wrong with the input, reported to the user; the other sentences still run.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The target word is empty.
    EmptyTarget,
    /// No non-empty sentence was given.
    NoSentences,
    /// Sentence `index` (0-based) does not contain the target.
    TargetMissing { index: usize },
    /// Sentence `index` has `tokens` tokens, more than the model's `window`.
    TooLong { index: usize, tokens: usize, window: usize },
    /// The tokenizer failed on sentence `index`.
    Tokenizer { index: usize, message: String },
}

/// A sentence that passed the checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Position in the user's list (0-based).
    pub index: usize,
    /// The sentence as given.
    pub sentence: Sentence,
    /// Its tokens.
    pub encoded: Encoded,
    /// Characters `[start, end)` of the target in the sentence.
    pub target_chars: (usize, usize),
    /// Indices of the tokens that make up the target (word pieces are averaged).
    pub target_tokens: Vec<usize>,
    /// Whether every target token is `[UNK]` (the word is not in the vocabulary, so its
    /// vector comes from context alone).
    pub target_unknown: bool,
}

/// Tokenizes every sentence and finds the target in it. Empty sentences are skipped silently
/// (blank lines); every other problem is listed.
pub fn prepare(bert: EncoderView<'_>, sentences: &[Sentence], target: &str) -> (Vec<Prepared>, Vec<Problem>) {
    let mut problems = Vec::new();
    if target.trim().is_empty() {
        problems.push(Problem::EmptyTarget);
    }
    let mut ready = Vec::new();
    for (index, sentence) in sentences.iter().enumerate() {
        if sentence.text.trim().is_empty() {
            continue;
        }
        let encoded = match bert.tokenizer.encode(&sentence.text) {
            Ok(e) => e,
            Err(message) => {
                problems.push(Problem::Tokenizer { index, message });
                continue;
            }
        };
        if encoded.len() > bert.window() {
            problems.push(Problem::TooLong { index, tokens: encoded.len(), window: bert.window() });
            continue;
        }
        if target.trim().is_empty() {
            continue;
        }
        let Some(target_chars) = find_target(&sentence.text, target) else {
            problems.push(Problem::TargetMissing { index });
            continue;
        };
        let target_tokens = encoded.tokens_overlapping(target_chars.0, target_chars.1);
        if target_tokens.is_empty() {
            // The target is made only of characters the tokenizer drops (e.g. control characters).
            problems.push(Problem::TargetMissing { index });
            continue;
        }
        let unk = bert.tokenizer.token_id("[UNK]");
        let target_unknown = target_tokens.iter().all(|&i| Some(encoded.ids[i]) == unk);
        ready.push(Prepared { index, sentence: sentence.clone(), encoded, target_chars, target_tokens, target_unknown });
    }
    if sentences.iter().all(|s| s.text.trim().is_empty()) {
        problems.push(Problem::NoSentences);
    }
    (ready, problems)
}

/// The target's vectors, `[layer][sentence][H]`: layer 0 is the static input (word) embedding,
/// layer 1 the embedding-layer output, layer `k + 1` the output of block `k`.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetVectors {
    /// `[L + 2][S][H]`.
    pub layers: Vec<Vec<Vec<f32>>>,
}

/// Runs all prepared sentences in one padded batch and pools the target tokens at every layer.
/// One asynchronous read of `(L + 2) × S × H` floats.
pub async fn run(bert: EncoderView<'_>, prepared: &[Prepared]) -> Result<TargetVectors, String> {
    if prepared.is_empty() {
        return Ok(TargetVectors { layers: Vec::new() });
    }
    let device = bert.device;
    let seqs: Vec<(&[u32], &[u32])> = prepared.iter().map(|p| (&p.encoded.ids[..], &p.encoded.type_ids[..])).collect();
    let batch = Batch::pad(&seqs, bert.config.pad_token_id as u32);
    let (b, t, h) = (batch.rows, batch.cols, bert.config.hidden_size);
    // Pooling weights: 1/n on the n target tokens of each row, 0 elsewhere.
    let mut select = vec![0f32; b * t];
    for (r, p) in prepared.iter().enumerate() {
        for &i in &p.target_tokens {
            select[r * t + i] = 1.0 / p.target_tokens.len() as f32;
        }
    }
    let select = Tensor::<3>::from_data(TensorData::new(select, [b, t, 1]), device); // [B, T, 1]
    let (ids, types, mask) = batch.tensors(device);
    let out = bert.model.forward(ids.clone(), types, mask, Keep { hidden_states: true, attentions: false });
    let mut per_layer = vec![bert.model.embeddings.word_embeddings.forward(ids)]; // [B, T, H]
    per_layer.extend(out.hidden_states);
    let l = per_layer.len();
    let pooled: Vec<Tensor<2>> = per_layer.into_iter().map(|x| (x * select.clone()).sum_dim(1).reshape([b, h])).collect(); // [B, H] each
    let flat = read_f32(Tensor::stack::<3>(pooled, 0)).await?; // [L + 2, B, H]
    let layers = (0..l).map(|k| (0..b).map(|r| flat[(k * b + r) * h..(k * b + r + 1) * h].to_vec()).collect()).collect();
    Ok(TargetVectors { layers })
}

/// What the page draws for one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerView {
    /// `S × S` cosine similarities.
    pub matrix: Vec<Vec<f32>>,
    /// Mean same-group and cross-group similarity (diagonal excluded).
    pub same_group: Option<f32>,
    /// See `same_group`.
    pub cross_group: Option<f32>,
    /// 2-D PCA of the vectors.
    pub projection: Projection,
}

/// Cosine matrix, group contrast and PCA of one layer's vectors.
pub fn analyse(vectors: &[Vec<f32>], groups: &[String]) -> LayerView {
    let matrix = cosine_matrix(vectors);
    let (same_group, cross_group) = group_contrast(&matrix, groups);
    LayerView { projection: pca2(vectors), matrix, same_group, cross_group }
}

/// One sentence as the results list it.
#[derive(Clone, Debug, PartialEq)]
pub struct SentenceView {
    /// Its number in the user's list (1-based).
    pub number: usize,
    /// Its text.
    pub text: String,
    /// Index of its group in [`Results::group_names`].
    pub group: usize,
    /// Its tokens, each with whether it is part of the target.
    pub tokens: Vec<(String, bool)>,
}

/// Everything a finished run shows: the sentences that ran, their groups, the target's vectors
/// at every layer with each layer analysed.
#[derive(Clone, Debug, PartialEq)]
pub struct Results {
    /// The sentences that ran, in order.
    pub sentences: Vec<SentenceView>,
    /// The distinct group names (trimmed), in order of first use.
    pub group_names: Vec<String>,
    /// Every layer's cosine matrix, group contrast and PCA (`[L + 2]`, as [`TargetVectors`]).
    pub layers: Vec<LayerView>,
    /// The target as the first sentence spells it.
    pub target: String,
    /// Whether the target is unknown to the vocabulary in some sentence.
    pub unknown_target: bool,
}

impl Results {
    /// The results of `vectors` computed for `prepared` (at least two sentences for a matrix).
    pub fn new(prepared: &[Prepared], vectors: &TargetVectors) -> Self {
        let mut group_names: Vec<String> = Vec::new();
        let sentences: Vec<SentenceView> = prepared
            .iter()
            .map(|p| {
                let name = p.sentence.group.trim().to_string();
                let group = group_names.iter().position(|n| *n == name).unwrap_or_else(|| {
                    group_names.push(name);
                    group_names.len() - 1
                });
                let tokens = (0..p.encoded.len()).map(|i| (p.encoded.tokens[i].clone(), p.target_tokens.contains(&i))).collect();
                SentenceView { number: p.index + 1, text: p.sentence.text.clone(), group, tokens }
            })
            .collect();
        let keys: Vec<String> = sentences.iter().map(|s| s.group.to_string()).collect();
        Results {
            layers: vectors.layers.iter().map(|l| analyse(l, &keys)).collect(),
            sentences,
            group_names,
            target: prepared.first().map(|p| crate::text::char_slice(&p.sentence.text, p.target_chars.0, p.target_chars.1)).unwrap_or_default(),
            unknown_target: prepared.iter().any(|p| p.target_unknown),
        }
    }

    /// Same-group and cross-group mean similarity at every layer (the by-layer chart).
    pub fn contrast_by_layer(&self) -> Vec<(Option<f32>, Option<f32>)> {
        self.layers.iter().map(|v| (v.same_group, v.cross_group)).collect()
    }
}

impl Problem {
    /// The sentence (0-based) the problem is about, if any.
    pub fn sentence(&self) -> Option<usize> {
        match self {
            Problem::TargetMissing { index } | Problem::TooLong { index, .. } | Problem::Tokenizer { index, .. } => Some(*index),
            Problem::EmptyTarget | Problem::NoSentences => None,
        }
    }
}

/// The default experiment: "apple" the fruit and "Apple" the company.
pub fn default_english() -> (String, Vec<Sentence>) {
    let s = |g: &str, t: &str| Sentence { group: g.into(), text: t.into() };
    (
        "apple".into(),
        vec![
            s("fruit", "I ate a crisp red apple after lunch."),
            s("fruit", "She baked an apple pie with cinnamon."),
            s("fruit", "The apple tree in our garden is full of fruit."),
            s("fruit", "He sliced the apple and shared it with his sister."),
            s("fruit", "A glass of fresh apple juice, please."),
            s("company", "Apple released a new iPhone this autumn."),
            s("company", "Shares of Apple rose after the earnings report."),
            s("company", "I bought an Apple laptop for my programming work."),
            s("company", "Apple and Microsoft compete in the software market."),
            s("company", "The Apple store was crowded on launch day."),
        ],
    )
}

/// The lecture's own example: 果 in 苹果汁 (juice) vs 苹果电脑 (computer).
pub fn default_chinese() -> (String, Vec<Sentence>) {
    let s = |g: &str, t: &str| Sentence { group: g.into(), text: t.into() };
    (
        "果".into(),
        vec![
            s("水果 fruit", "我喝了一杯苹果汁。"),
            s("水果 fruit", "这个苹果很甜。"),
            s("水果 fruit", "妈妈买了很多苹果和香蕉。"),
            s("水果 fruit", "苹果树上结满了果实。"),
            s("水果 fruit", "他每天早上吃一个苹果。"),
            s("公司 company", "我买了一台苹果电脑。"),
            s("公司 company", "苹果公司发布了新手机。"),
            s("公司 company", "他用苹果手机拍照。"),
            s("公司 company", "苹果的股价今天上涨了。"),
            s("公司 company", "苹果电脑的系统很好用。"),
        ],
    )
}

/// "bank": the side of a river vs the place that keeps money.
pub fn default_bank() -> (String, Vec<Sentence>) {
    let s = |g: &str, t: &str| Sentence { group: g.into(), text: t.into() };
    (
        "bank".into(),
        vec![
            s("river", "We had a picnic on the bank of the river."),
            s("river", "The boat drifted towards the muddy bank."),
            s("river", "Fishermen lined the bank at dawn."),
            s("river", "Flood water spilled over the river bank."),
            s("money", "I need to deposit this cheque at the bank."),
            s("money", "The bank raised its interest rates again."),
            s("money", "She works as a teller at a local bank."),
            s("money", "He opened a savings account with the bank."),
        ],
    )
}
