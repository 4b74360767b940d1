//! A GPT ready to run: model, tokenizer and the next-token step with a KV cache, for the
//! next-token and in-context-learning pages and the native evaluation commands.

use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::model::gguf::GgufFile;
use crate::model::{Bundle, KvCache, Llama, LlamaConfig};
use crate::text::TextEncoder;

use crate::rng::Rng;
use super::read_f32;
use super::sampling::{sample, Sampling};

/// Longest text (prompt + generated tokens) Sesame feeds a GPT, in tokens: the model's own
/// window, capped so that the KV cache of SmolLM2 stays under ~100 MB in a browser tab.
pub const MAX_CONTEXT: usize = 2048;

/// Prompts for Sesame's Chinese character GPT: the lecture's 台→湾→大→学 chain, in both
/// scripts, and the openings of well-known poems (the page's example buttons; their greedy
/// continuations go into the model card).
pub const GPT_ZH_EXAMPLES: [&str; 7] = ["台", "台湾", "台湾大", "臺灣大", "床前明月光，", "白日依山尽，", "春眠不觉晓，"];

/// Example prompts for SmolLM2 (English).
pub const SMOLLM2_EXAMPLES: [&str; 4] = ["The capital of France is", "Once upon a time, there was a", "The opposite of hot is", "def fibonacci(n):"];

/// Example prompts for Gemma 3 270M (a multilingual base model): the lecture's few-shot
/// patterns in Chinese and English, and open Chinese text.
pub const GEMMA3_EXAMPLES: [&str; 5] = ["台湾大", "英译中：cat → 猫\ndog → 狗\napple →", "这家餐厅的菜很难吃。情感：负面\n服务很好，下次还来。情感：", "hot → cold\nbig → small\nhappy →", "The capital of France is"];

/// A GPT with its tokenizer on one device.
pub struct LoadedGpt {
    /// Hyper-parameters.
    pub config: LlamaConfig,
    /// The model on `device`.
    pub model: Llama,
    /// Its tokenizer.
    pub tokenizer: TextEncoder,
    /// Where the model runs.
    pub device: Device,
    /// Whether a beginning-of-text token goes before every prompt.
    pub add_bos: bool,
    /// Chat template of an instruct model (Jinja text from the GGUF), if any.
    pub chat_template: Option<String>,
    /// What the weights file holds, for the page (e.g. "GGUF: 210 × Q4_1, 61 × F32, 1 × Q8_0").
    pub storage: String,
}

/// Prompt tokens read per model run: a longer prompt is read in pieces through the cache, and the
/// browser gets a turn between them and, on the CPU path, whenever one is due between the blocks
/// of each (Stop, navigation and typing keep working during a long prefill). 32 is also the CPU
/// path's fastest piece: SmolLM2's 128-token prompt read in one piece ran at 51 tokens/s against
/// 84–95 in pieces of 32 (the wasm matrix kernel slows down once a piece's activations outgrow
/// its cache blocks).
pub const PREFILL_CHUNK: usize = 32;

/// Prompts longer than this show the reading progress on the page.
pub const LONG_PROMPT: usize = 32;

impl LoadedGpt {
    /// Builds a GPT from a GGUF file (Llama or Gemma 3 architecture; byte-level BPE or
    /// SentencePiece tokenizer inside).
    pub fn from_gguf(bytes: &[u8], device: &Device) -> Result<Self, String> {
        let file = GgufFile::parse(bytes).map_err(|e| e.to_string())?;
        let config = file.gpt_config().map_err(|e| e.to_string())?;
        let model = config.load(&mut file.weights(&config), device).map_err(|e| e.to_string())?;
        Self::from_gguf_parts(&file, config, model, device)
    }

    /// [`Self::from_gguf`] one block at a time, giving the browser a turn after each (the
    /// dequantisation of a quantized file takes seconds on the CPU) and telling
    /// `progress(done, total)` blocks.
    pub async fn from_gguf_pausing(bytes: &[u8], device: &Device, progress: &dyn Fn(usize, usize)) -> Result<Self, String> {
        let file = GgufFile::parse(bytes).map_err(|e| e.to_string())?;
        let config = file.gpt_config().map_err(|e| e.to_string())?;
        let pause = |done, total| {
            progress(done, total);
            super::yield_to_browser()
        };
        let model = config.load_pausing(&mut file.weights(&config), device, pause).await.map_err(|e| e.to_string())?;
        Self::from_gguf_parts(&file, config, model, device)
    }

