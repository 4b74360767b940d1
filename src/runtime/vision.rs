//! Loading the Vision Transformers into the browser: manifest → card (the models' shapes and
//! the probe figures, fetched once) → verified weights (Cache API, sha256) → model on the
//! chosen device. The registry ([`super::registry`]) keeps what was loaded.

use std::rc::Rc;

use super::compute::Compute;
use super::load::{family_card, family_file, now_ms, LoadStats, Stage};
use crate::assets::VIT;
use crate::task::vision::{LoadedVit, VisionCard};

/// The ViTs' card, fetched once.
pub async fn card() -> Result<Rc<VisionCard>, String> {
    family_card(VIT).await
}

/// ViT `file` (e.g. `mnist-masked.safetensors`) on `compute`'s device; `progress` sees the download.
pub async fn model(compute: &Compute, file: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedVit, LoadStats), String> {
    let card = card().await?;
    let config = card.models.iter().find(|m| m.file == file).map(|m| m.config.clone()).ok_or_else(|| format!("{VIT}'s card does not describe {file}"))?;
    let (bytes, mut stats) = family_file(VIT, file, progress).await?;
    progress(Stage::Build);
    crate::task::yield_to_browser().await;
    let t1 = now_ms();
    let m = LoadedVit::from_bytes(&config, &bytes, &compute.device)?;
    stats.build_ms = now_ms() - t1;
    Ok((m, stats))
}
