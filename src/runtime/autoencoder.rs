//! Loading the image models and demo images into the browser: manifest → card → verified
//! weights (Cache API, sha256) → model on the chosen device. The registry
//! ([`super::registry`]) keeps what was loaded; only the small cards are cached here.

use std::cell::RefCell;
use std::rc::Rc;

use super::compute::Compute;
use super::fetch::{fetch_verified, fetch_verified_with};
use crate::assets::DEMO_IMAGES;
use super::load::{manifest_entry, now_ms, LoadStats, Stage};
use crate::task::autoencoder::{AeCard, LoadedImageModel};
use crate::task::autoencoder_images::ImageSet;


thread_local! {
    static CARDS: RefCell<Vec<(String, Rc<AeCard>)>> = const { RefCell::new(Vec::new()) };
}

/// The card of a family (`ae-mnist`, `ae-oneclass`, ...), fetched once.
pub async fn card(id: &str) -> Result<Rc<AeCard>, String> {
    if let Some(c) = CARDS.with(|c| c.borrow().iter().find(|(i, _)| i == id).map(|(_, c)| c.clone())) {
        return Ok(c);
    }
    let entry = manifest_entry(id).await?;
    let file = entry.file("card.json").ok_or_else(|| format!("{id} has no card.json in the manifest"))?;
    let (bytes, _) = fetch_verified(&entry.path("card.json"), file, &|_| {}).await?;
    let card: AeCard = serde_json::from_slice(&bytes).map_err(|e| format!("{id}'s card.json is malformed: {e}"))?;
    let card = Rc::new(card);
    CARDS.with(|c| c.borrow_mut().push((id.to_string(), card.clone())));
    Ok(card)
}

/// Model `file` of family `id` on `compute`'s device; `progress` sees the download.
pub async fn model(compute: &Compute, id: &str, file: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedImageModel, LoadStats), String> {
    progress(Stage::Manifest);
    let t0 = now_ms();
    let card = card(id).await?;
    let entry = manifest_entry(id).await?;
    let config = card.models.iter().find(|m| m.file == file).map(|m| m.config.clone()).ok_or_else(|| format!("{id}'s card does not describe {file}"))?;
    let file_entry = entry.file(file).ok_or_else(|| format!("the manifest does not list {file}"))?;
    let total = file_entry.bytes;
    let (bytes, source) = fetch_verified_with(&entry.path(file), file_entry, &|done| progress(Stage::Download { done, total }), &|done| progress(Stage::Verify { done, total })).await?;
    let fetch_ms = now_ms() - t0;
    progress(Stage::Build);
    crate::task::yield_to_browser().await;
    let t1 = now_ms();
    let m = LoadedImageModel::from_bytes(&config, &bytes, &compute.device)?;
    let stats = LoadStats { bytes: total, from_cache: source == super::fetch::Source::Cache, fetch_ms, build_ms: now_ms() - t1, warmup_ms: 0.0, device_bytes: 0 };
    Ok((m, stats))
}

/// A demo image subset (`mnist-test`, `fashion-test`, `mnist-train`).
pub async fn images(name: &str, progress: &dyn Fn(Stage)) -> Result<(ImageSet, LoadStats), String> {
    progress(Stage::Manifest);
    let t0 = now_ms();
    let entry = manifest_entry(DEMO_IMAGES).await?;
    let file = format!("{name}.safetensors");
    let file_entry = entry.file(&file).ok_or_else(|| format!("the manifest does not list {file}"))?;
    let total = file_entry.bytes;
    let (bytes, source) = fetch_verified_with(&entry.path(&file), file_entry, &|done| progress(Stage::Download { done, total }), &|done| progress(Stage::Verify { done, total })).await?;
    let set = ImageSet::from_safetensors(&bytes)?;
    let stats = LoadStats { bytes: total, from_cache: source == super::fetch::Source::Cache, fetch_ms: now_ms() - t0, build_ms: 0.0, warmup_ms: 0.0, device_bytes: 0 };
    Ok((set, stats))
}
