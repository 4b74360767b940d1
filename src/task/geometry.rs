//! Small dense linear algebra on the host: cosine similarity matrices and a 2-D PCA.
//! The inputs are a handful of vectors read back from the device once.

use crate::numeric::cosine;

/// `n × n` matrix of pairwise cosine similarities.
pub fn cosine_matrix(vectors: &[Vec<f32>]) -> Vec<Vec<f32>> {
    vectors.iter().map(|a| vectors.iter().map(|b| cosine(a, b)).collect()).collect()
}

/// Mean similarity of same-group pairs and of cross-group pairs (diagonal excluded).
/// `None` where there is no such pair.
pub fn group_contrast(matrix: &[Vec<f32>], groups: &[String]) -> (Option<f32>, Option<f32>) {
    let (mut same, mut ns, mut cross, mut nc) = (0f64, 0usize, 0f64, 0usize);
    for i in 0..matrix.len() {
        for j in 0..matrix.len() {
            if i == j {
                continue;
            }
            if groups[i] == groups[j] {
                same += matrix[i][j] as f64;
                ns += 1;
            } else {
                cross += matrix[i][j] as f64;
                nc += 1;
            }
        }
    }
    let mean = |s: f64, n: usize| (n > 0).then(|| (s / n as f64) as f32);
    (mean(same, ns), mean(cross, nc))
}

/// Result of [`pca2`]: 2-D coordinates and the share of variance each axis explains.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// One `[x, y]` per input vector.
    pub points: Vec<[f32; 2]>,
    /// Fraction of the total variance along each of the two axes.
    pub explained: [f32; 2],
}

/// The two leading eigenpairs `(λ, unit vector)` of the symmetric `size × size` matrix `m`
/// (row-major), by power iteration with deflation from a fixed start (equal inputs give equal
/// output); `m` is deflated in place.
fn top2_eigen(m: &mut [f64], size: usize, iterations: usize) -> [(f64, Vec<f64>); 2] {
    let mut pick = || {
        let mut v: Vec<f64> = (0..size).map(|i| 1.0 + i as f64 * 0.01).collect();
        let mut lambda = 0.0;
        for _ in 0..iterations {
            let w: Vec<f64> = (0..size).map(|i| (0..size).map(|j| m[i * size + j] * v[j]).sum()).collect();
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm < 1e-12 {
                lambda = 0.0;
                break;
            }
            let next: Vec<f64> = w.iter().map(|x| x / norm).collect();
            let delta: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
            v = next;
            lambda = norm;
            if delta < 1e-12 {
                break;
            }
        }
        for i in 0..size {
            for j in 0..size {
                m[i * size + j] -= lambda * v[i] * v[j];
            }
        }
        (lambda, v)
    };
    let first = pick();
    [first, pick()]
}

/// Projects vectors onto their two leading principal components (power iteration with
/// deflation on the `n × n` Gram matrix of the centred vectors, for a few dozen vectors of
/// hidden-size length; deterministic start, so equal inputs give equal output).
pub fn pca2(vectors: &[Vec<f32>]) -> Projection {
    let n = vectors.len();
    let d = vectors.first().map_or(0, Vec::len);
    if n == 0 || d == 0 {
        return Projection { points: vec![[0.0, 0.0]; n], explained: [0.0, 0.0] };
    }
    let mean: Vec<f64> = (0..d).map(|k| vectors.iter().map(|v| v[k] as f64).sum::<f64>() / n as f64).collect();
    let centred: Vec<Vec<f64>> = vectors.iter().map(|v| v.iter().zip(&mean).map(|(&x, m)| x as f64 - m).collect()).collect();
    let mut gram = vec![0f64; n * n];
    for i in 0..n {
        for j in 0..n {
            gram[i * n + j] = centred[i].iter().zip(&centred[j]).map(|(a, b)| a * b).sum();
        }
    }
    let total: f64 = (0..n).map(|i| gram[i * n + i]).sum();
    let mut points = vec![[0f32; 2]; n];
    let mut explained = [0f32; 2];
    for (axis, (lambda, v)) in top2_eigen(&mut gram, n, 500).into_iter().enumerate() {
        // The coordinate of sample i along the component is sqrt(λ)·v_i.
        for i in 0..n {
            points[i][axis] = (lambda.sqrt() * v[i]) as f32;
        }
        explained[axis] = if total > 0.0 { (lambda / total) as f32 } else { 0.0 };
    }
    Projection { points, explained }
}

