//! The convolutional auto-encoder: MNIST reads (a committed 1,500-image subset; the full sets
//! where ../shared has them), a few AdamW steps on a small fixed subset lower the reconstruction
//! loss, and a one-class run trains, logs, checkpoints and resumes (seconds on 2 cores).

use std::path::Path;

use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::{Device, Tensor, TensorData};
use sesame::model::autoencoder::{per_image_mse, Autoencoder, AutoencoderConfig};
use sesame::train::autoencoder_images::ImageSet;

/// The first 1,000 training and 500 test images of MNIST (scripts/make-image-fixture.py), so
/// these tests run where `../shared` is absent.
const MINI: &str = "tests/fixtures/mnist-mini";

/// The training tests seed burn's CPU device, which is shared by the whole process: run in
/// parallel they draw from each other's random streams and a run can start from a bad draw.
/// Each takes this lock so they run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
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
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
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
        salt: 0.0,
        vq: None,
        normal_class: Some(1),
        vit: None,
    };
    let state = train(&dir, Some(cfg.clone()), 10.0).unwrap();
    // 116 training images of class 1 in the fixture: 8 batches of 16 per epoch.
    assert_eq!(state.step, 32);
    let mse = state.test_mse.unwrap();
    // Against the same architecture untrained, on the same test images (the 1s).
    let untrained = AutoencoderConfig { bottleneck: 4, channels: 4 }.init(&Device::flex());
    let before = sesame::train::autoencoder::evaluate(&untrained, &cfg, &mnist_test(), &Device::flex());
    assert!(mse < 0.5 * before, "test MSE {before:.4} untrained → {mse:.4} after 4 epochs on the 1s");
    let log = std::fs::read_to_string(dir.join("log.jsonl")).unwrap();
    assert!(log.lines().count() >= 2 && log.contains("test_mse"));
    // Resuming a finished run does nothing more and reports the same state.
    let again = train(&dir, None, 10.0).unwrap();
    assert_eq!((again.step, again.test_mse), (state.step, state.test_mse));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_vq_vae_run_uses_its_codebook_and_a_denoising_run_restores() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    use sesame::model::vqvae::{VqVae, VqVaeConfig};
    use sesame::train::autoencoder::{evaluate, train, AeRunConfig};
    let dir = std::env::temp_dir().join(format!("sesame-vq-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let vq = VqVaeConfig { codes: 16, code_dim: 8, channels: 8 };
    let cfg = AeRunConfig {
        data: MINI.into(),
        model: AutoencoderConfig::new(2),
        batch: 32,
        epochs: 10,
        lr: 3e-3,
        seed: 3,
        noise: 0.0,
        salt: 0.0,
        vq: Some(vq.clone()),
        normal_class: None,
        vit: None,
    };
    let state = train(&dir, Some(cfg.clone()), 10.0).unwrap();
    assert_eq!(state.step, 10 * 1000usize.div_ceil(32));
    let ema = state.codebook.clone().expect("codebook statistics in the checkpoint");
    let used = ema.counts.iter().filter(|&&c| c > 0.05).count();
    assert!(used >= 8, "only {used} of 16 codes in use: {:?}", ema.counts);
    let device = Device::flex();
    let untrained = vq.init(&device);
    let bytes = std::fs::read(dir.join("ckpt/model.safetensors")).unwrap();
    let trained = VqVae::load(&vq, &mut sesame::model::Weights::from_safetensors(&bytes).unwrap(), &device).unwrap();
    let (before, after) = (evaluate(&untrained, &cfg, &mnist_test(), &device), evaluate(&trained, &cfg, &mnist_test(), &device));
    assert!(after < 0.4 * before, "VQ-VAE test MSE {before:.4} → {after:.4}");
    std::fs::remove_dir_all(&dir).ok();

    // Denoising: trained on noisy inputs (Gaussian up to 0.5 and salt-and-pepper up to 0.3).
    let cfg = AeRunConfig {
        data: MINI.into(),
        model: AutoencoderConfig { bottleneck: 16, channels: 8 },
        batch: 32,
        epochs: 8,
        lr: 3e-3,
        seed: 4,
        noise: 0.5,
        salt: 0.3,
        vq: None,
        normal_class: None,
        vit: None,
    };
    let state = train(&dir, Some(cfg.clone()), 10.0).unwrap();
    let trained = Autoencoder::load(&AutoencoderConfig { bottleneck: 16, channels: 8 }, &mut sesame::model::Weights::from_safetensors(&std::fs::read(dir.join("ckpt/model.safetensors")).unwrap()).unwrap(), &device).unwrap();
    // Restored images are closer to the clean ones than the noisy inputs themselves are.
    let noisy_mse = {
        let set = mnist_test();
        let mut rng = sesame::rng::Rng::new(9);
        let mut total = 0.0;
        for i in 0..set.len() {
            let clean = set.image(i);
            let mut noisy = clean.clone();
            sesame::task::autoencoder_images::Noise::Gaussian(0.5).apply(&mut noisy, &mut rng);
            total += clean.iter().zip(&noisy).map(|(a, b)| ((a - b) * (a - b)) as f64).sum::<f64>() / 784.0;
        }
        total / set.len() as f64
    };
    let restored = evaluate(&trained, &AeRunConfig { salt: 0.0, ..cfg }, &mnist_test(), &device);
    assert!(restored < 0.5 * noisy_mse, "noisy input MSE {noisy_mse:.4}, restored {restored:.4}");
    assert!(state.test_mse.is_some());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn vit_runs_learn_from_unlabelled_images_by_hiding_patches_and_by_contrast() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    use sesame::model::vit::{VitConfig, VitObjective};
    use sesame::train::autoencoder::{evaluate, train, AeRunConfig, VitTraining};
    let device = Device::flex();
    let model = VitConfig { hidden: 32, layers: 2, heads: 2, intermediate: 64, ..VitConfig::default() };
    for (name, objective, epochs) in [("masked", VitObjective::MaskedPatch { ratio: 0.5 }, 6), ("contrastive", VitObjective::Contrastive { temperature: 0.2 }, 15)] {
        let dir = std::env::temp_dir().join(format!("sesame-vit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cfg = AeRunConfig {
            data: MINI.into(),
            model: AutoencoderConfig::new(0),
            batch: 64,
            epochs,
            lr: 2e-3,
            seed: 5,
            noise: 0.0,
            salt: 0.0,
            vq: None,
            normal_class: None,
            vit: Some(VitTraining { model: model.clone(), objective }),
        };
        let t0 = std::time::Instant::now();
        let state = train(&dir, Some(cfg.clone()), 10.0).unwrap();
        assert_eq!(state.step, epochs * 1000usize.div_ceil(64));
        let after = state.test_mse.unwrap();
        let before = evaluate(&model.init(&device), &cfg, &mnist_test(), &device);
        eprintln!("FIGURE vit {name}: test figure {before:.4} untrained → {after:.4} after {epochs} epochs ({:.1} s)", t0.elapsed().as_secs_f64());
        match objective {
            // Hidden patches: the guess beats a fresh model's by far.
            VitObjective::MaskedPatch { .. } => assert!(after < 0.5 * before, "masked-patch MSE {before:.4} → {after:.4}"),
            // Contrastive: two views of one image are found among the test batch more often.
            VitObjective::Contrastive { .. } => assert!(after < before - 0.15, "NT-Xent {before:.4} → {after:.4}"),
        }
        let log = std::fs::read_to_string(dir.join("log.jsonl")).unwrap();
        assert!(log.contains(if name == "masked" { "test_masked_mse" } else { "test_nt_xent" }));
        // Resuming a finished run does nothing more.
        assert_eq!(train(&dir, None, 10.0).unwrap().step, state.step);
        std::fs::remove_dir_all(&dir).ok();
    }
}
