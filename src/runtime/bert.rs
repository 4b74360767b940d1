//! Loading the BERT family into the browser: Sesame's pretrained BERTs (`bert-zh`, `bert-en`,
//! with their pretraining heads) and all-MiniLM-L6-v2 (the encoder only), each followed by a
//! warm-up run so the GPU compiles its shaders before the page's first result.

use super::compute::Compute;
use super::load::{fetch_model_files, now_ms, LoadStats, Stage};
use crate::model::Keep;
use crate::task::bert::{Batch, LoadedBert, LoadedPretraining};
use crate::task::pair::LoadedPairHeads;
use crate::task::{read_f32, yield_to_browser};


/// Loads one of Sesame's pretrained BERTs (`bert-zh`, `bert-en`) onto `compute`'s device,
/// like [`load_minilm`]: manifest → verified files → model → a warm-up run.
pub async fn load_pretraining(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedPretraining, LoadStats), String> {
    let fetch_start = now_ms();
    let files = fetch_model_files(id, "model.safetensors", progress).await?;
    let fetch_ms = now_ms() - fetch_start;
    progress(Stage::Build);
    yield_to_browser().await;
    let build_start = now_ms();
    let m = LoadedPretraining::from_bundle(&files.bundle, &compute.device)?;
    let (bytes, from_cache) = (files.bytes, files.from_cache);
    drop(files);
    let build_ms = now_ms() - build_start;
    progress(Stage::Shaders);
    yield_to_browser().await;
    let start = now_ms();
    let p = crate::task::fill_mask::prepare(&m, "[MASK] [MASK]", &[]).map_err(|e| format!("{e:?}"))?;
    crate::task::fill_mask::run(&m, &p, 5).await?;
    let warmup_ms = now_ms() - start;
    Ok((m, LoadStats { bytes, from_cache, fetch_ms, build_ms, warmup_ms, device_bytes: 0 }))
}

/// Loads the NSP and SOP heads of a pretrained BERT (`pair-heads-zh` / `pair-heads-en`): manifest →
/// sha256-checked `config.json` and `heads.safetensors` → two small heads on `compute`'s device.
/// They run on their BERT's output, so there is nothing to warm up on their own.
pub async fn load_pair_heads(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedPairHeads, LoadStats), String> {
    let fetch_start = now_ms();
    progress(Stage::Manifest);
    let manifest = super::load::manifest().await?;
    let (files, from_cache, bytes) = super::load::fetch_files(manifest.require(id)?, &["config.json", "heads.safetensors"], progress).await?;
    let fetch_ms = now_ms() - fetch_start;
    progress(Stage::Build);
    let build_start = now_ms();
    let heads = LoadedPairHeads::from_files(&files[0], &files[1], &compute.device)?;
    manifest.check_pair_heads_base(id, &heads.base)?;
    let build_ms = now_ms() - build_start;
    Ok((heads, LoadStats { bytes, from_cache, fetch_ms, build_ms, warmup_ms: 0.0, device_bytes: 0 }))
}

/// Loads a plain BERT encoder (all-MiniLM-L6-v2) onto `compute`'s device: manifest → files
/// (cache or network, sha256-checked) → model → one warm-up run that compiles the shaders.
pub async fn load_minilm(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(LoadedBert, LoadStats), String> {
    let fetch_start = now_ms();
    let files = fetch_model_files(id, "model.f16.safetensors", progress).await?;
    let (total, all_cached) = (files.bytes, files.from_cache);
    let fetch_ms = now_ms() - fetch_start;
    progress(Stage::Build);
    yield_to_browser().await;
    let build_start = now_ms();
    let bert = LoadedBert::from_bundle(&files.bundle, &compute.device)?;
    drop(files);
    let build_ms = now_ms() - build_start;
    progress(Stage::Shaders);
    yield_to_browser().await;
    let start = now_ms();
    let enc = bert.tokenizer.encode("Sesame compiles its shaders.")?;
    let (ids, types, mask) = Batch::single(&enc, bert.config.pad_token_id as u32).tensors(&bert.device);
    read_f32(bert.model.forward(ids, types, mask, Keep { hidden_states: true, attentions: false }).last_hidden).await?;
    let warmup_ms = now_ms() - start;
    Ok((bert, LoadStats { bytes: total, from_cache: all_cached, fetch_ms, build_ms, warmup_ms, device_bytes: 0 }))
}
