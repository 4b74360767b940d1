//! The BERT family's loaded forms, shared by its tasks (masking, sentence pairs, contextual
//! embeddings, QA) and tools: an encoder ([`LoadedBert`], all-MiniLM-L6-v2), an encoder with its
//! pretraining heads ([`LoadedPretraining`], Sesame's bert-zh and bert-en), and the padded token
//! [`Batch`] every BERT forward pass takes.

use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::model::bert_pretraining::BertForPreTraining;
use crate::model::{BertConfig, BertModel, Bundle};
use crate::text::TextEncoder;

/// A BERT encoder with its tokenizer and config, ready to run on one device.
pub struct LoadedBert {
    /// Hyper-parameters (from the model's `config.json`).
    pub config: BertConfig,
    /// The encoder on `device`.
    pub model: BertModel,
    /// Its tokenizer.
    pub tokenizer: TextEncoder,
    /// Where the model runs.
    pub device: Device,
}

impl LoadedBert {
    /// Builds the model from the bytes of `config.json`, `tokenizer.json` and a safetensors file.
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Self, String> {
        let config: BertConfig = bundle.config()?;
        let tokenizer = TextEncoder::from_json(&bundle.tokenizer)?;
        let model = config.load(&mut bundle.weights()?, device).map_err(|e| e.to_string())?;
        Ok(Self { config, model, tokenizer, device: device.clone() })
    }

    /// The model window in tokens (special tokens included).
    pub fn window(&self) -> usize {
        self.config.max_position_embeddings
    }
}

/// A BERT encoder with its tokenizer, however it was shipped (a plain encoder such as MiniLM, or
/// one with pre-training heads such as bert-zh): what a task that reads only the encoder's hidden
/// states needs.
#[derive(Clone, Copy)]
pub struct EncoderView<'a> {
    /// Hyper-parameters.
    pub config: &'a BertConfig,
    /// The encoder.
    pub model: &'a BertModel,
    /// Its tokenizer.
    pub tokenizer: &'a TextEncoder,
    /// Where it runs.
    pub device: &'a Device,
}

impl EncoderView<'_> {
    /// The model window in tokens (special tokens included).
    pub fn window(&self) -> usize {
        self.config.max_position_embeddings
    }
}

impl LoadedBert {
    /// The encoder as tasks read it.
    pub fn encoder(&self) -> EncoderView<'_> {
        EncoderView { config: &self.config, model: &self.model, tokenizer: &self.tokenizer, device: &self.device }
    }
}

/// Token sequences padded into one `[B, T]` batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Rows (`B`).
    pub rows: usize,
    /// Columns (`T`): the longest sequence.
    pub cols: usize,
    /// `[B·T]` token ids, padding with `pad_id`.
    pub ids: Vec<i64>,
    /// `[B·T]` segment ids.
    pub type_ids: Vec<i64>,
    /// `[B·T]` 1 for tokens, 0 for padding.
    pub mask: Vec<i64>,
}

impl Batch {
    /// Pads `(ids, type_ids)` sequences to the longest one.
    pub fn pad(seqs: &[(&[u32], &[u32])], pad_id: u32) -> Self {
        let rows = seqs.len();
        let cols = seqs.iter().map(|s| s.0.len()).max().unwrap_or(0);
        let mut batch = Batch { rows, cols, ids: vec![pad_id as i64; rows * cols], type_ids: vec![0; rows * cols], mask: vec![0; rows * cols] };
        for (r, (ids, types)) in seqs.iter().enumerate() {
            for (c, (&id, &ty)) in ids.iter().zip(types.iter()).enumerate() {
                batch.ids[r * cols + c] = id as i64;
                batch.type_ids[r * cols + c] = ty as i64;
                batch.mask[r * cols + c] = 1;
            }
        }
        batch
    }

    /// A batch of one encoded text.
    pub fn single(encoded: &crate::text::Encoded, pad_id: u32) -> Self {
        Self::pad(&[(&encoded.ids[..], &encoded.type_ids[..])], pad_id)
    }

