//! Vision commands: `vit` (pretrain a small Vision Transformer without labels, by masked-patch
//! prediction or contrastively) and `vit-export` (linear probes at a few labels, f16 files and
//! the card the `/vision` page reads).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use sesame::model::autoencoder::AutoencoderConfig;
use sesame::model::vit::{VitConfig, VitObjective};
use sesame::train::autoencoder::{AeRunConfig, VitTraining};

use crate::autoencoder::Data;

/// The self-supervised task.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Objective {
    /// Hide patches, predict their pixels (BERT's masking on images).
    Masked,
    /// Two views of one image together, other images apart (SimCLR).
    Contrastive,
}

/// `vit`: trains (or resumes, when `--out` has a `run.json`) a ViT on MNIST or Fashion-MNIST
/// without their labels.
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
    /// What the model learns from.
    #[arg(long, value_enum)]
    objective: Objective,
    /// Share of patches hidden (masked).
    #[arg(long, default_value_t = 0.5)]
    ratio: f32,
    /// NT-Xent temperature (contrastive).
    #[arg(long, default_value_t = 0.2)]
    temperature: f32,
    /// Hidden size.
    #[arg(long, default_value_t = 64)]
    hidden: usize,
    /// Transformer blocks.
    #[arg(long, default_value_t = 4)]
    layers: usize,
    /// Images per step.
    #[arg(long, default_value_t = 128)]
    batch: usize,
    /// Passes over the training images.
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Learning rate.
    #[arg(long, default_value_t = 1e-3)]
    lr: f64,
    /// Seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

pub fn train(a: &Train) -> Result<(), String> {
    let model = VitConfig { hidden: a.hidden, layers: a.layers, intermediate: 2 * a.hidden, ..VitConfig::default() };
    model.validate()?;
    let objective = match a.objective {
        Objective::Masked => VitObjective::MaskedPatch { ratio: a.ratio },
        Objective::Contrastive => VitObjective::Contrastive { temperature: a.temperature },
    };
    let cfg = AeRunConfig {
        data: a.data.folder(&a.shared),
        model: AutoencoderConfig::new(0),
        batch: a.batch,
        epochs: a.epochs,
        lr: a.lr,
        seed: a.seed,
        noise: 0.0,
        salt: 0.0,
        vq: None,
        normal_class: None,
        vit: Some(VitTraining { model, objective }),
    };
    let state = sesame::train::autoencoder::train(&a.session.out, Some(cfg), a.session.minutes)?;
    println!("{}: step {}, {:.0} s of training, test figure {}", a.session.out.display(), state.step, state.seconds, state.test_mse.map(|m| format!("{m:.5}")).unwrap_or("–".into()));
    Ok(())
}

/// `vit-export`: the four ViT runs into assets/models/vit/v1 (f16 files, card with the linear
/// probes, manifest entry).
#[derive(Args)]
pub struct Export {
    /// The runs of scripts/train-vision.sh.
    #[arg(long, default_value = "runs/vit")]
    runs: PathBuf,
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// Where the shipped models go.
    #[arg(long, default_value = "assets/models")]
    models: PathBuf,
}

pub fn export(a: &Export) -> Result<(), String> {
    let card = sesame::train::vit_export::export(&a.runs, &a.shared, &a.models)?;
    println!("exported {} ViTs into {}", card.models.len(), a.models.join(&card.id).display());
    Ok(())
}
