//! What every loader shares: the manifest, sha256-checked model files with one progress bar
//! ([`Stage`]), the [`Bundle`] of a shipped model, and what a load cost ([`LoadStats`]). The
//! family loaders ([`super::bert`], [`super::gpt`], [`super::qa`], [`super::autoencoder`]) build
//! on it; the registry ([`super::registry`]) decides when they run and keeps what they load.

use super::fetch::{fetch_text, fetch_verified_with, Source};
use crate::assets::{Manifest, ModelEntry};
use crate::model::Bundle;

/// What is happening while a model loads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// Reading the manifest.
    Manifest,
    /// Downloading (or reading from the cache) `done` of `total` bytes.
    Download { done: u64, total: u64 },
    /// Building the model on the device (uploading weights).
    Build,
    /// Checking the sha256 of `done` of `total` bytes (a stored copy, or a fresh download).
    Verify { done: u64, total: u64 },
    /// Decoding a quantized file block by block: `done` of `total` blocks.
    Prepare { done: usize, total: usize },
    /// First run: the GPU compiles its shaders.
    Shaders,
}

/// This release's model manifest.
pub async fn manifest() -> Result<Manifest, String> {
    serde_json::from_str(&fetch_text("assets/models/manifest.json").await?).map_err(|e| format!("the model manifest is malformed: {e}"))
}

/// The manifest entry of a model.
pub async fn manifest_entry(id: &str) -> Result<ModelEntry, String> {
    manifest().await?.require(id).cloned()
}

/// Fetches `names` of a model (cache or network, sha256-checked) with one progress bar over all.
pub(crate) async fn fetch_files(entry: &ModelEntry, names: &[&str], progress: &dyn Fn(Stage)) -> Result<(Vec<Vec<u8>>, bool, u64), String> {
    let total: u64 = names.iter().filter_map(|n| entry.file(n)).map(|f| f.bytes).sum();
    let mut done_before = 0u64;
    let mut all_cached = true;
    let mut files = Vec::new();
    for name in names {
        let file = entry.file(name).ok_or_else(|| format!("the manifest does not list {name}"))?;
        let base = done_before;
        let (bytes, source) = fetch_verified_with(&entry.path(name), file, &|d| progress(Stage::Download { done: base + d, total }), &|d| progress(Stage::Verify { done: base + d, total })).await?;
        all_cached &= source == Source::Cache;
        done_before += file.bytes;
        files.push(bytes);
    }
    Ok((files, all_cached, total))
}

