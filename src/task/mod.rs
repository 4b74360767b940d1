//! Task logic: text in, model run, numbers out. Usable natively (tests, tools) and in the
//! browser (pages); nothing here touches the DOM. Each family's loaded form is `<family>.rs`
//! (`bert`, `qa`, `gpt`, `autoencoder`); the lecture's uses of a family and the view-models the
//! pages show (chips, sessions, results, tables) sit beside it, so a page is layout and wiring.

pub mod alignment;
pub mod anomaly;
pub mod autoencoder;
pub mod augment;
pub mod autoencoder_images;
pub mod benchmark;
pub mod bert;
pub mod bert_golden;
pub mod classify;
pub mod contextual;
pub mod device;
pub mod fill_mask;
pub mod geometry;
pub mod gpt;
pub mod gpt_generation;
pub mod gpt_golden;
pub mod icl;
pub mod icl_sizes;
pub mod linear_probe;
pub mod live_training;
pub mod masking;
pub mod multilingual;
pub mod pair;
pub mod picture_header;
pub mod qa;
pub mod qa_metrics;
pub mod qa_windows;
pub mod sampling;
pub mod seq2seq;
pub mod tagging;
pub mod vision;

pub use device::{on_device_fault, read_f32, yield_if_due, yield_now, yield_to_browser};
