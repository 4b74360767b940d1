//! Chooses where models run: WebGPU through burn-wgpu when the browser gives an adapter, else
//! burn's `flex` CPU backend compiled to wasm (same model code, same numbers within tolerance).

use std::cell::RefCell;

use burn::tensor::{Device, Tensor};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Which compute path runs, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    /// WebGPU, with the adapter's description and type (e.g. "Cpu" for SwiftShader).
    WebGpu {
        /// Adapter name/description as the browser reports it.
        adapter: String,
        /// wgpu's device type: DiscreteGpu, IntegratedGpu, Cpu, ...
        kind: String,
    },
    /// The CPU fallback, and the reason it was chosen.
    Cpu {
        /// Why.
        reason: CpuReason,
    },
}

/// Why the CPU backend runs (the interface translates it).
#[derive(Debug, Clone, PartialEq)]
pub enum CpuReason {
    /// The address says `backend=cpu`.
    Requested,
    /// `navigator.gpu` is missing.
    NoWebGpu,
    /// `requestAdapter()` gave no adapter.
    NoAdapter,
    /// The only adapter is a software renderer (its description).
    SoftwareAdapter(String),
    /// WebGPU failed to start or to compute correctly (details, in English).
    Failed(String),
}

/// The chosen device. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct Compute {
    /// Where tensors go.
    pub device: Device,
    /// What it is.
    pub backend: Backend,
}

thread_local! {
    /// What the app asks for now (see [`current_preference`]).
    static PREFERENCE: std::cell::Cell<Preference> = const { std::cell::Cell::new(Preference::Auto) };
    /// The one choice for this page, shared by every caller (also callers that ask while the
    /// first is still probing: burn's wgpu runtime can only be set up once, and a second
    /// attempt would fail and silently put that caller on the CPU).
    static COMPUTE: RefCell<Option<Shared<LocalBoxFuture<'static, Compute>>>> = const { RefCell::new(None) };
}

/// What the user asked for (`backend=` in the address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    /// A hardware WebGPU adapter if there is one, else the CPU backend.
    Auto,
    /// WebGPU whatever the adapter, even a software renderer.
    WebGpu,
    /// The CPU backend.
    Cpu,
}

impl Preference {
    /// Parses `backend=`; anything unknown is `Auto`.
    pub fn parse(value: Option<&str>) -> Self {
        match value {
            Some("cpu") => Preference::Cpu,
            Some("webgpu") => Preference::WebGpu,
            _ => Preference::Auto,
        }
    }
}

/// The device for this page, chosen once; `preference` only matters for the first call.
pub async fn compute(preference: Preference) -> Compute {
    let choice = COMPUTE.with(|c| {
        c.borrow_mut()
            .get_or_insert_with(|| {
                async move {
                    if preference == Preference::Cpu {
                        return cpu(CpuReason::Requested);
                    }
                    match webgpu(preference == Preference::WebGpu).await {
                        Ok(c) => c,
                        Err(reason) => cpu(reason),
                    }
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    choice.await
}

fn cpu(reason: CpuReason) -> Compute {
    Compute { device: Device::flex(), backend: Backend::Cpu { reason } }
}

/// Sets up WebGPU. A software adapter (SwiftShader and the like: what a machine without a GPU
/// offers) is refused unless `allow_software`: there Sesame's wasm CPU backend is ~75× faster.
async fn webgpu(allow_software: bool) -> Result<Compute, CpuReason> {
    let fail = |e: String| CpuReason::Failed(e);
    let window = web_sys::window().ok_or(CpuReason::NoWebGpu)?;
    let navigator = window.navigator();
    let gpu = Reflect::get(&navigator, &JsValue::from_str("gpu")).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err(CpuReason::NoWebGpu);
    }
    // Ask for an adapter ourselves first: a null adapter is a clean, explainable fallback.
    let request = Reflect::get(&gpu, &JsValue::from_str("requestAdapter")).map_err(|_| CpuReason::NoWebGpu)?;
    let request: js_sys::Function = request.dyn_into().map_err(|_| CpuReason::NoWebGpu)?;
    let promise: Promise = request
        .call0(&gpu)
        .map_err(|e| fail(format!("requestAdapter failed: {e:?}")))?
        .dyn_into()
        .map_err(|_| fail("requestAdapter returned no promise".into()))?;
    let adapter = JsFuture::from(promise).await.map_err(|e| fail(format!("requestAdapter failed: {e:?}")))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err(CpuReason::NoAdapter);
    }
    let (described, software) = describe_adapter(&adapter);
    if software && !allow_software {
        return Err(CpuReason::SoftwareAdapter(described));
    }
    let (device, setup) = Device::wgpu_options()
        .init_with_setup_async()
        .await
        .map_err(|e| fail(format!("WebGPU could not be initialised: {e}")))?;
    let info = setup.adapter.get_info();
    // A tiny computation proves the device works before any model is put on it.
    let x = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &device);
    let y = crate::task::read_f32(x.clone().matmul(x)).await.map_err(|e| fail(format!("WebGPU self-test failed: {e}")))?;
    if y != [7.0, 10.0, 15.0, 22.0] {
        return Err(fail(format!("WebGPU self-test gave wrong numbers {y:?}")));
    }
    if format!("{:?}", info.device_type) == "Cpu" {
        crate::model::device_matmul::set_cpu_adapter(&device);
    }
    let name = if described.is_empty() { info.name.clone() } else { described };
    Ok(Compute {
        device,
        backend: Backend::WebGpu {
            adapter: if name.is_empty() { "unnamed adapter".into() } else { name },
            kind: format!("{:?}", info.device_type),
        },
    })
}

/// "vendor architecture (description)" from the browser's `GPUAdapter.info` (empty if the
/// browser hides it), and whether it is a fallback (software) adapter.
fn describe_adapter(adapter: &JsValue) -> (String, bool) {
    let info = Reflect::get(adapter, &"info".into()).unwrap_or(JsValue::UNDEFINED);
    let field = |name: &str| Reflect::get(&info, &name.into()).ok().and_then(|v| v.as_string()).filter(|s| !s.is_empty());
    let mut parts: Vec<String> = ["vendor", "architecture", "device"].into_iter().filter_map(field).collect();
    if let Some(d) = field("description") {
        parts.push(format!("({d})"));
    }
    let fallback = Reflect::get(&info, &"isFallbackAdapter".into())
        .ok()
        .or_else(|| Reflect::get(adapter, &"isFallbackAdapter".into()).ok())
        .map(|v| v.is_truthy())
        .unwrap_or(false);
    (parts.join(" "), fallback)
}

/// The compute path the app asks for now (the address's `backend=` at start, `Cpu` after the
/// reader chose "retry on the CPU").
pub fn current_preference() -> Preference {
    PREFERENCE.with(|p| p.get())
}

/// Sets the preference read by [`current_preference`] (before the first [`compute`]).
pub fn set_preference(p: Preference) {
    PREFERENCE.with(|c| c.set(p));
}

/// Moves the app to the CPU backend after a GPU fault: later [`compute`] calls give the CPU
/// device (the WebGPU one is dropped with the models that held it).
pub fn switch_to_cpu(why: String) -> Compute {
    set_preference(Preference::Cpu);
    let c = cpu(CpuReason::Failed(why));
    let ready = c.clone();
    COMPUTE.with(|slot| *slot.borrow_mut() = Some(async move { ready }.boxed_local().shared()));
    c
}
