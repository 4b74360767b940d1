//! The input corruptions of seq2seq pretraining (the lecture's MASS and BART): the encoder reads
//! a damaged sentence and the decoder must write the original. MASS masks one contiguous span;
//! BART tried token masking, token deletion, text infilling, sentence permutation and document
//! rotation (Lewis et al. 2020, §2.2). Pure functions on the tokens of a sentence, so the page
//! can apply each to what the student typed and show what the decoder has to restore.

use crate::rng::Rng;

/// The `[MASK]` token as shown.
pub const MASK: &str = "[MASK]";

/// One corruption.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// MASS: one contiguous span of about half the tokens becomes `[MASK]`, one per token.
    Mask,
    /// BART token deletion: each token is dropped with probability 0.15; the decoder must also
    /// work out *where* something is missing.
    Delete,
    /// BART text infilling: spans with Poisson(3) lengths (some of length 0) each become a single
    /// `[MASK]`, until about 30 % of the tokens are covered; the decoder must also tell how many
    /// tokens each `[MASK]` hides.
    Infill,
    /// BART sentence permutation: the sentences are shuffled.
    Permute,
    /// BART document rotation: the text starts at a random token and wraps around; the decoder
    /// must find the real beginning.
    Rotate,
}

impl Corruption {
    /// Every corruption, in the page's order.
    pub const ALL: [Corruption; 5] = [Corruption::Mask, Corruption::Delete, Corruption::Infill, Corruption::Permute, Corruption::Rotate];

    /// Its name in the address (`s2s=`).
    pub fn code(self) -> &'static str {
        match self {
            Corruption::Mask => "mask",
            Corruption::Delete => "delete",
            Corruption::Infill => "infill",
            Corruption::Permute => "permute",
            Corruption::Rotate => "rotate",
        }
    }

    /// The corruption named `code`, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// One token as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// The token.
    pub text: String,
    /// On the encoder side: damaged here (a `[MASK]`, a moved token, a new start). On the
    /// decoder side: a token the decoder has to restore (masked, deleted or moved).
    pub marked: bool,
}

/// A corrupted sentence: what the encoder reads and what the decoder must write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corrupted {
    /// The encoder's input.
    pub input: Vec<Piece>,
    /// The decoder's target: the original tokens, those it has to restore marked.
    pub target: Vec<Piece>,
    /// Sentence permutation had a single sentence to work with: nothing could move.
    pub one_sentence: bool,
}

/// Whether a token ends a sentence (Chinese or Western punctuation).
pub fn ends_sentence(token: &str) -> bool {
    matches!(token, "。" | "！" | "？" | "." | "!" | "?" | "；" | "…")
}

fn pieces(tokens: &[String], marked: impl Fn(usize) -> bool) -> Vec<Piece> {
    tokens.iter().enumerate().map(|(i, t)| Piece { text: t.clone(), marked: marked(i) }).collect()
}

/// A Poisson(λ) draw (Knuth's method; λ is small here).
fn poisson(lambda: f64, rng: &mut Rng) -> usize {
    let limit = (-lambda).exp();
    let (mut k, mut p) = (0usize, rng.unit());
    while p > limit {
        k += 1;
        p *= rng.unit();
    }
    k
}

