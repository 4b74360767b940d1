//! Shipping and evaluating the image models: every run of `scripts/train-autoencoders.sh`
//! becomes an f16 safetensors file in a model family (`assets/models/ae-mnist/v1/`, ...) with a
//! card of figures measured on the exported (f16) weights, plus the demo image subsets the pages
//! use. The same evaluation functions print the figures for `sesame-train ae-eval`.

use std::collections::BTreeMap;
use std::path::Path;

use burn::tensor::Device;
use serde_json::Value;

use super::autoencoder::AeRunConfig;
use super::bert_export::manifest_entry_for;
use super::autoencoder_images::ImageSet;
use crate::assets::{sha256_hex, AE_DENOISE, AE_FASHION, AE_MNIST, AE_ONECLASS, DEMO_IMAGES, VQVAE_MNIST};
use crate::model::weights::{to_f16_safetensors, Weights};
use crate::task::anomaly::auc;
use crate::task::autoencoder::{AeCard, AeCardModel, ImageModelConfig, LoadedImageModel};
use crate::task::autoencoder_images::Noise;
use crate::rng::Rng;

/// Images of each test set shipped for the pages (the first ones of the official test split).
pub const SUBSET: usize = 1000;
/// Training images shipped for in-browser training (the first ones of MNIST's training split).
pub const TRAIN_SUBSET: usize = 2000;

/// DCAE row of Ruff et al., "Deep One-Class Classification", ICML 2018, Table 1: one-class
/// AUC (%) on MNIST per normal digit 0-9 (mean ± std over 10 seeds).
pub const RUFF_DCAE: [(f64, f64); 10] = [(97.6, 0.7), (98.3, 0.6), (85.4, 2.4), (86.7, 0.9), (86.5, 2.0), (78.2, 2.7), (94.6, 0.5), (92.3, 1.0), (86.5, 1.6), (90.4, 1.8)];

/// The shipped families: (id, name, [(file, run directory name)]).
pub fn families() -> Vec<(&'static str, &'static str, Vec<(String, String)>)> {
    let bottlenecks = |data: &str| [2, 8, 32].iter().map(|k| (format!("bottleneck-{k}.safetensors"), format!("{data}-b{k}"))).collect();
    vec![
        (AE_MNIST, "Auto-encoders, MNIST (bottleneck 2, 8, 32)", bottlenecks("mnist")),
        (AE_FASHION, "Auto-encoders, Fashion-MNIST (bottleneck 2, 8, 32)", bottlenecks("fashion")),
        (AE_DENOISE, "Denoising auto-encoder, MNIST", vec![("model.safetensors".into(), "denoise".into())]),
        (VQVAE_MNIST, "VQ-VAE, MNIST (32 codes)", vec![("model.safetensors".into(), "vqvae".into())]),
        (AE_ONECLASS, "One-class auto-encoders, MNIST digits 0-9", (0..10).map(|c| (format!("class-{c}.safetensors"), format!("oneclass-{c}"))).collect()),
    ]
}

/// The four test sets evaluation needs.
pub struct TestSets {
    /// MNIST test split (10,000).
    pub mnist: ImageSet,
    /// Fashion-MNIST test split (10,000).
    pub fashion: ImageSet,
}

impl TestSets {
    /// Reads both test splits from `shared/data/images`.
    pub fn read(shared: &Path) -> Result<Self, String> {
        let images = shared.join("data/images");
        Ok(Self { mnist: ImageSet::split(&images.join("mnist"), "test")?, fashion: ImageSet::split(&images.join("fashion-mnist"), "test")? })
    }
}

/// Per-image reconstruction errors of a whole set.
pub fn scores(model: &LoadedImageModel, set: &ImageSet) -> Result<Vec<f64>, String> {
    let ids: Vec<usize> = (0..set.len()).collect();
    crate::block_on(model.scores(set, &ids, &|_, _| {}))
}

/// One-class AUC: images of `class` are normal, every other image of `set` an anomaly.
pub fn one_class_auc(model: &LoadedImageModel, set: &ImageSet, class: u8) -> Result<f64, String> {
    let s = scores(model, set)?;
    let (normal, anomalous): (Vec<(usize, f64)>, Vec<(usize, f64)>) = s.into_iter().enumerate().partition(|(i, _)| set.labels[*i] == class);
    let strip = |v: Vec<(usize, f64)>| v.into_iter().map(|x| x.1).collect::<Vec<_>>();
    auc(&strip(normal), &strip(anomalous)).ok_or_else(|| format!("no images of class {class}"))
}

/// MNIST (normal) against Fashion-MNIST (anomalies) AUC.
pub fn mnist_vs_fashion_auc(model: &LoadedImageModel, mnist: &ImageSet, fashion: &ImageSet) -> Result<f64, String> {
    auc(&scores(model, mnist)?, &scores(model, fashion)?).ok_or_else(|| "empty test set".into())
}

