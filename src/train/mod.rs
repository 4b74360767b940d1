//! Native pretraining (never built for the browser): corpora → examples → the training loop,
//! plus evaluation and export of shipped models. The model code is the same
//! [`crate::model::pretraining`] the pages run.

pub mod ae_export;
pub mod autoencoder;
pub mod corpus;
pub mod examples;
pub mod export;
pub mod gpt;
pub mod gpt_export;
pub mod images;
pub mod qa;
pub mod qa_export;
pub mod run;
