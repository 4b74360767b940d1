//! GGUF files (llama.cpp's format): the header, metadata and tensor table are parsed by the
//! `ggus` crate, blocks are dequantised by its `ggml-quants` companion, and the tensors are
//! offered under HF `LlamaForCausalLM` names (`Gemma3ForCausalLM`'s for a `gemma3` file) to
//! [`super::gpt::LlamaConfig::load`].
//!
//! Sesame dequantises every matrix to f32 when the model is built (one tensor at a time, so the
//! host holds the file plus one decoded tensor): burn's WebGPU kernels and the CPU fallback
//! compute in f32, and SmolLM2's 135M parameters fit in 0.54 GB of GPU memory that way.
//!
//! Layout notes: GGUF lists dimensions innermost first (`[in, out]` for a matrix whose rows are
//! output units), so the HF shape is the reversed list and the bytes are already row-major.
//! llama.cpp's converter permutes the rows of `attn_q` / `attn_k` so that rotary pairs are
//! adjacent (interleaved layout); [`unpermute_rows`] restores HF's "rotate half" order. Gemma's
//! converter keeps HF's order (llama.cpp runs Gemma with "neox" rotary), and adds 1 to every norm
//! weight (Gemma's RMSNorm multiplies by `1 + w`), so its norms load as plain RMSNorm gammas.

use ggus::ggml_quants::{Quantize, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0};
use ggus::{GGmlType, GGuf, GGufMetaMapExt, GGufReader};

use super::blocks::{BlockFormat, BlockMatrix};
use super::gpt::{GptFamily, LlamaConfig};
use super::weights::{TensorSource, WeightError};

/// A parsed GGUF file borrowing its bytes.
pub struct GgufFile<'a> {
    gguf: GGuf<'a>,
}

/// The tokenizer a GGUF file carries (`tokenizer.ggml.*`).
#[derive(Debug, Clone)]
pub struct GgufVocab {
    /// Tokenizer family (`gpt2` is byte-level BPE, `llama` SentencePiece merge-by-score).
    pub model: String,
    /// Pre-tokenizer name (`smollm`, `llama-bpe`, ...).
    pub pre: String,
    /// Token strings by id.
    pub tokens: Vec<String>,
    /// Token kinds by id (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte).
    pub token_types: Vec<i32>,
    /// BPE merges, `"left right"`, highest priority first (`gpt2`).
    pub merges: Vec<String>,
    /// Token scores by id: SentencePiece merges the adjacent pair whose union scores highest
    /// (`llama`; empty when the file has none).
    pub scores: Vec<f32>,
    /// Whether a SentencePiece tokenizer puts `▁` (a space) before the text.
    pub add_space_prefix: bool,
    /// Beginning-of-text id.
    pub bos: Option<u32>,
    /// End-of-text id.
    pub eos: Option<u32>,
    /// Whether a BOS token is put before every text.
    pub add_bos: bool,
    /// The chat template (Jinja), if any.
    pub chat_template: Option<String>,
}

fn format_error(e: impl std::fmt::Debug) -> WeightError {
    WeightError::Format(format!("not a readable GGUF file ({e:?})"))
}

