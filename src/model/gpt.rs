//! A Llama-style decoder-only transformer (GPT) in burn, laid out like HF `transformers`'
//! `LlamaForCausalLM`, so its safetensors load by tensor name and a GGUF file loads through
//! [`super::gguf`]. It serves the GPTs Sesame runs: SmolLM2-135M-Instruct (30 blocks,
//! grouped-query attention 9/3 heads), the tiny Chinese character GPT Sesame pretrains, and
//! Google's Gemma 3 270M ([`GptFamily::Gemma3`], the same code with Gemma's differences switched on).
//!
//! A block is pre-norm: `x + Attn(RMSNorm(x))`, then `x + MLP(RMSNorm(x))`; attention uses rotary
//! position embeddings (HF's "rotate half" layout) and grouped-query attention (each key/value
//! head serves `N / K` query heads); the MLP is SwiGLU, `down(silu(gate(x)) · up(x))`; the
//! language-model head is tied to the token embedding unless the weights bring their own.
//!
//! One definition serves every device (WebGPU in the browser, the `flex` CPU backend, autodiff
//! for training). A GGUF's quantized projections stay quantized ([`QuantProjections`]: on the
//! host on the CPU device, [`super::blocks`]; on the GPU on WebGPU, [`super::device_blocks`]):
//! ~1× the file's bytes instead of 5.5×, and 5–6× fewer bytes read per token. A [`KvCache`] keeps each block's keys and values so that generation feeds one
//! new token per step instead of the whole text again.
//!
//! Gemma 3's blocks differ in five places, each a field of the config rather than another model:
//! a norm after attention and after the MLP as well as before (`post_attention_norm`,
//! `post_mlp_norm`), RMSNorm on each query and key head (`q_norm`, `k_norm`), a GeGLU MLP (tanh
//! GELU), embeddings multiplied by `√H`, and sliding-window attention (a window of 512 tokens and
//! a rotary base of 10⁴) in five blocks of every six, the sixth global (base 10⁶). Its head size
//! (256) is not `H / N`, so query and output projections are `[H, N·D]` and `[N·D, H]`.
//!
//! Shapes use `B` = batch, `T` = new tokens, `S` = cached + new tokens, `H` = hidden size,
//! `N` = query heads, `K` = key/value heads, `D` = head size, `F` = MLP width, `V` = vocabulary.

use burn::module::{Module, Param};
use burn::nn::{Embedding, EmbeddingConfig, Initializer, Linear, LinearConfig, RmsNorm, RmsNormConfig};
use burn::tensor::{Device, Int, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::blocks::BlockMatrix;
use super::device_blocks::{DeviceBlocks, QuantMatrix};
use super::host_ops::{attention_softmax, gelu_tanh, silu};
use super::weights::{linear_weight, TensorSource, WeightError};

/// Hyper-parameters of a Llama-style GPT. Field names follow HF `config.json`, so an HF
/// `LlamaConfig` deserialises into it directly (unknown fields are ignored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlamaConfig {
    /// Rows of the token-embedding table (`V`, tokenizer vocabulary size).
    pub vocab_size: usize,
    /// Width of every hidden state (`H`).
    pub hidden_size: usize,
    /// Width of the SwiGLU MLP (`F`).
    pub intermediate_size: usize,
    /// Number of transformer blocks.
    pub num_hidden_layers: usize,
    /// Query heads per block (`N`); `hidden_size` must be a multiple of it.
    pub num_attention_heads: usize,
    /// Key/value heads per block (`K`); `N` must be a multiple of it (`K = N` is plain
    /// multi-head attention).
    pub num_key_value_heads: usize,
    /// Epsilon of every RMSNorm.
    #[serde(default = "defaults::eps")]
    pub rms_norm_eps: f64,
    /// Base of the rotary frequencies (`θ_i = base^(-2i/D)`).
    #[serde(default = "defaults::rope_theta")]
    pub rope_theta: f64,
    /// Longest context the model was trained for, in tokens.
    #[serde(default = "defaults::window")]
    pub max_position_embeddings: usize,
    /// Whether the LM head reuses the token-embedding matrix.
    #[serde(default = "defaults::tied")]
    pub tie_word_embeddings: bool,
    /// Standard deviation of the normal initialisation of weights.
    #[serde(default = "defaults::init_std")]
    pub initializer_range: f64,
    /// Id of the beginning-of-text token, if the model uses one.
    #[serde(default)]
    pub bos_token_id: Option<u32>,
    /// Id of the end-of-text token: generation stops when it is produced.
    #[serde(default)]
    pub eos_token_id: Option<u32>,
    /// Which block layout: Llama's (the default) or Gemma 3's.
    #[serde(default)]
    pub family: GptFamily,
    /// Size of one attention head (`D`) when it is not `hidden_size / num_attention_heads`
    /// (Gemma 3 270M: 256 with `H` = 640 and 4 heads).
    #[serde(default)]
    pub head_dim: Option<usize>,
    /// Attention scores are multiplied by `query_pre_attn_scalar^-½` (Gemma); `None`: `D^-½`.
    #[serde(default)]
    pub query_pre_attn_scalar: Option<f64>,
    /// Gemma 3's local blocks see only the last `sliding_window` tokens (the query's own
    /// included); `None`: every block attends to the whole context.
    #[serde(default)]
    pub sliding_window: Option<usize>,
    /// With a sliding window, every `global_every`-th block (the 6th, 12th, ...) is global.
    #[serde(default = "defaults::global_every")]
    pub global_every: usize,
    /// Rotary base of the sliding-window blocks (`rope_theta` is the global blocks').
    #[serde(default = "defaults::rope_theta")]
    pub rope_local_base_freq: f64,
}

/// The block layouts [`Llama`] implements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GptFamily {
    /// Llama / SmolLM2 / Sesame's gpt-zh: pre-norm blocks, SwiGLU MLP.
    #[default]
    Llama,
    /// Gemma 3: pre- and post-norms, query/key norms, GeGLU (tanh GELU), embeddings × √H.
    Gemma3,
}