/// Mean MSE of restoring `set` from inputs with `noise`, and the noisy inputs' own MSE.
pub fn denoising_mse(model: &LoadedImageModel, set: &ImageSet, noise: Noise) -> Result<(f64, f64), String> {
    let mut rng = Rng::new(0xD0_15E);
    let (mut restored, mut noisy_total) = (0.0, 0.0);
    for chunk in (0..set.len()).collect::<Vec<_>>().chunks(250) {
        let clean: Vec<Vec<f32>> = chunk.iter().map(|&i| set.image(i)).collect();
        let noisy: Vec<Vec<f32>> = clean.iter().map(|c| {
            let mut n = c.clone();
            noise.apply(&mut n, &mut rng);
            n
        }).collect();
        noisy_total += clean.iter().zip(&noisy).map(|(c, n)| c.iter().zip(n).map(|(a, b)| ((a - b) * (a - b)) as f64).sum::<f64>() / c.len() as f64).sum::<f64>();
        restored += crate::block_on(model.reconstruct(&noisy, &clean))?.iter().map(|r| r.mse).sum::<f64>();
    }
    Ok((restored / set.len() as f64, noisy_total / set.len() as f64))
}

/// Codes in use on `set` and the perplexity of their distribution (the effective number of codes).
pub fn codebook_usage(model: &LoadedImageModel, set: &ImageSet, codes: usize) -> Result<(usize, f64), String> {
    let ids: Vec<usize> = (0..set.len()).collect();
    let mut counts = vec![0f64; codes];
    for grid in crate::block_on(model.codes(set, &ids))? {
        for c in grid {
            counts[c as usize] += 1.0;
        }
    }
    let total: f64 = counts.iter().sum();
    let entropy: f64 = counts.iter().filter(|&&c| c > 0.0).map(|&c| -(c / total) * (c / total).ln()).sum();
    Ok((counts.iter().filter(|&&c| c > 0.0).count(), entropy.exp()))
}