    /// The sentence used for forward-pass timings: `[CLS]`, `tokens - 2` copies of one word
    /// piece, `[SEP]` (BERT-uncased ids), so every device times exactly the same work.
    pub fn timing(tokens: usize) -> Self {
        const CLS: u32 = 101;
        const SEP: u32 = 102;
        const WORD: u32 = 2773; // "word"
        let ids: Vec<u32> = std::iter::once(CLS).chain(std::iter::repeat_n(WORD, tokens.saturating_sub(2))).chain(std::iter::once(SEP)).collect();
        let types = vec![0u32; ids.len()];
        Self::pad(&[(&ids[..], &types[..])], 0)
    }

    /// The three `[B, T]` integer tensors on `device`: ids, segment ids, mask.
    pub fn tensors(&self, device: &Device) -> (Tensor<2, Int>, Tensor<2, Int>, Tensor<2, Int>) {
        let shape = [self.rows, self.cols];
        let t = |v: &Vec<i64>| Tensor::<2, Int>::from_data(TensorData::new(v.clone(), shape), device);
        (t(&self.ids), t(&self.type_ids), t(&self.mask))
    }
}

/// A BERT with pretraining heads, its tokenizer and config, on one device.
pub struct LoadedPretraining {
    /// Hyper-parameters.
    pub config: BertConfig,
    /// Encoder and heads.
    pub model: BertForPreTraining,
    /// Tokenizer.
    pub tokenizer: TextEncoder,
    /// Where it runs.
    pub device: Device,
    /// `[MASK]` id.
    pub mask_id: u32,
    /// `[UNK]` id.
    pub unk_id: u32,
    /// First ordinary (non-special) id: random replacements are drawn from here on.
    pub first_ordinary: u32,
}

impl LoadedPretraining {
    /// Builds the model from its shipped files (a delta is laid over its base, see [`Bundle`]).
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Self, String> {
        let config: BertConfig = bundle.config()?;
        let tokenizer = TextEncoder::from_json(&bundle.tokenizer)?;
        let model = BertForPreTraining::load(&config, &mut bundle.weights()?, device).map_err(|e| e.to_string())?;
        Self::new(config, model, tokenizer, device)
    }

    /// Wraps a model already built (e.g. a training checkpoint), reading the special ids from
    /// its tokenizer.
    pub fn new(config: BertConfig, model: BertForPreTraining, tokenizer: TextEncoder, device: &Device) -> Result<Self, String> {
        let id = |t: &str| tokenizer.token_id(t).ok_or_else(|| format!("the tokenizer has no {t}"));
        let (mask_id, unk_id) = (id("[MASK]")?, id("[UNK]")?);
        // bert-base-uncased keeps its ordinary tokens after the [unused*] block, bert-base-chinese after [MASK].
        let first_ordinary = tokenizer.token_id("!").filter(|&i| i > mask_id).unwrap_or(mask_id + 1);
        Ok(Self { config, model, tokenizer, device: device.clone(), mask_id, unk_id, first_ordinary })
    }

    /// The model window in tokens.
    pub fn window(&self) -> usize {
        self.config.max_position_embeddings
    }

    /// The encoder under the heads, as tasks read it.
    pub fn encoder(&self) -> EncoderView<'_> {
        EncoderView { config: &self.config, model: &self.model.bert, tokenizer: &self.tokenizer, device: &self.device }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_sentence_has_the_asked_length() {
        let b = Batch::timing(128);
        assert_eq!((b.rows, b.cols), (1, 128));
        assert_eq!((b.ids[0], b.ids[127]), (101, 102));
        assert!(b.mask.iter().all(|&m| m == 1));
    }

    #[test]
    fn pads_to_longest_with_mask() {
        let b = Batch::pad(&[(&[101, 7, 102], &[0, 0, 0]), (&[101, 102], &[0, 0])], 0);
        assert_eq!((b.rows, b.cols), (2, 3));
        assert_eq!(b.ids, vec![101, 7, 102, 101, 102, 0]);
        assert_eq!(b.mask, vec![1, 1, 1, 1, 1, 0]);
    }
}
