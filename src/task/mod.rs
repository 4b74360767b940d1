//! Task logic: text in, model run, numbers out. Usable natively (tests, tools) and in the
//! browser (pages); nothing here touches the DOM.

pub mod anomaly;
pub mod autoencoding;
pub mod contextual;
pub mod fill_mask;
pub mod geometry;
pub mod golden;
pub mod icl;
pub mod gpt;
pub mod gpt_golden;
pub mod images;
pub mod live_training;
pub mod masking;
pub mod pair;
pub mod picture_header;
pub mod qa;
pub mod qa_answer;
pub mod sampling;

use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::model::{BertConfig, BertModel, Bundle};
use crate::text::TextEncoder;

/// A BERT encoder with its tokenizer and config, ready to run on one device.
pub struct LoadedBert {
    /// Hyper-parameters (from the model's `config.json`).
    pub config: BertConfig,
    /// The encoder on `device`.
    pub model: BertModel,
    /// Its tokenizer.
    pub tokenizer: TextEncoder,
    /// Where the model runs.
    pub device: Device,
}

impl LoadedBert {
    /// Builds the model from the bytes of `config.json`, `tokenizer.json` and a safetensors file.
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Self, String> {
        let config: BertConfig = bundle.config()?;
        let tokenizer = TextEncoder::from_json(&bundle.tokenizer)?;
        let model = config.load(&mut bundle.weights()?, device).map_err(|e| e.to_string())?;
        Ok(Self { config, model, tokenizer, device: device.clone() })
    }

    /// The model window in tokens (special tokens included).
    pub fn window(&self) -> usize {
        self.config.max_position_embeddings
    }
}

/// Token sequences padded into one `[B, T]` batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Rows (`B`).
    pub rows: usize,
    /// Columns (`T`): the longest sequence.
    pub cols: usize,
    /// `[B·T]` token ids, padding with `pad_id`.
    pub ids: Vec<i64>,
    /// `[B·T]` segment ids.
    pub type_ids: Vec<i64>,
    /// `[B·T]` 1 for tokens, 0 for padding.
    pub mask: Vec<i64>,
}

impl Batch {
    /// Pads `(ids, type_ids)` sequences to the longest one.
    pub fn pad(seqs: &[(&[u32], &[u32])], pad_id: u32) -> Self {
        let rows = seqs.len();
        let cols = seqs.iter().map(|s| s.0.len()).max().unwrap_or(0);
        let mut batch = Batch { rows, cols, ids: vec![pad_id as i64; rows * cols], type_ids: vec![0; rows * cols], mask: vec![0; rows * cols] };
        for (r, (ids, types)) in seqs.iter().enumerate() {
            for (c, (&id, &ty)) in ids.iter().zip(types.iter()).enumerate() {
                batch.ids[r * cols + c] = id as i64;
                batch.type_ids[r * cols + c] = ty as i64;
                batch.mask[r * cols + c] = 1;
            }
        }
        batch
    }

    /// A batch of one encoded text.
    pub fn single(encoded: &crate::text::Encoded, pad_id: u32) -> Self {
        Self::pad(&[(&encoded.ids[..], &encoded.type_ids[..])], pad_id)
    }

    /// The sentence used for forward-pass timings: `[CLS]`, `tokens - 2` copies of one word
    /// piece, `[SEP]` (BERT-uncased ids), so every device times exactly the same work.
    pub fn timing(tokens: usize) -> Self {
        const CLS: u32 = 101;
        const SEP: u32 = 102;
        const WORD: u32 = 2773; // "word"
        let ids: Vec<u32> = std::iter::once(CLS).chain(std::iter::repeat_n(WORD, tokens.saturating_sub(2))).chain(std::iter::once(SEP)).collect();
        let types = vec![0u32; ids.len()];
        Self::pad(&[(&ids[..], &types[..])], 0)
    }