thread_local! {
    /// Cards already read this session, by model id and the type they were read as.
    static CARDS: std::cell::RefCell<Vec<(String, std::any::TypeId, std::rc::Rc<dyn std::any::Any>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Model `id`'s `card.json` (through the manifest, so sha256-checked and cached for offline use),
/// read as `C` once per session.
pub async fn family_card<C: serde::de::DeserializeOwned + 'static>(id: &str) -> Result<std::rc::Rc<C>, String> {
    let kind = std::any::TypeId::of::<C>();
    let known = CARDS.with(|c| c.borrow().iter().find(|(i, k, _)| i == id && *k == kind).map(|(_, _, card)| card.clone()));
    if let Some(card) = known.and_then(|c| c.downcast::<C>().ok()) {
        return Ok(card);
    }
    let entry = manifest_entry(id).await?;
    let file = entry.file("card.json").ok_or_else(|| format!("{id} has no card.json in the manifest"))?;
    let (bytes, _) = super::fetch::fetch_verified(&entry.path("card.json"), file, &|_| {}).await?;
    let card: std::rc::Rc<C> = std::rc::Rc::new(serde_json::from_slice(&bytes).map_err(|e| format!("{id}'s card.json is malformed: {e}"))?);
    CARDS.with(|c| c.borrow_mut().push((id.to_string(), kind, card.clone())));
    Ok(card)
}

/// One file of model `id` (cache or network, sha256-checked) with the download and check on
/// `progress` → (bytes, its [`LoadStats`] without build time); the loaders of single-file models
/// (the image models, the ViTs, the demo images) share it.
pub async fn family_file(id: &str, file: &str, progress: &dyn Fn(Stage)) -> Result<(Vec<u8>, LoadStats), String> {
    progress(Stage::Manifest);
    let t0 = now_ms();
    let entry = manifest_entry(id).await?;
    let file_entry = entry.file(file).ok_or_else(|| format!("the manifest does not list {file}"))?;
    let total = file_entry.bytes;
    let (bytes, source) = fetch_verified_with(&entry.path(file), file_entry, &|done| progress(Stage::Download { done, total }), &|done| progress(Stage::Verify { done, total })).await?;
    let stats = LoadStats { bytes: total, from_cache: source == Source::Cache, fetch_ms: now_ms() - t0, build_ms: 0.0, warmup_ms: 0.0, device_bytes: 0 };
    Ok((bytes, stats))
}

/// A model's files fetched for the browser: the [`Bundle`] and what the fetch cost.
pub struct ModelFiles {
    /// Config, tokenizer, weights and (for a delta) the base weights it lies over.
    pub bundle: Bundle,
    /// Bytes of all of them.
    pub bytes: u64,
    /// Whether every file came from the cache.
    pub from_cache: bool,
}

/// A model's preset examples (`presets.json`, through the model cache), read as `T`.
pub async fn presets<T: serde::de::DeserializeOwned>(id: &str) -> Result<Vec<T>, String> {
    let entry = manifest_entry(id).await?;
    let file = entry.file("presets.json").ok_or("no presets")?;
    let (bytes, _) = super::fetch::fetch_verified(&entry.path("presets.json"), file, &|_| {}).await?;
    serde_json::from_slice(&bytes).map_err(|e| format!("presets.json: {e}"))
}

/// Fetches a model's config, tokenizer, weights file `weights` and, for a delta, the base it
/// lays over (manifest → sha256-checked files, one progress bar per file group; the base is
/// shared with other models through the Cache API).
pub async fn fetch_model_files(id: &str, weights: &str, progress: &dyn Fn(Stage)) -> Result<ModelFiles, String> {
    progress(Stage::Manifest);
    let manifest = manifest().await?;
    let entry = manifest.require(id)?;
    let (mut files, mut from_cache, mut bytes) = fetch_files(entry, &["config.json", "tokenizer.json", weights], progress).await?;
    // A delta's base may itself be a delta: follow the chain through each base's config.
    // Each base is the version the delta was trained on (`id/version/file`), which the manifest
    // keeps listed after a newer version of that model ships.
    let mut bases = Vec::new();
    let mut next = Bundle::base_path(&files[0]);
    while let Some(path) = next {
        if bases.len() == crate::model::bundle::MAX_BASES {
            return Err(format!("{id}: more than {} base models", crate::model::bundle::MAX_BASES));
        }
        let (base_entry, file_name) = manifest.base(&path).map_err(|e| format!("{id}: {e}"))?;
        let base_entry = base_entry.clone();
        let (mut f, cached, b) = fetch_files(&base_entry, &[file_name.as_str()], progress).await?;
        from_cache &= cached;
        bytes += b;
        bases.push(f.remove(0));
        next = match base_entry.file("config.json") {
            Some(_) => Bundle::base_path(&fetch_files(&base_entry, &["config.json"], &|_| {}).await?.0[0]),
            None => None,
        };
    }
    let weights = files.remove(2);
    let tokenizer = files.remove(1);
    let config = files.remove(0);
    Ok(ModelFiles { bundle: Bundle { config, tokenizer, weights, bases }, bytes, from_cache })
}

/// Statistics of a finished load, shown on the page and read by the browser tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadStats {
    /// Bytes of model files.
    pub bytes: u64,
    /// Whether every file came from the Cache API (no download).
    pub from_cache: bool,
    /// Milliseconds spent getting the files (cache or network) and checking their sha256.
    pub fetch_ms: f64,
    /// Milliseconds spent decoding the weights and putting them on the device.
    pub build_ms: f64,
    /// Milliseconds spent on the first (shader-compiling) run.
    pub warmup_ms: f64,
    /// Bytes the weights take on the device (set by the registry).
    pub device_bytes: u64,
}

/// Milliseconds since navigation started (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}
