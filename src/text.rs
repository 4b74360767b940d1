//! Tokenization with the `tokenizers` crate, with offsets mapped back to characters of the
//! user's text (what the pages highlight), and finding a target word in a sentence.
//!
//! The same build (`unstable_wasm`: fancy-regex instead of oniguruma) runs natively and in the
//! browser, so native tests cover what the page does.

use tokenizers::Tokenizer;

/// A tokenizer loaded from a `tokenizer.json`, set to never truncate or pad (Sesame checks the
/// window itself and says so, instead of silently cutting text).
pub struct TextEncoder {
    tokenizer: Tokenizer,
}

/// One encoded text: parallel vectors, one entry per token, `[CLS]` and `[SEP]` included.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// Vocabulary ids.
    pub ids: Vec<u32>,
    /// Segment ids (0 for sentence A).
    pub type_ids: Vec<u32>,
    /// Token strings as the vocabulary spells them (`##` marks a word-piece continuation).
    pub tokens: Vec<String>,
    /// `[start, end)` in characters (not bytes) of the original text; `(0, 0)` for special tokens.
    pub char_spans: Vec<(usize, usize)>,
    /// Whether each token is a special token (`[CLS]`, `[SEP]`, ...).
    pub special: Vec<bool>,
}

impl Encoded {
    /// Number of tokens, special tokens included.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no tokens at all.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Indices of the non-special tokens whose characters overlap `[start, end)`.
    pub fn tokens_overlapping(&self, start: usize, end: usize) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| !self.special[i] && self.char_spans[i].0 < end && self.char_spans[i].1 > start)
            .collect()
    }
}