/// The figures of one model of a family (see the card's documentation of each key).
pub fn figures(family: &str, index: usize, model: &LoadedImageModel, sets: &TestSets) -> Result<BTreeMap<String, f64>, String> {
    let mut f = BTreeMap::new();
    let (mnist_sub, fashion_sub) = (sets.mnist.first(SUBSET), sets.fashion.first(SUBSET));
    match family {
        AE_MNIST | VQVAE_MNIST => {
            f.insert("test_mse".into(), mean(&scores(model, &sets.mnist)?));
            f.insert("auc_vs_fashion".into(), mnist_vs_fashion_auc(model, &sets.mnist, &sets.fashion)?);
            f.insert("auc_vs_fashion_subset".into(), mnist_vs_fashion_auc(model, &mnist_sub, &fashion_sub)?);
            if let ImageModelConfig::Vq(c) = &model.config {
                let (used, perplexity) = codebook_usage(model, &sets.mnist, c.codes)?;
                f.insert("codes_used".into(), used as f64);
                f.insert("code_perplexity".into(), perplexity);
            }
        }
        AE_FASHION => {
            f.insert("test_mse".into(), mean(&scores(model, &sets.fashion)?));
        }
        AE_DENOISE => {
            f.insert("test_mse".into(), mean(&scores(model, &sets.mnist)?));
            for (key, noise) in [("gaussian_0.5", Noise::Gaussian(0.5)), ("salt_0.25", Noise::SaltPepper(0.25))] {
                let (restored, noisy) = denoising_mse(model, &sets.mnist, noise)?;
                f.insert(format!("restored_mse_{key}"), restored);
                f.insert(format!("noisy_mse_{key}"), noisy);
            }
        }
        AE_ONECLASS => {
            let class = index as u8;
            let normal = |s: &ImageSet| -> Vec<usize> { (0..s.len()).filter(|&i| s.labels[i] == class).collect() };
            let normal_scores = crate::block_on(model.scores(&sets.mnist, &normal(&sets.mnist), &|_, _| {}))?;
            f.insert("test_mse_normal".into(), mean(&normal_scores));
            f.insert("auc".into(), one_class_auc(model, &sets.mnist, class)?);
            f.insert("auc_subset".into(), one_class_auc(model, &mnist_sub, class)?);
        }
        other => return Err(format!("unknown family {other}")),
    }
    Ok(f)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Exports every family from `runs` (run directories) into `models` (`assets/models`), with the
/// demo image subsets, cards and manifest entries. Returns the cards.
pub fn export_all(runs: &Path, shared: &Path, models: &Path) -> Result<Vec<AeCard>, String> {
    let sets = TestSets::read(shared)?;
    let manifest = models.join("manifest.json");
    // Demo images: the pages' test images and the in-browser training set.
    let images_dir = models.join("demo-images/v1");
    std::fs::create_dir_all(&images_dir).map_err(|e| e.to_string())?;
    let train = ImageSet::split(&shared.join("data/images/mnist"), "train")?;
    for (file, set) in [("mnist-test.safetensors", sets.mnist.first(SUBSET)), ("fashion-test.safetensors", sets.fashion.first(SUBSET)), ("mnist-train.safetensors", train.first(TRAIN_SUBSET))] {
        std::fs::write(images_dir.join(file), set.to_safetensors()?).map_err(|e| e.to_string())?;
    }
    manifest_entry_for(&manifest, &images_dir, DEMO_IMAGES, "Demo images: first 1,000 MNIST and Fashion-MNIST test images, first 2,000 MNIST training images", &["mnist-test.safetensors", "fashion-test.safetensors", "mnist-train.safetensors"])?;
    let mut cards = Vec::new();
    for (id, name, files) in families() {
        let dir = models.join(id).join("v1");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut entries = Vec::new();
        for (index, (file, run)) in files.iter().enumerate() {
            let run_dir = runs.join(run);
            let cfg: AeRunConfig = serde_json::from_slice(&std::fs::read(run_dir.join("run.json")).map_err(|e| format!("{}: {e}", run_dir.display()))?).map_err(|e| e.to_string())?;
            let state: Value = serde_json::from_slice(&std::fs::read(run_dir.join("ckpt/state.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
            let steps = state["step"].as_u64().unwrap_or(0) as usize;
            let weights = Weights::from_safetensors(&std::fs::read(run_dir.join("ckpt/model.safetensors")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
            let bytes = to_f16_safetensors(&weights).map_err(|e| e.to_string())?;
            std::fs::write(dir.join(file), &bytes).map_err(|e| e.to_string())?;
            let config = match &cfg.vq {
                Some(v) => ImageModelConfig::Vq(v.clone()),
                None => ImageModelConfig::Conv(cfg.model.clone()),
            };
            let model = LoadedImageModel::from_bytes(&config, &bytes, &Device::flex())?;
            let figures = figures(id, index, &model, &sets)?;
            let log = std::fs::read_to_string(run_dir.join("log.jsonl")).unwrap_or_default();
            let lines: Vec<Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
            let curve: Vec<(usize, f64)> = lines.iter().filter_map(|v| Some((v["step"].as_u64()? as usize, v["loss"].as_f64()?))).collect();
            let stride = curve.len().div_ceil(100).max(1);
            eprintln!("{id}/{file}: {figures:?}");
            entries.push(AeCardModel {
                file: file.clone(),
                config,
                data: cfg.data.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default(),
                normal_class: cfg.normal_class,
                noise: cfg.noise,
                salt: cfg.salt,
                batch: cfg.batch,
                epochs: cfg.epochs,
                lr: cfg.lr,
                seed: cfg.seed,
                steps,
                seconds: state["seconds"].as_f64().unwrap_or(0.0),
                final_train_loss: curve.last().map(|c| c.1).unwrap_or(f64::NAN),
                test_mse_per_epoch: lines.iter().filter_map(|v| v["test_mse"].as_f64()).collect(),
                loss_curve: curve.iter().step_by(stride).copied().collect(),
                sha256: sha256_hex(&bytes),
                figures,
            });
        }
        let card = AeCard {
            id: id.into(),
            version: "v1".into(),
            name: name.into(),
            models: entries,
            data: "MNIST (LeCun, Cortes, Burges; 60,000 train / 10,000 test) and Fashion-MNIST (Zalando, MIT; same sizes) from ../shared/data/images; test figures on the full official test splits unless a key ends in _subset (the first 1,000 test images, shipped with the pages)".into(),
            reproduce: "scripts/train-autoencoders.sh   # trains into runs/ae/ (resumable), then: cargo run --release --bin sesame-train -- ae-export".into(),
        };
        std::fs::write(dir.join("card.json"), serde_json::to_string_pretty(&card).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
        let mut names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        names.push("card.json");
        manifest_entry_for(&manifest, &dir, id, name, &names)?;
        cards.push(card);
    }
    Ok(cards)
}

/// Loads model `file` of a shipped family from `models` (`assets/models`), with its card entry.
pub fn load_shipped(models: &Path, id: &str, file: &str) -> Result<(LoadedImageModel, AeCardModel), String> {
    let dir = models.join(id).join("v1");
    let card: AeCard = serde_json::from_slice(&std::fs::read(dir.join("card.json")).map_err(|e| format!("{}: {e}", dir.display()))?).map_err(|e| e.to_string())?;
    let entry = card.models.into_iter().find(|m| m.file == file).ok_or_else(|| format!("{id}'s card has no {file}"))?;
    let bytes = std::fs::read(dir.join(file)).map_err(|e| e.to_string())?;
    Ok((LoadedImageModel::from_bytes(&entry.config, &bytes, &Device::flex())?, entry))
}
