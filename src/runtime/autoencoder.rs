//! Loading the image models and demo images into the browser: manifest → card → verified
//! weights (Cache API, sha256) → model on the chosen device. The registry
//! ([`super::registry`]) keeps what was loaded; the cards are kept by [`super::load::family_card`].

use std::rc::Rc;

use super::compute::Compute;
use super::load::{family_card, family_file, now_ms, LoadStats, Stage};
use crate::assets::DEMO_IMAGES;
use crate::task::autoencoder::{AeCard, LoadedImageModel};
use crate::task::autoencoder_images::ImageSet;

/// The card of a family (`ae-mnist`, `ae-oneclass`, ...), fetched once.
pub async fn card(id: &str) -> Result<Rc<AeCard>, String> {
    family_card(id).await
}

/// Model `file` of family `id` on `compute`'s device; `progress` sees the download.
pub async fn model(compute: &Compute, id: &str, file: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedImageModel, LoadStats), String> {
    let card = card(id).await?;
    let config = card.models.iter().find(|m| m.file == file).map(|m| m.config.clone()).ok_or_else(|| format!("{id}'s card does not describe {file}"))?;
    let (bytes, mut stats) = family_file(id, file, progress).await?;
    progress(Stage::Build);
    crate::task::yield_to_browser().await;
    let t1 = now_ms();
    let m = LoadedImageModel::from_bytes(&config, &bytes, &compute.device)?;
    stats.build_ms = now_ms() - t1;
    Ok((m, stats))
}

/// A demo image subset (`mnist-test`, `fashion-test`, `mnist-train`).
pub async fn images(name: &str, progress: &dyn Fn(Stage)) -> Result<(ImageSet, LoadStats), String> {
    let (bytes, stats) = family_file(DEMO_IMAGES, &format!("{name}.safetensors"), progress).await?;
    Ok((ImageSet::from_safetensors(&bytes)?, stats))
}