impl TextEncoder {
    /// Loads a tokenizer from the bytes of a `tokenizer.json`.
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        let mut tokenizer = Tokenizer::from_bytes(bytes).map_err(|e| format!("could not read tokenizer.json: {e}"))?;
        tokenizer
            .with_truncation(None)
            .map_err(|e| format!("could not configure the tokenizer: {e}"))?;
        tokenizer.with_padding(None);
        Ok(Self { tokenizer })
    }

    /// Builds a byte-level BPE tokenizer (GPT-2 family) from the vocabulary and merges a GGUF
    /// file carries, as llama.cpp reads them: control tokens (`<|im_start|>`, ...) become special
    /// tokens matched anywhere in the text; the `smollm` pre-tokenizer splits digits one by one
    /// before the GPT-2 split.
    pub fn from_gguf_vocab(vocab: &crate::model::gguf::GgufVocab) -> Result<Self, String> {
        if vocab.model == "llama" {
            return Self::sentencepiece_from_gguf(vocab);
        }
        use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
        use tokenizers::models::bpe::BPE;
        use tokenizers::pre_tokenizers::{byte_level::ByteLevel, digits::Digits, sequence::Sequence, PreTokenizerWrapper};
        use tokenizers::AddedToken;
        if vocab.model != "gpt2" {
            return Err(format!("the GGUF tokenizer is \"{}\"; Sesame reads byte-level BPE (\"gpt2\") tokenizers", vocab.model));
        }
        let ids: tokenizers::models::bpe::Vocab = vocab.tokens.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        let merges: Vec<(String, String)> = vocab
            .merges
            .iter()
            .map(|m| m.split_once(' ').map(|(a, b)| (a.to_string(), b.to_string())).ok_or_else(|| format!("bad BPE merge {m:?}")))
            .collect::<Result<_, _>>()?;
        let bpe = BPE::builder().vocab_and_merges(ids, merges).build().map_err(|e| format!("could not build the BPE tokenizer: {e}"))?;
        let mut tokenizer = Tokenizer::new(bpe);
        let byte_level = ByteLevel::new(false, true, true);
        let pre: PreTokenizerWrapper = match vocab.pre.as_str() {
            "smollm" => Sequence::new(vec![Digits::new(true).into(), byte_level.into()]).into(),
            _ => byte_level.into(),
        };
        tokenizer.with_pre_tokenizer(Some(pre));
        tokenizer.with_decoder(Some(ByteLevelDecoder::default()));
        let specials: Vec<AddedToken> = vocab
            .tokens
            .iter()
            .zip(&vocab.token_types)
            .filter(|(_, &ty)| ty == 3 || ty == 4)
            .map(|(t, _)| AddedToken::from(t.clone(), true))
            .collect();
        tokenizer.add_special_tokens(specials).map_err(|e| format!("could not add the special tokens: {e}"))?;
        Ok(Self { tokenizer })
    }

    /// Builds a SentencePiece "merge by score" tokenizer with byte fallback (GGUF `llama`
    /// tokenizers: Gemma's, Llama 2's) as llama.cpp runs it: spaces become `▁` (and one goes
    /// before the text if the file says so); the text starts as single characters, and the
    /// adjacent pair whose union is the highest-scoring normal token is merged, again and again;
    /// a character outside the vocabulary becomes its UTF-8 bytes (`<0xE4>`, ...). The file
    /// keeps scores, not merges, so the merges are listed here in score order (as transformers'
    /// GGUF converter does); the `tokenizers` BPE applying them in that order is the same
    /// algorithm. User-defined tokens (Gemma: runs of spaces, newlines and tabs, HTML tags) are
    /// matched whole in the raw text first, and kept when decoding; control tokens (`<bos>`,
    /// `<start_of_turn>`, ...) are special tokens.
    fn sentencepiece_from_gguf(vocab: &crate::model::gguf::GgufVocab) -> Result<Self, String> {
        use std::collections::HashMap;
        use tokenizers::decoders::{byte_fallback::ByteFallback, fuse::Fuse, sequence::Sequence, strip::Strip, DecoderWrapper};
        use tokenizers::models::bpe::BPE;
        use tokenizers::normalizers::{prepend::Prepend, replace::Replace, NormalizerWrapper, Sequence as Normalizers};
        use tokenizers::AddedToken;
        const NORMAL: i32 = 1;
        const CONTROL: i32 = 3;
        const USER_DEFINED: i32 = 4;
        let n = vocab.tokens.len();
        if vocab.scores.len() != n || vocab.token_types.len() != n {
            return Err("the GGUF SentencePiece tokenizer lacks its token scores or types".into());
        }
        let normal: HashMap<&str, usize> = (0..n).filter(|&i| vocab.token_types[i] == NORMAL).map(|i| (vocab.tokens[i].as_str(), i)).collect();
        // Every way of writing a normal token as two normal tokens, best-scoring union first;
        // among one union's splits, the better-scoring left (then right) piece first.
        let mut splits: Vec<(usize, usize, usize)> = Vec::new(); // (union, left, right)
        for (&token, &id) in &normal {
            for (k, _) in token.char_indices().skip(1) {
                if let (Some(&l), Some(&r)) = (normal.get(&token[..k]), normal.get(&token[k..])) {
                    splits.push((id, l, r));
                }
            }
        }
        let score = |i: usize| vocab.scores[i];
        splits.sort_by(|a, b| score(b.0).total_cmp(&score(a.0)).then(a.0.cmp(&b.0)).then(score(b.1).total_cmp(&score(a.1))).then(score(b.2).total_cmp(&score(a.2))));
        let merges: Vec<(String, String)> = splits.iter().map(|&(_, l, r)| (vocab.tokens[l].clone(), vocab.tokens[r].clone())).collect();
        let ids: tokenizers::models::bpe::Vocab = vocab.tokens.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        let unk = (0..n).find(|&i| vocab.token_types[i] == 2).map_or("<unk>".to_string(), |i| vocab.tokens[i].clone());
        let bpe = BPE::builder()
            .vocab_and_merges(ids, merges)
            .byte_fallback(true)
            .unk_token(unk)
            .build()
            .map_err(|e| format!("could not build the SentencePiece tokenizer: {e}"))?;
        let mut tokenizer = Tokenizer::new(bpe);
        let spaces = Replace::new(" ", "▁").map_err(|e| e.to_string())?;
        let mut normalizers: Vec<NormalizerWrapper> = Vec::new();
        if vocab.add_space_prefix {
            normalizers.push(Prepend::new("▁".into()).into());
        }
        normalizers.push(spaces.into());
        tokenizer.with_normalizer(Some(Normalizers::new(normalizers))).map_err(|e| format!("could not set the normaliser: {e}"))?;
        let mut decoders: Vec<DecoderWrapper> = vec![
            DecoderWrapper::Replace(Replace::new("▁", " ").map_err(|e| e.to_string())?),
            ByteFallback::new().into(),
            Fuse::new().into(),
        ];
        if vocab.add_space_prefix {
            decoders.push(Strip::new(' ', 1, 0).into());
        }
        tokenizer.with_decoder(Some(Sequence::new(decoders)));
        let added = |ty: i32| -> Vec<AddedToken> {
            (0..n).filter(|&i| vocab.token_types[i] == ty).map(|i| AddedToken::from(vocab.tokens[i].clone(), ty == CONTROL).normalized(false)).collect()
        };
        tokenizer.add_special_tokens(added(CONTROL)).map_err(|e| format!("could not add the control tokens: {e}"))?;
        tokenizer.add_tokens(added(USER_DEFINED)).map_err(|e| format!("could not add the user-defined tokens: {e}"))?;
        Ok(Self { tokenizer })
    }

    /// Builds a character-level tokenizer: `specials` take ids `0..n` (the first is the
    /// unknown token every character outside the vocabulary becomes; all are special tokens
    /// matched anywhere in the text), then one id per character of `chars`, in order. It is a
    /// BPE model without merges, so HF `tokenizers` in Python reads the same `tokenizer.json`.
    pub fn characters(specials: &[&str], chars: &[char]) -> Result<Self, String> {
        use tokenizers::decoders::fuse::Fuse;
        use tokenizers::models::bpe::BPE;
        use tokenizers::AddedToken;
        let unk = specials.first().ok_or("a character tokenizer needs an unknown token")?;
        let vocab: tokenizers::models::bpe::Vocab = specials
            .iter()
            .map(|s| s.to_string())
            .chain(chars.iter().map(|c| c.to_string()))
            .enumerate()
            .map(|(i, t)| (t, i as u32))
            .collect();
        if vocab.len() != specials.len() + chars.len() {
            return Err("a character tokenizer's characters and special tokens must all differ".into());
        }
        let bpe = BPE::builder()
            .vocab_and_merges(vocab, vec![])
            .unk_token(unk.to_string())
            .build()
            .map_err(|e| format!("could not build the character tokenizer: {e}"))?;
        let mut tokenizer = Tokenizer::new(bpe);
        tokenizer.with_decoder(Some(Fuse::new()));
        tokenizer
            .add_special_tokens(specials.iter().map(|s| AddedToken::from(s.to_string(), true)).collect::<Vec<_>>())
            .map_err(|e| format!("could not add the special tokens: {e}"))?;
        Ok(Self { tokenizer })
    }

    /// The tokenizer as `tokenizer.json` text.
    pub fn to_json(&self) -> Result<String, String> {
        self.tokenizer.to_string(true).map_err(|e| format!("could not write tokenizer.json: {e}"))
    }

    /// Text of token ids (special tokens kept when `keep_special`); byte-level pieces that do
    /// not complete a character decode to U+FFFD.
    pub fn decode(&self, ids: &[u32], keep_special: bool) -> Result<String, String> {
        self.tokenizer.decode(ids, !keep_special).map_err(|e| format!("could not decode tokens: {e}"))
    }

    /// Encodes one text with special tokens, keeping character offsets.
    pub fn encode(&self, text: &str) -> Result<Encoded, String> {
        self.encode_input(text)
    }

    /// Encodes a sentence pair `[CLS] a [SEP] b [SEP]` (segment ids 0 then 1); character spans
    /// refer to each sentence's own text.
    pub fn encode_pair(&self, a: &str, b: &str) -> Result<Encoded, String> {
        self.encode_input((a, b))
    }

    fn encode_input<'s>(&self, input: impl Into<tokenizers::EncodeInput<'s>>) -> Result<Encoded, String> {
        let enc = self
            .tokenizer
            .encode_char_offsets(input, true)
            .map_err(|e| format!("could not tokenize the text: {e}"))?;
        let special: Vec<bool> = enc.get_special_tokens_mask().iter().map(|&m| m == 1).collect();
        Ok(Encoded {
            ids: enc.get_ids().to_vec(),
            type_ids: enc.get_type_ids().to_vec(),
            tokens: enc.get_tokens().to_vec(),
            char_spans: enc.get_offsets().iter().zip(&special).map(|(&o, &s)| if s { (0, 0) } else { o }).collect(),
            special,
        })
    }

    /// Token ids of a text without special tokens (training data).
    pub fn ids(&self, text: &str) -> Result<Vec<u32>, String> {
        let enc = self.tokenizer.encode(text, false).map_err(|e| format!("could not tokenize the text: {e}"))?;
        Ok(enc.get_ids().to_vec())
    }

    /// The token string of an id.
    pub fn token(&self, id: u32) -> Option<String> {
        self.tokenizer.id_to_token(id)
    }

    /// The id of a token string, if it is in the vocabulary.
    pub fn token_id(&self, token: &str) -> Option<u32> {
        self.tokenizer.token_to_id(token)
    }

    /// Vocabulary size (added tokens included).
    pub fn vocab_size(&self) -> usize {
        self.tokenizer.get_vocab_size(true)
    }
}

