//! Quantized weights kept quantized on the CPU path: a [`BlockMatrix`] is a linear layer's HF
//! `[out, in]` weight stored the way GGUF stores it — rows of 32-value blocks, each with its own
//! scale (Q8_0: 8-bit values, 8.5 bits a weight; Q4_1: 4-bit values and a minimum, 5 bits a
//! weight) — and multiplied block by block without ever being expanded to f32.
//!
//! Why: a GPT's decode step on the CPU is a string of matrix–vector products whose cost is
//! reading the weights. SmolLM2's GGUF is 98 MB; dequantised to f32 it was 538 MB, read in full
//! for every token. Kept as blocks it stays ~1× its file and every token reads 5–6× fewer bytes.
//! The values are exactly the GGUF's (the same dequantisation, done block by block), so the
//! numbers match the f32 path up to the order of the additions.
//!
//! Used only where the device is the CPU (the model's host memory is the device's memory):
//! WebGPU and training keep burn's dense `Linear`.

use std::sync::Arc;

use half::f16;

/// Values per block (both formats).
pub const BLOCK: usize = 32;

/// How a block is stored (llama.cpp's layouts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockFormat {
    /// f16 scale `d`, f16 minimum `m`, 16 bytes of 4-bit values `q` (value `i` in the low
    /// nibble of byte `i`, value `16 + i` in its high nibble): `w = d·q + m`.
    Q4_1,
    /// f16 scale `d`, 32 signed bytes `q`: `w = d·q`.
    Q8_0,
}

impl BlockFormat {
    /// Bytes of one block.
    pub fn block_bytes(self) -> usize {
        match self {
            BlockFormat::Q4_1 => 20,
            BlockFormat::Q8_0 => 34,
        }
    }
}

/// A `[rows, cols]` weight (HF's `[out, in]`) as rows of quantized blocks on the host.
#[derive(Debug, Clone)]
pub struct BlockMatrix {
    format: BlockFormat,
    rows: usize,
    cols: usize,
    bytes: Arc<[u8]>,
}

impl BlockMatrix {
    /// Wraps GGUF block data of a `[rows, cols]` tensor; checks that the sizes fit.
    pub fn new(format: BlockFormat, rows: usize, cols: usize, bytes: Vec<u8>) -> Result<Self, String> {
        if cols == 0 || !cols.is_multiple_of(BLOCK) {
            return Err(format!("{format:?} rows of {cols} values are not whole blocks of {BLOCK}"));
        }
        let expected = rows * cols / BLOCK * format.block_bytes();
        if bytes.len() != expected {
            return Err(format!("{format:?} [{rows}, {cols}] needs {expected} bytes, got {}", bytes.len()));
        }
        Ok(Self { format, rows, cols, bytes: bytes.into() })
    }

    /// Output size (`out`).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Input size (`in`).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// The storage format.
    pub fn format(&self) -> BlockFormat {
        self.format
    }

