//! The one model registry of the app. Every model (and demo image set) is asked for by its
//! manifest key ([`crate::assets::family`]: `bert-zh`, `ae-mnist/bottleneck-8.safetensors`, …),
//! loaded at most once at a time, kept under a memory budget (least recently used evicted first,
//! the device's pools cleaned after), and has one status signal that every page reads.
//!
//! Pages *pin* what they show ([`pin`], undone when the page or its input goes): a pinned model
//! is never evicted, and a load that nobody pins any more is cancelled.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use burn::module::Module;
use futures::future::{AbortHandle, Abortable};
use leptos::prelude::*;

use super::compute::{self, Compute};
use super::load::{LoadStats, Stage};
use crate::assets::{family, Family};

/// Where a model is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelStatus {
    /// Not loaded (never asked for, cancelled, or evicted to stay inside the budget).
    Idle,
    /// Loading.
    Loading(Stage),
    /// Ready on the device.
    Ready(LoadStats),
    /// Failed, with the message.
    Failed(String),
}

/// The default memory budget: the bytes of weights the registry keeps on the device at once.
pub const DEFAULT_BUDGET: u64 = 1024 * 1024 * 1024;

/// One registry entry, as Diagnostics shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryInfo {
    /// The key.
    pub key: String,
    /// Its status.
    pub status: ModelStatus,
    /// Bytes its weights take on the device (f32 parameters; host bytes for image sets).
    pub bytes: u64,
    /// Pages (and page inputs) that pin it now.
    pub pins: u32,
    /// Position in the least-recently-used order (higher: used more recently).
    pub used: u64,
}

struct Slot {
    status: RwSignal<ModelStatus>,
    model: Option<Rc<dyn Any>>,
    bytes: u64,
    used: u64,
    pins: u32,
    abort: Option<AbortHandle>,
}

#[derive(Default)]
struct Registry {
    slots: HashMap<String, Slot>,
    clock: u64,
    budget: u64,
    owner: Option<Owner>,
    evictions: u64,
    device: Option<burn::tensor::Device>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry { budget: DEFAULT_BUDGET, ..Default::default() });
}

/// Sets the registry up under the app's root owner (its status signals live as long as the app),
/// with a memory budget in bytes.
pub fn init(budget: u64) {
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        r.owner = Owner::current();
        r.budget = budget.max(1);
    });
}

/// The memory budget in bytes.
pub fn budget() -> u64 {
    REGISTRY.with(|r| r.borrow().budget)
}

/// How many models have been evicted to stay inside the budget since the app started.
pub fn evictions() -> u64 {
    REGISTRY.with(|r| r.borrow().evictions)
}

/// The status signal of `key` (created, idle, the first time it is asked for).
pub fn status(key: &str) -> RwSignal<ModelStatus> {
    let existing = REGISTRY.with(|r| r.borrow().slots.get(key).map(|s| s.status));
    if let Some(s) = existing {
        return s;
    }
    let owner = REGISTRY.with(|r| r.borrow().owner.clone());
    let initial = if family(key).is_some() { ModelStatus::Idle } else { ModelStatus::Failed(format!("unknown model “{key}”")) };
    let signal = match owner {
        Some(o) => o.with(|| RwSignal::new(initial)),
        None => RwSignal::new(initial),
    };
    REGISTRY.with(|r| {
        r.borrow_mut().slots.insert(key.to_string(), Slot { status: signal, model: None, bytes: 0, used: 0, pins: 0, abort: None });
    });
    signal
}

/// The loaded model of `key` as a `T`, if it is ready (and marks it used). `None` too when the
/// key names another kind of model.
pub fn get<T: 'static>(key: &str) -> Option<Rc<T>> {
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        r.clock += 1;
        let now = r.clock;
        let slot = r.slots.get_mut(key)?;
        slot.used = now;
        slot.model.clone()?.downcast::<T>().ok()
    })
}

/// Pins `key` for the current reactive owner (a page, or an effect for the page's current
/// input) and starts loading it if needed; the pin is released when that owner is cleaned up.
pub fn pin(key: &str) {
    status(key);
    REGISTRY.with(|r| {
        if let Some(s) = r.borrow_mut().slots.get_mut(key) {
            s.pins += 1;
        }
    });
    let k = key.to_string();
    on_cleanup(move || unpin(&k));
    ensure(key);
}

