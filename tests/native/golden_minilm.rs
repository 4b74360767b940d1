//! Golden-file tests: Sesame's BERT vs HF transformers (PyTorch, f32) on all-MiniLM-L6-v2.
//! Fixture: tests/fixtures/minilm-golden.json, written by scripts/make_golden.py.

use crate::common;

use sesame::block_on;
use sesame::task::bert_golden::check;

/// f32 weights must reproduce PyTorch to this (the bound).
const F32_TOLERANCE: f32 = 1e-4;
/// The shipped f16 weights (computed in f32) stay within this (measured: 2.5e-3); the figure is printed.
const F16_TOLERANCE: f32 = 5e-3;

#[test]
fn tokenizer_matches_reference_ids_and_character_offsets() {
    let bert = common::load(common::F32_DIR, "model.safetensors");
    for case in common::fixture().cases {
        let enc = bert.tokenizer.encode(&case.text).unwrap();
        assert_eq!(enc.ids, case.ids, "ids of {:?}", case.text);
        for (i, (&ours, theirs)) in enc.char_spans.iter().zip(&case.offsets).enumerate() {
            if !enc.special[i] {
                assert_eq!(ours, *theirs, "offsets of token {i} ({}) in {:?}", enc.tokens[i], case.text);
            }
        }
    }
}

#[test]
fn f32_hidden_states_match_pytorch() {
    let bert = common::load(common::F32_DIR, "model.safetensors");
    let reports = block_on(check(&bert, &common::fixture())).unwrap();
    for r in &reports {
        println!("f32 {:?}: max |diff| = {:.3e}", r.text, r.max_abs_diff);
        assert!(r.ids_match, "{:?}", r.text);
        assert!(r.max_abs_diff <= F32_TOLERANCE, "{:?}: {} > {F32_TOLERANCE}", r.text, r.max_abs_diff);
    }
}

#[test]
fn shipped_f16_weights_stay_within_tolerance() {
    let bert = common::load(common::F16_DIR, "model.f16.safetensors");
    let reports = block_on(check(&bert, &common::fixture())).unwrap();
    for r in &reports {
        println!("f16 {:?}: max |diff| = {:.3e}", r.text, r.max_abs_diff);
        assert!(r.max_abs_diff <= F16_TOLERANCE, "{:?}: {} > {F16_TOLERANCE}", r.text, r.max_abs_diff);
    }
}
