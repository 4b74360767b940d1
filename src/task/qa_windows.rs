//! Extractive question answering, the document side (the lecture's "How to use BERT — case 4"): the answer is a
//! span of the document. BERT reads `[CLS] question [SEP] document window [SEP]`; the start and
//! end vectors score every token; the best pair `start ≤ end` is the answer.
//!
//! Documents longer than the model window are cut into overlapping windows (a *doc stride*), as
//! the reference implementations do, in training and in inference: each window repeats the
//! question, consecutive windows share `stride` document tokens, and the answer is the best
//! span of any window. Spans map back to the exact characters of the document through the
//! tokenizer's character offsets, so Chinese and mixed text highlight correctly.
//!
//! The loaded model and one question end to end are in [`super::qa`]; the metrics in
//! [`super::qa_metrics`].

use burn::tensor::{Device, Tensor};

use super::bert::Batch;
use super::read_f32;
use crate::model::qa::BertForQuestionAnswering;
use crate::numeric::softmax;
use crate::text::{is_cjk, Encoded, TextEncoder};

/// The longest document a page accepts, in characters (about 10 pages of text; longer input
/// is refused with this number in the message rather than cut silently).
pub const MAX_DOCUMENT_CHARS: usize = 8_000;

/// How documents are windowed and spans decoded.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QaSettings {
    /// Tokens per window, special tokens included (at most the model's position table).
    pub max_len: usize,
    /// Document tokens shared by consecutive windows.
    pub stride: usize,
    /// Longest question, in tokens (without special tokens).
    pub max_question: usize,
    /// Longest answer, in tokens.
    pub max_answer: usize,
}

impl QaSettings {
    /// Settings for a model whose position table has `window` entries: windows of up to 384
    /// tokens with a quarter of them overlapping, questions of up to 64 tokens (BERT's SQuAD
    /// settings; at most half the window).
    pub fn for_window(window: usize) -> Self {
        let max_len = window.min(384);
        Self { max_len, stride: max_len / 4, max_question: (max_len / 2).min(64), max_answer: 30 }
    }
}

/// Why a question cannot be asked.
#[derive(Debug, Clone, PartialEq)]
pub enum QaInputError {
    /// The question is empty (or only spaces).
    EmptyQuestion,
    /// The document is empty.
    EmptyDocument,
    /// The document has more characters than [`MAX_DOCUMENT_CHARS`].
    DocumentTooLong { chars: usize, limit: usize },
    /// The question has more tokens than `max_question`.
    QuestionTooLong { tokens: usize, limit: usize },
    /// The tokenizer failed.
    Tokenizer(String),
}

impl std::fmt::Display for QaInputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EmptyQuestion => write!(f, "the question is empty"),
            Self::EmptyDocument => write!(f, "the document is empty"),
            Self::DocumentTooLong { chars, limit } => write!(f, "the document has {chars} characters; the limit is {limit}"),
            Self::QuestionTooLong { tokens, limit } => write!(f, "the question has {tokens} tokens; the limit is {limit}"),
            Self::Tokenizer(e) => write!(f, "{e}"),
        }
    }
}

/// One model input: the question and a stretch of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// `[CLS] question [SEP] document tokens [SEP]` ids.
    pub ids: Vec<u32>,
    /// Segment ids: 0 for `[CLS]`, the question and its `[SEP]`; 1 after.
    pub type_ids: Vec<u32>,
    /// Position in `ids` of the window's first document token.
    pub doc_offset: usize,
    /// Index (into [`Prepared::doc`]'s tokens) of that first document token.
    pub doc_start: usize,
    /// Number of document tokens in the window.
    pub doc_len: usize,
}

impl Window {
    /// Positions in `ids` of the document's tokens.
    pub fn doc_positions(&self) -> std::ops::Range<usize> {
        self.doc_offset..self.doc_offset + self.doc_len
    }
}

/// A question and document, tokenized and cut into windows.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The question's tokens (with `[CLS]` / `[SEP]`).
    pub question: Encoded,
    /// The document's tokens (with `[CLS]` / `[SEP]` at the ends, which windows do not use;
    /// document token `i` is `doc.ids[i + 1]`).
    pub doc: Encoded,
    /// The windows, in document order.
    pub windows: Vec<Window>,
}

impl Prepared {
    /// Number of document tokens.
    pub fn doc_tokens(&self) -> usize {
        self.doc.len().saturating_sub(2)
    }

