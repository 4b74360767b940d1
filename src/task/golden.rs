//! Golden-file check: Sesame's BERT against reference hidden states written once by
//! `scripts/make_golden.py` (HF `transformers` on the same weights). Runs natively in the
//! tests and in the browser on the diagnostics page, on whatever device the model is on.

use serde::{Deserialize, Serialize};

use super::{read_f32, Batch, LoadedBert};
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
