//! The contextual-embeddings task on the shipped model: the lesson holds, batching is exact,
//! and bad input gets a clear problem instead of a crash.

use crate::common;

use sesame::block_on;
use sesame::task::contextual::{analyse, default_chinese, default_english, prepare, run, Problem, Sentence};
use sesame::task::bert_golden::check;

fn s(group: &str, text: &str) -> Sentence {
    Sentence { group: group.into(), text: text.into() }
}

#[test]
fn default_example_separates_the_two_senses_and_static_is_all_ones() {
    let bert = common::load(common::F16_DIR, "model.f16.safetensors");
    let (target, sentences) = default_english();
    let (prepared, problems) = prepare(bert.encoder(), &sentences, &target);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(prepared.len(), 10);
    let vectors = block_on(run(bert.encoder(), &prepared)).unwrap();
    assert_eq!(vectors.layers.len(), bert.config.num_hidden_layers + 2);
    let groups: Vec<String> = prepared.iter().map(|p| p.sentence.group.clone()).collect();
    let last = analyse(vectors.layers.last().unwrap(), &groups);
    let (same, cross) = (last.same_group.unwrap(), last.cross_group.unwrap());
    println!("last layer: same-sense {same:.3}, cross-sense {cross:.3}");
    assert!(same > cross + 0.05, "same {same} vs cross {cross}");
    // Nearest neighbour: each sentence's most similar other sentence uses the same sense.
    let nn_same = (0..10)
        .filter(|&i| {
            let nn = (0..10).filter(|&j| j != i).max_by(|&a, &b| last.matrix[i][a].total_cmp(&last.matrix[i][b])).unwrap();
            groups[nn] == groups[i]
        })
        .count();
    println!("nearest neighbour has the same sense for {nn_same}/10 sentences");
    assert_eq!(nn_same, 10);
    let stat = analyse(&vectors.layers[0], &groups);
    assert!(stat.matrix.iter().flatten().all(|&v| (v - 1.0).abs() < 1e-5), "static embeddings ignore context");
    assert_eq!(last.projection.points.len(), 10);
    // What the page shows: the same analysis per layer, groups by name, the target's tokens.
    let results = sesame::task::contextual::Results::new(&prepared, &vectors);
    assert_eq!(results.layers.last(), Some(&last));
    assert_eq!(results.group_names.len(), 2);
    assert_eq!(results.target.to_lowercase(), target.to_lowercase());
    assert!(!results.unknown_target);
    assert!(results.sentences.iter().all(|s| s.tokens.iter().any(|t| t.1)), "every sentence marks its target");
    assert_eq!(results.contrast_by_layer().last(), Some(&(Some(same), Some(cross))));
}

#[test]
fn batched_padded_run_equals_one_sentence_at_a_time() {
    let bert = common::load(common::F16_DIR, "model.f16.safetensors");
    let sentences = vec![s("a", "Apple."), s("b", "The apple fell from the tall old tree onto the wet grass.")];
    let (prepared, _) = prepare(bert.encoder(), &sentences, "apple");
    let batched = block_on(run(bert.encoder(), &prepared)).unwrap();
    for (row, p) in prepared.iter().enumerate() {
        let alone = block_on(run(bert.encoder(), std::slice::from_ref(p))).unwrap();
        for (layer, (b, a)) in batched.layers.iter().zip(&alone.layers).enumerate() {
            let diff = b[row].iter().zip(&a[0]).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
            assert!(diff < 1e-4, "layer {layer} row {row}: {diff}");
        }
    }
}

#[test]
fn bad_input_is_reported_not_fatal() {
    let bert = common::load(common::F16_DIR, "model.f16.safetensors");
    let long = "apple ".repeat(600);
    let sentences = vec![
        s("x", "I like apples and apple pie."),
        s("x", "No fruit here."),
        s("x", "   "),
        s("x", &long),
        s("y", "Odd \u{0000}\u{200b} characters 🍎 around an apple\u{0007}!"),
    ];
    let (prepared, problems) = prepare(bert.encoder(), &sentences, "apple");
    assert_eq!(prepared.iter().map(|p| p.index).collect::<Vec<_>>(), vec![0, 4]);
    assert!(problems.contains(&Problem::TargetMissing { index: 1 }));
    assert!(problems.iter().any(|p| matches!(p, Problem::TooLong { index: 3, window: 512, .. })));
    assert_eq!(problems.len(), 2, "{problems:?}");
    // The odd sentence still runs, and the target is the real word, not a [UNK].
    assert!(!prepared[1].target_unknown);
    block_on(run(bert.encoder(), &prepared)).unwrap();

    let (_, problems) = prepare(bert.encoder(), &sentences, "  ");
    assert!(problems.contains(&Problem::EmptyTarget));
    let (_, problems) = prepare(bert.encoder(), &[s("x", ""), s("y", " ")], "apple");
    assert_eq!(problems, vec![Problem::NoSentences]);
    assert!(block_on(run(bert.encoder(), &[])).unwrap().layers.is_empty());
}

#[test]
fn chinese_target_outside_the_vocabulary_is_flagged() {
    let bert = common::load(common::F16_DIR, "model.f16.safetensors");
    let (target, sentences) = default_chinese();
    let (prepared, problems) = prepare(bert.encoder(), &sentences, &target);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(prepared.iter().all(|p| p.target_unknown), "果 is not in MiniLM's English vocabulary");
    // Its character span is still exact: 果 is character 6 of 我喝了一杯苹果汁 (0-based).
    assert_eq!(prepared[0].target_chars, (6, 7));
}

#[test]
fn golden_check_reports_token_mismatch_instead_of_comparing_garbage() {
    let bert = common::load(common::F16_DIR, "model.f16.safetensors");
    let mut fixture = common::fixture();
    fixture.cases.truncate(1);
    fixture.cases[0].ids[1] += 1;
    let reports = block_on(check(&bert, &fixture)).unwrap();
    assert!(!reports[0].ids_match && reports[0].max_abs_diff.is_infinite());
}

#[test]
fn the_lectures_guo_example_on_bert_zh() {
    // The lecture's 5 + 5 sentences (果 in 苹果汁-like vs 苹果电脑-like use) on Sesame's own
    // Chinese BERT, whose vocabulary has 果 (MiniLM's has not: see the test above).
    let bundle = sesame::model::Bundle::read(std::path::Path::new(&crate::common::model_dir("bert-zh")), "model.safetensors", std::path::Path::new("assets/models")).unwrap();
    let bert = sesame::task::bert::LoadedPretraining::from_bundle(&bundle, &burn::tensor::Device::flex()).unwrap();
    let (target, sentences) = default_chinese();
    let (prepared, problems) = prepare(bert.encoder(), &sentences, &target);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(prepared.len(), 10);
    assert!(prepared.iter().all(|p| !p.target_unknown), "果 is in bert-zh's vocabulary");
    let vectors = block_on(run(bert.encoder(), &prepared)).unwrap();
    let results = sesame::task::contextual::Results::new(&prepared, &vectors);
    assert_eq!(results.layers.last().unwrap().matrix.len(), 10);
    for (k, (same, cross)) in results.contrast_by_layer().iter().enumerate() {
        println!("FIGURE bert-zh 果 layer {k}: same-sense {:.3}, cross-sense {:.3}", same.unwrap(), cross.unwrap());
    }
    let (same, cross) = results.contrast_by_layer().last().copied().unwrap();
    // Context moves the vectors apart from the static embedding (all 1.00 there).
    assert!(cross.unwrap() < 0.99 && same.unwrap() < 0.999);
}
