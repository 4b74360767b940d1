//! Model definitions. Each model is one file, named after its family (`bert.rs`,
//! `bert_pretraining.rs`, `qa.rs`, `gpt.rs`, `autoencoder.rs`, `vqvae.rs`, `vit.rs`) and written once for
//! every burn device; `weights.rs`, `gguf.rs` and `bundle.rs` read the files they load from.

pub mod autoencoder;
pub mod bert;
pub mod bert_pretraining;
pub mod blocks;
#[cfg(target_arch = "wasm32")]
mod block_kernels;
pub mod bundle;
pub mod classifier;
pub mod token_classifier;
pub mod device_blocks;
#[cfg(target_arch = "wasm32")]
pub mod device_matmul;
pub mod gguf;
pub mod gpt;
pub mod host_ops;
pub mod matmul;
pub mod pair_probe;
pub mod qa;
pub mod vit;
pub mod vqvae;
pub mod weights;

pub use bert::{BertConfig, BertModel, BertOutput, Keep};
pub use bundle::Bundle;
pub use gpt::{GptFamily, KvCache, Llama, LlamaConfig};
pub use weights::{TensorSource, WeightError, Weights};

use burn::tensor::Tensor;

/// `x · tableᵀ`: `x` `[M, H]` against every row of a `[V, H]` table (a tied output head) →
/// `[M, V]`. Computed as `(table · xᵀ)ᵀ` so the table is read as stored: the CPU backend would
/// otherwise copy its transpose (28 M values for SmolLM2) at every call, e.g. every decoded token.
pub(crate) fn times_rows_of(x: Tensor<2>, table: Tensor<2>) -> Tensor<2> {
    #[cfg(target_arch = "wasm32")]
    if let Some(routine) = device_matmul::routine_for(&x.device()) {
        return device_matmul::matmul_routine_nd(table, x.transpose(), routine).transpose(); // (see `matmul`)
    }
    table.matmul(x.transpose()).transpose()
}