    /// Bytes held.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    fn row_bytes(&self) -> usize {
        self.cols / BLOCK * self.format.block_bytes()
    }

    /// The same matrix with its rows reordered: row `r` of the result is row `from(r)` of this one
    /// (llama.cpp's rotary permutation of query/key rows is undone this way, whole rows at a time).
    pub fn reorder_rows(&self, from: impl Fn(usize) -> usize) -> Self {
        let rb = self.row_bytes();
        let mut bytes = Vec::with_capacity(self.bytes.len());
        for r in 0..self.rows {
            let src = from(r);
            bytes.extend_from_slice(&self.bytes[src * rb..(src + 1) * rb]);
        }
        Self { bytes: bytes.into(), ..self.clone() }
    }

    /// The blocks split for a GPU ([`super::device_blocks`]): each block's values as 32-bit
    /// little-endian words (Q4_1: 4 words, byte `i` of the 16 holding value `i` in its low nibble
    /// and `16 + i` in its high one; Q8_0: 8 words of 4 signed bytes), `[rows, blocks · words]`
    /// row-major; each block's scale and minimum (`[rows, blocks]`, minimum 0 for Q8_0).
    pub fn device_parts(&self) -> (Vec<i32>, Vec<f32>, Vec<f32>) {
        let n = self.rows * self.cols / BLOCK;
        let (skip, value_bytes) = match self.format {
            BlockFormat::Q4_1 => (4, 16),
            BlockFormat::Q8_0 => (2, 32),
        };
        let (mut words, mut scale, mut min) = (Vec::with_capacity(n * value_bytes / 4), Vec::with_capacity(n), Vec::with_capacity(n));
        for block in self.bytes.chunks_exact(self.format.block_bytes()) {
            scale.push(f16::from_le_bytes([block[0], block[1]]).to_f32());
            min.push(if self.format == BlockFormat::Q4_1 { f16::from_le_bytes([block[2], block[3]]).to_f32() } else { 0.0 });
            words.extend(block[skip..skip + value_bytes].chunks_exact(4).map(|w| i32::from_le_bytes([w[0], w[1], w[2], w[3]])));
        }
        (words, scale, min)
    }

    /// Row `r` as f32 (`cols` values): an embedding lookup.
    pub fn row(&self, r: usize) -> Vec<f32> {
        let mut out = vec![0.0; self.cols];
        self.row_into(r, &mut out);
        out
    }

    /// Row `r` as f32 into `out` (`cols` values).
    fn row_into(&self, r: usize, out: &mut [f32]) {
        let rb = self.row_bytes();
        let mut q = [0.0f32; BLOCK];
        for (block, dst) in self.bytes[r * rb..(r + 1) * rb].chunks_exact(self.format.block_bytes()).zip(out.chunks_exact_mut(BLOCK)) {
            let (d, m) = self.unpack(block, &mut q);
            for (o, &v) in dst.iter_mut().zip(&q) {
                *o = d * v + m;
            }
        }
    }

    /// Every value as row-major f32 `[rows, cols]`.
    pub fn to_f32(&self) -> Vec<f32> {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return simd::to_f32(self);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        {
            let mut out = vec![0.0f32; self.rows * self.cols];
            for_row_chunks(&mut out, self.cols, |r, dst| self.row_into(r, dst));
            out
        }
    }

    /// `x · Wᵀ`: `x` holds `t` row vectors of `cols` values; the result `t` rows of `rows` values.
    /// Each block is unpacked once and used for all `t` inputs; per input it costs one 32-value
    /// dot product and, for Q4_1, the minimum times the input block's sum.
    pub fn matmul(&self, x: &[f32], t: usize) -> Vec<f32> {
        assert_eq!(x.len(), t * self.cols, "input of {} values for {t} rows of {}", x.len(), self.cols);
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return simd::matmul(self, x, t);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        self.matmul_portable(x, t)
    }

    /// [`Self::matmul`] in plain Rust (natively, on every core; the browser's build uses
    /// [`simd`]).
    #[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
    fn matmul_portable(&self, x: &[f32], t: usize) -> Vec<f32> {
        let (rows, cols) = (self.rows, self.cols);
        let blocks = cols / BLOCK;
        // Σ of every input block (the Q4_1 minimum multiplies it): [t, blocks].
        let sums: Vec<f32> = x.chunks_exact(BLOCK).map(|b| b.iter().sum()).collect();
        // Computed as [rows, t] (each weight row against every input), then transposed.
        let mut by_row = vec![0.0f32; rows * t];
        for_row_chunks(&mut by_row, t, |r, dst| {
            let mut q = [0.0f32; BLOCK];
            let rb = self.row_bytes();
            for (j, block) in self.bytes[r * rb..(r + 1) * rb].chunks_exact(self.format.block_bytes()).enumerate() {
                let (d, m) = self.unpack(block, &mut q);
                for (s, o) in dst.iter_mut().enumerate() {
                    *o += d * dot32(&q, &x[s * cols + j * BLOCK..s * cols + (j + 1) * BLOCK]) + m * sums[s * blocks + j];
                }
            }
        });
        let mut out = vec![0.0f32; t * rows];
        for (r, values) in by_row.chunks_exact(t).enumerate() {
            for (s, &v) in values.iter().enumerate() {
                out[s * rows + r] = v;
            }
        }
        out
    }

    /// The block's integer values as f32 into `q`; its scale and minimum (0 for Q8_0).
    #[inline(always)]
    fn unpack(&self, block: &[u8], q: &mut [f32; BLOCK]) -> (f32, f32) {
        let d = f16::from_le_bytes([block[0], block[1]]).to_f32();
        match self.format {
            BlockFormat::Q4_1 => {
                let m = f16::from_le_bytes([block[2], block[3]]).to_f32();
                let packed: &[u8; 16] = block[4..20].try_into().expect("a Q4_1 block has 16 value bytes");
                let (low, high) = q.split_at_mut(16);
                for ((l, h), &b) in low.iter_mut().zip(high.iter_mut()).zip(packed) {
                    *l = (b & 0x0F) as f32;
                    *h = (b >> 4) as f32;
                }
                (d, m)
            }
            BlockFormat::Q8_0 => {
                let values: &[u8; 32] = block[2..34].try_into().expect("a Q8_0 block has 32 value bytes");
                for (v, &b) in q.iter_mut().zip(values) {
                    *v = b as i8 as f32;
                }
                (d, 0.0)
            }
        }
    }
}