/// Finds `target` in `text`, ignoring case, and returns its `[start, end)` in characters.
///
/// A whole-word occurrence is preferred (so "apple" finds "Apple" in "Apple's", not the
/// "apple" inside "pineapple" first); if there is none, the first occurrence anywhere counts,
/// which is what Chinese text (no spaces) needs. Leading/trailing spaces of `target` are ignored.
pub fn find_target(text: &str, target: &str) -> Option<(usize, usize)> {
    let hay: Vec<char> = text.chars().collect();
    let needle: Vec<char> = target.trim().chars().collect();
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    let same = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
    let matches_at = |i: usize| needle.iter().enumerate().all(|(j, &c)| same(hay[i + j], c));
    let is_word = |c: char| c.is_alphanumeric() && !is_cjk(c);
    let bounded = |i: usize| {
        let end = i + needle.len();
        (i == 0 || !is_word(hay[i - 1]) || !is_word(needle[0])) && (end == hay.len() || !is_word(hay[end]) || !is_word(needle[needle.len() - 1]))
    };
    let starts: Vec<usize> = (0..=hay.len() - needle.len()).filter(|&i| matches_at(i)).collect();
    let start = starts.iter().copied().find(|&i| bounded(i)).or_else(|| starts.first().copied())?;
    Some((start, start + needle.len()))
}

