//! Loading the Vision Transformers into the browser: manifest → card (the models' shapes and
//! the probe figures, fetched once) → verified weights (Cache API, sha256) → model on the
//! chosen device. The registry ([`super::registry`]) keeps what was loaded.

use std::cell::RefCell;
use std::rc::Rc;

use super::compute::Compute;
use super::fetch::{fetch_verified, fetch_verified_with};
use super::load::{manifest_entry, now_ms, LoadStats, Stage};
use crate::assets::VIT;
use crate::task::vision::{LoadedVit, VisionCard};

thread_local! {
    static CARD: RefCell<Option<Rc<VisionCard>>> = const { RefCell::new(None) };
}

/// The ViTs' card, fetched once.
pub async fn card() -> Result<Rc<VisionCard>, String> {
    if let Some(c) = CARD.with(|c| c.borrow().clone()) {
        return Ok(c);
    }
    let entry = manifest_entry(VIT).await?;
    let file = entry.file("card.json").ok_or_else(|| format!("{VIT} has no card.json in the manifest"))?;
    let (bytes, _) = fetch_verified(&entry.path("card.json"), file, &|_| {}).await?;
    let card: VisionCard = serde_json::from_slice(&bytes).map_err(|e| format!("{VIT}'s card.json is malformed: {e}"))?;
    let card = Rc::new(card);
    CARD.with(|c| *c.borrow_mut() = Some(card.clone()));
    Ok(card)
}

/// ViT `file` (e.g. `mnist-masked.safetensors`) on `compute`'s device; `progress` sees the download.
pub async fn model(compute: &Compute, file: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedVit, LoadStats), String> {
    progress(Stage::Manifest);
    let t0 = now_ms();
    let card = card().await?;
    let entry = manifest_entry(VIT).await?;
    let config = card.models.iter().find(|m| m.file == file).map(|m| m.config.clone()).ok_or_else(|| format!("{VIT}'s card does not describe {file}"))?;
    let file_entry = entry.file(file).ok_or_else(|| format!("the manifest does not list {file}"))?;
    let total = file_entry.bytes;
    let (bytes, source) = fetch_verified_with(&entry.path(file), file_entry, &|done| progress(Stage::Download { done, total }), &|done| progress(Stage::Verify { done, total })).await?;
    let fetch_ms = now_ms() - t0;
    progress(Stage::Build);
    crate::task::yield_to_browser().await;
    let t1 = now_ms();
    let m = LoadedVit::from_bytes(&config, &bytes, &compute.device)?;
    let stats = LoadStats { bytes: total, from_cache: source == super::fetch::Source::Cache, fetch_ms, build_ms: now_ms() - t1, warmup_ms: 0.0, device_bytes: 0 };
    Ok((m, stats))
}
