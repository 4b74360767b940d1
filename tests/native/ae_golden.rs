//! Golden test of the shipped image models: Sesame's burn models (CPU) against an independent
//! PyTorch definition of the same architectures on the same f16 weights and shipped test images
//! (`tests/fixtures/ae-golden.json`, written once by `scripts/make_ae_golden.py`). The browser
//! test compares the pages against the same file.

use std::path::Path;

use serde::Deserialize;
use sesame::task::autoencoder_images::ImageSet;
use sesame::train::autoencoder_export::load_shipped;

#[derive(Deserialize)]
struct Fixture {
    images: usize,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    family: String,
    file: String,
    codes: Vec<Vec<f32>>,
    mse: Vec<f64>,
    reconstructions: Vec<Vec<f32>>,
}

#[test]
fn shipped_image_models_match_pytorch() {
    let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string("tests/fixtures/ae-golden.json").unwrap()).unwrap();
    let models = Path::new("assets/models");
    let set = ImageSet::from_safetensors(&std::fs::read(models.join("demo-images/v1/mnist-test.safetensors")).unwrap()).unwrap();
    let inputs: Vec<Vec<f32>> = (0..fixture.images).map(|i| set.image(i)).collect();
    assert!(fixture.cases.len() >= 4, "three auto-encoders and the VQ-VAE");
    for case in &fixture.cases {
        let (model, _) = load_shipped(models, &case.family, &case.file).unwrap();
        let out = sesame::block_on(model.reconstruct(&inputs, &inputs)).unwrap();
        let mut worst = (0.0f32, 0.0f32, 0.0f64);
        for (i, r) in out.iter().enumerate() {
            let code_diff = r.code.iter().zip(&case.codes[i]).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            let image_diff = r.image.iter().zip(&case.reconstructions[i]).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            worst = (worst.0.max(code_diff), worst.1.max(image_diff), worst.2.max((r.mse - case.mse[i]).abs()));
            assert_eq!(r.code.len(), case.codes[i].len());
        }
        eprintln!("{}/{}: max |Δcode| {:.2e}, max |Δpixel| {:.2e}, max |ΔMSE| {:.2e}", case.family, case.file, worst.0, worst.1, worst.2);
        // VQ-VAE codes are integers and must be identical; auto-encoder codes within 1e-4.
        assert!(worst.0 < 1e-4, "{}/{} codes differ by {}", case.family, case.file, worst.0);
        assert!(worst.1 < 1e-4, "{}/{} pixels differ by {}", case.family, case.file, worst.1);
        assert!(worst.2 < 1e-6, "{}/{} MSE differs by {}", case.family, case.file, worst.2);
    }
}

#[test]
fn shipped_cards_agree_with_their_files_and_the_manifest() {
    use sesame::assets::{sha256_hex, Manifest};
    use sesame::task::autoencoder::AeCard;
    let models = Path::new("assets/models");
    let manifest: Manifest = serde_json::from_str(&std::fs::read_to_string(models.join("manifest.json")).unwrap()).unwrap();
    for (id, _, files) in sesame::train::autoencoder_export::families() {
        let entry = manifest.model(id).unwrap_or_else(|| panic!("{id} in the manifest"));
        let dir = models.join(id).join(&entry.version);
        let card: AeCard = serde_json::from_str(&std::fs::read_to_string(dir.join("card.json")).unwrap()).unwrap();
        assert_eq!(card.models.len(), files.len());
        for m in &card.models {
            let bytes = std::fs::read(dir.join(&m.file)).unwrap();
            assert_eq!(sha256_hex(&bytes), m.sha256, "{id}/{}", m.file);
            assert_eq!(entry.file(&m.file).unwrap().sha256, m.sha256);
            assert!(m.steps > 0 && m.final_train_loss.is_finite() && !m.loss_curve.is_empty());
            assert!(!m.figures.is_empty());
        }
        assert!(card.reproduce.contains("train-autoencoders.sh"));
    }
}

/// The anomaly page's scores: a one-class model's normal digit against the other digits, and
/// MNIST against Fashion-MNIST, each equal to scoring the images one set at a time.
#[test]
fn anomaly_scores_split_normal_from_anomalous() {
    let models = Path::new("assets/models");
    let read = |name: &str| ImageSet::from_safetensors(&std::fs::read(models.join(format!("demo-images/v1/{name}.safetensors"))).unwrap()).unwrap().first(120);
    let (mnist, fashion) = (read("mnist-test"), read("fashion-test"));
    let (model, _) = load_shipped(models, sesame::assets::AE_ONECLASS, "class-3.safetensors").unwrap();
    let (normal, anomalous) = sesame::block_on(model.anomaly_scores(Some(3), &mnist, None, &|_, _| {})).unwrap();
    let threes = mnist.labels.iter().filter(|&&l| l == 3).count();
    assert_eq!((normal.len(), anomalous.len()), (threes, mnist.len() - threes));
    let all: Vec<usize> = (0..mnist.len()).collect();
    let direct = sesame::block_on(model.scores(&mnist, &all, &|_, _| {})).unwrap();
    assert_eq!(normal[0], direct[mnist.labels.iter().position(|&l| l == 3).unwrap()]);
    let auc = sesame::task::anomaly::auc(&normal, &anomalous).unwrap();
    eprintln!("one-class 3 on {} images: AUC {auc:.3}", mnist.len());
    assert!(auc > 0.6, "{auc}");
    let (model, _) = load_shipped(models, sesame::assets::AE_MNIST, "bottleneck-32.safetensors").unwrap();
    let last = std::cell::Cell::new((0, 0));
    let (normal, anomalous) = sesame::block_on(model.anomaly_scores(None, &mnist, Some(&fashion), &|d, t| last.set((d, t)))).unwrap();
    assert_eq!((normal.len(), anomalous.len(), last.get()), (mnist.len(), fashion.len(), (240, 240)));
    assert!(sesame::block_on(model.anomaly_scores(None, &mnist, None, &|_, _| {})).is_err());
}
