//! Extractive QA: windows with a doc stride cover every document token, answers map to the
//! exact characters through the tokenizer's offsets (Chinese, English, mixed), SQuAD-format
//! files read with their answers re-found, and a tiny fine-tuning run lowers its loss, logs,
//! checkpoints and resumes (seconds on 2 cores). The shipped models' golden test is in
//! `tests/native/qa_golden.rs`.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::Device;
use sesame::model::qa::BertForQuestionAnswering;
use sesame::model::BertConfig;
use sesame::task::qa_windows::{answer_positions, best_spans, prepare, score_windows, QaInputError, QaSettings, WindowScores, MAX_DOCUMENT_CHARS};
use sesame::text::TextEncoder;
use sesame::train::qa::{batch_loss, features, read_squad, Feature};

fn tokenizer(lang: &str) -> TextEncoder {
    TextEncoder::from_json(&std::fs::read(format!("assets/models/bert-{lang}/v1/tokenizer.json")).unwrap()).unwrap()
}

/// A SQuAD-format file written by this test (text of its own, Chinese and English).
fn mini_squad(dir: &Path) -> PathBuf {
    let json = serde_json::json!({"data": [
        {"title": "a", "paragraphs": [{
            "context": "臺灣大學位於臺北市大安區，創立於1928年，前身是臺北帝國大學。校園裡的椰林大道很有名。",
            "qas": [
                {"id": "z1", "question": "臺灣大學創立於哪一年？", "answers": [{"text": "1928年", "answer_start": 16}]},
                {"id": "z2", "question": "臺灣大學的前身是什麼？", "answers": [{"text": "臺北帝國大學", "answer_start": 0}]}
            ]}]},
        {"title": "b", "paragraphs": [{
            "context": "The Eiffel Tower was completed in 1889 for the World's Fair in Paris. Gustave Eiffel's company built it.",
            "qas": [
                {"id": "e1", "question": "When was the Eiffel Tower completed?", "answers": [{"text": "1889", "answer_start": 34}]},
                {"id": "e2", "question": "Whose company built the tower?", "answers": [{"text": "Gustave Eiffel's", "answer_start": 70}]},
                {"id": "e3", "question": "Unanswerable in this text?", "answers": [{"text": "not in the text", "answer_start": 0}]}
            ]}]}
    ]});
    let path = dir.join("mini.json");
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    path
}

