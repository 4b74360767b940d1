//! Pretraining examples: `[CLS] A [SEP] B [SEP]` built from a document, with a sentence-pair
//! label (NSP or SOP) and BERT's 15% / 80-10-10 token corruption.

use crate::rng::Rng;
use crate::task::masking::{corrupt, corrupt_words, MaskingRule};
use crate::text::TextEncoder;

use super::corpus::Source;

/// The sentence-pair objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairTask {
    /// Next-sentence prediction (BERT): half the time B is taken from another document.
    Nsp,
    /// Sentence-order prediction (ALBERT): half the time A and B are swapped.
    Sop,
}

impl PairTask {
    /// `"nsp"` or `"sop"`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Nsp => "nsp",
            Self::Sop => "sop",
        }
    }
}

/// Special token ids and the range random replacements are drawn from.
#[derive(Debug, Clone)]
pub struct Vocab {
    /// `[CLS]`.
    pub cls: u32,
    /// `[SEP]`.
    pub sep: u32,
    /// `[MASK]`.
    pub mask: u32,
    /// `[PAD]`.
    pub pad: u32,
    /// Ordinary tokens (random replacements).
    pub ordinary: std::ops::Range<u32>,
    /// By id: whether the token continues a word (`##` pieces), for whole-word masking.
    pub continuation: Vec<bool>,
}

impl Vocab {
    /// Reads the special ids from a BERT tokenizer; ordinary tokens start at `first_ordinary`.
    pub fn from_tokenizer(tok: &TextEncoder, first_ordinary: u32) -> Result<Self, String> {
        let id = |t: &str| tok.token_id(t).ok_or_else(|| format!("tokenizer has no {t}"));
        let continuation = (0..tok.vocab_size() as u32).map(|i| tok.token(i).is_some_and(|t| t.starts_with("##"))).collect();
        Ok(Self { cls: id("[CLS]")?, sep: id("[SEP]")?, mask: id("[MASK]")?, pad: id("[PAD]")?, ordinary: first_ordinary..tok.vocab_size() as u32, continuation })
    }

    /// Whether `id` starts a word (anything but a `##` piece).
    pub fn starts_word(&self, id: u32) -> bool {
        !self.continuation.get(id as usize).copied().unwrap_or(false)
    }
}

/// Set on a token id in a [`TokenizedSource`] sentence when the token starts a name: a word
/// written with a capital letter that does not begin its sentence (English only). Names are
/// what knowledge masking (`Sampler::example_with`) covers first. [`token_id`] clears it.
pub const NAME: u32 = 1 << 31;

/// The vocabulary id of a token of a [`TokenizedSource`] sentence (without the [`NAME`] mark).
pub fn token_id(t: u32) -> u32 {
    t & !NAME
}

/// A source's documents as token ids (one `Vec` per sentence, no special tokens; names carry
/// the [`NAME`] mark).
pub struct TokenizedSource {
    /// Source name.
    pub name: String,
    /// The file it was read from.
    pub path: std::path::PathBuf,
    /// Sampling weight.
    pub weight: f64,
    /// Training documents.
    pub train: Vec<Vec<Vec<u32>>>,
    /// Held-out documents.
    pub valid: Vec<Vec<Vec<u32>>>,
}

/// Log unigram probabilities of the tokens a [`Sampler`] draws for training (each source counted
/// with its sampling weight), `[V]`, for starting the masked-LM decoder bias at the prior: a fresh
/// model then begins at the unigram loss instead of learning it first. Tokens outside
/// `ordinary` (never targets) and unseen ones get the probability of a half occurrence.
pub fn log_unigram_prior(sources: &[TokenizedSource], vocab_size: usize, ordinary: &std::ops::Range<u32>) -> Vec<f32> {
    let mut p = vec![0f64; vocab_size];
    for s in sources {
        let tokens: Vec<u32> = s.train.iter().flatten().flatten().map(|&t| token_id(t)).filter(|id| ordinary.contains(id)).collect();
        let share = s.weight / tokens.len().max(1) as f64;
        for id in tokens {
            p[id as usize] += share;
        }
    }
    let total: f64 = p.iter().sum();
    let floor = 0.5 * p.iter().copied().filter(|&x| x > 0.0).fold(f64::INFINITY, f64::min).min(1.0);
    let logs: Vec<f64> = p.iter().map(|&x| (x.max(floor) / total).ln()).collect();
    let mean = logs.iter().sum::<f64>() / logs.len().max(1) as f64;
    logs.iter().map(|&x| (x - mean) as f32).collect()
}

