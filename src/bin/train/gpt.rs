//! GPT commands: the character GPT (`gpt`, `gpt-export`, `gpt-eval`) and SmolLM2's figures
//! (`icl-eval`, `gpt-bench`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use sesame::assets::GPT_ZH;
use sesame::model::{KvCache, LlamaConfig};
use sesame::task::gpt::LoadedGpt;
use sesame::train::gpt::GptRunConfig;
use sesame::train::run::Backend;

/// `gpt`: pretrains (or resumes, when `--out` has a `run.json`) the character GPT.
#[derive(Args)]
pub struct Train {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// Wall-clock budget of this session.
    #[arg(long, default_value_t = 600.0)]
    minutes: f64,
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// Hidden size.
    #[arg(long, default_value_t = 256)]
    hidden: usize,
    /// MLP width.
    #[arg(long, default_value_t = 704)]
    ffn: usize,
    /// Blocks.
    #[arg(long, default_value_t = 4)]
    layers: usize,
    /// Query heads.
    #[arg(long, default_value_t = 4)]
    heads: usize,
    /// Key/value heads (grouped-query attention).
    #[arg(long, default_value_t = 2)]
    kv_heads: usize,
    /// Position window in characters.
    #[arg(long, default_value_t = 128)]
    window: usize,
    /// Rotary embedding base.
    #[arg(long, default_value_t = 10000.0)]
    rope_theta: f64,
    /// Standard deviation of the initial weights.
    #[arg(long, default_value_t = 0.02)]
    init_std: f64,
    /// Traditional → simplified table.
    #[arg(long, default_value = "data/zh-t2s.tsv")]
    t2s: PathBuf,
    /// Poems read from each poetry file.
    #[arg(long, default_value_t = 20000)]
    poems: usize,
    /// Also read the extra Chinese text in this directory: People's Daily 1998 and the HSK
    /// sentences, fetched from pinned PyPI packages by scripts/fetch-zh-text.sh.
    #[arg(long)]
    more_text: Option<PathBuf>,
    /// Share of training windows cut from poetry.
    #[arg(long, default_value_t = 0.4)]
    poetry_share: f64,
    /// Least count of a character in the vocabulary.
    #[arg(long, default_value_t = 3)]
    min_count: usize,
    /// Optimiser steps.
    #[arg(long, default_value_t = 3000)]
    steps: usize,
    /// Windows per step.
    #[arg(long, default_value_t = 16)]
    batch: usize,
    /// Characters read per window.
    #[arg(long, default_value_t = 128)]
    seq: usize,
    /// Peak learning rate.
    #[arg(long, default_value_t = 2e-3)]
    lr: f64,
    /// Warm-up steps.
    #[arg(long, default_value_t = 100)]
    warmup: usize,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Steps between validations.
    #[arg(long, default_value_t = 250)]
    eval_every: usize,
    /// Held-out windows per source per validation.
    #[arg(long, default_value_t = 32)]
    eval_windows: usize,
    /// Steps between checkpoints.
    #[arg(long, default_value_t = 100)]
    ckpt_every: usize,
}

pub fn train(a: &Train) -> Result<(), String> {
    use sesame::train::gpt::train;
    if a.out.join("run.json").exists() {
        train(&a.out, None, a.minutes)?;
        return Ok(());
    }
    let mut model = LlamaConfig::new(0, a.hidden, a.ffn, a.layers, a.heads, a.kv_heads);
    model.max_position_embeddings = a.window;
    model.rope_theta = a.rope_theta;
    model.initializer_range = a.init_std;
    if a.seq > a.window {
        return Err(format!("--seq {} is longer than the model's window {}", a.seq, a.window));
    }
    let cfg = GptRunConfig {
        corpus: a.shared.join("data/corpus/zh"),
        t2s: Some(a.t2s.clone()),
        poems: a.poems,
        more_text: a.more_text.clone(),
        poetry_share: a.poetry_share,
        min_count: a.min_count,
        model,
        steps: a.steps,
        batch: a.batch,
        seq: a.seq,
        lr: a.lr,
        warmup: a.warmup,
        seed: a.seed,
        eval_every: a.eval_every,
        eval_windows: a.eval_windows,
        ckpt_every: a.ckpt_every,
        backend: Backend::Flex,
    };
    train(&a.out, Some(cfg), a.minutes)?;
    Ok(())
}

/// `gpt-export`: f16 weights, config, tokenizer, card, manifest entry.
#[derive(Args)]
pub struct Export {
    /// The run directory.
    #[arg(long)]
    out: PathBuf,
    /// The shipped model directory.
    #[arg(long, default_value = "assets/models/gpt-zh/v1")]
    to: PathBuf,
    /// The manifest to update.
    #[arg(long, default_value = "assets/models/manifest.json")]
    manifest: PathBuf,
}

