//! The multilingual page's task logic (issue 26 §2), on one two-language BERT (`mbert`):
//! - **no mixing**: each prediction marked by its script ([`Script`]);
//! - **alignment**: the page's gloss pairs ([`DemoPair`], from the model's `demo.json`) embedded
//!   in their sentences at every layer ([`embed_pairs`]), the nearest English words of a Chinese
//!   word and the Mean Reciprocal Rank of the right one ([`Embedded`]);
//! - **the language vector**: mean(zh) − mean(en) of the last block (shipped in `demo.json`,
//!   measured by `sesame-train mbert-language`) added to a sentence's last hidden states before
//!   the masked-LM head ([`shifted_predictions`]).
//!
//! The same code runs in the browser (WebGPU or CPU) and natively; every device read is one
//! asynchronous read per batch.

use burn::tensor::activation::softmax;
use burn::tensor::{Int, Tensor, TensorData};
use serde::Deserialize;

use super::alignment::{mrr, nearest, tokens_in, word_vector};
use super::bert::{Batch, LoadedPretraining};
use super::{read_f32, yield_to_browser};
use crate::model::Keep;
use crate::numeric::top_k;
use crate::text::{is_cjk, Encoded};

/// The script of a vocabulary entry: which language a prediction belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Has a CJK ideograph: Chinese.
    Chinese,
    /// Has a Latin letter (and no CJK): English.
    Latin,
    /// Neither (digits, punctuation, special tokens): no language.
    Neutral,
}

impl Script {
    /// The script of `token` (a `##` continuation is judged by its letters).
    pub fn of(token: &str) -> Self {
        if token.starts_with('[') && token.ends_with(']') && token.len() > 2 {
            return Self::Neutral;
        }
        if token.chars().any(is_cjk) {
            Self::Chinese
        } else if token.chars().any(|c| c.is_ascii_alphabetic() || matches!(c, 'à'..='ÿ')) {
            Self::Latin
        } else {
            Self::Neutral
        }
    }

    /// The script of a language code (`zh` → Chinese, `en` → Latin).
    pub fn of_language(code: &str) -> Self {
        match code {
            "zh" => Self::Chinese,
            "en" => Self::Latin,
            _ => Self::Neutral,
        }
    }

    /// The language a text is mostly written in: the script of most of its letters.
    pub fn of_text(text: &str) -> Self {
        let cjk = text.chars().filter(|&c| is_cjk(c)).count();
        let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
        // A Chinese character carries about a word; an English word about five letters.
        if cjk == 0 && latin == 0 {
            Self::Neutral
        } else if cjk * 5 >= latin {
            Self::Chinese
        } else {
            Self::Latin
        }
    }
}

/// Of the predictions that belong to a language, how many are in `own`'s → (own, with a language).
pub fn own_language(predictions: &[String], own: Script) -> (usize, usize) {
    let scripts: Vec<Script> = predictions.iter().map(|p| Script::of(p)).filter(|s| *s != Script::Neutral).collect();
    (scripts.iter().filter(|&&s| s == own).count(), scripts.len())
}

/// One alignment test pair as the page gets it: a Chinese word and the headword of its English
/// gloss, each in its sentence (HSK sentences, CC BY-SA 4.0).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DemoPair {
    /// The Chinese word.
    pub zh: String,
    /// Its gloss's English headword.
    pub en: String,
    /// The Chinese sentence.
    pub chinese: String,
    /// Its English translation.
    pub english: String,
    /// Character span of the word in `chinese`.
    pub zh_span: (usize, usize),
    /// Character span of the headword in `english`.
    pub en_span: (usize, usize),
}

/// The gloss pairs of `demo.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PairSet {
    /// Where they come from and under which licence.
    pub licence: String,
    /// The pairs.
    pub pairs: Vec<DemoPair>,
}

/// The language vector of `demo.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LanguageVectorData {
    /// Held-out sentences averaged (Chinese, English).
    pub sentences: (usize, usize),
    /// mean(zh) − mean(en) of the last block's outputs, `[H]`.
    pub vector: Vec<f32>,
}

