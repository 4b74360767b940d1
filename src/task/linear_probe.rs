//! The auto-encoder's code used downstream (the lecture's "use the code for a downstream task"):
//! a linear softmax classifier is trained on a few labelled images, once on the raw pixels and
//! once on the code the encoder learnt without labels, and both are judged on the same held-out
//! images. Plain Rust on the CPU (no tensors): the largest case, 1,000 images × 784 pixels, takes
//! a few seconds in the browser, and each training epoch is one call so a page can show progress
//! and stop between epochs.

/// Classes of MNIST.
pub const CLASSES: usize = 10;

/// The numbers of labelled images the page compares (one, ten and a hundred per class).
pub const LABEL_COUNTS: [usize; 3] = [10, 100, 1000];

/// Settings of one classifier's training (the same for pixels and codes, so the comparison is fair).
#[derive(Debug, Clone, Copy)]
pub struct ProbeConfig {
    /// Full-batch Adam epochs.
    pub epochs: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// L2 penalty on the weights (not the biases).
    pub l2: f32,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig { epochs: 150, lr: 0.05, l2: 1e-3 }
    }
}

/// Indices of `n` labelled examples: `n / CLASSES` of each class, the first ones of that class in
/// `labels` order (fewer where a class has fewer).
pub fn balanced_subset(labels: &[u8], n: usize) -> Vec<usize> {
    let per_class = (n / CLASSES).max(1);
    let mut taken = [0usize; CLASSES];
    let mut out = Vec::with_capacity(n);
    for (i, &l) in labels.iter().enumerate() {
        let c = l as usize;
        if c < CLASSES && taken[c] < per_class {
            taken[c] += 1;
            out.push(i);
        }
    }
    out
}

/// Per-dimension centring and scaling, fitted on unlabelled features (every training image: the
/// labels are not needed for it), so pixels and codes reach the classifier on the same scale.
#[derive(Debug, Clone)]
pub struct Standardizer {
    mean: Vec<f32>,
    inv_std: Vec<f32>,
}

impl Standardizer {
    /// Fits the mean and spread of each dimension of `features` (all of one length). A dimension
    /// that hardly varies (a border pixel) is scaled by a floor of 10 % of the average spread, so
    /// it cannot blow up on a held-out image where it does vary.
    pub fn fit(features: &[Vec<f32>]) -> Standardizer {
        let dims = features.first().map_or(0, Vec::len);
        let n = features.len().max(1) as f64;
        let mut mean = vec![0.0f64; dims];
        for f in features {
            for (m, &v) in mean.iter_mut().zip(f) {
                *m += v as f64 / n;
            }
        }
        let mut var = vec![0.0f64; dims];
        for f in features {
            for ((s, &v), m) in var.iter_mut().zip(f).zip(&mean) {
                *s += (v as f64 - m).powi(2) / n;
            }
        }
        let floor = 0.01 * var.iter().sum::<f64>() / dims.max(1) as f64;
        Standardizer { mean: mean.iter().map(|&m| m as f32).collect(), inv_std: var.iter().map(|&v| (1.0 / (v + floor).max(1e-12).sqrt()) as f32).collect() }
    }

    /// `features` centred and scaled, flattened: `[n × dims]`.
    pub fn apply(&self, features: &[Vec<f32>]) -> Vec<f32> {
        features.iter().flat_map(|f| f.iter().zip(&self.mean).zip(&self.inv_std).map(|((v, m), s)| (v - m) * s)).collect()
    }

    /// The number of dimensions.
    pub fn dims(&self) -> usize {
        self.mean.len()
    }
}

/// A linear softmax classifier (multinomial logistic regression) trained by full-batch Adam.
#[derive(Debug, Clone)]
pub struct SoftmaxClassifier {
    dims: usize,
    /// `[CLASSES × dims]`, one row per class.
    weights: Vec<f32>,
    /// `[CLASSES]`.
    bias: Vec<f32>,
    /// Adam's moments of the weights and biases (same layout), and the step count.
    m: Vec<f32>,
    v: Vec<f32>,
    t: i32,
}

impl SoftmaxClassifier {
    /// A classifier of `dims`-long inputs, all weights zero (so training is deterministic).
    pub fn new(dims: usize) -> SoftmaxClassifier {
        let params = CLASSES * (dims + 1);
        SoftmaxClassifier { dims, weights: vec![0.0; CLASSES * dims], bias: vec![0.0; CLASSES], m: vec![0.0; params], v: vec![0.0; params], t: 0 }
    }

