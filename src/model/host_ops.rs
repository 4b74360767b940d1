//! The CPU path's own kernels for the elementwise steps of attention and the MLPs (softmax's
//! exp, GELU's erf, SiLU's sigmoid). burn's CPU backend computes those one value at a time
//! through libm; profiled in the browser (MiniLM, 128 tokens), erf and exp alone were 18 ms of a
//! 133 ms forward pass. Here they are branch-free polynomials over slices, which the compiler
//! turns into SIMD (SIMD128 in the browser), and attention's scale, mask and softmax are one pass.
//!
//! Each function takes and returns burn tensors and is used in the model code in place of
//! burn's op: on the plain CPU device it reads the values (a CPU tensor's read is a copy, never
//! a GPU round trip), computes, and writes a new tensor; on every other device (WebGPU, the
//! autodiff device of training) it is exactly burn's op, so gradients and GPU kernels are
//! untouched. Accuracy: a few f32 ulps (tests below bound them against f64 references).

use burn::tensor::activation;
use burn::tensor::{Device, Tensor, TensorData};

/// `true` when `device` is the plain CPU device (not training's autodiff one: devices compare
/// equal whatever their autodiff setting), whose tensors these kernels compute on the host.
pub(crate) fn on_cpu(device: &Device) -> bool {
    *device == Device::flex() && !device.is_autodiff()
}

/// The values of a CPU tensor, row-major.
fn values<const D: usize>(x: Tensor<D>) -> Vec<f32> {
    x.try_into_vec_as::<f32>().expect("f32 values on the CPU")
}

/// GELU, `x·Φ(x) = ½x(1 + erf(x/√2))` (BERT's exact form, not the tanh approximation).
pub fn gelu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    elementwise(x, |x| 0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2)), activation::gelu)
}

/// GELU's tanh approximation, `½x(1 + tanh(√(2/π)(x + 0.044715x³)))` (PyTorch's
/// `gelu(approximate="tanh")`, the gate of Gemma's GeGLU MLP).
pub fn gelu_tanh<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    const C: f32 = 0.797_884_6; // √(2/π)
    // tanh(u) = 1 − 2 / (e^{2u} + 1), so ½x(1 + tanh u) = x − x / (e^{2u} + 1).
    elementwise(x, |x| x - x / (exp(2.0 * C * (x + 0.044_715 * x * x * x)) + 1.0), gelu_tanh_ops)
}

/// [`gelu_tanh`] in burn's ops (the WebGPU path and training), by the same identity
/// `½x(1 + tanh u) = x − x / (e^{2u} + 1)`, which is exact at both ends (`e^{2u}` → ∞ gives `x`,
/// → 0 gives 0). Not by `tanh`: WGSL's `tanh` is NaN from |u| ≈ 89 on SwiftShader (measured in
/// Debian's Chromium 156: tanh(89) = NaN), and Gemma's gate reaches such values for some tokens, so its
/// whole output went NaN on WebGPU for prompts holding them.
pub fn gelu_tanh_ops<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    const C: f32 = 0.797_884_6; // √(2/π)
    let inner = (x.clone() + x.clone().powi_scalar(3) * 0.044_715) * C; // u
    x.clone() - x / ((inner * 2.0).exp() + 1.0)
}

/// `tanh` in burn's ops as `1 − 2 / (e^{2x} + 1)`, finite for every finite `x` (see
/// [`gelu_tanh_ops`] for why not WGSL's `tanh`); on the CPU device the value itself.
pub fn tanh<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    elementwise(x, f32::tanh, tanh_ops)
}

/// [`tanh`]'s burn-op form, `1 − 2 / (e^{2x} + 1)`.
fn tanh_ops<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    -(((x * 2.0).exp() + 1.0).recip() * 2.0) + 1.0
}

/// SiLU, `x·σ(x) = x / (1 + e⁻ˣ)` (the gate of a SwiGLU MLP).
pub fn silu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    elementwise(x, |x| x / (1.0 + exp(-x)), activation::silu)
}

/// `f` of every value on the CPU device (in one vectorisable loop), `burn_op(x)` elsewhere.
fn elementwise<const D: usize>(x: Tensor<D>, f: impl Fn(f32) -> f32, burn_op: impl FnOnce(Tensor<D>) -> Tensor<D>) -> Tensor<D> {
    let device = x.device();
    if !on_cpu(&device) {
        return burn_op(x);
    }
    let shape = x.shape();
    let mut v = values(x);
    for x in v.iter_mut() {
        *x = f(*x);
    }
    Tensor::from_data(TensorData::new(v, shape), &device)
}

