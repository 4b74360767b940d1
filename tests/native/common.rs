//! Shared loading for the native model tests.

use sesame::model::Bundle;
use sesame::task::bert::LoadedBert;

/// Directory of the f32 original (written by `scripts/prepare-assets.sh`).
pub const F32_DIR: &str = ".cache/minilm-l6-v2";
/// Directory of the shipped f16 files.
pub const F16_DIR: &str = "assets/models/minilm-l6-v2/v1";

fn read(path: String) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}. Run scripts/prepare-assets.sh first (the test command does)."))
}

/// Loads MiniLM from `dir` (`weights` is the safetensors file name) onto the CPU backend.
pub fn load(dir: &str, weights: &str) -> LoadedBert {
    let device = burn::tensor::Device::flex();
    let bundle = Bundle { config: read(format!("{dir}/config.json")), tokenizer: read(format!("{dir}/tokenizer.json")), weights: read(format!("{dir}/{weights}")), bases: Vec::new() };
    LoadedBert::from_bundle(&bundle, &device).expect("MiniLM loads")
}

/// The golden fixture.
pub fn fixture() -> sesame::task::bert_golden::Fixture {
    serde_json::from_str(include_str!("../fixtures/minilm-golden.json")).expect("fixture parses")
}

/// The version of model `id` that the manifest lists (`v1` where it lists none): the one the pages
/// read, so the tests follow a model to its next version.
pub fn version(id: &str) -> String {
    let manifest: sesame::assets::Manifest = serde_json::from_slice(&read("assets/models/manifest.json".into())).expect("the manifest parses");
    manifest.model(id).map_or_else(|| "v1".to_string(), |m| m.version.clone())
}

/// `assets/models/ID/VERSION` of that version.
pub fn model_dir(id: &str) -> String {
    format!("assets/models/{id}/{}", version(id))
}
