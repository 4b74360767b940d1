//! Native pretraining (never built for the browser): corpora → examples → the training loop,
//! plus evaluation and export of shipped models. The model code is the same
//! [`crate::model::bert_pretraining`] the pages run.

pub mod autoencoder;
pub mod autoencoder_export;
pub mod autoencoder_images;
pub mod bert;
pub mod bert_examples;
pub mod bert_export;
pub mod corpus;
pub mod gpt;
pub mod gpt_export;
pub mod qa;
pub mod qa_export;
pub mod run;