/// Attention probabilities: `softmax(scores · scale + bias)` over the last dimension.
///
/// `scores`: `[B, N, T, S]`; `bias`: `[B or 1, 1, T or 1, S]` (0 where a key may be seen, a large
/// negative where not: padding, the future), broadcast over heads and, where its size is 1,
/// over the batch and the queries → `[B, N, T, S]`.
pub fn attention_softmax(scores: Tensor<4>, scale: f64, bias: Tensor<4>) -> Tensor<4> {
    let device = scores.device();
    let [b, n, t, s] = scores.dims();
    let [bb, bn, bt, bs] = bias.dims();
    assert!(bs == s && bn == 1 && (bb == 1 || bb == b) && (bt == 1 || bt == t), "attention bias {:?} for scores {:?}", bias.dims(), scores.dims());
    if !on_cpu(&device) {
        return activation::softmax(scores * scale + bias, 3);
    }
    let mut v = values(scores);
    let bias = values(bias);
    if s > 0 {
        for (r, row) in v.chunks_exact_mut(s).enumerate() {
            let (batch, query) = (r / (n * t), r % t);
            let at = ((if bb == 1 { 0 } else { batch }) * bt + if bt == 1 { 0 } else { query }) * s;
            softmax_row(row, scale as f32, &bias[at..at + s]);
        }
    }
    Tensor::from_data(TensorData::new(v, [b, n, t, s]), &device)
}

/// `row ← softmax(row · scale + bias)`, in three vectorisable passes.
fn softmax_row(row: &mut [f32], scale: f32, bias: &[f32]) {
    for (x, &c) in row.iter_mut().zip(bias) {
        *x = *x * scale + c;
    }
    let max = lanes(row, f32::NEG_INFINITY, f32::max);
    for x in row.iter_mut() {
        *x = exp(*x - max);
    }
    let inv = 1.0 / lanes(row, 0.0, |a, b| a + b);
    for x in row.iter_mut() {
        *x *= inv;
    }
}

/// Reduces `v` with `f` over eight interleaved lanes (so that the loop vectorises), then the lanes.
#[inline(always)]
fn lanes(v: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut acc = [init; 8];
    let chunks = v.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a = f(*a, x);
        }
    }
    let mut r = tail.iter().fold(init, |a, &x| f(a, x));
    for a in acc {
        r = f(r, a);
    }
    r
}

/// `eˣ` without branches (Cephes' `expf`): `x = n·ln2 + r` with `|r| ≤ ln2/2`, a degree-6
/// polynomial for `eʳ`, and `2ⁿ` built from its exponent bits. Relative error < 3e-7 on
/// `[−87, 88]`; below −87.3 it gives ~1e-38 rather than 0 (weights that small are nothing beside
/// a softmax's largest, which is 1), above 88.3 it stays finite (2.4e38).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.3);
    let n = (x * std::f32::consts::LOG2_E + 0.5).floor();
    // ln 2 in two parts, so that `n · ln2` is exact in the subtraction.
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 0.166_666_65) * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    e_r * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// `erf x` without branches: the rational approximation of XLA / Eigen for f32 (`x·P(x²)/Q(x²)`
/// on `[−4, 4]`, where erf is ±1 beyond to f32 precision). Absolute error < 5e-7 (4 ulps near 1).
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_2e-10f32;
    for c in [2.770_681_4e-8, -2.101_024e-6, -5.692_506_4e-5, -7.349_906_3e-4, -2.954_600e-3, -1.609_603_3e-2] {
        p = p * x2 + c;
    }
    let mut q = -1.456_607_2e-5f32;
    for c in [-2.133_740_6e-4, -1.682_827e-3, -7.373_329_3e-3, -1.426_474e-2] {
        q = q * x2 + c;
    }
    x * p / q
}

#[cfg(test)]
mod tests {
    use super::*;

