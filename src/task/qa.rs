//! One question, end to end, for the QA page: a loaded model answers a question about a
//! document (all windows in one batch, one read), and the numbers behind the answer are
//! gathered for the page's "how it works" panel — the start and end vectors, the chosen
//! tokens' hidden states, their dot products, the softmax and the argmax.

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::qa_windows::{best_spans, prepare, score_windows, Candidate, Prepared, QaInputError, QaSettings, Window, WindowScores};
use super::read_f32;
use crate::model::qa::BertForQuestionAnswering;
use crate::model::{BertConfig, Bundle};
use crate::text::TextEncoder;

/// A fine-tuned QA model with its tokenizer, on one device.
pub struct LoadedQa {
    /// Hyper-parameters.
    pub config: BertConfig,
    /// Encoder and start/end head.
    pub model: BertForQuestionAnswering,
    /// Tokenizer.
    pub tokenizer: TextEncoder,
    /// Windowing and decoding, as the model was fine-tuned.
    pub settings: QaSettings,
    /// `[PAD]` id.
    pub pad_id: u32,
    /// Where it runs.
    pub device: Device,
}

impl LoadedQa {
    /// Builds the model from its shipped files (a delta is laid over its base, see [`Bundle`]).
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Self, String> {
        let config: BertConfig = bundle.config()?;
        let raw = bundle.config_json()?;
        let settings = serde_json::from_value(raw["sesame_qa_settings"].clone()).unwrap_or_else(|_| QaSettings::for_window(config.max_position_embeddings));
        let tokenizer = TextEncoder::from_json(&bundle.tokenizer)?;
        let mut weights = bundle.weights()?;
        let model = BertForQuestionAnswering::load(&config, &mut weights, device).map_err(|e| e.to_string())?;
        let pad_id = tokenizer.token_id("[PAD]").unwrap_or(0);
        Ok(Self { config, model, tokenizer, settings, pad_id, device: device.clone() })
    }
}

/// One token's part in the answer: its score `h·v + b` split into the dot product and the
/// bias, and its softmax probability in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenScore {
    /// Position in the window.
    pub position: usize,
    /// The token as the vocabulary spells it.
    pub token: String,
    /// `h·v` (the dot product with the start or end vector).
    pub dot: f32,
    /// The score (logit) `h·v + b`.
    pub logit: f32,
    /// Softmax probability over the window.
    pub prob: f32,
}

/// The numbers behind the best answer, in the window that found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mechanism {
    /// The start vector `v_s` (`H` numbers) and its bias.
    pub start_vector: Vec<f32>,
    /// `b_s`.
    pub start_bias: f32,
    /// The end vector `v_e` and its bias.
    pub end_vector: Vec<f32>,
    /// `b_e`.
    pub end_bias: f32,
    /// The hidden state of the chosen start token (`H` numbers).
    pub start_hidden: Vec<f32>,
    /// The hidden state of the chosen end token.
    pub end_hidden: Vec<f32>,
    /// The 5 best start tokens of the window, best first (the first is the argmax).
    pub top_starts: Vec<TokenScore>,
    /// The 5 best end tokens.
    pub top_ends: Vec<TokenScore>,
}

/// Everything the page shows for one question.
#[derive(Debug, Clone)]
pub struct QaOutcome {
    /// Question and document, tokenized and windowed.
    pub prepared: Prepared,
    /// Start/end scores of every window.
    pub scores: Vec<WindowScores>,
    /// The best spans, best first (empty only if no window has a document token).
    pub candidates: Vec<Candidate>,
    /// The numbers behind the best span.
    pub mechanism: Option<Mechanism>,
}

impl QaOutcome {
    /// Whether the model prefers "no answer here" (`[CLS]`) to its best span in that span's
    /// window: the page then says it found no confident answer and shows its best guess.
    pub fn unsure(&self) -> bool {
        match self.candidates.first() {
            Some(c) => self.scores[c.window].null_score() > c.score,
            None => true,
        }
    }
}

/// One piece of the document as the page draws it: the characters between tokens (spaces) or
/// one token with its start and end probabilities in the shown window.
#[derive(Debug, Clone, PartialEq)]
pub enum DocPiece {
    /// Characters between tokens; `in_answer` when inside the answer span.
    Gap {
        /// The characters.
        text: String,
        /// Whether they lie inside the answer.
        in_answer: bool,
    },
    /// One document token (or the document's tail after the last token, outside any window).
    Token {
        /// Its characters.
        text: String,
        /// Its vocabulary spelling (the tooltip), empty for the tail.
        token: String,
        /// Whether the shown window holds it.
        inside: bool,
        /// Whether it is part of the answer.
        in_answer: bool,
        /// P(start here) and P(end here) in the shown window (0 outside it).
        probs: (f32, f32),
    },
}

