//! The one way task code reads results back from the device: asynchronously (the only way that
//! works on WebGPU in the browser), giving the browser a turn at every read, and telling the app
//! about a failed read (a lost device, a failed allocation) so it can offer the CPU instead.

use burn::tensor::Tensor;

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
        None => zero_timeout(),
    };
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// See the browser version: natively there is no page to give a turn to.
#[cfg(not(target_arch = "wasm32"))]
pub async fn yield_now() {}

/// Gives the browser a whole turn: returns from a zero-delay timeout, so painting (a progress
/// bar, a curve) and input (a click on Pause or on another page) are handled before it does.
///
/// Loops that run on the page itself (training, scoring a table, loading in pieces) use this
/// between their steps; [`yield_now`]'s `scheduler.yield()` continuations run at a raised
/// priority, and a loop of nothing but them can starve input and rendering on the CPU backend.
/// Nested timeouts are clamped to about 4 ms, which is small beside any step worth yielding in.
/// Natively it returns at once.
#[cfg(target_arch = "wasm32")]
pub async fn yield_to_browser() {
    let _ = wasm_bindgen_futures::JsFuture::from(zero_timeout()).await;
}

/// The longest a job split into steps keeps the page without giving it a turn ([`yield_if_due`]):
/// the 50 ms within which a click or a key should be answered.
pub const TURN_MS: f64 = 50.0;

/// [`yield_to_browser`] if `TURN_MS` have passed since the last turn given here, else nothing: for
/// a job of many short steps (a prompt read block by block), where a turn after every step would
/// cost more than the steps (each turn is a clamped ~4 ms timeout).
#[cfg(target_arch = "wasm32")]
pub async fn yield_if_due() {
    thread_local! {
        static LAST_TURN: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
    }
    if js_sys::Date::now() - LAST_TURN.get() >= TURN_MS {
        yield_to_browser().await;
        LAST_TURN.set(js_sys::Date::now());
    }
}

/// See the browser version: natively there is no page to give a turn to.
#[cfg(not(target_arch = "wasm32"))]
pub async fn yield_if_due() {}

/// A promise that a zero-delay `setTimeout` resolves (a new task, after input and painting).
#[cfg(target_arch = "wasm32")]
fn zero_timeout() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    })
}

/// See the browser version: natively there is no page to give a turn to.
#[cfg(not(target_arch = "wasm32"))]
pub async fn yield_to_browser() {}

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
