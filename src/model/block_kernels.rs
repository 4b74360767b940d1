//! WebGPU kernels for quantized blocks ([`super::device_blocks`], browser only): a product that
//! unpacks each block as it multiplies (few input rows: a decoded token), and an expansion of the
//! blocks into a transient f32 matrix (many input rows: a prompt, which then takes the device's
//! matrix routine and reuses every weight across the rows).
//!
//! Layout (see `BlockMatrix::device_parts`): `words` `[N, blocks · W]` i32 (Q4_1: W = 4, byte `i`
//! of a block's 16 holds value `i` in its low nibble and `16 + i` in its high one; Q8_0: W = 8,
//! value `i` is signed byte `i`), `scale` and `min` `[N, blocks]` f32; value `w = d · q + m`.

use burn::backend::backend_extension;
use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::tensor::{Int, Tensor as BurnTensor};
use burn_cubecl::cubecl;
use burn_cubecl::cubecl::prelude::*;
use burn_cubecl::cubecl::{calculate_cube_count_elemwise, CubeDim};
use burn_cubecl::tensor::CubeTensor;
use burn_cubecl::CubeBackend;

/// Input rows from which a product expands the blocks first (see the module doc): the CPU path's
/// measured threshold (`gpt::DENSE_FROM_ROWS`), not measured separately on WebGPU.
const DENSE_FROM_ROWS: usize = 8;

/// `out[r, n] = Σ_k x[r, k] · w[n, k]`, one output value a thread. `x` `[R, K]` contiguous,
/// `out` `[R, N]`.
#[cube(launch)]
fn block_rows_kernel(x: &Tensor<f32>, words: &Tensor<i32>, scale: &Tensor<f32>, min: &Tensor<f32>, out: &mut Tensor<f32>, #[comptime] q4: bool) {
    if ABSOLUTE_POS >= out.len() {
        terminate!();
    }
    let n_out = out.shape(1);
    let row = ABSOLUTE_POS / n_out;
    let col = ABSOLUTE_POS % n_out;
    let k = x.shape(1);
    let blocks = k / 32;
    let per_block = comptime!(if q4 { 4usize } else { 8usize });
    let mut acc = 0.0f32;
    for b in 0..blocks {
        let xb = row * k + b * 32;
        let wb = (col * blocks + b) * per_block;
        let mut dot = 0.0f32;
        let mut sum = 0.0f32;
        #[unroll]
        for j in 0..per_block {
            let w = words[wb + j];
            #[unroll]
            for t in 0..4usize {
                if comptime!(q4) {
                    let lo = f32::cast_from((w >> i32::cast_from(8 * t)) & 15i32);
                    let hi = f32::cast_from((w >> i32::cast_from(8 * t + 4)) & 15i32);
                    let a = x[xb + 4 * j + t];
                    let c = x[xb + 16 + 4 * j + t];
                    dot += a * lo + c * hi;
                    sum += a + c;
                } else {
                    let v = f32::cast_from((w << i32::cast_from(24 - 8 * t)) >> 24i32);
                    dot += x[xb + 4 * j + t] * v;
                }
            }
        }
        let s = col * blocks + b;
        if comptime!(q4) {
            acc += scale[s] * dot + min[s] * sum;
        } else {
            acc += scale[s] * dot;
        }
    }
    out[ABSOLUTE_POS] = acc;
}

/// The blocks expanded, transposed: `out[k, n] = w[n, k]` (`[K, N]`, a linear layer's layout),
/// one word (8 or 4 values) a thread.
#[cube(launch)]
fn block_dense_kernel(words: &Tensor<i32>, scale: &Tensor<f32>, min: &Tensor<f32>, out: &mut Tensor<f32>, #[comptime] q4: bool) {
    if ABSOLUTE_POS >= words.len() {
        terminate!();
    }
    let per_block = comptime!(if q4 { 4usize } else { 8usize });
    let n_out = out.shape(1);
    let per_row = words.shape(1);
    let col = ABSOLUTE_POS / per_row;
    let word = ABSOLUTE_POS % per_row;
    let b = word / per_block;
    let j = word % per_block;
    let s = col * (per_row / per_block) + b;
    let d = scale[s];
    let w = words[ABSOLUTE_POS];
    let k0 = b * 32;
    #[unroll]
    for t in 0..4usize {
        if comptime!(q4) {
            let m = min[s];
            let lo = f32::cast_from((w >> i32::cast_from(8 * t)) & 15i32);
            let hi = f32::cast_from((w >> i32::cast_from(8 * t + 4)) & 15i32);
            out[(k0 + 4 * j + t) * n_out + col] = d * lo + m;
            out[(k0 + 16 + 4 * j + t) * n_out + col] = d * hi + m;
        } else {
            let v = f32::cast_from((w << i32::cast_from(24 - 8 * t)) >> 24i32);
            out[(k0 + 4 * j + t) * n_out + col] = d * v;
        }
    }
}