    /// The three `[B, T]` integer tensors on `device`: ids, segment ids, mask.
    pub fn tensors(&self, device: &Device) -> (Tensor<2, Int>, Tensor<2, Int>, Tensor<2, Int>) {
        let shape = [self.rows, self.cols];
        let t = |v: &Vec<i64>| Tensor::<2, Int>::from_data(TensorData::new(v.clone(), shape), device);
        (t(&self.ids), t(&self.type_ids), t(&self.mask))
    }
}

/// Reads a float tensor back to the host asynchronously (the only way that works on WebGPU in
/// the browser) as a flat row-major vector.
///
/// A failed read (a lost device, an allocation that failed) is also told to the listener set by
/// [`on_device_fault`], so the app can offer to go on on the CPU.
pub async fn read_f32<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, String> {
    if let Some(fault) = injected_fault() {
        drop(tensor);
        return Err(report_fault(fault));
    }
    let data = tensor.into_data_async().await.map_err(|e| report_fault(format!("reading results from the device failed: {e:?}")))?;
    // On the CPU backend the read is ready at once, so a loop of model runs would never give the
    // page a turn: every read is also a point where the browser paints, takes clicks (Stop) and
    // drops a cancelled task.
    yield_now().await;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| format!("unexpected result data: {e:?}"))
}

/// Gives the browser a turn (input, painting, other tasks) before going on: `scheduler.yield()`
/// where the browser has it (no 4 ms clamp), else a zero-delay timeout. Natively it returns at
/// once.
#[cfg(target_arch = "wasm32")]
pub async fn yield_now() {
    use wasm_bindgen::JsCast;
    let global = js_sys::global();
    let scheduler = js_sys::Reflect::get(&global, &"scheduler".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    let yield_fn = js_sys::Reflect::get(&scheduler, &"yield".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let promise = match yield_fn.and_then(|f| f.call0(&scheduler).ok()).and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) {
        Some(p) => p,
        None => js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        }),
    };
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// See the browser version: natively there is no page to give a turn to.
#[cfg(not(target_arch = "wasm32"))]
pub async fn yield_now() {}

thread_local! {
    static FAULT_LISTENER: std::cell::RefCell<Option<Box<dyn Fn(&str)>>> = const { std::cell::RefCell::new(None) };
}

/// Sets the function told about every failed device read (the app's "GPU fault" banner).
pub fn on_device_fault(listener: impl Fn(&str) + 'static) {
    FAULT_LISTENER.with(|l| *l.borrow_mut() = Some(Box::new(listener)));
}

fn report_fault(message: String) -> String {
    FAULT_LISTENER.with(|l| {
        if let Some(f) = l.borrow().as_ref() {
            f(&message)
        }
    });
    message
}

/// Test hook (browser only): `window.__sesameFault = "lost"` or `"oom"` makes the next device
/// read fail as a lost device or a failed allocation would; the flag is cleared by that read.
#[cfg(target_arch = "wasm32")]
fn injected_fault() -> Option<String> {
    let w = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("__sesameFault");
    let kind = js_sys::Reflect::get(&w, &key).ok()?.as_string()?;
    let _ = js_sys::Reflect::delete_property(&w, &key);
    Some(match kind.as_str() {
        "oom" => "the device could not allocate memory for this run (out of memory; injected by a test)".to_string(),
        _ => "the GPU device was lost (injected by a test)".to_string(),
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn injected_fault() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_sentence_has_the_asked_length() {
        let b = Batch::timing(128);
        assert_eq!((b.rows, b.cols), (1, 128));
        assert_eq!((b.ids[0], b.ids[127]), (101, 102));
        assert!(b.mask.iter().all(|&m| m == 1));
    }

    #[test]
    fn pads_to_longest_with_mask() {
        let b = Batch::pad(&[(&[101, 7, 102], &[0, 0, 0]), (&[101, 102], &[0, 0])], 0);
        assert_eq!((b.rows, b.cols), (2, 3));
        assert_eq!(b.ids, vec![101, 7, 102, 101, 102, 0]);
        assert_eq!(b.mask, vec![1, 1, 1, 1, 1, 0]);
    }
}
