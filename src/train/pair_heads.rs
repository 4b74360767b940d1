//! NSP beside SOP (native only): two sentence-pair heads trained on one frozen pretrained BERT,
//! with the same recipe, so that the two pretraining tasks the lecture contrasts can be compared
//! on the same encoder and the same held-out documents.
//!
//! - **NSP** (next-sentence prediction, BERT): is B the text that followed A, or a span from a
//!   random document? Half the pairs are each.
//! - **SOP** (sentence-order prediction, ALBERT): are two consecutive spans in their original
//!   order, or swapped? Half the pairs are each.
//!
//! Pairs come from the pretraining example builder (`bert_examples::Sampler`) over the model's own
//! corpus, uncorrupted (no [MASK]): training pairs from the training documents, held-out pairs
//! from the held-out documents. The encoder and its own pair head stay frozen, so the `[CLS]`
//! vectors are computed once; each head (a copy of the encoder's pooler and a fresh 2-way layer,
//! [`PairProbe`]) is then trained on them with AdamW. Every head — NSP, SOP and the encoder's own
//! pretraining head — is scored on both held-out sets: a head that only checks whether A and B
//! share a topic passes NSP and fails SOP.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::model::bert_pretraining::BertForPreTraining;
use crate::model::pair_probe::PairProbe;
use crate::model::weights::to_f16_safetensors;
use crate::model::{Keep, Weights};
use crate::rng::Rng;

use super::bert::{self, cross_entropy, BertRunConfig};
use super::bert_examples::{collate, Example, PairTask, Sampler};
use super::qa::pass_order;
use super::qa_export::round;
use super::run;

/// Everything that defines the two heads' training (kept in the card).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairHeadsConfig {
    /// The shipped pretrained BERT the heads sit on (`assets/models/bert-zh/v1`).
    pub model: PathBuf,
    /// Training pairs per task.
    pub train_pairs: usize,
    /// Held-out pairs per task.
    pub valid_pairs: usize,
    /// Passes over the training pairs.
    pub epochs: usize,
    /// Pairs per step.
    pub batch: usize,
    /// Peak learning rate (10 % warm-up, then linear decay).
    pub lr: f64,
    /// Seed of the pairs, the head's initialisation and the data order.
    pub seed: u64,
}

/// The `[CLS]` vectors of a set of pairs, their labels, and the encoder's own head's verdicts.
pub struct PairSet {
    /// `[N·H]` the last layer's `[CLS]` vector of each pair.
    pub cls: Vec<f32>,
    /// `[N]` 0: B follows A / in order; 1: it does not.
    pub labels: Vec<u32>,
    /// `[N]` the encoder's own pretraining head's class.
    pub own_head: Vec<u32>,
    /// Hidden size.
    pub h: usize,
}

impl PairSet {
    /// Pairs in the set.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Share of pairs the encoder's own pair head gets right.
    pub fn own_head_accuracy(&self) -> f64 {
        self.own_head.iter().zip(&self.labels).filter(|(p, l)| p == l).count() as f64 / self.len().max(1) as f64
    }

    /// Rows `rows` as tensors: `[R, H]` vectors and `[R]` labels.
    fn rows(&self, rows: &[usize], device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
        let h = self.h;
        let x: Vec<f32> = rows.iter().flat_map(|&r| self.cls[r * h..(r + 1) * h].iter().copied()).collect();
        let y: Vec<i64> = rows.iter().map(|&r| self.labels[r] as i64).collect();
        (Tensor::from_data(TensorData::new(x, [rows.len(), h]), device), Tensor::from_data(TensorData::new(y, [rows.len()]), device))
    }
}

/// `n` uncorrupted pairs of `task` (the sampler's masked tokens put back).
pub fn clean_pairs(sampler: &Sampler, n: usize, rng: &mut Rng) -> Vec<Example> {
    (0..n)
        .map(|_| {
            let mut e = sampler.example(rng);
            for &(p, id) in &e.targets {
                e.input[p] = id;
            }
            e.targets.clear();
            e
        })
        .collect()
}

