//! The app shell: header (navigation, language switch, compute badge), the current page, footer.

use leptos::prelude::*;

use super::embed::{EmbedButton, HideStyle, OpenFull};
use super::i18n::{Lang, T};
use super::pwa::{build_id, UpdateBanner};
use super::routes::Route;
use super::state::{backend_preference, describe_backend, url_param, AppState};
use super::url::Rejected;
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
    // A failed device read anywhere (lost device, failed allocation) raises the fault banner.
    let fault = RwSignal::new(None::<String>);
    crate::task::on_device_fault(move |m| {
        if matches!(app.backend.get_untracked(), Some(Backend::WebGpu { .. })) {
            fault.set(Some(m.to_string()));
        }
    });
    expose_registry_report();
    super::bench::expose();
    // Probe the compute path at once, so the badge is right even before a model loads.
    leptos::task::spawn_local(async move {
        let c = compute::compute(backend_preference()).await;
        app.backend.set(Some(c.backend));
    });
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        app.route.set(app.url_route());
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
    if app.embed {
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.class_list().add_1("embed");
        }
    }
    view! {
        <HideStyle />
        {(!app.embed).then(|| view! { <Header /> })}
        {app.embed.then(|| view! { <OpenFull /> })}
        <UpdateBanner />
        <Notices />
        <FaultBanner fault=fault />
        <main>
            {move || {
                let route = app.route.get();
                let page = (route.page().view)();
                let embeddable = !app.embed && route.page().embeddable;
                view! { {embeddable.then(|| view! { <EmbedButton route=route /> })} {page} }
            }}
        </main>
        {(!app.embed).then(|| view! {
            <footer>
                <p>{move || app.t(T::Footer)}</p>
                <p class="muted">
                    {move || app.t(T::FooterRelease)}" "<code data-testid="footer-build">{build_id()}</code>" · "
                    <a href="?p=offline" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Offline); }>{move || app.t(T::NavOffline)}</a>
                </p>
            </footer>
        })}
    }
}

/// The site's header: brand, navigation, compute badge, language switch.
#[component]
fn Header() -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <header class="top">
            <a class="brand" href="?p=home" on:click=move |ev| { ev.prevent_default(); app.navigate(Route::Home); }>
                <img src="web/icons/icon.svg" alt="" width="28" height="28" />
                <span class="name">"Sesame"</span>
            </a>
            <nav>
                {Route::header().map(|r| view! {
                    <a href=format!("?p={}", r.slug()) class:active=move || { let now = app.route.get(); now == r || (r == Route::AeRecon && now.is_autoencoder()) } data-testid=format!("nav-{}", r.slug())
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
    }
}

/// Values from the address that were replaced by defaults, until dismissed.
#[component]
fn Notices() -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let notices = app.notices.get();
        (!notices.is_empty()).then(|| view! {
            <div class="message warn url-notice" role="status" data-testid="url-notice">
                <strong>{app.t(T::UrlNotice)}</strong>
                <ul>
                    {notices.into_iter().map(|n| {
                        let why = match n.why {
                            Rejected::TooLong { chars, max } => format!("{} ({chars} > {max})", app.t(T::UrlTooLong)),
                            Rejected::Unknown(v) => format!("{} «{v}»", app.t(T::UrlUnknown)),
                        };
                        view! { <li><code>{n.param}</code>": "{why}</li> }
                    }).collect_view()}
                </ul>
                <button class="secondary small" data-testid="url-notice-close" on:click=move |_| app.notices.set(Vec::new())>{app.t(T::UrlDismiss)}</button>
            </div>
        })
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
                    <strong>{head}</strong><span class="why">" · "{why.clone()}</span>
                </span>
            }.into_any()
        }
    }
}

/// After a GPU fault: what happened, and "retry on the CPU", which moves the app to the CPU
/// backend without a reload (the registry loads again what the open page shows there).
#[component]
fn FaultBanner(fault: RwSignal<Option<String>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let retry = move |_| {
        let why = fault.get_untracked().unwrap_or_default();
        fault.set(None);
        let c = compute::switch_to_cpu(why);
        app.backend.set(Some(c.backend));
        super::state::set_url_param("backend", Some("cpu"), false);
        crate::runtime::registry::clear();
        crate::runtime::registry::reload_pinned();
    };
    move || {
        fault.get().map(|m| view! {
            <div class="message error" role="alert" data-testid="gpu-fault">
                <strong>{app.t(T::FaultTitle)}</strong>" "{app.t(T::FaultText)}
                <p class="note">{m}</p>
                <button class="primary" data-testid="retry-cpu" on:click=retry>{app.t(T::FaultRetryCpu)}</button>
                " "<button class="secondary small" on:click=move |_| fault.set(None)>{app.t(T::FaultDismiss)}</button>
            </div>
        })
    }
}

/// `window.__sesameRegistry()`: the model registry as JSON, for the browser tests' soak and
/// budget checks (the same figures Diagnostics shows).
fn expose_registry_report() {
    use wasm_bindgen::closure::Closure;
    let f = Closure::<dyn Fn() -> String>::new(crate::runtime::registry::report_json);
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__sesameRegistry".into(), f.as_ref());
    }
    f.forget();
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
