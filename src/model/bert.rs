//! BERT encoder (Devlin et al. 2019) in burn, laid out like HF `transformers`' `BertModel`
//! so that its safetensors load by tensor name.
//!
//! One definition serves every device: burn 0.22 picks the backend at run time from the
//! [`Device`] (WebGPU in the browser, the `flex` CPU backend in wasm and natively, an
//! autodiff device for training), so this code never names a backend.
//!
//! Shapes use `B` = batch, `T` = tokens, `H` = hidden size, `N` = heads, `D` = head size.

use burn::module::{Module, Param};
use super::matmul::linear;
use burn::nn::{Dropout, Initializer, DropoutConfig, Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::{Device, Int, Tensor};
use serde::{Deserialize, Serialize};

use super::host_ops::{attention_softmax, gelu};
use super::weights::{linear_weight, WeightError, Weights};

/// Hyper-parameters of a BERT encoder. Field names follow HF `config.json`, so an HF config
/// deserialises into it directly (unknown fields are ignored, missing optional ones take
/// BERT's defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BertConfig {
    /// Number of rows of the word-embedding table (tokenizer vocabulary size).
    pub vocab_size: usize,
    /// Width of every hidden state (`H`).
    pub hidden_size: usize,
    /// Number of transformer blocks.
    pub num_hidden_layers: usize,
    /// Attention heads per block (`N`); `hidden_size` must be a multiple of it.
    pub num_attention_heads: usize,
    /// Width of the feed-forward layer inside each block.
    pub intermediate_size: usize,
    /// Longest input the position-embedding table covers: the model window, in tokens.
    #[serde(default = "defaults::window")]
    pub max_position_embeddings: usize,
    /// Number of segment (token-type) embeddings: 2 for sentence A / sentence B.
    #[serde(default = "defaults::segments")]
    pub type_vocab_size: usize,
    /// Epsilon of every LayerNorm.
    #[serde(default = "defaults::eps")]
    pub layer_norm_eps: f64,
    /// Dropout on embeddings and block outputs (training only).
    #[serde(default = "defaults::dropout")]
    pub hidden_dropout_prob: f64,
    /// Dropout on attention probabilities (training only).
    #[serde(default = "defaults::dropout")]
    pub attention_probs_dropout_prob: f64,
    /// Id of the padding token.
    #[serde(default)]
    pub pad_token_id: usize,
    /// Standard deviation of the normal initialisation of weights (BERT: 0.02).
    #[serde(default = "defaults::init_std")]
    pub initializer_range: f64,
}

/// BERT's defaults for the optional fields.
mod defaults {
    pub fn window() -> usize {
        512
    }
    pub fn segments() -> usize {
        2
    }
    pub fn eps() -> f64 {
        1e-12
    }
    pub fn dropout() -> f64 {
        0.1
    }
    pub fn init_std() -> f64 {
        0.02
    }
}

impl BertConfig {
    /// A config with the given sizes and BERT's defaults for the rest.
    pub fn new(vocab_size: usize, hidden_size: usize, num_hidden_layers: usize, num_attention_heads: usize, intermediate_size: usize) -> Self {
        Self {
            vocab_size,
            hidden_size,
            num_hidden_layers,
            num_attention_heads,
            intermediate_size,
            max_position_embeddings: defaults::window(),
            type_vocab_size: defaults::segments(),
            layer_norm_eps: defaults::eps(),
            hidden_dropout_prob: defaults::dropout(),
            attention_probs_dropout_prob: defaults::dropout(),
            pad_token_id: 0,
            initializer_range: defaults::init_std(),
        }
    }

    /// Size of one attention head (`D = H / N`).
    pub fn head_size(&self) -> usize {
        self.hidden_size / self.num_attention_heads
    }