/// Llama's defaults for the optional fields.
mod defaults {
    pub fn eps() -> f64 {
        1e-5
    }
    pub fn rope_theta() -> f64 {
        10_000.0
    }
    pub fn window() -> usize {
        2048
    }
    pub fn tied() -> bool {
        true
    }
    pub fn init_std() -> f64 {
        0.02
    }
    pub fn global_every() -> usize {
        6
    }
}

impl LlamaConfig {
    /// A config with the given sizes and Llama's defaults for the rest (tied head).
    pub fn new(vocab_size: usize, hidden_size: usize, intermediate_size: usize, num_hidden_layers: usize, num_attention_heads: usize, num_key_value_heads: usize) -> Self {
        Self {
            vocab_size,
            hidden_size,
            intermediate_size,
            num_hidden_layers,
            num_attention_heads,
            num_key_value_heads,
            rms_norm_eps: defaults::eps(),
            rope_theta: defaults::rope_theta(),
            max_position_embeddings: defaults::window(),
            tie_word_embeddings: true,
            initializer_range: defaults::init_std(),
            bos_token_id: None,
            eos_token_id: None,
            family: GptFamily::Llama,
            head_dim: None,
            query_pre_attn_scalar: None,
            sliding_window: None,
            global_every: defaults::global_every(),
            rope_local_base_freq: defaults::rope_theta(),
        }
    }

    /// Size of one attention head (`D`: `head_dim`, else `H / N`).
    pub fn head_size(&self) -> usize {
        self.head_dim.unwrap_or(self.hidden_size / self.num_attention_heads)
    }

    /// Whether block `i` attends only within the sliding window (Gemma 3's local blocks).
    pub fn is_local(&self, i: usize) -> bool {
        self.sliding_window.is_some() && !(i + 1).is_multiple_of(self.global_every.max(1))
    }

    fn gemma(&self) -> bool {
        self.family == GptFamily::Gemma3
    }

    /// The model's parameter count, from its shape (however its weights are stored): the
    /// embedding (and an untied output layer), per block the projections and norms, the final
    /// norm. SmolLM2-135M: 134,515,008; Gemma 3 270M: 268,098,176.
    pub fn parameters(&self) -> u64 {
        let (h, i, d) = (self.hidden_size as u64, self.intermediate_size as u64, self.head_size() as u64);
        let (n, k) = (self.num_attention_heads as u64, self.num_key_value_heads as u64);
        let attention = h * n * d + 2 * h * k * d + n * d * h;
        let mlp = 3 * h * i;
        let norms = if self.gemma() { 4 * h + 2 * d } else { 2 * h };
        let embedding = self.vocab_size as u64 * h * if self.tie_word_embeddings { 1 } else { 2 };
        embedding + self.num_hidden_layers as u64 * (attention + mlp + norms) + h
    }

    /// Checks that the numbers fit together, so a bad config fails with a message, not a panic.
    pub fn validate(&self) -> Result<(), String> {
        let sizes = [
            ("vocab_size", self.vocab_size),
            ("hidden_size", self.hidden_size),
            ("intermediate_size", self.intermediate_size),
            ("num_hidden_layers", self.num_hidden_layers),
            ("num_attention_heads", self.num_attention_heads),
            ("num_key_value_heads", self.num_key_value_heads),
            ("max_position_embeddings", self.max_position_embeddings),
        ];
        if let Some((name, _)) = sizes.iter().find(|(_, v)| *v == 0) {
            return Err(format!("GPT config: {name} must be > 0"));
        }
        if (self.head_dim.is_none() && !self.hidden_size.is_multiple_of(self.num_attention_heads)) || self.head_size() == 0 || !self.head_size().is_multiple_of(2) {
            return Err(format!("GPT config: hidden_size {} must split into {} heads of even size", self.hidden_size, self.num_attention_heads));
        }
        if !self.num_attention_heads.is_multiple_of(self.num_key_value_heads) {
            return Err(format!("GPT config: {} query heads cannot share {} key/value heads", self.num_attention_heads, self.num_key_value_heads));
        }
        Ok(())
    }

    /// A randomly initialised model (the starting point for pretraining): weights
    /// ~ N(0, initializer_range²), norms 1.
    pub fn init(&self, device: &Device) -> Llama {
        let (h, d, n, k) = (self.hidden_size, self.head_size(), self.num_attention_heads, self.num_key_value_heads);
        let normal = Initializer::Normal { mean: 0.0, std: self.initializer_range };
        let linear = |i, o| LinearConfig::new(i, o).with_bias(false).with_initializer(normal.clone()).init(device);
        let norm_of = |width| RmsNormConfig::new(width).with_epsilon(self.rms_norm_eps).init(device);
        let norm = || norm_of(h);
        let gemma = self.gemma();
        let layers = (0..self.num_hidden_layers)
            .map(|i| LlamaBlock {
                attention_norm: norm(),
                attention: LlamaAttention {
                    q_proj: linear(h, n * d),
                    k_proj: linear(h, k * d),
                    v_proj: linear(h, k * d),
                    o_proj: linear(n * d, h),
                    q_norm: gemma.then(|| norm_of(d)),
                    k_norm: gemma.then(|| norm_of(d)),
                    num_heads: n,
                    num_kv_heads: k,
                    head_dim: d,
                    rope_theta: if self.is_local(i) { self.rope_local_base_freq } else { self.rope_theta },
                    scale: self.query_pre_attn_scalar.unwrap_or(d as f64).powf(-0.5),
                    window: if self.is_local(i) { self.sliding_window } else { None },
                },
                post_attention_norm: gemma.then(norm),
                mlp_norm: norm(),
                gate_proj: linear(h, self.intermediate_size),
                up_proj: linear(h, self.intermediate_size),
                down_proj: linear(self.intermediate_size, h),
                post_mlp_norm: gemma.then(norm),
                gelu_gate: gemma,
                quant: QuantProjections::default(),
            })
            .collect();
        Llama {
            embed_tokens: EmbeddingConfig::new(self.vocab_size, h).with_initializer(normal.clone()).init(device),
            layers,
            norm: norm(),
            lm_head: (!self.tie_word_embeddings).then(|| linear(h, self.vocab_size)),
            quant_embedding: None,
            embed_scale: gemma.then(|| (h as f32).sqrt()),
        }
    }