/// Runs the frozen encoder over `examples` (batches of 32, CPU): their `[CLS]` vectors and the
/// encoder's own pair head's classes.
pub fn encode(model: &BertForPreTraining, examples: &[Example], pad: u32, device: &Device) -> PairSet {
    let h = model.bert.embeddings.word_embeddings.weight.dims()[1];
    let mut set = PairSet { cls: Vec::with_capacity(examples.len() * h), labels: Vec::new(), own_head: Vec::new(), h };
    for chunk in examples.chunks(32) {
        let b = collate(chunk, pad);
        let int2 = |v: &Vec<i64>| Tensor::<2, Int>::from_data(TensorData::new(v.clone(), [b.rows, b.cols]), device);
        let hidden = model.bert.forward(int2(&b.ids), int2(&b.types), int2(&b.mask), Keep::default()).last_hidden; // [B, T, H]
        let own = model.pair_logits(hidden.clone()).argmax(1); // [B, 1]
        let cls = hidden.narrow(1, 0, 1).reshape([b.rows, h]); // [B, H]
        set.cls.extend(cls.into_data().convert::<f32>().try_to_vec::<f32>().expect("f32"));
        set.own_head.extend(own.into_data().convert::<i64>().try_to_vec::<i64>().expect("ints").into_iter().map(|c| c as u32));
        set.labels.extend(chunk.iter().map(|e| e.pair_label));
    }
    set
}

/// A head's loss and accuracy on a set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HeadEval {
    /// Mean cross-entropy.
    pub loss: f64,
    /// Share classified right.
    pub accuracy: f64,
}

/// Scores `probe` on every pair of `set`.
pub fn evaluate(probe: &PairProbe, set: &PairSet, device: &Device) -> HeadEval {
    let rows: Vec<usize> = (0..set.len()).collect();
    let (mut loss, mut right) = (0.0, 0usize);
    for chunk in rows.chunks(512) {
        let (x, y) = set.rows(chunk, device);
        let logits = probe.forward_cls(x); // [R, 2]
        loss += run::scalar(cross_entropy(logits.clone(), y)) * chunk.len() as f64;
        let pred = logits.argmax(1).into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_default();
        right += pred.iter().zip(chunk).filter(|(p, &r)| **p as u32 == set.labels[r]).count();
    }
    let n = set.len().max(1) as f64;
    HeadEval { loss: loss / n, accuracy: right as f64 / n }
}

/// One point of a head's curve: after `epoch` passes, the mean training loss of that pass and
/// the held-out figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Passes done.
    pub epoch: usize,
    /// Steps done.
    pub step: usize,
    /// Mean training loss over the pass (absent at epoch 0).
    pub train_loss: Option<f64>,
    /// Held-out figures.
    pub valid: HeadEval,
}

/// Trains one head from `start` (on an autodiff device) on `train`, scoring it on `valid` after
/// every pass; returns the trained head (on the plain device) and its curve.
pub fn train_head(start: PairProbe, train: &PairSet, valid: &PairSet, cfg: &PairHeadsConfig, device: &Device) -> (PairProbe, Vec<CurvePoint>) {
    let eval_device = device.clone().inner();
    let mut probe = start;
    let mut optim = run::optimizer();
    let steps_per_epoch = train.len().div_ceil(cfg.batch);
    let total = steps_per_epoch * cfg.epochs;
    let mut curve = vec![CurvePoint { epoch: 0, step: 0, train_loss: None, valid: evaluate(&probe.valid(), valid, &eval_device) }];
    let mut step = 0;
    for epoch in 0..cfg.epochs {
        let order = pass_order(train.len(), cfg.seed, epoch);
        let mut sum = 0.0;
        for rows in order.chunks(cfg.batch) {
            let (x, y) = train.rows(rows, device);
            let loss = cross_entropy(probe.forward_cls(x), y);
            sum += run::scalar(loss.clone());
            let grads = GradientsParams::from_grads(loss.backward(), &probe);
            probe = optim.step(run::linear_schedule(cfg.lr, 0.1, step, total), probe, grads);
            step += 1;
        }
        curve.push(CurvePoint { epoch: epoch + 1, step, train_loss: Some(sum / steps_per_epoch as f64), valid: evaluate(&probe.valid(), valid, &eval_device) });
    }
    (probe.valid(), curve)
}

/// The two heads trained, their curves and every head's held-out figures.
pub struct PairHeads {
    /// Settings.
    pub cfg: PairHeadsConfig,
    /// The NSP head.
    pub nsp: PairProbe,
    /// The SOP head.
    pub sop: PairProbe,
    /// The card (data, settings, curves, the cross table, timing).
    pub card: Value,
}

