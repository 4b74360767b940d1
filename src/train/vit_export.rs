//! Shipping the Vision Transformers (`sesame-train vit-export`): every run of
//! `scripts/train-vision.sh` becomes an f16 safetensors file in `assets/models/vit/v1/`, and the
//! card gets the lecture's claim as measured figures: linear-probe accuracy at 10 / 100 / 1,000
//! labels for the masked-patch and contrastive ViTs, the auto-encoder's code, the raw pixels and
//! a ViT with its random initial weights, on every test image.

use std::collections::BTreeMap;
use std::path::Path;

use burn::tensor::Device;
use serde_json::Value;

use super::autoencoder::{evaluate, AeRunConfig};
use super::autoencoder_export::load_shipped;
use super::autoencoder_images::ImageSet;
use super::bert_export::manifest_entry_for;
use crate::assets::{sha256_hex, AE_FASHION, AE_MNIST, VIT};
use crate::model::weights::{to_f16_safetensors, Weights};
use crate::task::linear_probe::{balanced_subset, ProbeConfig, ProbeData, CLASSES, LABEL_COUNTS};
use crate::task::vision::{spread, LoadedVit, ProbeRow, ProbeTable, VisionCard, VisionCardModel};

/// Disjoint draws of labelled training images per probe cell.
pub const DRAWS: usize = 5;

/// The shipped files: (file, run directory under `runs`).
pub const FILES: [(&str, &str); 4] = [
    ("mnist-masked.safetensors", "mnist-masked"),
    ("mnist-contrastive.safetensors", "mnist-contrastive"),
    ("fashion-masked.safetensors", "fashion-masked"),
    ("fashion-contrastive.safetensors", "fashion-contrastive"),
];

/// The image sets: (card name, folder under `data/images`, auto-encoder family for its codes).
const SETS: [(&str, &str, &str); 2] = [("mnist", "mnist", AE_MNIST), ("fashion-mnist", "fashion-mnist", AE_FASHION)];