pub fn export(a: &Export) -> Result<(), String> {
    let name = "Sesame GPT (Chinese characters): pretrained from scratch";
    sesame::train::gpt_export::export(&a.out, &a.to, GPT_ZH, name, &a.manifest)?;
    println!("wrote {} (card.json has the figures)", a.to.display());
    Ok(())
}

/// `gpt-eval`: a shipped character GPT's held-out figures and greedy continuations.
#[derive(Args)]
pub struct Eval {
    /// The shipped model directory.
    #[arg(long, default_value = "assets/models/gpt-zh/v1")]
    model: PathBuf,
    /// Measure on another shipped model's held-out split (its corpus, sources and poem count),
    /// e.g. `--split-of assets/models/gpt-zh/v1` to compare a version trained on more text
    /// with v1 on the same characters.
    #[arg(long)]
    split_of: Option<PathBuf>,
}

pub fn eval(a: &Eval) -> Result<(), String> {
    let (all, per, examples) = sesame::train::gpt_export::evaluate_shipped(&a.model, a.split_of.as_deref())?;
    println!("{:<20}{:>12}{:>10}{:>12}{:>8}", "source", "characters", "loss", "perplexity", "top-1");
    for (name, e) in per.iter().chain(std::iter::once(&("all".to_string(), all.clone()))) {
        println!("{name:<20}{:>12}{:>10.3}{:>12.1}{:>7.1}%", e.tokens, e.loss, e.loss.exp(), 100.0 * e.top1);
    }
    for (p, c) in examples {
        println!("{p} → {c}");
    }
    Ok(())
}

/// SmolLM2's GGUF (scripts/prepare-assets.sh fetches it).
const SMOLLM2_GGUF: &str = "assets/models/smollm2-135m-instruct/v1/model.Q4_1.gguf";
/// Gemma 3 270M's GGUF (scripts/prepare-assets.sh fetches it).
const GEMMA3_GGUF: &str = "assets/models/gemma3-270m/v1/model.Q4_K_M.gguf";

/// The GGUF file of SmolLM2 (`--gguf`).
#[derive(Args)]
pub struct Gguf {
    /// The GGUF file (scripts/prepare-assets.sh fetches the pinned one).
    #[arg(long, default_value = SMOLLM2_GGUF)]
    gguf: PathBuf,
}

impl Gguf {
    /// The GPT on the CPU backend, with the file's size in bytes.
    fn load(&self) -> Result<(LoadedGpt, usize), String> {
        let path = &self.gguf;
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e} (scripts/prepare-assets.sh fetches it)", path.display()))?;
        let started = std::time::Instant::now();
        let gpt = LoadedGpt::from_gguf(&bytes, &burn::tensor::Device::flex())?;
        eprintln!("loaded {} ({} bytes; {}) in {:.1} s", path.display(), bytes.len(), gpt.storage, started.elapsed().as_secs_f64());
        Ok((gpt, bytes.len()))
    }
}

/// `icl-eval`: the in-context-learning accuracy table (task × examples in the prompt).
#[derive(Args)]
pub struct IclEval {
    #[command(flatten)]
    gguf: Gguf,
    /// A GPT Sesame trained, instead of the GGUF: its folder (config.json, tokenizer.json,
    /// model.safetensors), e.g. assets/models/gpt-zh/v1.
    #[arg(long)]
    model: Option<PathBuf>,
    /// The suite: en (8 English tasks) or zh (5 Chinese tasks).
    #[arg(long, default_value = "en")]
    suite: String,
    /// Task ids, comma-separated (default: the whole suite).
    #[arg(long, value_delimiter = ',')]
    tasks: Vec<String>,
    /// Numbers of examples, comma-separated (default 0,1,2,4,8).
    #[arg(long, value_delimiter = ',')]
    shots: Vec<usize>,
    /// Held-out queries per cell (at most 12).
    #[arg(long, default_value_t = 12)]
    limit: usize,
    /// Print every answer.
    #[arg(long, num_args = 0..=1, default_missing_value = "1", value_parser = crate::switch)]
    verbose: Option<bool>,
}

pub fn icl_eval(a: &IclEval) -> Result<(), String> {
    use sesame::task::icl::{suite, task, SHOTS};
    let gpt = match &a.model {
        Some(dir) => load_bundle_gpt(dir)?,
        None => a.gguf.load()?.0,
    };
    let shots: Vec<usize> = if a.shots.is_empty() { SHOTS.to_vec() } else { a.shots.clone() };
    let tasks: Vec<_> = if a.tasks.is_empty() { suite(&a.suite).iter().collect() } else { a.tasks.iter().map(|id| task(id.trim()).ok_or(format!("--tasks: no task {id:?}"))).collect::<Result<_, _>>()? };
    let started = std::time::Instant::now();
    suite_table(&gpt, &tasks, &shots, a.limit, a.verbose == Some(true))?;
    println!("({} held-out queries per cell, greedy decoding, {:.0} s; – : the prompt is longer than the model's window, no mean)", a.limit.min(12), started.elapsed().as_secs_f64());
    Ok(())
}

