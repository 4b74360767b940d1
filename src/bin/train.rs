//! `sesame-train`: Sesame's self-supervised pretraining, on the CPU.
//!
//! ```text
//! sesame-train zh   --out runs/bert-zh  [--minutes M] [--steps N] [--pair sop|nsp] [--backend flex|ndarray] ...
//! sesame-train en   --out runs/bert-en  [--minutes M] ...         (continued pretraining of all-MiniLM-L6-v2)
//! sesame-train resume --out DIR [--minutes M] [--steps N [--lr X] [--warmup W] [--freeze F] [--name-masking S]]
//!                                                                   (settings from DIR/run.json; --steps extends a finished run,
//!                                                                    --freeze changes what the new stretch trains: -1 all,
//!                                                                    --name-masking gives names share S of the masked tokens,
//!                                                                    whole words; 0 = BERT's rule; --fragments F makes a share F
//!                                                                    of examples a 2-16 token fragment cut anywhere)
//! sesame-train ae     --out DIR [--data mnist|fashion] [--bottleneck K] [--epochs E] [--noise S] [--salt P] [--vq CODES [--code-dim D]] [--normal C] [--minutes M]
//!                                                                   (an image auto-encoder or VQ-VAE; resumes when DIR has run.json)
//! sesame-train ae-export [--runs runs/ae] [--shared ../shared] [--models assets/models]
//!                                                                   (f16 weights, cards, manifest, demo images)
//! sesame-train ae-eval   [--shared ../shared] [--models assets/models]
//!                                                                   (every auto-encoder figure from the shipped weights)
//! sesame-train qa     --out DIR [--lang zh|en] [--init pretrained|random] [--epochs E] [--batch B] [--lr X] [--minutes M] ...
//!                                                                   (QA fine-tuning on DRCD+CMRC / SQuAD; resumes when DIR has run.json)
//! sesame-train qa-export --pretrained RUN --random RUN --to assets/models/qa-LANG/vN
//!                                                                   (f16 delta, config, tokenizer, card with both runs)
//! sesame-train qa-eval   --model assets/models/qa-LANG/vN [--limit N]  (EM/F1 of a shipped model on its validation set)
//! sesame-train gpt    --out DIR [--steps N] [--hidden H] [--layers L] [--minutes M] ...
//!                                                                   (a character GPT pretrained on the Chinese corpora;
//!                                                                    resumes when DIR has run.json)
//! sesame-train gpt-export --out RUN --to assets/models/gpt-zh/vN   (f16 weights, config, tokenizer, card, manifest)
//! sesame-train gpt-eval   --model assets/models/gpt-zh/vN           (held-out loss/accuracy, greedy continuations)
//! sesame-train icl-eval   [--tasks a,b] [--shots 0,1,2,4,8] [--limit N]  (SmolLM2's in-context-learning table)
//! sesame-train gpt-bench  [--prompt-tokens N] [--decode-tokens N]   (SmolLM2: parameters, memory, tokens/s)
//! sesame-train bench  zh|en [--steps N]                            (tokens/s of each CPU backend, same config)
//! sesame-train eval   --model DIR [--lang L] [--seq S] [--pair P]   (top-1/top-5 and pair accuracy on the held-out split;
//!                                                                    language, window and pair task default to the card's)
//! sesame-train dump   --out RUN_DIR --to FILE.jsonl [--from S] [--to-step E]  (a run's exact training batches, for a reference run)
//! sesame-train probe  --out RUN_DIR [--text "…[MASK]…|…"]         (top-5 fill-ins of the latest checkpoint)
//! sesame-train export --out RUN_DIR --to assets/models/NAME/vN [--base minilm-l6-v2/v1/model.f16.safetensors]
//!                                                                   (f16 weights, config, tokenizer, card; with --base
//!                                                                    only the trained tensors, laid over the base at load)
//! ```

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use sesame::assets::{AE_FASHION, AE_MNIST, AE_ONECLASS, GPT_ZH};
use sesame::model::BertConfig;
use sesame::train::bert::{self, BertRunConfig, Init};
use sesame::train::run::{self, Backend};

fn main() {
    if let Err(e) = real_main() {
        eprintln!("sesame-train: {e}");
        std::process::exit(1);
    }
}

fn flags(args: &[String]) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let key = a.strip_prefix("--").ok_or_else(|| format!("unexpected argument {a}"))?;
        let value = it.next().ok_or_else(|| format!("--{key} needs a value"))?;
        out.insert(key.to_string(), value.clone());
    }
    Ok(out)
}

fn get<T: std::str::FromStr>(f: &HashMap<String, String>, key: &str, default: T) -> Result<T, String> {
    match f.get(key) {
        Some(v) => v.parse().map_err(|_| format!("--{key}: cannot read {v:?}")),
        None => Ok(default),
    }
}

