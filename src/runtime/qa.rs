//! Loading the fine-tuned QA models (`qa-zh`, `qa-en`) and their preset questions into the
//! browser: manifest → sha256-checked files (with the pretrained base they lay over) → model
//! → a warm-up run.

use super::compute::Compute;
use super::load::{fetch_model_files, now_ms, LoadStats, Stage};
use crate::task::qa::{answer, LoadedQa};


/// A question from the validation set, shipped with the model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Preset {
    /// The question.
    pub question: String,
    /// Its document.
    pub document: String,
    /// The gold answers.
    pub answers: Vec<String>,
}

/// The preset questions of a model (`presets.json`, through the model cache).
pub async fn presets(id: &str) -> Result<Vec<Preset>, String> {
    super::load::presets(id).await
}

/// Loads a QA model onto `compute`'s device.
pub async fn load_qa(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedQa, LoadStats), String> {
    let fetch_start = now_ms();
    let files = fetch_model_files(id, "model.safetensors", progress).await?;
    let fetch_ms = now_ms() - fetch_start;
    progress(Stage::Build);
    crate::task::yield_to_browser().await;
    let build_start = now_ms();
    let m = LoadedQa::from_bundle(&files.bundle, &compute.device)?;
    let build_ms = now_ms() - build_start;
    progress(Stage::Shaders);
    crate::task::yield_to_browser().await;
    let start = now_ms();
    answer(&m, "?", "Sesame compiles its shaders.", 1).await.map_err(|e| format!("{e:?}"))?;
    let warmup_ms = now_ms() - start;
    Ok((m, LoadStats { bytes: files.bytes, from_cache: files.from_cache, fetch_ms, build_ms, warmup_ms, device_bytes: 0 }))
}