    /// A model of this config whose matrices are 1 × 1 placeholders (norms full size), for
    /// [`Self::load`] to fill: loading never allocates and fills a random model first.
    fn shell(&self, device: &Device) -> Llama {
        let tiny = LlamaConfig { vocab_size: 1, intermediate_size: 1, ..self.clone() };
        let mut model = tiny.init(device);
        let placeholder = || LinearConfig::new(1, 1).with_bias(false).init(device);
        for block in &mut model.layers {
            let a = &mut block.attention;
            (a.q_proj, a.k_proj, a.v_proj, a.o_proj) = (placeholder(), placeholder(), placeholder(), placeholder());
        }
        model
    }

    /// A model whose parameters are moved out of `source` by HF `LlamaForCausalLM` names
    /// (`model.embed_tokens.weight`, `model.layers.N.self_attn.q_proj.weight`, ...,
    /// `model.norm.weight`, and `lm_head.weight` unless the head is tied).
    ///
    /// Tensors the source keeps as quantized blocks (a GGUF's Q4_1 / Q8_0) stay so where the
    /// device can multiply them (see `take_quant`); elsewhere every tensor becomes f32.
    pub fn load(&self, source: &mut impl TensorSource, device: &Device) -> Result<Llama, WeightError> {
        self.validate().map_err(WeightError::Config)?;
        let mut model = self.shell(device);
        self.load_embedding(&mut model, source, device)?;
        for i in 0..model.layers.len() {
            self.load_block(&mut model.layers[i], i, source, device)?;
        }
        self.load_head(&mut model, source, device)?;
        Ok(model)
    }

    /// [`Self::load`] one block at a time, awaiting `pause(done, total)` after the embedding and
    /// after each block (the browser passes a yield to the page, so that decoding a quantized
    /// file never freezes it, and a progress report).
    pub async fn load_pausing<F: std::future::Future<Output = ()>>(&self, source: &mut impl TensorSource, device: &Device, mut pause: impl FnMut(usize, usize) -> F) -> Result<Llama, WeightError> {
        self.validate().map_err(WeightError::Config)?;
        let mut model = self.shell(device);
        let total = model.layers.len() + 2;
        self.load_embedding(&mut model, source, device)?;
        pause(1, total).await;
        for i in 0..model.layers.len() {
            self.load_block(&mut model.layers[i], i, source, device)?;
            pause(i + 2, total).await;
        }
        self.load_head(&mut model, source, device)?;
        pause(total, total).await;
        Ok(model)
    }

    /// The token embedding: quantized blocks when the source has them and the device keeps them
    /// (a tied head then reads them too), else an f32 table on the device.
    fn load_embedding(&self, model: &mut Llama, source: &mut impl TensorSource, device: &Device) -> Result<(), WeightError> {
        let (name, shape) = ("model.embed_tokens.weight", [self.vocab_size, self.hidden_size]);
        if let Some(m) = take_quant(source, name, shape, device)? {
            model.quant_embedding = Some(m);
            return Ok(());
        }
        model.embed_tokens.weight = Param::from_tensor(tensor2(source, name, shape, device)?);
        Ok(())
    }

    /// The final norm and, when not tied, the LM head.
    fn load_head(&self, model: &mut Llama, source: &mut impl TensorSource, device: &Device) -> Result<(), WeightError> {
        let h = self.hidden_size;
        model.norm.gamma = Param::from_tensor(norm_weight(source, "model.norm.weight", h, device)?);
        if !self.tie_word_embeddings {
            let head = linear_weight(source, "lm_head.weight", h, self.vocab_size, device)?; // [H, V]
            if let Some(lm_head) = model.lm_head.as_mut() {
                lm_head.weight = Param::from_tensor(head);
            }
        }
        Ok(())
    }

    /// Block `i`'s weights (HF names `model.layers.{i}.…`).
    fn load_block(&self, block: &mut LlamaBlock, i: usize, source: &mut impl TensorSource, device: &Device) -> Result<(), WeightError> {
        let (h, f, d) = (self.hidden_size, self.intermediate_size, self.head_size());
        let (nd, kd) = (self.num_attention_heads * d, self.num_key_value_heads * d);
        {
            let p = format!("model.layers.{i}");
            // HF stores linear weights as [out, in]; burn's Linear holds [in, out]. Quantized
            // blocks that stay blocks leave the Linear its 1 × 1 placeholder.
            let mut linear = |l: &mut Linear, blocks: &mut Option<QuantMatrix>, name: &str, d_in: usize, d_out: usize| -> Result<(), WeightError> {
                let name = format!("{p}.{name}.weight");
                *blocks = take_quant(&mut *source, &name, [d_out, d_in], device)?;
                if blocks.is_some() {
                    return Ok(());
                }
                l.weight = Param::from_tensor(linear_weight(&mut *source, &name, d_in, d_out, device)?);
                Ok(())
            };
            let (a, hp) = (&mut block.attention, &mut block.quant);
            linear(&mut a.q_proj, &mut hp.q, "self_attn.q_proj", h, nd)?;
            linear(&mut a.k_proj, &mut hp.k, "self_attn.k_proj", h, kd)?;
            linear(&mut a.v_proj, &mut hp.v, "self_attn.v_proj", h, kd)?;
            linear(&mut a.o_proj, &mut hp.o, "self_attn.o_proj", nd, h)?;
            linear(&mut block.gate_proj, &mut hp.gate, "mlp.gate_proj", h, f)?;
            linear(&mut block.up_proj, &mut hp.up, "mlp.up_proj", h, f)?;
            linear(&mut block.down_proj, &mut hp.down, "mlp.down_proj", f, h)?;
            drop(linear);
            let mut norm = |n: &mut RmsNorm, name: &str, width: usize| -> Result<(), WeightError> {
                n.gamma = Param::from_tensor(norm_weight(&mut *source, &format!("{p}.{name}.weight"), width, device)?);
                Ok(())
            };
            norm(&mut block.attention_norm, "input_layernorm", h)?;
            if !self.gemma() {
                return norm(&mut block.mlp_norm, "post_attention_layernorm", h);
            }
            // Gemma's names (HF Gemma3): its `post_attention_layernorm` follows attention; the
            // MLP's input norm is `pre_feedforward_layernorm`.
            norm(&mut block.mlp_norm, "pre_feedforward_layernorm", h)?;
            let missing = || WeightError::Config("a Gemma block without its extra norms".into());
            norm(block.post_attention_norm.as_mut().ok_or_else(missing)?, "post_attention_layernorm", h)?;
            norm(block.post_mlp_norm.as_mut().ok_or_else(missing)?, "post_feedforward_layernorm", h)?;
            norm(block.attention.q_norm.as_mut().ok_or_else(missing)?, "self_attn.q_norm", d)?;
            norm(block.attention.k_norm.as_mut().ok_or_else(missing)?, "self_attn.k_norm", d)?;
        }
        Ok(())
    }
}