/// Exports the runs in `runs` (`runs/vit`) into `models` (`assets/models`) with the card and
/// manifest entry; returns the card.
pub fn export(runs: &Path, shared: &Path, models: &Path) -> Result<VisionCard, String> {
    let dir = models.join(VIT).join("v1");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut entries = Vec::new();
    let mut loaded = BTreeMap::new();
    for (file, run) in FILES {
        let run_dir = runs.join(run);
        let cfg: AeRunConfig = serde_json::from_slice(&std::fs::read(run_dir.join("run.json")).map_err(|e| format!("{}: {e}", run_dir.display()))?).map_err(|e| e.to_string())?;
        let vit = cfg.vit.clone().ok_or_else(|| format!("{} is not a ViT run", run_dir.display()))?;
        let state: Value = serde_json::from_slice(&std::fs::read(run_dir.join("ckpt/state.json")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let weights = Weights::from_safetensors(&std::fs::read(run_dir.join("ckpt/model.safetensors")).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let bytes = to_f16_safetensors(&weights).map_err(|e| e.to_string())?;
        std::fs::write(dir.join(file), &bytes).map_err(|e| e.to_string())?;
        let model = LoadedVit::from_bytes(&vit.model, &bytes, &Device::flex())?;
        let test = ImageSet::split(&cfg.data, "test")?;
        let mut figures = BTreeMap::new();
        figures.insert("test_loss".to_string(), evaluate(&model.model, &cfg, &test, &Device::flex()));
        let log = std::fs::read_to_string(run_dir.join("log.jsonl")).unwrap_or_default();
        let lines: Vec<Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        let curve: Vec<(usize, f64)> = lines.iter().filter_map(|v| Some((v["step"].as_u64()? as usize, v["loss"].as_f64()?))).collect();
        let stride = curve.len().div_ceil(100).max(1);
        let test_key = |v: &Value| v.as_object().and_then(|o| o.iter().find(|(k, _)| k.starts_with("test_")).and_then(|(_, x)| x.as_f64()));
        eprintln!("{file}: {figures:?}");
        entries.push(VisionCardModel {
            file: file.into(),
            data: cfg.data.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default(),
            config: vit.model.clone(),
            objective: vit.objective,
            batch: cfg.batch,
            epochs: cfg.epochs,
            lr: cfg.lr,
            seed: cfg.seed,
            steps: state["step"].as_u64().unwrap_or(0) as usize,
            seconds: state["seconds"].as_f64().unwrap_or(0.0),
            final_train_loss: curve.last().map(|c| c.1).unwrap_or(f64::NAN),
            test_loss_per_epoch: lines.iter().filter_map(test_key).collect(),
            loss_curve: curve.iter().step_by(stride).copied().collect(),
            sha256: sha256_hex(&bytes),
            figures,
        });
        loaded.insert(file, model);
    }
    let mut probes = Vec::new();
    for (name, folder, ae) in SETS {
        let data = shared.join("data/images").join(folder);
        let (train, test) = (ImageSet::split(&data, "train")?, ImageSet::split(&data, "test")?);
        let vit = |objective: &str| &loaded[format!("{}-{objective}.safetensors", name.trim_end_matches("-mnist")).as_str()];
        let (ae_model, _) = load_shipped(models, ae, "bottleneck-32.safetensors")?;
        let config = vit("masked").config.clone();
        let device = Device::flex();
        device.seed(7);
        let random = LoadedVit { model: config.init(&device), config, device };
        let features: Vec<(&str, Box<dyn Fn(&ImageSet, &[usize]) -> Result<Vec<Vec<f32>>, String>>)> = vec![
            ("masked", Box::new(|s: &ImageSet, ids: &[usize]| crate::block_on(vit("masked").embed(s, ids, &|_, _| {})))),
            ("contrastive", Box::new(|s: &ImageSet, ids: &[usize]| crate::block_on(vit("contrastive").embed(s, ids, &|_, _| {})))),
            ("autoencoder", Box::new(|s: &ImageSet, ids: &[usize]| crate::block_on(ae_model.codes(s, ids)))),
            ("pixels", Box::new(|s: &ImageSet, ids: &[usize]| Ok(ids.iter().map(|&i| s.image(i)).collect()))),
            ("random", Box::new(|s: &ImageSet, ids: &[usize]| crate::block_on(random.embed(s, ids, &|_, _| {})))),
        ];
        let table = probe_table(name, &train, &test, &features)?;
        print_table(&table);
        probes.push(table);
    }
    let card = VisionCard {
        id: VIT.into(),
        version: "v1".into(),
        name: "Vision Transformers pretrained without labels (masked patches, contrastive)".into(),
        data: "MNIST (LeCun, Cortes, Burges) and Fashion-MNIST (Zalando, MIT) from ../shared/data/images: pretraining on the 60,000 training images without their labels; probes on balanced labelled subsets of the training split (disjoint draws), judged on all 10,000 test images".into(),
        models: entries,
        probes,
        reproduce: "scripts/train-vision.sh   # trains into runs/vit/ (resumable), then: cargo run --release --bin sesame-train -- vit-export".into(),
    };
    std::fs::write(dir.join("card.json"), serde_json::to_string_pretty(&card).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string())?;
    let mut names: Vec<&str> = FILES.iter().map(|f| f.0).collect();
    names.push("card.json");
    manifest_entry_for(&models.join("manifest.json"), &dir, VIT, &card.name, &names)?;
    Ok(card)
}

/// Features of images `ids` of a set, one vector per image.
type FeatureFn<'a> = Box<dyn Fn(&ImageSet, &[usize]) -> Result<Vec<Vec<f32>>, String> + 'a>;

/// Probes every representation of `features` at [`LABEL_COUNTS`] labels over [`DRAWS`]
/// disjoint slices of the training split (draw `d` takes the first images of each class from
/// image `d · 60,000 / DRAWS` on), each judged on every test image.
pub fn probe_table(name: &str, train: &ImageSet, test: &ImageSet, features: &[(&str, FeatureFn)]) -> Result<ProbeTable, String> {
    let all_test: Vec<usize> = (0..test.len()).collect();
    let slice = train.len() / DRAWS;
    let most = *LABEL_COUNTS.iter().max().unwrap_or(&CLASSES);
    let draws: Vec<Vec<usize>> = (0..DRAWS).map(|d| balanced_subset(&train.labels[d * slice..(d + 1) * slice], most).into_iter().map(|i| i + d * slice).collect()).collect();
    let mut rows = Vec::new();
    for (method, feature) in features {
        let test_features = feature(test, &all_test)?;
        let mut per_count = vec![Vec::new(); LABEL_COUNTS.len()];
        let mut dims = 0;
        for ids in &draws {
            let train_features = feature(train, ids)?;
            let labels: Vec<u8> = ids.iter().map(|&i| train.labels[i]).collect();
            let data = ProbeData::new(&train_features, &labels, &test_features, &test.labels)?;
            dims = data.dims();
            for (k, &n) in LABEL_COUNTS.iter().enumerate() {
                per_count[k].push(data.run(n, &ProbeConfig::default()).test_accuracy);
            }
        }
        let accuracy = per_count.iter().map(|v| v.iter().sum::<f64>() / v.len() as f64).collect();
        rows.push(ProbeRow { method: method.to_string(), dims, accuracy, spread: per_count.iter().map(|v| spread(v)).collect() });
    }
    Ok(ProbeTable { data: name.into(), labels: LABEL_COUNTS.to_vec(), draws: DRAWS, test_images: test.len(), rows })
}

/// Prints a probe table (percent, ± the spread over draws).
pub fn print_table(t: &ProbeTable) {
    println!("\nLinear probes on {} ({} draws, {} test images): test accuracy %", t.data, t.draws, t.test_images);
    println!("  {:12} {:>5} {}", "features", "dims", t.labels.iter().map(|n| format!("{:>14}", format!("{n} labels"))).collect::<String>());
    for r in &t.rows {
        let cells: String = r.accuracy.iter().zip(&r.spread).map(|(a, s)| format!("{:>14}", format!("{:.1} ± {:.1}", 100.0 * a, 100.0 * s))).collect();
        println!("  {:12} {:>5} {cells}", r.method, r.dims);
    }
}
