//! Held-out figures of a two-language BERT (mbert, issue 26), per language: masked-LM top-1 /
//! top-5 on each language's held-out documents, and the lecture's "no mixing" claim measured:
//! of the top-5 predictions at each masked position that belong to a language (a token with a
//! CJK character is Chinese, one with a Latin letter English; digits and punctuation belong to
//! neither), the share in the sentence's own language.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::bert::{evaluate_rows, validation_batches_of, BertRunConfig, Data};
use super::bert_examples::{PairTask, TokenizedSource, TrainBatch};
use super::corpus::source_language;
use crate::model::bert_pretraining::BertForPreTraining;
use crate::numeric::top_k;
use crate::text::TextEncoder;

pub use crate::task::multilingual::Script;

/// The script of every id of `tokenizer`'s vocabulary, `[vocab]`.
pub fn scripts(tokenizer: &TextEncoder) -> Vec<Script> {
    (0..tokenizer.vocab_size() as u32).map(|i| tokenizer.token(i).map_or(Script::Neutral, |t| Script::of(&t))).collect()
}

/// One language's held-out figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LanguageEval {
    /// `zh` or `en`.
    pub language: String,
    /// Mean masked-LM cross-entropy on this language's held-out documents.
    pub mlm_loss: f64,
    /// Share of masked tokens whose top prediction is right.
    pub top1: f64,
    /// Share whose original is among the top 5.
    pub top5: f64,
    /// Of the top-5 predictions that belong to a language, the share in this one.
    pub own_language_top5: f64,
    /// Masked tokens evaluated.
    pub targets: usize,
}

/// Each language's fixed held-out batches for [`per_language`] (the same at every call), drawn
/// from that language's held-out documents only, of a run over [`super::corpus::Language::Both`].
pub fn language_batches(data: &Data, cfg: &BertRunConfig, task: PairTask) -> Vec<(String, Vec<TrainBatch>)> {
    ["zh", "en"]
        .iter()
        .filter_map(|&code| {
            let held_out: Vec<TokenizedSource> = data
                .sources
                .iter()
                .filter(|s| source_language(&s.name) == Some(code))
                .map(|s| TokenizedSource { name: s.name.clone(), path: s.path.clone(), weight: s.weight, train: Vec::new(), valid: s.valid.clone() })
                .collect();
            (!held_out.is_empty()).then(|| (code.to_string(), validation_batches_of(&held_out, data, cfg, task)))
        })
        .collect()
}

/// Per-language held-out figures of `model` on [`language_batches`].
pub fn per_language(model: &BertForPreTraining, batches: &[(String, Vec<TrainBatch>)], scripts: &[Script], device: &Device) -> Vec<LanguageEval> {
    batches
        .iter()
        .map(|(code, batches)| {
            let own = Script::of_language(code);
            let (mut mine, mut languaged) = (0usize, 0usize);
            let e = evaluate_rows(model, batches, device, |row| {
                for (id, _) in top_k(row, 5) {
                    match scripts.get(id).copied().unwrap_or(Script::Neutral) {
                        Script::Neutral => {}
                        s => {
                            languaged += 1;
                            mine += usize::from(s == own);
                        }
                    }
                }
            });
            LanguageEval { language: code.clone(), mlm_loss: e.mlm_loss, top1: e.top1, top5: e.top5, own_language_top5: mine as f64 / languaged.max(1) as f64, targets: e.targets }
        })
        .collect()
}
