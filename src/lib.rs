//! Sesame: the self-supervised-learning lecture (BERT, GPT, auto-encoders) made runnable in a
//! web page, on the reader's GPU through WebGPU.
//!
//! - [`model`]: model definitions (one per file), written once for every burn device.
//! - [`text`]: tokenization and character offsets; [`rng`], [`numeric`]: the seedable random
//!   generator and the small host-side numerics every layer above uses.
//! - [`task`]: tokenize → run → post-process, natively and in the browser.
//! - `train` (native only): self-supervised pretraining, evaluation and export.
//! - [`assets`]: the shipped-weights manifest and its sha256 checks.
//! - `runtime`, `ui` (wasm only): device selection, downloads and cache, and the Leptos pages.

pub mod assets;
pub mod model;
pub mod numeric;
pub mod rng;
pub mod task;
pub mod text;

#[cfg(not(target_arch = "wasm32"))]
pub mod train;

#[cfg(target_arch = "wasm32")]
pub mod runtime;
pub mod ui;

/// Native helpers shared by tests and tools: block on a future whose work is synchronous
/// (the CPU backend's reads complete immediately).
#[cfg(not(target_arch = "wasm32"))]
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}