impl<'a> GgufFile<'a> {
    /// Parses the header, metadata and tensor table (the tensor data is read on demand).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, WeightError> {
        if bytes.len() < 24 || &bytes[..4] != b"GGUF" {
            return Err(WeightError::Format("not a GGUF file (it does not start with \"GGUF\")".into()));
        }
        check_data_length(bytes)?;
        Ok(Self { gguf: GGuf::new(bytes).map_err(format_error)? })
    }

    /// `general.architecture` (`llama` for SmolLM2).
    pub fn architecture(&self) -> Option<&str> {
        self.gguf.get_str("general.architecture").ok()
    }

    /// `general.name`.
    pub fn name(&self) -> Option<&str> {
        self.gguf.get_str("general.name").ok()
    }

    /// How many tensors are stored in each GGML type, e.g. `[("Q4_1", 210), ("F32", 61), ("Q8_0", 1)]`.
    pub fn tensor_types(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for meta in self.gguf.tensors.values() {
            let ty = format!("{:?}", meta.to_info().ty());
            match counts.iter_mut().find(|(t, _)| *t == ty) {
                Some((_, n)) => *n += 1,
                None => counts.push((ty, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1));
        counts
    }

    /// The model's hyper-parameters from `llama.*` or `gemma3.*` metadata (other architectures
    /// are refused).
    pub fn gpt_config(&self) -> Result<LlamaConfig, WeightError> {
        let arch = self.architecture().unwrap_or("?");
        let family = match arch {
            "llama" => GptFamily::Llama,
            "gemma3" => GptFamily::Gemma3,
            _ => return Err(WeightError::Config(format!("this GGUF holds a \"{arch}\" model; Sesame runs Llama-style and Gemma 3 models"))),
        };
        let usize_of = |k: &str| self.gguf.get_usize(&format!("{arch}.{k}")).map_err(|e| WeightError::Config(format!("GGUF metadata {arch}.{k}: {e:?}")));
        let f32_of = |k: &str, default: f32| self.gguf.get_f32(&format!("{arch}.{k}")).unwrap_or(default);
        let vocab_size = match usize_of("vocab_size") {
            Ok(v) => v,
            Err(_) => self.gguf.get_str_arr("tokenizer.ggml.tokens").map_err(format_error)?.count(),
        };
        let mut config = LlamaConfig::new(
            vocab_size,
            usize_of("embedding_length")?,
            usize_of("feed_forward_length")?,
            usize_of("block_count")?,
            usize_of("attention.head_count")?,
            usize_of("attention.head_count_kv")?,
        );
        config.rms_norm_eps = f32_of("attention.layer_norm_rms_epsilon", 1e-5) as f64;
        config.rope_theta = f32_of("rope.freq_base", 10_000.0) as f64;
        config.max_position_embeddings = usize_of("context_length").unwrap_or(2048);
        config.tie_word_embeddings = !self.gguf.tensors.contains_key("output.weight");
        config.bos_token_id = self.gguf.get_u32("tokenizer.ggml.bos_token_id").ok();
        config.eos_token_id = self.gguf.get_u32("tokenizer.ggml.eos_token_id").ok();
        if family == GptFamily::Gemma3 {
            config.family = family;
            config.rms_norm_eps = f32_of("attention.layer_norm_rms_epsilon", 1e-6) as f64;
            config.head_dim = Some(usize_of("attention.key_length")?);
            // Gemma 3 scales scores by head_dim^-½ in every size but 27B (llama.cpp and HF's
            // `query_pre_attn_scalar` agree); the local blocks' rotary base, 10⁴, and their
            // one-in-six pattern are not in the file (llama.cpp fixes them too).
            config.query_pre_attn_scalar = config.head_dim.map(|d| d as f64);
            config.sliding_window = usize_of("attention.sliding_window").ok();
            config.global_every = 6;
            config.rope_local_base_freq = 10_000.0;
        }
        config.validate().map_err(WeightError::Config)?;
        Ok(config)
    }

    /// The tokenizer stored in the file.
    pub fn vocab(&self) -> Result<GgufVocab, WeightError> {
        let strings = |key: &str| -> Result<Vec<String>, WeightError> {
            self.gguf.get_str_arr(key).map_err(format_error)?.map(|s| s.map(str::to_string).map_err(format_error)).collect()
        };
        let tokens = strings("tokenizer.ggml.tokens")?;
        let token_types = match self.gguf.get_i32_arr("tokenizer.ggml.token_type") {
            Ok(arr) => arr.collect::<Result<Vec<i32>, _>>().map_err(format_error)?,
            Err(_) => vec![1; tokens.len()],
        };
        Ok(GgufVocab {
            model: self.gguf.get_str("tokenizer.ggml.model").unwrap_or("?").to_string(),
            pre: self.gguf.get_str("tokenizer.ggml.pre").unwrap_or("default").to_string(),
            merges: strings("tokenizer.ggml.merges").unwrap_or_default(),
            scores: match self.gguf.get_f32_arr("tokenizer.ggml.scores") {
                Ok(arr) => arr.collect::<Result<Vec<f32>, _>>().map_err(format_error)?,
                Err(_) => Vec::new(),
            },
            add_space_prefix: self.gguf.get_bool("tokenizer.ggml.add_space_prefix").unwrap_or(true),
            tokens,
            token_types,
            bos: self.gguf.get_u32("tokenizer.ggml.bos_token_id").ok(),
            eos: self.gguf.get_u32("tokenizer.ggml.eos_token_id").ok(),
            add_bos: self.gguf.get_bool("tokenizer.ggml.add_bos_token").unwrap_or(false),
            chat_template: self.gguf.get_str("tokenizer.chat_template").ok().map(str::to_string),
        })
    }

    /// The tensors under HF names, decoded on demand.
    pub fn weights(&'a self, config: &LlamaConfig) -> GgufWeights<'a> {
        GgufWeights { file: self, heads: config.num_attention_heads, kv_heads: config.num_key_value_heads, family: config.family }
    }

    /// Decodes the GGUF tensor `name` to f32 with its HF shape (dimensions reversed).
    pub fn tensor_f32(&self, name: &str) -> Result<(Vec<usize>, Vec<f32>), WeightError> {
        let meta = self.gguf.tensors.get(name).ok_or_else(|| WeightError::Missing(name.to_string()))?;
        let info = meta.to_info();
        let shape: Vec<usize> = info.shape().iter().rev().map(|&d| d as usize).collect();
        let count: usize = shape.iter().product();
        let bytes = self.gguf.data.get(info.offset()..info.offset() + info.nbytes()).ok_or_else(|| WeightError::Format(format!("tensor {name} runs past the end of the file")))?;
        let values = dequantize(info.ty(), bytes, count).map_err(|dtype| WeightError::Dtype { name: name.to_string(), dtype })?;
        Ok((shape, values))
    }
}

/// Checks that the tensor data the table describes is all there (`ggus` slices it without
/// checking, so a truncated download would panic instead of being refused).
fn check_data_length(bytes: &[u8]) -> Result<(), WeightError> {
    let mut reader = GGufReader::new(bytes);
    let header = reader.read_header().map_err(format_error)?;
    let mut alignment = ggus::DEFAULT_ALIGNMENT;
    for _ in 0..header.metadata_kv_count {
        let kv = reader.read_meta_kv().map_err(format_error)?;
        if kv.key() == ggus::GENERAL_ALIGNMENT {
            alignment = kv.value_reader().read::<u32>().map_err(format_error)? as usize;
        }
    }
    let mut end = 0;
    for _ in 0..header.tensor_count {
        let info = reader.read_tensor_meta().map_err(format_error)?.to_info();
        end = end.max(info.offset() + info.nbytes());
    }
    let cursor = bytes.len() - reader.remaining().len();
    let padding = (alignment - cursor % alignment.max(1)) % alignment.max(1);
    if reader.remaining().len() < end + padding {
        return Err(WeightError::Format(format!(
            "the GGUF file is cut short: its tensors need {} bytes, it has {}",
            cursor + padding + end,
            bytes.len()
        )));
    }
    Ok(())
}

/// A GGUF file's tensors offered under HF `LlamaForCausalLM` names ([`TensorSource`]).
pub struct GgufWeights<'a> {
    file: &'a GgufFile<'a>,
    heads: usize,
    kv_heads: usize,
    family: GptFamily,
}

/// The GGUF name of an HF `LlamaForCausalLM` (or `Gemma3ForCausalLM`) tensor, and the heads whose
/// rotary rows llama.cpp permuted (Llama's query or key projections).
fn gguf_name(hf: &str, family: GptFamily) -> Option<(String, RopeRows)> {
    if family == GptFamily::Gemma3 {
        if let Some((layer, part)) = hf.strip_prefix("model.layers.").and_then(|rest| rest.split_once('.')) {
            let gguf = match part {
                "post_attention_layernorm.weight" => Some("post_attention_norm.weight"),
                "pre_feedforward_layernorm.weight" => Some("ffn_norm.weight"),
                "post_feedforward_layernorm.weight" => Some("post_ffw_norm.weight"),
                "self_attn.q_norm.weight" => Some("attn_q_norm.weight"),
                "self_attn.k_norm.weight" => Some("attn_k_norm.weight"),
                _ => None,
            };
            if let Some(gguf) = gguf {
                return Some((format!("blk.{layer}.{gguf}"), RopeRows::None));
            }
        }
        return gguf_name(hf, GptFamily::Llama).map(|(name, _)| (name, RopeRows::None));
    }
    let plain = |s: &str| Some((s.to_string(), RopeRows::None));
    match hf {
        "model.embed_tokens.weight" => return plain("token_embd.weight"),
        "model.norm.weight" => return plain("output_norm.weight"),
        "lm_head.weight" => return plain("output.weight"),
        _ => {}
    }
    let rest = hf.strip_prefix("model.layers.")?;
    let (layer, part) = rest.split_once('.')?;
    let (gguf, rows) = match part {
        "input_layernorm.weight" => ("attn_norm.weight", RopeRows::None),
        "post_attention_layernorm.weight" => ("ffn_norm.weight", RopeRows::None),
        "self_attn.q_proj.weight" => ("attn_q.weight", RopeRows::Query),
        "self_attn.k_proj.weight" => ("attn_k.weight", RopeRows::Key),
        "self_attn.v_proj.weight" => ("attn_v.weight", RopeRows::None),
        "self_attn.o_proj.weight" => ("attn_output.weight", RopeRows::None),
        "mlp.gate_proj.weight" => ("ffn_gate.weight", RopeRows::None),
        "mlp.up_proj.weight" => ("ffn_up.weight", RopeRows::None),
        "mlp.down_proj.weight" => ("ffn_down.weight", RopeRows::None),
        _ => return None,
    };
    Some((format!("blk.{layer}.{gguf}"), rows))
}

/// Which rows of a projection llama.cpp permuted for its rotary layout.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RopeRows {
    None,
    Query,
    Key,
}