    /// The loaded GPT around a model read from `file`: its tokenizer and what the file holds.
    fn from_gguf_parts(file: &GgufFile, config: LlamaConfig, model: Llama, device: &Device) -> Result<Self, String> {
        let vocab = file.vocab().map_err(|e| e.to_string())?;
        let tokenizer = TextEncoder::from_gguf_vocab(&vocab)?;
        let mut storage = format!(
            "GGUF: {}",
            file.tensor_types().iter().map(|(t, n)| format!("{n} × {t}")).collect::<Vec<_>>().join(", ")
        );
        if model.quant_matrices() > 0 {
            storage += &format!("; {} kept quantized ({:.1} MB)", model.quant_matrices(), model.quant_bytes() as f64 / 1e6);
        }
        // Only SmolLM2's ChatML template is rendered ([`Self::chat_prompt`]); a GGUF with another
        // (Gemma's) offers no chat mode.
        let chat_template = vocab.chat_template.filter(|t| t.contains("<|im_start|>"));
        Ok(Self { config, model, tokenizer, device: device.clone(), add_bos: vocab.add_bos, chat_template, storage })
    }

    /// Builds a GPT from `config.json` (HF `LlamaConfig` fields), `tokenizer.json` and a
    /// safetensors file with HF `LlamaForCausalLM` names (Sesame's own trained GPTs).
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Self, String> {
        let config: LlamaConfig = bundle.config()?;
        let tokenizer = TextEncoder::from_json(&bundle.tokenizer)?;
        let model = config.load(&mut bundle.weights()?, device).map_err(|e| e.to_string())?;
        let add_bos = config.bos_token_id.is_some();
        Ok(Self { config, model, tokenizer, device: device.clone(), add_bos, chat_template: None, storage: "safetensors (f16)".into() })
    }

    /// The longest text this page feeds the model, in tokens.
    pub fn max_context(&self) -> usize {
        self.config.max_position_embeddings.min(MAX_CONTEXT)
    }

