//! Golden test of the shipped classifiers (the lecture's cases 1 and 3): Sesame's
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
    #[serde(default)]
    text_b: Option<String>,
    ids: Vec<u32>,
    logits: Vec<f32>,
}

fn check(id: &str) {
    let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string(format!("tests/fixtures/{id}-golden.json")).unwrap()).unwrap();
    let bundle = Bundle::read(Path::new(&crate::common::model_dir(&fixture.model)), "model.safetensors", Path::new("assets/models")).unwrap();
    let m = LoadedClassifier::from_bundle(&bundle, &Device::flex()).unwrap();
    assert_eq!(m.classes, fixture.classes);
    let mut worst = 0.0f32;
    for case in &fixture.cases {
        let enc = match &case.text_b {
            Some(b) => m.tokenizer.encode_pair(&case.text, b),
            None => m.tokenizer.encode(&case.text),
        };
        assert_eq!(enc.unwrap().ids, case.ids, "{}: token ids", case.text);
        let out = sesame::block_on(classify(&m, &case.text, case.text_b.as_deref())).unwrap();
        if case.text_b.is_some() {
            assert!(out.segments.contains(&1) && out.segments[0] == 0, "a pair has two segments");
        }
        assert_eq!(out.cut, 0);
        assert!((out.probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        for (a, b) in out.logits.iter().zip(&case.logits) {
            worst = worst.max((a - b).abs());
        }
    }
    // Bad input gets a problem, not a panic; a long one is cut to the window.
    assert_eq!(sesame::block_on(classify(&m, "  ", None)), Err(ClassifyProblem::Empty));
    assert_eq!(sesame::block_on(classify(&m, "问题", Some(" "))), Err(ClassifyProblem::Empty));
    let long = sesame::block_on(classify(&m, &fixture.cases[0].text.repeat(40), fixture.cases[0].text_b.as_deref())).unwrap();
    assert_eq!(long.tokens.len(), m.max_len);
    assert!(long.cut > 0);
    eprintln!("{id}: max |Δlogit| {worst:.2e} over {} cases", fixture.cases.len());
    assert!(worst < 1e-4, "{id}: logits differ from HF by {worst}");
}

#[test]
fn sentiment_zh_matches_hf_transformers() {
    check("sentiment-zh");
}

#[test]
fn sentiment_en_matches_hf_transformers() {
    check("sentiment-en");
}

#[test]
fn qnli_zh_matches_hf_transformers() {
    check("qnli-zh");
}

#[test]
fn qnli_en_matches_hf_transformers() {
    // A delta of the top blocks over bert-en, which lies over MiniLM: two bases deep.
    check("qnli-en");
}

/// The tagger's fixture: per case, one row of class scores per token (`[CLS]`, `[SEP]` included).
#[derive(Deserialize)]
struct TaggerFixture {
    model: String,
    classes: Vec<String>,
    cases: Vec<TaggerCase>,
}

#[derive(Deserialize)]
struct TaggerCase {
    text: String,
    ids: Vec<u32>,
    logits: Vec<Vec<f32>>,
}

/// Every token's class scores of a shipped tagger equal HF transformers' on its fixture; the
/// words found cover the sentence; bad input gets its error; a long text is cut.
fn check_tagger(id: &str) {
    use sesame::task::tagging::{tag, words, LoadedTagger, TagProblem};
    let fixture: TaggerFixture = serde_json::from_str(&std::fs::read_to_string(format!("tests/fixtures/{id}-golden.json")).unwrap()).unwrap();
    let bundle = Bundle::read(Path::new(&crate::common::model_dir(&fixture.model)), "model.safetensors", Path::new("assets/models")).unwrap();
    let m = LoadedTagger::from_bundle(&bundle, &Device::flex()).unwrap();
    assert_eq!(m.classes, fixture.classes);
    let mut worst = 0.0f32;
    for case in &fixture.cases {
        assert_eq!(m.tokenizer.encode(&case.text).unwrap().ids, case.ids, "{}: token ids", case.text);
        let out = sesame::block_on(tag(&m, &case.text)).unwrap();
        // Every token but [CLS] and [SEP], in order, covering every character but spaces.
        assert_eq!(out.tokens.len(), case.ids.len() - 2);
        assert_eq!(out.tokens.iter().map(|t| t.text.as_str()).collect::<String>(), case.text.split_whitespace().collect::<String>());
        for (t, want) in out.tokens.iter().zip(&case.logits[1..]) {
            for (a, b) in t.logits.iter().zip(want) {
                worst = worst.max((a - b).abs());
            }
        }
        // The words cover the sentence, each starting where a tag (not I) was given.
        let found = words(&out.tokens, &m.classes);
        assert_eq!(found.first().map(|w| w.0), Some(0));
        assert_eq!(found.last().map(|w| w.1), Some(out.tokens.len()));
    }
    assert_eq!(sesame::block_on(tag(&m, " ")), Err(TagProblem::Empty));
    let long = sesame::block_on(tag(&m, &fixture.cases[0].text.repeat(60))).unwrap();
    assert_eq!(long.tokens.len(), m.max_len - 2);
    assert!(long.cut > 0);
    eprintln!("{id}: max |Δlogit| {worst:.2e} over {} cases", fixture.cases.len());
    assert!(worst < 1e-4, "{id}: logits differ from HF by {worst}");
}

#[test]
fn pos_zh_matches_hf_transformers() {
    check_tagger("pos-zh");
}

#[test]
fn pos_en_matches_hf_transformers() {
    check_tagger("pos-en");
}