/// [`pca2`] for many vectors of few dimensions (a thousand image embeddings of 64 numbers):
/// power iteration on the `d × d` covariance instead of the `n × n` Gram matrix, with the same
/// result up to the sign of each axis. Each axis is turned so that its coordinates sum of cubes
/// is positive (a fixed orientation for equal inputs).
pub fn pca2_many(vectors: &[Vec<f32>]) -> Projection {
    let n = vectors.len();
    let d = vectors.first().map_or(0, Vec::len);
    if n == 0 || d == 0 || vectors.iter().any(|v| v.len() != d) {
        return Projection { points: vec![[0.0, 0.0]; n], explained: [0.0, 0.0] };
    }
    let mean: Vec<f64> = (0..d).map(|k| vectors.iter().map(|v| v[k] as f64).sum::<f64>() / n as f64).collect();
    let mut cov = vec![0f64; d * d];
    for v in vectors {
        let c: Vec<f64> = v.iter().zip(&mean).map(|(&x, m)| x as f64 - m).collect();
        for i in 0..d {
            for j in 0..d {
                cov[i * d + j] += c[i] * c[j];
            }
        }
    }
    let total: f64 = (0..d).map(|i| cov[i * d + i]).sum();
    let mut points = vec![[0f32; 2]; n];
    let mut explained = [0f32; 2];
    for (axis, (lambda, u)) in top2_eigen(&mut cov, d, 1000).into_iter().enumerate() {
        let mut coords: Vec<f64> = vectors.iter().map(|v| v.iter().zip(&mean).zip(&u).map(|((&x, m), c)| (x as f64 - m) * c).sum()).collect();
        if coords.iter().map(|c| c.powi(3)).sum::<f64>() < 0.0 {
            coords.iter_mut().for_each(|c| *c = -*c);
        }
        for (p, c) in points.iter_mut().zip(&coords) {
            p[axis] = *c as f32;
        }
        explained[axis] = if total > 0.0 { (lambda / total) as f32 } else { 0.0 };
    }
    Projection { points, explained }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_matrix_is_symmetric() {
        let m = cosine_matrix(&[vec![1.0, 0.0], vec![1.0, 1.0]]);
        assert!((m[0][1] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert_eq!(m[0][1], m[1][0]);
    }

    #[test]
    fn group_contrast_separates_groups() {
        let m = vec![vec![1.0, 0.9, 0.1], vec![0.9, 1.0, 0.2], vec![0.1, 0.2, 1.0]];
        let g = vec!["a".to_string(), "a".into(), "b".into()];
        let (same, cross) = group_contrast(&m, &g);
        assert!((same.unwrap() - 0.9).abs() < 1e-6);
        assert!((cross.unwrap() - 0.15).abs() < 1e-6);
        assert_eq!(group_contrast(&m[..1], &g[..1]), (None, None));
    }

    #[test]
    fn pca_recovers_a_line_and_a_plane() {
        // Points on the line y = 2x in 3-D: all variance on the first axis.
        let v: Vec<Vec<f32>> = (0..5).map(|i| vec![i as f32, 2.0 * i as f32, 0.0]).collect();
        let p = pca2(&v);
        assert!((p.explained[0] - 1.0).abs() < 1e-4, "{:?}", p.explained);
        assert!(p.explained[1].abs() < 1e-4);
        // Distances along the line are kept: neighbours are sqrt(5) apart.
        let d = (p.points[1][0] - p.points[0][0]).abs();
        assert!((d - 5f32.sqrt()).abs() < 1e-3, "{d}");
        // A rectangle in a plane: two axes with variance ratio 4:1.
        let v = vec![vec![2.0, 1.0, 7.0], vec![-2.0, 1.0, 7.0], vec![2.0, -1.0, 7.0], vec![-2.0, -1.0, 7.0]];
        let p = pca2(&v);
        assert!((p.explained[0] - 0.8).abs() < 1e-4 && (p.explained[1] - 0.2).abs() < 1e-4, "{:?}", p.explained);
        assert_eq!(pca2(&[]).points.len(), 0);
    }

    #[test]
    fn pca2_many_matches_pca2_up_to_sign() {
        let v: Vec<Vec<f32>> = (0..40).map(|i| { let t = i as f32; vec![t.sin() * 3.0, t.cos(), (t * 0.7).sin() * 0.2 + t * 0.01, 1.0] }).collect();
        let (a, b) = (pca2(&v), pca2_many(&v));
        for axis in 0..2 {
            assert!((a.explained[axis] - b.explained[axis]).abs() < 1e-4, "{:?} vs {:?}", a.explained, b.explained);
            let sign = if a.points.iter().zip(&b.points).map(|(p, q)| p[axis] * q[axis]).sum::<f32>() < 0.0 { -1.0 } else { 1.0 };
            assert!(a.points.iter().zip(&b.points).all(|(p, q)| (p[axis] - sign * q[axis]).abs() < 1e-3));
        }
        assert_eq!(pca2_many(&[]).points.len(), 0);
        assert_eq!(pca2_many(&[vec![1.0, 2.0], vec![1.0]]).explained, [0.0, 0.0]);
    }
}