/// A tensor the source keeps as quantized blocks (a GGUF's Q4_1 / Q8_0 / Q5_0 / Q4_K / Q6_K; on
/// WebGPU all but Q6_K, see [`BlockMatrix::device_parts`]), kept so where `device`
/// can multiply blocks: on the CPU backend in host memory ([`super::blocks`]), on WebGPU in the
/// browser on the device ([`super::device_blocks`]); `None` elsewhere (training, native
/// accelerators) and for tensors stored dense, which then load as f32.
fn take_quant(source: &mut impl TensorSource, name: &str, shape: [usize; 2], device: &Device) -> Result<Option<QuantMatrix>, WeightError> {
    if super::host_ops::on_cpu(device) {
        return Ok(source.take_blocks(name, shape)?.map(QuantMatrix::Host));
    }
    if cfg!(target_arch = "wasm32") && !device.is_autodiff() {
        return Ok(source.take_blocks(name, shape)?.and_then(|m| DeviceBlocks::upload(&m, device)).map(QuantMatrix::Device));
    }
    Ok(None)
}

/// `x · Wᵀ` by `linear`, or by `blocks` when the weight is kept quantized.
fn project(linear: &Linear, blocks: Option<&QuantMatrix>, x: Tensor<3>) -> Tensor<3> {
    match blocks {
        Some(m) => project_quant(m, x),
        None => super::matmul::linear(linear, x),
    }
}

/// `x · mᵀ` for `x` `[B, T, in]` → `[B, T, out]` on wherever `m` lives.
fn project_quant(m: &QuantMatrix, x: Tensor<3>) -> Tensor<3> {
    match m {
        QuantMatrix::Host(m) => on_host(m, x),
        QuantMatrix::Device(m) => m.project(x),
    }
}

/// Input rows from which a quantized projection is expanded to f32 for the call and multiplied
/// by the CPU backend's matrix kernel (a prompt's pieces): that kernel reuses each weight across
/// many rows far better than the block kernel, and the expansion costs about one pass over the
/// weights. Below it (a decoded token) the block kernel reads 5–6× fewer bytes and wins.
const DENSE_FROM_ROWS: usize = 8;

/// `x · mᵀ` for `x` `[B, T, in]` → `[B, T, out]`, multiplied on the host block by block (or,
/// for many rows, expanded for this call: see [`DENSE_FROM_ROWS`]).
fn on_host(m: &BlockMatrix, x: Tensor<3>) -> Tensor<3> {
    let [b, t, h] = x.dims();
    let device = x.device();
    if b * t >= DENSE_FROM_ROWS {
        let w = Tensor::<2>::from_data(TensorData::new(m.to_f32(), [m.rows(), m.cols()]), &device); // [out, in]
        return super::times_rows_of(x.reshape([b * t, h]), w).reshape([b, t, m.rows()]);
    }
    // Only on the CPU backend, whose tensors are host memory: the read returns at once (in wasm
    // too, where a read that must wait is impossible) and copies a few thousand values.
    let input: Vec<f32> = x.into_data().convert::<f32>().try_into_vec::<f32>().expect("f32 activations");
    Tensor::from_data(TensorData::new(m.matmul(&input, b * t), [b, t, m.rows()]), &device) // [B, T, out]
}

/// A block's projections kept as quantized blocks (GGUF weights; on the host on the CPU device,
/// on the GPU on WebGPU): each one present replaces its `Linear` (then a 1 × 1 placeholder).
#[derive(Debug, Clone, Default)]
pub struct QuantProjections {
    /// Query projection `[N·D, H]` (HF layout, rotary rows in HF order).
    pub q: Option<QuantMatrix>,
    /// Key projection `[K·D, H]`.
    pub k: Option<QuantMatrix>,
    /// Value projection `[K·D, H]`.
    pub v: Option<QuantMatrix>,
    /// Output projection `[H, N·D]`.
    pub o: Option<QuantMatrix>,
    /// MLP gate `[F, H]`.
    pub gate: Option<QuantMatrix>,
    /// MLP up `[F, H]`.
    pub up: Option<QuantMatrix>,
    /// MLP down `[H, F]`.
    pub down: Option<QuantMatrix>,
}

impl QuantProjections {
    fn all(&self) -> [&Option<QuantMatrix>; 7] {
        [&self.q, &self.k, &self.v, &self.o, &self.gate, &self.up, &self.down]
    }

    /// Bytes held (host or device).
    pub fn byte_len(&self) -> usize {
        self.all().iter().filter_map(|m| m.as_ref()).map(QuantMatrix::byte_len).sum()
    }
}

fn tensor2(source: &mut impl TensorSource, name: &str, shape: [usize; 2], device: &Device) -> Result<Tensor<2>, WeightError> {
    Ok(Tensor::from_data(TensorData::new(source.take_f32(name, &shape)?, shape), device))
}

fn norm_weight(source: &mut impl TensorSource, name: &str, h: usize, device: &Device) -> Result<Tensor<1>, WeightError> {
    Ok(Tensor::from_data(TensorData::new(source.take_f32(name, &[h])?, [h]), device))
}