/// The default settings of each shipped model (see the model cards for why).
fn defaults(lang: &str, f: &HashMap<String, String>) -> Result<BertRunConfig, String> {
    let shared = PathBuf::from(get(f, "shared", "../shared".to_string())?);
    let backend = match get(f, "backend", "flex".to_string())?.as_str() {
        "flex" => Backend::Flex,
        "ndarray" => Backend::Ndarray,
        other => return Err(format!("unknown backend {other}")),
    };
    // What differs between the two models: data, starting point and default schedule.
    let (corpus, tokenizer, t2s, poems, init, freeze_layers, (steps, lr, warmup)) = match lang {
        "zh" => {
            let mut c = BertConfig::new(21128, get(f, "hidden", 256)?, get(f, "layers", 4)?, get(f, "heads", 4)?, get(f, "ffn", 1024)?);
            c.max_position_embeddings = get(f, "window", 128)?;
            c.hidden_dropout_prob = get(f, "dropout", 0.1)?;
            c.attention_probs_dropout_prob = c.hidden_dropout_prob;
            c.initializer_range = get(f, "init-std", c.initializer_range)?;
            (
                shared.join("data/corpus/zh"),
                shared.join("tokenizers/bert-base-chinese/tokenizer.json"),
                Some(PathBuf::from(get(f, "t2s", "data/zh-t2s.tsv".to_string())?)),
                get(f, "poems", 20000)?,
                Init::Scratch(c),
                None,
                (6000, 1e-3, 300),
            )
        }
        "en" => (
            shared.join("data/corpus/en"),
            PathBuf::from(get(f, "tokenizer", ".cache/minilm-l6-v2/tokenizer.json".to_string())?),
            None,
            0,
            Init::Encoder(PathBuf::from(get(f, "encoder", ".cache/minilm-l6-v2".to_string())?)),
            match get(f, "freeze", 6i64)? {
                n if n < 0 => None,
                n => Some(n as usize),
            },
            (3000, 5e-4, 100),
        ),
        other => return Err(format!("unknown language {other} (zh or en)")),
    };
    let cfg = BertRunConfig {
        language: lang.into(),
        corpus,
        tokenizer,
        t2s,
        poems,
        init,
        steps: get(f, "steps", steps)?,
        batch: get(f, "batch", 32)?,
        seq: get(f, "seq", 128)?,
        lr: get(f, "lr", lr)?,
        warmup: get(f, "warmup", warmup)?,
        pair: get(f, "pair", "sop".to_string())?,
        freeze_layers,
        seed: get(f, "seed", 42)?,
        eval_every: get(f, "eval-every", 200)?,
        eval_batches: get(f, "eval-batches", 8)?,
        ckpt_every: get(f, "ckpt-every", 100)?,
        backend,
        sinusoidal_positions: lang == "zh" && get(f, "sinusoidal", 0u8)? == 1,
        mimetic_attention: lang == "zh" && get(f, "mimetic", 0u8)? == 1,
        prior_head: get(f, "prior-head", 0u8)? == 1,
        local_attention: lang == "zh" && get(f, "local-attention", 0u8)? == 1,
        name_masking: if lang == "en" { get(f, "name-masking", 0.0)? } else { 0.0 },
        fragments: get(f, "fragments", 0.0)?,
        extensions: Vec::new(),
    };
    Ok(cfg)
}

fn real_main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = args.split_first().ok_or("usage: sesame-train zh|en|resume|bench|eval|export ... (see the source header)")?;
    match cmd.as_str() {
        "zh" | "en" => {
            let f = flags(rest)?;
            let out = PathBuf::from(f.get("out").ok_or("--out DIR is required")?);
            bert::train(&out, Some(defaults(cmd, &f)?), get(&f, "minutes", 60.0)?)?;
        }
        "resume" => {
            let f = flags(rest)?;
            let out = PathBuf::from(f.get("out").ok_or("--out DIR is required")?);
            if let Some(steps) = f.get("steps") {
                let steps = steps.parse().map_err(|_| format!("--steps: not a number: {steps}"))?;
                let lr = f.get("lr").map(|v| v.parse::<f64>().map_err(|_| format!("--lr: not a number: {v}"))).transpose()?;
                let freeze = f.get("freeze").map(|v| v.parse::<i64>().map_err(|_| format!("--freeze: not a number: {v}"))).transpose()?;
                let names = f.get("name-masking").map(|v| v.parse::<f64>().map_err(|_| format!("--name-masking: not a number: {v}"))).transpose()?;
                if names.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
                    return Err("--name-masking is a share between 0 and 1".into());
                }
                let fragments = f.get("fragments").map(|v| v.parse::<f64>().map_err(|_| format!("--fragments: not a number: {v}"))).transpose()?;
                if fragments.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
                    return Err("--fragments is a share between 0 and 1".into());
                }
                bert::extend(&out, steps, lr, get(&f, "warmup", 50)?, freeze, (names, fragments))?;
            }
            bert::train(&out, None, get(&f, "minutes", 60.0)?)?;
        }
        "bench" => {
            let (lang, rest) = rest.split_first().ok_or("bench zh|en")?;
            let f = flags(rest)?;
            bench(lang, &f)?;
        }
        "eval" | "export" => sesame_train_extra(cmd, rest)?,
        "probe" => probe(&flags(rest)?)?,
        "ae" => autoencoder(&flags(rest)?)?,
        "ae-export" => ae_export(&flags(rest)?)?,
        "ae-eval" => ae_eval(&flags(rest)?)?,
        "dump" => dump(&flags(rest)?)?,
        "qa" => qa(&flags(rest)?)?,
        "qa-export" => qa_export(&flags(rest)?)?,
        "qa-eval" => qa_eval(&flags(rest)?)?,
        "icl-eval" => icl_eval(&flags(rest)?)?,
        "gpt-bench" => gpt_bench(&flags(rest)?)?,
        "gpt" => gpt(&flags(rest)?)?,
        "gpt-export" => gpt_export(&flags(rest)?)?,
        "gpt-eval" => gpt_eval(&flags(rest)?)?,
        other => return Err(format!("unknown command {other}")),
    }
    Ok(())
}

