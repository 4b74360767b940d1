//! Loading a GPT into the browser: manifest → sha256-checked file (a GGUF: SmolLM2's, Gemma 3's;
//! or a Sesame-trained safetensors GPT with its config and tokenizer) → model → a warm-up step.

use super::compute::Compute;
use super::load::{fetch_files, fetch_model_files, manifest_entry, now_ms, LoadStats, Stage};
use crate::model::KvCache;
use crate::task::gpt::LoadedGpt;
use crate::task::yield_to_browser;

/// Loads a GPT onto `compute`'s device.
pub async fn load_gpt(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedGpt, LoadStats), String> {
    let fetch_start = now_ms();
    progress(Stage::Manifest);
    let entry = manifest_entry(id).await?;
    // A GGUF model is its entry's one `.gguf` file (other files, such as a licence, stay unread).
    let gguf = entry.files.iter().find(|f| f.name.ends_with(".gguf")).map(|f| f.name.clone());
    let (gpt, bytes, from_cache, fetch_ms, build_ms) = if let Some(gguf) = gguf {
        let (mut files, from_cache, bytes) = fetch_files(&entry, &[gguf.as_str()], progress).await?;
        let fetch_ms = now_ms() - fetch_start;
        progress(Stage::Build);
        yield_to_browser().await;
        let build_start = now_ms();
        let file = files.remove(0);
        let gpt = LoadedGpt::from_gguf_pausing(&file, &compute.device, &|done, total| progress(Stage::Prepare { done, total })).await?;
        (gpt, bytes, from_cache, fetch_ms, now_ms() - build_start)
    } else {
        let files = fetch_model_files(id, "model.safetensors", progress).await?;
        let fetch_ms = now_ms() - fetch_start;
        progress(Stage::Build);
        yield_to_browser().await;
        let build_start = now_ms();
        let gpt = LoadedGpt::from_bundle(&files.bundle, &compute.device)?;
        (gpt, files.bytes, files.from_cache, fetch_ms, now_ms() - build_start)
    };
    progress(Stage::Shaders);
    yield_to_browser().await;
    let start = now_ms();
    // One prompt step and one cached step compile every shader generation uses.
    let mut cache = KvCache::new();
    let ids = gpt.encode("Hi")?;
    let logits = gpt.next_logits(&ids, &mut cache).await?;
    let next = (0..logits.len()).max_by(|&a, &b| logits[a].total_cmp(&logits[b])).unwrap_or(0) as u32;
    gpt.next_logits(&[next], &mut cache).await?;
    let warmup_ms = now_ms() - start;
    Ok((gpt, LoadStats { bytes, from_cache, fetch_ms, build_ms, warmup_ms, device_bytes: 0 }))
}
