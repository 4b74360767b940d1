//! Chooses where models run: WebGPU through burn-wgpu when the browser gives an adapter, else
//! burn's `flex` CPU backend compiled to wasm (same model code, same numbers within tolerance).

use std::cell::RefCell;

use burn::tensor::{Device, Tensor};
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
        /// A sentence for the user.
        reason: String,
    },
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
    static COMPUTE: RefCell<Option<Compute>> = const { RefCell::new(None) };
}

/// The device for this page, chosen once (burn's wgpu runtime can only be set up once).
/// `force_cpu` (from `?backend=cpu`) skips WebGPU.
pub async fn compute(force_cpu: bool) -> Compute {
    if let Some(c) = COMPUTE.with(|c| c.borrow().clone()) {
        return c;
    }
    let chosen = if force_cpu {
        cpu("the CPU backend was requested (backend=cpu in the address)".into())
    } else {
        match webgpu().await {
            Ok(c) => c,
            Err(reason) => cpu(reason),
        }
    };
    COMPUTE.with(|c| *c.borrow_mut() = Some(chosen.clone()));
    chosen
}

/// The device chosen earlier, if any.
pub fn current() -> Option<Compute> {
    COMPUTE.with(|c| c.borrow().clone())
}

fn cpu(reason: String) -> Compute {
    Compute { device: Device::flex(), backend: Backend::Cpu { reason } }
}

async fn webgpu() -> Result<Compute, String> {
    let window = web_sys::window().ok_or("no window")?;
    let navigator = window.navigator();
    let gpu = Reflect::get(&navigator, &JsValue::from_str("gpu")).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser has no WebGPU (navigator.gpu is missing)".into());
    }
    // Ask for an adapter ourselves first: a null adapter is a clean, explainable fallback.
    let request = Reflect::get(&gpu, &JsValue::from_str("requestAdapter")).map_err(|_| "navigator.gpu.requestAdapter is missing")?;
    let request: js_sys::Function = request.dyn_into().map_err(|_| "navigator.gpu.requestAdapter is not a function")?;
    let promise: Promise = request.call0(&gpu).map_err(|e| format!("requestAdapter failed: {e:?}"))?.dyn_into().map_err(|_| "requestAdapter returned no promise")?;
    let adapter = JsFuture::from(promise).await.map_err(|e| format!("requestAdapter failed: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("WebGPU is present but the browser returned no adapter (GPU blocked or unsupported)".into());
    }
    let (device, setup) = Device::wgpu_options()
        .init_with_setup_async()
        .await
        .map_err(|e| format!("WebGPU could not be initialised: {e}"))?;
    let info = setup.adapter.get_info();
    // A tiny computation proves the device works before any model is put on it.
    let x = Tensor::<2>::from_floats([[1.0, 2.0], [3.0, 4.0]], &device);
    let y = crate::task::read_f32(x.clone().matmul(x)).await.map_err(|e| format!("WebGPU self-test failed: {e}"))?;
    if y != [7.0, 10.0, 15.0, 22.0] {
        return Err(format!("WebGPU self-test gave wrong numbers {y:?}"));
    }
    let name = [info.name.as_str(), info.driver.as_str(), info.driver_info.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    Ok(Compute {
        device,
        backend: Backend::WebGpu {
            adapter: if name.is_empty() { format!("vendor {:#x}", info.vendor) } else { name },
            kind: format!("{:?}", info.device_type),
        },
    })
}