    /// Class probabilities of one input `x` `[dims]`.
    pub fn probs(&self, x: &[f32]) -> [f32; CLASSES] {
        let logits: Vec<f32> = (0..CLASSES).map(|c| self.bias[c] + dot(&self.weights[c * self.dims..(c + 1) * self.dims], x)).collect();
        let mut probs = [0.0f32; CLASSES];
        probs.copy_from_slice(&crate::numeric::softmax(&logits));
        probs
    }

    /// One full-batch Adam step on inputs `x` `[n × dims]` with labels `y` `[n]`; the mean
    /// cross-entropy before the step.
    pub fn step(&mut self, x: &[f32], y: &[u8], config: &ProbeConfig) -> f32 {
        let (d, n) = (self.dims, y.len());
        let mut grad_w = vec![0.0f32; CLASSES * d];
        let mut grad_b = [0.0f32; CLASSES];
        let mut loss = 0.0f64;
        for (row, &label) in x.chunks_exact(d).zip(y) {
            let p = self.probs(row);
            loss -= (p[label as usize].max(1e-12) as f64).ln();
            for c in 0..CLASSES {
                // d(loss)/d(logit c) = p_c − [c = label], averaged over the batch.
                let g = (p[c] - if c == label as usize { 1.0 } else { 0.0 }) / n as f32;
                grad_b[c] += g;
                axpy(g, row, &mut grad_w[c * d..(c + 1) * d]);
            }
        }
        for (g, w) in grad_w.iter_mut().zip(&self.weights) {
            *g += config.l2 * w;
        }
        self.t += 1;
        let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
        let (c1, c2) = (1.0 - b1.powi(self.t), 1.0 - b2.powi(self.t));
        let params = self.weights.iter_mut().chain(self.bias.iter_mut());
        let grads = grad_w.iter().chain(grad_b.iter());
        for (((p, g), m), v) in params.zip(grads).zip(self.m.iter_mut()).zip(self.v.iter_mut()) {
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            *p -= config.lr * (*m / c1) / ((*v / c2).sqrt() + eps);
        }
        (loss / n.max(1) as f64) as f32
    }

    /// The share of inputs `x` `[n × dims]` whose most probable class is their label in `y`.
    pub fn accuracy(&self, x: &[f32], y: &[u8]) -> f64 {
        let right = x.chunks_exact(self.dims).zip(y).filter(|(row, &label)| crate::numeric::top_k(&self.probs(row), 1)[0].0 == label as usize).count();
        right as f64 / y.len().max(1) as f64
    }
}

/// One trained cell of the page's table: a classifier on one kind of feature with a number of labels.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    /// Labelled training images used.
    pub labels: usize,
    /// Accuracy on the labelled training images.
    pub train_accuracy: f64,
    /// Accuracy on the held-out images.
    pub test_accuracy: f64,
    /// Mean cross-entropy on the labelled images at each epoch.
    pub curve: Vec<f32>,
}

/// Features of the training and held-out images, standardized (with statistics of every training
/// image), ready for classifiers.
pub struct ProbeData {
    dims: usize,
    train: Vec<f32>,
    train_labels: Vec<u8>,
    test: Vec<f32>,
    test_labels: Vec<u8>,
}

impl ProbeData {
    /// Standardizes `train` and `test` features (one vector per image) with their labels.
    pub fn new(train: &[Vec<f32>], train_labels: &[u8], test: &[Vec<f32>], test_labels: &[u8]) -> Result<ProbeData, String> {
        let s = Standardizer::fit(train);
        if s.dims() == 0 || train.len() != train_labels.len() || test.len() != test_labels.len() || test.iter().chain(train).any(|f| f.len() != s.dims()) {
            return Err("the features and labels do not match".into());
        }
        if train_labels.iter().chain(test_labels).any(|&l| l as usize >= CLASSES) {
            return Err(format!("a label is not a class 0–{}", CLASSES - 1));
        }
        Ok(ProbeData { dims: s.dims(), train: s.apply(train), train_labels: train_labels.to_vec(), test: s.apply(test), test_labels: test_labels.to_vec() })
    }

    /// The features' length.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// A classifier and its training inputs for `labels` balanced labelled images.
    pub fn start(&self, labels: usize) -> ProbeRun {
        let ids = balanced_subset(&self.train_labels, labels);
        let x = ids.iter().flat_map(|&i| self.train[i * self.dims..(i + 1) * self.dims].iter().copied()).collect();
        let y = ids.iter().map(|&i| self.train_labels[i]).collect();
        ProbeRun { classifier: SoftmaxClassifier::new(self.dims), x, y, curve: Vec::new() }
    }

