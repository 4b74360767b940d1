//! Golden test of the shipped classifiers (the lecture's case 1): Sesame's
//! `BertForSequenceClassification` on the shipped f16 weights against HF transformers' on the
//! same weights (`tests/fixtures/<id>-golden.json`, written once by
//! `scripts/make_classify_golden.py`): the same token ids, the same class scores.

use std::path::Path;

use burn::tensor::Device;
use serde::Deserialize;
use sesame::model::Bundle;
use sesame::task::classify::{classify, ClassifyProblem, LoadedClassifier};

#[derive(Deserialize)]
struct Fixture {
    model: String,
    classes: Vec<String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    logits: Vec<f32>,
}

fn check(id: &str) {
    let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string(format!("tests/fixtures/{id}-golden.json")).unwrap()).unwrap();
    let bundle = Bundle::read(Path::new(&format!("assets/models/{}/v1", fixture.model)), "model.safetensors", Path::new("assets/models")).unwrap();
    let m = LoadedClassifier::from_bundle(&bundle, &Device::flex()).unwrap();
    assert_eq!(m.classes, fixture.classes);
    let mut worst = 0.0f32;
    for case in &fixture.cases {
        assert_eq!(m.tokenizer.encode(&case.text).unwrap().ids, case.ids, "{}: token ids", case.text);
        let out = sesame::block_on(classify(&m, &case.text, None)).unwrap();
        assert_eq!(out.cut, 0);
        assert!((out.probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        for (a, b) in out.logits.iter().zip(&case.logits) {
            worst = worst.max((a - b).abs());
        }
    }
    // Bad input gets a problem, not a panic; a long one is cut to the window.
    assert_eq!(sesame::block_on(classify(&m, "  ", None)), Err(ClassifyProblem::Empty));
    let long = sesame::block_on(classify(&m, &fixture.cases[0].text.repeat(40), None)).unwrap();
    assert_eq!(long.tokens.len(), m.max_len);
    assert!(long.cut > 0);
    eprintln!("{id}: max |Δlogit| {worst:.2e} over {} cases", fixture.cases.len());
    assert!(worst < 1e-4, "{id}: logits differ from HF by {worst}");
}

#[test]
fn sentiment_zh_matches_hf_transformers() {
    check("sentiment-zh");
}
