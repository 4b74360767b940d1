//! Golden-file check: Sesame's BERT against reference hidden states written once by
//! `scripts/make_golden.py` (HF `transformers` on the same weights). Runs natively in the
//! tests and in the browser on the diagnostics page, on whatever device the model is on.

use serde::{Deserialize, Serialize};

use super::bert::{Batch, LoadedBert, LoadedPretraining};
use super::read_f32;
use crate::model::Keep;

/// The fixture file (`tests/fixtures/minilm-golden.json`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Fixture {
    /// Which model produced it.
    pub model: String,
    /// Hidden size of `last_hidden` rows.
    pub hidden_size: usize,
    /// What produced it (library versions), for the record.
    pub generator: String,
    /// One entry per sentence.
    pub cases: Vec<Case>,
}

/// One reference sentence.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Case {
    /// The sentence.
    pub text: String,
    /// Reference token ids (HF fast tokenizer), `[CLS]`/`[SEP]` included.
    pub ids: Vec<u32>,
    /// Reference `[start, end)` character offsets of each token.
    pub offsets: Vec<(usize, usize)>,
    /// `[T × H]` last-layer hidden states, row-major.
    pub last_hidden: Vec<f32>,
}

/// How one case compared.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseReport {
    /// The sentence.
    pub text: String,
    /// Whether Sesame's tokenizer produced the reference ids.
    pub ids_match: bool,
    /// Largest absolute difference over all `T × H` values (∞ if the tokens differ).
    pub max_abs_diff: f32,
}

/// Runs every case (one at a time, no padding, as the reference did) and compares.
pub async fn check(bert: &LoadedBert, fixture: &Fixture) -> Result<Vec<CaseReport>, String> {
    let mut reports = Vec::new();
    for case in &fixture.cases {
        let enc = bert.tokenizer.encode(&case.text)?;
        let ids_match = enc.ids == case.ids;
        let max_abs_diff = if ids_match {
            let (ids, types, mask) = Batch::single(&enc, bert.config.pad_token_id as u32).tensors(&bert.device);
            let out = bert.model.forward(ids, types, mask, Keep::default());
            let got = read_f32(out.last_hidden).await?; // [1, T, H] flattened
            if got.len() != case.last_hidden.len() {
                return Err(format!("fixture has {} values for {:?}, the model gave {}", case.last_hidden.len(), case.text, got.len()));
            }
            got.iter().zip(&case.last_hidden).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max)
        } else {
            f32::INFINITY
        };
        reports.push(CaseReport { text: case.text.clone(), ids_match, max_abs_diff });
    }
    Ok(reports)
}

/// A golden fixture of a model with pretraining heads (`tests/fixtures/<id>-golden.json`,
/// written by `scripts/make_pretraining_golden.py` with HF `BertForPreTraining`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PretrainingFixture {
    /// Which model produced it.
    pub model: String,
    /// What produced it.
    pub generator: String,
    /// One entry per input.
    pub cases: Vec<PretrainingCase>,
}

/// One reference input (a sentence, or a pair).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PretrainingCase {
    /// Sentence A.
    pub text: String,
    /// Sentence B, for pairs.
    pub text_b: Option<String>,
    /// Reference ids.
    pub ids: Vec<u32>,
    /// Reference segment ids.
    pub type_ids: Vec<u32>,
    /// Vocabulary ids whose logits are stored.
    pub checked_ids: Vec<u32>,
    /// `[T × checked]` masked-LM logits at those ids, row-major.
    pub logits: Vec<f32>,
    /// `[T]` log-sum-exp of each position's full logit row.
    pub logsumexp: Vec<f32>,
    /// `[2]` sentence-pair logits.
    pub pair_logits: Vec<f32>,
}

/// Runs every pretraining case on `m`'s device and compares logits, log-sum-exps and pair logits.
pub async fn check_pretraining(m: &LoadedPretraining, fixture: &PretrainingFixture) -> Result<Vec<CaseReport>, String> {
    use burn::tensor::{Int, Tensor, TensorData};
    let mut reports = Vec::new();
    for case in &fixture.cases {
        let enc = match &case.text_b {
            Some(b) => m.tokenizer.encode_pair(&case.text, b)?,
            None => m.tokenizer.encode(&case.text)?,
        };
        let ids_match = enc.ids == case.ids && enc.type_ids == case.type_ids;
        let label = match &case.text_b {
            Some(b) => format!("{} | {}", case.text, b),
            None => case.text.clone(),
        };
        if !ids_match {
            reports.push(CaseReport { text: label, ids_match, max_abs_diff: f32::INFINITY });
            continue;
        }
        let t = enc.len();
        let (ids, types, mask) = Batch::single(&enc, m.config.pad_token_id as u32).tensors(&m.device);
        let out = m.model.bert.forward(ids, types, mask, Keep::default());
        let all = Tensor::<1, Int>::from_data(TensorData::new((0..t as i64).collect::<Vec<_>>(), [t]), &m.device);
        let logits = read_f32(m.model.mlm_logits(out.last_hidden.clone(), all)).await?; // [T, V]
        let pair = read_f32(m.model.pair_logits(out.last_hidden)).await?; // [1, 2]
        let v = m.config.vocab_size;
        let k = case.checked_ids.len();
        let mut diff = 0.0f32;
        for row in 0..t {
            let r = &logits[row * v..(row + 1) * v];
            for (j, &id) in case.checked_ids.iter().enumerate() {
                diff = diff.max((r[id as usize] - case.logits[row * k + j]).abs());
            }
            let max = r.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let lse = max + r.iter().map(|x| (x - max).exp()).sum::<f32>().ln();
            diff = diff.max((lse - case.logsumexp[row]).abs());
        }
        for (a, b) in pair.iter().zip(&case.pair_logits) {
            diff = diff.max((a - b).abs());
        }
        reports.push(CaseReport { text: label, ids_match, max_abs_diff: diff });
    }
    Ok(reports)
}
