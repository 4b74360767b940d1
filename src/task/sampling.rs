//! Turning next-token logits into a choice: temperature, top-k and top-p (nucleus) sampling,
//! and greedy decoding. Runs on the host after one read of the last position's logits.

use crate::rng::Rng;

/// How the next token is picked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampling {
    /// Divides the logits before the softmax: < 1 sharpens, > 1 flattens; 0 means greedy
    /// (always the most likely token).
    pub temperature: f32,
    /// Keep only the `top_k` most likely tokens (0 = no limit).
    pub top_k: usize,
    /// Keep the smallest set of most likely tokens whose probabilities sum to at least
    /// `top_p` (1 = no limit).
    pub top_p: f32,
}

impl Default for Sampling {
    fn default() -> Self {
        Self { temperature: 0.8, top_k: 40, top_p: 0.95 }
    }
}

impl Sampling {
    /// Greedy decoding: the argmax every step.
    pub fn greedy() -> Self {
        Self { temperature: 0.0, top_k: 1, top_p: 1.0 }
    }

    /// Whether this always picks the most likely token.
    pub fn is_greedy(&self) -> bool {
        self.temperature <= 0.0 || self.top_k == 1
    }
}

/// One candidate next token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Vocabulary id.
    pub id: u32,
    /// Raw logit.
    pub logit: f32,
    /// Softmax probability at temperature 1 (what the model says).
    pub prob: f32,
    /// Softmax probability at the chosen temperature, over the whole vocabulary.
    pub prob_t: f32,
    /// Probability it is drawn with: `prob_t` renormalised over the tokens that survive top-k and
    /// top-p (0 for the others).
    pub pick: f32,
}

/// The `show` most likely tokens of `logits` (`[V]`), most likely first, with their
/// probabilities before and after temperature / top-k / top-p. Greedy settings give the argmax a
/// pick probability of 1.
pub fn distribution(logits: &[f32], settings: &Sampling, show: usize) -> Vec<Candidate> {
    if logits.is_empty() {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..logits.len()).collect();
    let keep_sorted = show.max(settings.top_k).max(1).min(logits.len());
    order.select_nth_unstable_by(keep_sorted - 1, |&a, &b| logits[b].total_cmp(&logits[a]));
    order.truncate(keep_sorted);
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
    let max = logits[order[0]];
    let softmax = |t: f32| -> Vec<f32> {
        let z: f64 = logits.iter().map(|&l| (((l - max) / t) as f64).exp()).sum();
        order.iter().map(|&i| ((((logits[i] - max) / t) as f64).exp() / z) as f32).collect()
    };
    let prob = softmax(1.0);
    let prob_t = if settings.is_greedy() { prob.clone() } else { softmax(settings.temperature) };
    // Survivors: top-k first, then the nucleus of what is left.
    let mut survivors = if settings.is_greedy() { 1 } else if settings.top_k == 0 { order.len() } else { settings.top_k.min(order.len()) };
    if !settings.is_greedy() && settings.top_p < 1.0 {
        let mut mass = 0.0;
        for (rank, p) in prob_t.iter().enumerate().take(survivors) {
            mass += p;
            if mass >= settings.top_p {
                survivors = rank + 1;
                break;
            }
        }
    }
    let kept: f32 = prob_t[..survivors].iter().sum();
    order
        .iter()
        .enumerate()
        .take(show.max(1))
        .map(|(rank, &i)| Candidate {
            id: i as u32,
            logit: logits[i],
            prob: prob[rank],
            prob_t: prob_t[rank],
            pick: if rank < survivors { prob_t[rank] / kept.max(f32::MIN_POSITIVE) } else { 0.0 },
        })
        .collect()
}

/// Draws the next token from `logits` under `settings` (greedy: the argmax).
pub fn sample(logits: &[f32], settings: &Sampling, rng: &mut Rng) -> Option<Candidate> {
    let show = if settings.is_greedy() { 1 } else if settings.top_k == 0 { logits.len() } else { settings.top_k };
    let candidates = distribution(logits, settings, show);
    let mut u = rng.unit() as f32;
    for c in &candidates {
        if c.pick > 0.0 {
            if u < c.pick {
                return Some(*c);
            }
            u -= c.pick;
        }
    }
    candidates.into_iter().rfind(|c| c.pick > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_keeps_only_the_argmax() {
        let d = distribution(&[0.1, 3.0, 2.0, -1.0], &Sampling::greedy(), 3);
        assert_eq!(d.iter().map(|c| c.id).collect::<Vec<_>>(), vec![1, 2, 0]);
        assert_eq!(d.iter().map(|c| c.pick).collect::<Vec<_>>(), vec![1.0, 0.0, 0.0]);
        let total: f32 = [0.1f32, 3.0, 2.0, -1.0].iter().map(|l| (l - 3.0).exp()).sum();
        assert!((d[0].prob - 1.0 / total).abs() < 1e-6);
    }

    #[test]
    fn top_k_top_p_and_temperature() {
        let logits = [2.0, 1.0, 0.0, -1.0, -2.0];
        let k2 = distribution(&logits, &Sampling { temperature: 1.0, top_k: 2, top_p: 1.0 }, 5);
        assert!(k2[2..].iter().all(|c| c.pick == 0.0));
        assert!((k2[0].pick + k2[1].pick - 1.0).abs() < 1e-6);
        assert!((k2[0].pick / k2[1].pick - std::f32::consts::E).abs() < 1e-4, "ratio kept");
        // p(0) = 0.636 at T = 1: top-p 0.6 keeps only it; 0.7 keeps two.
        let p = |top_p| distribution(&logits, &Sampling { temperature: 1.0, top_k: 0, top_p }, 5).iter().filter(|c| c.pick > 0.0).count();
        assert_eq!((p(0.6), p(0.7), p(1.0)), (1, 2, 5));
        let hot = distribution(&logits, &Sampling { temperature: 2.0, top_k: 0, top_p: 1.0 }, 5);
        let cold = distribution(&logits, &Sampling { temperature: 0.5, top_k: 0, top_p: 1.0 }, 5);
        assert!(hot[0].prob_t < hot[0].prob && cold[0].prob_t > cold[0].prob, "temperature flattens / sharpens");
    }

    #[test]
    fn sampling_follows_the_pick_probabilities() {
        let logits = [1.0f32, 0.0, -10.0];
        let s = Sampling { temperature: 1.0, top_k: 2, top_p: 1.0 };
        let mut rng = Rng::new(7);
        let n = 4000;
        let firsts = (0..n).filter(|_| sample(&logits, &s, &mut rng).unwrap().id == 0).count();
        let expected = 1.0 / (1.0 + (-1.0f32).exp());
        assert!(((firsts as f32 / n as f32) - expected).abs() < 0.03, "{firsts}");
        assert_eq!(sample(&logits, &Sampling::greedy(), &mut rng).unwrap().id, 0);
        assert!(sample(&[], &s, &mut rng).is_none());
    }
}