/// Calls `f(r, row)` for every `width`-value row `r` of `out`: natively on all cores (rayon, in
/// chunks of rows), in the browser's single thread one after another.
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
fn for_row_chunks(out: &mut [f32], width: usize, f: impl Fn(usize, &mut [f32]) + Sync) {
    if width == 0 {
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        const ROWS: usize = 64;
        out.par_chunks_mut(ROWS * width).enumerate().for_each(|(c, chunk)| {
            for (i, row) in chunk.chunks_exact_mut(width).enumerate() {
                f(c * ROWS + i, row);
            }
        });
    }
    #[cfg(target_arch = "wasm32")]
    for (r, row) in out.chunks_exact_mut(width).enumerate() {
        f(r, row);
    }
}

/// The browser's kernel: wasm SIMD128, four values per instruction. Per row and input it keeps a
/// vector of partial sums across the row's blocks (one horizontal sum per output value).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    use super::{BlockFormat, BlockMatrix, BLOCK};

    /// 16 unsigned bytes → 4 vectors of 4 f32.
    #[inline(always)]
    fn widen_u8(b: v128) -> [v128; 4] {
        let (l, h) = (u16x8_extend_low_u8x16(b), u16x8_extend_high_u8x16(b));
        [
            f32x4_convert_u32x4(u32x4_extend_low_u16x8(l)),
            f32x4_convert_u32x4(u32x4_extend_high_u16x8(l)),
            f32x4_convert_u32x4(u32x4_extend_low_u16x8(h)),
            f32x4_convert_u32x4(u32x4_extend_high_u16x8(h)),
        ]
    }

    /// 16 signed bytes → 4 vectors of 4 f32.
    #[inline(always)]
    fn widen_i8(b: v128) -> [v128; 4] {
        let (l, h) = (i16x8_extend_low_i8x16(b), i16x8_extend_high_i8x16(b));
        [
            f32x4_convert_i32x4(i32x4_extend_low_i16x8(l)),
            f32x4_convert_i32x4(i32x4_extend_high_i16x8(l)),
            f32x4_convert_i32x4(i32x4_extend_low_i16x8(h)),
            f32x4_convert_i32x4(i32x4_extend_high_i16x8(h)),
        ]
    }

    /// A block's 32 integer values as 8 vectors (in value order), its scale and minimum.
    #[inline(always)]
    fn unpack(format: BlockFormat, block: &[u8]) -> ([v128; 8], f32, f32) {
        let d = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
        match format {
            BlockFormat::Q4_1 => {
                let m = half::f16::from_le_bytes([block[2], block[3]]).to_f32();
                let packed: &[u8; 16] = block[4..20].try_into().expect("16 value bytes");
                let v = u8x16(
                    packed[0], packed[1], packed[2], packed[3], packed[4], packed[5], packed[6], packed[7], packed[8], packed[9], packed[10], packed[11], packed[12], packed[13], packed[14], packed[15],
                );
                let (lo, hi) = (widen_u8(v128_and(v, u8x16_splat(0x0F))), widen_u8(u8x16_shr(v, 4)));
                ([lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]], d, m)
            }
            BlockFormat::Q8_0 => {
                let values: &[u8; 32] = block[2..34].try_into().expect("32 value bytes");
                let load = |b: &[u8]| u8x16(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
                let (a, b) = (widen_i8(load(&values[..16])), widen_i8(load(&values[16..])));
                ([a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]], d, 0.0)
            }
        }
    }

    /// 32 inputs as 8 vectors.
    #[inline(always)]
    fn inputs(x: &[f32]) -> [v128; 8] {
        let x: &[f32; BLOCK] = x.try_into().expect("32 inputs");
        core::array::from_fn(|i| f32x4(x[4 * i], x[4 * i + 1], x[4 * i + 2], x[4 * i + 3]))
    }

    pub(super) fn to_f32(m: &BlockMatrix) -> Vec<f32> {
        let mut out = vec![0.0f32; m.rows * m.cols];
        for (block, dst) in m.bytes.chunks_exact(m.format.block_bytes()).zip(out.chunks_exact_mut(BLOCK)) {
            let (q, d, mn) = unpack(m.format, block);
            let (d, mn) = (f32x4_splat(d), f32x4_splat(mn));
            for (i, v) in q.iter().enumerate() {
                let w = f32x4_add(f32x4_mul(*v, d), mn);
                dst[4 * i..4 * i + 4].copy_from_slice(&[f32x4_extract_lane::<0>(w), f32x4_extract_lane::<1>(w), f32x4_extract_lane::<2>(w), f32x4_extract_lane::<3>(w)]);
            }
        }
        out
    }

    pub(super) fn matmul(m: &BlockMatrix, x: &[f32], t: usize) -> Vec<f32> {
        let (rows, cols) = (m.rows, m.cols);
        let blocks = cols / BLOCK;
        let sums: Vec<f32> = x.chunks_exact(BLOCK).map(|b| b.iter().sum()).collect(); // [t, blocks]
        let mut out = vec![0.0f32; t * rows];
        let mut acc = vec![f32x4_splat(0.0); t];
        let mut minimum = vec![0.0f32; t];
        let rb = m.row_bytes();
        for (r, row) in m.bytes.chunks_exact(rb).enumerate() {
            acc.fill(f32x4_splat(0.0));
            minimum.fill(0.0);
            for (j, block) in row.chunks_exact(m.format.block_bytes()).enumerate() {
                let (q, d, mn) = unpack(m.format, block);
                let d = f32x4_splat(d);
                for s in 0..t {
                    let xs = inputs(&x[s * cols + j * BLOCK..s * cols + (j + 1) * BLOCK]);
                    let a = f32x4_add(f32x4_add(f32x4_mul(q[0], xs[0]), f32x4_mul(q[1], xs[1])), f32x4_add(f32x4_mul(q[2], xs[2]), f32x4_mul(q[3], xs[3])));
                    let b = f32x4_add(f32x4_add(f32x4_mul(q[4], xs[4]), f32x4_mul(q[5], xs[5])), f32x4_add(f32x4_mul(q[6], xs[6]), f32x4_mul(q[7], xs[7])));
                    acc[s] = f32x4_add(acc[s], f32x4_mul(d, f32x4_add(a, b)));
                    minimum[s] += mn * sums[s * blocks + j];
                }
            }
            for s in 0..t {
                let v = acc[s];
                let total = (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<2>(v)) + (f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<3>(v));
                out[s * rows + r] = total + minimum[s];
            }
        }
        out
    }
}