/// Tokenizes every sentence of every source; with `mark_names`, tokens that start a name get
/// the [`NAME`] mark (see [`name_marks`]).
pub fn tokenize(sources: &[Source], tok: &TextEncoder, mark_names: bool) -> Result<Vec<TokenizedSource>, String> {
    let sentence = |s: &str| -> Result<Vec<u32>, String> {
        if !mark_names {
            return tok.ids(s);
        }
        let enc = tok.encode(s)?;
        let marks = name_marks(s, &enc);
        Ok(enc.ids.iter().zip(&marks).zip(&enc.special).filter(|(_, &special)| !special).map(|((&id, &name), _)| if name { id | NAME } else { id }).collect())
    };
    let docs = |d: &[super::corpus::Document]| -> Result<Vec<Vec<Vec<u32>>>, String> {
        d.iter()
            .map(|doc| doc.sentences.iter().map(|s| sentence(s)).filter(|r| r.as_ref().map_or(true, |v| !v.is_empty())).collect::<Result<Vec<_>, _>>())
            .filter(|r| r.as_ref().map_or(true, |s| s.iter().map(Vec::len).sum::<usize>() >= 4))
            .collect()
    };
    sources.iter().map(|s| Ok(TokenizedSource { name: s.name.clone(), path: s.path.clone(), weight: s.weight, train: docs(&s.train)?, valid: docs(&s.valid)? })).collect()
}

/// For each token of `enc` (the encoding of `text`), whether it starts a name: the first piece
/// of a word whose first character is a capital letter and which is not the first word of the
/// sentence or of a quotation (`"` `'` `:` before it). The pronoun "I" is not a name.
pub fn name_marks(text: &str, enc: &crate::text::Encoded) -> Vec<bool> {
    let chars: Vec<char> = text.chars().collect();
    (0..enc.len())
        .map(|i| {
            let (start, end) = enc.char_spans[i];
            if enc.special[i] || enc.tokens[i].starts_with("##") || start >= chars.len() || !chars[start].is_uppercase() {
                return false;
            }
            if end == start + 1 && chars[start] == 'I' {
                return false;
            }
            let before = chars[..start].iter().rev().find(|c| !c.is_whitespace());
            before.is_some_and(|c| !matches!(c, '.' | '!' | '?' | ':' | '"' | '\'' | '“' | '‘' | '「' | '『'))
        })
        .collect()
}

/// One example before batching.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// `[CLS] A [SEP] B [SEP]` after corruption.
    pub input: Vec<u32>,
    /// Segment ids (0 for `[CLS] A [SEP]`, 1 for `B [SEP]`).
    pub types: Vec<u32>,
    /// `(position, original id)` of every token to predict.
    pub targets: Vec<(usize, u32)>,
    /// 0: B follows A; 1: it does not (random B for NSP, swapped for SOP).
    pub pair_label: u32,
}

/// What kinds of examples a [`Sampler`] draws (the default is BERT's).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ExampleMix {
    /// Knowledge masking: share of the masked-token budget given to names (whole words); 0 is
    /// BERT's token-by-token rule.
    pub names: f64,
    /// Share of examples that are a single short fragment instead of a sentence pair.
    pub fragments: f64,
}

/// Draws examples from tokenized sources.
pub struct Sampler<'a> {
    sources: &'a [TokenizedSource],
    vocab: Vocab,
    /// Longest example in tokens (specials included).
    pub seq: usize,
    task: PairTask,
    valid: bool,
    cumulative: Vec<f64>,
}

impl<'a> Sampler<'a> {
    /// A sampler over the training (or, with `valid`, held-out) documents.
    pub fn new(sources: &'a [TokenizedSource], vocab: Vocab, seq: usize, task: PairTask, valid: bool) -> Self {
        let mut acc = 0.0;
        let cumulative = sources
            .iter()
            .map(|s| {
                let docs = if valid { &s.valid } else { &s.train };
                acc += if docs.is_empty() { 0.0 } else { s.weight };
                acc
            })
            .collect();
        Self { sources, vocab, seq, task, valid, cumulative }
    }

