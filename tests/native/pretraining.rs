//! Pretraining in miniature: a tiny BERT on a tiny corpus must learn (loss falls) and be
//! deterministic for a seed, and must learn to use context (counting sequences). Runs in CI
//! time (about 15 s).

use burn::tensor::Device;
use sesame::model::bert_pretraining::BertForPreTraining;
use sesame::model::BertConfig;
use sesame::rng::Rng;
use sesame::text::TextEncoder;
use sesame::train::bert_examples::{collate, PairTask, Sampler, TokenizedSource, Vocab};
use sesame::train::bert::train_step;
use sesame::train::run::optimizer;

const TEXT: &str = "床前明月光，疑是地上霜。舉頭望明月，低頭思故鄉。白日依山盡，黃河入海流。欲窮千里目，更上一層樓。\
春眠不覺曉，處處聞啼鳥。夜來風雨聲，花落知多少。紅豆生南國，春來發幾枝。願君多采擷，此物最相思。";

fn sources(tok: &TextEncoder) -> Vec<TokenizedSource> {
    let sentences: Vec<Vec<u32>> = sesame::train::corpus::sentences_zh(TEXT).iter().map(|s| tok.ids(s).unwrap()).collect();
    let docs: Vec<Vec<Vec<u32>>> = sentences.chunks(4).map(|c| c.to_vec()).collect();
    vec![TokenizedSource { name: "poems".into(), path: "inline".into(), weight: 1.0, train: docs.clone(), valid: docs }]
}

/// A BERT of `layers` blocks, `hidden` wide with 2 heads, a 32-token window and no dropout.
fn tiny_config(vocab: usize, hidden: usize, layers: usize, ffn: usize) -> BertConfig {
    let mut config = BertConfig::new(vocab, hidden, layers, 2, ffn);
    config.max_position_embeddings = 32;
    config.hidden_dropout_prob = 0.0;
    config.attention_probs_dropout_prob = 0.0;
    config
}

/// A fresh 1-block, 32-wide BERT (burn's generator seeded with 1).
fn fresh(vocab: usize) -> BertForPreTraining {
    let device = Device::flex().autodiff();
    device.seed(1);
    BertForPreTraining::init(&tiny_config(vocab, 32, 1, 64), &device)
}

/// Trains `model` for `steps` steps on batches drawn by Sesame's own seeded generator and returns
/// the losses. Nothing in a step draws from burn's global generator (no dropout), so a run
/// depends only on its start and its batches.
fn losses_from(mut model: BertForPreTraining, steps: usize) -> Vec<f64> {
    let tok = tokenizer();
    let src = sources(&tok);
    let vocab = Vocab::from_tokenizer(&tok, 104).unwrap();
    let sampler = Sampler::new(&src, vocab, 32, PairTask::Sop, false);
    let device = Device::flex().autodiff();
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

fn tokenizer() -> TextEncoder {
    TextEncoder::from_json(&std::fs::read("../shared/tokenizers/bert-base-chinese/tokenizer.json").or_else(|_| std::fs::read("assets/models/bert-zh/v1/tokenizer.json")).unwrap()).unwrap()
}

/// Trains a fresh model for `steps` steps and returns the losses.
fn losses(steps: usize) -> Vec<f64> {
    losses_from(fresh(tokenizer().vocab_size()), steps)
}

/// The same start and the same batches give the same run. Both runs start from one model (a
/// clone): burn's generator is global and other tests, on parallel threads, draw from it between
/// two seeded inits (this test failed so once the GPT tests got faster and ran beside it).
#[test]
fn loss_falls_on_a_tiny_corpus_and_a_seed_gives_the_same_run() {
    let start = fresh(tokenizer().vocab_size());
    let (a, b) = (losses_from(start.clone(), 3), losses_from(start, 3));
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-4, "{a:?} vs {b:?}");
    }
    let l = losses(60);
    let first = l[..5].iter().sum::<f64>() / 5.0;
    let last = l[l.len() - 5..].iter().sum::<f64>() / 5.0;
    println!("loss: first 5 steps {first:.3}, last 5 steps {last:.3}");
    assert!(first > 9.0, "a fresh model is near ln(V) ≈ 10: {first}");
    assert!(last < first - 3.0, "loss must fall: {first} → {last}");

    // The same task in PyTorch/HF `BertForPreTraining` (same sizes, AdamW, warm-up, clipping)
    // reaches 77% top-1 after 1500 steps; Sesame's trainer reached 72% when this was written.
    let top1 = counting_top1(1500);
    println!("counting sequences: held-out top-1 {:.1}% after 1500 steps", 100.0 * top1);
    assert!(top1 > 0.5, "attention must carry context: top-1 {top1}");
}


