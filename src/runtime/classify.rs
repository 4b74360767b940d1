//! Loading the fine-tuned classifiers (`sentiment-zh`, `qnli-zh`) and taggers (`pos-zh`) and
//! their preset examples into the browser: manifest → sha256-checked files (with the pretrained base they lay over) → model →
//! a warm-up run.

use super::compute::Compute;
use super::load::{fetch_model_files, now_ms, LoadStats, Stage};
use crate::task::classify::{classify, LoadedClassifier};
use crate::task::tagging::{tag, LoadedTagger};

/// A held-out example shipped with the model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Preset {
    /// The text.
    pub text: String,
    /// The second sentence, for a pair task.
    pub text_b: Option<String>,
    /// Its gold class.
    pub label: usize,
}

/// The preset examples of a model (`presets.json`, through the model cache).
pub async fn presets(id: &str) -> Result<Vec<Preset>, String> {
    super::load::presets(id).await
}

/// Loads a classifier onto `compute`'s device.
pub async fn load_classifier(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedClassifier, LoadStats), String> {
    let fetch_start = now_ms();
    let files = fetch_model_files(id, "model.safetensors", progress).await?;
    let fetch_ms = now_ms() - fetch_start;
    progress(Stage::Build);
    crate::task::yield_to_browser().await;
    let build_start = now_ms();
    let m = LoadedClassifier::from_bundle(&files.bundle, &compute.device)?;
    let build_ms = now_ms() - build_start;
    progress(Stage::Shaders);
    crate::task::yield_to_browser().await;
    let start = now_ms();
    classify(&m, "Sesame compiles its shaders.", None).await.map_err(|e| format!("{e:?}"))?;
    let warmup_ms = now_ms() - start;
    Ok((m, LoadStats { bytes: files.bytes, from_cache: files.from_cache, fetch_ms, build_ms, warmup_ms, device_bytes: 0 }))
}

/// A held-out sentence shipped with a tagger, with its gold words and tags.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaggedPreset {
    /// The sentence.
    pub text: String,
    /// `(word, tag)` as the corpus has them.
    pub words: Vec<(String, String)>,
}

/// Loads a tagger onto `compute`'s device.
pub async fn load_tagger(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedTagger, LoadStats), String> {
    let fetch_start = now_ms();
    let files = fetch_model_files(id, "model.safetensors", progress).await?;
    let fetch_ms = now_ms() - fetch_start;
    progress(Stage::Build);
    crate::task::yield_to_browser().await;
    let build_start = now_ms();
    let m = LoadedTagger::from_bundle(&files.bundle, &compute.device)?;
    let build_ms = now_ms() - build_start;
    progress(Stage::Shaders);
    crate::task::yield_to_browser().await;
    let start = now_ms();
    tag(&m, "Sesame compiles its shaders.").await.map_err(|e| format!("{e:?}"))?;
    let warmup_ms = now_ms() - start;
    Ok((m, LoadStats { bytes: files.bytes, from_cache: files.from_cache, fetch_ms, build_ms, warmup_ms, device_bytes: 0 }))
}
