//! Loading the image models and demo images into the browser: manifest → card → verified
//! weights (Cache API, sha256) → model on the chosen device, each loaded once per page.

use std::cell::RefCell;
use std::rc::Rc;

use super::compute::Compute;
use super::fetch::fetch_verified;
use super::models::{manifest_entry, yield_to_browser, Stage};
use crate::task::autoencoding::{AeCard, LoadedImageModel};
use crate::task::images::ImageSet;

/// Manifest id of the demo image subsets.
pub const DEMO_IMAGES: &str = "demo-images";

thread_local! {
    static MODELS: RefCell<Vec<(String, Rc<LoadedImageModel>)>> = const { RefCell::new(Vec::new()) };
    static CARDS: RefCell<Vec<(String, Rc<AeCard>)>> = const { RefCell::new(Vec::new()) };
    static SETS: RefCell<Vec<(String, Rc<ImageSet>)>> = const { RefCell::new(Vec::new()) };
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

/// Model `file` of family `id` on `compute`'s device, loaded once; `progress` sees the download.
pub async fn model(compute: &Compute, id: &str, file: &str, progress: &dyn Fn(Stage)) -> Result<Rc<LoadedImageModel>, String> {
    let key = format!("{id}/{file}");
    if let Some(m) = MODELS.with(|m| m.borrow().iter().find(|(k, _)| *k == key).map(|(_, m)| m.clone())) {
        return Ok(m);
    }
    progress(Stage::Manifest);
    let card = card(id).await?;
    let entry = manifest_entry(id).await?;
    let config = card.models.iter().find(|m| m.file == file).map(|m| m.config.clone()).ok_or_else(|| format!("{id}'s card does not describe {file}"))?;
    let file_entry = entry.file(file).ok_or_else(|| format!("the manifest does not list {file}"))?;
    let total = file_entry.bytes;
    let (bytes, _) = fetch_verified(&entry.path(file), file_entry, &|done| progress(Stage::Download { done, total })).await?;
    progress(Stage::Build);
    yield_to_browser().await;
    let m = Rc::new(LoadedImageModel::from_bytes(&config, &bytes, &compute.device)?);
    MODELS.with(|l| l.borrow_mut().push((key, m.clone())));
    Ok(m)
}

/// A demo image subset (`mnist-test`, `fashion-test`, `mnist-train`), loaded once.
pub async fn images(name: &str, progress: &dyn Fn(Stage)) -> Result<Rc<ImageSet>, String> {
    if let Some(s) = SETS.with(|s| s.borrow().iter().find(|(n, _)| n == name).map(|(_, s)| s.clone())) {
        return Ok(s);
    }
    let entry = manifest_entry(DEMO_IMAGES).await?;
    let file = format!("{name}.safetensors");
    let file_entry = entry.file(&file).ok_or_else(|| format!("the manifest does not list {file}"))?;
    let total = file_entry.bytes;
    let (bytes, _) = fetch_verified(&entry.path(&file), file_entry, &|done| progress(Stage::Download { done, total })).await?;
    let set = Rc::new(ImageSet::from_safetensors(&bytes)?);
    SETS.with(|s| s.borrow_mut().push((name.to_string(), set.clone())));
    Ok(set)
}
