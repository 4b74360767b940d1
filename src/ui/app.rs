//! The app shell: header (navigation, language switch, compute badge), the current page, footer.

use leptos::prelude::*;

use super::i18n::{Lang, T};
use super::pages::{contextual::Contextual, diagnostics::Diagnostics, home::Home};
use super::state::{force_cpu, url_param, AppState, Route};
use crate::runtime::compute::{self, Backend};

/// Mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
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
        let c = compute::compute(force_cpu()).await;
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
                <span class="tagline">{move || app.t(T::AppTagline)}</span>
            </a>
            <nav>
                {[Route::Home, Route::Contextual, Route::Diagnostics].into_iter().map(|r| view! {
                    <a href=format!("?p={}", r.slug()) class:active=move || app.route.get() == r data-testid=format!("nav-{}", r.slug())
                       on:click=move |ev| { ev.prevent_default(); app.navigate(r); }>{move || app.t(r.title())}</a>
                }).collect_view()}
            </nav>
            <div class="right">
                <Badge />
                <label class="lang">
                    <span class="sr-only">{move || app.t(T::Language)}</span>
                    <select data-testid="lang" on:change=move |ev| if let Some(l) = Lang::parse(&event_target_value(&ev)) { app.set_lang(l) }>
                        {Lang::ALL.into_iter().map(|l| view! { <option value=l.code() selected=move || app.lang.get() == l>{l.label()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
        </header>
        <main>
            {move || match app.route.get() {
                Route::Home => view! { <Home /> }.into_any(),
                Route::Contextual => view! { <Contextual /> }.into_any(),
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
        Some(Backend::WebGpu { adapter, kind }) => view! {
            <span class="badge gpu" data-testid="badge" data-backend="webgpu" title=format!("{adapter} ({kind})")>
                <strong>{app.t(T::BadgeWebGpu)}</strong>" · "{adapter.clone()}" · "{kind.clone()}
            </span>
        }.into_any(),
        Some(Backend::Cpu { reason }) => view! {
            <span class="badge cpu" data-testid="badge" data-backend="cpu" title=reason.clone()>
                <strong>{app.t(T::BadgeCpu)}</strong>" · "{reason.clone()}
            </span>
        }.into_any(),
    }
}
