//! Anomaly detection by reconstruction error: an auto-encoder trained on "normal" images only
//! reconstructs them well and anything else badly, so the error is an anomaly score. This module
//! turns scores of normal and anomalous test images into what the page draws and the evaluation
//! command prints: the ROC curve, its area (AUC), histograms and precision/recall at a threshold.

/// One point of a ROC curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RocPoint {
    /// Scores at or above this count as "anomaly".
    pub threshold: f64,
    /// Fraction of normal images flagged (false-positive rate).
    pub fpr: f64,
    /// Fraction of anomalies flagged (true-positive rate, recall).
    pub tpr: f64,
}

/// Area under the ROC curve: the probability that a random anomaly scores higher than a random
/// normal image (ties count one half). `None` when either side is empty.
pub fn auc(normal: &[f64], anomalous: &[f64]) -> Option<f64> {
    if normal.is_empty() || anomalous.is_empty() {
        return None;
    }
    // Mann–Whitney U from average ranks over both sets.
    let mut all: Vec<(f64, bool)> = normal.iter().map(|&s| (s, false)).chain(anomalous.iter().map(|&s| (s, true))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += avg_rank * all[i..=j].iter().filter(|x| x.1).count() as f64;
        i = j + 1;
    }
    let (n, m) = (normal.len() as f64, anomalous.len() as f64);
    Some((rank_sum - m * (m + 1.0) / 2.0) / (n * m))
}

/// The ROC curve from (0, 0) to (1, 1), one point per distinct score.
pub fn roc(normal: &[f64], anomalous: &[f64]) -> Vec<RocPoint> {
    let mut thresholds: Vec<f64> = normal.iter().chain(anomalous).copied().collect();
    thresholds.sort_by(|a, b| b.total_cmp(a));
    thresholds.dedup();
    let mut points = vec![RocPoint { threshold: f64::INFINITY, fpr: 0.0, tpr: 0.0 }];
    points.extend(thresholds.into_iter().map(|t| {
        let c = confusion(normal, anomalous, t);
        RocPoint { threshold: t, fpr: c.fpr(), tpr: c.recall() }
    }));
    points
}

/// Counts at one threshold (score ≥ threshold → flagged as an anomaly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confusion {
    /// Anomalies flagged.
    pub true_pos: usize,
    /// Normal images flagged.
    pub false_pos: usize,
    /// Anomalies missed.
    pub false_neg: usize,
    /// Normal images passed.
    pub true_neg: usize,
}

impl Confusion {
    /// Of the flagged images, the fraction that are anomalies (1 when nothing is flagged).
    pub fn precision(&self) -> f64 {
        let flagged = self.true_pos + self.false_pos;
        if flagged == 0 { 1.0 } else { self.true_pos as f64 / flagged as f64 }
    }

    /// Of the anomalies, the fraction flagged.
    pub fn recall(&self) -> f64 {
        let all = self.true_pos + self.false_neg;
        if all == 0 { 0.0 } else { self.true_pos as f64 / all as f64 }
    }

    /// Of the normal images, the fraction flagged.
    pub fn fpr(&self) -> f64 {
        let all = self.false_pos + self.true_neg;
        if all == 0 { 0.0 } else { self.false_pos as f64 / all as f64 }
    }
}

/// The confusion counts at `threshold`.
pub fn confusion(normal: &[f64], anomalous: &[f64], threshold: f64) -> Confusion {
    let true_pos = anomalous.iter().filter(|&&s| s >= threshold).count();
    let false_pos = normal.iter().filter(|&&s| s >= threshold).count();
    Confusion { true_pos, false_pos, false_neg: anomalous.len() - true_pos, true_neg: normal.len() - false_pos }
}

/// Counts of `scores` in `bins` equal bins over `[lo, hi]` (values outside go to the end bins).
pub fn histogram(scores: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins.max(1)];
    let width = (hi - lo).max(f64::MIN_POSITIVE) / counts.len() as f64;
    for &s in scores {
        let b = ((s - lo) / width).floor().clamp(0.0, (counts.len() - 1) as f64) as usize;
        counts[b] += 1;
    }
    counts
}

/// The value below which `q` (0..1) of `scores` lie (nearest rank), for default thresholds.
pub fn quantile(scores: &[f64], q: f64) -> Option<f64> {
    let mut s = scores.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((s.len() as f64 * q).ceil() as usize).clamp(1, s.len().max(1)) - 1;
    s.get(i).copied()
}

