//! Quantized weights kept quantized on the CPU path: a [`BlockMatrix`] is a linear layer's HF
//! `[out, in]` weight stored the way GGUF stores it — rows of blocks, each with its own scale
//! (Q8_0: 8-bit values, 8.5 bits a weight; Q4_1: 4-bit values and a minimum, 5 bits; Q5_0: 5-bit
//! values, 5.5 bits; the k-quants Q4_K (4.5 bits) and Q6_K (6.56 bits): 256-value super-blocks
//! of 32- or 16-value sub-blocks with 6- or 8-bit scales) — and multiplied block by block
//! without ever being expanded to f32. Every format is read as 32-value sub-blocks of integer
//! values `q` with a scale `d` and a minimum `m` (`w = d·q + m`), so one kernel serves them all.
//!
//! Why: a GPT's decode step on the CPU is a string of matrix–vector products whose cost is
//! reading the weights. SmolLM2's GGUF is 98 MB; dequantised to f32 it was 538 MB, read in full
//! for every token. Kept as blocks it stays ~1× its file and every token reads 5–6× fewer bytes.
//! The values are exactly the GGUF's (the same dequantisation, done block by block), so the
//! numbers match the f32 path up to the order of the additions.
//!
//! Kernels: natively on x86-64 with AVX2/FMA/F16C (checked at run time) each format has a fused
//! kernel ([`avx2`]) that widens a block's values straight into vector registers and multiplies
//! them into per-input accumulators; elsewhere a row is expanded into an L1-sized f32 buffer and
//! dotted with each input (plain Rust); in the browser, wasm SIMD128 ([`simd`]).
//!
//! Used only where the device is the CPU (the model's host memory is the device's memory):
//! WebGPU and training keep burn's dense `Linear`.

use std::sync::Arc;

use half::f16;

/// Values per sub-block (every format's unit of scale: a block, or an eighth of a k-quant
/// super-block).
pub const BLOCK: usize = 32;

/// Values per k-quant super-block.
const SUPER: usize = 256;

/// How a block is stored (llama.cpp's layouts and names).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockFormat {
    /// f16 scale `d`, f16 minimum `m`, 16 bytes of 4-bit values `q` (value `i` in the low
    /// nibble of byte `i`, value `16 + i` in its high nibble): `w = d·q + m`.
    Q4_1,
    /// f16 scale `d`, 32 signed bytes `q`: `w = d·q`.
    Q8_0,
    /// f16 scale `d`, 4 bytes of fifth bits (bit `i` of the little-endian word for value `i`),
    /// 16 bytes of low nibbles laid out as Q4_1's: `w = d·(q − 16)`.
    Q5_0,
    /// A 256-value super-block (llama.cpp's `block_q4_K`): f16 `d` and `dmin`, 12 bytes of
    /// 6-bit scales `s_j` and minima `m_j` of its eight 32-value sub-blocks, 128 bytes of 4-bit
    /// values (bytes `32c..32c+32` hold sub-block `2c` in their low nibbles and `2c + 1` in their
    /// high ones): `w = d·s_j·q − dmin·m_j`.
    Q4_K,
    /// A 256-value super-block (llama.cpp's `block_q6_K`): 128 bytes of low 4 bits, 64 bytes of
    /// high 2 bits, 16 signed 8-bit scales (one per 16 values), f16 `d`: `w = d·s·(q − 32)`.
    Q6_K,
}

impl BlockFormat {
    /// Every format, in the order above.
    pub const ALL: [BlockFormat; 5] = [BlockFormat::Q4_1, BlockFormat::Q8_0, BlockFormat::Q5_0, BlockFormat::Q4_K, BlockFormat::Q6_K];

    /// Bytes of one block.
    pub fn block_bytes(self) -> usize {
        match self {
            BlockFormat::Q4_1 => 20,
            BlockFormat::Q8_0 => 34,
            BlockFormat::Q5_0 => 22,
            BlockFormat::Q4_K => 2 + 2 + 12 + SUPER / 2,
            BlockFormat::Q6_K => SUPER / 2 + SUPER / 4 + SUPER / 16 + 2,
        }
    }

    /// Values of one block: 32, or 256 for a k-quant super-block.
    pub fn block_values(self) -> usize {
        match self {
            BlockFormat::Q4_1 | BlockFormat::Q8_0 | BlockFormat::Q5_0 => BLOCK,
            BlockFormat::Q4_K | BlockFormat::Q6_K => SUPER,
        }
    }

    /// Sub-blocks of 32 values in one block.
    fn sub_blocks(self) -> usize {
        self.block_values() / BLOCK
    }

    /// The block's values as sub-blocks of 32: sub-block `k`'s integer values (as f32) in
    /// `q[32k..32k + 32]`, its scale and minimum in `dm[k]` (`w = d·q + m`). Every value is the
    /// GGUF's exactly (llama.cpp's `dequantize_row_*`, factored this way).
    #[inline(always)]
    pub fn unpack(self, block: &[u8], q: &mut [f32; SUPER], dm: &mut [(f32, f32); SUPER / BLOCK]) {
        // Fixed-size arrays and plain loops throughout, so the compiler vectorises them.
        let f16_at = |at: usize| f16_le(block, at);
        match self {
            BlockFormat::Q4_1 => {
                let packed: &[u8; 16] = block[4..20].try_into().expect("16 value bytes");
                for i in 0..16 {
                    q[i] = (packed[i] & 0x0F) as f32;
                    q[i + 16] = (packed[i] >> 4) as f32;
                }
                dm[0] = (f16_at(0), f16_at(2));
            }
            BlockFormat::Q8_0 => {
                let values: &[u8; 32] = block[2..34].try_into().expect("32 value bytes");
                for i in 0..32 {
                    q[i] = values[i] as i8 as f32;
                }
                dm[0] = (f16_at(0), 0.0);
            }
            BlockFormat::Q5_0 => {
                let high = u32::from_le_bytes([block[2], block[3], block[4], block[5]]);
                let packed: &[u8; 16] = block[6..22].try_into().expect("16 value bytes");
                for i in 0..16 {
                    let (h0, h1) = ((high >> i) & 1, (high >> (i + 16)) & 1);
                    q[i] = ((packed[i] & 0x0F) as u32 | (h0 << 4)) as f32 - 16.0;
                    q[i + 16] = ((packed[i] >> 4) as u32 | (h1 << 4)) as f32 - 16.0;
                }
                dm[0] = (f16_at(0), 0.0);
            }
            BlockFormat::Q4_K => {
                let (d, dmin) = (f16_at(0), f16_at(2));
                for (j, dm) in dm.iter_mut().enumerate() {
                    let (s, m) = q4_k_scale_min(&block[4..16], j);
                    *dm = (d * s as f32, -(dmin * m as f32));
                }
                let packed: &[u8; 128] = block[16..144].try_into().expect("128 value bytes");
                for c in 0..4 {
                    for l in 0..32 {
                        q[64 * c + l] = (packed[32 * c + l] & 0x0F) as f32;
                        q[64 * c + 32 + l] = (packed[32 * c + l] >> 4) as f32;
                    }
                }
            }
            BlockFormat::Q6_K => {
                // Each half of 128 values: 64 bytes of low bits, 32 of high bits, 8 scales;
                // value l + 32k (k < 4) takes nibble k / 2 of ql[l + 32 (k % 2)], bits 2k of
                // qh[l], scale l / 16 + 2k. The scale (an integer) goes into q, `d` stays the
                // sub-block's scale: q·s is at most 32 · 128, exact in f32.
                let d = f16_at(208);
                for half in 0..2 {
                    let ql: &[u8; 64] = block[64 * half..64 * half + 64].try_into().expect("64 low bytes");
                    let qh: &[u8; 32] = block[128 + 32 * half..160 + 32 * half].try_into().expect("32 high bytes");
                    let sc: &[u8; 8] = block[192 + 8 * half..200 + 8 * half].try_into().expect("8 scales");
                    for k in 0..4 {
                        let (low, shift) = (&ql[32 * (k % 2)..32 * (k % 2) + 32], 4 * (k / 2));
                        let out = &mut q[128 * half + 32 * k..128 * half + 32 * k + 32];
                        for (part, scale) in [sc[2 * k] as i8 as i32, sc[2 * k + 1] as i8 as i32].into_iter().enumerate() {
                            for l in 16 * part..16 * part + 16 {
                                let v = (((low[l] >> shift) & 0x0F) | (((qh[l] >> (2 * k)) & 3) << 4)) as i32 - 32;
                                out[l] = (v * scale) as f32;
                            }
                        }
                        dm[4 * half + k] = (d, 0.0);
                    }
                }
            }
        }
    }
}