    /// Checks that the numbers fit together, so a bad config fails with a message, not a panic.
    pub fn validate(&self) -> Result<(), String> {
        let nonzero = [
            ("vocab_size", self.vocab_size),
            ("hidden_size", self.hidden_size),
            ("num_hidden_layers", self.num_hidden_layers),
            ("num_attention_heads", self.num_attention_heads),
            ("intermediate_size", self.intermediate_size),
            ("max_position_embeddings", self.max_position_embeddings),
            ("type_vocab_size", self.type_vocab_size),
        ];
        if let Some((name, _)) = nonzero.iter().find(|(_, v)| *v == 0) {
            return Err(format!("BERT config: {name} must be > 0"));
        }
        if !self.hidden_size.is_multiple_of(self.num_attention_heads) {
            return Err(format!(
                "BERT config: hidden_size {} is not a multiple of num_attention_heads {}",
                self.hidden_size, self.num_attention_heads
            ));
        }
        Ok(())
    }

    /// A randomly initialised encoder (the starting point for pretraining from scratch).
    pub fn init(&self, device: &Device) -> BertModel {
        let h = self.hidden_size;
        let ln = || LayerNormConfig::new(h).with_epsilon(self.layer_norm_eps).init(device);
        // BERT's initialisation: weights ~ N(0, 0.02²), biases 0, LayerNorm (1, 0).
        let normal = Initializer::Normal { mean: 0.0, std: self.initializer_range };
        let linear = |i, o| LinearConfig::new(i, o).with_initializer(normal.clone()).init(device);
        let embedding = |n| EmbeddingConfig::new(n, h).with_initializer(normal.clone()).init(device);
        let embeddings = BertEmbeddings {
            word_embeddings: embedding(self.vocab_size),
            position_embeddings: embedding(self.max_position_embeddings),
            token_type_embeddings: embedding(self.type_vocab_size),
            layer_norm: ln(),
            dropout: DropoutConfig::new(self.hidden_dropout_prob).init(),
        };
        let layers = (0..self.num_hidden_layers)
            .map(|_| BertLayer {
                attention: BertSelfAttention {
                    query: linear(h, h),
                    key: linear(h, h),
                    value: linear(h, h),
                    num_heads: self.num_attention_heads,
                    dropout: DropoutConfig::new(self.attention_probs_dropout_prob).init(),
                },
                attention_output: linear(h, h),
                attention_norm: ln(),
                intermediate: linear(h, self.intermediate_size),
                output: linear(self.intermediate_size, h),
                output_norm: ln(),
                dropout: DropoutConfig::new(self.hidden_dropout_prob).init(),
            })
            .collect();
        BertModel { embeddings, layers, pooler: Some(linear(h, h)) }
    }

    /// An encoder whose parameters are moved out of `weights` by HF `BertModel` tensor names
    /// (`embeddings.*`, `encoder.layer.N.*`, `pooler.dense.*`; an optional `bert.` prefix is
    /// accepted). The pooler is loaded when present; other tensors (task heads) stay in `weights`.
    pub fn load(&self, weights: &mut Weights, device: &Device) -> Result<BertModel, WeightError> {
        self.validate().map_err(WeightError::Config)?;
        let prefix = if weights.contains("bert.embeddings.word_embeddings.weight") { "bert." } else { "" };
        let name = |n: &str| format!("{prefix}{n}");
        let h = self.hidden_size;
        let mut model = self.init(device);
        let e = &mut model.embeddings;
        e.word_embeddings.weight =
            Param::from_tensor(weights.tensor2(&name("embeddings.word_embeddings.weight"), [self.vocab_size, h], device)?);
        e.position_embeddings.weight = Param::from_tensor(weights.tensor2(
            &name("embeddings.position_embeddings.weight"),
            [self.max_position_embeddings, h],
            device,
        )?);
        e.token_type_embeddings.weight = Param::from_tensor(weights.tensor2(
            &name("embeddings.token_type_embeddings.weight"),
            [self.type_vocab_size, h],
            device,
        )?);
        load_layer_norm(&mut e.layer_norm, weights, &name("embeddings.LayerNorm"), h, device)?;
        for (i, layer) in model.layers.iter_mut().enumerate() {
            let p = name(&format!("encoder.layer.{i}"));
            let a = &mut layer.attention;
            load_linear(&mut a.query, weights, &format!("{p}.attention.self.query"), h, h, device)?;
            load_linear(&mut a.key, weights, &format!("{p}.attention.self.key"), h, h, device)?;
            load_linear(&mut a.value, weights, &format!("{p}.attention.self.value"), h, h, device)?;
            load_linear(&mut layer.attention_output, weights, &format!("{p}.attention.output.dense"), h, h, device)?;
            load_layer_norm(&mut layer.attention_norm, weights, &format!("{p}.attention.output.LayerNorm"), h, device)?;
            let f = self.intermediate_size;
            load_linear(&mut layer.intermediate, weights, &format!("{p}.intermediate.dense"), h, f, device)?;
            load_linear(&mut layer.output, weights, &format!("{p}.output.dense"), f, h, device)?;
            load_layer_norm(&mut layer.output_norm, weights, &format!("{p}.output.LayerNorm"), h, device)?;
        }
        let pooler = name("pooler.dense");
        if weights.contains(&format!("{pooler}.weight")) {
            let mut dense = LinearConfig::new(h, h).init(device);
            load_linear(&mut dense, weights, &pooler, h, h, device)?;
            model.pooler = Some(dense);
        } else {
            model.pooler = None;
        }
        Ok(model)
    }
}