/// Trains (or resumes, when `--out` already has a `run.json`) a convolutional auto-encoder.
fn autoencoder(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::model::autoencoder::AutoencoderConfig;
    use sesame::model::vqvae::VqVaeConfig;
    use sesame::train::autoencoder::{train, AeRunConfig};
    let out = PathBuf::from(f.get("out").ok_or("--out RUN_DIR is required")?);
    let shared = PathBuf::from(get(f, "shared", "../shared".to_string())?);
    let data = match get(f, "data", "mnist".to_string())?.as_str() {
        "mnist" => shared.join("data/images/mnist"),
        "fashion" | "fashion-mnist" => shared.join("data/images/fashion-mnist"),
        other => return Err(format!("--data {other}: mnist or fashion")),
    };
    let mut model = AutoencoderConfig::new(get(f, "bottleneck", 8)?);
    model.channels = get(f, "channels", model.channels)?;
    let normal_class = match get(f, "normal", -1i64)? {
        c if (0..=9).contains(&c) => Some(c as u8),
        -1 => None,
        c => return Err(format!("--normal {c}: a class 0-9")),
    };
    let cfg = AeRunConfig {
        data,
        model,
        batch: get(f, "batch", 64)?,
        epochs: get(f, "epochs", 5)?,
        lr: get(f, "lr", 1e-3)?,
        seed: get(f, "seed", 42)?,
        noise: get(f, "noise", 0.0)?,
        salt: get(f, "salt", 0.0)?,
        vq: if get(f, "vq", 0usize)? > 0 {
            Some(VqVaeConfig { codes: get(f, "vq", 32)?, code_dim: get(f, "code-dim", 16)?, channels: get(f, "channels", 16)? })
        } else {
            None
        },
        normal_class,
    };
    let state = train(&out, Some(cfg), get(f, "minutes", 60.0)?)?;
    println!("{}: step {}, {:.0} s of training, test MSE {}", out.display(), state.step, state.seconds, state.test_mse.map(|m| format!("{m:.5}")).unwrap_or("–".into()));
    Ok(())
}

/// Exports every auto-encoder run into assets/models (f16 + cards + manifest + demo images).
fn ae_export(f: &HashMap<String, String>) -> Result<(), String> {
    let runs = PathBuf::from(get(f, "runs", "runs/ae".to_string())?);
    let shared = PathBuf::from(get(f, "shared", "../shared".to_string())?);
    let models = PathBuf::from(get(f, "models", "assets/models".to_string())?);
    let cards = sesame::train::autoencoder_export::export_all(&runs, &shared, &models)?;
    println!("exported {} families into {}", cards.len(), models.display());
    Ok(())
}