/// Self-attention with rotary positions and grouped-query heads.
#[derive(Module, Debug)]
pub struct LlamaAttention {
    /// `[H, N·D]` query projection (no bias).
    pub q_proj: Linear,
    /// `[H, K·D]` key projection.
    pub k_proj: Linear,
    /// `[H, K·D]` value projection.
    pub v_proj: Linear,
    /// `[N·D, H]` output projection.
    pub o_proj: Linear,
    /// RMSNorm over each query head's `D` values before the rotation (Gemma 3).
    pub q_norm: Option<RmsNorm>,
    /// RMSNorm over each key head (Gemma 3).
    pub k_norm: Option<RmsNorm>,
    /// Query heads (`N`).
    pub num_heads: usize,
    /// Key/value heads (`K`).
    pub num_kv_heads: usize,
    /// Size of one head (`D`).
    pub head_dim: usize,
    /// Base of the rotary frequencies.
    pub rope_theta: f64,
    /// Factor of the attention scores (`D^-½`, or Gemma's `query_pre_attn_scalar^-½`).
    pub scale: f64,
    /// Keys a query sees, its own included, in a sliding-window block; `None`: all earlier ones.
    #[module(skip)]
    pub window: Option<usize>,
}

impl LlamaAttention {
    /// `x`: `[B, T, H]` at absolute positions `past..past + T`; `cache`: this block's keys and
    /// values of the `past` earlier tokens (`[B, K, past, D]` each), replaced by the extended
    /// ones → `[B, T, H]`.
    fn forward(&self, x: Tensor<3>, past: usize, cache: &mut Option<(Tensor<4>, Tensor<4>)>, quant: &QuantProjections) -> Tensor<3> {
        let [b, t, _] = x.dims();
        let (n, k, d) = (self.num_heads, self.num_kv_heads, self.head_dim);
        let device = x.device();
        let (cos, sin) = rotary_tables(past, t, d, self.rope_theta, &device); // [1, 1, T, D] each
        let rope = |y: Tensor<4>| y.clone() * cos.clone() + rotate_half(y) * sin.clone();
        let q = rope(norm_if(&self.q_norm, project(&self.q_proj, quant.q.as_ref(), x.clone()).reshape([b, t, n, d]).swap_dims(1, 2))); // [B, N, T, D]
        let key = rope(norm_if(&self.k_norm, project(&self.k_proj, quant.k.as_ref(), x.clone()).reshape([b, t, k, d]).swap_dims(1, 2))); // [B, K, T, D]
        let value = project(&self.v_proj, quant.v.as_ref(), x).reshape([b, t, k, d]).swap_dims(1, 2); // [B, K, T, D]
        let (key, value) = match cache.take() {
            Some((pk, pv)) => (Tensor::cat(vec![pk, key], 2), Tensor::cat(vec![pv, value], 2)), // [B, K, S, D]
            None => (key, value),
        };
        *cache = Some((key.clone(), value.clone()));
        let s = key.dims()[2];
        // Each key/value head serves N/K consecutive query heads (HF's repeat_kv).
        let repeat = |y: Tensor<4>| if n == k { y } else { y.reshape([b, k, 1, s, d]).repeat_dim(2, n / k).reshape([b, n, s, d]) };
        let probs = attention_softmax(q.matmul(repeat(key).transpose()), self.scale, causal_bias(past, t, s, self.window, &device)); // [B, N, T, S]
        let context = probs.matmul(repeat(value)); // [B, N, T, D]
        project(&self.o_proj, quant.o.as_ref(), context.swap_dims(1, 2).reshape([b, t, n * d])) // [B, T, H]
    }
}

/// `norm(x)` where the model has that norm (Gemma's extra ones), else `x` unchanged.
fn norm_if<const D: usize>(norm: &Option<RmsNorm>, x: Tensor<D>) -> Tensor<D> {
    match norm {
        Some(norm) => norm.forward(x),
        None => x,
    }
}

/// `cos` and `sin` of the rotary angles for positions `past..past + t`: `[1, 1, T, D]` each, in
/// HF's layout (the `D/2` frequencies repeated twice, matching [`rotate_half`]).
fn rotary_tables(past: usize, t: usize, d: usize, theta: f64, device: &Device) -> (Tensor<4>, Tensor<4>) {
    let half = d / 2;
    let mut cos = Vec::with_capacity(t * d);
    let mut sin = Vec::with_capacity(t * d);
    for pos in past..past + t {
        let row: Vec<f64> = (0..half).map(|i| pos as f64 * theta.powf(-2.0 * i as f64 / d as f64)).collect();
        for _ in 0..2 {
            cos.extend(row.iter().map(|a| a.cos() as f32));
            sin.extend(row.iter().map(|a| a.sin() as f32));
        }
    }
    let table = |v: Vec<f32>| Tensor::from_data(TensorData::new(v, [1, 1, t, d]), device);
    (table(cos), table(sin))
}

/// `[x1, x2]` → `[-x2, x1]` along the last dimension (halves of `D`).
fn rotate_half(x: Tensor<4>) -> Tensor<4> {
    let d = x.dims()[3];
    let x1 = x.clone().narrow(3, 0, d / 2);
    let x2 = x.narrow(3, d / 2, d / 2);
    Tensor::cat(vec![x2.neg(), x1], 3)
}

/// `[1, 1, T, S]`: 0 where query `past + i` may see key `j` (`j ≤ past + i`, and with a sliding
/// `window` also `past + i − j < window`), a large negative elsewhere.
fn causal_bias(past: usize, t: usize, s: usize, window: Option<usize>, device: &Device) -> Tensor<4> {
    let window = window.unwrap_or(usize::MAX);
    let values: Vec<f32> = (0..t).flat_map(|i| (0..s).map(move |j| if j <= past + i && past + i - j < window { 0.0 } else { -1e9 })).collect();
    Tensor::from_data(TensorData::new(values, [1, 1, t, s]), device)
}