/// Replaces a [`Linear`]'s parameters with HF ones (`{prefix}.weight` is `[out, in]` in HF,
/// `[in, out]` in burn, so it is transposed).
pub(super) fn load_linear(linear: &mut Linear, w: &mut Weights, prefix: &str, d_in: usize, d_out: usize, device: &Device) -> Result<(), WeightError> {
    linear.weight = Param::from_tensor(linear_weight(w, &format!("{prefix}.weight"), d_in, d_out, device)?); // [in, out]
    linear.bias = Some(Param::from_tensor(w.tensor1(&format!("{prefix}.bias"), d_out, device)?));
    Ok(())
}

/// Replaces a [`LayerNorm`]'s scale and shift with HF's `{prefix}.weight` / `{prefix}.bias`
/// (older checkpoints name them `gamma` / `beta`).
pub(super) fn load_layer_norm(norm: &mut LayerNorm, w: &mut Weights, prefix: &str, d: usize, device: &Device) -> Result<(), WeightError> {
    let (g, b) = if w.contains(&format!("{prefix}.gamma")) { ("gamma", "beta") } else { ("weight", "bias") };
    norm.gamma = Param::from_tensor(w.tensor1(&format!("{prefix}.{g}"), d, device)?);
    norm.beta = Some(Param::from_tensor(w.tensor1(&format!("{prefix}.{b}"), d, device)?));
    Ok(())
}

/// Token, position and segment embeddings, summed and normalised.
#[derive(Module, Debug)]
pub struct BertEmbeddings {
    /// `[vocab, H]`: the static, context-free vector of each token.
    pub word_embeddings: Embedding,
    /// `[window, H]`: one vector per position.
    pub position_embeddings: Embedding,
    /// `[segments, H]`: sentence A / sentence B.
    pub token_type_embeddings: Embedding,
    /// Normalises the sum.
    pub layer_norm: LayerNorm,
    /// Training-time dropout.
    pub dropout: Dropout,
}

impl BertEmbeddings {
    /// `ids`, `token_types`: `[B, T]` → `[B, T, H]`.
    pub fn forward(&self, ids: Tensor<2, Int>, token_types: Tensor<2, Int>) -> Tensor<3> {
        let [b, t] = ids.dims();
        let device = ids.device();
        let positions = Tensor::<1, Int>::arange(0..t as i64, &device).reshape([1, t]).repeat_dim(0, b); // [B, T]
        let x = self.word_embeddings.forward(ids)
            + self.position_embeddings.forward(positions)
            + self.token_type_embeddings.forward(token_types); // [B, T, H]
        self.dropout.forward(self.layer_norm.forward(x))
    }
}

