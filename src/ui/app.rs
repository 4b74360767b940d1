//! The app shell: header (navigation, language switch, compute badge), the current page, footer.

use leptos::prelude::*;

use super::i18n::{Lang, T};
use super::pages::{contextual::Contextual, diagnostics::Diagnostics, home::Home, masking::Masking, pair::Pair};
use super::state::{backend_preference, describe_backend, url_param, AppState, Route};
use crate::runtime::compute::{self, Backend};

/// Mounts the app on `<body>`.
pub fn start() {
    // wasm cannot unwind: a panic stops the app. Say so on the page instead of freezing silently.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal(&info.to_string());
    }));
    if let Some(splash) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("splash")) {
        splash.remove();
    }
    leptos::mount::mount_to_body(App);
}

/// Root component.
#[component]
fn App() -> impl IntoView {
    let app = AppState::from_url();
    provide_context(app);
    // Probe the compute path at once, so the badge is right even before a model loads.
    leptos::task::spawn_local(async move {
        let c = compute::compute(backend_preference()).await;
        app.backend.set(Some(c.backend));
    });
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        app.route.set(Route::parse(&url_param("p").unwrap_or_default()));
        if let Some(l) = url_param("lang").and_then(|l| Lang::parse(&l)) {
            app.lang.set(l);
        }
    });
    Effect::new(move |_| {
        let lang = app.lang.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(html) = doc.document_element() {
                let _ = html.set_attribute("lang", lang.code());
            }
            doc.set_title(&format!("{} · Sesame", app.route.get().title().get(lang)));
        }
    });
    view! {
        <header class="top">
            <a class="brand" href="?p=home" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Home); }>
                <img src="web/icons/icon.svg" alt="" width="28" height="28" />
                <span class="name">"Sesame"</span>
            </a>
            <nav>
                {[Route::Home, Route::Masking, Route::Pair, Route::Contextual, Route::Diagnostics].into_iter().map(|r| view! {
                    <a href=format!("?p={}", r.slug()) class:active=move || app.route.get() == r data-testid=format!("nav-{}", r.slug())
                       on:click=move |ev| { ev.prevent_default(); app.navigate(r); }>{move || app.t(r.title())}</a>
                }).collect_view()}
            </nav>
            <div class="right">
                <Badge />
                <label class="lang">
                    <span class="sr-only">{move || app.t(T::Language)}</span>
                    <select data-testid="lang" on:change=move |ev| { if let Some(l) = Lang::parse(&event_target_value(&ev)) { app.set_lang(l) } }>
                        {Lang::ALL.into_iter().map(|l| view! { <option value=l.code() selected=move || app.lang.get() == l>{l.label()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
        </header>
        <main>
            {move || match app.route.get() {
                Route::Home => view! { <Home /> }.into_any(),
                Route::Contextual => view! { <Contextual /> }.into_any(),
                Route::Masking => view! { <Masking /> }.into_any(),
                Route::Pair => view! { <Pair /> }.into_any(),
                Route::Diagnostics => view! { <Diagnostics /> }.into_any(),
            }}
        </main>
        <footer>{move || app.t(T::Footer)}</footer>
    }
}

/// Which compute path runs: WebGPU with its adapter, or the CPU fallback with the reason.
#[component]
fn Badge() -> impl IntoView {
    let app = expect_context::<AppState>();
    move || match app.backend.get() {
        None => view! { <span class="badge probing" data-testid="badge" data-backend="probing">{app.t(T::BadgeProbing)}</span> }.into_any(),
        Some(backend) => {
            let (head, why) = describe_backend(&backend, app.lang.get());
            let (class, key) = match backend { Backend::WebGpu { .. } => ("badge gpu", "webgpu"), Backend::Cpu { .. } => ("badge cpu", "cpu") };
            view! {
                <span class=class data-testid="badge" data-backend=key title=why.clone()>
                    <strong>{head}</strong>" · "{why.clone()}
                </span>
            }.into_any()
        }
    }
}

/// Puts a banner over the page after an unrecoverable error (the wasm instance is gone).
fn show_fatal(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(banner) = doc.create_element("div") else { return };
    banner.set_class_name("fatal");
    let _ = banner.set_attribute("role", "alert");
    banner.set_text_content(Some(&format!(
        "Sesame stopped after an internal error. Reload the page to start again. Details: {message}"
    )));
    if let Some(body) = doc.body() {
        let _ = body.prepend_with_node_1(&banner);
    }
}