/// One pre-norm block: attention and a SwiGLU MLP (GeGLU for Gemma), each on a residual branch.
#[derive(Module, Debug)]
pub struct LlamaBlock {
    /// RMSNorm before attention (`input_layernorm`).
    pub attention_norm: RmsNorm,
    /// Self-attention (`self_attn.*`).
    pub attention: LlamaAttention,
    /// RMSNorm of attention's output before the residual sum (Gemma's `post_attention_layernorm`).
    pub post_attention_norm: Option<RmsNorm>,
    /// RMSNorm before the MLP (Llama's `post_attention_layernorm`, Gemma's `pre_feedforward_layernorm`).
    pub mlp_norm: RmsNorm,
    /// `[H, F]` gate projection (SiLU after it).
    pub gate_proj: Linear,
    /// `[H, F]` up projection.
    pub up_proj: Linear,
    /// `[F, H]` down projection.
    pub down_proj: Linear,
    /// RMSNorm of the MLP's output before the residual sum (Gemma's `post_feedforward_layernorm`).
    pub post_mlp_norm: Option<RmsNorm>,
    /// The gate's activation: tanh GELU (Gemma's GeGLU) when set, else SiLU (SwiGLU).
    #[module(skip)]
    pub gelu_gate: bool,
    /// The projections kept quantized (host or GPU), if any.
    #[module(skip)]
    pub quant: QuantProjections,
}

impl LlamaBlock {
    /// `x`: `[B, T, H]` → `[B, T, H]`.
    fn forward(&self, x: Tensor<3>, past: usize, cache: &mut Option<(Tensor<4>, Tensor<4>)>) -> Tensor<3> {
        let hp = &self.quant;
        let attended = self.attention.forward(self.attention_norm.forward(x.clone()), past, cache, hp);
        let x = x + norm_if(&self.post_attention_norm, attended);
        let y = self.mlp_norm.forward(x.clone());
        let gate = project(&self.gate_proj, hp.gate.as_ref(), y.clone());
        let gate = if self.gelu_gate { gelu_tanh(gate) } else { silu(gate) };
        let mlp = project(&self.down_proj, hp.down.as_ref(), gate * project(&self.up_proj, hp.up.as_ref(), y));
        x + norm_if(&self.post_mlp_norm, mlp)
    }
}

/// The decoder: token embedding, blocks, final norm and the LM head.
#[derive(Module, Debug)]
pub struct Llama {
    /// `[V, H]` token embedding (also the LM head when tied).
    pub embed_tokens: Embedding,
    /// Transformer blocks (`model.layers.N`).
    pub layers: Vec<LlamaBlock>,
    /// Final RMSNorm (`model.norm`).
    pub norm: RmsNorm,
    /// `[H, V]` untied LM head; `None` when the head is the embedding.
    pub lm_head: Option<Linear>,
    /// `[V, H]` token embedding kept quantized (host or GPU, as the projections); `embed_tokens`
    /// is then a placeholder.
    #[module(skip)]
    pub quant_embedding: Option<QuantMatrix>,
    /// Factor of the embedding rows (Gemma: `√H`; the tied head uses the table unscaled).
    #[module(skip)]
    pub embed_scale: Option<f32>,
}

/// Keys and values of the tokens a model has already read, one pair per block.
#[derive(Debug, Clone, Default)]
pub struct KvCache {
    layers: Vec<Option<(Tensor<4>, Tensor<4>)>>,
    len: usize,
}

impl KvCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of tokens cached.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A pass of new tokens through the blocks, one block at a time ([`Llama::prefill`]).
struct Pass {
    /// `[B, T, H]`: the output of the blocks run so far (always present between calls).
    x: Option<Tensor<3>>,
    /// Tokens cached before this pass.
    past: usize,
    /// Tokens in this pass (`T`).
    tokens: usize,
    /// The next block to run.
    next: usize,
}

impl Pass {
    /// Runs the next block; `false` when every block has run.
    fn block(&mut self, model: &Llama, cache: &mut KvCache) -> bool {
        let Some(block) = model.layers.get(self.next) else { return false };
        let x = self.x.take().expect("a pass holds its hidden state");
        self.x = Some(block.forward(x, self.past, &mut cache.layers[self.next]));
        self.next += 1;
        true
    }

    /// Counts the tokens as cached; the last block's output `[B, T, H]`.
    fn finish(self, cache: &mut KvCache) -> Tensor<3> {
        cache.len += self.tokens;
        self.x.expect("a pass holds its hidden state")
    }
}

impl Llama {
    /// Logits for the next token at every position: `ids` `[B, T]` → `[B, T, V]` (no cache; the
    /// training and golden-test entry point).
    pub fn forward(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        let mut cache = KvCache::new();
        self.forward_cached(ids, &mut cache, false)
    }

    /// Reads `ids` `[B, T]` after the tokens already in `cache` and appends them to it. Returns
    /// the next-token logits at every new position (`[B, T, V]`), or only at the last one
    /// (`[B, 1, V]`) when `last_only` (generation: the other rows are never read).
    pub fn forward_cached(&self, ids: Tensor<2, Int>, cache: &mut KvCache, last_only: bool) -> Tensor<3> {
        let x = self.prefill(ids, cache); // [B, T, H]
        self.head(x, last_only)
    }

    /// The final norm and the language-model head over `x` `[B, T, H]` → `[B, T, V]`, or only
    /// over the last position (`[B, 1, V]`) when `last_only`.
    pub fn head(&self, x: Tensor<3>, last_only: bool) -> Tensor<3> {
        let [b, t, _] = x.dims();
        let x = if last_only && t > 1 { x.narrow(1, t - 1, 1) } else { x }; // [B, rows, H]
        let x = self.norm.forward(x);
        match &self.lm_head {
            Some(head) => super::matmul::linear(head, x),
            None => match &self.quant_embedding {
                Some(table) => project_quant(table, x), // [B, rows, V]
                None => {
                    let [_, rows, h] = x.dims();
                    let table = self.embed_tokens.weight.val(); // [V, H]
                    let v = table.dims()[0];
                    super::times_rows_of(x.reshape([b * rows, h]), table).reshape([b, rows, v]) // [B, rows, V]
                }
            },
        }
    }

    /// Reads `ids` `[B, T]` after the tokens already in `cache` and appends them to it, without
    /// the language-model head: the last block's output `[B, T, H]` (a long prompt's earlier
    /// pieces need only their keys and values).
    pub fn prefill(&self, ids: Tensor<2, Int>, cache: &mut KvCache) -> Tensor<3> {
        let mut pass = self.pass(ids, cache);
        while pass.block(self, cache) {}
        pass.finish(cache)
    }