/// Counting sequences `[CLS] s s+1 … [SEP] … [SEP]`: every masked token is fixed by its
/// neighbours, so a model whose attention works learns them; one that only learns token
/// frequencies stays near chance (1 / 150).
fn counting_batch(rng: &mut Rng, rows: usize) -> sesame::train::bert_examples::TrainBatch {
    use sesame::task::masking::{corrupt, MaskingRule};
    use sesame::train::bert_examples::Example;
    let examples: Vec<Example> = (0..rows)
        .map(|_| {
            let start = 110 + rng.below(150) as u32;
            let len = 12 + rng.below(12);
            let cut = 1 + rng.below(len - 1);
            let mut ids = vec![101];
            ids.extend((0..cut as u32).map(|i| start + i));
            ids.push(102);
            ids.extend((cut as u32..len as u32).map(|i| start + i));
            ids.push(102);
            let types = (0..ids.len()).map(|i| u32::from(i > cut + 1)).collect();
            let special: Vec<bool> = ids.iter().map(|&t| t == 101 || t == 102).collect();
            let c = corrupt(&ids, &special, 103, 110..300, MaskingRule::default(), rng);
            Example { input: c.input, types, targets: c.targets.iter().map(|&(p, id, _)| (p, id)).collect(), pair_label: 0 }
        })
        .collect();
    collate(&examples, 0)
}

/// Trains a 2-block, 64-wide BERT on counting sequences and returns held-out top-1 accuracy.
fn counting_top1(steps: usize) -> f64 {
    let config = tiny_config(300, 64, 2, 128);
    let device = Device::flex().autodiff();
    device.seed(2);
    let mut model = BertForPreTraining::init(&config, &device);
    let mut optim = optimizer();
    for step in 0..steps {
        let batch = counting_batch(&mut Rng::new(7 + step as u64), 16);
        let lr = 2e-3 * (step as f64 / 20.0).min(1.0);
        model = train_step(model, &batch, &device, lr, &mut optim).0;
    }
    let valid: Vec<_> = (0..4).map(|i| counting_batch(&mut Rng::new(1_000_000 + i), 16)).collect();
    sesame::train::bert::evaluate(&model, &valid, &device).top1
}