    /// `[start, end)` characters of document token `i`.
    pub fn doc_span(&self, i: usize) -> (usize, usize) {
        self.doc.char_spans[i + 1]
    }

    /// The document token text of token `i` (as the vocabulary spells it).
    pub fn doc_token(&self, i: usize) -> &str {
        &self.doc.tokens[i + 1]
    }

    /// The document tokens that cover characters `[start, end)`: `(first, last)` inclusive.
    pub fn tokens_for_chars(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let hits = self.doc.tokens_overlapping(start, end);
        Some((hits.first()? - 1, hits.last()? - 1))
    }
}

/// Tokenizes `question` and `document` and cuts windows of `settings.max_len` tokens.
pub fn prepare(encoder: &TextEncoder, question: &str, document: &str, settings: &QaSettings) -> Result<Prepared, QaInputError> {
    if question.trim().is_empty() {
        return Err(QaInputError::EmptyQuestion);
    }
    if document.trim().is_empty() {
        return Err(QaInputError::EmptyDocument);
    }
    let chars = document.chars().count();
    if chars > MAX_DOCUMENT_CHARS {
        return Err(QaInputError::DocumentTooLong { chars, limit: MAX_DOCUMENT_CHARS });
    }
    let q = encoder.encode(question).map_err(QaInputError::Tokenizer)?;
    let d = encoder.encode(document).map_err(QaInputError::Tokenizer)?;
    let q_len = q.len().saturating_sub(2);
    if q_len > settings.max_question {
        return Err(QaInputError::QuestionTooLong { tokens: q_len, limit: settings.max_question });
    }
    if q_len == 0 {
        return Err(QaInputError::EmptyQuestion);
    }
    if d.len() <= 2 {
        return Err(QaInputError::EmptyDocument);
    }
    let windows = cut_windows(&q, &d, settings);
    Ok(Prepared { question: q, doc: d, windows })
}

/// The windows over `doc` (both encodings carry `[CLS]` … `[SEP]`).
fn cut_windows(q: &Encoded, d: &Encoded, settings: &QaSettings) -> Vec<Window> {
    let (cls, sep) = (q.ids[0], q.ids[q.len() - 1]);
    let question = &q.ids[1..q.len() - 1];
    let doc = &d.ids[1..d.len() - 1];
    let budget = settings.max_len.saturating_sub(question.len() + 3).max(1);
    let step = budget.saturating_sub(settings.stride).max(1);
    let mut windows = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + budget).min(doc.len());
        let mut ids = Vec::with_capacity(question.len() + end - start + 3);
        ids.push(cls);
        ids.extend_from_slice(question);
        ids.push(sep);
        let doc_offset = ids.len();
        ids.extend_from_slice(&doc[start..end]);
        ids.push(sep);
        let type_ids = (0..ids.len()).map(|i| u32::from(i >= doc_offset)).collect();
        windows.push(Window { ids, type_ids, doc_offset, doc_start: start, doc_len: end - start });
        if end == doc.len() {
            break;
        }
        start += step;
    }
    windows
}

/// Where a training answer lies in a window: `(start, end)` positions in `ids`, or `(0, 0)`
/// (the `[CLS]` token) when the window does not contain the whole answer, as in BERT's recipe.
pub fn answer_positions(window: &Window, first_token: usize, last_token: usize) -> (usize, usize) {
    let inside = first_token >= window.doc_start && last_token < window.doc_start + window.doc_len;
    if inside {
        (window.doc_offset + first_token - window.doc_start, window.doc_offset + last_token - window.doc_start)
    } else {
        (0, 0)
    }
}

/// Start and end scores of one window, read back from the model.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowScores {
    /// One start score (logit) per token of the window.
    pub start: Vec<f32>,
    /// One end score per token.
    pub end: Vec<f32>,
}

impl WindowScores {
    /// Softmax of the start scores over the window's tokens.
    pub fn start_probs(&self) -> Vec<f32> {
        softmax(&self.start)
    }

    /// Softmax of the end scores.
    pub fn end_probs(&self) -> Vec<f32> {
        softmax(&self.end)
    }

    /// The `[CLS]` score `start[0] + end[0]`: what the model gives "no answer in this window".
    pub fn null_score(&self) -> f32 {
        self.start.first().copied().unwrap_or(f32::NEG_INFINITY) + self.end.first().copied().unwrap_or(f32::NEG_INFINITY)
    }
}