    /// [`Self::prefill`], awaiting `pause(blocks done, blocks)` after each block: on the CPU path
    /// the page gets a turn every block, so a whole prompt can be read in one piece (each
    /// quantized matrix is expanded once for it, not once per small piece) without freezing it.
    pub async fn prefill_pausing<F: std::future::Future<Output = ()>>(&self, ids: Tensor<2, Int>, cache: &mut KvCache, mut pause: impl FnMut(usize, usize) -> F) -> Tensor<3> {
        let mut pass = self.pass(ids, cache);
        while pass.block(self, cache) {
            pause(pass.next, self.layers.len()).await;
        }
        pass.finish(cache)
    }

    /// Starts a pass of `ids` over `cache` (which is reset if it belongs to another model shape).
    fn pass(&self, ids: Tensor<2, Int>, cache: &mut KvCache) -> Pass {
        if cache.layers.len() != self.layers.len() {
            *cache = KvCache { layers: vec![None; self.layers.len()], len: 0 };
        }
        let t = ids.dims()[1];
        Pass { x: Some(self.embed(ids)), past: cache.len, tokens: t, next: 0 }
    }

    /// `ids` `[B, T]` → their embedding rows `[B, T, H]`, scaled by `embed_scale` if set.
    fn embed(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        let rows = self.embed_rows(ids);
        match self.embed_scale {
            Some(scale) => rows * scale,
            None => rows,
        }
    }

    /// `ids` `[B, T]` → the embedding table's rows `[B, T, H]`.
    fn embed_rows(&self, ids: Tensor<2, Int>) -> Tensor<3> {
        let [b, t] = ids.dims();
        let table = match &self.quant_embedding {
            None => return self.embed_tokens.forward(ids),
            Some(QuantMatrix::Device(table)) => {
                let ids = ids.reshape([b * t]).clamp(0, table.rows() as i64 - 1); // [B·T]
                return table.rows_of(ids).reshape([b, t, table.cols()]);
            }
            Some(QuantMatrix::Host(table)) => table,
        };
        let device = ids.device();
        // CPU device only (see `project`): the ids are host memory.
        let ids: Vec<i64> = ids.into_data().convert::<i64>().try_into_vec::<i64>().expect("integer ids");
        let rows: Vec<f32> = ids.iter().flat_map(|&id| table.row((id.max(0) as usize).min(table.rows() - 1))).collect();
        Tensor::from_data(TensorData::new(rows, [b, t, table.cols()]), &device)
    }

    /// Bytes of the weights kept quantized (host or GPU; 0 where every weight is f32).
    pub fn quant_bytes(&self) -> usize {
        self.quant_embedding.as_ref().map_or(0, QuantMatrix::byte_len) + self.layers.iter().map(|l| l.quant.byte_len()).sum::<usize>()
    }

    /// How many weight matrices are kept quantized (host or GPU).
    pub fn quant_matrices(&self) -> usize {
        self.layers.iter().map(|l| l.quant.all().iter().filter(|m| m.is_some()).count()).sum::<usize>() + usize::from(self.quant_embedding.is_some())
    }

    /// Number of blocks.
    pub fn num_layers(&self) -> usize {
        self.layers.len()
    }

    /// Copies every parameter into HF `LlamaForCausalLM` names (linear weights back to
    /// `[out, in]`). Native tools only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn export(&self) -> super::Weights {
        let mut w = super::Weights::default();
        let device = self.embed_tokens.weight.device();
        let dense = |m: &QuantMatrix| m.to_dense(&device); // [out, in]
        w.insert_tensor("model.embed_tokens.weight", self.quant_embedding.as_ref().map_or_else(|| self.embed_tokens.weight.val(), dense));
        for (i, block) in self.layers.iter().enumerate() {
            let p = format!("model.layers.{i}");
            let (a, hp) = (&block.attention, &block.quant);
            for (name, l, m) in [
                ("self_attn.q_proj", &a.q_proj, &hp.q),
                ("self_attn.k_proj", &a.k_proj, &hp.k),
                ("self_attn.v_proj", &a.v_proj, &hp.v),
                ("self_attn.o_proj", &a.o_proj, &hp.o),
                ("mlp.gate_proj", &block.gate_proj, &hp.gate),
                ("mlp.up_proj", &block.up_proj, &hp.up),
                ("mlp.down_proj", &block.down_proj, &hp.down),
            ] {
                w.insert_tensor(&format!("{p}.{name}.weight"), m.as_ref().map_or_else(|| l.weight.val().transpose(), dense));
            }
            let mut norms = vec![("input_layernorm", &block.attention_norm)];
            match (&block.post_attention_norm, &block.post_mlp_norm, &a.q_norm, &a.k_norm) {
                (Some(post_attention), Some(post_mlp), Some(q), Some(k)) => norms.extend([
                    ("post_attention_layernorm", post_attention),
                    ("pre_feedforward_layernorm", &block.mlp_norm),
                    ("post_feedforward_layernorm", post_mlp),
                    ("self_attn.q_norm", q),
                    ("self_attn.k_norm", k),
                ]),
                _ => norms.push(("post_attention_layernorm", &block.mlp_norm)),
            }
            for (name, norm) in norms {
                w.insert_tensor(&format!("{p}.{name}.weight"), norm.gamma.val());
            }
        }
        w.insert_tensor("model.norm.weight", self.norm.gamma.val());
        if let Some(head) = &self.lm_head {
            w.insert_tensor("lm_head.weight", head.weight.val().transpose());
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> LlamaConfig {
        LlamaConfig { max_position_embeddings: 32, ..LlamaConfig::new(40, 16, 24, 2, 4, 2) }
    }

    fn ids(v: Vec<i64>, device: &Device) -> Tensor<2, Int> {
        let n = v.len();
        Tensor::from_data(TensorData::new(v, [1, n]), device)
    }

    fn values(t: Tensor<3>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_into_vec().unwrap()
    }

    #[test]
    fn cached_steps_equal_one_full_pass() {
        let device = Device::flex();
        let model = tiny().init(&device);
        let text = vec![3, 17, 5, 9, 22, 1];
        let full = values(model.forward(ids(text.clone(), &device))); // [1, 6, V]
        let mut cache = KvCache::new();
        let mut stepped = values(model.forward_cached(ids(text[..4].to_vec(), &device), &mut cache, false));
        for &tok in &text[4..] {
            stepped.extend(values(model.forward_cached(ids(vec![tok], &device), &mut cache, true)));
        }
        assert_eq!(cache.len(), 6);
        assert_eq!(full.len(), stepped.len());
        let diff = full.iter().zip(&stepped).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(diff < 1e-5, "cached decoding equals the full pass: {diff}");
    }

    #[test]
    fn the_past_does_not_see_the_future() {
        let device = Device::flex();
        let model = tiny().init(&device);
        let a = values(model.forward(ids(vec![3, 17, 5, 9], &device)));
        let b = values(model.forward(ids(vec![3, 17, 5, 30], &device)));
        let v = 40;
        let max_diff = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max);
        assert!(max_diff(&a[..3 * v], &b[..3 * v]) < 1e-6, "changing the last token leaves earlier positions alone");
        assert!(max_diff(&a[3 * v..], &b[3 * v..]) > 1e-4);
    }