/// Releases one pin of `key`. A load that nobody pins any more is cancelled a moment later
/// (after the next page had the chance to pin it again).
fn unpin(key: &str) {
    REGISTRY.with(|r| {
        if let Some(s) = r.borrow_mut().slots.get_mut(key) {
            s.pins = s.pins.saturating_sub(1);
        }
    });
    let k = key.to_string();
    leptos::task::spawn_local(async move {
        crate::task::yield_to_browser().await;
        let cancelled = REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            let s = r.slots.get_mut(&k)?;
            if s.pins > 0 || !matches!(s.status.get_untracked(), ModelStatus::Loading(_)) {
                return None;
            }
            Some((s.status, s.abort.take()))
        });
        if let Some((status, abort)) = cancelled {
            if let Some(a) = abort {
                a.abort();
            }
            status.set(ModelStatus::Idle);
        }
        enforce_budget(None);
    });
}

/// Starts loading `key` unless it is loaded or loading.
pub fn ensure(key: &str) {
    let status = status(key);
    if matches!(status.get_untracked(), ModelStatus::Loading(_) | ModelStatus::Ready(_)) {
        return;
    }
    let Some(fam) = family(key) else {
        status.set(ModelStatus::Failed(format!("unknown model “{key}”")));
        return;
    };
    status.set(ModelStatus::Loading(Stage::Manifest));
    let (handle, registration) = AbortHandle::new_pair();
    REGISTRY.with(|r| {
        if let Some(s) = r.borrow_mut().slots.get_mut(key) {
            s.abort = Some(handle);
        }
    });
    let key = key.to_string();
    leptos::task::spawn_local(async move {
        let progress = move |s: Stage| status.set(ModelStatus::Loading(s));
        let load = async {
            let c = compute::compute(super::compute::current_preference()).await;
            load(&c, &key, fam, &progress).await.map(|(model, stats)| (model, stats, c))
        };
        match Abortable::new(load, registration).await {
            Err(_) => {} // cancelled: whoever cancelled it set the status
            Ok(Ok((model, stats, c))) => {
                REGISTRY.with(|r| {
                    let mut r = r.borrow_mut();
                    r.clock += 1;
                    let now = r.clock;
                    r.device = Some(c.device.clone());
                    if let Some(s) = r.slots.get_mut(&key) {
                        s.model = Some(model);
                        s.bytes = stats.device_bytes;
                        s.used = now;
                        s.abort = None;
                    }
                });
                status.set(ModelStatus::Ready(stats));
                enforce_budget(Some(&c));
            }
            Ok(Err(e)) => {
                REGISTRY.with(|r| {
                    if let Some(s) = r.borrow_mut().slots.get_mut(&key) {
                        s.abort = None;
                    }
                });
                status.set(ModelStatus::Failed(e));
            }
        }
    });
}

/// Forgets a failed or loaded model and loads it again (the "try again" button).
pub fn retry(key: &str) {
    drop_model(key);
    ensure(key);
}

/// Drops `key`'s model (its status becomes idle); its device memory is freed once no page task
/// holds it any more.
fn drop_model(key: &str) {
    let dropped = REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        let s = r.slots.get_mut(key)?;
        s.model = None;
        s.bytes = 0;
        Some((s.status, s.abort.take()))
    });
    if let Some((status, abort)) = dropped {
        if let Some(a) = abort {
            a.abort();
        }
        status.set(ModelStatus::Idle);
    }
}

/// Drops every model and cancels every load (used before moving to another compute path); the
/// pages' pins stay, so [`reload_pinned`] brings back what they show.
pub fn clear() {
    let keys: Vec<String> = REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        r.device = None; // the next load says which device holds the models
        r.slots.keys().cloned().collect()
    });
    for k in &keys {
        drop_model(k);
    }
}

/// Loads again every model that a page pins (after [`clear`]).
pub fn reload_pinned() {
    let keys: Vec<String> = REGISTRY.with(|r| r.borrow().slots.iter().filter(|(_, s)| s.pins > 0).map(|(k, _)| k.clone()).collect());
    for k in &keys {
        ensure(k);
    }
}

/// Evicts the least recently used unpinned models until the loaded bytes fit the budget, then
/// asks the device to release its freed pools.
fn enforce_budget(compute: Option<&Compute>) {
    let evicted = REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        let mut evicted = Vec::new();
        loop {
            let total: u64 = r.slots.values().filter(|s| s.model.is_some()).map(|s| s.bytes).sum();
            if total <= r.budget {
                break;
            }
            let victim = r.slots.iter().filter(|(_, s)| s.model.is_some() && s.pins == 0).min_by_key(|(_, s)| s.used).map(|(k, _)| k.clone());
            let Some(v) = victim else { break };
            if let Some(s) = r.slots.get_mut(&v) {
                s.model = None;
                s.bytes = 0;
                evicted.push((v, s.status));
            }
            r.evictions += 1;
        }
        evicted
    });
    for (_, status) in &evicted {
        status.set(ModelStatus::Idle);
    }
    if !evicted.is_empty() {
        if let Some(c) = compute {
            c.device.memory_cleanup();
        }
    }
}

