//! Auto-encoder commands: `ae` (train an auto-encoder or VQ-VAE), `ae-export`, `ae-eval`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use sesame::assets::{AE_FASHION, AE_MNIST, AE_ONECLASS};
use sesame::model::autoencoder::AutoencoderConfig;
use sesame::model::vqvae::VqVaeConfig;
use sesame::train::autoencoder::AeRunConfig;

/// The image set a run trains on.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Data {
    /// MNIST digits.
    Mnist,
    /// Fashion-MNIST clothes.
    #[value(alias = "fashion-mnist")]
    Fashion,
}

impl Data {
    /// The set's idx folder under the shared data folder.
    pub fn folder(self, shared: &std::path::Path) -> PathBuf {
        match self {
            Data::Mnist => shared.join("data/images/mnist"),
            Data::Fashion => shared.join("data/images/fashion-mnist"),
        }
    }
}

/// `ae`: trains (or resumes, when `--out` has a `run.json`) a convolutional auto-encoder, or a
/// VQ-VAE with `--vq CODES`.
#[derive(Args)]
pub struct Train {
    #[command(flatten)]
    session: crate::Session,
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// The image set.
    #[arg(long, value_enum, default_value = "mnist")]
    data: Data,
    /// Numbers in the bottleneck.
    #[arg(long, default_value_t = 8)]
    bottleneck: usize,
    /// Convolution channels (default: the model's; 16 for a VQ-VAE).
    #[arg(long)]
    channels: Option<usize>,
    /// Train on this digit only (one-class anomaly detection; -1: all classes).
    #[arg(long, default_value_t = -1, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(-1..=9))]
    normal: i64,
    /// Images per step.
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Passes over the training images.
    #[arg(long, default_value_t = 5)]
    epochs: usize,
    /// Learning rate.
    #[arg(long, default_value_t = 1e-3)]
    lr: f64,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Gaussian input noise (standard deviation): a denoising auto-encoder.
    #[arg(long, default_value_t = 0.0)]
    noise: f32,
    /// Salt-and-pepper input noise (share of pixels).
    #[arg(long, default_value_t = 0.0)]
    salt: f32,
    /// Codebook size of a VQ-VAE (0: a plain auto-encoder).
    #[arg(long, default_value_t = 0)]
    vq: usize,
    /// Length of a VQ-VAE's code vectors.
    #[arg(long, default_value_t = 16)]
    code_dim: usize,
}

pub fn train(a: &Train) -> Result<(), String> {
    let data = a.data.folder(&a.shared);
    let mut model = AutoencoderConfig::new(a.bottleneck);
    model.channels = a.channels.unwrap_or(model.channels);
    let cfg = AeRunConfig {
        data,
        model,
        batch: a.batch,
        epochs: a.epochs,
        lr: a.lr,
        seed: a.seed,
        noise: a.noise,
        salt: a.salt,
        vq: (a.vq > 0).then(|| VqVaeConfig { codes: a.vq, code_dim: a.code_dim, channels: a.channels.unwrap_or(16) }),
        normal_class: u8::try_from(a.normal).ok(),
        vit: None,
    };
    let state = sesame::train::autoencoder::train(&a.session.out, Some(cfg), a.session.minutes)?;
    println!("{}: step {}, {:.0} s of training, test MSE {}", a.session.out.display(), state.step, state.seconds, state.test_mse.map(|m| format!("{m:.5}")).unwrap_or("–".into()));
    Ok(())
}

/// `ae-export`: every auto-encoder run into assets/models (f16 + cards + manifest + demo images).
#[derive(Args)]
pub struct Export {
    /// The runs of scripts/train-autoencoders.sh.
    #[arg(long, default_value = "runs/ae")]
    runs: PathBuf,
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// Where the shipped models go.
    #[arg(long, default_value = "assets/models")]
    models: PathBuf,
}

pub fn export(a: &Export) -> Result<(), String> {
    let cards = sesame::train::autoencoder_export::export_all(&a.runs, &a.shared, &a.models)?;
    println!("exported {} families into {}", cards.len(), a.models.display());
    Ok(())
}

/// `ae-eval`: the shipped image models (f16) on the full test splits: every figure the
/// auto-encoder issue asks for, next to the card's value and the DCAE baseline.
#[derive(Args)]
pub struct Eval {
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// Where the shipped models are.
    #[arg(long, default_value = "assets/models")]
    models: PathBuf,
}

pub fn eval(a: &Eval) -> Result<(), String> {
    use sesame::train::autoencoder_export::{families, figures, load_shipped, TestSets, RUFF_DCAE};
    let (shared, models) = (&a.shared, &a.models);
    let sets = TestSets::read(shared)?;
    let mut measured: HashMap<(String, String), BTreeMap<String, f64>> = HashMap::new();
    for (id, name, files) in families() {
        println!("\n{name} ({id})");
        for (index, (file, _)) in files.iter().enumerate() {
            let (model, card) = load_shipped(models, id, file)?;
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