impl TensorSource for GgufWeights<'_> {
    fn take_f32(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, WeightError> {
        let (gguf, rope) = gguf_name(name, self.family).ok_or_else(|| WeightError::Missing(name.to_string()))?;
        let (found, mut values) = self.file.tensor_f32(&gguf).map_err(|e| match e {
            WeightError::Missing(_) => WeightError::Missing(format!("{name} (GGUF {gguf})")),
            other => other,
        })?;
        if found != shape {
            return Err(WeightError::Shape { name: name.to_string(), expected: shape.to_vec(), found });
        }
        match rope {
            RopeRows::Query => values = unpermute_rows(&values, shape[0], shape[1], self.heads),
            RopeRows::Key => values = unpermute_rows(&values, shape[0], shape[1], self.kv_heads),
            RopeRows::None => {}
        }
        Ok(values)
    }

    fn take_blocks(&mut self, name: &str, shape: [usize; 2]) -> Result<Option<BlockMatrix>, WeightError> {
        let Some((gguf, rope)) = gguf_name(name, self.family) else { return Ok(None) };
        let Some(meta) = self.file.gguf.tensors.get(gguf.as_str()) else { return Ok(None) };
        let info = meta.to_info();
        let format = match info.ty() {
            GGmlType::Q4_1 => BlockFormat::Q4_1,
            GGmlType::Q8_0 => BlockFormat::Q8_0,
            GGmlType::Q5_0 => BlockFormat::Q5_0,
            GGmlType::Q4K => BlockFormat::Q4_K,
            GGmlType::Q6K => BlockFormat::Q6_K,
            _ => return Ok(None),
        };
        let found: Vec<usize> = info.shape().iter().rev().map(|&d| d as usize).collect();
        if found != shape {
            return Err(WeightError::Shape { name: name.to_string(), expected: shape.to_vec(), found });
        }
        let bytes = self.file.gguf.data.get(info.offset()..info.offset() + info.nbytes()).ok_or_else(|| WeightError::Format(format!("tensor {gguf} runs past the end of the file")))?;
        let m = BlockMatrix::new(format, shape[0], shape[1], bytes.to_vec()).map_err(WeightError::Format)?;
        let heads = match rope {
            RopeRows::Query => self.heads,
            RopeRows::Key => self.kv_heads,
            RopeRows::None => return Ok(Some(m)),
        };
        // The same permutation as `unpermute_rows`, whole rows of blocks at a time.
        let d = shape[0] / heads;
        let half = d / 2;
        Ok(Some(m.reorder_rows(|r| {
            let (h, within) = (r / d, r % d);
            let (j, i) = (within / half, within % half);
            h * d + 2 * i + j
        })))
    }
}