    /// erf in f64 by its Taylor series (exact to ~1e-11 on [−4, 4], ample for an f32 check).
    fn erf_reference(x: f64) -> f64 {
        let (mut term, mut sum) = (x, x);
        for n in 1..200 {
            term *= -x * x / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    fn grid(lo: f32, hi: f32, n: usize) -> impl Iterator<Item = f32> {
        (0..=n).map(move |i| lo + (hi - lo) * i as f32 / n as f32)
    }

    #[test]
    fn exp_is_within_a_few_ulps() {
        let worst = grid(-87.0, 88.0, 200_000).map(|x| ((exp(x) as f64 - (x as f64).exp()) / (x as f64).exp()).abs()).fold(0.0, f64::max);
        assert!(worst < 3e-7, "relative error {worst:e}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1e9) < 2e-38 && exp(-1e9) >= 0.0 && exp(f32::NEG_INFINITY) < 2e-38);
        assert!(exp(1e9).is_finite());
    }

    #[test]
    fn erf_is_within_5e7() {
        let worst = grid(-6.0, 6.0, 120_000).map(|x| (erf(x) as f64 - erf_reference((x as f64).clamp(-4.0, 4.0))).abs()).fold(0.0, f64::max);
        assert!(worst < 5e-7, "absolute error {worst:e}");
        assert_eq!(erf(0.0), 0.0);
    }

    #[test]
    fn gelu_tanh_follows_its_formula() {
        let xs: Vec<f32> = grid(-10.0, 10.0, 4000).collect();
        let got = values(gelu_tanh(Tensor::<1>::from_data(TensorData::new(xs.clone(), [xs.len()]), &Device::flex())));
        let reference = |x: f64| 0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x)).tanh());
        let worst = xs.iter().zip(&got).map(|(&x, &g)| (g as f64 - reference(x as f64)).abs()).fold(0.0, f64::max);
        assert!(worst < 2e-6, "max |diff| {worst:e}");
    }

    #[test]
    fn the_device_formulas_hold_far_out_where_wgsl_tanh_fails() {
        // burn's ops on the CPU backend follow IEEE like a GPU: e^{2u} overflows to ∞ there too.
        let xs: Vec<f32> = grid(-10.0, 10.0, 400).chain([-1e4, -1000.0, -100.0, -89.0, 89.0, 100.0, 1000.0, 1e4, 3e12]).collect();
        let t = || Tensor::<1>::from_data(TensorData::new(xs.clone(), [xs.len()]), &Device::flex());
        let gelu = values(gelu_tanh_ops(t()));
        let reference = |x: f64| 0.5 * x * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x)).tanh());
        for (&x, &g) in xs.iter().zip(&gelu) {
            assert!(g.is_finite(), "gelu_tanh({x}) = {g}");
            assert!((g as f64 - reference(x as f64)).abs() <= 2e-6 * (1.0 + (x as f64).abs()), "gelu_tanh({x}) = {g}, want {}", reference(x as f64));
        }
        let th = values(tanh_ops(t()));
        for (&x, &v) in xs.iter().zip(&th) {
            assert!((v - x.tanh()).abs() < 1e-6, "tanh({x}) = {v}");
        }
    }

    #[test]
    fn the_cpu_kernels_equal_burns_ops() {
        let device = Device::flex();
        let x = Tensor::<3>::from_data(TensorData::new((0..2 * 3 * 37).map(|i| ((i * 7919) % 201) as f32 / 20.0 - 5.0).collect::<Vec<f32>>(), [2, 3, 37]), &device);
        let close = |a: Tensor<3>, b: Tensor<3>, tol: f32| {
            let (a, b) = (values(a), values(b));
            let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
            assert!(worst <= tol, "max |diff| {worst:e}");
        };
        close(gelu(x.clone()), activation::gelu(x.clone()), 1e-6);
        close(silu(x.clone()), activation::silu(x.clone()), 1e-6);
        // Attention: a padding bias per batch row, and a causal one per query.
        let scores = Tensor::<4>::from_data(TensorData::new((0..2 * 2 * 5 * 7).map(|i| ((i * 104_729) % 97) as f32 / 10.0 - 4.0).collect::<Vec<f32>>(), [2, 2, 5, 7]), &device);
        let padding = Tensor::<4>::from_data(TensorData::new((0..2 * 7).map(|i| if i % 7 > 4 + i / 7 { -1e9 } else { 0.0 }).collect::<Vec<f32>>(), [2, 1, 1, 7]), &device);
        let causal = Tensor::<4>::from_data(TensorData::new((0..5 * 7).map(|i| if i % 7 > 2 + i / 7 { -1e9 } else { 0.0 }).collect::<Vec<f32>>(), [1, 1, 5, 7]), &device);
        for bias in [padding, causal] {
            let ours = attention_softmax(scores.clone(), 0.3, bias.clone());
            let burns = activation::softmax(scores.clone() * 0.3 + bias, 3);
            close(ours.reshape([20, 1, 7]), burns.reshape([20, 1, 7]), 1e-6);
        }
    }
}