/// Knowledge masking (English): names are marked at tokenization (a capital letter not at the
/// start of a sentence or quotation; not "I"), and with a name share the sampler masks them
/// first, as whole words.
#[test]
fn names_are_marked_and_masked_first_as_whole_words() {
    use sesame::train::corpus::{Document, Source};
    use sesame::train::bert_examples::{name_marks, token_id, tokenize, ExampleMix, NAME};
    let tok = TextEncoder::from_json(&std::fs::read("assets/models/minilm-l6-v2/v1/tokenizer.json").unwrap()).unwrap();
    let text = "Yesterday I flew to Paris with Anna. She said: \"Rome is nicer.\"";
    let enc = tok.encode(text).unwrap();
    let named: Vec<&str> = enc.tokens.iter().zip(name_marks(text, &enc)).filter(|(_, n)| *n).map(|(t, _)| t.as_str()).collect();
    assert_eq!(named, ["paris", "anna"]);

    let sentences = ["The company moved from Manchester to Kuala Lumpur in the spring.", "Then it hired Esperanza Okonkwo as its chief engineer."];
    let doc = Document { sentences: sentences.iter().map(|s| s.to_string()).collect() };
    let source = Source { name: "t".into(), path: "t".into(), weight: 1.0, train: vec![doc.clone()], valid: vec![doc] };
    let src = tokenize(&[source], &tok, true).unwrap();
    let plain: Vec<u32> = src[0].train[0].iter().flatten().map(|&t| token_id(t)).collect();
    assert_eq!(plain, [tok.ids(sentences[0]).unwrap(), tok.ids(sentences[1]).unwrap()].concat(), "marks do not change the ids");
    let name_ids: Vec<u32> = src[0].train[0].iter().flatten().filter(|&&t| t & NAME != 0).map(|&t| token_id(t)).collect();
    assert_eq!(name_ids.len(), 5, "manchester kuala lumpur esperanza okonkwo: {name_ids:?}");

    let vocab = Vocab::from_tokenizer(&tok, 999).unwrap();
    let sampler = Sampler::new(&src, vocab.clone(), 64, PairTask::Sop, false);
    let (mut name_targets, mut targets) = (0usize, 0usize);
    for seed in 0..200 {
        let e = sampler.example_with(&mut Rng::new(seed), ExampleMix { names: 0.5, fragments: 0.0 });
        let covered: Vec<usize> = e.targets.iter().map(|t| t.0).collect();
        for &(p, id) in &e.targets {
            targets += 1;
            name_targets += usize::from(name_ids.contains(&id));
            // Whole words: a covered `##` piece's word start is covered too.
            if !vocab.starts_word(id) {
                assert!(covered.contains(&(p - 1)), "seed {seed}: piece at {p} without its word start");
            }
        }
    }
    let share = name_targets as f64 / targets as f64;
    assert!(share > 0.3, "names are {share:.2} of the masked tokens (about 5/30 of all tokens)");
    let plain_share = {
        let (mut n, mut t) = (0usize, 0usize);
        for seed in 0..200 {
            for &(_, id) in &sampler.example_with(&mut Rng::new(seed), ExampleMix::default()).targets {
                t += 1;
                n += usize::from(name_ids.contains(&id));
            }
        }
        n as f64 / t as f64
    };
    assert!(plain_share < 0.3 && share > 1.5 * plain_share, "BERT's rule {plain_share:.2} vs knowledge masking {share:.2}");
}

/// Fragments: a share of examples are `[CLS] 2-16 tokens [SEP]` cut anywhere (one segment,
/// pair label 0); the rest are sentence pairs as before.
#[test]
fn fragments_are_short_single_segments() {
    use sesame::train::bert_examples::ExampleMix;
    let tok = TextEncoder::from_json(&std::fs::read("../shared/tokenizers/bert-base-chinese/tokenizer.json").or_else(|_| std::fs::read("assets/models/bert-zh/v1/tokenizer.json")).unwrap()).unwrap();
    let src = sources(&tok);
    let sampler = Sampler::new(&src, Vocab::from_tokenizer(&tok, 104).unwrap(), 64, PairTask::Sop, false);
    let sep = tok.token_id("[SEP]").unwrap();
    let mut fragments = 0;
    for seed in 0..300 {
        let e = sampler.example_with(&mut Rng::new(seed), ExampleMix { names: 0.0, fragments: 0.3 });
        let seps = e.input.iter().filter(|&&t| t == sep).count() + e.targets.iter().filter(|t| t.1 == sep).count();
        if seps == 1 {
            fragments += 1;
            assert!((4..=18).contains(&e.input.len()), "{} tokens", e.input.len());
            assert!(e.types.iter().all(|&t| t == 0) && e.pair_label == 0 && !e.targets.is_empty());
        } else {
            assert_eq!(seps, 2);
        }
    }
    assert!((60..120).contains(&fragments), "{fragments} of 300");
    // Without fragments every example is a pair.
    for seed in 0..100 {
        let e = sampler.example_with(&mut Rng::new(seed), ExampleMix::default());
        assert_eq!(e.input.iter().filter(|&&t| t == sep).count() + e.targets.iter().filter(|t| t.1 == sep).count(), 2);
    }
}