/// Sub-block `j`'s 6-bit scale and minimum from a Q4_K super-block's 12 scale bytes: sub-blocks
/// 0–3 keep theirs in the low 6 bits of bytes `j` and `j + 4`; 4–7 split theirs between the low /
/// high nibble of byte `j + 4` and the top 2 bits of bytes `j − 4` / `j`.
#[inline(always)]
fn q4_k_scale_min(scales: &[u8], j: usize) -> (u8, u8) {
    if j < 4 {
        (scales[j] & 63, scales[j + 4] & 63)
    } else {
        ((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4), (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4))
    }
}

/// The little-endian f16 at byte `at` of `bytes`, as f32.
#[inline(always)]
fn f16_le(bytes: &[u8], at: usize) -> f32 {
    f16::from_bits(u16::from_le_bytes([bytes[at], bytes[at + 1]])).to_f32()
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
        let per = format.block_values();
        if cols == 0 || !cols.is_multiple_of(per) {
            return Err(format!("{format:?} rows of {cols} values are not whole blocks of {per}"));
        }
        let expected = rows * cols / per * format.block_bytes();
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
        self.cols / self.format.block_values() * self.format.block_bytes()
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

    /// The blocks split for a GPU ([`super::device_blocks`]), as one of the two layouts its
    /// kernels read: each 32-value sub-block's values as 32-bit little-endian words (layout Q4_1:
    /// 4 words, byte `i` of the 16 holding value `i` in its low nibble and `16 + i` in its high
    /// one; layout Q8_0: 8 words of 4 signed bytes), `[rows, sub-blocks · words]` row-major; each
    /// sub-block's scale and minimum as f32 (`[rows, sub-blocks]`). Q4_K goes exactly into layout
    /// Q4_1 (its sub-block scales `d·s_j` and minima `−dmin·m_j` as f32), Q5_0 into layout Q8_0
    /// (`q − 16`); Q6_K (two scales per 32 values, products beyond a byte) has no such layout:
    /// `None`.
    pub fn device_parts(&self) -> Option<(BlockFormat, Vec<i32>, Vec<f32>, Vec<f32>)> {
        let layout = match self.format {
            BlockFormat::Q4_1 | BlockFormat::Q4_K => BlockFormat::Q4_1,
            BlockFormat::Q8_0 | BlockFormat::Q5_0 => BlockFormat::Q8_0,
            BlockFormat::Q6_K => return None,
        };
        let n = self.rows * self.cols / BLOCK;
        let words_per = if layout == BlockFormat::Q4_1 { 4 } else { 8 };
        let (mut words, mut scale, mut min) = (Vec::with_capacity(n * words_per), Vec::with_capacity(n), Vec::with_capacity(n));
        let (mut q, mut dm) = ([0.0f32; SUPER], [(0.0f32, 0.0f32); SUPER / BLOCK]);
        let mut packed = [0u8; BLOCK];
        for block in self.bytes.chunks_exact(self.format.block_bytes()) {
            self.format.unpack(block, &mut q, &mut dm);
            for (values, &(d, m)) in q.chunks_exact(BLOCK).zip(&dm).take(self.format.sub_blocks()) {
                let used = if layout == BlockFormat::Q4_1 {
                    for i in 0..16 {
                        packed[i] = values[i] as u8 | ((values[16 + i] as u8) << 4);
                    }
                    16
                } else {
                    for (p, &v) in packed.iter_mut().zip(values) {
                        *p = v as i32 as i8 as u8;
                    }
                    32
                };
                words.extend(packed[..used].chunks_exact(4).map(|w| i32::from_le_bytes([w[0], w[1], w[2], w[3]])));
                scale.push(d);
                min.push(m);
            }
        }
        Some((layout, words, scale, min))
    }

    /// Row `r` as f32 (`cols` values): an embedding lookup.
    pub fn row(&self, r: usize) -> Vec<f32> {
        let mut out = vec![0.0; self.cols];
        self.row_into(r, &mut out);
        out
    }

    /// Row `r` as f32 into `out` (`cols` values).
    #[inline(always)]
    fn row_into(&self, r: usize, out: &mut [f32]) {
        let rb = self.row_bytes();
        let (mut q, mut dm) = ([0.0f32; SUPER], [(0.0f32, 0.0f32); SUPER / BLOCK]);
        let per = self.format.block_values();
        for (block, dst) in self.bytes[r * rb..(r + 1) * rb].chunks_exact(self.format.block_bytes()).zip(out.chunks_exact_mut(per)) {
            self.format.unpack(block, &mut q, &mut dm);
            for ((dst, values), &(d, m)) in dst.chunks_exact_mut(BLOCK).zip(q.chunks_exact(BLOCK)).zip(&dm) {
                for (o, &v) in dst.iter_mut().zip(values) {
                    *o = d * v + m;
                }
            }
        }
    }

    /// Every value as row-major f32 `[rows, cols]`.
    pub fn to_f32(&self) -> Vec<f32> {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if matches!(self.format, BlockFormat::Q4_1 | BlockFormat::Q8_0) {
            return simd::to_f32(self);
        }
        let mut out = vec![0.0f32; self.rows * self.cols];
        for_row_chunks(&mut out, self.cols, 0, |r, dst, _| self.row_into(r, dst));
        out
    }

    /// `x · Wᵀ`: `x` holds `t` row vectors of `cols` values; the result `t` rows of `rows` values.
    /// Each block is unpacked once and used for all `t` inputs (see the module docs for the
    /// kernels).
    pub fn matmul(&self, x: &[f32], t: usize) -> Vec<f32> {
        assert_eq!(x.len(), t * self.cols, "input of {} values for {t} rows of {}", x.len(), self.cols);
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        return simd::matmul(self, x, t);
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        self.matmul_portable(x, t)
    }

    /// Row `r` of the weights against each of the `dst.len()` inputs in `x` (`[t, cols]`): the
    /// row is expanded into `row` (`cols` values, small enough to stay in the L1 cache), then
    /// one long dot product per input.
    #[inline(always)]
    fn row_products(&self, r: usize, x: &[f32], row: &mut [f32], dst: &mut [f32], dot: impl Fn(&[f32], &[f32]) -> f32) {
        self.row_into(r, row);
        for (o, input) in dst.iter_mut().zip(x.chunks_exact(self.cols)) {
            *o = dot(row, input);
        }
    }

    /// [`Self::row_products`] with AVX2, FMA and F16C (8 lanes a vector and fused multiply–adds
    /// instead of SSE2's 4 lanes; chosen at run time where the CPU has them): the fused kernels
    /// of [`avx2`] for a few inputs, else the row expanded and [`avx2::dot`].
    ///
    /// # Safety
    /// The CPU must support AVX2, FMA and F16C.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma,f16c")]
    unsafe fn row_products_avx2(&self, r: usize, x: &[f32], row: &mut [f32], dst: &mut [f32]) {
        if dst.len() <= avx2::MAX_INPUTS {
            let rb = self.row_bytes();
            let bytes = &self.bytes[r * rb..(r + 1) * rb];
            // SAFETY: this function runs only where the CPU has AVX2 and FMA; `bytes` is one
            // row of whole blocks and `x` holds `dst.len()` inputs of `cols` values.
            match self.format {
                BlockFormat::Q8_0 => return unsafe { avx2::q8_0_row(bytes, x, self.cols, dst) },
                BlockFormat::Q4_1 => return unsafe { avx2::q4_1_row(bytes, x, self.cols, dst) },
                BlockFormat::Q5_0 => return unsafe { avx2::q5_0_row(bytes, x, self.cols, dst) },
                BlockFormat::Q4_K => return unsafe { avx2::q4_k_row(bytes, x, self.cols, dst) },
                BlockFormat::Q6_K => return unsafe { avx2::q6_k_row(bytes, x, self.cols, dst) },
            }
        }
        // SAFETY: this function runs only where the CPU has AVX2 and FMA.
        self.row_products(r, x, row, dst, |a, b| unsafe { avx2::dot(a, b) })
    }

    /// [`Self::matmul`] in plain Rust (natively, on every core; the browser's build uses
    /// [`simd`], which `tests/wasm-kernels` checks and times against this).
    pub fn matmul_portable(&self, x: &[f32], t: usize) -> Vec<f32> {
        self.products(x, t, true)
    }

    /// [`Self::matmul_portable`] with the AVX2 kernels where `allow_avx2` and the CPU has them,
    /// else in plain Rust.
    #[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
    fn products(&self, x: &[f32], t: usize, allow_avx2: bool) -> Vec<f32> {
        #[cfg(target_arch = "x86_64")]
        let avx2 = allow_avx2 && std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") && std::arch::is_x86_feature_detected!("f16c");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = allow_avx2 && false;
        let rows = self.rows;
        // Computed as [rows, t] (each weight row against every input), then transposed.
        let mut by_row = vec![0.0f32; rows * t];
        for_row_chunks(&mut by_row, t, self.cols, |r, dst, row| {
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                // SAFETY: `avx2` holds only where the CPU was found to have AVX2, FMA and F16C.
                return unsafe { self.row_products_avx2(r, x, row, dst) };
            }
            let _ = avx2;
            self.row_products(r, x, row, dst, dot)
        });
        let mut out = vec![0.0f32; t * rows];
        for (r, values) in by_row.chunks_exact(t).enumerate() {
            for (s, &v) in values.iter().enumerate() {
                out[s * rows + r] = v;
            }
        }
        out
    }
}