/// Dot product of 32 values in 8 independent lanes (so the compiler keeps them in SIMD
/// registers: a single running sum would force the additions into one sequence).
#[inline(always)]
fn dot32(a: &[f32; BLOCK], b: &[f32]) -> f32 {
    let b: &[f32; BLOCK] = b.try_into().expect("32 input values");
    let mut acc = [0.0f32; 8];
    for k in 0..BLOCK / 8 {
        for l in 0..8 {
            acc[l] += a[k * 8 + l] * b[k * 8 + l];
        }
    }
    (acc[0] + acc[4]) + (acc[1] + acc[5]) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Q4_1 block with scale `d`, minimum `m` and values `q`, and a Q8_0 block.
    fn q4_1(d: f32, m: f32, q: &[u8; 32]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&f16::from_f32(d).to_le_bytes());
        b.extend_from_slice(&f16::from_f32(m).to_le_bytes());
        b.extend((0..16).map(|i| q[i] | (q[16 + i] << 4)));
        b
    }

    fn q8_0(d: f32, q: &[i8; 32]) -> Vec<u8> {
        let mut b = f16::from_f32(d).to_le_bytes().to_vec();
        b.extend(q.iter().map(|&v| v as u8));
        b
    }

    /// A [3, 64] matrix in each format, and its f32 values worked out by hand.
    fn matrices() -> Vec<(BlockMatrix, Vec<f32>)> {
        let mut out = Vec::new();
        let (mut bytes, mut dense) = (Vec::new(), Vec::new());
        for r in 0..3 {
            for j in 0..2 {
                let q: [u8; 32] = std::array::from_fn(|i| ((i * 7 + r * 3 + j) % 16) as u8);
                let (d, m) = (0.25 * (r + 1) as f32, -0.5 + j as f32);
                bytes.extend(q4_1(d, m, &q));
                dense.extend(q.iter().map(|&v| d * v as f32 + m));
            }
        }
        out.push((BlockMatrix::new(BlockFormat::Q4_1, 3, 64, bytes).unwrap(), dense));
        let (mut bytes, mut dense) = (Vec::new(), Vec::new());
        for r in 0..3 {
            for j in 0..2 {
                let q: [i8; 32] = std::array::from_fn(|i| (i as i32 * 9 - 128 + r as i32 * 5 + j as i32) as i8);
                let d = 0.125 * (j + 1) as f32;
                bytes.extend(q8_0(d, &q));
                dense.extend(q.iter().map(|&v| d * v as f32));
            }
        }
        out.push((BlockMatrix::new(BlockFormat::Q8_0, 3, 64, bytes).unwrap(), dense));
        out
    }

    #[test]
    fn rows_and_products_match_the_dense_matrix() {
        for (m, dense) in matrices() {
            assert_eq!(m.to_f32(), dense, "{:?} dequantises exactly", m.format());
            let t = 2;
            let x: Vec<f32> = (0..t * 64).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect();
            let got = m.matmul(&x, t);
            for s in 0..t {
                for r in 0..3 {
                    let want: f32 = (0..64).map(|c| x[s * 64 + c] * dense[r * 64 + c]).sum();
                    let g = got[s * 3 + r];
                    assert!((g - want).abs() <= 1e-4 * want.abs().max(1.0), "{:?} [{s}, {r}]: {g} vs {want}", m.format());
                }
            }
            let swapped = m.reorder_rows(|r| 2 - r);
            assert_eq!(swapped.row(0), m.row(2));
            assert_eq!(swapped.row(2), m.row(0));
        }
    }

    #[test]
    fn sizes_that_do_not_fit_are_errors() {
        assert!(BlockMatrix::new(BlockFormat::Q8_0, 2, 30, vec![0; 68]).is_err(), "not whole blocks");
        assert!(BlockMatrix::new(BlockFormat::Q4_1, 2, 32, vec![0; 39]).is_err(), "short data");
        assert!(BlockMatrix::new(BlockFormat::Q4_1, 2, 32, vec![0; 40]).is_ok());
    }
}