/// mbert in miniature: a vocabulary trained on both languages reads each in its own script, and
/// the per-language evaluation scores each language on its own held-out batches, with the share
/// of top-5 predictions in the sentence's language between 0 and 1.
#[test]
fn a_two_language_vocabulary_and_per_language_figures() {
    use sesame::train::mbert_eval::{language_batches, per_language, scripts, Script};
    let en = "The moon is bright tonight. I think of home. The river runs into the sea. Spring rain falls at night.";
    let zh_sentences = sesame::train::corpus::sentences_zh(TEXT);
    let en_sentences = sesame::train::corpus::sentences_en(en);
    let all: Vec<&str> = zh_sentences.iter().chain(&en_sentences).map(String::as_str).collect();
    let json = sesame::train::vocab_train::train_wordpiece(all.iter().cycle().take(400).copied(), 200, 2, 1000).unwrap();
    let tok = TextEncoder::from_json(json.as_bytes()).unwrap();
    let doc = |s: &[String]| -> Vec<Vec<Vec<u32>>> { vec![s.iter().map(|x| tok.ids(x).unwrap()).collect()] };
    let src = |name: &str, d: Vec<Vec<Vec<u32>>>| TokenizedSource { name: name.into(), path: "inline".into(), weight: 0.5, train: d.clone(), valid: d };
    let sources = vec![src("zh:poems", doc(&zh_sentences)), src("en:lines", doc(&en_sentences))];
    let vocab = Vocab::from_tokenizer(&tok, sesame::train::vocab_train::FIRST_ORDINARY).unwrap();
    let data = sesame::train::bert::Data { sources, vocab, tokenizer: tok };
    let mut cfg: sesame::train::bert::BertRunConfig = serde_json::from_value(serde_json::json!({
        "language": "zh+en", "corpus": "c", "tokenizer": "t", "t2s": null, "poems": 0, "init": { "encoder": "e" },
        "steps": 1, "batch": 4, "seq": 32, "lr": 0.001, "warmup": 1, "pair": "sop", "freeze_layers": null, "seed": 1,
        "eval_every": 1, "eval_batches": 2, "ckpt_every": 1, "backend": "flex"
    })).unwrap();
    cfg.data_share = 1.0;
    assert_eq!(cfg.first_ordinary(), 5);
    let batches = language_batches(&data, &cfg, PairTask::Sop);
    assert_eq!(batches.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["zh", "en"]);
    let kinds = scripts(&data.tokenizer);
    assert!(kinds.contains(&Script::Chinese) && kinds.contains(&Script::Latin));
    let model = fresh(data.tokenizer.vocab_size());
    let figures = per_language(&model, &batches, &kinds, &Device::flex().autodiff());
    for f in &figures {
        assert!(f.targets > 0 && (0.0..=1.0).contains(&f.own_language_top5) && f.top1 <= f.top5, "{f:?}");
    }
    // The language vector and the alignment figure run on the same miniature (HSK-shaped pairs).
    let records = sesame::task::alignment::parse_hsk(r#"[{"chinese":"床前明月光。","translation":{"en":"The moon is bright tonight."},"tokens":[{"word":"明月","gloss_en":"moon"}]},
        {"chinese":"低頭思故鄉。","translation":{"en":"I think of home."},"tokens":[{"word":"思","gloss_en":"to think"},{"word":"故鄉","gloss_en":"home; hometown"}]}]"#.as_bytes()).unwrap();
    let zh: Vec<&str> = zh_sentences.iter().map(String::as_str).collect();
    let en: Vec<&str> = en_sentences.iter().map(String::as_str).collect();
    let device = Device::flex();
    let r = sesame::train::mbert_language::report(&model, &data.tokenizer, &zh, &en, &records, &[0.0, 1.0], 32, &device).unwrap();
    assert_eq!((r.pairs, r.rows.len()), (3, 2), "{r:?}");
    assert!(r.norm > 0.0 && r.rows.iter().all(|row| (0.0..=1.0).contains(&row.top5) && row.top1 <= row.top5));
    let a = sesame::train::mbert_align::report(&model.bert, &model.bert, &data.tokenizer, &records, 32, &device).unwrap();
    assert_eq!((a.pairs, a.candidates, a.mrr.len()), (3, 3, 2));
    assert_eq!(a.mrr, a.random_mrr, "the same weights give the same figure");
    assert!(a.mrr.iter().all(|m| *m > 0.0 && *m <= 1.0) && a.chance > 0.0);
}