/// Calls `f(r, row, scratch)` for every `width`-value row `r` of `out`, with `scratch` a buffer
/// of `scratch` values the call may overwrite: natively on all cores (rayon, in chunks of rows,
/// one buffer a chunk), in the browser's single thread one after another.
fn for_row_chunks(out: &mut [f32], width: usize, scratch: usize, f: impl Fn(usize, &mut [f32], &mut [f32]) + Sync) {
    if width == 0 {
        return;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        const ROWS: usize = 64;
        out.par_chunks_mut(ROWS * width).enumerate().for_each(|(c, chunk)| {
            let mut buffer = vec![0.0f32; scratch];
            for (i, row) in chunk.chunks_exact_mut(width).enumerate() {
                f(c * ROWS + i, row, &mut buffer);
            }
        });
    }
    #[cfg(target_arch = "wasm32")]
    {
        let mut buffer = vec![0.0f32; scratch];
        for (r, row) in out.chunks_exact_mut(width).enumerate() {
            f(r, row, &mut buffer);
        }
    }
}

/// The browser's kernel: wasm SIMD128 integer dot products. Each 32-value block of the inputs is
/// first written as two 16-bit integer parts, `x = e·(x̂ + x̌ / 65534)` up to `e / 131068`
/// (`e = max|x| / 32767`: 2.3e-10 of the block's largest input, below f32's own rounding of
/// `x`; one part alone, 1.5e-5, moved SmolLM2's log-probabilities by 4e-3 through the outliers
/// of its hidden states). Each block's weights are widened straight from their bytes into 16-bit
/// lanes and `i32x4.dot_i16x8_s` multiplies eight pairs into four exact 32-bit sums per
/// instruction, scaled by `d·e` once per block — instead of converting every weight to f32.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    use super::{q4_k_scale_min, BlockFormat, BlockMatrix, BLOCK};

    /// A sub-block's 32 integer values as four vectors of eight i16 (value order), its scale
    /// `d` and minimum `m` (`w = d·q + m`).
    type Sub = ([v128; 4], f32, f32);

    /// The little-endian f16 at byte `at`, as f32, without the `half` crate's per-call checks:
    /// the bits moved into an f32's place and scaled by 2^112 (exact for normal and subnormal
    /// values; infinities and NaN, never a GGUF scale, go through `half`).
    #[inline(always)]
    fn f16_le(bytes: &[u8], at: usize) -> f32 {
        let h = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
        if h & 0x7C00 == 0x7C00 {
            return half::f16::from_bits(h).to_f32();
        }
        let magnitude = f32::from_bits(((h & 0x7FFF) as u32) << 13) * f32::from_bits(0x7780_0000); // × 2^112
        f32::from_bits(magnitude.to_bits() | (((h & 0x8000) as u32) << 16))
    }

    /// Σ of the 4 lanes (pairs 0+2 and 1+3 first, the order both paths always used).
    #[inline(always)]
    fn hsum(v: v128) -> f32 {
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<2>(v)) + (f32x4_extract_lane::<1>(v) + f32x4_extract_lane::<3>(v))
    }

    /// 16 bytes at `at` of `bytes` (bounds checked once here).
    #[inline(always)]
    fn load(bytes: &[u8], at: usize) -> v128 {
        let b: &[u8; 16] = bytes[at..at + 16].try_into().expect("16 bytes");
        // SAFETY: `b` is 16 readable bytes; wasm loads need no alignment.
        unsafe { v128_load(b.as_ptr().cast()) }
    }

    /// 16 unsigned bytes → two vectors of eight i16.
    #[inline(always)]
    fn widen_u8(v: v128) -> [v128; 2] {
        [u16x8_extend_low_u8x16(v), u16x8_extend_high_u8x16(v)]
    }

    /// 16 signed bytes → two vectors of eight i16.
    #[inline(always)]
    fn widen_i8(v: v128) -> [v128; 2] {
        [i16x8_extend_low_i8x16(v), i16x8_extend_high_i8x16(v)]
    }

    /// Low and high nibbles of 16 bytes.
    #[inline(always)]
    fn nibbles(v: v128) -> (v128, v128) {
        (v128_and(v, u8x16_splat(0x0F)), u8x16_shr(v, 4))
    }

    /// Sub-block `k` of a block (see [`BlockFormat`] for each layout; the same values as
    /// [`BlockFormat::unpack`]).
    #[inline(always)]
    fn sub_block(format: BlockFormat, b: &[u8], k: usize) -> Sub {
        match format {
            BlockFormat::Q8_0 => {
                let ([a0, a1], [b0, b1]) = (widen_i8(load(b, 2)), widen_i8(load(b, 18)));
                ([a0, a1, b0, b1], f16_le(b, 0), 0.0)
            }
            BlockFormat::Q4_1 => {
                let (low, high) = nibbles(load(b, 4));
                let ([a0, a1], [b0, b1]) = (widen_u8(low), widen_u8(high));
                ([a0, a1, b0, b1], f16_le(b, 0), f16_le(b, 2))
            }
            BlockFormat::Q5_0 => {
                // Fifth bit of value i: bit i of the little-endian word at byte 2. Lane i of
                // `first` holds byte i / 8 of that word (values 0–15), of `second` byte
                // 2 + i / 8 (values 16–31); a lane's bit i % 8 set → 0x10.
                let word = u32x4_splat(u32::from_le_bytes([b[2], b[3], b[4], b[5]]));
                let bits = u8x16(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
                let fifth = |lanes: v128| v128_and(i8x16_ne(v128_and(i8x16_swizzle(word, lanes), bits), u8x16_splat(0)), u8x16_splat(0x10));
                let first = fifth(u8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
                let second = fifth(u8x16(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
                let (low, high) = nibbles(load(b, 6));
                let sixteen = u8x16_splat(16);
                let ([a0, a1], [b0, b1]) = (widen_i8(i8x16_sub(v128_or(low, first), sixteen)), widen_i8(i8x16_sub(v128_or(high, second), sixteen)));
                ([a0, a1, b0, b1], f16_le(b, 0), 0.0)
            }
            BlockFormat::Q4_K => {
                // Bytes 16 + 32c … hold sub-block 2c in their low nibbles, 2c + 1 in their high.
                let at = 16 + 32 * (k / 2);
                let pick = |v: v128| if k % 2 == 0 { v128_and(v, u8x16_splat(0x0F)) } else { u8x16_shr(v, 4) };
                let ([a0, a1], [b0, b1]) = (widen_u8(pick(load(b, at))), widen_u8(pick(load(b, at + 16))));
                let (s, m) = q4_k_scale_min(&b[4..16], k);
                let (d, dmin) = (f16_le(b, 0), f16_le(b, 2));
                ([a0, a1, b0, b1], d * s as f32, -(dmin * m as f32))
            }
            BlockFormat::Q6_K => {
                // Sub-block k = 4·half + j: value l takes nibble j / 2 of ql[64·half + 32(j % 2) + l],
                // bits 2j of qh[32·half + l]; values 0–15 scale sc[8·half + 2j], 16–31 the next.
                let (half, j) = (k / 4, k % 4);
                let (low_at, high_at) = (64 * half + 32 * (j % 2), 128 + 32 * half);
                let value = |i: usize| {
                    let low = load(b, low_at + i);
                    let low = if j < 2 { v128_and(low, u8x16_splat(0x0F)) } else { u8x16_shr(low, 4) };
                    let high = v128_and(u8x16_shr(load(b, high_at + i), 2 * j as u32), u8x16_splat(3));
                    i8x16_sub(v128_or(low, i8x16_shl(high, 4)), u8x16_splat(32))
                };
                let (s0, s1) = (b[192 + 8 * half + 2 * j] as i8 as i16, b[192 + 8 * half + 2 * j + 1] as i8 as i16);
                let ([a0, a1], [b0, b1]) = (widen_i8(value(0)), widen_i8(value(16)));
                let (s0, s1) = (i16x8_splat(s0), i16x8_splat(s1));
                ([i16x8_mul(a0, s0), i16x8_mul(a1, s0), i16x8_mul(b0, s1), i16x8_mul(b1, s1)], f16_le(b, 208), 0.0)
            }
        }
    }

    pub(super) fn to_f32(m: &BlockMatrix) -> Vec<f32> {
        let (per, subs) = (m.format.block_values(), m.format.sub_blocks());
        let mut out = vec![0.0f32; m.rows * m.cols];
        for (block, dst) in m.bytes.chunks_exact(m.format.block_bytes()).zip(out.chunks_exact_mut(per)) {
            for (k, dst) in dst.chunks_exact_mut(BLOCK).enumerate().take(subs) {
                let (q, d, mn) = sub_block(m.format, block, k);
                let (d, mn) = (f32x4_splat(d), f32x4_splat(mn));
                for (i, v) in q.iter().enumerate() {
                    for (h, v) in [i32x4_extend_low_i16x8(*v), i32x4_extend_high_i16x8(*v)].into_iter().enumerate() {
                        let w = f32x4_add(f32x4_mul(f32x4_convert_i32x4(v), d), mn);
                        let at = 8 * i + 4 * h;
                        dst[at..at + 4].copy_from_slice(&[f32x4_extract_lane::<0>(w), f32x4_extract_lane::<1>(w), f32x4_extract_lane::<2>(w), f32x4_extract_lane::<3>(w)]);
                    }
                }
            }
        }
        out
    }

    /// The inputs as two 16-bit parts per 32-value block: `q` (`x̂`) and `low` (`x̌`) `[t, cols]`,
    /// `scale` (`e`) and the exact `sum` of each block's inputs (for the minima) `[t, cols / 32]`.
    struct Inputs {
        q: Vec<i16>,
        low: Vec<i16>,
        scale: Vec<f32>,
        sum: Vec<f32>,
    }

    /// The weight of the low part: `x̌` counts in units of `e / LOW`.
    const LOW: f32 = 65534.0;

    /// `Σ w·x̂ + Σ w·x̌ / LOW` of one block, four lanes.
    #[inline(always)]
    fn block_dot(w: &[v128; 4], high: &[v128; 4], low: &[v128; 4]) -> v128 {
        let dot = |x: &[v128; 4]| i32x4_add(i32x4_add(i32x4_dot_i16x8(w[0], x[0]), i32x4_dot_i16x8(w[1], x[1])), i32x4_add(i32x4_dot_i16x8(w[2], x[2]), i32x4_dot_i16x8(w[3], x[3])));
        f32x4_add(f32x4_convert_i32x4(dot(high)), f32x4_mul(f32x4_convert_i32x4(dot(low)), f32x4_splat(1.0 / LOW)))
    }

    /// 32 i16 at the start of `q` as four vectors.
    #[inline(always)]
    fn vectors(q: &[i16]) -> [v128; 4] {
        let q: &[i16; BLOCK] = q[..BLOCK].try_into().expect("32 values");
        // SAFETY: `q` is 32 readable i16; wasm loads need no alignment.
        core::array::from_fn(|i| unsafe { v128_load(q.as_ptr().add(8 * i).cast()) })
    }

    fn quantize(x: &[f32]) -> Inputs {
        let blocks = x.len() / BLOCK;
        let (mut q, mut low) = (vec![0i16; x.len()], vec![0i16; x.len()]);
        let (mut scale, mut sum) = (Vec::with_capacity(blocks), Vec::with_capacity(blocks));
        for ((xs, qs), ls) in x.chunks_exact(BLOCK).zip(q.chunks_exact_mut(BLOCK)).zip(low.chunks_exact_mut(BLOCK)) {
            let largest = xs.iter().fold(0.0f32, |a, v| a.max(v.abs()));
            let e = largest / 32767.0;
            if e > 0.0 && e.is_finite() {
                for ((o, l), &v) in qs.iter_mut().zip(ls.iter_mut()).zip(xs) {
                    // In f64, where v / e and the remainder are exact enough.
                    let scaled = v as f64 / e as f64;
                    let high = scaled.round();
                    *o = high as i16;
                    *l = ((scaled - high) * LOW as f64).round() as i16;
                }
            }
            scale.push(e);
            sum.push(xs.iter().sum());
        }
        Inputs { q, low, scale, sum }
    }

    pub(super) fn matmul(m: &BlockMatrix, x: &[f32], t: usize) -> Vec<f32> {
        match m.format {
            BlockFormat::Q8_0 => products::<false>(m, x, t, |b, k| sub_block(BlockFormat::Q8_0, b, k)),
            BlockFormat::Q4_1 => products::<true>(m, x, t, |b, k| sub_block(BlockFormat::Q4_1, b, k)),
            BlockFormat::Q5_0 => products::<false>(m, x, t, |b, k| sub_block(BlockFormat::Q5_0, b, k)),
            BlockFormat::Q4_K => products::<true>(m, x, t, |b, k| sub_block(BlockFormat::Q4_K, b, k)),
            BlockFormat::Q6_K => products::<false>(m, x, t, |b, k| sub_block(BlockFormat::Q6_K, b, k)),
        }
    }

    /// `x · Wᵀ` for one format (`MIN`: it has minima). One input (a decoded token) goes through
    /// [`one_input`]'s integer products; several (a prompt) in f32, each sub-block widened to f32
    /// once and used for all `t` inputs (there the widening is shared and f32 is as fast).
    #[inline(always)]
    fn products<const MIN: bool>(m: &BlockMatrix, x: &[f32], t: usize, unpack: impl Fn(&[u8], usize) -> Sub) -> Vec<f32> {
        let (rows, cols) = (m.rows, m.cols);
        let (subs, block_bytes) = (m.format.sub_blocks(), m.format.block_bytes());
        let blocks = cols / BLOCK;
        if t == 1 {
            let inputs = quantize(x);
            // An infinite or NaN input would be lost in the rounding: the f32 path keeps it.
            if inputs.sum.iter().all(|s| s.is_finite()) {
                return one_input::<MIN>(m, &inputs, unpack);
            }
        }
        let sums: Vec<f32> = x.chunks_exact(BLOCK).map(|b| b.iter().sum()).collect(); // [t, blocks]
        let mut out = vec![0.0f32; t * rows];
        let mut acc = vec![f32x4_splat(0.0); t];
        let mut minimum = vec![0.0f32; t];
        for (r, row) in m.bytes.chunks_exact(m.row_bytes()).enumerate() {
            acc.fill(f32x4_splat(0.0));
            minimum.fill(0.0);
            for (b, block) in row.chunks_exact(block_bytes).enumerate() {
                for k in 0..subs {
                    let (w, d, mn) = unpack(block, k);
                    let q: [v128; 8] = core::array::from_fn(|i| {
                        let v = w[i / 2];
                        f32x4_convert_i32x4(if i % 2 == 0 { i32x4_extend_low_i16x8(v) } else { i32x4_extend_high_i16x8(v) })
                    });
                    let d = f32x4_splat(d);
                    let j = b * subs + k; // the sub-block's index in the row
                    for s in 0..t {
                        let xs: &[f32; BLOCK] = x[s * cols + j * BLOCK..s * cols + (j + 1) * BLOCK].try_into().expect("32 inputs");
                        // SAFETY: `xs` is 32 readable f32; wasm loads need no alignment.
                        let xv: [v128; 8] = core::array::from_fn(|i| unsafe { v128_load(xs.as_ptr().add(4 * i).cast()) });
                        let a = f32x4_add(f32x4_add(f32x4_mul(q[0], xv[0]), f32x4_mul(q[1], xv[1])), f32x4_add(f32x4_mul(q[2], xv[2]), f32x4_mul(q[3], xv[3])));
                        let c = f32x4_add(f32x4_add(f32x4_mul(q[4], xv[4]), f32x4_mul(q[5], xv[5])), f32x4_add(f32x4_mul(q[6], xv[6]), f32x4_mul(q[7], xv[7])));
                        acc[s] = f32x4_add(acc[s], f32x4_mul(d, f32x4_add(a, c)));
                        if MIN {
                            minimum[s] += mn * sums[s * blocks + j];
                        }
                    }
                }
            }
            for s in 0..t {
                out[s * rows + r] = hsum(acc[s]) + minimum[s];
            }
        }
        out
    }

    /// [`products`] for one input (a decoded token): its 32-value blocks as vectors up front and
    /// the accumulator in a register.
    #[inline(always)]
    fn one_input<const MIN: bool>(m: &BlockMatrix, inputs: &Inputs, unpack: impl Fn(&[u8], usize) -> Sub) -> Vec<f32> {
        let (subs, block_bytes) = (m.format.sub_blocks(), m.format.block_bytes());
        let x: Vec<([v128; 4], [v128; 4])> = inputs.q.chunks_exact(BLOCK).zip(inputs.low.chunks_exact(BLOCK)).map(|(q, l)| (vectors(q), vectors(l))).collect();
        let blocks = x.len();
        m.bytes
            .chunks_exact(m.row_bytes())
            .map(|row| {
                let (mut acc, mut minimum) = (f32x4_splat(0.0), 0.0f32);
                for (b, block) in row.chunks_exact(block_bytes).enumerate() {
                    for k in 0..subs {
                        let j = (b * subs + k).min(blocks - 1); // always b·subs + k: lets the compiler drop the checks
                        let ((w, d, mn), (high, low)) = (unpack(block, k), &x[j]);
                        acc = f32x4_add(acc, f32x4_mul(block_dot(&w, high, low), f32x4_splat(d * inputs.scale[j])));
                        if MIN {
                            minimum += mn * inputs.sum[j];
                        }
                    }
                }
                hsum(acc) + minimum
            })
            .collect()
    }
}

/// Fused AVX2 kernels for the 32-value formats: each block's values are widened straight into
/// vector registers and multiplied into per-input accumulators (no f32 copy of the row), for up
/// to [`avx2::MAX_INPUTS`] inputs at a time (a decoded token, a short prompt).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{q4_k_scale_min, BLOCK};

    /// Inputs one call handles (more go through the row-expanding path).
    pub(super) const MAX_INPUTS: usize = 8;

    /// The little-endian f16 at byte `at` of `bytes`, as f32, by the F16C instruction (the
    /// `half` crate's run-time dispatch is a call that spills the vector registers).
    #[inline(always)]
    fn f16_le(bytes: &[u8], at: usize) -> f32 {
        // SAFETY (of the intrinsics): only called from this module's F16C functions.
        unsafe { _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(u16::from_le_bytes([bytes[at], bytes[at + 1]]) as i32))) }
    }

    /// Σ of the 8 lanes.
    #[target_feature(enable = "avx2,fma,f16c")]
    fn hsum(v: __m256) -> f32 {
        let v = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let v = _mm_add_ps(v, _mm_movehl_ps(v, v));
        _mm_cvtss_f32(_mm_add_ss(v, _mm_shuffle_ps(v, v, 1)))
    }

    /// The shared loop: for every block of the row, `unpack` gives its 32 values as 4 vectors
    /// and its scale and minimum; each input's accumulator gains `d·(q·x) + m·Σx`.
    ///
    /// # Safety
    /// AVX2 and FMA; `row` whole blocks of `block_bytes`, `x` `dst.len()` rows of `cols` values.
    #[inline(always)]
    unsafe fn row_kernel<const MIN: bool>(row: &[u8], block_bytes: usize, x: &[f32], cols: usize, dst: &mut [f32], unpack: impl Fn(&[u8]) -> ([__m256; 4], f32, f32)) {
        // SAFETY: passed on from the caller.
        unsafe { super_row_kernel::<MIN, 1>(row, block_bytes, x, cols, dst, |b, _| unpack(b)) }
    }

    /// [`row_kernel`] for blocks of `SUBS` sub-blocks of 32 values: `unpack(block, k)` gives
    /// sub-block `k`.
    ///
    /// # Safety
    /// As [`row_kernel`].
    #[inline(always)]
    unsafe fn super_row_kernel<const MIN: bool, const SUBS: usize>(row: &[u8], block_bytes: usize, x: &[f32], cols: usize, dst: &mut [f32], unpack: impl Fn(&[u8], usize) -> ([__m256; 4], f32, f32)) {
        let t = dst.len();
        let mut acc = [_mm256_setzero_ps(); MAX_INPUTS];
        // Σ m·x, kept in vectors too (`MIN`: the format has minima).
        let mut minimum = [_mm256_setzero_ps(); MAX_INPUTS];
        for (b, block) in row.chunks_exact(block_bytes).enumerate() {
            for k in 0..SUBS {
                let j = b * SUBS + k; // the sub-block's index in the row
                let (q, d, m) = unpack(block, k);
                let (d, m) = (_mm256_set1_ps(d), _mm256_set1_ps(m));
                for s in 0..t {
                    let xs = &x[s * cols + j * BLOCK..s * cols + (j + 1) * BLOCK];
                    // SAFETY: `xs` holds 32 values; the four loads read 8 each.
                    let (x0, x1, x2, x3) = unsafe {
                        let p = xs.as_ptr();
                        (_mm256_loadu_ps(p), _mm256_loadu_ps(p.add(8)), _mm256_loadu_ps(p.add(16)), _mm256_loadu_ps(p.add(24)))
                    };
                    let v = _mm256_fmadd_ps(q[1], x1, _mm256_mul_ps(q[0], x0));
                    let v = _mm256_fmadd_ps(q[3], x3, _mm256_fmadd_ps(q[2], x2, v));
                    acc[s] = _mm256_fmadd_ps(d, v, acc[s]);
                    if MIN {
                        let sum = _mm256_add_ps(_mm256_add_ps(x0, x1), _mm256_add_ps(x2, x3));
                        minimum[s] = _mm256_fmadd_ps(m, sum, minimum[s]);
                    }
                }
            }
        }
        for s in 0..t {
            dst[s] = hsum(acc[s]) + if MIN { hsum(minimum[s]) } else { 0.0 };
        }
    }

    /// [`super::dot`] with fused multiply–adds, four 8-lane accumulators.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub(super) unsafe fn dot(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut acc = [_mm256_setzero_ps(); 4];
        let mut i = 0;
        // SAFETY (all loads): `i + 8 ≤ n` before each 8-value load, so it stays inside both slices.
        unsafe {
            while i + 32 <= n {
                for (k, acc) in acc.iter_mut().enumerate() {
                    *acc = _mm256_fmadd_ps(_mm256_loadu_ps(pa.add(i + 8 * k)), _mm256_loadu_ps(pb.add(i + 8 * k)), *acc);
                }
                i += 32;
            }
            while i + 8 <= n {
                acc[0] = _mm256_fmadd_ps(_mm256_loadu_ps(pa.add(i)), _mm256_loadu_ps(pb.add(i)), acc[0]);
                i += 8;
            }
        }
        hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]))) + a[i..n].iter().zip(&b[i..n]).map(|(x, y)| x * y).sum::<f32>()
    }

    /// 8 signed bytes at `p` → 8 f32.
    #[inline(always)]
    unsafe fn widen_i8(p: *const u8) -> __m256 {
        // SAFETY: the caller's `p` has 8 readable bytes.
        _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(unsafe { _mm_loadl_epi64(p.cast()) }))
    }

    /// Q8_0 rows (see [`super::BlockFormat::Q8_0`]).
    ///
    /// # Safety
    /// As [`row_kernel`].
    #[target_feature(enable = "avx2,fma,f16c")]
    pub(super) unsafe fn q8_0_row(row: &[u8], x: &[f32], cols: usize, dst: &mut [f32]) {
        // SAFETY: a 34-byte block holds 32 value bytes after its 2-byte scale.
        unsafe {
            row_kernel::<false>(row, 34, x, cols, dst, |b| {
                let p = b[2..34].as_ptr();
                ([widen_i8(p), widen_i8(p.add(8)), widen_i8(p.add(16)), widen_i8(p.add(24))], f16_le(b, 0), 0.0)
            })
        }
    }

    /// 16 bytes of nibbles → values 0..16 (low nibbles) and 16..32 (high nibbles) as 4 vectors
    /// of 8 bytes each, widened.
    #[inline(always)]
    unsafe fn nibbles(p: *const u8) -> [__m128i; 2] {
        // SAFETY: the caller's `p` has 16 readable bytes.
        let v = unsafe { _mm_loadu_si128(p.cast()) };
        let mask = _mm_set1_epi8(0x0F);
        [_mm_and_si128(v, mask), _mm_and_si128(_mm_srli_epi16(v, 4), mask)]
    }

    /// Q4_1 rows (see [`super::BlockFormat::Q4_1`]).
    ///
    /// # Safety
    /// As [`row_kernel`].
    #[target_feature(enable = "avx2,fma,f16c")]
    pub(super) unsafe fn q4_1_row(row: &[u8], x: &[f32], cols: usize, dst: &mut [f32]) {
        // SAFETY: a 20-byte block holds 16 value bytes after its scale and minimum.
        unsafe {
            row_kernel::<true>(row, 20, x, cols, dst, |b| {
                let [low, high] = nibbles(b[4..20].as_ptr());
                let f = |v: __m128i| _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v));
                ([f(low), f(_mm_srli_si128(low, 8)), f(high), f(_mm_srli_si128(high, 8))], f16_le(b, 0), f16_le(b, 2))
            })
        }
    }

    /// Q5_0 rows (see [`super::BlockFormat::Q5_0`]).
    ///
    /// # Safety
    /// As [`row_kernel`].
    #[target_feature(enable = "avx2,fma,f16c")]
    pub(super) unsafe fn q5_0_row(row: &[u8], x: &[f32], cols: usize, dst: &mut [f32]) {
        let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        let (one, sixteen) = (_mm256_set1_epi32(1), _mm256_set1_ps(16.0));
        // SAFETY: a 22-byte block holds 4 bytes of fifth bits and 16 value bytes after its scale.
        unsafe {
            row_kernel::<false>(row, 22, x, cols, dst, |b| {
                let high = _mm256_set1_epi32(i32::from_le_bytes([b[2], b[3], b[4], b[5]]));
                let [low, top] = nibbles(b[6..22].as_ptr());
                // Values 8g..8g + 8: nibbles | (bit 8g + lane of `high`) << 4, minus 16.
                let f = |v: __m128i, g: i32| {
                    let bits = _mm256_and_si256(_mm256_srlv_epi32(high, _mm256_add_epi32(lanes, _mm256_set1_epi32(8 * g))), one);
                    let q = _mm256_or_si256(_mm256_cvtepu8_epi32(v), _mm256_slli_epi32(bits, 4));
                    _mm256_sub_ps(_mm256_cvtepi32_ps(q), sixteen)
                };
                ([f(low, 0), f(_mm_srli_si128(low, 8), 1), f(top, 2), f(_mm_srli_si128(top, 8), 3)], f16_le(b, 0), 0.0)
            })
        }
    }

    /// 8 bytes at `p` → 8 i32 lanes (unsigned).
    #[inline(always)]
    unsafe fn widen_u8(p: *const u8) -> __m256i {
        // SAFETY: the caller's `p` has 8 readable bytes.
        _mm256_cvtepu8_epi32(unsafe { _mm_loadl_epi64(p.cast()) })
    }

    /// Q4_K rows (see [`super::BlockFormat::Q4_K`]).
    ///
    /// # Safety
    /// As [`row_kernel`].
    #[target_feature(enable = "avx2,fma,f16c")]
    pub(super) unsafe fn q4_k_row(row: &[u8], x: &[f32], cols: usize, dst: &mut [f32]) {
        let mask = _mm256_set1_epi32(0x0F);
        // SAFETY: a 144-byte super-block holds d, dmin, 12 scale bytes and 128 value bytes;
        // sub-block k reads bytes 16 + 32·(k / 2) .. + 32.
        unsafe {
            super_row_kernel::<true, 8>(row, 144, x, cols, dst, |b, k| {
                let (d, dmin) = (f16_le(b, 0), f16_le(b, 2));
                let (sc, mn) = q4_k_scale_min(&b[4..16], k);
                let p = b[16 + 32 * (k / 2)..16 + 32 * (k / 2) + 32].as_ptr();
                let shift = _mm_cvtsi32_si128(4 * (k % 2) as i32);
                let f = |o: usize| _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srl_epi32(widen_u8(p.add(o)), shift), mask));
                ([f(0), f(8), f(16), f(24)], d * sc as f32, -(dmin * mn as f32))
            })
        }
    }

    /// Q6_K rows (see [`super::BlockFormat::Q6_K`]).
    ///
    /// # Safety
    /// As [`row_kernel`].
    #[target_feature(enable = "avx2,fma,f16c")]
    pub(super) unsafe fn q6_k_row(row: &[u8], x: &[f32], cols: usize, dst: &mut [f32]) {
        let (low_mask, high_mask, offset) = (_mm256_set1_epi32(0x0F), _mm256_set1_epi32(3), _mm256_set1_epi32(32));
        // SAFETY: a 210-byte super-block holds 128 low-bit bytes, 64 high-bit bytes, 16 scales
        // and d; sub-block k (half k / 4, quarter k % 4) reads 32 of each kind.
        unsafe {
            super_row_kernel::<false, 8>(row, 210, x, cols, dst, |b, k| {
                let (half, quarter) = (k / 4, k % 4);
                let ql = b[64 * half + 32 * (quarter % 2)..].as_ptr();
                let qh = b[128 + 32 * half..].as_ptr();
                let sc = &b[192 + 8 * half + 2 * quarter..];
                let (low_shift, high_shift) = (_mm_cvtsi32_si128(4 * (quarter / 2) as i32), _mm_cvtsi32_si128(2 * quarter as i32));
                let (first, second) = (_mm256_set1_epi32(sc[0] as i8 as i32), _mm256_set1_epi32(sc[1] as i8 as i32));
                let f = |o: usize, scale: __m256i| {
                    let low = _mm256_and_si256(_mm256_srl_epi32(widen_u8(ql.add(o)), low_shift), low_mask);
                    let high = _mm256_and_si256(_mm256_srl_epi32(widen_u8(qh.add(o)), high_shift), high_mask);
                    let v = _mm256_sub_epi32(_mm256_or_si256(low, _mm256_slli_epi32(high, 4)), offset);
                    _mm256_cvtepi32_ps(_mm256_mullo_epi32(v, scale))
                };
                ([f(0, first), f(8, first), f(16, second), f(24, second)], f16_le(b, 208), 0.0)
            })
        }
    }
}

