//! Loading the fine-tuned QA models (`qa-zh`, `qa-en`) and their preset questions into the
//! browser: manifest → sha256-checked files (with the pretrained base they lay over) → model
//! → a warm-up run.

use std::cell::RefCell;
use std::rc::Rc;

use super::compute::Compute;
use super::fetch::fetch_verified;
use super::models::{fetch_model_files, manifest_entry, now_ms, yield_to_browser, LoadStats, Stage};
use crate::task::qa_answer::{answer, LoadedQa};

/// Manifest id of the Chinese QA model (Sesame's BERT fine-tuned on DRCD + CMRC 2018).
pub const QA_ZH: &str = "qa-zh";
/// Manifest id of the English QA model (fine-tuned on SQuAD articles).
pub const QA_EN: &str = "qa-en";

thread_local! {
    static LOADED: RefCell<Vec<(String, Rc<LoadedQa>)>> = const { RefCell::new(Vec::new()) };
}

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

/// A QA model, if already loaded.
pub fn loaded_qa(id: &str) -> Option<Rc<LoadedQa>> {
    LOADED.with(|l| l.borrow().iter().find(|(i, _)| i == id).map(|(_, m)| m.clone()))
}

/// The preset questions of a model (`presets.json`, through the model cache).
pub async fn presets(id: &str) -> Result<Vec<Preset>, String> {
    let entry = manifest_entry(id).await?;
    let file = entry.file("presets.json").ok_or("no presets")?;
    let (bytes, _) = fetch_verified(&entry.path("presets.json"), file, &|_| {}).await?;
    serde_json::from_slice(&bytes).map_err(|e| format!("presets.json: {e}"))
}

/// Loads a QA model onto `compute`'s device.
pub async fn load_qa(compute: &Compute, id: &str, progress: &dyn Fn(Stage)) -> Result<(Rc<LoadedQa>, LoadStats), String> {
    let fetch_start = now_ms();
    let files = fetch_model_files(id, progress).await?;
    let fetch_ms = now_ms() - fetch_start;
    progress(Stage::Build);
    yield_to_browser().await;
    let build_start = now_ms();
    let m = LoadedQa::from_bytes(&files.config, &files.tokenizer, &files.weights, files.base.as_deref(), &compute.device)?;
    let build_ms = now_ms() - build_start;
    progress(Stage::Shaders);
    yield_to_browser().await;
    let start = now_ms();
    answer(&m, "?", "Sesame compiles its shaders.", 1).await.map_err(|e| format!("{e:?}"))?;
    let warmup_ms = now_ms() - start;
    let m = Rc::new(m);
    LOADED.with(|l| l.borrow_mut().push((id.to_string(), m.clone())));
    Ok((m, LoadStats { bytes: files.bytes, from_cache: files.from_cache, fetch_ms, build_ms, warmup_ms }))
}
