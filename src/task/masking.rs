//! BERT's input corruption for masked-token prediction (Devlin et al. 2019, §3.1):
//! choose 15% of the (non-special) tokens; of those, 80% become `[MASK]`, 10% a random token,
//! 10% stay unchanged. The model must predict the original token at every chosen position.
//!
//! Shared by the trainer and by the masking page's "how a pretraining example is made" panel,
//! so the page shows exactly the rule the shipped model was trained with.

/// A small, seedable random generator (SplitMix64): the same seed gives the same corruption
/// natively and in the browser, and training can be resumed deterministically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform integer in `[0, n)` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// The internal state (saved in training checkpoints).
    pub fn state(&self) -> u64 {
        self.0
    }
}

/// The corruption rule's probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaskingRule {
    /// Share of tokens chosen for prediction (BERT: 0.15).
    pub select: f64,
    /// Of the chosen, the share replaced by `[MASK]` (BERT: 0.8).
    pub mask: f64,
    /// Of the chosen, the share replaced by a random token (BERT: 0.1); the rest stay unchanged.
    pub random: f64,
}

impl Default for MaskingRule {
    fn default() -> Self {
        Self { select: 0.15, mask: 0.8, random: 0.1 }
    }
}

/// What happened to one chosen token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// Replaced by `[MASK]`.
    Mask,
    /// Replaced by a random vocabulary token.
    Random,
    /// Left as it was (the model must still predict it).
    Unchanged,
}

/// One corrupted token sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Corrupted {
    /// The model's input ids.
    pub input: Vec<u32>,
    /// `(position, original id, what was done)` for every chosen position, in order.
    pub targets: Vec<(usize, u32, Cover)>,
}

/// Applies `rule` to `ids`. Positions where `special` is true are never chosen; at least one
/// token is chosen when any is eligible. Random replacements are drawn from
/// `random_range` (the ordinary vocabulary, without special tokens).
pub fn corrupt(ids: &[u32], special: &[bool], mask_id: u32, random_range: std::ops::Range<u32>, rule: MaskingRule, rng: &mut Rng) -> Corrupted {
    let eligible: Vec<usize> = (0..ids.len()).filter(|&i| !special[i]).collect();
    let mut input = ids.to_vec();
    let mut chosen: Vec<usize> = eligible.iter().copied().filter(|_| rng.unit() < rule.select).collect();
    if chosen.is_empty() && !eligible.is_empty() {
        chosen.push(eligible[rng.below(eligible.len())]);
    }
    let span = (random_range.end - random_range.start).max(1) as usize;
    let targets = chosen
        .into_iter()
        .map(|i| {
            let r = rng.unit();
            let cover = if r < rule.mask {
                input[i] = mask_id;
                Cover::Mask
            } else if r < rule.mask + rule.random {
                input[i] = random_range.start + rng.below(span) as u32;
                Cover::Random
            } else {
                Cover::Unchanged
            };
            (i, ids[i], cover)
        })
        .collect();
    Corrupted { input, targets }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_15_80_10_10_rule_on_average() {
        let ids: Vec<u32> = (0..200).map(|i| 1000 + i).collect();
        let mut special = vec![false; 200];
        special[0] = true;
        special[199] = true;
        let mut rng = Rng::new(7);
        let (mut chosen, mut masked, mut random, mut kept) = (0usize, 0usize, 0usize, 0usize);
        for _ in 0..300 {
            let c = corrupt(&ids, &special, 103, 999..30000, MaskingRule::default(), &mut rng);
            for &(i, orig, cover) in &c.targets {
                assert!(!special[i]);
                assert_eq!(orig, ids[i]);
                chosen += 1;
                match cover {
                    Cover::Mask => {
                        masked += 1;
                        assert_eq!(c.input[i], 103);
                    }
                    Cover::Random => random += 1,
                    Cover::Unchanged => {
                        kept += 1;
                        assert_eq!(c.input[i], ids[i]);
                    }
                }
            }
        }
        let share = chosen as f64 / (300.0 * 198.0);
        assert!((share - 0.15).abs() < 0.01, "selected {share}");
        let f = |n: usize| n as f64 / chosen as f64;
        assert!((f(masked) - 0.8).abs() < 0.02 && (f(random) - 0.1).abs() < 0.02 && (f(kept) - 0.1).abs() < 0.02);
    }

    #[test]
    fn a_short_sequence_still_gets_one_target_and_specials_stay() {
        let mut rng = Rng::new(1);
        let c = corrupt(&[101, 5, 102], &[true, false, true], 103, 999..2000, MaskingRule::default(), &mut rng);
        assert_eq!(c.targets.len(), 1);
        assert_eq!(c.targets[0].0, 1);
        assert_eq!((c.input[0], c.input[2]), (101, 102));
    }
}