/// Applies `kind` to `tokens` (a sentence's tokens, without `[CLS]`/`[SEP]`), drawing with `rng`.
pub fn corrupt(kind: Corruption, tokens: &[String], rng: &mut Rng) -> Corrupted {
    let n = tokens.len();
    let target_all = |mark: &dyn Fn(usize) -> bool| pieces(tokens, mark);
    if n == 0 {
        return Corrupted { input: vec![], target: vec![], one_sentence: false };
    }
    match kind {
        Corruption::Mask => {
            let len = n.div_ceil(2);
            let start = rng.below(n - len + 1);
            let span = start..start + len;
            let input = tokens.iter().enumerate().map(|(i, t)| if span.contains(&i) { Piece { text: MASK.into(), marked: true } } else { Piece { text: t.clone(), marked: false } }).collect();
            Corrupted { input, target: target_all(&|i| span.contains(&i)), one_sentence: false }
        }
        Corruption::Delete => {
            let mut dropped: Vec<bool> = (0..n).map(|_| rng.unit() < 0.15).collect();
            if !dropped.contains(&true) {
                dropped[rng.below(n)] = true;
            }
            if !dropped.contains(&false) {
                dropped[rng.below(n)] = false;
            }
            let input = tokens.iter().zip(&dropped).filter(|(_, &d)| !d).map(|(t, _)| Piece { text: t.clone(), marked: false }).collect();
            Corrupted { input, target: target_all(&|i| dropped[i]), one_sentence: false }
        }
        Corruption::Infill => {
            let budget = ((n as f64) * 0.3).round().max(1.0) as usize;
            let mut covered = vec![false; n];
            // Span starts, each with its length (0: a [MASK] inserted before that token).
            let mut spans: Vec<(usize, usize)> = Vec::new();
            let mut tries = 0;
            while covered.iter().filter(|&&c| c).count() < budget && tries < 100 {
                tries += 1;
                let len = poisson(3.0, rng).min(n);
                let start = rng.below(n - len + 1);
                // Spans never touch or overlap, so each [MASK] stands for one span.
                let lo = start.saturating_sub(1);
                let hi = (start + len + 1).min(n);
                if covered[lo..hi].iter().any(|&c| c) || spans.iter().any(|&(s, l)| l == 0 && (lo..=hi).contains(&s)) {
                    continue;
                }
                covered[start..start + len].iter_mut().for_each(|c| *c = true);
                spans.push((start, len));
            }
            spans.sort();
            let mut input = Vec::new();
            let mut i = 0;
            for &(start, len) in &spans {
                input.extend(tokens[i..start].iter().map(|t| Piece { text: t.clone(), marked: false }));
                input.push(Piece { text: MASK.into(), marked: true });
                i = start + len;
            }
            input.extend(tokens[i..].iter().map(|t| Piece { text: t.clone(), marked: false }));
            Corrupted { input, target: target_all(&|i| covered[i]), one_sentence: false }
        }
        Corruption::Permute => {
            let mut sentences: Vec<std::ops::Range<usize>> = Vec::new();
            let mut start = 0;
            for (i, t) in tokens.iter().enumerate() {
                if ends_sentence(t) {
                    sentences.push(start..i + 1);
                    start = i + 1;
                }
            }
            if start < n {
                sentences.push(start..n);
            }
            if sentences.len() < 2 {
                return Corrupted { input: target_all(&|_| false), target: target_all(&|_| false), one_sentence: true };
            }
            let original: Vec<usize> = (0..sentences.len()).collect();
            let mut order = original.clone();
            while order == original {
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.below(i + 1));
                }
            }
            let mut input = Vec::new();
            let mut moved = vec![false; n];
            for (slot, &s) in order.iter().enumerate() {
                let r = sentences[s].clone();
                let at_home = slot == s;
                input.extend(tokens[r.clone()].iter().map(|t| Piece { text: t.clone(), marked: !at_home }));
                r.for_each(|i| moved[i] = !at_home);
            }
            Corrupted { input, target: target_all(&|i| moved[i]), one_sentence: false }
        }
        Corruption::Rotate => {
            let k = if n > 1 { 1 + rng.below(n - 1) } else { 0 };
            let input = tokens[k..].iter().chain(&tokens[..k]).enumerate().map(|(j, t)| Piece { text: t.clone(), marked: j == 0 }).collect();
            Corrupted { input, target: target_all(&|i| i == 0), one_sentence: false }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        s.chars().map(|c| c.to_string()).collect()
    }

    fn text(p: &[Piece]) -> String {
        p.iter().map(|x| x.text.as_str()).collect()
    }

    #[test]
    fn every_corruption_keeps_the_original_as_the_target() {
        let t = toks("今天天氣很好。我們去公園散步。晚上回家吃飯。");
        for kind in Corruption::ALL {
            for seed in 0..20 {
                let c = corrupt(kind, &t, &mut Rng::new(seed));
                assert_eq!(text(&c.target), text(&pieces(&t, |_| false)), "{kind:?}");
                assert!(c.target.iter().any(|p| p.marked), "{kind:?} {seed}: nothing to restore");
                assert_ne!(text(&c.input), text(&c.target), "{kind:?} {seed}: the input is not damaged");
                assert_eq!(Corruption::from_code(kind.code()), Some(kind));
            }
        }
    }

    #[test]
    fn mass_masks_one_contiguous_half() {
        let t = toks("abcdefghij");
        let c = corrupt(Corruption::Mask, &t, &mut Rng::new(3));
        let masked: Vec<usize> = c.input.iter().enumerate().filter(|(_, p)| p.text == MASK).map(|(i, _)| i).collect();
        assert_eq!(masked.len(), 5);
        assert_eq!(masked.last().unwrap() - masked[0], 4, "one span");
        assert_eq!(c.input.len(), t.len());
    }

    #[test]
    fn deletion_shortens_and_infilling_hides_span_lengths() {
        let t = toks("abcdefghijklmnopqrst");
        for seed in 0..30 {
            let d = corrupt(Corruption::Delete, &t, &mut Rng::new(seed));
            let dropped = d.target.iter().filter(|p| p.marked).count();
            assert_eq!(d.input.len(), t.len() - dropped);
            assert!(d.input.iter().all(|p| p.text != MASK));
            let f = corrupt(Corruption::Infill, &t, &mut Rng::new(seed));
            let masks = f.input.iter().filter(|p| p.text == MASK).count();
            let hidden = f.target.iter().filter(|p| p.marked).count();
            // One [MASK] per span, whatever its length; the unhidden tokens stay in order.
            assert_eq!(f.input.len(), t.len() - hidden + masks);
            let kept: String = f.input.iter().filter(|p| p.text != MASK).map(|p| p.text.as_str()).collect();
            let expect: String = f.target.iter().filter(|p| !p.marked).map(|p| p.text.as_str()).collect();
            assert_eq!(kept, expect);
            assert!(hidden >= 6 || masks > hidden, "about 30 % covered: {hidden}");
        }
    }

    #[test]
    fn permutation_moves_whole_sentences_and_rotation_wraps_around() {
        let t = toks("一二。三四。五六。");
        let p = corrupt(Corruption::Permute, &t, &mut Rng::new(1));
        let mut sentences: Vec<String> = text(&p.input).split_inclusive('。').map(String::from).collect();
        sentences.sort();
        assert_eq!(sentences, vec!["一二。", "三四。", "五六。"]);
        let single = corrupt(Corruption::Permute, &toks("只有一句話"), &mut Rng::new(1));
        assert!(single.one_sentence);
        let r = corrupt(Corruption::Rotate, &toks("abcdef"), &mut Rng::new(2));
        let s = text(&r.input);
        assert!(format!("{s}{s}").contains("abcdef") && s != "abcdef");
        assert!(r.input[0].marked && r.target[0].marked);
        assert!(corrupt(Corruption::Infill, &[], &mut Rng::new(0)).input.is_empty());
    }
}
