//! Sesame's two-language BERT as shipped (assets/models/mbert/, the version the manifest lists): golden logits against HF
//! `BertForPreTraining`, blanks answered in the sentence's language, the language vector turning
//! predictions Chinese, and the page's batched alignment code against the native one-sentence path.

use burn::tensor::Device;
use sesame::assets::MBERT;
use sesame::block_on;
use sesame::model::Bundle;
use sesame::task::alignment::{GlossPair, HskRecord};
use sesame::task::bert::LoadedPretraining;
use sesame::task::bert_golden::{check_pretraining, PretrainingFixture};
use sesame::task::fill_mask;
use sesame::task::multilingual::{embed_pairs, own_language, shifted_predictions, Demo, Script};

/// HF and Sesame read the same f16 weights; only the arithmetic differs.
const TOLERANCE: f32 = 1e-3;
/// The shipped mbert: the version the manifest lists.
fn dir() -> String {
    crate::common::model_dir("mbert")
}

fn shipped() -> bool {
    let ok = std::path::Path::new(&format!("{}/model.safetensors", dir())).exists() && std::path::Path::new("tests/fixtures/mbert-golden.json").exists();
    if !ok {
        eprintln!("NOT RUN: mbert is not shipped yet ({})", dir());
    }
    ok
}

fn load() -> LoadedPretraining {
    let bundle = Bundle::read(std::path::Path::new(&dir()), "model.safetensors", std::path::Path::new("assets/models")).expect("the model's files");
    LoadedPretraining::from_bundle(&bundle, &Device::flex()).unwrap()
}

fn demo(m: &LoadedPretraining) -> (Demo, serde_json::Value) {
    let bytes = std::fs::read(format!("{}/demo.json", dir())).unwrap();
    (Demo::parse(&bytes, m.config.hidden_size).unwrap(), serde_json::from_slice(&bytes).unwrap())
}

#[test]
fn mbert_golden_logits_match_hf_bert_for_pretraining() {
    if !shipped() {
        return;
    }
    let m = load();
    let fixture: PretrainingFixture = serde_json::from_slice(&std::fs::read("tests/fixtures/mbert-golden.json").unwrap()).unwrap();
    for r in block_on(check_pretraining(&m, &fixture)).unwrap() {
        println!("{MBERT} {:?}: max |diff| = {:.3e}", r.text, r.max_abs_diff);
        assert!(r.ids_match, "tokenizer ids differ for {:?}", r.text);
        assert!(r.max_abs_diff <= TOLERANCE, "{:?}: {} > {TOLERANCE}", r.text, r.max_abs_diff);
    }
}

#[test]
fn mbert_answers_a_blank_in_the_language_it_is_given() {
    if !shipped() {
        return;
    }
    let m = load();
    for (text, own) in [("今天天气很[MASK]，我们去公园散步吧。", Script::Chinese), ("The weather is very [MASK] today, so we went to the park.", Script::Latin), ("我们明天去[MASK]京看朋友。", Script::Chinese), ("She opened the [MASK] and walked in.", Script::Latin)] {
        assert_eq!(Script::of_text(text), own);
        let p = fill_mask::prepare(&m, text, &[]).unwrap();
        let top: Vec<String> = block_on(fill_mask::run(&m, &p, 5)).unwrap()[0].top.iter().map(|t| t.0.clone()).collect();
        let (mine, total) = own_language(&top, own);
        println!("{text} → {top:?} ({mine}/{total} in its language)");
        assert!(total > 0 && mine * 5 >= total * 4, "{text}: {top:?}");
    }
    // No [MASK]: a problem, not a crash.
    assert!(matches!(fill_mask::prepare(&m, "No blank here.", &[]), Err(fill_mask::Problem::NothingCovered)));
}

#[test]
fn the_language_vector_turns_english_predictions_chinese() {
    if !shipped() {
        return;
    }
    let m = load();
    let (demo, _) = demo(&m);
    let v = demo.language_vector.expect("demo.json has the language vector").vector;
    let text = "The teacher is reading a book in the classroom.";
    let both = block_on(shifted_predictions(&m, text, &v, &[0.0, 2.0], 3)).unwrap();
    let chinese = |tokens: &[sesame::task::multilingual::Shifted]| tokens.iter().filter(|t| Script::of(&t.top[0].0) == Script::Chinese).count();
    let (plain, shifted) = (chinese(&both[0]), chinese(&both[1]));
    println!("Chinese top-1 predictions: {plain} at strength 0, {shifted} at strength 2");
    assert!(shifted > plain);
    assert!(block_on(shifted_predictions(&m, text, &v[1..], &[1.0], 3)).is_err(), "a vector of the wrong width is refused");
}

#[test]
fn the_pages_batched_alignment_equals_the_native_one_sentence_path() {
    if !shipped() {
        return;
    }
    let m = load();
    let (demo, raw) = demo(&m);
    let pairs = demo.pairs.expect("demo.json has the pairs").pairs;
    let embedded = block_on(embed_pairs(&m, &pairs, &|_, _| {})).unwrap();
    let page = embedded.mrr_per_layer();
    // The same pairs through mbert-align's code: one sentence at a time, no padding.
    let records: Vec<HskRecord> = pairs.iter().map(|p| HskRecord { chinese: p.chinese.clone(), english: p.english.clone(), words: Vec::new() }).collect();
    let gloss: Vec<GlossPair> = pairs.iter().enumerate().map(|(i, p)| GlossPair { zh: p.zh.clone(), en: p.en.clone(), record: i, zh_span: p.zh_span, en_span: p.en_span }).collect();
    let vectors = sesame::train::mbert_align::pair_vectors(&m.model.bert, &m.tokenizer, &records, &gloss, m.window(), &m.device).unwrap();
    let (native, candidates) = sesame::train::mbert_align::mrr_per_layer(&gloss, &vectors, false);
    println!("page MRR {page:.4?}, native {native:.4?} ({candidates} candidates)");
    assert_eq!(candidates, embedded.candidates.len());
    for (a, b) in page.iter().zip(&native) {
        assert!((a - b).abs() < 1e-3, "{page:?} vs {native:?}");
    }
    // …and the figure shipped beside the pairs for the browser to match is this one.
    let shipped: Vec<f64> = serde_json::from_value(raw["pairs"]["mrr"].clone()).unwrap();
    for (a, b) in page.iter().zip(&shipped) {
        assert!((a - b).abs() < 1e-6);
    }
}
