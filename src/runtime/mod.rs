//! Browser runtime: picking the compute device (WebGPU or the CPU fallback), downloading
//! weights with progress into the Cache API, and the loaded models shared by all pages.

pub mod autoencoder;
pub mod bert;
pub mod compute;
pub mod fetch;
pub mod load;
pub mod gpt;
pub mod qa;
pub mod registry;