/// What a two-language model ships for its page besides the weights (`demo.json`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Demo {
    /// Alignment pairs.
    pub pairs: Option<PairSet>,
    /// The language vector.
    pub language_vector: Option<LanguageVectorData>,
}

impl Demo {
    /// Reads `demo.json`, checking that the vector fits a model of width `hidden`.
    pub fn parse(bytes: &[u8], hidden: usize) -> Result<Self, String> {
        let demo: Demo = serde_json::from_slice(bytes).map_err(|e| format!("demo.json: {e}"))?;
        if let Some(v) = &demo.language_vector {
            if v.vector.len() != hidden {
                return Err(format!("demo.json: the language vector has {} numbers, the model is {hidden} wide", v.vector.len()));
            }
        }
        Ok(demo)
    }
}

/// Sentences per forward pass when embedding the pairs.
const BATCH: usize = 16;

/// Every sentence's hidden states at every layer → per text `(encoding, [layer][token][H])`, in
/// batches of [`BATCH`] (one device read each, the browser yielded to between them); texts are
/// cut to the model window. `progress(done)` after each batch.
pub async fn embed_texts(m: &LoadedPretraining, texts: &[&str], progress: &dyn Fn(usize)) -> Result<Vec<(Encoded, Vec<Vec<Vec<f32>>>)>, String> {
    let mut out = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(BATCH) {
        let mut encoded = Vec::with_capacity(chunk.len());
        for text in chunk {
            let mut e = m.tokenizer.encode(text)?;
            let t = e.len().min(m.window());
            e.ids.truncate(t);
            e.type_ids.truncate(t);
            e.tokens.truncate(t);
            e.char_spans.truncate(t);
            e.special.truncate(t);
            encoded.push(e);
        }
        let seqs: Vec<(&[u32], &[u32])> = encoded.iter().map(|e| (&e.ids[..], &e.type_ids[..])).collect();
        let batch = Batch::pad(&seqs, m.config.pad_token_id as u32);
        let (ids, types, mask) = batch.tensors(&m.device);
        let states = m.model.bert.forward(ids, types, mask, Keep { hidden_states: true, attentions: false }).hidden_states; // (L + 1) × [B, T, H]
        let layers = states.len();
        let host = read_f32(Tensor::stack::<4>(states, 0)).await?; // [L + 1, B, T, H]
        let (b, t, h) = (batch.rows, batch.cols, m.config.hidden_size);
        for (row, e) in encoded.into_iter().enumerate() {
            let per_layer = (0..layers)
                .map(|l| (0..e.len()).map(|i| host[((l * b + row) * t + i) * h..((l * b + row) * t + i + 1) * h].to_vec()).collect())
                .collect();
            out.push((e, per_layer));
        }
        progress(out.len());
        yield_to_browser().await;
    }
    Ok(out)
}

/// The page's pairs embedded: each kept pair's word vectors at every layer, and the English
/// candidates (one per distinct headword).
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded {
    /// The pairs kept (a word cut off by the window or without a token is left out).
    pub pairs: Vec<DemoPair>,
    /// Chinese word vectors, `[pair][layer][H]`.
    pub zh: Vec<Vec<Vec<f32>>>,
    /// Candidate English words (distinct headwords, first occurrence).
    pub candidates: Vec<String>,
    /// Candidate vectors, `[candidate][layer][H]`.
    pub en: Vec<Vec<Vec<f32>>>,
    /// Each pair's right candidate.
    pub gold: Vec<usize>,
}

impl Embedded {
    /// Layers (0 = the embeddings' output).
    pub fn layers(&self) -> usize {
        self.zh.first().map_or(0, Vec::len)
    }

    /// The MRR of the right English word among all candidates at each layer.
    pub fn mrr_per_layer(&self) -> Vec<f64> {
        (0..self.layers())
            .map(|l| {
                let q: Vec<Vec<f32>> = self.zh.iter().map(|v| v[l].clone()).collect();
                let c: Vec<Vec<f32>> = self.en.iter().map(|v| v[l].clone()).collect();
                mrr(&q, &c, &self.gold)
            })
            .collect()
    }

