//! BERT's input corruption for masked-token prediction (Devlin et al. 2019, §3.1):
//! choose 15% of the (non-special) tokens; of those, 80% become `[MASK]`, 10% a random token,
//! 10% stay unchanged. The model must predict the original token at every chosen position.
//!
//! Shared by the trainer and by the masking page's "how a pretraining example is made" panel,
//! so the page shows exactly the rule the shipped model was trained with.

use crate::rng::Rng;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// Whole-word masking with a priority for names (the "knowledge masking" of ERNIE, Sun et al.
/// 2019; whole words as in BERT's later WWM models). The budget is `rule.select` of the
/// eligible tokens (at least one); whole words are drawn in random order, first from the
/// words whose first token is marked in `priority` until `priority_share` of the budget is
/// used, then from all the others until the budget is used. Every token of a chosen word is
/// covered the same way (one 80/10/10 draw per word; a random replacement draws a token for
/// each position). A word is a non-special token with `word_start` set and the tokens after
/// it without (`##` pieces). Targets come back in position order.
#[allow(clippy::too_many_arguments)]
pub fn corrupt_words(
    ids: &[u32],
    special: &[bool],
    word_start: &[bool],
    priority: &[bool],
    priority_share: f64,
    mask_id: u32,
    random_range: std::ops::Range<u32>,
    rule: MaskingRule,
    rng: &mut Rng,
) -> Corrupted {
    // Words as position ranges: a special token ends a word; a word start begins one.
    let mut words: Vec<std::ops::Range<usize>> = Vec::new();
    for i in 0..ids.len() {
        if special[i] {
            continue;
        }
        match words.last_mut() {
            Some(w) if w.end == i && !word_start[i] => w.end = i + 1,
            _ => words.push(i..i + 1),
        }
    }
    let eligible: usize = words.iter().map(|w| w.len()).sum();
    let budget = ((rule.select * eligible as f64).round() as usize).max(usize::from(eligible > 0));
    // Fisher-Yates shuffle: a random order to draw words in.
    for i in (1..words.len()).rev() {
        words.swap(i, rng.below(i + 1));
    }
    // First names (up to their share of the budget), then any word not yet taken, both in
    // the shuffled order.
    let named_budget = (priority_share * budget as f64).round() as usize;
    let mut taken = vec![false; words.len()];
    let mut used = 0;
    for (k, w) in words.iter().enumerate() {
        if used >= named_budget {
            break;
        }
        if priority[w.start] {
            taken[k] = true;
            used += w.len();
        }
    }
    for (k, w) in words.iter().enumerate() {
        if used >= budget {
            break;
        }
        if !taken[k] {
            taken[k] = true;
            used += w.len();
        }
    }
    let mut chosen: Vec<std::ops::Range<usize>> = words.into_iter().zip(taken).filter(|(_, t)| *t).map(|(w, _)| w).collect();
    chosen.sort_by_key(|w| w.start);
    let mut input = ids.to_vec();
    let span = (random_range.end - random_range.start).max(1) as usize;
    let mut targets = Vec::with_capacity(used);
    for w in chosen {
        let r = rng.unit();
        let cover = if r < rule.mask {
            Cover::Mask
        } else if r < rule.mask + rule.random {
            Cover::Random
        } else {
            Cover::Unchanged
        };
        for i in w {
            match cover {
                Cover::Mask => input[i] = mask_id,
                Cover::Random => input[i] = random_range.start + rng.below(span) as u32,
                Cover::Unchanged => {}
            }
            targets.push((i, ids[i], cover));
        }
    }
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

    #[test]
    fn whole_words_with_names_first() {
        // [CLS] the city of par ##is is big [SEP]; "par" starts a name.
        let ids = [101, 10, 11, 12, 13, 14, 15, 16, 102];
        let special = [true, false, false, false, false, false, false, false, true];
        let word_start = [true, true, true, true, true, false, true, true, true];
        let priority = [false, false, false, false, true, false, false, false, false];
        let rule = MaskingRule { select: 0.3, mask: 1.0, random: 0.0 };
        for seed in 0..50 {
            let c = corrupt_words(&ids, &special, &word_start, &priority, 0.5, 103, 999..2000, rule, &mut Rng::new(seed));
            let positions: Vec<usize> = c.targets.iter().map(|t| t.0).collect();
            // Budget: round(0.3 × 7) = 2 tokens; the name's share is 1, and the name has two.
            assert_eq!(positions, vec![4, 5], "seed {seed}");
            assert_eq!((c.input[4], c.input[5], c.input[0], c.input[8]), (103, 103, 101, 102));
        }
        // Without names the same budget goes to whole words drawn at random.
        let mut counts = [0usize; 9];
        for seed in 0..400 {
            let c = corrupt_words(&ids, &special, &word_start, &[false; 9], 0.5, 103, 999..2000, MaskingRule::default(), &mut Rng::new(seed));
            let positions: Vec<usize> = c.targets.iter().map(|t| t.0).collect();
            assert!(!positions.is_empty() && !positions.contains(&0) && !positions.contains(&8));
            assert_eq!(positions.contains(&4), positions.contains(&5), "a word is covered whole");
            assert!(c.targets.iter().filter(|t| t.0 == 4 || t.0 == 5).map(|t| t.2).collect::<std::collections::HashSet<_>>().len() <= 1);
            positions.iter().for_each(|&p| counts[p] += 1);
        }
        assert!(counts[1..8].iter().all(|&n| n > 20), "{counts:?}");
    }
}