/// Evaluates the shipped image models (f16) on the full test splits and prints every figure the
/// auto-encoder issue asks for, next to the card's value and the DCAE baseline.
fn ae_eval(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::train::autoencoder_export::{families, figures, load_shipped, TestSets, RUFF_DCAE};
    let shared = PathBuf::from(get(f, "shared", "../shared".to_string())?);
    let models = PathBuf::from(get(f, "models", "assets/models".to_string())?);
    let sets = TestSets::read(&shared)?;
    let mut measured: HashMap<(String, String), std::collections::BTreeMap<String, f64>> = HashMap::new();
    for (id, name, files) in families() {
        println!("\n{name} ({id})");
        for (index, (file, _)) in files.iter().enumerate() {
            let (model, card) = load_shipped(&models, id, file)?;
            let figs = figures(id, index, &model, &sets)?;
            for (k, v) in &figs {
                let on_card = card.figures.get(k).copied();
                let flag = match on_card {
                    Some(c) if (c - v).abs() <= 1e-6 => "= card".to_string(),
                    Some(c) => format!("card says {c:.6}"),
                    None => "not on card".to_string(),
                };
                println!("  {file:28} {k:28} {v:10.6}  {flag}");
            }
            measured.insert((id.to_string(), file.clone()), figs);
        }
    }
    println!("\nReconstruction MSE per bottleneck (full test split, f16 weights)");
    println!("  {:12} {:>10} {:>10} {:>10}", "data", "k=2", "k=8", "k=32");
    for (id, label) in [(AE_MNIST, "MNIST"), (AE_FASHION, "Fashion")] {
        let row: Vec<String> = [2, 8, 32].iter().map(|k| format!("{:10.5}", measured[&(id.to_string(), format!("bottleneck-{k}.safetensors"))]["test_mse"])).collect();
        println!("  {label:12} {}", row.join(" "));
    }
    println!("\nOne-class AUC (%) on MNIST: trained on one digit, all 10,000 test images scored");
    println!("  {:6} {:>8} {:>8} {:>14}", "digit", "Sesame", "subset", "DCAE (Ruff)");
    let mut sum = (0.0, 0.0);
    for (c, (m, s)) in RUFF_DCAE.iter().enumerate() {
        let f = &measured[&(AE_ONECLASS.to_string(), format!("class-{c}.safetensors"))];
        sum = (sum.0 + f["auc"], sum.1 + m);
        println!("  {c:6} {:8.1} {:8.1} {:>8.1} ± {s:.1}", 100.0 * f["auc"], 100.0 * f["auc_subset"], m);
    }
    println!("  {:6} {:8.1} {:8} {:>8.1}", "mean", 10.0 * sum.0, "", sum.1 / 10.0);
    let m = &measured[&(AE_MNIST.to_string(), "bottleneck-32.safetensors".to_string())];
    println!("\nMNIST (normal) vs Fashion-MNIST (anomalies), ae-mnist bottleneck 32: AUC {:.4} (all 10,000 + 10,000), {:.4} (the pages' 1,000 + 1,000)", m["auc_vs_fashion"], m["auc_vs_fashion_subset"]);
    Ok(())
}

/// Measures training tokens/s of each CPU backend on the same config and data.
fn bench(lang: &str, f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::train::bert_examples::{collate, Sampler};
    let steps: usize = get(f, "steps", 5)?;
    let mut rows = Vec::new();
    for backend in [Backend::Flex, Backend::Ndarray] {
        let mut cfg = defaults(lang, f)?;
        cfg.backend = backend;
        let data = bert::load_data(&cfg)?;
        let device = backend.device();
        let (_, model) = bert::build_model(&cfg, None, &device)?;
        let model = bert::freeze(model, cfg.freeze_layers);
        let sampler = Sampler::new(&data.sources, data.vocab.clone(), cfg.seq, cfg.pair_task()?, false);
        let mut rng = sesame::rng::Rng::new(1);
        let batches: Vec<_> = (0..=steps).map(|_| collate(&(0..cfg.batch).map(|_| sampler.example(&mut rng)).collect::<Vec<_>>(), sampler.pad())).collect();
        let (mut tokens, mut secs) = (0usize, 0.0);
        let mut model = model;
        let mut optim = run::optimizer();
        for (i, b) in batches.iter().enumerate() {
            let t0 = Instant::now();
            model = bert::train_step(model, b, &device, cfg.lr, &mut optim).0;
            // The first step (allocations, thread pools) is not timed.
            if i > 0 {
                tokens += b.tokens;
                secs += t0.elapsed().as_secs_f64();
            }
        }
        let tps = tokens as f64 / secs;
        println!("{lang} {:?}: {steps} steps of {} x {} tokens: {:.0} tokens/s ({:.2} s/step)", backend, cfg.batch, cfg.seq, tps, secs / steps as f64);
        rows.push((backend, tps));
    }
    println!("ratio flex / ndarray: {:.2}", rows[0].1 / rows[1].1);
    Ok(())
}

