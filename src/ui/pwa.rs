//! The installed-app side: this release's id, the service worker's state (from `web/boot.js`,
//! which registers it), and the banner that offers a new release.

use js_sys::{Function, Reflect};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::i18n::T;
use super::state::AppState;

/// This release's id (a content hash stamped into index.html by `scripts/build-web.sh`).
pub fn build_id() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=sesame-build]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_else(|| "dev".into())
}

fn pwa_object() -> Option<JsValue> {
    Reflect::get(&web_sys::window()?.into(), &"sesamePwa".into()).ok().filter(|v| v.is_object())
}

/// What the service worker does for this page.
#[derive(Debug, Clone, PartialEq)]
pub enum SwState {
    /// Still installing: the app shell is being cached.
    Registering,
    /// The app shell is cached and this page is served by it: it works offline.
    Ready,
    /// This browser has no service workers.
    Unsupported,
    /// Registration failed, with the reason.
    Failed(String),
}

/// The service worker's state and whether a new release waits.
pub fn pwa_state() -> (SwState, bool) {
    let Some(p) = pwa_object() else { return (SwState::Unsupported, false) };
    let get = |k: &str| Reflect::get(&p, &k.into()).ok();
    let state = match get("state").and_then(|v| v.as_string()).as_deref() {
        Some("ready") => SwState::Ready,
        Some("registering") => SwState::Registering,
        Some("failed") => SwState::Failed(get("error").and_then(|v| v.as_string()).unwrap_or_default()),
        _ => SwState::Unsupported,
    };
    (state, get("updateReady").is_some_and(|v| v.is_truthy()))
}

/// A signal of [`pwa_state`], updated whenever `boot.js` reports a change.
pub fn pwa_signal() -> RwSignal<(SwState, bool)> {
    let s = RwSignal::new(pwa_state());
    let _ = window_event_listener_untyped("sesame-pwa", move |_| s.set(pwa_state()));
    s
}

/// Activates the waiting release; the page reloads once it has taken over.
fn apply_update() {
    if let Some(p) = pwa_object() {
        if let Ok(f) = Reflect::get(&p, &"applyUpdate".into()).and_then(|f| f.dyn_into::<Function>()) {
            let _ = f.call0(&p);
        }
    }
}

/// "A new version is ready — reload", shown when a new release has been installed beside this one.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let app = expect_context::<AppState>();
    let pwa = pwa_signal();
    let applying = RwSignal::new(false);
    move || {
        pwa.get().1.then(|| view! {
            <div class="message info update" role="status" data-testid="update-ready">
                {app.t(T::UpdateReady)}" "
                <button class="primary small" data-testid="update-reload" disabled=move || applying.get()
                        on:click=move |_| { applying.set(true); apply_update(); }>{app.t(T::UpdateReload)}</button>
            </div>
        })
    }
}
