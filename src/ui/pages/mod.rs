//! One module per page.

pub mod autoencoder;
pub mod benchmark;
pub mod classify;
pub mod contextual;
pub mod diagnostics;
pub mod gpt;
pub mod home;
pub mod icl;
pub mod masking;
pub mod multilingual;
pub mod offline;
pub mod pair;
pub mod qa;
pub mod tagging;
pub mod vision;
