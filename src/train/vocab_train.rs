//! Training a WordPiece vocabulary shared by Chinese and English (issue 26, mbert): the `tokenizers`
//! crate's `WordPieceTrainer` over a run's training documents in both languages. bert-base-chinese's
//! vocabulary has only 3,365 ASCII pieces, so English would shatter into letters; MiniLM's has
//! almost no Chinese. The trained vocabulary has every frequent character of both scripts (each
//! CJK character is a word of its own, as BERT's normaliser splits them) and English word pieces.
//!
//! The result is an ordinary BERT `tokenizer.json` (uncased BERT normaliser, BERT pre-tokeniser,
//! WordPiece with `##` continuations, `[CLS] A [SEP] B [SEP]` post-processing), so the app, the
//! trainers and HF transformers read it like any other; its first ids are
//! `[PAD] [UNK] [CLS] [SEP] [MASK]` ([`SPECIAL_TOKENS`]).

use serde::{Deserialize, Serialize};
use tokenizers::decoders::wordpiece::WordPiece as WordPieceDecoder;
use tokenizers::models::wordpiece::{WordPiece, WordPieceTrainer};
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::{AddedToken, DecoderWrapper, NormalizerWrapper, PostProcessorWrapper, PreTokenizerWrapper, TokenizerBuilder};

/// The special tokens, ids 0..5 in this order; ordinary tokens start at [`FIRST_ORDINARY`].
pub const SPECIAL_TOKENS: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

/// The first id of an ordinary token in a trained vocabulary.
pub const FIRST_ORDINARY: u32 = SPECIAL_TOKENS.len() as u32;

/// How a run's vocabulary was trained (in `run.json` and the model card). A new run's settings
/// ask for one with `kept == 0`; the run then trains it, writes its own `tokenizer.json` and
/// records what came out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VocabTrain {
    /// The vocabulary size asked of the trainer (special tokens and characters included).
    pub size: usize,
    /// Fewest occurrences of a pair for the trainer to merge it.
    pub min_frequency: u64,
    /// The most frequent characters kept as the alphabet (the rest become `[UNK]`).
    pub limit_alphabet: usize,
    /// Entries of the trained vocabulary (the model's vocabulary size).
    pub kept: usize,
    /// Sentences the vocabulary was trained on.
    pub sentences: usize,
    /// Share of the training tokens that are `[UNK]` with the trained vocabulary.
    #[serde(default)]
    pub unk_share: f64,
}

/// Trains a WordPiece vocabulary of at most `size` entries on `sentences` (the shared uncased
/// BERT pipeline); returns the `tokenizer.json` text.
pub fn train_wordpiece<'a>(sentences: impl Iterator<Item = &'a str> + Send, size: usize, min_frequency: u64, limit_alphabet: usize) -> Result<String, String> {
    let err = |e: tokenizers::Error| format!("training the vocabulary: {e}");
    let mut tokenizer = TokenizerBuilder::<WordPiece, NormalizerWrapper, PreTokenizerWrapper, PostProcessorWrapper, DecoderWrapper>::new()
        .with_model(WordPiece::default())
        .with_normalizer(Some(BertNormalizer::new(true, true, None, true).into()))
        .with_pre_tokenizer(Some(BertPreTokenizer.into()))
        .with_post_processor(None)
        .with_decoder(Some(WordPieceDecoder::default().into()))
        .build()
        .map_err(err)?;
    let mut trainer = WordPieceTrainer::builder()
        .vocab_size(size)
        .min_frequency(min_frequency)
        .limit_alphabet(limit_alphabet)
        .special_tokens(SPECIAL_TOKENS.iter().map(|t| AddedToken::from(t.to_string(), true)).collect())
        .show_progress(false)
        .build();
    tokenizer.train(&mut trainer, sentences).map_err(err)?;
    let id = |t: &str| tokenizer.token_to_id(t).ok_or_else(|| format!("the trained vocabulary has no {t}"));
    for (i, t) in SPECIAL_TOKENS.iter().enumerate() {
        if id(t)? != i as u32 {
            return Err(format!("{t} has id {} in the trained vocabulary, not {i}", id(t)?));
        }
    }
    let processing = BertProcessing::new(("[SEP]".into(), id("[SEP]")?), ("[CLS]".into(), id("[CLS]")?));
    tokenizer.with_post_processor(Some(PostProcessorWrapper::from(processing)));
    tokenizer.to_string(true).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextEncoder;

    #[test]
    fn a_trained_vocabulary_reads_both_languages_in_pieces_and_characters() {
        let text = ["The students learn quickly.", "Students are learning.", "學生在學習。", "学生学习很快。", "learning learns learned"];
        let many: Vec<&str> = text.iter().cycle().take(200).copied().collect();
        let json = train_wordpiece(many.into_iter(), 120, 2, 1000).unwrap();
        let tok = TextEncoder::from_json(json.as_bytes()).unwrap();
        for (i, t) in SPECIAL_TOKENS.iter().enumerate() {
            assert_eq!(tok.token_id(t), Some(i as u32));
        }
        let enc = tok.encode("Students learn 學習").unwrap();
        // [CLS] … [SEP] around; lower-cased English as whole words or pieces; one character a token.
        assert_eq!(enc.tokens.first().map(String::as_str), Some("[CLS]"));
        assert_eq!(enc.tokens.last().map(String::as_str), Some("[SEP]"));
        assert!(enc.tokens.iter().any(|t| t == "students"), "{:?}", enc.tokens);
        assert!(enc.tokens.iter().any(|t| t == "學") && enc.tokens.iter().any(|t| t == "習"), "{:?}", enc.tokens);
        assert!(!enc.tokens.iter().any(|t| t == "[UNK]"), "{:?}", enc.tokens);
    }
}
