//! State shared by all pages: language, route, compute path and model status.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::i18n::{Lang, T};
use crate::runtime::compute::{self, Backend, CpuReason, Preference};
use crate::runtime::models::{self, LoadStats, Stage};

/// The pages of the app, addressed as `?p=...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Home.
    Home,
    /// Contextual embeddings.
    Contextual,
    /// Masked-token prediction.
    Masking,
    /// Next-sentence / sentence-order prediction.
    Pair,
    /// Diagnostics (golden check, timings).
    Diagnostics,
}

impl Route {
    /// URL value of `p`.
    pub fn slug(self) -> &'static str {
        match self {
            Route::Home => "home",
            Route::Contextual => "contextual",
            Route::Masking => "masking",
            Route::Pair => "pair",
            Route::Diagnostics => "diagnostics",
        }
    }

    /// Parses `p`; unknown values go home.
    pub fn parse(slug: &str) -> Route {
        match slug {
            "contextual" => Route::Contextual,
            "masking" => Route::Masking,
            "pair" => Route::Pair,
            "diagnostics" => Route::Diagnostics,
            _ => Route::Home,
        }
    }

    /// Navigation label.
    pub fn title(self) -> T {
        match self {
            Route::Home => T::NavHome,
            Route::Contextual => T::NavContextual,
            Route::Masking => T::NavMasking,
            Route::Pair => T::NavPair,
            Route::Diagnostics => T::NavDiagnostics,
        }
    }
}

/// Where a model is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelStatus {
    /// Not asked for yet.
    Idle,
    /// Loading.
    Loading(Stage),
    /// Ready on the device.
    Ready(LoadStats),
    /// Failed, with the message.
    Failed(String),
}

/// App-wide signals, provided as context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// Current page.
    pub route: RwSignal<Route>,
    /// Compute path, once probed.
    pub backend: RwSignal<Option<Backend>>,
    /// The MiniLM encoder's status.
    pub minilm: RwSignal<ModelStatus>,
    /// Sesame's Chinese BERT (MLM + SOP heads).
    pub bert_zh: RwSignal<ModelStatus>,
    /// Sesame's English BERT (MiniLM + MLM + SOP heads).
    pub bert_en: RwSignal<ModelStatus>,
}

impl AppState {
    /// Reads the initial state from the URL (`p`, `lang`) and the browser language.
    pub fn from_url() -> Self {
        let lang = url_param("lang")
            .and_then(|l| Lang::parse(&l))
            .or_else(|| web_sys::window().and_then(|w| w.navigator().language()).and_then(|l| Lang::parse(&l)))
            .unwrap_or(Lang::En);
        AppState {
            lang: RwSignal::new(lang),
            route: RwSignal::new(Route::parse(&url_param("p").unwrap_or_default())),
            backend: RwSignal::new(None),
            minilm: RwSignal::new(ModelStatus::Idle),
            bert_zh: RwSignal::new(ModelStatus::Idle),
            bert_en: RwSignal::new(ModelStatus::Idle),
        }
    }

    /// Translates a key in the current language (reactive).
    pub fn t(&self, key: T) -> &'static str {
        key.get(self.lang.get())
    }

    /// Goes to a page, keeping the other URL parameters (history entry, no reload).
    pub fn navigate(&self, route: Route) {
        set_url_param("p", Some(route.slug()), true);
        self.route.set(route);
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    }

    /// Switches language and records it in the URL.
    pub fn set_lang(&self, lang: Lang) {
        set_url_param("lang", Some(lang.code()), false);
        self.lang.set(lang);
    }

    /// The status signal of a pretrained BERT by manifest id.
    pub fn pretrained_status(&self, id: &str) -> RwSignal<ModelStatus> {
        if id == models::BERT_ZH {
            self.bert_zh
        } else {
            self.bert_en
        }
    }

    /// Starts loading a pretrained BERT (`bert-zh` / `bert-en`) unless it is loaded or loading.
    pub fn ensure_pretraining(&self, id: &'static str) {
        self.ensure(self.pretrained_status(id), move |compute, progress| async move {
            models::load_pretraining(&compute, id, &progress).await.map(|(_, stats)| stats)
        });
    }

    /// Starts loading MiniLM unless it is loaded or loading; progress goes to `self.minilm`.
    pub fn ensure_minilm(&self) {
        self.ensure(self.minilm, |compute, progress| async move { models::load_minilm(&compute, &progress).await.map(|(_, stats)| stats) });
    }

    /// Runs `load` on the chosen compute path unless `status` says the model is loaded or
    /// loading; its progress and outcome go to `status`.
    fn ensure<F, Fut>(&self, status: RwSignal<ModelStatus>, load: F)
    where
        F: FnOnce(compute::Compute, Box<dyn Fn(Stage)>) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<LoadStats, String>> + 'static,
    {
        if matches!(status.get_untracked(), ModelStatus::Loading(_) | ModelStatus::Ready(_)) {
            return;
        }
        let backend = self.backend;
        status.set(ModelStatus::Loading(Stage::Manifest));
        leptos::task::spawn_local(async move {
            let compute = compute::compute(backend_preference()).await;
            backend.set(Some(compute.backend.clone()));
            let progress: Box<dyn Fn(Stage)> = Box::new(move |s: Stage| status.set(ModelStatus::Loading(s)));
            match load(compute, progress).await {
                Ok(stats) => status.set(ModelStatus::Ready(stats)),
                Err(e) => status.set(ModelStatus::Failed(e)),
            }
        });
    }
}

/// The compute path the URL asks for (`backend=cpu|webgpu`, default auto).
pub fn backend_preference() -> Preference {
    Preference::parse(url_param("backend").as_deref())
}

/// A query parameter of the current URL.
pub fn url_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Sets (or removes, with `None`) a query parameter; `push` adds a history entry.
pub fn set_url_param(name: &str, value: Option<&str>, push: bool) {
    let Some(window) = web_sys::window() else { return };
    let Ok(href) = window.location().href() else { return };
    let Ok(url) = web_sys::Url::new(&href) else { return };
    match value {
        Some(v) => url.search_params().set(name, v),
        None => url.search_params().delete(name),
    }
    let Ok(history) = window.history() else { return };
    let href = url.href();
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&href))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&href))
    };
}

/// The compute path in words: (headline, detail), in `lang`.
pub fn describe_backend(backend: &Backend, lang: Lang) -> (&'static str, String) {
    match backend {
        Backend::WebGpu { adapter, kind } => (T::BadgeWebGpu.get(lang), format!("{adapter} · {kind}")),
        Backend::Cpu { reason } => {
            let why = match reason {
                CpuReason::Requested => T::WhyRequested.get(lang).to_string(),
                CpuReason::NoWebGpu => T::WhyNoWebGpu.get(lang).to_string(),
                CpuReason::NoAdapter => T::WhyNoAdapter.get(lang).to_string(),
                CpuReason::SoftwareAdapter(adapter) => format!("{} [{adapter}]", T::WhySoftware.get(lang)),
                CpuReason::Failed(detail) => format!("{}: {detail}", T::WhyFailed.get(lang)),
            };
            (T::BadgeCpu.get(lang), why)
        }
    }
}
