//! The convolutional auto-encoder: MNIST reads (a committed 1,500-image subset; the full sets
//! where ../shared has them), a few AdamW steps on a small fixed subset lower the reconstruction
//! loss, and a one-class run trains, logs, checkpoints and resumes (seconds on 2 cores).

use std::path::Path;

use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use sesame::model::autoencoder::{per_image_mse, AutoencoderConfig};
use sesame::train::images::ImageSet;

/// The first 1,000 training and 500 test images of MNIST (scripts/make-image-fixture.py), so
/// these tests run where `../shared` is absent.
const MINI: &str = "tests/fixtures/mnist-mini";

fn mnist_test() -> ImageSet {
    ImageSet::split(Path::new(MINI), "test").expect("tests/fixtures/mnist-mini")
}

#[test]
fn mnist_test_split_reads() {
    let set = mnist_test();
    assert_eq!((set.len(), set.rows, set.cols), (500, 28, 28));
    assert_eq!(set.labels[..5], [7, 2, 1, 0, 4]);
    assert!(set.labels.iter().all(|&l| l <= 9));
    // The full sets, where this machine has them (both naming schemes of the idx files).
    let shared = Path::new("../shared/data/images");
    if shared.exists() {
        let full = ImageSet::split(&shared.join("mnist"), "test").unwrap();
        assert_eq!((full.len(), &full.pixels[..500 * 784]), (10_000, &set.pixels[..]));
        let fashion = ImageSet::split(&shared.join("fashion-mnist"), "test").unwrap();
        assert_eq!((fashion.len(), fashion.rows), (10_000, 28));
    }
}

#[test]
fn reconstruction_loss_falls() {
    let set = mnist_test();
    let device = Device::flex().autodiff();
    device.seed(7);
    let model = AutoencoderConfig::new(8).init(&device);
    let batch = |start: usize, n: usize, device: &Device| {
        let pixels: Vec<f32> = (start..start + n).flat_map(|i| set.image(i)).collect();
        Tensor::<4>::from_data(TensorData::new(pixels, [n, 1, 28, 28]), device)
    };
    let mut optim = AdamWConfig::new().init();
    let loss_of = |model: &sesame::model::autoencoder::Autoencoder| {
        let x = batch(0, 64, &device);
        per_image_mse(model.forward(x.clone()), x).mean().into_data().convert::<f32>().try_to_vec::<f32>().unwrap()[0]
    };
    let before = loss_of(&model);
    let mut model = model;
    for step in 0..40 {
        let x = batch((step % 2) * 32, 32, &device);
        let loss = per_image_mse(model.forward(x.clone()), x).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(3e-3, model, grads);
    }
    let after = loss_of(&model);
    assert!(after < 0.6 * before, "loss {before:.4} → {after:.4}");
}

#[test]
fn a_one_class_run_trains_logs_checkpoints_and_resumes() {
    use sesame::train::autoencoder::{train, AeRunConfig};
    let dir = std::env::temp_dir().join(format!("sesame-ae-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = AeRunConfig {
        data: MINI.into(),
        model: AutoencoderConfig { bottleneck: 4, channels: 4 },
        batch: 16,
        epochs: 4,
        lr: 3e-3,
        seed: 1,
        noise: 0.0,
        normal_class: Some(1),
    };
    let state = train(&dir, Some(cfg), 10.0).unwrap();
    // 116 training images of class 1 in the fixture: 8 batches of 16 per epoch.
    assert_eq!(state.step, 32);
    let mse = state.test_mse.unwrap();
    // Against the same architecture untrained, on the same test images (the 1s).
    let untrained = AutoencoderConfig { bottleneck: 4, channels: 4 }.init(&Device::flex());
    let before = sesame::train::autoencoder::evaluate(&untrained, &mnist_test(), Some(1), 0.0, &Device::flex());
    assert!(mse < 0.5 * before, "test MSE {before:.4} untrained → {mse:.4} after 4 epochs on the 1s");
    let log = std::fs::read_to_string(dir.join("log.jsonl")).unwrap();
    assert!(log.lines().count() >= 2 && log.contains("test_mse"));
    // Resuming a finished run does nothing more and reports the same state.
    let again = train(&dir, None, 10.0).unwrap();
    assert_eq!((again.step, again.test_mse), (state.step, state.test_mse));
    std::fs::remove_dir_all(&dir).ok();
}
