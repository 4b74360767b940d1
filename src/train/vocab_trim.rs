//! Trimming a BERT vocabulary to the tokens a run's corpora use (issue 24): bert-base-chinese has
//! 21,128 entries, but Sesame's Chinese text uses far fewer; the embedding table (and the tied
//! masked-LM decoder) shrink with the vocabulary, so the model ships smaller and each step spends
//! less on the output softmax.
//!
//! The trimmed tokenizer keeps the first `first_ordinary` ids as they are (`[PAD]`, the
//! `[unused]` slots, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`), then every ordinary token seen at
//! least `min_count` times in the training documents, in the original order; anything else
//! becomes `[UNK]`. It is an ordinary `tokenizer.json` (WordPiece with a smaller vocabulary), so
//! the app and every command read it as they read the full one.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::text::TextEncoder;

/// How a run's vocabulary was trimmed (in `run.json` and the model card).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VocabTrim {
    /// The full tokenizer it was cut from.
    pub from: PathBuf,
    /// Fewest occurrences in the training documents for an ordinary token to stay.
    pub min_count: usize,
    /// Entries of the full vocabulary.
    pub full: usize,
    /// Entries kept (the model's vocabulary size).
    pub kept: usize,
    /// Share of the training tokens that become `[UNK]` through the cut.
    pub unk_share: f64,
}

/// Occurrences of each id in `docs` (documents of sentences of ids), `[vocab]`.
pub fn count_ids<'a>(docs: impl IntoIterator<Item = &'a Vec<Vec<u32>>>, vocab: usize) -> Vec<u64> {
    let mut counts = vec![0u64; vocab];
    for doc in docs {
        for &id in doc.iter().flatten() {
            if let Some(c) = counts.get_mut(id as usize) {
                *c += 1;
            }
        }
    }
    counts
}

/// The ids kept, in order: all of `0..first_ordinary`, then the ordinary ids counted at least
/// `min_count` times.
pub fn kept_ids(counts: &[u64], first_ordinary: u32, min_count: usize) -> Vec<u32> {
    (0..counts.len() as u32).filter(|&i| i < first_ordinary || counts[i as usize] >= min_count as u64).collect()
}

/// A `tokenizer.json` (WordPiece) with only the `kept` ids of `full_json`, renumbered in order.
/// The special tokens must keep their ids (they lie below `first_ordinary`).
pub fn trimmed_tokenizer_json(full_json: &[u8], kept: &[u32]) -> Result<Vec<u8>, String> {
    let mut json: serde_json::Value = serde_json::from_slice(full_json).map_err(|e| format!("tokenizer.json: {e}"))?;
    let model = json.get_mut("model").ok_or("tokenizer.json has no model")?;
    // (Older files, bert-base-chinese's among them, leave the type out: WordPiece is the model
    // with a continuing-subword prefix and a token → id map.)
    let wordpiece = match model.get("type").and_then(|t| t.as_str()) {
        Some(t) => t == "WordPiece",
        None => model.get("continuing_subword_prefix").is_some() && model.get("merges").is_none(),
    };
    if !wordpiece {
        return Err("only WordPiece vocabularies are trimmed".into());
    }
    let vocab = model.get_mut("vocab").and_then(|v| v.as_object_mut()).ok_or("tokenizer.json has no vocabulary")?;
    let mut by_id: Vec<(u32, String)> = vocab.iter().map(|(t, id)| (id.as_u64().unwrap_or(u64::MAX) as u32, t.clone())).collect();
    by_id.sort();
    let keep: std::collections::HashSet<u32> = kept.iter().copied().collect();
    let mut next = 0u32;
    let mut trimmed = serde_json::Map::new();
    for (id, token) in by_id {
        if keep.contains(&id) {
            trimmed.insert(token, next.into());
            next += 1;
        }
    }
    *vocab = trimmed;
    // Added (special) tokens keep their ids; check they are all still there.
    for t in json.get("added_tokens").and_then(|a| a.as_array()).into_iter().flatten() {
        let id = t.get("id").and_then(|i| i.as_u64()).unwrap_or(u64::MAX) as u32;
        if !keep.contains(&id) || kept.iter().position(|&k| k == id) != Some(id as usize) {
            return Err(format!("special token {} (id {id}) is not kept in place", t.get("content").and_then(|c| c.as_str()).unwrap_or("?")));
        }
    }
    serde_json::to_vec(&json).map_err(|e| e.to_string())
}

/// Cuts `full_json` down to the tokens `docs` use at least `min_count` times; returns the new
/// `tokenizer.json` bytes and what was done.
pub fn trim<'a>(full_json: &[u8], from: PathBuf, docs: impl IntoIterator<Item = &'a Vec<Vec<u32>>>, first_ordinary: u32, min_count: usize) -> Result<(Vec<u8>, VocabTrim), String> {
    let full = TextEncoder::from_json(full_json)?.vocab_size();
    let counts = count_ids(docs, full);
    let kept = kept_ids(&counts, first_ordinary, min_count);
    let json = trimmed_tokenizer_json(full_json, &kept)?;
    let total: u64 = counts.iter().sum();
    let keep: std::collections::HashSet<u32> = kept.iter().copied().collect();
    let lost: u64 = counts.iter().enumerate().filter(|(i, _)| !keep.contains(&(*i as u32))).map(|(_, c)| c).sum();
    let report = VocabTrim { from, min_count, full, kept: kept.len(), unk_share: lost as f64 / total.max(1) as f64 };
    Ok((json, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny WordPiece tokenizer: specials at 0–4, then characters and a `##` piece.
    fn tiny() -> Vec<u8> {
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "台", "湾", "大", "学", "猫", "##s", "cat"];
        let v: serde_json::Map<String, serde_json::Value> = vocab.iter().enumerate().map(|(i, t)| (t.to_string(), (i as u64).into())).collect();
        let added: Vec<serde_json::Value> = vocab[..5].iter().enumerate().map(|(i, t)| serde_json::json!({"id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true})).collect();
        serde_json::to_vec(&serde_json::json!({
            "version": "1.0", "truncation": null, "padding": null, "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
            "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": null, "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": v}
        }))
        .unwrap()
    }

    #[test]
    fn keeps_specials_and_used_tokens_in_order() {
        let full = tiny();
        let tok = TextEncoder::from_json(&full).unwrap();
        // 台湾大学 twice, 猫 once, "cats" never.
        let doc = vec![tok.ids("台湾大学").unwrap(), tok.ids("台湾大学猫").unwrap()];
        let (json, report) = trim(&full, "tiny".into(), [&doc], 5, 2).unwrap();
        assert_eq!((report.full, report.kept), (12, 9));
        assert!((report.unk_share - 1.0 / 9.0).abs() < 1e-12);
        let cut = TextEncoder::from_json(&json).unwrap();
        assert_eq!(cut.vocab_size(), 9);
        assert_eq!(cut.ids("台湾大学").unwrap(), vec![5, 6, 7, 8]);
        for (i, s) in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].iter().enumerate() {
            assert_eq!(cut.token_id(s), Some(i as u32));
        }
        // Dropped tokens read as [UNK].
        assert_eq!(cut.ids("猫").unwrap(), vec![1]);
        assert_eq!(cut.ids("cats").unwrap(), vec![1]);
    }

    #[test]
    fn a_cut_that_would_move_a_special_token_is_refused() {
        let full = tiny();
        assert!(trimmed_tokenizer_json(&full, &[0, 2, 3, 4, 5]).is_err());
    }
}