/// Whether a character is a CJK ideograph (each one is a word of its own for BERT's tokenizer).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F |
        0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

/// The characters `[start, end)` of `text` (character, not byte, indices).
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end.saturating_sub(start)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_tokenizer_maps_each_character_and_survives_json() {
        let chars: Vec<char> = "台湾大学，。 a".chars().collect();
        let t = TextEncoder::characters(&["[UNK]", "<|endoftext|>"], &chars).unwrap();
        assert_eq!(t.vocab_size(), 2 + chars.len());
        // 台 湾 大 学 → 2..6; 灣 is not in the vocabulary → [UNK]; the end-of-text token is recognised in text.
        assert_eq!(t.ids("台湾大学灣<|endoftext|> a").unwrap(), vec![2, 3, 4, 5, 0, 1, 8, 9]);
        assert_eq!(t.decode(&[2, 3, 1, 4, 5, 6], false).unwrap(), "台湾大学，");
        let again = TextEncoder::from_json(t.to_json().unwrap().as_bytes()).unwrap();
        assert_eq!(again.ids("大学。台").unwrap(), vec![4, 5, 7, 2]);
        assert!(TextEncoder::characters(&["[UNK]"], &['a', 'a']).is_err());
    }

    /// A SentencePiece vocabulary in GGUF form: `scores` of the normal tokens decide the merges.
    fn spm_vocab(ab: f32, bc: f32) -> crate::model::gguf::GgufVocab {
        let mut tokens: Vec<(&str, i32, f32)> = vec![("<unk>", 2, 0.0), ("<bos>", 3, 0.0), ("\n", 4, 0.0), ("  ", 4, 0.0), ("<0xC3>", 6, 0.0), ("<0xA9>", 6, 0.0)];
        tokens.extend([("▁", 1, -1.0), ("a", 1, -2.0), ("b", 1, -3.0), ("c", 1, -4.0), ("ab", 1, ab), ("bc", 1, bc), ("▁a", 1, -5.0), ("▁ab", 1, -9.0)]);
        crate::model::gguf::GgufVocab {
            model: "llama".into(),
            pre: "default".into(),
            tokens: tokens.iter().map(|t| t.0.to_string()).collect(),
            token_types: tokens.iter().map(|t| t.1).collect(),
            scores: tokens.iter().map(|t| t.2).collect(),
            merges: Vec::new(),
            bos: Some(1),
            eos: None,
            add_bos: true,
            add_space_prefix: false,
            chat_template: None,
        }
    }

    #[test]
    fn sentencepiece_merges_the_best_scoring_pair_and_falls_back_to_bytes() {
        let t = TextEncoder::from_gguf_vocab(&spm_vocab(-7.0, -6.0)).unwrap();
        let tokens = |text: &str| t.ids(text).unwrap().iter().map(|&i| t.token(i).unwrap()).collect::<Vec<_>>();
        // "bc" outscores "ab", so a|bc; with the scores swapped, ab|c.
        assert_eq!(tokens("abc"), ["a", "bc"]);
        let swapped = TextEncoder::from_gguf_vocab(&spm_vocab(-6.0, -7.0)).unwrap();
        assert_eq!(swapped.ids("abc").unwrap().iter().map(|&i| swapped.token(i).unwrap()).collect::<Vec<_>>(), ["ab", "c"]);
        // Spaces are ▁ (no prefix here); "▁a" + "b" → "▁ab"; é is not a token: its two UTF-8 bytes.
        assert_eq!(tokens("c ab"), ["c", "▁ab"]);
        assert_eq!(tokens("é"), ["<0xC3>", "<0xA9>"]);
        // User-defined tokens are matched whole in the raw text: a newline, two spaces.
        assert_eq!(tokens("a\nb  c"), ["a", "\n", "b", "  ", "c"]);
        // Decoding gives the text back, bytes fused into characters, newlines kept.
        let text = "c ab\né  abc";
        assert_eq!(t.decode(&t.ids(text).unwrap(), false).unwrap(), text);
        // The control token is special: recognised in text, dropped when decoding.
        assert_eq!(t.ids("<bos>a").unwrap(), vec![1, 7]);
        let mut broken = spm_vocab(-7.0, -6.0);
        broken.scores.pop();
        assert!(TextEncoder::from_gguf_vocab(&broken).is_err());
    }

    #[test]
    fn finds_whole_words_before_substrings() {
        assert_eq!(find_target("I like pineapple and apple pie", "apple"), Some((21, 26)));
        assert_eq!(find_target("Apple's new phone", "apple"), Some((0, 5)));
        assert_eq!(find_target("pineapple", "apple"), Some((4, 9)));
        assert_eq!(find_target("I ate a pear", "apple"), None);
        assert_eq!(find_target("anything", "   "), None);
        assert_eq!(find_target("", "apple"), None);
    }

    #[test]
    fn finds_chinese_characters_by_character_index() {
        // 我喝了苹果汁: 果 is the 5th character (index 4), whatever its UTF-8 byte offset.
        assert_eq!(find_target("我喝了苹果汁", "果"), Some((4, 5)));
        assert_eq!(find_target("苹果电脑很贵", "苹果"), Some((0, 2)));
        assert_eq!(char_slice("我喝了苹果汁", 3, 5), "苹果");
    }

    #[test]
    fn case_insensitive_for_non_ascii() {
        assert_eq!(find_target("ÉCOLE normale", "école"), Some((0, 5)));
    }
}
