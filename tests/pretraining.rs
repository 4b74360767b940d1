//! Pretraining in miniature: a tiny BERT on a tiny corpus must learn (loss falls) and be
//! deterministic for a seed. Runs in CI time (a few seconds).

use burn::tensor::Device;
use sesame::model::pretraining::BertForPreTraining;
use sesame::model::BertConfig;
use sesame::task::masking::Rng;
use sesame::text::TextEncoder;
use sesame::train::examples::{collate, PairTask, Sampler, TokenizedSource, Vocab};
use sesame::train::run::{optimizer, train_step};

const TEXT: &str = "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。白日依山盡，黃河入海流。欲窮千里目，更上一層樓。\
春眠不覺曉，處處聞啼鳥。夜來風雨聲，花落知多少。紅豆生南國，春來發幾枝。願君多采擷，此物最相思。";

fn sources(tok: &TextEncoder) -> Vec<TokenizedSource> {
    let sentences: Vec<Vec<u32>> = sesame::train::corpus::sentences_zh(TEXT).iter().map(|s| tok.ids(s).unwrap()).collect();
    let docs: Vec<Vec<Vec<u32>>> = sentences.chunks(4).map(|c| c.to_vec()).collect();
    vec![TokenizedSource { name: "poems".into(), path: "inline".into(), weight: 1.0, train: docs.clone(), valid: docs }]
}

/// Trains a 1-block, 32-wide BERT for `steps` steps and returns the losses.
fn losses(steps: usize) -> Vec<f64> {
    let tok = TextEncoder::from_json(&std::fs::read("../shared/tokenizers/bert-base-chinese/tokenizer.json").or_else(|_| std::fs::read("assets/models/bert-zh/v1/tokenizer.json")).unwrap()).unwrap();
    let src = sources(&tok);
    let vocab = Vocab::from_tokenizer(&tok, 104).unwrap();
    let sampler = Sampler::new(&src, vocab, 32, PairTask::Sop, false);
    let mut config = BertConfig::new(tok.vocab_size(), 32, 1, 2, 64);
    config.max_position_embeddings = 32;
    config.hidden_dropout_prob = 0.0;
    config.attention_probs_dropout_prob = 0.0;
    let device = Device::flex().autodiff();
    device.seed(1);
    let mut model = BertForPreTraining::init(&config, &device);
    let mut optim = optimizer();
    let mut out = Vec::new();
    for step in 0..steps {
        let mut rng = Rng::new(100 + step as u64);
        let batch = collate(&(0..8).map(|_| sampler.example(&mut rng)).collect::<Vec<_>>(), sampler.pad());
        let (next, loss, _) = train_step(model, &batch, &device, 3e-3, &mut optim);
        model = next;
        out.push(loss);
    }
    out
}

/// One test, so no other test draws from burn's global random generator in between
/// (tests run on parallel threads).
#[test]
fn loss_falls_on_a_tiny_corpus_and_a_seed_gives_the_same_run() {
    let (a, b) = (losses(3), losses(3));
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-4, "{a:?} vs {b:?}");
    }
    let l = losses(60);
    let first = l[..5].iter().sum::<f64>() / 5.0;
    let last = l[l.len() - 5..].iter().sum::<f64>() / 5.0;
    println!("loss: first 5 steps {first:.3}, last 5 steps {last:.3}");
    assert!(first > 9.0, "a fresh model is near ln(V) ≈ 10: {first}");
    assert!(last < first - 3.0, "loss must fall: {first} → {last}");
}