/// The block kernels as a burn backend extension (WebGPU).
#[backend_extension(Cube)]
pub trait BlockKernels: burn::backend::Backend {
    /// `x · Wᵀ` for `x` `[R, K]` → `[R, N]`, unpacking as it goes.
    fn block_rows(x: FloatTensor<Self>, words: IntTensor<Self>, scale: FloatTensor<Self>, min: FloatTensor<Self>, q4: bool) -> FloatTensor<Self>;
    /// `Wᵀ` as f32 `[K, N]`.
    fn block_dense(words: IntTensor<Self>, scale: FloatTensor<Self>, min: FloatTensor<Self>, q4: bool) -> FloatTensor<Self>;
}

/// Checks that the words arrived as 32-bit integers (burn's WebGPU int type).
fn check_words(words: &CubeTensor) {
    assert!(matches!(words.dtype, burn::tensor::DType::I32 | burn::tensor::DType::U32), "quantized words must be 32-bit on the device, got {:?}", words.dtype);
}

impl BlockKernels for CubeBackend {
    fn block_rows(x: CubeTensor, words: CubeTensor, scale: CubeTensor, min: CubeTensor, q4: bool) -> CubeTensor {
        check_words(&words);
        let x = burn_cubecl::kernel::into_contiguous(x);
        let (rows, n) = (x.meta.shape()[0], words.meta.shape()[0]);
        let out = burn_cubecl::ops::numeric::empty_device_dtype(x.client.clone(), x.device.clone(), [rows, n].into(), burn::tensor::DType::F32);
        let total = rows * n;
        let client = x.client.clone();
        let cube_dim = CubeDim::new(&client, total);
        let cube_count = calculate_cube_count_elemwise(&client, total, cube_dim);
        block_rows_kernel::launch(&client, cube_count, cube_dim, x.into_tensor_arg(), words.into_tensor_arg(), scale.into_tensor_arg(), min.into_tensor_arg(), out.clone().into_tensor_arg(), q4);
        out
    }

    fn block_dense(words: CubeTensor, scale: CubeTensor, min: CubeTensor, q4: bool) -> CubeTensor {
        check_words(&words);
        let (n, per_row) = (words.meta.shape()[0], words.meta.shape()[1]);
        let k = per_row * if q4 { 8 } else { 4 };
        let out = burn_cubecl::ops::numeric::empty_device_dtype(words.client.clone(), words.device.clone(), [k, n].into(), burn::tensor::DType::F32);
        let total = n * per_row;
        let client = words.client.clone();
        let cube_dim = CubeDim::new(&client, total);
        let cube_count = calculate_cube_count_elemwise(&client, total, cube_dim);
        block_dense_kernel::launch(&client, cube_count, cube_dim, words.into_tensor_arg(), scale.into_tensor_arg(), min.into_tensor_arg(), out.clone().into_tensor_arg(), q4);
        out
    }
}

/// `x` `[R, K]` · `Wᵀ` → `[R, N]` for blocks held as `words`, `scale`, `min` (see the module doc).
pub fn project(x: BurnTensor<2>, words: &BurnTensor<2, Int>, scale: &BurnTensor<2>, min: &BurnTensor<2>, q4: bool) -> BurnTensor<2> {
    use burn::backend::Dispatch;
    let rows = x.dims()[0];
    if rows < DENSE_FROM_ROWS {
        return BurnTensor::from_dispatch(<Dispatch as BlockKernels>::block_rows(x.into_dispatch(), words.clone().into_dispatch(), scale.clone().into_dispatch(), min.clone().into_dispatch(), q4));
    }
    let w: BurnTensor<2> = BurnTensor::from_dispatch(<Dispatch as BlockKernels>::block_dense(words.clone().into_dispatch(), scale.clone().into_dispatch(), min.clone().into_dispatch(), q4)); // [K, N]
    super::matmul::matmul(x, w)
}