/// A GPT Sesame trained, from its folder, on the CPU backend.
fn load_bundle_gpt(dir: &std::path::Path) -> Result<LoadedGpt, String> {
    let bundle = sesame::model::Bundle::read(dir, "model.safetensors", std::path::Path::new("assets/models"))?;
    LoadedGpt::from_bundle(&bundle, &burn::tensor::Device::flex())
}

/// Grades `tasks` × `shots` (greedy, `limit` held-out queries a cell), printing the table as it
/// fills; returns each task's accuracies (%) and the means over the tasks (`None`: the prompts
/// are longer than the model's window).
fn suite_table(gpt: &LoadedGpt, tasks: &[&sesame::task::icl::IclTask], shots: &[usize], limit: usize, verbose: bool) -> Result<(Vec<Vec<Option<f64>>>, Vec<Option<f64>>), String> {
    use sesame::task::icl::{accuracy, evaluate};
    print!("{:<16}", "task \\ shots");
    for k in shots {
        print!("{k:>8}");
    }
    println!();
    let mut rows = Vec::new();
    for t in tasks {
        print!("{:<16}", t.id);
        let mut row = Vec::new();
        for &k in shots {
            // A prompt longer than the model's window (gpt-zh reads 128 tokens) is not measured.
            let longest = t.tests.iter().take(limit).map(|(q, _)| gpt.encode(&t.prompt(k, q)).map(|ids| ids.len())).max().transpose()?.unwrap_or(0);
            if longest + sesame::task::icl::MAX_ANSWER_TOKENS > gpt.max_context() {
                print!("{:>8}", "–");
                row.push(None);
                continue;
            }
            let results = sesame::block_on(evaluate(gpt, t, k, limit))?;
            let acc = accuracy(&results);
            row.push(Some(acc));
            print!("{acc:>7.1}%");
            std::io::stdout().flush().ok();
            if verbose {
                eprintln!("\n  {k}-shot: {}", results.iter().map(|r| format!("{}→{:?}{}", r.query, r.answer, if r.correct { "✓" } else { "✗" })).collect::<Vec<_>>().join("  "));
            }
        }
        println!();
        rows.push(row);
    }
    let means: Vec<Option<f64>> = (0..shots.len()).map(|i| rows.iter().map(|r| r[i]).sum::<Option<f64>>().map(|s| s / rows.len().max(1) as f64)).collect();
    print!("{:<16}", "mean");
    for m in &means {
        match m {
            Some(m) => print!("{m:>7.1}%"),
            None => print!("{:>8}", "–"),
        }
    }
    println!();
    Ok((rows, means))
}

/// `icl-sizes`: the lecture's chart of in-context accuracy against model size — every GPT on
/// every suite it can read (gpt-zh: Chinese only), written as the table the ICL page draws.
#[derive(Args)]
pub struct IclSizes {
    /// Where the table goes.
    #[arg(long, default_value = "assets/icl/accuracy-by-size.json")]
    out: PathBuf,
    /// Held-out queries per cell (at most 12).
    #[arg(long, default_value_t = 12)]
    limit: usize,
}

pub fn icl_sizes(a: &IclSizes) -> Result<(), String> {
    use sesame::assets::{GEMMA3, SMOLLM2};
    use sesame::task::icl::{suite, SHOTS};
    use sesame::task::icl_sizes::{SizeRow, SizeTable};
    let models: [(&str, &str, &[&str]); 3] = [(GPT_ZH, "Sesame gpt-zh", &["zh"]), (SMOLLM2, "SmolLM2-135M", &["en", "zh"]), (GEMMA3, "Gemma 3 270M", &["en", "zh"])];
    let mut rows = Vec::new();
    for (id, name, suites) in models {
        let gpt = match id {
            GPT_ZH => load_bundle_gpt(std::path::Path::new("assets/models/gpt-zh/v1"))?,
            SMOLLM2 => Gguf { gguf: SMOLLM2_GGUF.into() }.load()?.0,
            _ => Gguf { gguf: GEMMA3_GGUF.into() }.load()?.0,
        };
        for &language in suites {
            println!("\n{name} ({:.1} M parameters), {language} suite:", gpt.config.parameters() as f64 / 1e6);
            let started = std::time::Instant::now();
            let tasks: Vec<_> = suite(language).iter().collect();
            let (per_task, mean) = suite_table(&gpt, &tasks, &SHOTS, a.limit, false)?;
            rows.push(SizeRow {
                model: id.to_string(),
                name: name.to_string(),
                parameters: gpt.config.parameters(),
                suite: language.to_string(),
                mean,
                tasks: tasks.iter().map(|t| t.id.to_string()).zip(per_task).collect(),
                seconds: started.elapsed().as_secs_f64(),
            });
        }
    }
    let table = SizeTable { shots: SHOTS.to_vec(), queries: a.limit.min(12), command: format!("cargo run --release --bin sesame-train -- icl-sizes --limit {}", a.limit), rows };
    if let Some(dir) = a.out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(&a.out, serde_json::to_string_pretty(&table).map_err(|e| e.to_string())? + "\n").map_err(|e| format!("{}: {e}", a.out.display()))?;
    println!("\nwrote {}", a.out.display());
    Ok(())
}