/// Multi-head scaled dot-product self-attention.
#[derive(Module, Debug)]
pub struct BertSelfAttention {
    /// `[H, H]` query projection.
    pub query: Linear,
    /// `[H, H]` key projection.
    pub key: Linear,
    /// `[H, H]` value projection.
    pub value: Linear,
    /// Number of heads (`N`).
    pub num_heads: usize,
    /// Dropout on the attention probabilities.
    pub dropout: Dropout,
}

impl BertSelfAttention {
    /// `x`: `[B, T, H]`, `mask_bias`: `[B, 1, 1, T]` (0 for tokens, a large negative for padding)
    /// → (context `[B, T, H]`, attention probabilities `[B, N, T, T]`).
    pub fn forward(&self, x: Tensor<3>, mask_bias: Tensor<4>) -> (Tensor<3>, Tensor<4>) {
        let [b, t, h] = x.dims();
        let n = self.num_heads;
        let d = h / n;
        let heads = |y: Tensor<3>| y.reshape([b, t, n, d]).swap_dims(1, 2); // [B, N, T, D]
        let q = heads(linear(&self.query, x.clone()));
        let k = heads(linear(&self.key, x.clone()));
        let v = heads(linear(&self.value, x));
        let probs = attention_softmax(q.matmul(k.transpose()), 1.0 / (d as f64).sqrt(), mask_bias); // [B, N, T, T]
        let context = self.dropout.forward(probs.clone()).matmul(v); // [B, N, T, D]
        (context.swap_dims(1, 2).reshape([b, t, h]), probs)
    }
}

/// One transformer block: self-attention and feed-forward, each with a residual and
/// post-LayerNorm, as in the original BERT.
#[derive(Module, Debug)]
pub struct BertLayer {
    /// Self-attention (`attention.self.*`).
    pub attention: BertSelfAttention,
    /// `[H, H]` projection after attention (`attention.output.dense`).
    pub attention_output: Linear,
    /// `attention.output.LayerNorm`.
    pub attention_norm: LayerNorm,
    /// `[H, F]` feed-forward up-projection (`intermediate.dense`), GELU after it.
    pub intermediate: Linear,
    /// `[F, H]` feed-forward down-projection (`output.dense`).
    pub output: Linear,
    /// `output.LayerNorm`.
    pub output_norm: LayerNorm,
    /// Dropout on both residual branches.
    pub dropout: Dropout,
}

impl BertLayer {
    /// `x`: `[B, T, H]` → (`[B, T, H]`, attention `[B, N, T, T]`).
    pub fn forward(&self, x: Tensor<3>, mask_bias: Tensor<4>) -> (Tensor<3>, Tensor<4>) {
        let (context, probs) = self.attention.forward(x.clone(), mask_bias);
        let x = self.attention_norm.forward(x + self.dropout.forward(linear(&self.attention_output, context)));
        let ff = linear(&self.output, gelu(linear(&self.intermediate, x.clone()))); // [B, T, H]
        (self.output_norm.forward(x + self.dropout.forward(ff)), probs)
    }
}

/// The encoder: embeddings, a stack of [`BertLayer`]s, and the optional `[CLS]` pooler.
/// Task heads (MLM, NSP/SOP, QA) sit on top of [`BertModel::forward`]'s hidden states.
#[derive(Module, Debug)]
pub struct BertModel {
    /// Input embeddings.
    pub embeddings: BertEmbeddings,
    /// Transformer blocks (`encoder.layer.N`).
    pub layers: Vec<BertLayer>,
    /// `tanh(W·h_[CLS] + b)`, used by the sentence-pair head; absent in some checkpoints.
    pub pooler: Option<Linear>,
}

/// What [`BertModel::forward`] returns.
#[derive(Debug, Clone)]
pub struct BertOutput {
    /// `[B, T, H]` output of the last block.
    pub last_hidden: Tensor<3>,
    /// `L + 1` tensors `[B, T, H]`: the embedding output, then each block's output
    /// (HF's `hidden_states`). Empty unless asked for.
    pub hidden_states: Vec<Tensor<3>>,
    /// `L` tensors `[B, N, T, T]` of attention probabilities. Empty unless asked for.
    pub attentions: Vec<Tensor<4>>,
}

