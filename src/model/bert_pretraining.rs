//! BERT with its two pretraining heads, laid out like HF `transformers`' `BertForPreTraining`
//! so that Sesame's trained weights load there (and HF's here) by tensor name:
//!
//! - the **masked-LM head** (`cls.predictions.*`): dense + GELU + LayerNorm, then a decoder
//!   whose weight is *tied* to the word embeddings (`[V, H]`, one row per token) plus a bias;
//! - the **sentence-pair head** (`cls.seq_relationship.*`): a linear layer on the pooled
//!   `[CLS]` vector with 2 outputs. As in HF, class 0 means "B follows A" (NSP: B is the real
//!   next text; SOP: A and B are in their original order) and class 1 means it does not.
//!
//! Shapes: `B` batch, `T` tokens, `H` hidden, `V` vocabulary, `M` selected (masked) positions.

use burn::module::{Module, Param};
use burn::nn::{Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::{Device, Int, Tensor};

use super::bert::{load_layer_norm, load_linear, BertConfig, BertModel};
#[cfg(not(target_arch = "wasm32"))]
use super::bert::{export_linear, export_norm};
use super::host_ops::gelu;
use super::weights::{WeightError, Weights};

/// The masked-LM and sentence-pair heads.
#[derive(Module, Debug)]
pub struct PretrainingHeads {
    /// `[H, H]` `cls.predictions.transform.dense`.
    pub transform: Linear,
    /// `cls.predictions.transform.LayerNorm`.
    pub transform_norm: LayerNorm,
    /// `[V]` `cls.predictions.bias`: the decoder's per-token bias.
    pub decoder_bias: Param<Tensor<1>>,
    /// `[H, 2]` `cls.seq_relationship`.
    pub pair: Linear,
}

/// An encoder with its pretraining heads: what Sesame trains and what the masking and
/// sentence-pair pages run.
#[derive(Module, Debug)]
pub struct BertForPreTraining {
    /// The encoder (`bert.*`); it always has a pooler here, since the pair head reads it.
    pub bert: BertModel,
    /// The heads (`cls.*`).
    pub heads: PretrainingHeads,
}

impl PretrainingHeads {
    /// Fresh heads for `config` (decoder bias zero, as in BERT's initialisation).
    pub fn init(config: &BertConfig, device: &Device) -> Self {
        let h = config.hidden_size;
        let normal = Initializer::Normal { mean: 0.0, std: config.initializer_range };
        Self {
            transform: LinearConfig::new(h, h).with_initializer(normal.clone()).init(device),
            transform_norm: LayerNormConfig::new(h).with_epsilon(config.layer_norm_eps).init(device),
            decoder_bias: Param::from_tensor(Tensor::zeros([config.vocab_size], device)),
            pair: LinearConfig::new(h, 2).with_initializer(normal).init(device),
        }
    }
}

impl BertForPreTraining {
    /// A randomly initialised model (pretraining from scratch).
    pub fn init(config: &BertConfig, device: &Device) -> Self {
        Self { bert: config.init(device), heads: PretrainingHeads::init(config, device) }
    }

    /// Replaces the position table with scaled sinusoids (Vaswani et al. 2017) of the same
    /// standard deviation as the normal initialisation: relative offsets are then linear maps
    /// of the table from the first step, which helps a small model from scratch find its
    /// neighbours sooner. The table stays a trained parameter (HF's `position_embeddings`).
    pub fn with_sinusoidal_positions(mut self, config: &BertConfig, device: &Device) -> Self {
        let (n, h) = (config.max_position_embeddings, config.hidden_size);
        let scale = config.initializer_range * std::f64::consts::SQRT_2;
        let mut table = vec![0f32; n * h];
        for pos in 0..n {
            for i in 0..h / 2 {
                let angle = pos as f64 / 10000f64.powf(2.0 * i as f64 / h as f64);
                table[pos * h + 2 * i] = (angle.sin() * scale) as f32;
                table[pos * h + 2 * i + 1] = (angle.cos() * scale) as f32;
            }
        }
        let t = Tensor::<2>::from_data(burn::tensor::TensorData::new(table, [n, h]), device); // [window, H]
        self.bert.embeddings.position_embeddings.weight = Param::from_tensor(t);
        self
    }

    /// Offsets the heads of the first block attend to at step 0 (see [`Self::with_local_attention`]).
    pub const LOCAL_OFFSETS: [i64; 4] = [-1, 1, -2, 2];

    /// Starts the first block's heads as fixed-offset "neighbour" heads: head `h` attends to the
    /// token at `LOCAL_OFFSETS[h % 4]` from each position. Call after
    /// [`Self::with_sinusoidal_positions`]: the sinusoid table turns a shift by `δ` positions into
    /// a rotation of each (sin, cos) pair by `ω·δ`, so a query projection `R_δ` and an identity key
    /// projection on the first head-size dimensions give scores `∝ Σ_k cos(ω_k (i + δ − j))`,
    /// which peak at `j = i + δ`. The word and segment embeddings start at zero in those
    /// dimensions, or every token would score itself highest. Uniform attention at
    /// initialisation averages the whole sequence away, and a small model from scratch then
    /// spends thousands of steps predicting unigram frequencies before it finds its neighbours;
    /// starting from neighbour heads skips that plateau. Every tensor stays an ordinary trained
    /// parameter in HF's layout: only the starting point differs.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_local_attention(mut self, config: &BertConfig, device: &Device) -> Self {
        let (h, n) = (config.hidden_size, config.num_attention_heads);
        let d = h / n;
        // Zero the first `d` columns, which the neighbour heads read. Rebuilt from host data:
        // on an autodiff device the result of a tensor op cannot become a parameter.
        let clear = |t: Tensor<2>| {
            let [rows, cols] = t.dims();
            let mut v = t.into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 weights");
            v.chunks_mut(cols).for_each(|row| row[..d].fill(0.0));
            Param::from_tensor(Tensor::<2>::from_data(burn::tensor::TensorData::new(v, [rows, cols]), device))
        };
        let e = &mut self.bert.embeddings;
        e.word_embeddings.weight = clear(e.word_embeddings.weight.val()); // [V, H]
        e.token_type_embeddings.weight = clear(e.token_type_embeddings.weight.val()); // [2, H]
        // Query/key gain: ~0.8 of each head's attention on its offset at the start (H = 256).
        let gain = 2.5f64;
        let (mut wq, mut wk) = (vec![0f32; h * h], vec![0f32; h * h]); // [in H, out H] as burn's Linear stores them
        for head in 0..n {
            let delta = Self::LOCAL_OFFSETS[head % Self::LOCAL_OFFSETS.len()] as f64;
            for k in 0..d / 2 {
                let omega = 1.0 / 10000f64.powf(2.0 * k as f64 / h as f64);
                let (sin, cos) = (omega * delta).sin_cos();
                let (i0, i1, o0, o1) = (2 * k, 2 * k + 1, head * d + 2 * k, head * d + 2 * k + 1);
                wq[i0 * h + o0] = (gain * cos) as f32;
                wq[i1 * h + o0] = (gain * sin) as f32;
                wq[i0 * h + o1] = (-gain * sin) as f32;
                wq[i1 * h + o1] = (gain * cos) as f32;
                wk[i0 * h + o0] = gain as f32;
                wk[i1 * h + o1] = gain as f32;
            }
        }
        let matrix = |w: Vec<f32>| Param::from_tensor(Tensor::<2>::from_data(burn::tensor::TensorData::new(w, [h, h]), device)); // [H, H]
        if let Some(first) = self.bert.layers.first_mut() {
            first.attention.query.weight = matrix(wq);
            first.attention.key.weight = matrix(wk);
            first.attention.query.bias = Some(Param::from_tensor(Tensor::zeros([h], device)));
            first.attention.key.bias = Some(Param::from_tensor(Tensor::zeros([h], device)));
        }
        self
    }

    /// "Mimetic" attention initialisation (Trockman & Kolter 2023): each block's key projection
    /// starts as a copy of its query projection, so that at step 0 every head scores a pair of
    /// tokens by how similar their inputs are. With sinusoidal positions, neighbours have similar
    /// inputs, so attention starts out local instead of uniform; a model from scratch then learns
    /// neighbour statistics (the bigrams a fill-in needs) far sooner. Only the starting point
    /// changes: both projections stay separate trained parameters in HF's layout.
    pub fn with_mimetic_attention(mut self) -> Self {
        for layer in &mut self.bert.layers {
            let q = &layer.attention.query;
            layer.attention.key.weight = Param::from_tensor(q.weight.val()); // [H, H], same values, new parameter
            if let (Some(qb), Some(_)) = (&q.bias, &layer.attention.key.bias) {
                layer.attention.key.bias = Some(Param::from_tensor(qb.val()));
            }
        }
        self
    }

    /// Sets the masked-LM decoder bias `[V]` (for instance to log unigram frequencies, so that
    /// a fresh model starts at the unigram prediction; see `train::bert_examples::log_unigram_prior`).
    pub fn with_decoder_bias(mut self, bias: Vec<f32>, device: &Device) -> Self {
        let v = bias.len();
        self.heads.decoder_bias = Param::from_tensor(Tensor::from_data(burn::tensor::TensorData::new(bias, [v]), device)); // [V]
        self
    }

    /// Starts the masked-LM transform at the identity (zero bias), so new heads on a pretrained
    /// encoder first decode its last hidden state straight through the tied word embeddings.
    pub fn with_identity_transform(mut self, device: &Device) -> Self {
        let [h, _] = self.heads.transform.weight.dims();
        self.heads.transform.weight = Param::from_tensor(Tensor::eye(h, device)); // [H, H]
        self.heads.transform.bias = Some(Param::from_tensor(Tensor::zeros([h], device))); // [H]
        self
    }

    /// Puts new heads on an existing encoder (continued pretraining of a model that came
    /// without them). A missing pooler is created fresh.
    pub fn with_new_heads(mut bert: BertModel, config: &BertConfig, device: &Device) -> Self {
        if bert.pooler.is_none() {
            bert.pooler = Some(LinearConfig::new(config.hidden_size, config.hidden_size).init(device));
        }
        Self { bert, heads: PretrainingHeads::init(config, device) }
    }

    /// Loads encoder and heads from HF `BertForPreTraining` tensor names. `cls.predictions.decoder.weight`
    /// is not read: the decoder is tied to the word embeddings.
    pub fn load(config: &BertConfig, weights: &mut Weights, device: &Device) -> Result<Self, WeightError> {
        let bert = config.load(weights, device)?;
        if bert.pooler.is_none() {
            return Err(WeightError::Missing("bert.pooler.dense.weight".into()));
        }
        let h = config.hidden_size;
        let mut heads = PretrainingHeads::init(config, device);
        load_linear(&mut heads.transform, weights, "cls.predictions.transform.dense", h, h, device)?;
        load_layer_norm(&mut heads.transform_norm, weights, "cls.predictions.transform.LayerNorm", h, device)?;
        heads.decoder_bias = Param::from_tensor(weights.tensor1("cls.predictions.bias", config.vocab_size, device)?);
        load_linear(&mut heads.pair, weights, "cls.seq_relationship", h, 2, device)?;
        Ok(Self { bert, heads })
    }

    /// Masked-LM logits at selected positions.
    ///
    /// `hidden`: `[B, T, H]` encoder output; `positions`: `[M]` indices into the flattened
    /// `B·T` tokens (`row·T + column`) → `[M, V]`. Only covered tokens are decoded, which
    /// saves the `T·H·V` product for every other token.
    pub fn mlm_logits(&self, hidden: Tensor<3>, positions: Tensor<1, Int>) -> Tensor<2> {
        let [b, t, h] = hidden.dims();
        let picked = hidden.reshape([b * t, h]).select(0, positions); // [M, H]
        let x = self.heads.transform_norm.forward(gelu(self.heads.transform.forward(picked))); // [M, H]
        let table = self.bert.embeddings.word_embeddings.weight.val(); // [V, H]
        let [v, _] = table.dims();
        super::times_rows_of(x, table) + self.heads.decoder_bias.val().reshape([1, v]) // [M, V]
    }

    /// Sentence-pair logits from the encoder output: `[B, T, H]` → `[B, 2]`
    /// (class 0: B follows A; class 1: it does not).
    pub fn pair_logits(&self, hidden: Tensor<3>) -> Tensor<2> {
        let pooled = self.bert.pool(hidden).expect("BertForPreTraining always has a pooler"); // [B, H]
        self.heads.pair.forward(pooled) // [B, 2]
    }

    /// Copies every parameter out under HF `BertForPreTraining` names (linear weights
    /// transposed back to `[out, in]`), for checkpoints and shipping. Native tools only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export(&self) -> Weights {
        let mut w = Weights::default();
        self.bert.export_into(&mut w, "bert.");
        export_linear(&mut w, "cls.predictions.transform.dense", &self.heads.transform);
        export_norm(&mut w, "cls.predictions.transform.LayerNorm", &self.heads.transform_norm);
        w.insert_tensor("cls.predictions.bias", self.heads.decoder_bias.val());
        export_linear(&mut w, "cls.seq_relationship", &self.heads.pair);
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Keep;

    fn tiny() -> BertConfig {
        let mut c = BertConfig::new(50, 16, 2, 2, 32);
        c.max_position_embeddings = 12;
        c
    }

    #[test]
    fn heads_have_the_documented_shapes() {
        let device = Device::flex();
        let config = tiny();
        let model = BertForPreTraining::init(&config, &device);
        let ids = Tensor::<2, Int>::from_ints([[2, 7, 9, 3], [2, 5, 3, 0]], &device);
        let types = Tensor::<2, Int>::zeros([2, 4], &device);
        let mask = Tensor::<2, Int>::from_ints([[1, 1, 1, 1], [1, 1, 1, 0]], &device);
        let out = model.bert.forward(ids, types, mask, Keep::default());
        let logits = model.mlm_logits(out.last_hidden.clone(), Tensor::from_ints([1, 6], &device));
        assert_eq!(logits.dims(), [2, 50]);
        assert_eq!(model.pair_logits(out.last_hidden).dims(), [2, 2]);
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn local_attention_starts_on_the_neighbours() {
        let device = Device::flex();
        // The shipped Chinese model's width: 4 heads of 64, so 32 frequency pairs per head.
        let mut config = BertConfig::new(200, 256, 1, 4, 256);
        config.max_position_embeddings = 48;
        config.initializer_range = 0.0625;
        let model = BertForPreTraining::init(&config, &device).with_sinusoidal_positions(&config, &device).with_local_attention(&config, &device);
        let mut rng = crate::rng::Rng::new(7);
        let t = 40;
        let ids: Vec<i64> = (0..t).map(|_| 5 + rng.below(190) as i64).collect();
        let out = model.bert.forward(
            Tensor::<2, Int>::from_data(burn::tensor::TensorData::new(ids, [1, t]), &device),
            Tensor::zeros([1, t], &device),
            Tensor::ones([1, t], &device),
            Keep { hidden_states: false, attentions: true },
        );
        let probs = out.attentions[0].clone().into_data().try_to_vec::<f32>().unwrap(); // [1, N, T, T]
        for (head, delta) in BertForPreTraining::LOCAL_OFFSETS.iter().enumerate() {
            let rows: Vec<usize> = (2..t - 2).collect();
            let mass = rows.iter().map(|&i| probs[head * t * t + i * t + (i as i64 + delta) as usize]).sum::<f32>() / rows.len() as f32;
            let near = rows.iter().map(|&i| (-1..=1).map(|e| probs[head * t * t + i * t + (i as i64 + delta + e) as usize]).sum::<f32>()).sum::<f32>() / rows.len() as f32;
            println!("head {head} (offset {delta}): {mass:.2} on the neighbour, {near:.2} within one of it (uniform: {:.3})", 1.0 / t as f32);
            assert!(mass > 0.6 && near > 0.9, "head {head} (offset {delta}) puts only {mass:.2} on its neighbour");
        }
    }

    #[test]
    fn export_then_load_gives_the_same_logits() {
        let device = Device::flex();
        let config = tiny();
        let model = BertForPreTraining::init(&config, &device);
        let mut weights = model.export();
        assert!(weights.contains("cls.predictions.bias") && weights.contains("bert.pooler.dense.weight"));
        let back = BertForPreTraining::load(&config, &mut weights, &device).unwrap();
        let run = |m: &BertForPreTraining| {
            let ids = Tensor::<2, Int>::from_ints([[2, 7, 9, 3]], &device);
            let out = m.bert.forward(ids, Tensor::zeros([1, 4], &device), Tensor::ones([1, 4], &device), Keep::default());
            let l = m.mlm_logits(out.last_hidden.clone(), Tensor::from_ints([2], &device));
            let p = m.pair_logits(out.last_hidden);
            (l.into_data().try_to_vec::<f32>().unwrap(), p.into_data().try_to_vec::<f32>().unwrap())
        };
        let (a, b) = (run(&model), run(&back));
        let diff = a.0.iter().chain(&a.1).zip(b.0.iter().chain(&b.1)).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
        assert!(diff < 1e-5, "max diff {diff}");
    }
}