    #[test]
    fn export_then_load_gives_the_same_model() {
        let device = Device::flex();
        let model = tiny().init(&device);
        let mut weights = model.export();
        let loaded = tiny().load(&mut weights, &device).unwrap();
        let x = || ids(vec![1, 2, 3], &device);
        assert_eq!(values(model.forward(x())), values(loaded.forward(x())));
    }

    /// Gemma 3's layout at toy size: head size 6 ≠ H/N = 4, a sliding window of 2 in block 0
    /// (block 1 global, `global_every` 2).
    fn tiny_gemma() -> LlamaConfig {
        LlamaConfig {
            family: GptFamily::Gemma3,
            head_dim: Some(6),
            query_pre_attn_scalar: Some(8.0),
            sliding_window: Some(2),
            global_every: 2,
            rope_local_base_freq: 100.0,
            max_position_embeddings: 32,
            ..LlamaConfig::new(40, 16, 24, 2, 4, 2)
        }
    }

    #[test]
    fn gemma_blocks_cache_export_and_reload() {
        let device = Device::flex();
        let config = tiny_gemma();
        config.validate().unwrap();
        assert!(config.is_local(0) && !config.is_local(1));
        let model = config.init(&device);
        assert_eq!(model.layers[0].attention.window, Some(2));
        assert_eq!((model.layers[0].attention.rope_theta, model.layers[1].attention.rope_theta), (100.0, 10_000.0));
        assert_eq!(model.layers[0].attention.q_proj.weight.dims(), [16, 24]);
        let text = vec![3, 17, 5, 9, 22, 1];
        let full = values(model.forward(ids(text.clone(), &device)));
        let mut cache = KvCache::new();
        let mut stepped = values(model.forward_cached(ids(text[..3].to_vec(), &device), &mut cache, false));
        for &tok in &text[3..] {
            stepped.extend(values(model.forward_cached(ids(vec![tok], &device), &mut cache, true)));
        }
        let diff = full.iter().zip(&stepped).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(diff < 1e-5, "cached decoding equals the full pass: {diff}");
        let mut weights = model.export();
        assert!(weights.contains("model.layers.0.pre_feedforward_layernorm.weight") && weights.contains("model.layers.1.self_attn.k_norm.weight"));
        let loaded = config.load(&mut weights, &device).unwrap();
        assert_eq!(values(model.forward(ids(text.clone(), &device))), values(loaded.forward(ids(text, &device))));
    }

    #[test]
    fn the_parameter_count_is_the_models() {
        let device = Device::flex();
        for config in [LlamaConfig::new(40, 16, 24, 2, 4, 2), LlamaConfig { tie_word_embeddings: false, ..LlamaConfig::new(40, 16, 24, 2, 4, 2) }, tiny_gemma()] {
            let model = config.init(&device);
            assert_eq!(config.parameters(), burn::module::Module::num_params(&model) as u64, "{:?}", config.family);
        }
    }

    #[test]
    fn a_sliding_window_hides_what_lies_beyond_it() {
        let device = Device::flex();
        // Both blocks local (window 2): position i sees i−1 in each block, so the output at
        // position i depends on tokens i−2..i only.
        let config = LlamaConfig { global_every: 99, ..tiny_gemma() };
        let model = config.init(&device);
        let a = values(model.forward(ids(vec![3, 17, 5, 9, 22], &device)));
        let b = values(model.forward(ids(vec![30, 17, 5, 9, 22], &device)));
        let v = 40;
        let max_diff = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max);
        assert!(max_diff(&a[..3 * v], &b[..3 * v]) > 1e-4, "positions 0–2 see token 0");
        assert!(max_diff(&a[3 * v..], &b[3 * v..]) < 1e-6, "positions 3–4 are beyond its reach");
        // The same model with one global block sees it everywhere.
        let global = LlamaConfig { global_every: 2, ..tiny_gemma() }.init(&device);
        let (a, b) = (values(global.forward(ids(vec![3, 17, 5, 9, 22], &device))), values(global.forward(ids(vec![30, 17, 5, 9, 22], &device))));
        assert!(max_diff(&a[4 * v..], &b[4 * v..]) > 1e-4);
    }

    #[test]
    fn bad_configs_and_weights_are_errors_not_panics() {
        let mut c = tiny();
        c.num_key_value_heads = 3;
        assert!(c.validate().unwrap_err().contains("key/value"));
        c = tiny();
        c.hidden_size = 18;
        assert!(c.validate().is_err());
        let err = tiny().load(&mut crate::model::Weights::default(), &Device::flex()).unwrap_err();
        assert!(matches!(err, WeightError::Missing(ref n) if n == "model.embed_tokens.weight"), "{err}");
        let json = r#"{"vocab_size":49152,"hidden_size":576,"intermediate_size":1536,"num_hidden_layers":30,
                       "num_attention_heads":9,"num_key_value_heads":3,"rope_theta":100000,"rms_norm_eps":1e-5}"#;
        let c: LlamaConfig = serde_json::from_str(json).unwrap();
        assert_eq!((c.head_size(), c.tie_word_embeddings), (64, true));
        c.validate().unwrap();
    }
}