    /// MRR of a guess in random order over these candidates.
    pub fn chance(&self) -> f64 {
        let n = self.candidates.len();
        (1..=n).map(|r| 1.0 / r as f64).sum::<f64>() / n.max(1) as f64
    }

    /// The `k` English candidates nearest to pair `i`'s Chinese word at `layer` → (word, cosine, is
    /// it the right one), and the right one's rank (1 = nearest).
    pub fn nearest(&self, i: usize, layer: usize, k: usize) -> (Vec<(String, f32, bool)>, usize) {
        let c: Vec<Vec<f32>> = self.en.iter().map(|v| v[layer].clone()).collect();
        let all = nearest(&self.zh[i][layer], &c, c.len());
        let rank = 1 + all.iter().position(|&(j, _)| j == self.gold[i]).unwrap_or(all.len());
        (all.into_iter().take(k).map(|(j, cos)| (self.candidates[j].clone(), cos, j == self.gold[i])).collect(), rank)
    }
}

/// Embeds `pairs` in their sentences (both languages, every layer); `progress(done, total)`
/// counts sentences.
pub async fn embed_pairs(m: &LoadedPretraining, pairs: &[DemoPair], progress: &dyn Fn(usize, usize)) -> Result<Embedded, String> {
    let texts: Vec<&str> = pairs.iter().flat_map(|p| [p.chinese.as_str(), p.english.as_str()]).collect();
    let total = texts.len();
    let states = embed_texts(m, &texts, &|done| progress(done, total)).await?;
    let mut e = Embedded { pairs: Vec::new(), zh: Vec::new(), candidates: Vec::new(), en: Vec::new(), gold: Vec::new() };
    for (p, two) in pairs.iter().zip(states.chunks(2)) {
        let [(zh_enc, zh_layers), (en_enc, en_layers)] = two else { continue };
        let zh_tokens = tokens_in(&zh_enc.char_spans, &zh_enc.special, p.zh_span);
        let en_tokens = tokens_in(&en_enc.char_spans, &en_enc.special, p.en_span);
        if zh_tokens.is_empty() || en_tokens.is_empty() {
            continue;
        }
        let gold = match e.candidates.iter().position(|c| *c == p.en) {
            Some(j) => j,
            None => {
                e.candidates.push(p.en.clone());
                e.en.push(word_vector(en_layers, &en_tokens));
                e.candidates.len() - 1
            }
        };
        e.pairs.push(p.clone());
        e.zh.push(word_vector(zh_layers, &zh_tokens));
        e.gold.push(gold);
    }
    Ok(e)
}

/// One token of a sentence decoded through the masked-LM head after the language vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Shifted {
    /// The token as the vocabulary spells it.
    pub token: String,
    /// The top predictions with their probabilities, best first.
    pub top: Vec<(String, f32)>,
}

