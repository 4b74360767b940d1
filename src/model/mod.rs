//! Model definitions. Each model is one file, written once for every burn device.

pub mod autoencoder;
pub mod bert;
pub mod gguf;
pub mod llama;
pub mod vqvae;
pub mod pretraining;
pub mod qa;
pub mod weights;

pub use bert::{BertConfig, BertModel, BertOutput, Keep};
pub use llama::{KvCache, Llama, LlamaConfig};
pub use weights::{TensorSource, WeightError, Weights};
