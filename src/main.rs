//! The Sesame web app. Build it for the browser with `scripts/build-web.sh`
//! (wasm32-unknown-unknown + wasm-bindgen); the native binary only says so.

// The linker's constructor runner (burn's kernel registries are filled by constructors). Called
// once from `main`, it tells wasm-ld that this module runs its constructors itself; otherwise a
// binary is linked "command-style" and every export — each call from JS into the app, every event
// and every awaited promise — runs all constructors again first (measured: ~12 ms of a 133 ms
// MiniLM forward pass on the CPU path went to those re-runs). inventory's documentation gives
// this same remedy.
#[cfg(target_arch = "wasm32")]
unsafe extern "C" {
    fn __wasm_call_ctors();
}

#[cfg(target_arch = "wasm32")]
fn main() {
    // SAFETY: runs once, first, before any code that reads what the constructors register.
    unsafe { __wasm_call_ctors() };
    sesame::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("sesame is a web app: build and serve it with scripts/run.sh (see README.md).");
}