/// Every entry, most recently used first (Diagnostics).
pub fn entries() -> Vec<EntryInfo> {
    let mut v: Vec<EntryInfo> = REGISTRY.with(|r| {
        r.borrow()
            .slots
            .iter()
            .map(|(k, s)| EntryInfo { key: k.clone(), status: s.status.get_untracked(), bytes: s.bytes, pins: s.pins, used: s.used })
            .collect()
    });
    v.sort_by(|a, b| b.used.cmp(&a.used).then(a.key.cmp(&b.key)));
    v
}

/// Bytes of the models loaded now.
pub fn loaded_bytes() -> u64 {
    REGISTRY.with(|r| r.borrow().slots.values().filter(|s| s.model.is_some()).map(|s| s.bytes).sum())
}

/// What the device's allocator holds now, measured: (bytes in use, bytes reserved). `None` on
/// the CPU backend (it does not report pools) or before any model was loaded.
pub fn device_memory() -> Option<(u64, u64)> {
    let device = REGISTRY.with(|r| r.borrow().device.clone())?;
    let usage = device.memory_pool_usage()?;
    Some((usage.bytes_in_use, usage.bytes_reserved))
}

/// The registry as JSON (read by the browser tests through `window.__sesameRegistry()`).
pub fn report_json() -> String {
    let entries: Vec<serde_json::Value> = entries()
        .into_iter()
        .map(|e| {
            let status = match &e.status {
                ModelStatus::Idle => "idle",
                ModelStatus::Loading(_) => "loading",
                ModelStatus::Ready(_) => "ready",
                ModelStatus::Failed(_) => "failed",
            };
            serde_json::json!({"key": e.key, "status": status, "bytes": e.bytes, "pins": e.pins})
        })
        .collect();
    let (in_use, reserved) = device_memory().map_or((None, None), |(a, b)| (Some(a), Some(b)));
    serde_json::json!({
        "budget": budget(),
        "loaded_bytes": loaded_bytes(),
        "evictions": evictions(),
        "device_in_use": in_use,
        "device_reserved": reserved,
        "wasm_bytes": wasm_memory_bytes(),
        "entries": entries,
    })
    .to_string()
}

/// Bytes of the wasm linear memory (it never shrinks: the peak so far).
pub fn wasm_memory_bytes() -> u64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map(|b| b.byte_length() as u64)
        .unwrap_or(0)
}

/// Parameters of a burn module as f32 bytes on the device.
fn module_bytes<M: Module>(m: &M) -> u64 {
    m.num_params() as u64 * 4
}

/// A loaded value as the registry keeps it, with the bytes it holds.
fn held<T: 'static>(value: T, mut stats: LoadStats, bytes: u64) -> (Rc<dyn Any>, LoadStats) {
    stats.device_bytes = bytes;
    (Rc::new(value), stats)
}

/// Loads `key` of family `fam` on `c`'s device.
async fn load(c: &Compute, key: &str, fam: Family, progress: &dyn Fn(Stage)) -> Result<(Rc<dyn Any>, LoadStats), String> {
    use crate::task::autoencoder::ImageModel;
    let (id, file) = key.split_once('/').unwrap_or((key, ""));
    Ok(match fam {
        Family::Encoder => super::bert::load_minilm(c, id, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.model);
            held(m, s, b)
        })?,
        Family::Bert => super::bert::load_pretraining(c, id, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.model);
            held(m, s, b)
        })?,
        Family::PairHeads => super::bert::load_pair_heads(c, id, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.nsp) + module_bytes(&m.sop);
            held(m, s, b)
        })?,
        Family::Qa => super::qa::load_qa(c, id, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.model);
            held(m, s, b)
        })?,
        Family::Classifier => super::classify::load_classifier(c, id, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.model);
            held(m, s, b)
        })?,
        Family::Tagger => super::classify::load_tagger(c, id, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.model);
            held(m, s, b)
        })?,
        Family::Gpt => super::gpt::load_gpt(c, id, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.model) + m.model.quant_bytes() as u64;
            held(m, s, b)
        })?,
        Family::Autoencoder => super::autoencoder::model(c, id, file, progress).await.map(|(m, s)| {
            let b = match &m.model {
                ImageModel::Conv(a) => module_bytes(a),
                ImageModel::Vq(v) => module_bytes(v),
            };
            held(m, s, b)
        })?,
        Family::Vision => super::vision::model(c, file, progress).await.map(|(m, s)| {
            let b = module_bytes(&m.model);
            held(m, s, b)
        })?,
        Family::Card => return Err(format!("{id} ships its card only: there is no model to load")),
        // Host memory: pixels and labels.
        Family::ImageSet => super::autoencoder::images(file, progress).await.map(|(set, s)| {
            let b = set.pixels.len() as u64 + set.labels.len() as u64;
            held(set, s, b)
        })?,
    })
}
