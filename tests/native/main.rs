//! Sesame's native tests, in one test binary: model golden files against HF transformers /
//! PyTorch, the task logic on the shipped weights, and short training runs.
//!
//! One binary instead of one per file: each test binary links the whole of burn, so ten of them
//! cost CI more time to link than to run. Run one part with a filter, e.g.
//! `cargo test --release --test native gpt_golden::`.

mod common;

mod ae_golden;
mod autoencoder;
mod classify_golden;
mod contextual;
mod golden_minilm;
mod gpt_golden;
mod linear_probe;
mod multilingual;
mod pretrained;
mod pretraining;
mod qa;
mod qa_golden;
mod shipped_files;
mod vit_golden;
