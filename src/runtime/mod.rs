//! Browser runtime: picking the compute device (WebGPU or the CPU fallback, [`compute`]),
//! downloading weights with progress into the Cache API ([`fetch`]), the one model registry
//! ([`registry`]) and the loaders it calls: [`load`] holds what they share, then one per family.

pub mod autoencoder;
pub mod bert;
pub mod classify;
pub mod compute;
pub mod fetch;
pub mod load;
pub mod gpt;
pub mod qa;
pub mod registry;
pub mod vision;