    /// Token ids of a prompt (special tokens written in the text, such as `<|im_start|>`, are
    /// recognised), with the BOS token first when the model wants one.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, String> {
        let mut ids = Vec::new();
        if self.add_bos {
            ids.extend(self.config.bos_token_id);
        }
        ids.extend(self.tokenizer.ids(text)?);
        Ok(ids)
    }

    /// A single-turn chat prompt for an instruct model (SmolLM2's ChatML template with its
    /// default system message), ending where the assistant's answer starts.
    pub fn chat_prompt(&self, user: &str) -> String {
        format!(
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"
        )
    }

    /// The end-of-text id (generation stops there).
    pub fn eos(&self) -> Option<u32> {
        self.config.eos_token_id
    }

    /// Text of generated ids, special tokens dropped.
    pub fn decode(&self, ids: &[u32]) -> String {
        self.tokenizer.decode(ids, false).unwrap_or_default()
    }

    /// The text of one token as it reads on its own (byte pieces of a character show as `�`).
    pub fn token_text(&self, id: u32) -> String {
        self.tokenizer.decode(&[id], true).unwrap_or_default()
    }

    /// Feeds `ids` after what `cache` holds and returns the next-token logits (`[V]`) after the
    /// last of them: one asynchronous read per call.
    pub async fn next_logits(&self, ids: &[u32], cache: &mut KvCache) -> Result<Vec<f32>, String> {
        self.next_logits_chunked(ids, cache, PREFILL_CHUNK, &|_, _| {}).await
    }

    /// [`Self::next_logits`] for a long prompt: fed `chunk` tokens at a time through the cache,
    /// giving the browser a turn between chunks (so Stop and navigation work during a long
    /// prefill on the CPU) and telling `progress(done, total)` tokens.
    pub async fn next_logits_chunked(&self, ids: &[u32], cache: &mut KvCache, chunk: usize, progress: &dyn Fn(usize, usize)) -> Result<Vec<f32>, String> {
        let chunk = chunk.max(1);
        if cache.len() + ids.len() > self.max_context() {
            return Err(format!("the text is {} tokens long; this model reads at most {} tokens at once", cache.len() + ids.len(), self.max_context()));
        }
        let total = ids.len();
        let cut = if total > chunk { total - (total - 1) % chunk - 1 } else { 0 }; // the last piece keeps 1..=chunk tokens
        let mut done = 0;
        while done < cut {
            let piece = &ids[done..(done + chunk).min(cut)];
            drop(self.feed(piece, cache, done, total, progress).await?);
            done += piece.len();
            super::yield_to_browser().await;
        }
        let x = self.feed(&ids[cut..], cache, cut, total, progress).await?;
        read_f32(self.model.head(x, true)).await // [1, 1, V]
    }

    /// Runs `ids` through the blocks into `cache` (keys and values) and tells `progress` the
    /// tokens read so far (`before` of `total` came before this piece); the last block's output
    /// `[1, T, H]`. On the CPU path a piece of several tokens runs block by block, the page
    /// getting a turn whenever one is due ([`super::yield_if_due`]); one token (a decoding step)
    /// runs at once.
    async fn feed(&self, ids: &[u32], cache: &mut KvCache, before: usize, total: usize, progress: &dyn Fn(usize, usize)) -> Result<Tensor<3>, String> {
        let input = self.input(ids, cache)?;
        let x = if ids.len() > 1 && crate::model::host_ops::on_cpu(&self.device) {
            self.model
                .prefill_pausing(input, cache, |blocks, of| {
                    progress(before + ids.len() * blocks / of, total);
                    super::yield_if_due()
                })
                .await
        } else {
            self.model.prefill(input, cache)
        };
        progress(before + ids.len(), total);
        Ok(x)
    }

    /// `ids` as a `[1, T]` tensor, checked: not empty, and within the context after `cache`.
    fn input(&self, ids: &[u32], cache: &KvCache) -> Result<Tensor<2, Int>, String> {
        if ids.is_empty() {
            return Err("there is no text to continue".into());
        }
        if cache.len() + ids.len() > self.max_context() {
            return Err(format!(
                "the text is {} tokens long; this model reads at most {} tokens at once",
                cache.len() + ids.len(),
                self.max_context()
            ));
        }
        Ok(Tensor::from_data(TensorData::new(ids.iter().map(|&i| i as i64).collect::<Vec<_>>(), [1, ids.len()]), &self.device))
    }

    /// Continues `prompt` for at most `max_new` tokens under `settings`, stopping at the
    /// end-of-text token or when `stop` says so for the tokens made so far (they include the
    /// token that made it stop).
    pub async fn generate(&self, prompt: &[u32], max_new: usize, settings: &Sampling, rng: &mut Rng, stop: impl FnMut(&[u32]) -> bool) -> Result<Vec<u32>, String> {
        self.continue_from(KvCache::new(), prompt.to_vec(), max_new, settings, rng, stop).await
    }

    /// Like [`LoadedGpt::generate`], after a cache that already holds the start of the prompt
    /// (`feed` is the rest): prompts that share a prefix (the examples of an in-context-learning
    /// prompt) compute it once.
    pub async fn continue_from(&self, mut cache: KvCache, feed: Vec<u32>, max_new: usize, settings: &Sampling, rng: &mut Rng, mut stop: impl FnMut(&[u32]) -> bool) -> Result<Vec<u32>, String> {
        let mut made = Vec::new();
        let mut feed = feed;
        while made.len() < max_new {
            let logits = self.next_logits(&feed, &mut cache).await?;
            let Some(next) = sample(&logits, settings, rng) else { break };
            if Some(next.id) == self.eos() {
                break;
            }
            made.push(next.id);
            if stop(&made) {
                break;
            }
            feed = vec![next.id];
        }
        Ok(made)
    }

    /// Logits at every position of `ids` (`T × V`, row-major; no cache): the golden tests'
    /// entry point.
    pub async fn all_logits(&self, ids: &[u32]) -> Result<Vec<f32>, String> {
        let input: Tensor<2, Int> = Tensor::from_data(TensorData::new(ids.iter().map(|&i| i as i64).collect::<Vec<_>>(), [1, ids.len()]), &self.device);
        read_f32(self.model.forward(input)).await
    }
}
