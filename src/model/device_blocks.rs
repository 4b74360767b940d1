//! Quantized weights kept quantized on a GPU: a [`DeviceBlocks`] is a [`BlockMatrix`] moved to
//! the device as three tensors — the blocks' integer values packed in 32-bit words, each block's
//! scale, each block's minimum — and multiplied there by kernels that unpack the blocks as they
//! go (`block_kernels`, WebGPU in the browser). [`QuantMatrix`] is either kind of quantized
//! weight, wherever it lives.
//!
//! Why: SmolLM2's GGUF is 98 MB (Q4_1, its embedding Q8_0); expanded to f32 on the device it was
//! 538 MB (5.5×). Kept as blocks it is ~1.15× the file (the scales and minima are held as f32,
//! not the file's f16, because WebGPU without `shader-f16` cannot read f16).
//!
//! The values are exactly the GGUF's, so products match the expanded f32 weights up to the
//! order of additions. Off the browser (native tests) the same tensors are expanded with
//! burn's own ops ([`DeviceBlocks::to_dense`]), which the tests compare with the host blocks.

use burn::tensor::{Device, Int, Tensor, TensorData};

use super::blocks::{BlockFormat, BlockMatrix, BLOCK};

/// A `[rows, cols]` weight (HF's `[out, in]`) as quantized blocks on a device.
#[derive(Debug, Clone)]
pub struct DeviceBlocks {
    /// The layout of `words`: Q4_1 (4-bit values) or Q8_0 (signed bytes).
    format: BlockFormat,
    rows: usize,
    cols: usize,
    /// `[rows, blocks · words]`: each block's values, 4 (Q4_1) or 8 (Q8_0) words (i32 bits).
    words: Tensor<2, Int>,
    /// `[rows, blocks]`: each block's scale `d`.
    scale: Tensor<2>,
    /// `[rows, blocks]`: each block's minimum `m` (zeros for Q8_0).
    min: Tensor<2>,
}

impl DeviceBlocks {
    /// Moves `m` onto `device` in the layout its kernels read (see
    /// [`BlockMatrix::device_parts`]); `None` for a format without one (Q6_K), which then loads
    /// dense.
    pub fn upload(m: &BlockMatrix, device: &Device) -> Option<Self> {
        let (layout, words, scale, min) = m.device_parts()?;
        let blocks = m.cols() / BLOCK;
        let per_row = words.len() / m.rows();
        Some(Self {
            format: layout,
            rows: m.rows(),
            cols: m.cols(),
            words: Tensor::from_data(TensorData::new(words, [m.rows(), per_row]), device),
            scale: Tensor::from_data(TensorData::new(scale, [m.rows(), blocks]), device),
            min: Tensor::from_data(TensorData::new(min, [m.rows(), blocks]), device),
        })
    }

    /// Output size (`out`).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Input size (`in`).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Bytes held on the device (words, scales and minima, 4 bytes each).
    pub fn byte_len(&self) -> usize {
        4 * (self.words.shape().num_elements() + self.scale.shape().num_elements() + self.min.shape().num_elements())
    }

    /// Values of the words' integers, `[n, words]` → `[n, words · per_word]` (value order
    /// within a block), as f32, by burn's integer ops.
    fn unpack(&self, words: Tensor<2, Int>) -> Tensor<2> {
        let [n, w] = words.dims();
        match self.format {
            // Word j of a block holds bytes 4j..4j+3; byte i holds value i (low nibble) and
            // 16 + i (high nibble). → [n, blocks, 2, 4 words, 4 bytes] in value order.
            BlockFormat::Q4_1 => {
                let nibble = |shift: i64| words.clone().bitwise_right_shift_scalar(shift).bitwise_and_scalar(0x0F); // [n, w]
                let low = Tensor::stack::<3>((0..4).map(|b| nibble(8 * b)).collect(), 2); // [n, w, 4]
                let high = Tensor::stack::<3>((0..4).map(|b| nibble(8 * b + 4)).collect(), 2); // [n, w, 4]
                let blocks = w / 4;
                Tensor::stack::<4>(vec![low.reshape([n, blocks, 16]), high.reshape([n, blocks, 16])], 2) // [n, blocks, 2, 16]
                    .reshape([n, w * 8])
                    .float()
            }
            // Word j holds values 4j..4j+3 as signed bytes: shift each to the top, then back
            // down arithmetically (the sign comes with it).
            BlockFormat::Q8_0 => {
                let byte = |b: i64| words.clone().bitwise_left_shift_scalar(24 - 8 * b).bitwise_right_shift_scalar(24); // [n, w]
                Tensor::stack::<3>((0..4).map(byte).collect(), 2).reshape([n, w * 4]).float()
            }
            other => unreachable!("{other:?} is not a device layout"),
        }
    }

    /// `d · q + m` for `[n, cols]` values of `n` rows whose scales and minima are `[n, blocks]`.
    fn scaled(&self, q: Tensor<2>, scale: Tensor<2>, min: Tensor<2>) -> Tensor<2> {
        let [n, cols] = q.dims();
        let blocks = cols / BLOCK;
        let q = q.reshape([n, blocks, BLOCK]); // [n, blocks, 32]
        (q * scale.reshape([n, blocks, 1]) + min.reshape([n, blocks, 1])).reshape([n, cols])
    }

