//! The auto-encoder's code used downstream, on the shipped files: a linear classifier on the
//! code of ae-mnist and on the raw pixels, trained on 10 / 100 / 1,000 labelled images of the
//! shipped 2,000 training images and judged on the shipped 1,000 test images (what the page
//! shows). The figures are printed and compared with `tests/fixtures/ae-downstream.json`, which
//! the browser test reads too (so the page's figures are the native ones); rewrite it with
//! `SESAME_WRITE_FIXTURE=1 cargo test --release --test native linear_probe`.

use std::path::Path;

use sesame::task::autoencoder_images::ImageSet;
use sesame::task::linear_probe::{ProbeConfig, ProbeData, LABEL_COUNTS};
use sesame::train::autoencoder_export::load_shipped;

fn shipped(name: &str) -> ImageSet {
    ImageSet::from_safetensors(&std::fs::read(Path::new("assets/models/demo-images/v1").join(name)).unwrap()).unwrap()
}

#[test]
fn codes_and_pixels_downstream_on_the_shipped_images() {
    let (train, test) = (shipped("mnist-train.safetensors"), shipped("mnist-test.safetensors"));
    let pixels = |s: &ImageSet| (0..s.len()).map(|i| s.image(i)).collect::<Vec<_>>();
    let config = ProbeConfig::default();
    let t0 = std::time::Instant::now();
    let raw = ProbeData::new(&pixels(&train), &train.labels, &pixels(&test), &test.labels).unwrap();
    let raw_acc: Vec<f64> = LABEL_COUNTS.iter().map(|&n| raw.run(n, &config).test_accuracy).collect();
    eprintln!("FIGURE pixels (784): {:?} in {:.1} s", raw_acc, t0.elapsed().as_secs_f64());
    let mut measured = serde_json::json!({ "labels": LABEL_COUNTS, "epochs": config.epochs, "pixels": raw_acc });
    for k in [2usize, 8, 32] {
        let (model, _) = load_shipped(Path::new("assets/models"), "ae-mnist", &format!("bottleneck-{k}.safetensors")).unwrap();
        let ids = |s: &ImageSet| (0..s.len()).collect::<Vec<_>>();
        let train_codes = sesame::block_on(model.codes(&train, &ids(&train))).unwrap();
        let test_codes = sesame::block_on(model.codes(&test, &ids(&test))).unwrap();
        let data = ProbeData::new(&train_codes, &train.labels, &test_codes, &test.labels).unwrap();
        let results: Vec<_> = LABEL_COUNTS.iter().map(|&n| data.run(n, &config)).collect();
        let acc: Vec<f64> = results.iter().map(|r| r.test_accuracy).collect();
        eprintln!("FIGURE code k={k}: {acc:?}");
        measured[format!("code-{k}")] = serde_json::json!(acc);
        for r in &results {
            assert_eq!(r.curve.len(), config.epochs);
            assert!(r.curve.last().unwrap() < &r.curve[0], "the loss falls");
        }
        // More labels never hurt much, and every classifier is far above chance (10 %).
        assert!(acc[2] > acc[0] && acc[0] > 0.2, "k={k}: {acc:?}");
        if k >= 8 {
            assert!(acc[2] > 0.75, "k={k}: {acc:?}");
        }
    }
    assert!(raw_acc[2] > 0.8 && raw_acc[0] > 0.3, "{raw_acc:?}");
    let path = Path::new("tests/fixtures/ae-downstream.json");
    if std::env::var("SESAME_WRITE_FIXTURE").is_ok() {
        std::fs::write(path, serde_json::to_string_pretty(&measured).unwrap() + "\n").unwrap();
    }
    let fixture: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for key in ["pixels", "code-2", "code-8", "code-32"] {
        let (a, b) = (measured[key].as_array().unwrap(), fixture[key].as_array().unwrap());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            // Five test images of 1,000: codes from another CPU kernel may move one or two.
            assert!((x.as_f64().unwrap() - y.as_f64().unwrap()).abs() <= 0.005, "{key}: {a:?} vs the fixture's {b:?}");
        }
    }
}
