//! Browser runtime: picking the compute device (WebGPU or the CPU fallback), downloading
//! weights with progress into the Cache API, and the loaded models shared by all pages.

pub mod compute;
pub mod images;
pub mod fetch;
pub mod models;
pub mod gpt;
pub mod qa;
pub mod registry;