/// Runs `text` through the model once, and for each of `strengths` adds strength × `vector` to
/// every last hidden state and decodes each ordinary token with the masked-LM head → per strength,
/// each token's top `k`. One device read for all strengths.
pub async fn shifted_predictions(m: &LoadedPretraining, text: &str, vector: &[f32], strengths: &[f32], k: usize) -> Result<Vec<Vec<Shifted>>, String> {
    let h = m.config.hidden_size;
    if vector.len() != h {
        return Err(format!("the language vector has {} numbers, the model is {h} wide", vector.len()));
    }
    let enc = m.tokenizer.encode(text)?;
    if enc.len() > m.window() {
        return Err(format!("{} tokens: the model reads at most {}", enc.len(), m.window()));
    }
    let positions: Vec<usize> = (0..enc.len()).filter(|&i| !enc.special[i]).collect();
    if positions.is_empty() || strengths.is_empty() {
        return Ok(vec![Vec::new(); strengths.len()]);
    }
    let (ids, types, mask) = Batch::single(&enc, m.config.pad_token_id as u32).tensors(&m.device);
    let hidden = m.model.bert.forward(ids, types, mask, Keep::default()).last_hidden; // [1, T, H]
    let delta = Tensor::<3>::from_data(TensorData::new(vector.to_vec(), [1, 1, h]), &m.device); // [1, 1, H]
    let n = positions.len();
    let at = Tensor::<1, Int>::from_data(TensorData::new(positions.iter().map(|&i| i as i64).collect::<Vec<_>>(), [n]), &m.device);
    let probs: Vec<Tensor<2>> = strengths.iter().map(|&s| softmax(m.model.mlm_logits(hidden.clone() + delta.clone().mul_scalar(s), at.clone()), 1)).collect(); // each [n, V]
    let v = m.config.vocab_size;
    let host = read_f32(Tensor::cat(probs, 0)).await?; // [strengths · n, V]
    Ok((0..strengths.len())
        .map(|j| {
            positions
                .iter()
                .enumerate()
                .map(|(row, &i)| {
                    let r = (j * n + row) * v;
                    Shifted {
                        token: enc.tokens[i].clone(),
                        top: top_k(&host[r..r + v], k).into_iter().map(|(id, p)| (m.tokenizer.token(id as u32).unwrap_or_else(|| format!("#{id}")), p)).collect(),
                    }
                })
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_follow_the_letters() {
        assert_eq!(Script::of("學"), Script::Chinese);
        assert_eq!(Script::of("##習"), Script::Chinese);
        assert_eq!(Script::of("students"), Script::Latin);
        assert_eq!(Script::of("##ing"), Script::Latin);
        assert_eq!(Script::of("café"), Script::Latin);
        for t in ["[MASK]", "[UNK]", "1998", "，", ".", "##9"] {
            assert_eq!(Script::of(t), Script::Neutral, "{t}");
        }
        assert_eq!(Script::of_text("今天天气很[MASK]。"), Script::Chinese);
        assert_eq!(Script::of_text("The weather is [MASK] today."), Script::Latin);
        assert_eq!(Script::of_text("…"), Script::Neutral);
        assert_eq!(own_language(&["好".into(), "good".into(), "。".into(), "冷".into()], Script::Chinese), (2, 3));
    }

    #[test]
    fn demo_data_is_checked_against_the_model_width() {
        let json = r#"{"pairs":{"licence":"x","pairs":[{"zh":"老师","en":"teacher","chinese":"老师好","english":"Hello teacher","zh_span":[0,2],"en_span":[6,13]}]},"language_vector":{"sentences":[2,2],"vector":[0.5,-0.5]}}"#.as_bytes();
        let demo = Demo::parse(json, 2).unwrap();
        assert_eq!(demo.pairs.unwrap().pairs[0].en_span, (6, 13));
        assert!(Demo::parse(json, 256).unwrap_err().contains("256 wide"));
        assert!(Demo::parse(b"{]", 2).is_err());
        assert_eq!(Demo::parse(b"{}", 2).unwrap(), Demo { pairs: None, language_vector: None });
    }

    #[test]
    fn nearest_and_mrr_of_embedded_pairs() {
        let pair = |zh: &str, en: &str| DemoPair { zh: zh.into(), en: en.into(), chinese: String::new(), english: String::new(), zh_span: (0, 0), en_span: (0, 0) };
        let e = Embedded {
            pairs: vec![pair("猫", "cat"), pair("狗", "dog")],
            zh: vec![vec![vec![1.0, 0.1]], vec![vec![0.9, 0.2]]],
            candidates: vec!["cat".into(), "dog".into()],
            en: vec![vec![vec![1.0, 0.0]], vec![vec![0.0, 1.0]]],
            gold: vec![0, 1],
        };
        // 猫 finds cat first; 狗 finds cat first too, dog second: MRR (1 + 1/2) / 2.
        assert!((e.mrr_per_layer()[0] - 0.75).abs() < 1e-9);
        let (near, rank) = e.nearest(1, 0, 1);
        assert_eq!((near[0].0.as_str(), near[0].2, rank), ("cat", false, 2));
        assert!((e.chance() - 0.75).abs() < 1e-9);
    }
}
