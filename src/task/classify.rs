//! One sentence (or a pair) → class probabilities, for the classification pages (the lecture's
//! case 1 and case 3): tokenize, cut to the model's window, one forward pass, one read; the
//! pooled `[CLS]` vector the head reads comes back too, for the page's "how it works" panel.

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::read_f32;
use crate::model::classifier::BertForSequenceClassification;
use crate::model::{BertConfig, Bundle};
use crate::text::{Encoded, TextEncoder};

/// A fine-tuned classifier with its tokenizer and class names, on one device.
pub struct LoadedClassifier {
    /// Hyper-parameters.
    pub config: BertConfig,
    /// Encoder, pooler and class head.
    pub model: BertForSequenceClassification,
    /// Tokenizer.
    pub tokenizer: TextEncoder,
    /// Class names, index = class (`config.json`'s `id2label`).
    pub classes: Vec<String>,
    /// Longest input it was fine-tuned on, in tokens.
    pub max_len: usize,
    /// Where it runs.
    pub device: Device,
}

impl LoadedClassifier {
    /// Builds the model from its shipped files (a delta is laid over its base, see [`Bundle`]).
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Self, String> {
        let config: BertConfig = bundle.config()?;
        let raw = bundle.config_json()?;
        let classes = class_names(&raw);
        let model = BertForSequenceClassification::load(&config, &mut bundle.weights()?, device).map_err(|e| e.to_string())?;
        if classes.len() != model.classes() {
            return Err(format!("config.json names {} classes, the head has {}", classes.len(), model.classes()));
        }
        let max_len = window(&raw, &config);
        Ok(Self { tokenizer: TextEncoder::from_json(&bundle.tokenizer)?, config, model, classes, max_len, device: device.clone() })
    }
}

/// Class names of a fine-tuned model's `config.json`, in class order (its `id2label`).
pub fn class_names(config_json: &serde_json::Value) -> Vec<String> {
    let mut classes: Vec<(usize, String)> = config_json["id2label"].as_object().map(|m| m.iter().filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_string()))).collect()).unwrap_or_default();
    classes.sort();
    classes.into_iter().map(|(_, c)| c).collect()
}

/// Longest input a fine-tuned model takes: `sesame_max_len` of its `config.json` (what it was
/// fine-tuned on), at most its position table.
pub fn window(config_json: &serde_json::Value, config: &BertConfig) -> usize {
    config_json["sesame_max_len"].as_u64().map_or(config.max_position_embeddings, |v| v as usize).min(config.max_position_embeddings)
}

/// Why an input was not classified.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassifyProblem {
    /// Nothing to classify (empty or only spaces).
    Empty,
    /// The tokenizer failed.
    Tokenizer(String),
    /// Running the model or reading its result failed (a lost device, ...).
    Device(String),
}

/// What the page shows for one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    /// Probability of each class (softmax of the scores).
    pub probs: Vec<f32>,
    /// The class scores (logits).
    pub logits: Vec<f32>,
    /// The tokens read (after cutting), as the vocabulary spells them.
    pub tokens: Vec<String>,
    /// Each token's sentence (0 for A, 1 for B), as BERT's segment embedding reads it.
    pub segments: Vec<u32>,
    /// Tokens cut from the end because the input was longer than the model's window.
    pub cut: usize,
    /// The pooled `[CLS]` vector the head reads (`H` numbers).
    pub pooled: Vec<f32>,
}

/// Classifies `text` (and `text_b`, for a pair task).
pub async fn classify(m: &LoadedClassifier, text: &str, text_b: Option<&str>) -> Result<Classified, ClassifyProblem> {
    if text.trim().is_empty() || text_b.is_some_and(|b| b.trim().is_empty()) {
        return Err(ClassifyProblem::Empty);
    }
    let mut enc = match text_b {
        Some(b) => m.tokenizer.encode_pair(text, b),
        None => m.tokenizer.encode(text),
    }
    .map_err(ClassifyProblem::Tokenizer)?;
    let cut = fit_to_window(&mut enc, m.max_len);
    let (ids, types, tokens) = (enc.ids, enc.type_ids, enc.tokens);
    let n = ids.len();
    let ints = |v: Vec<i64>| Tensor::<2, Int>::from_data(TensorData::new(v, [1, n]), &m.device);
    let (ids_t, types_t) = (ints(ids.iter().map(|&i| i as i64).collect()), ints(types.iter().map(|&i| i as i64).collect()));
    let hidden = m.model.bert.forward(ids_t, types_t, ints(vec![1; n]), crate::model::Keep::default()).last_hidden; // [1, T, H]
    let pooled = m.model.bert.pool(hidden).ok_or_else(|| ClassifyProblem::Device("the model has no pooler".into()))?; // [1, H]
    let logits = m.model.classifier.forward(pooled.clone()); // [1, C]
    let c = m.classes.len();
    // One read: the class scores, then the pooled vector.
    let all = read_f32(Tensor::cat(vec![logits, pooled], 1)).await.map_err(ClassifyProblem::Device)?; // [1, C + H]
    let logits = all[..c].to_vec();
    Ok(Classified { probs: crate::numeric::softmax(&logits), logits, tokens, segments: types, cut, pooled: all[c..].to_vec() })
}

/// Cuts a tokenized `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` to at most `max` tokens (at least
/// 3), one token at a time from the end of the longer sentence, keeping the separators; the
/// number of tokens cut. Training (`train::classify::encode`) and the page cut alike.
pub fn fit_to_window(enc: &mut Encoded, max: usize) -> usize {
    let mut cut = 0;
    while enc.ids.len() > max.max(3) {
        // The last token of each sentence sits just before its [SEP] (type changes or the end).
        let first_sep = enc.type_ids.iter().position(|&t| t == 1).map_or(enc.ids.len() - 1, |p| p - 1);
        let (a_len, b_len) = (first_sep - 1, enc.ids.len().saturating_sub(first_sep + 2));
        let at = if b_len > a_len { enc.ids.len() - 2 } else { first_sep - 1 };
        for v in [&mut enc.ids, &mut enc.type_ids] {
            v.remove(at);
        }
        enc.tokens.remove(at);
        enc.char_spans.remove(at);
        enc.special.remove(at);
        cut += 1;
    }
    cut
}