/// What [`BertModel::forward`] keeps besides the last hidden state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    /// Keep every layer's hidden states.
    pub hidden_states: bool,
    /// Keep every layer's attention probabilities (for visualisation).
    pub attentions: bool,
}

impl BertModel {
    /// Runs the encoder.
    ///
    /// `ids`, `token_types`: `[B, T]`; `attention_mask`: `[B, T]`, 1 for real tokens and 0 for
    /// padding. `T` must not exceed the position table (the caller checks the window).
    pub fn forward(&self, ids: Tensor<2, Int>, token_types: Tensor<2, Int>, attention_mask: Tensor<2, Int>, keep: Keep) -> BertOutput {
        let [b, t] = ids.dims();
        // 0 where attended, -1e9 where padded; broadcast over heads and query positions.
        let mask_bias = (attention_mask.float() - 1.0).mul_scalar(1e9).reshape([b, 1, 1, t]); // [B, 1, 1, T]
        let mut x = self.embeddings.forward(ids, token_types); // [B, T, H]
        let mut hidden_states = Vec::new();
        let mut attentions = Vec::new();
        if keep.hidden_states {
            hidden_states.push(x.clone());
        }
        for layer in &self.layers {
            let (y, probs) = layer.forward(x, mask_bias.clone());
            x = y;
            if keep.hidden_states {
                hidden_states.push(x.clone());
            }
            if keep.attentions {
                attentions.push(probs);
            }
        }
        BertOutput { last_hidden: x, hidden_states, attentions }
    }

    /// The pooled `[CLS]` vector `tanh(W·h_0 + b)`: `[B, T, H]` → `[B, H]`, if the model has a pooler.
    pub fn pool(&self, last_hidden: Tensor<3>) -> Option<Tensor<2>> {
        let [b, _, h] = last_hidden.dims();
        let cls = last_hidden.narrow(1, 0, 1).reshape([b, h]); // [B, H]
        self.pooler.as_ref().map(|p| super::host_ops::tanh(linear(p, cls)))
    }

    /// Number of blocks.
    pub fn num_layers(&self) -> usize {
        self.layers.len()
    }

    /// Copies every encoder parameter into `w` under HF `BertModel` names with `prefix`
    /// (`"bert."` inside a task model), linear weights transposed back to `[out, in]`.
    /// Native tools only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export_into(&self, w: &mut Weights, prefix: &str) {
        let e = &self.embeddings;
        w.insert_tensor(&format!("{prefix}embeddings.word_embeddings.weight"), e.word_embeddings.weight.val());
        w.insert_tensor(&format!("{prefix}embeddings.position_embeddings.weight"), e.position_embeddings.weight.val());
        w.insert_tensor(&format!("{prefix}embeddings.token_type_embeddings.weight"), e.token_type_embeddings.weight.val());
        export_norm(w, &format!("{prefix}embeddings.LayerNorm"), &e.layer_norm);
        for (i, layer) in self.layers.iter().enumerate() {
            let p = format!("{prefix}encoder.layer.{i}");
            export_linear(w, &format!("{p}.attention.self.query"), &layer.attention.query);
            export_linear(w, &format!("{p}.attention.self.key"), &layer.attention.key);
            export_linear(w, &format!("{p}.attention.self.value"), &layer.attention.value);
            export_linear(w, &format!("{p}.attention.output.dense"), &layer.attention_output);
            export_norm(w, &format!("{p}.attention.output.LayerNorm"), &layer.attention_norm);
            export_linear(w, &format!("{p}.intermediate.dense"), &layer.intermediate);
            export_linear(w, &format!("{p}.output.dense"), &layer.output);
            export_norm(w, &format!("{p}.output.LayerNorm"), &layer.output_norm);
        }
        if let Some(pooler) = &self.pooler {
            export_linear(w, &format!("{prefix}pooler.dense"), pooler);
        }
    }
}