/// Writes the training batches of steps `--from`..`--to` of a run (exactly those `train` feeds
/// it, with their learning rates) as JSON lines, so another implementation can train on the same
/// data (`scripts/pytorch_reference_run.py` compares the loss curves).
fn dump(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::train::bert_examples::{collate, Sampler};
    use std::io::Write;
    let dir = PathBuf::from(f.get("out").ok_or("--out RUN_DIR is required")?);
    let to_file = PathBuf::from(f.get("to").ok_or("--to FILE.jsonl is required")?);
    let cfg: BertRunConfig = serde_json::from_slice(&std::fs::read(dir.join("run.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let data = bert::load_data(&cfg)?;
    let sampler = Sampler::new(&data.sources, data.vocab.clone(), cfg.seq, cfg.pair_task()?, false);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&to_file).map_err(|e| e.to_string())?);
    for step in get(f, "from", 0usize)?..get(f, "to-step", 500usize)? {
        let mut rng = sesame::rng::Rng::new(cfg.seed.wrapping_mul(1_000_003).wrapping_add(step as u64));
        let mix = cfg.mix_at(step);
        let b = collate(&(0..cfg.batch).map(|_| sampler.example_with(&mut rng, mix)).collect::<Vec<_>>(), sampler.pad());
        let line = serde_json::json!({"step": step, "lr": cfg.lr_at(step), "rows": b.rows, "cols": b.cols, "ids": b.ids, "types": b.types, "mask": b.mask, "positions": b.positions, "targets": b.targets, "pair_labels": b.pair_labels});
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Prints the top-5 fill-ins of a run's latest checkpoint for the lecture's sentences (or
/// `--text "a|b"`), so a run can be watched while it trains.
fn probe(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::task::bert::LoadedPretraining;
    use sesame::task::fill_mask;
    let dir = PathBuf::from(f.get("out").ok_or("--out RUN_DIR is required")?);
    let cfg: BertRunConfig = serde_json::from_slice(&std::fs::read(dir.join("run.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    // The inference device (no autodiff): dropout is off, as on the page.
    let device = burn::tensor::Device::flex();
    let (config, model) = bert::build_model(&cfg, Some(&dir.join("ckpt/model.safetensors")), &device)?;
    let tokenizer = sesame::text::TextEncoder::from_json(&std::fs::read(&cfg.tokenizer).map_err(|e| e.to_string())?)?;
    let m = LoadedPretraining::new(config, model, tokenizer, &device)?;
    let defaults = if cfg.language == "zh" { "台湾大[MASK]|台湾大[MASK]。|我在台湾大[MASK]读书。|今天天[MASK]很好。|床前明月[MASK]" } else { "The capital of France is [MASK].|Paris is the capital of [MASK].|I went to the [MASK] to buy some bread." };
    for text in get(f, "text", defaults.to_string())?.split('|') {
        let p = fill_mask::prepare(&m, text, &[]).map_err(|e| format!("{e:?}"))?;
        for pred in sesame::block_on(fill_mask::run(&m, &p, 5))? {
            let top: Vec<String> = pred.top.iter().map(|(t, p)| format!("{t} {:.1}%", 100.0 * p)).collect();
            println!("{text}  →  {}", top.join(" · "));
        }
    }
    Ok(())
}

fn sesame_train_extra(cmd: &str, rest: &[String]) -> Result<(), String> {
    use sesame::train::bert_export;
    let f = flags(rest)?;
    match cmd {
        "eval" => {
            let dir = PathBuf::from(f.get("model").ok_or("--model DIR is required")?);
            // Language, window and pair task default to the model card's, so the card's own
            // eval command reproduces its figures.
            let mut f = f.clone();
            if let Ok(bytes) = std::fs::read(dir.join("card.json")) {
                let card: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", dir.join("card.json").display()))?;
                for (flag, value) in [("lang", &card["language"]), ("seq", &card["training"]["seq"]), ("pair", &card["training"]["pair_task"])] {
                    let value = value.as_str().map(str::to_string).or_else(|| value.as_u64().map(|n| n.to_string()));
                    if let (false, Some(v)) = (f.contains_key(flag), value) {
                        f.insert(flag.to_string(), v);
                    }
                }
            }
            let lang = get(&f, "lang", "zh".to_string())?;
            let mut cfg = defaults(&lang, &f)?;
            cfg.tokenizer = dir.join("tokenizer.json");
            let batches = get(&f, "batches", 40)?;
            let (_, model) = bert_export::load_exported(&dir)?;
            let t0 = Instant::now();
            let data = bert::load_data(&cfg)?;
            let e = bert_export::evaluate_model(&model, &data, &cfg, batches)?;
            println!("{} on the held-out split of {} ({} examples, {} masked tokens, {:.0} s):", dir.display(), cfg.corpus.display(), batches * cfg.batch, e.targets, t0.elapsed().as_secs_f64());
            println!("  masked-LM loss {:.3}   top-1 {:.1}%   top-5 {:.1}%", e.mlm_loss, 100.0 * e.top1, 100.0 * e.top5);
            println!("  {} accuracy {:.1}% (loss {:.3})", cfg.pair.to_uppercase(), 100.0 * e.pair_acc, e.pair_loss);
            println!("each validation split ({} batches of {} each):", batches.div_ceil(2), cfg.batch);
            println!("  {:<22} {:>8} {:>9} {:>7} {:>7} {:>7}", "split", "targets", "MLM loss", "top-1", "top-5", cfg.pair.to_uppercase());
            for (name, e) in bert_export::evaluate_by_source(&model, &data, &cfg, batches.div_ceil(2))? {
                println!("  {:<22} {:>8} {:>9.3} {:>6.1}% {:>6.1}% {:>6.1}%", name, e.targets, e.mlm_loss, 100.0 * e.top1, 100.0 * e.top5, 100.0 * e.pair_acc);
            }
        }
        _ => {
            let out = PathBuf::from(f.get("out").ok_or("--out RUN_DIR is required")?);
            let to = PathBuf::from(f.get("to").ok_or("--to assets/models/ID/VERSION is required")?);
            let id = get(&f, "id", to.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).unwrap_or_default())?;
            let name = get(&f, "name", id.clone())?;
            let manifest = PathBuf::from(get(&f, "manifest", "assets/models/manifest.json".to_string())?);
            let base = f.get("base").cloned();
            let card = bert_export::export(&out, &to, &id, &name, &manifest, get(&f, "batches", 40)?, base.as_deref())?;
            println!("exported {} → {}: {}", out.display(), to.display(), serde_json::to_string_pretty(&card["eval"]).unwrap_or_default());
        }
    }
    Ok(())
}

/// Fine-tunes (or resumes, when `--out` has a `run.json`) a BERT for extractive QA.
fn qa(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::task::qa_windows::QaSettings;
    use sesame::train::qa::{train, QaInit, QaRunConfig};
    let out = PathBuf::from(f.get("out").ok_or("--out RUN_DIR is required")?);
    let minutes = get(f, "minutes", 60.0)?;
    if out.join("run.json").exists() {
        train(&out, None, minutes)?;
        return Ok(());
    }
    let shared = PathBuf::from(get(f, "shared", "../shared".to_string())?);
    let lang = get(f, "lang", "zh".to_string())?;
    let qa_dir = shared.join("data/qa");
    let (model_dir, train_files, valid, split, max_len) = match lang.as_str() {
        "zh" => ("assets/models/bert-zh/v1", vec![qa_dir.join("drcd/DRCD_test.json"), qa_dir.join("cmrc2018/cmrc2018_trial.json")], qa_dir.join("drcd/DRCD_dev.json"), None, 128),
        "en" => ("assets/models/bert-en/v1", vec![], qa_dir.join("squad/squad-v1.1-dev-40articles.json"), Some(4), 384),
        other => return Err(format!("unknown language {other}")),
    };
    let model_dir = PathBuf::from(get(f, "model", model_dir.to_string())?);
    let init = match get(f, "init", "pretrained".to_string())?.as_str() {
        "pretrained" => QaInit::Pretrained(model_dir),
        "random" => QaInit::Random(model_dir),
        other => return Err(format!("--init pretrained|random, not {other}")),
    };
    let max_len = get(f, "max-len", max_len)?;
    let settings = QaSettings { max_len, stride: get(f, "stride", max_len / 4)?, max_question: get(f, "max-question", (max_len / 2).min(64))?, max_answer: 30 };
    let cfg = QaRunConfig {
        language: lang,
        train: train_files,
        valid,
        article_split: split,
        freeze_word_embeddings: get(f, "freeze-word-embeddings", u8::from(matches!(init, QaInit::Pretrained(_))))? == 1,
        init,
        settings,
        negatives: get(f, "negatives", 1)?,
        epochs: get(f, "epochs", 2.0)?,
        batch: get(f, "batch", 32)?,
        lr: get(f, "lr", 2e-4)?,
        warmup: get(f, "warmup", 0.1)?,
        seed: get(f, "seed", 42)?,
        eval_every: get(f, "eval-every", 100)?,
        eval_questions: get(f, "eval-questions", 300)?,
        ckpt_every: get(f, "ckpt-every", 50)?,
        backend: Backend::Flex,
    };
    train(&out, Some(cfg), minutes)?;
    Ok(())
}

/// Ships a QA model from its pretrained and random-init runs.
fn qa_export(f: &HashMap<String, String>) -> Result<(), String> {
    let pre = PathBuf::from(f.get("pretrained").ok_or("--pretrained RUN_DIR is required")?);
    let rnd = PathBuf::from(f.get("random").ok_or("--random RUN_DIR is required")?);
    let to = PathBuf::from(f.get("to").ok_or("--to assets/models/qa-LANG/vN is required")?);
    let id = to.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().to_string()).ok_or("--to must be assets/models/ID/VERSION")?;
    let name = get(f, "name", format!("Sesame QA ({id})"))?;
    let manifest = PathBuf::from(get(f, "manifest", "assets/models/manifest.json".to_string())?);
    let card = sesame::train::qa_export::export(&pre, &rnd, &to, &id, &name, &manifest)?;
    for r in card["runs"].as_array().into_iter().flatten() {
        println!("{:10} steps {:>5}  final loss {:.3}  EM {:.2}  F1 {:.2}", r["init"].as_str().unwrap_or(""), r["steps"], r["final_train_loss"].as_f64().unwrap_or(f64::NAN), r["valid"]["em"].as_f64().unwrap_or(f64::NAN), r["valid"]["f1"].as_f64().unwrap_or(f64::NAN));
    }
    Ok(())
}

/// EM/F1 of a shipped QA model on its validation questions (from the card's settings).
fn qa_eval(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::train::qa::{evaluate, split_questions, QaRunConfig};
    let dir = PathBuf::from(f.get("model").ok_or("--model assets/models/qa-LANG/vN is required")?);
    let card: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("card.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let device = burn::tensor::Device::flex();
    let (_, model, tokenizer) = sesame::train::qa_export::load_shipped(&dir, &device)?;
    // The run settings come from the card's first run's command-line equivalent: rebuild them.
    let run_dir = f.get("run").map(PathBuf::from);
    let cfg: QaRunConfig = match run_dir {
        Some(r) => serde_json::from_slice(&std::fs::read(r.join("run.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?,
        None => serde_json::from_value(card["run_config"].clone()).map_err(|e| format!("the card has no run_config: {e}"))?,
    };
    let (_, valid) = split_questions(&cfg)?;
    let limit = get(f, "limit", valid.len())?;
    let t0 = Instant::now();
    let e = evaluate(&model, &tokenizer, &valid[..limit.min(valid.len())], &cfg.settings, &cfg.language, &device);
    println!("{}: {} questions  EM {:.2}  F1 {:.2}  loss {:.4}  ({:.0} s)", dir.display(), e.questions, e.em, e.f1, e.loss, t0.elapsed().as_secs_f64());
    if let Some(runs) = card["runs"].as_array() {
        for r in runs {
            println!("  card, {:10} EM {:.2}  F1 {:.2}", r["init"].as_str().unwrap_or(""), r["valid"]["em"].as_f64().unwrap_or(f64::NAN), r["valid"]["f1"].as_f64().unwrap_or(f64::NAN));
        }
    }
    Ok(())
}

/// Loads the GPT of `--gguf FILE` (default: the pinned SmolLM2) on the CPU backend.
/// SmolLM2 from `--gguf` (default: where prepare-assets puts it), with the file's size in bytes.
fn load_gpt(f: &HashMap<String, String>) -> Result<(sesame::task::gpt::LoadedGpt, usize), String> {
    let path = get(f, "gguf", "assets/models/smollm2-135m-instruct/v1/model.Q4_1.gguf".to_string())?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e} (scripts/prepare-assets.sh fetches it)"))?;
    let started = std::time::Instant::now();
    let gpt = sesame::task::gpt::LoadedGpt::from_gguf(&bytes, &burn::tensor::Device::flex())?;
    eprintln!("loaded {path} ({} bytes; {}) in {:.1} s", bytes.len(), gpt.storage, started.elapsed().as_secs_f64());
    Ok((gpt, bytes.len()))
}

/// Prints the in-context-learning accuracy table (task × number of examples in the prompt).
fn icl_eval(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::task::icl::{accuracy, evaluate, task, SHOTS, TASKS};
    let (gpt, _) = load_gpt(f)?;
    let limit = get(f, "limit", 12usize)?;
    let shots: Vec<usize> = match f.get("shots") {
        Some(s) => s.split(',').map(|k| k.trim().parse().map_err(|_| format!("--shots: cannot read {k:?}"))).collect::<Result<_, _>>()?,
        None => SHOTS.to_vec(),
    };
    let tasks: Vec<_> = match f.get("tasks") {
        Some(s) => s.split(',').map(|id| task(id.trim()).ok_or(format!("--tasks: no task {id:?}"))).collect::<Result<_, _>>()?,
        None => TASKS.iter().collect(),
    };
    let started = std::time::Instant::now();
    print!("{:<16}", "task \\ shots");
    for k in &shots {
        print!("{k:>8}");
    }
    println!();
    let mut sums = vec![0.0; shots.len()];
    for t in &tasks {
        print!("{:<16}", t.id);
        for (i, &k) in shots.iter().enumerate() {
            let results = sesame::block_on(evaluate(&gpt, t, k, limit))?;
            let acc = accuracy(&results);
            sums[i] += acc;
            print!("{acc:>7.1}%");
            use std::io::Write;
            std::io::stdout().flush().ok();
            if f.contains_key("verbose") {
                eprintln!("\n  {k}-shot: {}", results.iter().map(|r| format!("{}→{:?}{}", r.query, r.answer, if r.correct { "✓" } else { "✗" })).collect::<Vec<_>>().join("  "));
            }
        }
        println!();
    }
    print!("{:<16}", "mean");
    for s in &sums {
        print!("{:>7.1}%", s / tasks.len() as f64);
    }
    println!();
    println!("({} held-out queries per cell, greedy decoding, {:.0} s)", limit.min(12), started.elapsed().as_secs_f64());
    Ok(())
}

/// Prompt and decode speed of the GPT on the native CPU backend.
fn gpt_bench(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::task::gpt::LoadedGpt;
    use sesame::model::KvCache;
    let (gpt, file): (LoadedGpt, usize) = load_gpt(f)?;
    let params = burn::module::Module::num_params(&gpt.model);
    println!("{params} parameters: {:.1} MB as f32 on the device, from a {:.1} MB file ({:.1}×)", params as f64 * 4.0 / 1e6, file as f64 / 1e6, params as f64 * 4.0 / file.max(1) as f64);
    let prompt_tokens = get(f, "prompt-tokens", 128usize)?;
    let decode_tokens = get(f, "decode-tokens", 32usize)?;
    let text = "The quick brown fox jumps over the lazy dog. ".repeat(prompt_tokens);
    let ids: Vec<u32> = gpt.encode(&text)?.into_iter().take(prompt_tokens).collect();
    for round in 0..2 {
        let mut cache = KvCache::new();
        let t = std::time::Instant::now();
        let mut logits = sesame::block_on(gpt.next_logits(&ids, &mut cache))?;
        let prefill = t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        for _ in 0..decode_tokens {
            let next = (0..logits.len()).max_by(|&a, &b| logits[a].total_cmp(&logits[b])).unwrap_or(0) as u32;
            logits = sesame::block_on(gpt.next_logits(&[next], &mut cache))?;
        }
        let decode = t.elapsed().as_secs_f64();
        if round == 1 {
            println!(
                "native flex CPU ({} threads): prompt {} tokens in {:.2} s = {:.1} tokens/s; decode {} tokens in {:.2} s = {:.1} tokens/s",
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
                ids.len(),
                prefill,
                ids.len() as f64 / prefill,
                decode_tokens,
                decode,
                decode_tokens as f64 / decode
            );
        }
    }
    Ok(())
}

/// Pretrains (or resumes, when `--out` already has a `run.json`) the character GPT.
fn gpt(f: &HashMap<String, String>) -> Result<(), String> {
    use sesame::model::LlamaConfig;
    use sesame::train::gpt::{train, GptRunConfig};
    let out = PathBuf::from(f.get("out").ok_or("--out RUN_DIR is required")?);
    let minutes = get(f, "minutes", 600.0)?;
    if out.join("run.json").exists() {
        train(&out, None, minutes)?;
        return Ok(());
    }
    let shared = PathBuf::from(get(f, "shared", "../shared".to_string())?);
    let hidden = get(f, "hidden", 256)?;
    let mut model = LlamaConfig::new(0, hidden, get(f, "ffn", 704)?, get(f, "layers", 4)?, get(f, "heads", 4)?, get(f, "kv-heads", 2)?);
    model.max_position_embeddings = get(f, "window", 128)?;
    model.rope_theta = get(f, "rope-theta", 10000.0)?;
    model.initializer_range = get(f, "init-std", 0.02)?;
    let cfg = GptRunConfig {
        corpus: shared.join("data/corpus/zh"),
        t2s: Some(PathBuf::from(get(f, "t2s", "data/zh-t2s.tsv".to_string())?)),
        poems: get(f, "poems", 20000)?,
        poetry_share: get(f, "poetry-share", 0.4)?,
        min_count: get(f, "min-count", 3)?,
        model,
        steps: get(f, "steps", 3000)?,
        batch: get(f, "batch", 16)?,
        seq: get(f, "seq", 128)?,
        lr: get(f, "lr", 2e-3)?,
        warmup: get(f, "warmup", 100)?,
        seed: get(f, "seed", 42)?,
        eval_every: get(f, "eval-every", 250)?,
        eval_windows: get(f, "eval-windows", 32)?,
        ckpt_every: get(f, "ckpt-every", 100)?,
        backend: Backend::Flex,
    };
    if cfg.seq > cfg.model.max_position_embeddings {
        return Err(format!("--seq {} is longer than the model's window {}", cfg.seq, cfg.model.max_position_embeddings));
    }
    train(&out, Some(cfg), minutes)?;
    Ok(())
}

/// Ships a finished character-GPT run.
fn gpt_export(f: &HashMap<String, String>) -> Result<(), String> {
    let out = PathBuf::from(f.get("out").ok_or("--out RUN_DIR is required")?);
    let to = PathBuf::from(get(f, "to", "assets/models/gpt-zh/v1".to_string())?);
    let manifest = PathBuf::from(get(f, "manifest", "assets/models/manifest.json".to_string())?);
    let name = "Sesame GPT (Chinese characters): pretrained from scratch";
    sesame::train::gpt_export::export(&out, &to, GPT_ZH, name, &manifest)?;
    println!("wrote {} (card.json has the figures)", to.display());
    Ok(())
}

/// Prints a shipped character GPT's held-out figures and greedy continuations.
fn gpt_eval(f: &HashMap<String, String>) -> Result<(), String> {
    let model = PathBuf::from(get(f, "model", "assets/models/gpt-zh/v1".to_string())?);
    let (all, per, examples) = sesame::train::gpt_export::evaluate_shipped(&model)?;
    println!("{:<20}{:>12}{:>10}{:>12}{:>8}", "source", "characters", "loss", "perplexity", "top-1");
    for (name, e) in per.iter().chain(std::iter::once(&("all".to_string(), all.clone()))) {
        println!("{name:<20}{:>12}{:>10.3}{:>12.1}{:>7.1}%", e.tokens, e.loss, e.loss.exp(), 100.0 * e.top1);
    }
    for (p, c) in examples {
        println!("{p} → {c}");
    }
    Ok(())
}