    fn docs(&self, source: usize) -> &'a [Vec<Vec<u32>>] {
        let s = &self.sources[source];
        if self.valid {
            &s.valid
        } else {
            &s.train
        }
    }

    fn pick_source(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&0.0);
        let r = rng.unit() * total;
        self.cumulative.iter().position(|&c| r < c).unwrap_or(self.cumulative.len() - 1)
    }

    /// A random span of consecutive tokens from a random document of `source`, split into
    /// A and B at a sentence boundary (or mid-sentence when the span is one sentence).
    fn segments(&self, source: usize, budget: usize, rng: &mut Rng) -> (Vec<u32>, Vec<u32>) {
        let docs = self.docs(source);
        let doc = &docs[rng.below(docs.len())];
        let start = rng.below(doc.len());
        // BERT uses shorter sequences 10% of the time, so the model also sees short inputs.
        let target = if rng.unit() < 0.1 { 8 + rng.below(budget.saturating_sub(8).max(1)) } else { budget };
        let mut sentences: Vec<&Vec<u32>> = Vec::new();
        let mut len = 0;
        for s in &doc[start..] {
            if len >= target {
                break;
            }
            sentences.push(s);
            len += s.len();
        }
        if sentences.len() < 2 && start > 0 && len < target {
            sentences.insert(0, &doc[start - 1]);
        }
        let (a, b): (Vec<u32>, Vec<u32>) = if sentences.len() >= 2 {
            let cut = 1 + rng.below(sentences.len() - 1);
            (sentences[..cut].iter().flat_map(|s| s.iter().copied()).collect(), sentences[cut..].iter().flat_map(|s| s.iter().copied()).collect())
        } else {
            let all: Vec<u32> = sentences.iter().flat_map(|s| s.iter().copied()).collect();
            let cut = 1 + rng.below(all.len().saturating_sub(1).max(1));
            (all[..cut.min(all.len())].to_vec(), all[cut.min(all.len())..].to_vec())
        };
        (a, b)
    }

    /// A fragment: 2 to 16 consecutive tokens cut anywhere from a random document, sentence
    /// boundaries ignored (a phrase such as a reader types on the masking page: "台湾大[MASK]").
    fn fragment(&self, rng: &mut Rng) -> Vec<u32> {
        let docs = self.docs(self.pick_source(rng));
        let doc = &docs[rng.below(docs.len())];
        let start = rng.below(doc.len());
        let tokens: Vec<u32> = doc[start..].iter().flatten().copied().take(64).collect();
        let len = (2 + rng.below(15)).min(tokens.len());
        let from = rng.below(tokens.len() - len + 1);
        tokens[from..from + len].to_vec()
    }

    /// One corrupted example with BERT's rule (each token chosen on its own).
    pub fn example(&self, rng: &mut Rng) -> Example {
        self.example_with(rng, ExampleMix::default())
    }

    /// One corrupted example. With `mix.names` 0 the targets follow BERT's rule, each token
    /// chosen on its own; above 0, whole words are masked and names come first, taking up to
    /// that share of the 15% budget (knowledge masking, see `corrupt_words`). A share
    /// `mix.fragments` of the examples are a single fragment (`[CLS] fragment [SEP]`, pair
    /// label 0) instead of a sentence pair.
    pub fn example_with(&self, rng: &mut Rng, mix: ExampleMix) -> Example {
        let budget = self.seq - 3;
        if mix.fragments > 0.0 && rng.unit() < mix.fragments {
            let mut fragment = self.fragment(rng);
            fragment.truncate(budget);
            return self.finish(fragment, None, 0, mix.names, rng);
        }
        let source = self.pick_source(rng);
        let (mut a, mut b) = self.segments(source, budget, rng);
        let mut label = 0;
        match self.task {
            PairTask::Sop => {
                if rng.unit() < 0.5 && !b.is_empty() {
                    std::mem::swap(&mut a, &mut b);
                    label = 1;
                }
            }
            PairTask::Nsp => {
                if rng.unit() < 0.5 {
                    let other = self.pick_source(rng);
                    let (_, random_b) = self.segments(other, budget, rng);
                    if !random_b.is_empty() {
                        b = random_b;
                        label = 1;
                    }
                }
            }
        }
        truncate_pair(&mut a, &mut b, budget, rng);
        self.finish(a, Some(b), label, mix.names, rng)
    }

    /// `[CLS] a [SEP] b [SEP]` (`[CLS] a [SEP]` without `b`), corrupted.
    fn finish(&self, a: Vec<u32>, b: Option<Vec<u32>>, label: u32, name_share: f64, rng: &mut Rng) -> Example {
        let mut marked = vec![self.vocab.cls];
        marked.extend(&a);
        marked.push(self.vocab.sep);
        let len_a = marked.len();
        if let Some(b) = b {
            marked.extend(&b);
            marked.push(self.vocab.sep);
        }
        let ids: Vec<u32> = marked.iter().map(|&t| token_id(t)).collect();
        let types: Vec<u32> = (0..ids.len()).map(|i| u32::from(i >= len_a)).collect();
        // Never a target: [CLS], the two [SEP]s, and anything outside the ordinary tokens
        // ([UNK] where the source text had an unknown word, [unused*]).
        let special: Vec<bool> = ids.iter().enumerate().map(|(i, id)| i == 0 || i == len_a - 1 || i == ids.len() - 1 || !self.vocab.ordinary.contains(id)).collect();
        let c = if name_share > 0.0 {
            let word_start: Vec<bool> = ids.iter().map(|&id| self.vocab.starts_word(id)).collect();
            let names: Vec<bool> = marked.iter().map(|&t| t & NAME != 0).collect();
            corrupt_words(&ids, &special, &word_start, &names, name_share, self.vocab.mask, self.vocab.ordinary.clone(), MaskingRule::default(), rng)
        } else {
            corrupt(&ids, &special, self.vocab.mask, self.vocab.ordinary.clone(), MaskingRule::default(), rng)
        };
        Example { input: c.input, types, targets: c.targets.iter().map(|&(p, id, _)| (p, id)).collect(), pair_label: label }
    }

    /// The `[PAD]` id.
    pub fn pad(&self) -> u32 {
        self.vocab.pad
    }
}

