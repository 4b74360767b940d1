//! The "language vector" of a two-language BERT (issue 26 §2; arXiv 2010.10041): the mean of the
//! last block's outputs over a sample of Chinese text minus the mean over English text. Added
//! (times a strength) to an English sentence's last hidden states before the masked-LM head, it
//! should turn the predictions Chinese: unsupervised token-level translation. Measured on the HSK
//! gloss pairs ([`crate::task::alignment`]): at the English headword's first token, is the first
//! character of the Chinese word the top-1 / among the top-5 predictions?

use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::mbert_eval::{scripts, Script};
use crate::numeric::top_k;
use crate::model::bert_pretraining::BertForPreTraining;
use crate::model::Keep;
use crate::task::alignment::{gloss_pairs, tokens_in, HskRecord};
use crate::text::TextEncoder;

/// What adding the language vector at one strength does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrengthRow {
    /// The multiple of the vector added.
    pub strength: f32,
    /// Share of pairs whose Chinese word's first character is the top prediction.
    pub top1: f64,
    /// Share with it among the top 5.
    pub top5: f64,
    /// Share of top-1 predictions (at the headwords) that are Chinese tokens.
    pub chinese_top1: f64,
}

/// The language vector's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageVectorReport {
    /// Sentences averaged per language (Chinese, English).
    pub sentences: (usize, usize),
    /// Length of mean(zh) − mean(en), and of the mean English vector, for scale.
    pub norm: f64,
    /// Length of the mean English hidden state.
    pub english_norm: f64,
    /// Gloss pairs tested.
    pub pairs: usize,
    /// One row per strength, 0 (no vector) first.
    pub rows: Vec<StrengthRow>,
    /// The vector itself, `[H]` (shipped with the model for the page, not in the card).
    #[serde(skip)]
    pub vector: Vec<f32>,
}

/// The last block's output for one text → (`[1, T, H]`, encoding); the text is cut to `window` tokens.
fn last_hidden(model: &BertForPreTraining, tok: &TextEncoder, text: &str, window: usize, device: &Device) -> Result<(Tensor<3>, crate::text::Encoded), String> {
    let (out, enc) = super::mbert_align::run_sentence(&model.bert, tok, text, window, Keep::default(), device)?;
    Ok((out.last_hidden, enc))
}

/// The mean of the last block's outputs over every ordinary token of `texts` → `[H]`.
pub fn mean_hidden(model: &BertForPreTraining, tok: &TextEncoder, texts: &[&str], window: usize, device: &Device) -> Result<Vec<f32>, String> {
    let mut sum: Vec<f64> = Vec::new();
    let mut n = 0usize;
    for text in texts {
        let (h, enc) = last_hidden(model, tok, text, window, device)?;
        let [_, t, hidden] = h.dims();
        let v = h.into_data().convert::<f32>().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?;
        sum.resize(hidden, 0.0);
        for i in (0..t).filter(|&i| !enc.special[i]) {
            sum.iter_mut().zip(&v[i * hidden..(i + 1) * hidden]).for_each(|(s, x)| *s += f64::from(*x));
            n += 1;
        }
    }
    Ok(sum.iter().map(|s| (s / n.max(1) as f64) as f32).collect())
}

/// The language-vector report: `zh_texts` and `en_texts` give the vector; the HSK pairs are
/// decoded at each of `strengths`.
pub fn report(model: &BertForPreTraining, tok: &TextEncoder, zh_texts: &[&str], en_texts: &[&str], records: &[HskRecord], strengths: &[f32], window: usize, device: &Device) -> Result<LanguageVectorReport, String> {
    let zh = mean_hidden(model, tok, zh_texts, window, device)?;
    let en = mean_hidden(model, tok, en_texts, window, device)?;
    let vector: Vec<f32> = zh.iter().zip(&en).map(|(a, b)| a - b).collect();
    let length = |v: &[f32]| v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let kinds = scripts(tok);
    let pairs = gloss_pairs(records);
    let hidden = vector.len();
    let delta = Tensor::<3>::from_data(TensorData::new(vector.clone(), [1, 1, hidden]), device); // [1, 1, H]
    let mut tested = 0usize;
    let mut rows: Vec<StrengthRow> = strengths.iter().map(|&s| StrengthRow { strength: s, top1: 0.0, top5: 0.0, chinese_top1: 0.0 }).collect();
    for p in &pairs {
        let Some(target) = p.zh.chars().next().and_then(|c| tok.token_id(&c.to_string())) else { continue };
        let (h, enc) = last_hidden(model, tok, &records[p.record].english, window, device)?;
        let t = h.dims()[1];
        let Some(&at) = tokens_in(&enc.char_spans[..t], &enc.special[..t], p.en_span).first() else { continue };
        tested += 1;
        for row in &mut rows {
            let shifted = h.clone() + delta.clone().mul_scalar(row.strength); // [1, T, H]
            let positions = Tensor::<1, Int>::from_data(TensorData::new(vec![at as i64], [1]), device);
            let logits = model.mlm_logits(shifted, positions).into_data().convert::<f32>().try_to_vec::<f32>().map_err(|e| format!("{e:?}"))?; // [1 × V]
            let top: Vec<usize> = top_k(&logits, 5).into_iter().map(|(i, _)| i).collect();
            row.top1 += f64::from(u8::from(top.first() == Some(&(target as usize))));
            row.top5 += f64::from(u8::from(top.contains(&(target as usize))));
            row.chinese_top1 += f64::from(u8::from(top.first().is_some_and(|&i| kinds.get(i) == Some(&Script::Chinese))));
        }
    }
    for row in &mut rows {
        let n = tested.max(1) as f64;
        row.top1 /= n;
        row.top5 /= n;
        row.chinese_top1 /= n;
    }
    Ok(LanguageVectorReport { sentences: (zh_texts.len(), en_texts.len()), norm: length(&vector), english_norm: length(&en), pairs: tested, rows, vector })
}