/// Trains the NSP and SOP heads on the frozen model `cfg.model`, whose corpus settings are `data_cfg`
/// (as `sesame-train eval` builds them from the model's card).
pub fn train(cfg: &PairHeadsConfig, data_cfg: &BertRunConfig) -> Result<PairHeads, String> {
    let t0 = Instant::now();
    let (config, model) = super::bert_export::load_exported(&cfg.model)?;
    let data = bert::load_data(data_cfg)?;
    let plain = Device::flex();
    let mut sets = Vec::new();
    for (i, task) in [PairTask::Nsp, PairTask::Sop].into_iter().enumerate() {
        let mut rng = Rng::new(cfg.seed ^ (0x9A12 + i as u64));
        let train = Sampler::new(&data.sources, data.vocab.clone(), data_cfg.seq, task, false);
        let valid = Sampler::new(&data.sources, data.vocab.clone(), data_cfg.seq, task, true);
        let (tr, va) = (clean_pairs(&train, cfg.train_pairs, &mut rng), clean_pairs(&valid, cfg.valid_pairs, &mut rng));
        let pad = train.pad();
        sets.push((encode(&model, &tr, pad, &plain), encode(&model, &va, pad, &plain)));
        eprintln!("{}: {} + {} pairs encoded ({:.0} s)", task.code(), tr.len(), va.len(), t0.elapsed().as_secs_f64());
    }
    let encode_seconds = t0.elapsed().as_secs_f64();
    let device = Device::flex().autodiff();
    device.seed(cfg.seed);
    let base = model.export();
    let h = config.hidden_size;
    let mut heads = Vec::new();
    let mut curves = Vec::new();
    for (train, valid) in &sets {
        let start = PairProbe::from_pooler(&mut base.clone(), h, config.initializer_range, &device).map_err(|e| e.to_string())?;
        let (probe, curve) = train_head(start, train, valid, cfg, &device);
        // What ships is f16: score the head as it will be read back.
        let mut w = Weights::default();
        probe.export_into(&mut w, "");
        let mut back = Weights::from_safetensors(&to_f16_safetensors(&w).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        heads.push(PairProbe::load(&mut back, "", h, &plain).map_err(|e| e.to_string())?);
        curves.push(curve);
    }
    let train_seconds = t0.elapsed().as_secs_f64() - encode_seconds;
    let names = ["nsp", "sop"];
    let table: Vec<Value> = heads
        .iter()
        .zip(names)
        .map(|(head, name)| {
            let (nsp, sop) = (evaluate(head, &sets[0].1, &plain), evaluate(head, &sets[1].1, &plain));
            json!({"head": name, "nsp_pairs": {"accuracy": round(nsp.accuracy), "loss": round(nsp.loss)}, "sop_pairs": {"accuracy": round(sop.accuracy), "loss": round(sop.loss)}})
        })
        .chain(std::iter::once(json!({"head": "pretraining", "nsp_pairs": {"accuracy": round(sets[0].1.own_head_accuracy())}, "sop_pairs": {"accuracy": round(sets[1].1.own_head_accuracy())}})))
        .collect();
    let curve_json = |c: &[CurvePoint]| -> Vec<Value> {
        c.iter().map(|p| json!({"epoch": p.epoch, "step": p.step, "train_loss": p.train_loss.map(round), "valid_loss": round(p.valid.loss), "valid_accuracy": round(p.valid.accuracy)})).collect()
    };
    let card = json!({
        "settings": cfg,
        "seq": data_cfg.seq,
        "pairs": {"train": cfg.train_pairs, "held_out": cfg.valid_pairs, "from": "the model's own corpus, uncorrupted: training pairs from its training documents, held-out pairs from its held-out documents (every 20th of each source)"},
        "curves": {"nsp": curve_json(&curves[0]), "sop": curve_json(&curves[1])},
        "held_out": table,
        "seconds": {"encode": encode_seconds.round(), "train": train_seconds.round()},
    });
    let mut heads = heads.into_iter();
    Ok(PairHeads { cfg: cfg.clone(), nsp: heads.next().expect("nsp"), sop: heads.next().expect("sop"), card })
}

/// Writes `heads.safetensors` (f16: `nsp.*` and `sop.*` under HF names) into `dir`.
pub fn write_heads(dir: &Path, nsp: &PairProbe, sop: &PairProbe) -> Result<(), String> {
    let mut w = Weights::default();
    nsp.export_into(&mut w, "nsp.");
    sop.export_into(&mut w, "sop.");
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("heads.safetensors"), to_f16_safetensors(&w).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// Ships the heads into `to` (`assets/models/pair-heads-zh/v1`): `heads.safetensors`,
/// `config.json` (hidden size, head names, the base model) and `card.json`, and adds the
/// manifest entry. Returns the card.
pub fn export(heads: &PairHeads, base_dir: &Path, to: &Path, manifest: &Path, command: &str) -> Result<Value, String> {
    write_heads(to, &heads.nsp, &heads.sop)?;
    let base_card: Value = run::read_json(&base_dir.join("card.json"))?;
    let base_config: Value = run::read_json(&base_dir.join("config.json"))?;
    let version_of = |d: &Path| d.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let base_id = base_dir.parent().map(version_of).unwrap_or_default();
    let id = to.parent().map(version_of).ok_or("the heads must go into assets/models/ID/VERSION")?;
    let base = format!("{base_id}/{}", version_of(base_dir));
    let config = json!({"hidden_size": base_config["hidden_size"], "heads": ["nsp", "sop"], "sesame_pair_heads_base": base});
    let mut card = heads.card.clone();
    let language = base_card["language"].clone();
    let extra = json!({
        "id": id,
        "name": format!("NSP and SOP heads on {base}"),
        "language": language,
        "base_model": base,
        "architecture": "two sentence-pair heads (BertForPreTraining's pooler + seq_relationship, one copy each) on the frozen base encoder's last-layer [CLS] vector; class 0 = B follows A / in order",
        "data": base_card["data"],
        "license": "Apache-2.0 (the base model's terms apply to the encoder)",
        "command": command,
    });
    for (k, v) in extra.as_object().expect("object") {
        card[k] = v.clone();
    }
    let write = |name: &str, v: &Value| std::fs::write(to.join(name), serde_json::to_string_pretty(v).map_err(|e| e.to_string())? + "\n").map_err(|e| e.to_string());
    write("config.json", &config)?;
    write("card.json", &card)?;
    super::bert_export::manifest_entry_for(manifest, to, &id, &format!("NSP and SOP heads ({base})"), &["heads.safetensors", "config.json", "card.json"])?;
    Ok(card)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::bert_examples::{TokenizedSource, Vocab};

    #[test]
    fn clean_pairs_have_no_mask_and_keep_their_labels() {
        let doc = |base: u32| (0..6).map(|s| (0..5).map(|t| base + s * 10 + t).collect()).collect();
        let src = vec![TokenizedSource { name: "t".into(), path: "t".into(), weight: 1.0, train: vec![doc(1000), doc(2000), doc(3000)], valid: vec![doc(4000)] }];
        let vocab = Vocab { cls: 101, sep: 102, mask: 103, pad: 0, ordinary: 999..5000, continuation: vec![] };
        let s = Sampler::new(&src, vocab, 24, PairTask::Sop, false);
        let pairs = clean_pairs(&s, 200, &mut Rng::new(1));
        assert!(pairs.iter().all(|e| e.targets.is_empty() && !e.input.contains(&103)));
        // Each span is consecutive ids, so an in-order pair rises across [SEP] and a swapped one falls.
        for e in &pairs {
            let sep = e.input.iter().position(|&t| t == 102).unwrap();
            if sep + 2 < e.input.len() && sep > 1 {
                let (last_a, first_b) = (e.input[sep - 1], e.input[sep + 1]);
                assert_eq!(first_b > last_a, e.pair_label == 0, "{:?}", e.input);
            }
        }
        let swapped = pairs.iter().filter(|e| e.pair_label == 1).count();
        assert!((60..140).contains(&swapped), "{swapped}");
    }

    #[test]
    fn a_head_learns_a_separable_set() {
        let device = Device::flex().autodiff();
        // Class 1 where the first coordinate is positive.
        let mut rng = Rng::new(7);
        let n = 256;
        let cls: Vec<f32> = (0..n * 4).map(|_| rng.unit() as f32 * 2.0 - 1.0).collect();
        let labels: Vec<u32> = (0..n).map(|i| u32::from(cls[i * 4] > 0.0)).collect();
        let set = PairSet { cls, labels, own_head: vec![0; n], h: 4 };
        let cfg = PairHeadsConfig { model: PathBuf::new(), train_pairs: n, valid_pairs: n, epochs: 30, batch: 32, lr: 0.05, seed: 1 };
        let (probe, curve) = train_head(PairProbe::init(4, 0.5, &device), &set, &set, &cfg, &device);
        assert_eq!(curve.len(), 31);
        assert!(curve[30].valid.accuracy > 0.9, "{:?}", curve[30]);
        assert!(evaluate(&probe, &set, &Device::flex()).accuracy > 0.9);
        assert!((set.own_head_accuracy() - 0.5).abs() < 0.1);
    }
}