/// `gpt-bench`: prompt and decode speed of GGUF GPTs on the native CPU backend, side by side in
/// one run (rounds alternate between the models, so they share the machine's state).
#[derive(Args)]
pub struct Bench {
    /// The GGUF files (repeat the flag; default: SmolLM2 and, where fetched, Gemma 3).
    #[arg(long = "gguf")]
    ggufs: Vec<PathBuf>,
    /// Prompt length in tokens.
    #[arg(long, default_value_t = 128)]
    prompt_tokens: usize,
    /// Tokens decoded after the prompt.
    #[arg(long, default_value_t = 32)]
    decode_tokens: usize,
    /// Measured rounds per model after one warm-up round (the best is reported).
    #[arg(long, default_value_t = 2)]
    rounds: usize,
}

/// One model's prompt and decode time (seconds) for `ids` then `decode` greedy tokens.
fn bench_round(gpt: &LoadedGpt, ids: &[u32], decode: usize) -> Result<(f64, f64), String> {
    let mut cache = KvCache::new();
    let t = std::time::Instant::now();
    let mut logits = sesame::block_on(gpt.next_logits(ids, &mut cache))?;
    let prefill = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    for _ in 0..decode {
        let next = (0..logits.len()).max_by(|&x, &y| logits[x].total_cmp(&logits[y])).unwrap_or(0) as u32;
        logits = sesame::block_on(gpt.next_logits(&[next], &mut cache))?;
    }
    Ok((prefill, t.elapsed().as_secs_f64()))
}

pub fn bench(a: &Bench) -> Result<(), String> {
    let mut paths = a.ggufs.clone();
    if paths.is_empty() {
        paths.push(PathBuf::from(SMOLLM2_GGUF));
        let gemma = PathBuf::from(GEMMA3_GGUF);
        if gemma.exists() {
            paths.push(gemma);
        }
    }
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(a.prompt_tokens);
    let mut models = Vec::new();
    for path in paths {
        let (gpt, file) = Gguf { gguf: path.clone() }.load()?;
        // Bytes held: f32 parameters on the device plus the quantized blocks kept on the host.
        let held = burn::module::Module::num_params(&gpt.model) as f64 * 4.0 + gpt.model.quant_bytes() as f64;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("{name}: held {:.1} MB ({} matrices kept quantized), from a {:.1} MB file ({:.2}×)", held / 1e6, gpt.model.quant_matrices(), file as f64 / 1e6, held / file.max(1) as f64);
        let ids: Vec<u32> = gpt.encode(&text)?.into_iter().take(a.prompt_tokens).collect();
        models.push((name, gpt, ids, f64::INFINITY, f64::INFINITY));
    }
    // Round 0 warms the caches and thread pools; the best of the others is reported.
    for round in 0..=a.rounds {
        for (_, gpt, ids, best_prefill, best_decode) in models.iter_mut() {
            let (prefill, decode) = bench_round(gpt, ids, a.decode_tokens)?;
            if round > 0 {
                *best_prefill = best_prefill.min(prefill);
                *best_decode = best_decode.min(decode);
            }
        }
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("native flex CPU ({threads} threads), best of {} rounds, {} prompt tokens, {} decoded:", a.rounds, a.prompt_tokens, a.decode_tokens);
    let first_decode = models.first().map(|m| a.decode_tokens as f64 / m.4).unwrap_or(1.0);
    for (name, _, ids, prefill, decode) in &models {
        let per_s = a.decode_tokens as f64 / decode;
        println!(
            "  {name:<32} prompt {:>7.1} tokens/s   decode {:>6.1} tokens/s ({:.1} ms a token, {:.2}× the first's speed)",
            ids.len() as f64 / prefill,
            per_s,
            1e3 * decode / a.decode_tokens as f64,
            per_s / first_decode
        );
    }
    Ok(())
}
