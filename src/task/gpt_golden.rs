//! Golden-file check of a GPT: Sesame's logits and greedy continuations against references
//! written once by `scripts/make_gpt_golden.py` (HF `transformers` on the same weights). Runs
//! natively in the tests and in the browser, on whatever device the model is on.

use serde::{Deserialize, Serialize};

use super::gpt::LoadedGpt;
use crate::rng::Rng;
use super::sampling::Sampling;

/// The fixture file (`tests/fixtures/smollm2-golden.json`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GptFixture {
    /// The vocabulary ids whose logits are kept at every position.
    pub fixed_ids: Vec<u32>,
    /// One entry per prompt.
    pub cases: Vec<GptCase>,
}

/// One reference prompt.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GptCase {
    /// The prompt text.
    pub prompt: String,
    /// Reference token ids (HF tokenizer, no special tokens added).
    pub ids: Vec<u32>,
    /// `[T][10]` ids of the 10 largest logits at every position.
    pub top_ids: Vec<Vec<u32>>,
    /// `[T][10]` their logits.
    pub top_logits: Vec<Vec<f32>>,
    /// `[T][fixed]` logits of the fixture's `fixed_ids` at every position.
    pub fixed_logits: Vec<Vec<f32>>,
    /// Logits of ids `0..1024` at the last position.
    pub last_logits_0_1024: Vec<f32>,
    /// Greedy continuation (16 tokens, or fewer when it ended).
    pub greedy_ids: Vec<u32>,
}

/// How one prompt compared.
#[derive(Debug, Clone, PartialEq)]
pub struct GptCaseReport {
    /// The prompt.
    pub prompt: String,
    /// Whether Sesame's tokenizer gave the reference ids.
    pub ids_match: bool,
    /// Largest |difference| over every compared logit.
    pub max_abs_diff: f32,
    /// Positions whose argmax equals the reference's, of all positions.
    pub argmax_agree: (usize, usize),
    /// Whether the greedy continuation equals the reference token for token.
    pub greedy_match: bool,
    /// Sesame's greedy continuation.
    pub greedy_ids: Vec<u32>,
}

/// Runs every case of `fixture` on `gpt` (with the reference ids, so a tokenizer mismatch is
/// reported without hiding the numeric comparison).
pub async fn check_gpt(gpt: &LoadedGpt, fixture: &GptFixture) -> Result<Vec<GptCaseReport>, String> {
    let mut reports = Vec::new();
    let v = gpt.config.vocab_size;
    for case in &fixture.cases {
        let ids_match = gpt.encode(&case.prompt)? == case.ids; // BOS first where the model wants one
        let logits = gpt.all_logits(&case.ids).await?; // [T × V]
        let t = case.ids.len();
        let mut diff = 0f32;
        let mut agree = 0;
        for pos in 0..t {
            let row = &logits[pos * v..(pos + 1) * v];
            for (&id, &want) in fixture.fixed_ids.iter().zip(&case.fixed_logits[pos]) {
                diff = diff.max((row[id as usize] - want).abs());
            }
            for (&id, &want) in case.top_ids[pos].iter().zip(&case.top_logits[pos]) {
                diff = diff.max((row[id as usize] - want).abs());
            }
            let argmax = (0..v).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0);
            agree += usize::from(argmax as u32 == case.top_ids[pos][0]);
        }
        let last = &logits[(t - 1) * v..];
        for (i, &want) in case.last_logits_0_1024.iter().enumerate() {
            diff = diff.max((last[i] - want).abs());
        }
        let n = case.greedy_ids.len();
        let greedy_ids = gpt.generate(&case.ids, n, &Sampling::greedy(), &mut Rng::new(0), |_| false).await?;
        // The reference stops early only at the end-of-text token, which `generate` drops.
        reports.push(GptCaseReport {
            prompt: case.prompt.clone(),
            ids_match,
            max_abs_diff: diff,
            argmax_agree: (agree, t),
            greedy_match: greedy_ids == case.greedy_ids || (n > 0 && Some(case.greedy_ids[n - 1]) == gpt.eos() && greedy_ids == case.greedy_ids[..n - 1]),
            greedy_ids,
        });
    }
    Ok(reports)
}