/// Runs the model on windows (in batches of `batch`) and reads every window's scores back
/// with one asynchronous read per batch.
pub async fn score_windows(model: &BertForQuestionAnswering, windows: &[&Window], pad_id: u32, batch: usize, device: &Device) -> Result<Vec<WindowScores>, String> {
    let mut out = Vec::with_capacity(windows.len());
    for chunk in windows.chunks(batch.max(1)) {
        let rows: Vec<(&[u32], &[u32])> = chunk.iter().map(|w| (&w.ids[..], &w.type_ids[..])).collect();
        let b = Batch::pad(&rows, pad_id);
        let (ids, types, mask) = b.tensors(device);
        let logits = model.forward(ids, types, mask);
        let both = Tensor::cat(vec![logits.start, logits.end], 0); // [2B, T]
        let v = read_f32(both).await?;
        let t = b.cols;
        for (i, w) in chunk.iter().enumerate() {
            let n = w.ids.len();
            let start = v[i * t..i * t + n].to_vec();
            let end = v[(chunk.len() + i) * t..(chunk.len() + i) * t + n].to_vec();
            out.push(WindowScores { start, end });
        }
    }
    Ok(out)
}

/// A candidate answer span.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    /// Which window found it.
    pub window: usize,
    /// First and last document token (inclusive).
    pub tokens: (usize, usize),
    /// `[start, end)` characters of the document.
    pub chars: (usize, usize),
    /// The answer text (exact characters of the document).
    pub text: String,
    /// Start score + end score (what candidates are ranked by, across windows too).
    pub score: f32,
    /// Start probability × end probability within its window.
    pub prob: f32,
}

/// The `n` best spans of every window, best first, with at most `max_answer` tokens each.
///
/// As in the reference implementations, the 20 best start and 20 best end positions of each
/// window are paired (start ≤ end, both in the document part) and spans of different windows
/// compete by their summed scores. A span seen by two overlapping windows is listed once, with
/// its better score.
pub fn best_spans(prepared: &Prepared, document: &str, scores: &[WindowScores], n: usize, max_answer: usize) -> Vec<Candidate> {
    let chars: Vec<char> = document.chars().collect();
    let mut all: Vec<Candidate> = Vec::new();
    for (wi, (w, s)) in prepared.windows.iter().zip(scores).enumerate() {
        let (ps, pe) = (s.start_probs(), s.end_probs());
        let top = |v: &[f32]| {
            let mut idx: Vec<usize> = w.doc_positions().collect();
            idx.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
            idx.truncate(20);
            idx
        };
        for &a in &top(&s.start) {
            for &b in &top(&s.end) {
                if b < a || b - a + 1 > max_answer {
                    continue;
                }
                let (ta, tb) = (w.doc_start + a - w.doc_offset, w.doc_start + b - w.doc_offset);
                let (c0, c1) = (prepared.doc_span(ta).0, prepared.doc_span(tb).1);
                all.push(Candidate {
                    window: wi,
                    tokens: (ta, tb),
                    chars: (c0, c1),
                    text: chars[c0.min(chars.len())..c1.min(chars.len())].iter().collect(),
                    score: s.start[a] + s.end[b],
                    prob: ps[a] * pe[b],
                });
            }
        }
    }
    all.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut seen = std::collections::HashSet::new();
    all.retain(|c| seen.insert(c.chars));
    all.truncate(n);
    all
}

/// Whether `text` looks like the other language of a model for `lang` ("zh" or "en"): a
/// Chinese model asked in a text without CJK characters, or an English model asked in a
/// text that is mostly CJK. The page warns; the model still answers.
pub fn other_language(text: &str, lang: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    if letters.is_empty() {
        return false;
    }
    let cjk = letters.iter().filter(|&&c| is_cjk(c)).count();
    match lang {
        "zh" => cjk == 0,
        "en" => cjk * 2 > letters.len(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_outside_a_window_point_at_cls() {
        let w = Window { ids: vec![0; 10], type_ids: vec![0; 10], doc_offset: 4, doc_start: 20, doc_len: 5 };
        assert_eq!(answer_positions(&w, 21, 22), (5, 6));
        assert_eq!(answer_positions(&w, 24, 25), (0, 0), "the answer runs past the window");
        assert_eq!(answer_positions(&w, 19, 20), (0, 0));
    }

    #[test]
    fn other_language_is_flagged() {
        assert!(other_language("Who wrote it?", "zh"));
        assert!(!other_language("誰寫的？", "zh"));
        assert!(other_language("誰寫的？", "en"));
        assert!(!other_language("Who is 李白?", "en"));
        assert!(!other_language("???", "en"));
    }
}