/// Everything the anomaly page draws for one set of scores and one threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The threshold: quantile `q` of the normal scores.
    pub threshold: f64,
    /// Area under the ROC curve.
    pub auc: f64,
    /// The histograms' range is `0..hi` (the 99th percentile of all scores).
    pub hi: f64,
    /// The normal scores' histogram as densities (summing to 1).
    pub normal_density: Vec<f64>,
    /// The anomalous scores' histogram as densities.
    pub anomalous_density: Vec<f64>,
    /// Counts at the threshold.
    pub confusion: Confusion,
    /// The ROC curve.
    pub roc: Vec<RocPoint>,
}

/// Evaluates `normal` against `anomalous` scores with the threshold at quantile `q` of the normal
/// ones and `bins` histogram bins; `None` when either side is empty.
pub fn evaluate(normal: &[f64], anomalous: &[f64], q: f64, bins: usize) -> Option<Evaluation> {
    let threshold = quantile(normal, q)?;
    let auc = auc(normal, anomalous)?;
    let hi = quantile(&normal.iter().chain(anomalous).copied().collect::<Vec<_>>(), 0.99)?.max(1e-6);
    // Densities, so a small normal set stays visible beside a large anomalous one.
    let density = |scores: &[f64]| histogram(scores, 0.0, hi, bins).into_iter().map(|c| c as f64 / scores.len().max(1) as f64).collect();
    Some(Evaluation { threshold, auc, hi, normal_density: density(normal), anomalous_density: density(anomalous), confusion: confusion(normal, anomalous, threshold), roc: roc(normal, anomalous) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_evaluation_puts_the_threshold_at_the_normal_quantile() {
        let normal: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
        let anomalous: Vec<f64> = (0..50).map(|i| 0.5 + i as f64 / 50.0).collect();
        let e = evaluate(&normal, &anomalous, 0.9, 10).unwrap();
        assert_eq!(Some(e.threshold), quantile(&normal, 0.9));
        assert_eq!(Some(e.auc), auc(&normal, &anomalous));
        assert!((e.normal_density.iter().sum::<f64>() - 1.0).abs() < 0.05 && e.anomalous_density.len() == 10);
        assert_eq!(e.confusion, confusion(&normal, &anomalous, e.threshold));
        assert!(evaluate(&normal, &[], 0.9, 10).is_none());
    }

    #[test]
    fn auc_of_separated_mixed_and_tied_scores() {
        assert_eq!(auc(&[1.0, 2.0], &[3.0, 4.0]), Some(1.0));
        assert_eq!(auc(&[3.0, 4.0], &[1.0, 2.0]), Some(0.0));
        assert_eq!(auc(&[1.0, 1.0], &[1.0]), Some(0.5));
        // 1 of the 4 (normal, anomaly) pairs is out of order: 0.75.
        assert_eq!(auc(&[1.0, 3.0], &[2.0, 4.0]), Some(0.75));
        assert_eq!(auc(&[], &[1.0]), None);
    }

    #[test]
    fn roc_area_by_trapezoids_equals_the_rank_auc() {
        let normal = [0.1, 0.4, 0.35, 0.8, 0.2, 0.2];
        let anomalous = [0.9, 0.4, 0.7, 0.3, 0.95];
        let curve = roc(&normal, &anomalous);
        assert_eq!((curve[0].fpr, curve[0].tpr), (0.0, 0.0));
        let last = curve.last().unwrap();
        assert_eq!((last.fpr, last.tpr), (1.0, 1.0));
        let area: f64 = curve.windows(2).map(|w| (w[1].fpr - w[0].fpr) * (w[1].tpr + w[0].tpr) / 2.0).sum();
        assert!((area - auc(&normal, &anomalous).unwrap()).abs() < 1e-12);
    }

    #[test]
    fn confusion_histogram_quantile() {
        let c = confusion(&[0.1, 0.5, 0.9], &[0.6, 0.2], 0.5);
        assert_eq!((c.true_pos, c.false_pos, c.false_neg, c.true_neg), (1, 2, 1, 1));
        assert!((c.precision() - 1.0 / 3.0).abs() < 1e-12 && c.recall() == 0.5);
        assert_eq!(histogram(&[0.0, 0.1, 0.55, 1.0, 7.0, -1.0], 0.0, 1.0, 2), vec![3, 3]);
        assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.5), Some(2.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