    /// Every value as an f32 `[rows, cols]` tensor, by burn's ops (any backend).
    pub fn to_dense(&self) -> Tensor<2> {
        self.scaled(self.unpack(self.words.clone()), self.scale.clone(), self.min.clone())
    }

    /// The rows `ids` (`[n]`) as f32 `[n, cols]`: an embedding lookup, on the device.
    pub fn rows_of(&self, ids: Tensor<1, Int>) -> Tensor<2> {
        let words = self.words.clone().select(0, ids.clone());
        self.scaled(self.unpack(words), self.scale.clone().select(0, ids.clone()), self.min.clone().select(0, ids))
    }

    /// `x · Wᵀ`: `x` `[..., cols]` → `[..., rows]`. On WebGPU in the browser by the block kernels
    /// (few input rows: one pass that unpacks as it multiplies; many: the blocks expanded into a
    /// transient f32 matrix for one product); elsewhere by [`Self::to_dense`].
    pub fn project<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let dims = x.dims();
        let n: usize = dims[..D - 1].iter().product();
        let x = x.reshape([n, self.cols]); // [n, in]
        let y = self.project_rows(x); // [n, out]
        let mut out = dims;
        out[D - 1] = self.rows;
        y.reshape(out)
    }

    #[cfg(target_arch = "wasm32")]
    fn project_rows(&self, x: Tensor<2>) -> Tensor<2> {
        super::block_kernels::project(x, &self.words, &self.scale, &self.min, self.format == BlockFormat::Q4_1)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn project_rows(&self, x: Tensor<2>) -> Tensor<2> {
        x.matmul(self.to_dense().transpose())
    }
}

/// A quantized weight, on the host (the CPU path: [`BlockMatrix`]) or on a GPU
/// ([`DeviceBlocks`]).
#[derive(Debug, Clone)]
pub enum QuantMatrix {
    /// Blocks in host memory, multiplied by the host kernels.
    Host(BlockMatrix),
    /// Blocks on a GPU, multiplied by the device kernels.
    Device(DeviceBlocks),
}

impl QuantMatrix {
    /// Output size (`out`).
    pub fn rows(&self) -> usize {
        match self {
            QuantMatrix::Host(m) => m.rows(),
            QuantMatrix::Device(m) => m.rows(),
        }
    }

    /// Input size (`in`).
    pub fn cols(&self) -> usize {
        match self {
            QuantMatrix::Host(m) => m.cols(),
            QuantMatrix::Device(m) => m.cols(),
        }
    }

    /// Bytes held (host or device).
    pub fn byte_len(&self) -> usize {
        match self {
            QuantMatrix::Host(m) => m.byte_len(),
            QuantMatrix::Device(m) => m.byte_len(),
        }
    }

    /// Every value as an f32 `[rows, cols]` tensor on `device` (export, tests).
    pub fn to_dense(&self, device: &Device) -> Tensor<2> {
        match self {
            QuantMatrix::Host(m) => Tensor::from_data(TensorData::new(m.to_f32(), [m.rows(), m.cols()]), device),
            QuantMatrix::Device(m) => m.to_dense(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A matrix of `rows` × 256 in every format (see [`crate::model::blocks::test_matrix`]).
    fn matrices(rows: usize) -> Vec<BlockMatrix> {
        BlockFormat::ALL.iter().map(|&f| crate::model::blocks::test_matrix(f, rows, 256, rows as u64)).collect()
    }

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_into_vec().unwrap()
    }

    #[test]
    fn device_blocks_hold_exactly_the_host_values() {
        let device = Device::flex();
        for m in matrices(3) {
            let Some(d) = DeviceBlocks::upload(&m, &device) else {
                assert_eq!(m.format(), BlockFormat::Q6_K, "only Q6_K has no device layout");
                continue;
            };
            assert_eq!(values(d.to_dense()), m.to_f32(), "{:?} expands to the same values", m.format());
            let ids = Tensor::<1, Int>::from_data(TensorData::new(vec![2i32, 0, 2], [3]), &device);
            let rows: Vec<f32> = [2, 0, 2].iter().flat_map(|&r| m.row(r)).collect();
            assert_eq!(values(d.rows_of(ids)), rows, "{:?} rows by id", m.format());
            // Layout Q4_1 (Q4_1, Q4_K): 256 values in 4·8 words, 8 scales, 8 minima a row (4 bytes
            // each); layout Q8_0 (Q8_0, Q5_0): 8·8 words.
            let words = if matches!(m.format(), BlockFormat::Q4_1 | BlockFormat::Q4_K) { 4 } else { 8 };
            let expected = m.rows() * 4 * (256 / 32) * (words + 2);
            assert_eq!(d.byte_len(), expected);
        }
    }

    #[test]
    fn device_products_equal_the_host_products() {
        let device = Device::flex();
        let x: Vec<f32> = (0..2 * 256).map(|i| ((i * 13 % 29) as f32 - 14.0) / 7.0).collect();
        for m in matrices(5).into_iter().filter(|m| m.format() != BlockFormat::Q6_K) {
            let host = m.matmul(&x, 2);
            let d = DeviceBlocks::upload(&m, &device).expect("a device layout");
            let got = values(d.project(Tensor::<3>::from_data(TensorData::new(x.clone(), [1, 2, 256]), &device)));
            let diff = host.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            let scale = host.iter().fold(1.0f32, |a, v| a.max(v.abs()));
            assert!(diff < 1e-5 * scale, "{:?}: {diff} of {scale}", m.format());
        }
    }
}