/// Undoes llama.cpp's rotary permutation of a `[rows, cols]` projection with `heads` heads:
/// within each head of size `D`, GGUF row `2i + j` (`i < D/2`, `j ∈ {0, 1}`) is HF row
/// `j·D/2 + i`.
pub fn unpermute_rows(values: &[f32], rows: usize, cols: usize, heads: usize) -> Vec<f32> {
    let d = rows / heads;
    let half = d / 2;
    let mut out = vec![0.0; values.len()];
    for h in 0..heads {
        for i in 0..half {
            for j in 0..2 {
                let src = (h * d + 2 * i + j) * cols;
                let dst = (h * d + j * half + i) * cols;
                out[dst..dst + cols].copy_from_slice(&values[src..src + cols]);
            }
        }
    }
    out
}

/// Decodes `count` values stored as `ty`; `Err` names a type Sesame does not decode.
pub fn dequantize(ty: GGmlType, bytes: &[u8], count: usize) -> Result<Vec<f32>, String> {
    let floats = |width: usize, read: fn(&[u8]) -> f32| -> Result<Vec<f32>, String> {
        if bytes.len() != count * width {
            return Err(format!("{ty:?} with a wrong byte count"));
        }
        Ok(bytes.chunks_exact(width).map(read).collect())
    };
    match ty {
        GGmlType::F32 => floats(4, |c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        GGmlType::F16 => floats(2, |c| half::f16::from_le_bytes([c[0], c[1]]).to_f32()),
        GGmlType::BF16 => floats(2, |c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()),
        GGmlType::Q4_0 => blocks::<Q4_0, 32>(bytes, count),
        GGmlType::Q4_1 => blocks::<Q4_1, 32>(bytes, count),
        GGmlType::Q5_0 => blocks::<Q5_0, 32>(bytes, count),
        GGmlType::Q5_1 => blocks::<Q5_1, 32>(bytes, count),
        GGmlType::Q8_0 => blocks::<Q8_0, 32>(bytes, count),
        // ggml-quants 0.1 leaves the k-quants unimplemented (`todo!`): Sesame's own decoder,
        // the one the CPU path multiplies with.
        GGmlType::Q4K => k_blocks(BlockFormat::Q4_K, bytes, count),
        GGmlType::Q6K => k_blocks(BlockFormat::Q6_K, bytes, count),
        other => Err(format!("{other:?}")),
    }
}

/// Decodes `count` values of k-quant super-blocks (`format` is Q4_K or Q6_K) by
/// [`BlockMatrix`]'s decoder.
fn k_blocks(format: BlockFormat, bytes: &[u8], count: usize) -> Result<Vec<f32>, String> {
    let per = format.block_values();
    if !count.is_multiple_of(per) {
        return Err(format!("{format:?}: {count} values are not whole super-blocks"));
    }
    Ok(BlockMatrix::new(format, count / per, per, bytes.to_vec())?.to_f32())
}

/// Decodes a run of quantised blocks of `N` values each.
fn blocks<Blk: Quantize<f32, N>, const N: usize>(bytes: &[u8], count: usize) -> Result<Vec<f32>, String> {
    let size = std::mem::size_of::<Blk>();
    if !count.is_multiple_of(N) || bytes.len() != count / N * size {
        return Err(format!("{} with a wrong byte count", std::any::type_name::<Blk>()));
    }
    let mut out = Vec::with_capacity(count);
    for chunk in bytes.chunks_exact(size) {
        // SAFETY: `chunk` holds exactly `size_of::<Blk>()` bytes, and a block is plain data
        // (f16 scales and integer quants, `repr(C)`), valid for every bit pattern; the read is
        // unaligned-safe.
        let block: Blk = unsafe { std::ptr::read_unaligned(chunk.as_ptr().cast::<Blk>()) };
        out.extend_from_slice(&block.dequantize());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpermute_inverts_llama_cpp_permutation() {
        // llama.cpp: w.reshape(heads, 2, D/2, cols).swapaxes(1, 2); build that by hand.
        let (heads, d, cols) = (2, 4, 3);
        let hf: Vec<f32> = (0..heads * d * cols).map(|v| v as f32).collect();
        let mut permuted = vec![0.0; hf.len()];
        for h in 0..heads {
            for j in 0..2 {
                for i in 0..d / 2 {
                    let src = (h * d + j * d / 2 + i) * cols;
                    let dst = (h * d + 2 * i + j) * cols;
                    permuted[dst..dst + cols].copy_from_slice(&hf[src..src + cols]);
                }
            }
        }
        assert_ne!(permuted, hf);
        assert_eq!(unpermute_rows(&permuted, heads * d, cols, heads), hf);
    }

    #[test]
    fn q8_0_and_q4_1_blocks_decode() {
        // Q8_0: f16 scale 0.5, quants 0..32 → 0, 0.5, 1, ...
        let mut q8 = half::f16::from_f32(0.5).to_le_bytes().to_vec();
        q8.extend((0..32).map(|i| i as u8));
        let v = dequantize(GGmlType::Q8_0, &q8, 32).unwrap();
        assert_eq!((v[0], v[3], v[31]), (0.0, 1.5, 15.5));
        // Q4_1: scale 2, min -1; byte k holds value k (low nibble) and 15 - k (high nibble).
        let mut q4 = half::f16::from_f32(2.0).to_le_bytes().to_vec();
        q4.extend(half::f16::from_f32(-1.0).to_le_bytes());
        q4.extend((0..16u8).map(|k| k | ((15 - k) << 4)));
        let v = dequantize(GGmlType::Q4_1, &q4, 32).unwrap();
        assert_eq!((v[0], v[1], v[16], v[31]), (-1.0, 1.0, 29.0, -1.0));
        assert!(dequantize(GGmlType::Q8_0, &q8[..10], 32).is_err(), "short data is an error");
        assert!(dequantize(GGmlType::IQ2XXS, &q8, 32).is_err(), "unsupported types are named");
    }

    #[test]
    fn names_map_to_gguf() {
        let llama = GptFamily::Llama;
        assert_eq!(gguf_name("model.layers.3.self_attn.k_proj.weight", llama), Some(("blk.3.attn_k.weight".into(), RopeRows::Key)));
        assert_eq!(gguf_name("model.embed_tokens.weight", llama).unwrap().0, "token_embd.weight");
        assert_eq!(gguf_name("model.layers.3.unknown", llama), None);
        assert_eq!(gguf_name("model.layers.3.post_attention_layernorm.weight", llama).unwrap().0, "blk.3.ffn_norm.weight");
        // Gemma: no rotary permutation, four more norms, and "post attention" means after it.
        let gemma = GptFamily::Gemma3;
        assert_eq!(gguf_name("model.layers.3.self_attn.k_proj.weight", gemma), Some(("blk.3.attn_k.weight".into(), RopeRows::None)));
        assert_eq!(gguf_name("model.layers.3.post_attention_layernorm.weight", gemma).unwrap().0, "blk.3.post_attention_norm.weight");
        assert_eq!(gguf_name("model.layers.3.pre_feedforward_layernorm.weight", gemma).unwrap().0, "blk.3.ffn_norm.weight");
        assert_eq!(gguf_name("model.layers.0.self_attn.q_norm.weight", gemma).unwrap().0, "blk.0.attn_q_norm.weight");
        assert_eq!(gguf_name("model.norm.weight", gemma).unwrap().0, "output_norm.weight");
        assert!(GgufFile::parse(b"PK\x03\x04 not gguf at all, just some bytes").is_err());
    }
}