    /// Judges a finished run on the held-out images.
    pub fn finish(&self, run: ProbeRun) -> ProbeResult {
        ProbeResult {
            labels: run.y.len(),
            train_accuracy: run.classifier.accuracy(&run.x, &run.y),
            test_accuracy: run.classifier.accuracy(&self.test, &self.test_labels),
            curve: run.curve,
        }
    }

    /// Trains and judges a classifier on `labels` labelled images in one call.
    pub fn run(&self, labels: usize, config: &ProbeConfig) -> ProbeResult {
        let mut run = self.start(labels);
        for _ in 0..config.epochs {
            run.epoch(config);
        }
        self.finish(run)
    }
}

/// A classifier being trained on its labelled images, one epoch per call.
pub struct ProbeRun {
    classifier: SoftmaxClassifier,
    x: Vec<f32>,
    y: Vec<u8>,
    curve: Vec<f32>,
}

impl ProbeRun {
    /// One full-batch epoch; the loss before it.
    pub fn epoch(&mut self, config: &ProbeConfig) -> f32 {
        let loss = self.classifier.step(&self.x, &self.y, config);
        self.curve.push(loss);
        loss
    }

    /// Multiply-adds of one epoch (forward and backward), for progress and pacing.
    pub fn work(&self) -> usize {
        2 * self.x.len() * CLASSES
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight partial sums let the compiler vectorise (SIMD128 in the browser).
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_subset_takes_the_first_of_each_class() {
        let labels = [3, 1, 3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 0];
        assert_eq!(balanced_subset(&labels, 10), vec![0, 1, 3, 5, 6, 7, 8, 9, 10, 11]);
        // 20 asks two per class; class 2 and 4… have one only.
        assert_eq!(balanced_subset(&labels, 20).len(), 13);
    }

    #[test]
    fn standardizer_centres_scales_and_floors_constant_dimensions() {
        let f = vec![vec![1.0, 0.0, 5.0], vec![3.0, 0.0, 7.0]];
        let s = Standardizer::fit(&f);
        let out = s.apply(&f);
        // Dimension 0: mean 2, variance 1 (+ floor 0.01 × mean variance 2/3).
        assert!((out[0] + 1.0 / (1.0f32 + 0.02 / 3.0).sqrt()).abs() < 1e-5, "{out:?}");
        assert_eq!(out[1], 0.0);
        // A constant dimension that moves on a new input is scaled by the floor, not by 1/0.
        let moved = s.apply(&[vec![2.0, 1.0, 6.0]]);
        assert!(moved[1].is_finite() && moved[1] > 1.0);
    }

    #[test]
    fn a_separable_problem_is_learnt_and_the_loss_falls() {
        // Class c is a bump at dimension c with noise elsewhere.
        let mut rng = crate::rng::Rng::new(3);
        let make = |n: usize, rng: &mut crate::rng::Rng| {
            let x: Vec<Vec<f32>> = (0..n).map(|i| (0..12).map(|d| if d == i % CLASSES { 2.0 } else { 0.0 } + rng.unit() as f32 - 0.5).collect()).collect();
            let y: Vec<u8> = (0..n).map(|i| (i % CLASSES) as u8).collect();
            (x, y)
        };
        let (x, y) = make(200, &mut rng);
        let (tx, ty) = make(100, &mut rng);
        let data = ProbeData::new(&x, &y, &tx, &ty).unwrap();
        let r = data.run(100, &ProbeConfig::default());
        assert_eq!(r.labels, 100);
        assert!(r.test_accuracy > 0.95, "{}", r.test_accuracy);
        assert!(r.curve.last().unwrap() < &(r.curve[0] * 0.2), "{:?}", (r.curve[0], r.curve.last()));
        assert!((r.curve[0] - (CLASSES as f32).ln()).abs() < 1e-4, "zero weights: uniform loss ln 10");
    }

    #[test]
    fn mismatched_features_are_refused() {
        assert!(ProbeData::new(&[vec![1.0, 2.0]], &[0], &[vec![1.0]], &[1]).is_err());
        assert!(ProbeData::new(&[vec![1.0]], &[12], &[vec![1.0]], &[1]).is_err());
        assert!(ProbeData::new(&[], &[], &[], &[]).is_err());
    }
}
