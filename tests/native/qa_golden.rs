//! Golden test of the shipped QA models: Sesame's windowing builds the same token ids as the
//! reference, and its start/end scores on the shipped f16 weights equal HF transformers'
//! `BertForQuestionAnswering` (PyTorch, f32, same weights; `scripts/make_qa_golden.py` →
//! `tests/fixtures/qa-*-golden.json`). Also checks each card against its files and the manifest.

use std::path::Path;

use burn::tensor::Device;
use sesame::assets::{QA_EN, QA_ZH};
use sesame::task::qa_windows::{prepare, score_windows, QaSettings};
use sesame::train::qa_export::load_shipped;

/// The QA models this build ships (those with a directory under assets/models).
fn shipped() -> Vec<&'static str> {
    [QA_ZH, QA_EN].into_iter().filter(|id| Path::new(&format!("{}/card.json", crate::common::model_dir(id))).exists()).collect()
}

#[test]
fn shipped_qa_models_match_pytorch() {
    let device = Device::flex();
    for id in shipped() {
        let dir = crate::common::model_dir(id);
        let fixture: serde_json::Value = serde_json::from_slice(&std::fs::read(format!("tests/fixtures/{id}-golden.json")).expect("every shipped QA model has a golden fixture")).unwrap();
        let (config, model, tokenizer) = load_shipped(Path::new(&dir), &device).unwrap();
        let config_json: serde_json::Value = serde_json::from_slice(&std::fs::read(format!("{dir}/config.json")).unwrap()).unwrap();
        let settings: QaSettings = serde_json::from_value(config_json["sesame_qa_settings"].clone()).unwrap();
        let mut worst = 0f32;
        for case in fixture["cases"].as_array().unwrap() {
            let (q, d) = (case["question"].as_str().unwrap(), case["document"].as_str().unwrap());
            let p = prepare(&tokenizer, q, d, &settings).unwrap();
            assert_eq!(p.windows.len(), 1, "{id}: golden cases fit one window");
            let ids: Vec<u64> = case["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
            let ours: Vec<u64> = p.windows[0].ids.iter().map(|&i| u64::from(i)).collect();
            assert_eq!(ours, ids, "{id}: same window ids as the reference tokenizer for {q}");
            let types: Vec<u64> = case["type_ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
            assert_eq!(p.windows[0].type_ids.iter().map(|&i| u64::from(i)).collect::<Vec<_>>(), types);
            let w: Vec<_> = p.windows.iter().collect();
            let s = sesame::block_on(score_windows(&model, &w, 0, 1, &device)).unwrap();
            for (ours, key) in [(&s[0].start, "start_logits"), (&s[0].end, "end_logits")] {
                let reference: Vec<f32> = case[key].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
                assert_eq!(ours.len(), reference.len());
                worst = ours.iter().zip(&reference).map(|(a, b)| (a - b).abs()).fold(worst, f32::max);
            }
        }
        println!("{id}: max |score - PyTorch| = {worst:.2e} over {} cases ({} layers)", fixture["cases"].as_array().unwrap().len(), config.num_hidden_layers);
        assert!(worst < 1e-3, "{id}: scores differ from PyTorch by {worst}");
    }
}

#[test]
fn qa_cards_match_their_files_and_the_manifest() {
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read("assets/models/manifest.json").unwrap()).unwrap();
    for id in shipped() {
        let dir = crate::common::model_dir(id);
        let card: serde_json::Value = serde_json::from_slice(&std::fs::read(format!("{dir}/card.json")).unwrap()).unwrap();
        let weights = std::fs::read(format!("{dir}/model.safetensors")).unwrap();
        assert_eq!(card["weights_bytes"].as_u64().unwrap() as usize, weights.len());
        assert_eq!(card["weights_sha256"].as_str().unwrap(), sesame::assets::sha256_hex(&weights));
        let entry = manifest["models"].as_array().unwrap().iter().find(|m| m["id"] == id).expect("in the manifest");
        for f in entry["files"].as_array().unwrap() {
            let bytes = std::fs::read(format!("{dir}/{}", f["name"].as_str().unwrap())).unwrap();
            assert_eq!(f["sha256"].as_str().unwrap(), sesame::assets::sha256_hex(&bytes), "{id}/{}", f["name"]);
        }
        // Both runs of the comparison, with their curves and figures.
        let runs = card["runs"].as_array().unwrap();
        assert_eq!(runs.iter().map(|r| r["init"].as_str().unwrap()).collect::<Vec<_>>(), ["pretrained", "random"]);
        assert_eq!(runs[0]["steps"], runs[1]["steps"], "the same budget");
        for r in runs {
            assert!(r["curve"].as_array().unwrap().len() > 10);
            assert!(r["valid"]["f1"].as_f64().unwrap() >= r["valid"]["em"].as_f64().unwrap());
        }
        let presets: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(format!("{dir}/presets.json")).unwrap()).unwrap();
        assert!(presets.len() >= 8);
    }
}