fn scalar(t: burn::tensor::Tensor<1>) -> f64 {
    t.into_data().convert::<f64>().try_to_vec::<f64>().unwrap()[0]
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sesame-qa-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn windows_cover_the_document_with_the_stride() {
    let enc = tokenizer("zh");
    let doc: String = "臺灣大學位於臺北市大安區，創立於1928年。".repeat(20);
    let s = QaSettings { max_len: 64, stride: 16, max_question: 16, max_answer: 30 };
    let p = prepare(&enc, "臺大在哪裡？", &doc, &s).unwrap();
    let n = p.doc_tokens();
    assert!(p.windows.len() > 3, "{} windows", p.windows.len());
    let mut covered = vec![false; n];
    for (i, w) in p.windows.iter().enumerate() {
        assert!(w.ids.len() <= 64);
        assert_eq!(w.ids.len(), w.doc_offset + w.doc_len + 1);
        assert_eq!(w.type_ids[w.doc_offset - 1], 0, "the question's [SEP] is segment 0");
        assert_eq!(w.type_ids[w.doc_offset], 1);
        for t in w.doc_start..w.doc_start + w.doc_len {
            covered[t] = true;
            assert_eq!(w.ids[w.doc_offset + t - w.doc_start], p.doc.ids[t + 1]);
        }
        if i + 1 < p.windows.len() {
            let next = &p.windows[i + 1];
            assert_eq!(w.doc_start + w.doc_len - next.doc_start, 16, "consecutive windows share `stride` tokens");
        }
    }
    assert!(covered.iter().all(|&c| c));
    assert_eq!(p.windows.last().unwrap().doc_start + p.windows.last().unwrap().doc_len, n);
}

#[test]
fn answers_map_to_exact_characters_in_chinese_english_and_mixed_text() {
    for (lang, doc, answer) in [
        ("zh", "臺灣大學位於臺北市大安區，創立於1928年。", "1928年"),
        ("en", "The Eiffel Tower was completed in 1889 for the World's Fair.", "World's Fair"),
        ("en", "Sesame runs BERT — on WebGPU — in your browser.", "WebGPU"),
        ("zh", "他在 NTU 讀 Computer Science，主修機器學習。", "Computer Science"),
    ] {
        let enc = tokenizer(lang);
        let p = prepare(&enc, "where?", doc, &QaSettings::for_window(128)).unwrap();
        let start = doc.find(answer).map(|b| doc[..b].chars().count()).unwrap();
        let end = start + answer.chars().count();
        let (first, last) = p.tokens_for_chars(start, end).unwrap();
        let chars: Vec<char> = doc.chars().collect();
        let (c0, c1) = (p.doc_span(first).0, p.doc_span(last).1);
        assert_eq!(chars[c0..c1].iter().collect::<String>(), answer, "{lang}: {doc}");
        // A window's target positions point back at the same tokens.
        let w = &p.windows[0];
        let (s, e) = answer_positions(w, first, last);
        assert_eq!((w.ids[s], w.ids[e]), (p.doc.ids[first + 1], p.doc.ids[last + 1]));
    }
}

#[test]
fn bad_input_gets_a_reason() {
    let enc = tokenizer("en");
    let s = QaSettings::for_window(384);
    assert_eq!(prepare(&enc, "  ", "text", &s).unwrap_err(), QaInputError::EmptyQuestion);
    assert_eq!(prepare(&enc, "why?", "\n", &s).unwrap_err(), QaInputError::EmptyDocument);
    let long = "a".repeat(MAX_DOCUMENT_CHARS + 1);
    assert!(matches!(prepare(&enc, "why?", &long, &s).unwrap_err(), QaInputError::DocumentTooLong { limit: MAX_DOCUMENT_CHARS, .. }));
    let q = "why ".repeat(200);
    assert!(matches!(prepare(&enc, &q, "text", &s).unwrap_err(), QaInputError::QuestionTooLong { limit: 64, .. }));
    // Odd characters are fine: emoji, control characters, right-to-left text.
    prepare(&enc, "what? 🤔", "Emoji 😀 and \u{7} bell and שלום all tokenize.", &s).unwrap();
}

#[test]
fn best_span_is_the_best_start_end_pair_across_windows() {
    let enc = tokenizer("en");
    let doc = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
    let s = QaSettings { max_len: 16, stride: 4, max_question: 8, max_answer: 3 };
    let p = prepare(&enc, "which?", doc, &s).unwrap();
    assert!(p.windows.len() >= 2);
    // Hand-made scores: in window 1, start at its 2nd document token, end at its 3rd.
    let scores: Vec<WindowScores> = p
        .windows
        .iter()
        .enumerate()
        .map(|(wi, w)| {
            let mut start = vec![0.0; w.ids.len()];
            let mut end = vec![0.0; w.ids.len()];
            if wi == 1 {
                start[w.doc_offset + 1] = 5.0;
                end[w.doc_offset + 2] = 4.0;
                end[w.doc_offset] = 9.0; // an end before the start is not a span
            }
            WindowScores { start, end }
        })
        .collect();
    let best = best_spans(&p, doc, &scores, 3, s.max_answer);
    let w = &p.windows[1];
    let t = w.doc_start + 1;
    assert_eq!(best[0].tokens, (t, t + 1));
    assert_eq!(best[0].window, 1);
    assert_eq!(best[0].score, 9.0);
    let words: Vec<&str> = doc.split(' ').collect();
    assert_eq!(best[0].text, format!("{} {}", words[t], words[t + 1]));
    assert!(best.windows(2).all(|x| x[0].score >= x[1].score));
}

#[test]
fn squad_files_read_and_become_features() {
    let dir = temp_dir("read");
    let questions = read_squad(&mini_squad(&dir)).unwrap();
    assert_eq!(questions.len(), 4, "the answer that is not in its context is dropped");
    // "Gustave Eiffel's" had a wrong answer_start: re-found by its text.
    let e2 = questions.iter().find(|q| q.id == "e2").unwrap();
    let chars: Vec<char> = e2.context.chars().collect();
    let (at, text) = &e2.answers[0];
    assert_eq!(chars[*at..at + text.chars().count()].iter().collect::<String>(), "Gustave Eiffel's");
    let zh: Vec<_> = questions.iter().filter(|q| q.article == 0).cloned().collect();
    let (feats, skipped) = features(&zh, &tokenizer("zh"), &QaSettings { max_len: 32, stride: 8, max_question: 16, max_answer: 30 }, 1, 3);
    assert_eq!(skipped, 0);
    let positives: Vec<&Feature> = feats.iter().filter(|f| f.start > 0).collect();
    assert!(positives.len() >= 2 && feats.len() > positives.len(), "{} features, {} positive", feats.len(), positives.len());
    assert!(feats.iter().all(|f| f.start <= f.end && f.end < f.ids.len()));
    let enc = tokenizer("zh");
    let answer: String = positives[0].ids[positives[0].start..=positives[0].end].iter().map(|&i| enc.token(i).unwrap().trim_start_matches("##").to_string()).collect();
    assert!(answer == "1928年" || answer == "臺北帝國大學", "{answer}");
}

#[test]
fn a_few_steps_lower_the_loss_and_the_model_answers() {
    let dir = temp_dir("steps");
    let questions = read_squad(&mini_squad(&dir)).unwrap();
    let enc = tokenizer("en");
    let en: Vec<_> = questions.into_iter().filter(|q| q.article == 1).collect();
    let settings = QaSettings { max_len: 64, stride: 16, max_question: 16, max_answer: 10 };
    let (feats, _) = features(&en, &enc, &settings, 0, 1);
    let batch: Vec<&Feature> = feats.iter().collect();
    let device = Device::flex().autodiff();
    device.seed(3);
    let config = BertConfig { max_position_embeddings: 64, hidden_dropout_prob: 0.0, attention_probs_dropout_prob: 0.0, ..BertConfig::new(enc.vocab_size(), 32, 1, 2, 64) };
    let mut model = BertForQuestionAnswering::init(&config, &device);
    let mut optim = sesame::train::run::optimizer();
    let first = scalar(batch_loss(&model, &batch, 0, &device));
    for _ in 0..60 {
        let loss = batch_loss(&model, &batch, 0, &device);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(3e-3, model, grads);
    }
    let last = scalar(batch_loss(&model, &batch, 0, &device));
    assert!(last < first * 0.3, "loss {first:.3} → {last:.3}");
    // The memorised answers come back as text through the same decoding the page uses.
    let model = model.valid();
    let inner = device.inner();
    for q in &en {
        let p = prepare(&enc, &q.question, &q.context, &settings).unwrap();
        let windows: Vec<_> = p.windows.iter().collect();
        let scores = sesame::block_on(score_windows(&model, &windows, 0, 8, &inner)).unwrap();
        let best = best_spans(&p, &q.context, &scores, 1, settings.max_answer);
        assert_eq!(best[0].text.to_lowercase(), q.answers[0].1.to_lowercase());
    }
}

#[test]
fn a_fine_tuning_run_logs_checkpoints_and_resumes() {
    use sesame::train::qa::{read_log, train, QaInit, QaRunConfig};
    let dir = temp_dir("run");
    let data = mini_squad(&dir);
    // A tiny "pretrained" model directory: config + tokenizer (random init reads only those).
    let model_dir = dir.join("models/tiny/v1");
    std::fs::create_dir_all(&model_dir).unwrap();
    let config = BertConfig { max_position_embeddings: 64, ..BertConfig::new(21128, 32, 1, 2, 64) };
    std::fs::write(model_dir.join("config.json"), serde_json::to_vec(&config).unwrap()).unwrap();
    std::fs::copy("assets/models/bert-zh/v1/tokenizer.json", model_dir.join("tokenizer.json")).unwrap();
    let cfg = QaRunConfig {
        language: "zh".into(),
        train: vec![data.clone()],
        valid: data,
        article_split: None,
        init: QaInit::Random(model_dir),
        settings: QaSettings { max_len: 64, stride: 16, max_question: 16, max_answer: 10 },
        negatives: 1,
        epochs: 8.0,
        batch: 2,
        lr: 1e-3,
        warmup: 0.1,
        freeze_word_embeddings: false,
        seed: 5,
        eval_every: 5,
        eval_questions: 4,
        ckpt_every: 4,
        backend: sesame::train::run::Backend::Flex,
    };
    let run = dir.join("run");
    let first = train(&run, Some(cfg), 0.0).unwrap();
    assert_eq!(first.step, 0, "0 minutes: no step, but a checkpoint");
    assert!(run.join("ckpt/model.safetensors").exists());
    let done = train(&run, None, 5.0).unwrap();
    assert!(done.step > 10, "{} steps", done.step);
    let log = read_log(&run);
    assert!(log.iter().filter(|l| l.valid.is_some()).count() >= 2);
    let losses: Vec<f64> = log.iter().filter_map(|l| l.train_loss).collect();
    assert!(losses.last().unwrap() < losses.first().unwrap(), "{losses:?}");
    // Finished: resuming does nothing more.
    assert_eq!(train(&run, None, 5.0).unwrap().step, done.step);
}

#[test]
fn the_mechanism_numbers_add_up_to_the_scores() {
    use sesame::numeric::dot;
    use sesame::task::qa::{answer, LoadedQa};
    let device = Device::flex();
    let tokenizer = tokenizer("en");
    let config = BertConfig { max_position_embeddings: 64, ..BertConfig::new(tokenizer.vocab_size(), 32, 1, 2, 64) };
    let model = BertForQuestionAnswering::init(&config, &device);
    let settings = QaSettings { max_len: 32, stride: 8, max_question: 8, max_answer: 5 };
    let m = LoadedQa { config, model, pad_id: 0, tokenizer, settings, device };
    let doc = "The Eiffel Tower was completed in 1889 for the World's Fair in Paris, and Gustave Eiffel's company built it.";
    let out = sesame::block_on(answer(&m, "When was it completed?", doc, 5)).unwrap();
    assert!(out.prepared.windows.len() > 1);
    let best = &out.candidates[0];
    let mech = out.mechanism.as_ref().unwrap();
    let w = &out.prepared.windows[best.window];
    let s = &out.scores[best.window];
    let a = w.doc_offset + best.tokens.0 - w.doc_start;
    let b = w.doc_offset + best.tokens.1 - w.doc_start;
    let start = dot(&mech.start_hidden, &mech.start_vector) + mech.start_bias;
    let end = dot(&mech.end_hidden, &mech.end_vector) + mech.end_bias;
    assert!((start - s.start[a]).abs() < 1e-4 && (end - s.end[b]).abs() < 1e-4, "{start} vs {}, {end} vs {}", s.start[a], s.end[b]);
    assert!((best.score - (start + end)).abs() < 1e-3);
    assert!(mech.top_starts.windows(2).all(|x| x[0].logit >= x[1].logit));
    let total: f32 = s.start_probs().iter().sum();
    assert!((total - 1.0).abs() < 1e-5);
    // Candidates never end before they start, nor run past max_answer tokens.
    assert!(out.candidates.iter().all(|c| c.tokens.0 <= c.tokens.1 && c.tokens.1 - c.tokens.0 < 5));
    // The drawn document: the pieces spell the document; the answer's tokens are marked; the
    // shown window's probabilities are the scores' softmax, and tokens outside it have none.
    use sesame::task::qa::DocPiece;
    let pieces = out.document_pieces(doc, best.window, best.chars);
    let spelled: String = pieces.iter().map(|p| match p { DocPiece::Gap { text, .. } | DocPiece::Token { text, .. } => text.as_str() }).collect();
    assert_eq!(spelled, doc);
    let marked: String = pieces.iter().filter_map(|p| match p { DocPiece::Token { text, in_answer: true, .. } | DocPiece::Gap { text, in_answer: true } => Some(text.as_str()), _ => None }).collect();
    assert_eq!(marked, best.text);
    let tokens: Vec<_> = pieces.iter().filter_map(|p| match p { DocPiece::Token { inside, probs, token, .. } if !token.is_empty() => Some((*inside, *probs)), _ => None }).collect();
    assert_eq!(tokens.len(), out.prepared.doc_tokens());
    let first_inside = w.doc_start;
    assert_eq!(tokens[first_inside], (true, (s.start_probs()[w.doc_offset], s.end_probs()[w.doc_offset])));
    assert!(tokens.iter().filter(|t| !t.0).all(|t| t.1 == (0.0, 0.0)));
    assert!(tokens.iter().any(|t| !t.0), "the document is longer than one window");
}
