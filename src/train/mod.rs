//! Native training (never built for the browser): one trainer and one exporter per model family
//! (`bert`, `qa`, `gpt`, `autoencoder`, `vit`), on the same model code the pages run. [`run`] is the
//! run-directory kit they all use (settings, log, checkpoints, AdamW); [`corpus`] reads the text
//! corpora that BERT and the GPT pretrain on.

pub mod autoencoder;
pub mod autoencoder_export;
pub mod autoencoder_images;
pub mod bert;
pub mod bert_examples;
pub mod bert_export;
pub mod classify;
pub mod classify_data;
pub mod classify_export;
pub mod corpus;
pub mod gpt;
pub mod gpt_export;
pub mod mbert_align;
pub mod mbert_eval;
pub mod mbert_language;
pub mod qa;
pub mod qa_export;
pub mod pair_heads;
pub mod qnli;
pub mod run;
pub mod tagging;
pub mod tagging_export;
pub mod vit_export;
pub mod vocab_train;
pub mod vocab_trim;
