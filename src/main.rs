//! The Sesame web app. Build it for the browser with `scripts/build-web.sh`
//! (wasm32-unknown-unknown + wasm-bindgen); the native binary only says so.

#[cfg(target_arch = "wasm32")]
fn main() {
    sesame::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("sesame is a web app: build and serve it with scripts/run.sh (see README.md).");
}