/// Trims the longer of A and B, from a random end, until both fit in `budget` tokens.
fn truncate_pair(a: &mut Vec<u32>, b: &mut Vec<u32>, budget: usize, rng: &mut Rng) {
    while a.len() + b.len() > budget {
        let longer = if a.len() > b.len() { &mut *a } else { &mut *b };
        if rng.unit() < 0.5 {
            longer.remove(0);
        } else {
            longer.pop();
        }
    }
}

/// A padded batch with flattened target positions, ready for tensors.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainBatch {
    /// Rows.
    pub rows: usize,
    /// Columns (longest example).
    pub cols: usize,
    /// `[rows·cols]` ids.
    pub ids: Vec<i64>,
    /// `[rows·cols]` segment ids.
    pub types: Vec<i64>,
    /// `[rows·cols]` 1 = token, 0 = padding.
    pub mask: Vec<i64>,
    /// `[M]` flattened positions (`row·cols + col`) of the tokens to predict.
    pub positions: Vec<i64>,
    /// `[M]` original ids at those positions.
    pub targets: Vec<i64>,
    /// `[rows]` pair labels.
    pub pair_labels: Vec<i64>,
    /// Real (non-padding) tokens in the batch.
    pub tokens: usize,
}

/// Pads examples into one batch.
pub fn collate(examples: &[Example], pad: u32) -> TrainBatch {
    let rows = examples.len();
    let cols = examples.iter().map(|e| e.input.len()).max().unwrap_or(0);
    let mut b = TrainBatch { rows, cols, ids: vec![pad as i64; rows * cols], types: vec![0; rows * cols], mask: vec![0; rows * cols], positions: vec![], targets: vec![], pair_labels: vec![], tokens: 0 };
    for (r, e) in examples.iter().enumerate() {
        for (c, (&id, &ty)) in e.input.iter().zip(&e.types).enumerate() {
            b.ids[r * cols + c] = id as i64;
            b.types[r * cols + c] = ty as i64;
            b.mask[r * cols + c] = 1;
        }
        for &(p, id) in &e.targets {
            b.positions.push((r * cols + p) as i64);
            b.targets.push(id as i64);
        }
        b.pair_labels.push(e.pair_label as i64);
        b.tokens += e.input.len();
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<TokenizedSource> {
        let doc = |base: u32| (0..6).map(|s| (0..5).map(|t| base + s * 10 + t).collect()).collect();
        vec![TokenizedSource { name: "t".into(), path: "t".into(), weight: 1.0, train: vec![doc(1000), doc(2000), doc(3000)], valid: vec![doc(4000)] }]
    }

    fn vocab() -> Vocab {
        Vocab { cls: 101, sep: 102, mask: 103, pad: 0, ordinary: 999..5000, continuation: vec![] }
    }

    #[test]
    fn sop_examples_are_well_formed_and_balanced() {
        let src = sources();
        let s = Sampler::new(&src, vocab(), 24, PairTask::Sop, false);
        let mut rng = Rng::new(3);
        let mut swapped = 0;
        for _ in 0..400 {
            let e = s.example(&mut rng);
            assert!(e.input.len() <= 24);
            assert_eq!(e.input[0], 101);
            assert_eq!(*e.input.last().unwrap(), 102);
            assert_eq!(e.input.iter().filter(|&&t| t == 102).count() + e.targets.iter().filter(|t| t.1 == 102).count(), 2);
            assert!(!e.targets.is_empty());
            swapped += e.pair_label as usize;
        }
        assert!((150..250).contains(&swapped), "{swapped}");
    }

    #[test]
    fn collate_flattens_positions() {
        let src = sources();
        let s = Sampler::new(&src, vocab(), 16, PairTask::Nsp, true);
        let mut rng = Rng::new(5);
        let ex = vec![s.example(&mut rng), s.example(&mut rng)];
        let b = collate(&ex, 0);
        assert_eq!(b.positions.len(), ex[0].targets.len() + ex[1].targets.len());
        let (p, t) = (b.positions[b.positions.len() - 1] as usize, b.targets[b.targets.len() - 1]);
        assert!(p >= b.cols);
        assert_eq!(ex[1].targets.last().unwrap().1 as i64, t);
    }
}
