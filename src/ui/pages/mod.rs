//! One module per page.

pub mod contextual;
pub mod diagnostics;
pub mod gpt;
pub mod home;
pub mod icl;
pub mod masking;
pub mod offline;
pub mod pair;
pub mod qa;
pub mod ae_anomaly;
pub mod ae_codes;
pub mod ae_denoise;
pub mod ae_latent;
pub mod ae_recon;
pub mod ae_train;