/// Dot product of two equally long slices in 16 independent lanes (so the compiler keeps them
/// in vector registers; a single running sum would force the additions into one sequence).
#[inline(always)]
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut acc = [0.0f32; LANES];
    let (a_main, a_rest) = a.split_at(a.len() / LANES * LANES);
    let (b_main, b_rest) = b.split_at(a_main.len());
    for (x, y) in a_main.chunks_exact(LANES).zip(b_main.chunks_exact(LANES)) {
        for l in 0..LANES {
            acc[l] += x[l] * y[l];
        }
    }
    let tail: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            acc[l] += acc[l + width];
        }
    }
    acc[0] + tail
}


/// A `[rows, cols]` matrix of `format` with pseudo-random values from `seed`: random bytes
/// with sane f16 scales (a test fixture for this module and [`super::device_blocks`]).
#[cfg(test)]
pub(crate) fn test_matrix(format: BlockFormat, rows: usize, cols: usize, seed: u64) -> BlockMatrix {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    let n = rows * cols / format.block_values();
    let mut bytes: Vec<u8> = (0..n * format.block_bytes()).map(|_| next() as u8).collect();
    for block in bytes.chunks_exact_mut(format.block_bytes()) {
        let mut put = |at: usize, v: f32| block[at..at + 2].copy_from_slice(&f16::from_f32(v).to_le_bytes());
        let scale = 0.01 + (next() % 100) as f32 / 1000.0;
        match format {
            BlockFormat::Q4_1 => {
                put(0, scale);
                put(2, -8.0 * scale);
            }
            BlockFormat::Q8_0 | BlockFormat::Q5_0 => put(0, scale),
            BlockFormat::Q4_K => {
                put(0, scale / 8.0);
                put(2, scale / 16.0);
            }
            BlockFormat::Q6_K => put(208, scale / 64.0),
        }
    }
    BlockMatrix::new(format, rows, cols, bytes).expect("whole blocks")
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

    /// llama.cpp's `dequantize_row_q4_K` as written there (value by value), the reference for the
    /// factored decoder.
    fn reference_q4_k(b: &[u8]) -> Vec<f32> {
        let f = |at: usize| f16::from_le_bytes([b[at], b[at + 1]]).to_f32();
        let (d, dmin, scales, qs) = (f(0), f(2), &b[4..16], &b[16..]);
        let get = |j: usize| -> (u8, u8) {
            if j < 4 {
                (scales[j] & 63, scales[j + 4] & 63)
            } else {
                ((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4), (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4))
            }
        };
        let mut y = Vec::new();
        let mut is = 0;
        for chunk in qs.chunks_exact(32) {
            let (sc, m) = get(is);
            let (d1, m1) = (d * sc as f32, dmin * m as f32);
            let (sc, m) = get(is + 1);
            let (d2, m2) = (d * sc as f32, dmin * m as f32);
            y.extend(chunk.iter().map(|&q| d1 * (q & 0xF) as f32 - m1));
            y.extend(chunk.iter().map(|&q| d2 * (q >> 4) as f32 - m2));
            is += 2;
        }
        y
    }

    /// llama.cpp's `dequantize_row_q6_K` as written there.
    fn reference_q6_k(b: &[u8]) -> Vec<f32> {
        let d = f16::from_le_bytes([b[208], b[209]]).to_f32();
        let mut y = vec![0.0; SUPER];
        for n in 0..2 {
            let (ql, qh, sc) = (&b[64 * n..], &b[128 + 32 * n..], &b[192 + 8 * n..]);
            for l in 0..32 {
                let is = l / 16;
                let q1 = ((ql[l] & 0xF) | ((qh[l] & 3) << 4)) as i32 - 32;
                let q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) as i32 - 32;
                let q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) as i32 - 32;
                let q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) as i32 - 32;
                let y = &mut y[128 * n..];
                y[l] = d * (sc[is] as i8) as f32 * q1 as f32;
                y[l + 32] = d * (sc[is + 2] as i8) as f32 * q2 as f32;
                y[l + 64] = d * (sc[is + 4] as i8) as f32 * q3 as f32;
                y[l + 96] = d * (sc[is + 6] as i8) as f32 * q4 as f32;
            }
        }
        y
    }

    #[test]
    fn every_format_decodes_as_its_reference() {
        use ggus::GGmlType;
        for format in BlockFormat::ALL {
            let m = test_matrix(format, 3, 512, 7);
            let want: Vec<f32> = match format {
                // The ggml-quants crate's decoders.
                BlockFormat::Q4_1 => crate::model::gguf::dequantize(GGmlType::Q4_1, &m.bytes, 3 * 512).unwrap(),
                BlockFormat::Q8_0 => crate::model::gguf::dequantize(GGmlType::Q8_0, &m.bytes, 3 * 512).unwrap(),
                BlockFormat::Q5_0 => crate::model::gguf::dequantize(GGmlType::Q5_0, &m.bytes, 3 * 512).unwrap(),
                BlockFormat::Q4_K => m.bytes.chunks_exact(format.block_bytes()).flat_map(reference_q4_k).collect(),
                BlockFormat::Q6_K => m.bytes.chunks_exact(format.block_bytes()).flat_map(reference_q6_k).collect(),
            };
            let got = m.to_f32();
            assert_eq!(got.len(), want.len());
            let spread = want.iter().fold(0.0f32, |a, v| a.max(v.abs()));
            assert!(spread > 0.1, "{format:?}: the fixture has values ({spread})");
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                // Q6_K multiplies d·(q·s) where llama.cpp does (d·s)·q: one rounding apart.
                assert!((g - w).abs() <= 1e-6 * w.abs(), "{format:?} value {i}: {g} vs {w}");
            }
            assert_eq!(m.row(2), got[2 * 512..].to_vec(), "{format:?} row 2");
        }
    }

    #[test]
    fn every_format_multiplies_as_its_dense_values() {
        for format in BlockFormat::ALL {
            let (rows, cols, t) = (70, 512, 3);
            let m = test_matrix(format, rows, cols, 11);
            let dense = m.to_f32();
            let x: Vec<f32> = (0..t * cols).map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0).collect();
            let got = m.matmul(&x, t);
            // The plain-Rust path too, where the CPU would pick the AVX2 one.
            assert_close(&m.products(&x, t, false), &got, 1e-5);
            for s in 0..t {
                for r in 0..rows {
                    let want: f64 = (0..cols).map(|c| x[s * cols + c] as f64 * dense[r * cols + c] as f64).sum();
                    let scale: f64 = (0..cols).map(|c| (x[s * cols + c] as f64 * dense[r * cols + c] as f64).abs()).sum();
                    let g = got[s * rows + r] as f64;
                    assert!((g - want).abs() <= 1e-5 * scale, "{format:?} [{s}, {r}]: {g} vs {want}");
                }
            }
        }
    }

    /// `a` and `b` agree within `tolerance` of the largest |value|.
    fn assert_close(a: &[f32], b: &[f32], tolerance: f32) {
        let scale = b.iter().fold(1.0f32, |m, v| m.max(v.abs()));
        let diff = a.iter().zip(b).fold(0.0f32, |m, (x, y)| m.max((x - y).abs()));
        assert!(a.len() == b.len() && diff <= tolerance * scale, "max |diff| {diff} of {scale}");
    }

    #[test]
    fn more_inputs_than_the_fused_kernels_take_multiply_alike() {
        // 9 inputs: past the fused kernels' 8, the row-expanding path.
        for format in BlockFormat::ALL {
            let m = test_matrix(format, 20, 256, 3);
            let x: Vec<f32> = (0..9 * 256).map(|i| ((i * 13 % 97) as f32 - 48.0) / 16.0).collect();
            let all = m.matmul(&x, 9);
            let first = m.matmul(&x[..256], 1);
            assert_close(&all[..20], &first, 1e-5);
        }
    }

    #[test]
    fn k_quants_need_whole_super_blocks() {
        assert!(BlockMatrix::new(BlockFormat::Q4_K, 1, 128, vec![0; 72]).is_err(), "half a super-block");
        assert!(BlockMatrix::new(BlockFormat::Q6_K, 2, 256, vec![0; 420]).is_ok());
    }
}