/// Writes a [`Linear`] under HF names (`{prefix}.weight` as `[out, in]`, `{prefix}.bias`).
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn export_linear(w: &mut Weights, prefix: &str, linear: &Linear) {
    w.insert_tensor(&format!("{prefix}.weight"), linear.weight.val().transpose()); // [out, in]
    if let Some(bias) = &linear.bias {
        w.insert_tensor(&format!("{prefix}.bias"), bias.val());
    }
}

/// Writes a [`LayerNorm`] under HF names (`{prefix}.weight`, `{prefix}.bias`).
#[cfg(not(target_arch = "wasm32"))]
pub(super) fn export_norm(w: &mut Weights, prefix: &str, norm: &LayerNorm) {
    w.insert_tensor(&format!("{prefix}.weight"), norm.gamma.val());
    if let Some(beta) = &norm.beta {
        w.insert_tensor(&format!("{prefix}.bias"), beta.val());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::weights::Weights;
    use burn::tensor::TensorData;

    fn tiny() -> BertConfig {
        BertConfig { max_position_embeddings: 12, ..BertConfig::new(50, 16, 2, 4, 32) }
    }

    fn ints(v: Vec<i64>, shape: [usize; 2], device: &Device) -> Tensor<2, Int> {
        Tensor::from_data(TensorData::new(v, shape), device)
    }

    #[test]
    fn forward_keeps_layers_and_attention_ignores_padding() {
        let device = Device::flex();
        let model = tiny().init(&device);
        // Row 0 has 5 real tokens, row 1 has 3 and 2 padding positions.
        let ids = ints(vec![2, 7, 9, 11, 3, 2, 8, 3, 0, 0], [2, 5], &device);
        let types = ints(vec![0; 10], [2, 5], &device);
        let mask = ints(vec![1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [2, 5], &device);
        let out = model.forward(ids, types, mask, Keep { hidden_states: true, attentions: true });
        assert_eq!(out.last_hidden.dims(), [2, 5, 16]);
        assert_eq!(out.hidden_states.len(), 3, "embedding output + one per block");
        assert_eq!(out.attentions.len(), 2);
        let probs = out.attentions[1].clone(); // [B, N, T, T]
        assert_eq!(probs.dims(), [2, 4, 5, 5]);
        let sums: Vec<f32> = probs.clone().sum_dim(3).into_data().convert::<f32>().try_into_vec().unwrap();
        assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "rows sum to 1: {sums:?}");
        let padded: Vec<f32> = probs.narrow(0, 1, 1).narrow(3, 3, 2).into_data().convert::<f32>().try_into_vec().unwrap();
        assert!(padded.iter().all(|p| *p < 1e-6), "no attention to padding: {padded:?}");
        let last: Vec<f32> = out.hidden_states[2].clone().into_data().convert::<f32>().try_into_vec().unwrap();
        let direct: Vec<f32> = out.last_hidden.into_data().convert::<f32>().try_into_vec().unwrap();
        assert_eq!(last, direct, "the last kept hidden state is the output");
    }

    #[test]
    fn bad_configs_and_weights_are_errors_not_panics() {
        let mut c = tiny();
        c.num_attention_heads = 5;
        assert!(c.validate().unwrap_err().contains("multiple"));
        c.num_attention_heads = 0;
        assert!(c.validate().unwrap_err().contains("num_attention_heads"));
        let err = tiny().load(&mut Weights::default(), &Device::flex()).unwrap_err();
        assert!(matches!(err, WeightError::Missing(ref n) if n == "embeddings.word_embeddings.weight"), "{err}");
    }

    #[test]
    fn hf_config_json_deserialises() {
        let json = r#"{"architectures":["BertModel"],"hidden_size":384,"intermediate_size":1536,"num_attention_heads":12,
                       "num_hidden_layers":6,"vocab_size":30522,"layer_norm_eps":1e-12,"max_position_embeddings":512}"#;
        let c: BertConfig = serde_json::from_str(json).unwrap();
        assert_eq!((c.hidden_size, c.head_size(), c.type_vocab_size, c.pad_token_id), (384, 32, 2, 0));
        assert!(serde_json::from_str::<BertConfig>(r#"{"hidden_size":8}"#).is_err(), "sizes are required");
    }
}
