//! `src/model/blocks.rs` compiled alone for wasm32 + SIMD128, with C exports that Node calls: a
//! random block matrix of any format, inputs of any kind, the kernel's products, their worst
//! difference from an f64 reference, and timing loops for the kernel and the plain-Rust path.
#![allow(dead_code)]

#[path = "../../../src/model/blocks.rs"]
mod blocks;

use std::cell::RefCell;

use blocks::{BlockFormat, BlockMatrix};

/// The matrix and inputs of the last [`setup`].
struct Case {
    matrix: BlockMatrix,
    x: Vec<f32>,
    t: usize,
}

thread_local! {
    static CASE: RefCell<Option<Case>> = const { RefCell::new(None) };
}

/// A 64-bit LCG's next high 32 bits.
fn next(seed: &mut u64) -> u32 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*seed >> 33) as u32
}

/// A little-endian f16.
fn f16_bytes(v: f32) -> [u8; 2] {
    half::f16::from_f32(v).to_bits().to_le_bytes()
}

/// Builds a `rows × cols` matrix of `format` (index into [`BlockFormat::ALL`]: Q4_1, Q8_0, Q5_0,
/// Q4_K, Q6_K) with random values and small positive scales, and `t` inputs of `kind`: 0 uniform
/// in ±2, 1 the same with one value of each 32 a thousand times larger (the outliers of an LLM's
/// hidden states), 2 uniform with one NaN. Returns 0, or 1 for sizes that are not whole blocks.
#[no_mangle]
pub extern "C" fn setup(format: u32, rows: u32, cols: u32, t: u32, kind: u32) -> u32 {
    let format = BlockFormat::ALL[format as usize % 5];
    let (rows, cols, t) = (rows as usize, cols as usize, t as usize);
    let mut seed = 42u64;
    let blocks = rows * cols / format.block_values();
    let mut bytes: Vec<u8> = (0..blocks * format.block_bytes()).map(|_| next(&mut seed) as u8).collect();
    for block in bytes.chunks_exact_mut(format.block_bytes()) {
        let d = f16_bytes(0.001 + (next(&mut seed) % 1000) as f32 * 1e-5);
        match format {
            BlockFormat::Q4_1 => {
                block[0..2].copy_from_slice(&d);
                block[2..4].copy_from_slice(&f16_bytes(-0.01));
            }
            BlockFormat::Q8_0 | BlockFormat::Q5_0 => block[0..2].copy_from_slice(&d),
            BlockFormat::Q4_K => {
                block[0..2].copy_from_slice(&d);
                block[2..4].copy_from_slice(&d);
            }
            BlockFormat::Q6_K => block[208..210].copy_from_slice(&d),
        }
    }
    let Ok(matrix) = BlockMatrix::new(format, rows, cols, bytes) else { return 1 };
    let mut x: Vec<f32> = (0..t * cols).map(|_| (next(&mut seed) as f32 / u32::MAX as f32 - 0.5) * 4.0).collect();
    match kind {
        1 => x.iter_mut().step_by(32).for_each(|v| *v *= 1000.0),
        2 => x[t * cols / 2] = f32::NAN,
        _ => {}
    }
    CASE.with(|c| *c.borrow_mut() = Some(Case { matrix, x, t }));
    0
}

/// The kernel's products against an f64 reference made from the dequantized rows: the worst
/// |difference| over the largest |reference|; NaN where the inputs hold a NaN and the products
/// keep it (−1 if they lost it).
#[no_mangle]
pub extern "C" fn check() -> f64 {
    CASE.with(|c| {
        let c = c.borrow();
        let Some(c) = c.as_ref() else { return -2.0 };
        let got = c.matrix.matmul(&c.x, c.t);
        let (rows, cols) = (c.matrix.rows(), c.matrix.cols());
        if c.x.iter().any(|v| v.is_nan()) {
            return if got.iter().any(|v| v.is_nan()) { f64::NAN } else { -1.0 };
        }
        let (mut worst, mut largest) = (0f64, 0f64);
        for r in 0..rows {
            let w = c.matrix.row(r);
            for s in 0..c.t {
                let want: f64 = w.iter().zip(&c.x[s * cols..(s + 1) * cols]).map(|(a, b)| *a as f64 * *b as f64).sum();
                worst = worst.max((got[s * rows + r] as f64 - want).abs());
                largest = largest.max(want.abs());
            }
        }
        worst / largest
    })
}

/// `reps` products by the kernel (`plain` = 0) or the plain-Rust path (1); returns one output so
/// the work is not optimised away.
#[no_mangle]
pub extern "C" fn run(reps: u32, plain: u32) -> f32 {
    CASE.with(|c| {
        let c = c.borrow();
        let Some(c) = c.as_ref() else { return 0.0 };
        let mut sum = 0.0;
        for _ in 0..reps {
            sum += if plain == 1 { c.matrix.matmul_portable(&c.x, c.t)[0] } else { c.matrix.matmul(&c.x, c.t)[0] };
        }
        sum
    })
}
