//! Golden test of the shipped Vision Transformers: Sesame's burn ViT (CPU) against Hugging Face
//! transformers' `BertModel` fed the same patch vectors (`tests/fixtures/vit-golden.json`,
//! written once by `scripts/make_vit_golden.py`) on the same f16 weights and shipped test
//! images; and the card against its files, the manifest and the lecture's claim.

use std::path::Path;

use serde::Deserialize;
use sesame::assets::{sha256_hex, Manifest, VIT};
use sesame::task::autoencoder_images::ImageSet;
use sesame::task::vision::{LoadedVit, VisionCard};

#[derive(Deserialize)]
struct Fixture {
    images: usize,
    mask: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    images: String,
    embeddings: Vec<Vec<f32>>,
    projections: Vec<Vec<f32>>,
    predicted: Vec<Vec<f32>>,
    hidden_mse: Vec<f64>,
}

fn card() -> VisionCard {
    serde_json::from_str(&std::fs::read_to_string(format!("assets/models/{VIT}/v1/card.json")).unwrap()).unwrap()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn shipped_vits_match_transformers_bert() {
    let fixture: Fixture = serde_json::from_str(&std::fs::read_to_string("tests/fixtures/vit-golden.json").unwrap()).unwrap();
    let models = Path::new("assets/models");
    let card = card();
    assert_eq!(fixture.cases.len(), 4, "masked and contrastive, MNIST and Fashion-MNIST");
    let mask = u16::from_str_radix(&fixture.mask, 16).unwrap();
    let hidden: Vec<bool> = (0..16).map(|k| mask >> k & 1 == 1).collect();
    for case in &fixture.cases {
        let entry = card.models.iter().find(|m| m.file == case.file).unwrap();
        let bytes = std::fs::read(models.join(VIT).join("v1").join(&case.file)).unwrap();
        let vit = LoadedVit::from_bytes(&entry.config, &bytes, &burn::tensor::Device::flex()).unwrap();
        let set = ImageSet::from_safetensors(&std::fs::read(models.join(format!("demo-images/v1/{}.safetensors", case.images))).unwrap()).unwrap();
        let ids: Vec<usize> = (0..fixture.images).collect();
        let embeddings = sesame::block_on(vit.embed(&set, &ids, &|_, _| {})).unwrap();
        let inputs: Vec<Vec<f32>> = ids.iter().map(|&i| set.image(i)).collect();
        let projections = sesame::block_on(vit.projections(&inputs)).unwrap();
        let mut worst = [0.0f32; 4];
        for i in 0..fixture.images {
            let filled = sesame::block_on(vit.fill_in(&inputs[i], &hidden)).unwrap();
            worst[0] = worst[0].max(max_diff(&embeddings[i], &case.embeddings[i]));
            worst[1] = worst[1].max(max_diff(&projections[i], &case.projections[i]));
            worst[2] = worst[2].max(max_diff(&filled.predicted, &case.predicted[i]));
            worst[3] = worst[3].max((filled.hidden_mse - case.hidden_mse[i]).abs() as f32);
        }
        eprintln!("{}: max |Δembedding| {:.1e}, |Δprojection| {:.1e}, |Δpixel| {:.1e}, |Δhidden MSE| {:.1e}", case.file, worst[0], worst[1], worst[2], worst[3]);
        assert!(worst[0] < 1e-4 && worst[1] < 1e-4 && worst[2] < 1e-4, "{}: {worst:?}", case.file);
        assert!(worst[3] < 1e-6, "{}: hidden MSE differs by {}", case.file, worst[3]);
    }
}

#[test]
fn the_vision_card_agrees_with_its_files_and_shows_the_lectures_claim() {
    let models = Path::new("assets/models");
    let manifest: Manifest = serde_json::from_str(&std::fs::read_to_string(models.join("manifest.json")).unwrap()).unwrap();
    let entry = manifest.model(VIT).expect("vit in the manifest");
    let card = card();
    assert_eq!(card.models.len(), 4);
    for m in &card.models {
        let bytes = std::fs::read(models.join(VIT).join(&entry.version).join(&m.file)).unwrap();
        assert_eq!(sha256_hex(&bytes), m.sha256, "{}", m.file);
        assert_eq!(entry.file(&m.file).unwrap().sha256, m.sha256);
        assert!(m.steps > 0 && m.final_train_loss.is_finite() && !m.loss_curve.is_empty() && !m.test_loss_per_epoch.is_empty());
        assert!(m.figures["test_loss"].is_finite());
    }
    assert!(card.reproduce.contains("train-vision.sh"));
    for data in ["mnist", "fashion-mnist"] {
        let t = card.probes.iter().find(|t| t.data == data).unwrap_or_else(|| panic!("{data} probes"));
        assert_eq!(t.labels, vec![10, 100, 1000]);
        assert_eq!(t.test_images, 10_000);
        let at = |method: &str, k: usize| t.row(method).unwrap_or_else(|| panic!("{data} {method}")).accuracy[k];
        for method in ["masked", "contrastive", "autoencoder", "pixels", "random"] {
            assert!((0.1..=1.0).contains(&at(method, 2)), "{data} {method}: {}", at(method, 2));
        }
        eprintln!("{data} at 100 labels: masked {:.3}, contrastive {:.3}, random {:.3}, pixels {:.3}", at("masked", 1), at("contrastive", 1), at("random", 1), at("pixels", 1));
    }
    // The target: on MNIST at 100 labels both self-supervised ViTs beat the untrained
    // one by at least 10 points.
    let mnist = card.probes.iter().find(|t| t.data == "mnist").unwrap();
    let at = |method: &str| mnist.row(method).unwrap().accuracy[1];
    assert!(at("masked") >= at("random") + 0.10, "masked {} vs random {}", at("masked"), at("random"));
    assert!(at("contrastive") >= at("random") + 0.10, "contrastive {} vs random {}", at("contrastive"), at("random"));
}