impl QaOutcome {
    /// The document `doc` cut into pieces for drawing: every token with its start and end
    /// probabilities in `window` (the gaps between tokens kept as they are), the answer's
    /// characters `answer` marked. The pieces' texts put together are `doc`.
    pub fn document_pieces(&self, doc: &str, window: usize, answer: (usize, usize)) -> Vec<DocPiece> {
        let chars: Vec<char> = doc.chars().collect();
        let text = |a: usize, b: usize| chars[a.min(chars.len())..b.max(a).min(chars.len())].iter().collect::<String>();
        let p = &self.prepared;
        let w = &p.windows[window.min(p.windows.len() - 1)];
        let s = &self.scores[window.min(self.scores.len() - 1)];
        let (ps, pe) = (s.start_probs(), s.end_probs());
        let mut pieces = Vec::new();
        let mut at = 0usize;
        for i in 0..p.doc_tokens() {
            let (c0, c1) = p.doc_span(i);
            let gap = text(at, c0.max(at));
            if !gap.is_empty() {
                // A space inside the answer is part of the highlight.
                pieces.push(DocPiece::Gap { text: gap, in_answer: at > answer.0 && c0 <= answer.1 });
            }
            let own = text(c0.max(at), c1);
            at = c1.max(at);
            let inside = i >= w.doc_start && i < w.doc_start + w.doc_len;
            let probs = if inside { let pos = w.doc_offset + i - w.doc_start; (ps[pos], pe[pos]) } else { (0.0, 0.0) };
            pieces.push(DocPiece::Token { text: own, token: p.doc_token(i).to_string(), inside, in_answer: c0 >= answer.0 && c1 <= answer.1, probs });
        }
        pieces.push(DocPiece::Token { text: text(at, chars.len()), token: String::new(), inside: false, in_answer: false, probs: (0.0, 0.0) });
        pieces
    }
}

/// Answers `question` about `document`: every window in batches of 8, the `n` best spans,
/// and the mechanism numbers of the best one (one more forward pass of its window).
pub async fn answer(m: &LoadedQa, question: &str, document: &str, n: usize) -> Result<QaOutcome, AnswerError> {
    answer_in_window(m, question, document, n, None).await
}

/// Like [`answer`], reading the document in windows of `window` tokens (stride a quarter of it)
/// instead of the length the model was fine-tuned on; `None` keeps the model's own. The window is
/// capped at the model's position table.
pub async fn answer_in_window(m: &LoadedQa, question: &str, document: &str, n: usize, window: Option<usize>) -> Result<QaOutcome, AnswerError> {
    let settings = match window {
        Some(w) => {
            let w = w.clamp(m.settings.max_question + 8, m.config.max_position_embeddings);
            super::qa_windows::QaSettings { max_len: w, stride: w / 4, ..m.settings }
        }
        None => m.settings,
    };
    let prepared = prepare(&m.tokenizer, question, document, &settings).map_err(AnswerError::Input)?;
    let windows: Vec<&Window> = prepared.windows.iter().collect();
    let scores = score_windows(&m.model, &windows, m.pad_id, 8, &m.device).await.map_err(AnswerError::Device)?;
    let candidates = best_spans(&prepared, document, &scores, n, settings.max_answer);
    let mechanism = match candidates.first() {
        Some(best) => Some(mechanism(m, &prepared, &scores, best).await.map_err(AnswerError::Device)?),
        None => None,
    };
    Ok(QaOutcome { prepared, scores, candidates, mechanism })
}

/// Why a question got no outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerError {
    /// The input (see [`QaInputError`]).
    Input(QaInputError),
    /// The device failed (lost WebGPU device, say).
    Device(String),
}

async fn mechanism(m: &LoadedQa, p: &Prepared, scores: &[WindowScores], best: &Candidate) -> Result<Mechanism, String> {
    let w = &p.windows[best.window];
    let s = &scores[best.window];
    let (a, b) = (w.doc_offset + best.tokens.0 - w.doc_start, w.doc_offset + best.tokens.1 - w.doc_start);
    // The chosen tokens' hidden states and the head, in one read: [2 + 2, H] + biases.
    let t = w.ids.len();
    let ids = Tensor::<2, Int>::from_data(TensorData::new(w.ids.iter().map(|&i| i64::from(i)).collect::<Vec<_>>(), [1, t]), &m.device);
    let types = Tensor::<2, Int>::from_data(TensorData::new(w.type_ids.iter().map(|&i| i64::from(i)).collect::<Vec<_>>(), [1, t]), &m.device);
    let mask = Tensor::<2, Int>::ones([1, t], &m.device);
    let (_, hidden) = m.model.forward_with_hidden(ids, types, mask); // [1, T, H]
    let h = m.config.hidden_size;
    let picked = hidden.reshape([t, h]).select(0, Tensor::<1, Int>::from_data(TensorData::new(vec![a as i64, b as i64], [2]), &m.device)); // [2, H]
    let head = m.model.qa_outputs.weight.val().transpose(); // [2, H]
    let bias = m.model.qa_outputs.bias.as_ref().map(|b| b.val()).unwrap_or_else(|| Tensor::zeros([2], &m.device)).reshape([1, 2]); // [1, 2]
    let bias_row = Tensor::cat(vec![bias, Tensor::zeros([1, h - 2], &m.device)], 1); // [1, H]: b_s, b_e, 0…
    let all = Tensor::cat(vec![picked, head, bias_row], 0); // [5, H]
    let v = read_f32(all).await?;
    let row = |r: usize| v[r * h..(r + 1) * h].to_vec();
    let (start_vector, end_vector) = (row(2), row(3));
    let (start_bias, end_bias) = (v[4 * h], v[4 * h + 1]);
    let top = |logits: &[f32], probs: Vec<f32>, bias: f32| {
        let mut idx: Vec<usize> = w.doc_positions().collect();
        idx.sort_by(|&x, &y| logits[y].total_cmp(&logits[x]));
        idx.into_iter()
            .take(5)
            .map(|i| TokenScore { position: i, token: m.tokenizer.token(w.ids[i]).unwrap_or_default(), dot: logits[i] - bias, logit: logits[i], prob: probs[i] })
            .collect::<Vec<_>>()
    };
    Ok(Mechanism {
        top_starts: top(&s.start, s.start_probs(), start_bias),
        top_ends: top(&s.end, s.end_probs(), end_bias),
        start_hidden: row(0),
        end_hidden: row(1),
        start_vector,
        start_bias,
        end_vector,
        end_bias,
    })
}
