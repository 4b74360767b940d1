//! State shared by all pages: language, route, compute path and model status.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::i18n::{Lang, T};
use super::routes::Route;
use super::url::{check_choice, check_text, parse_hide, shorten, Rejected, GLOBAL_PARAMS};
use crate::runtime::compute::{self, Backend, CpuReason, Preference};
use crate::runtime::registry;

pub use crate::runtime::registry::ModelStatus;

/// App-wide signals, provided as context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Interface language.
    pub lang: RwSignal<Lang>,
    /// Current page.
    pub route: RwSignal<Route>,
    /// Compute path, once probed.
    pub backend: RwSignal<Option<Backend>>,
    /// `embed=1`: the page alone, without the site's header and footer (for iframes).
    pub embed: bool,
    /// Controls named by `hide=`.
    pub hidden: StoredValue<Vec<&'static str>>,
    /// Values from the address that were not used, and why (shown until dismissed).
    pub notices: RwSignal<Vec<UrlNotice>>,
}

/// A value from the address that was replaced by its default.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlNotice {
    /// The parameter's name.
    pub param: String,
    /// Why it was not used.
    pub why: Rejected,
}

impl AppState {
    /// Reads the initial state from the URL (`p`, `lang`, `embed`, `hide`, `backend`) and the
    /// browser language; values that are not valid are noted and replaced by defaults.
    pub fn from_url() -> Self {
        let app = AppState {
            lang: RwSignal::new(Lang::En),
            route: RwSignal::new(Route::Home),
            backend: RwSignal::new(None),
            embed: url_param("embed").is_some_and(|v| v == "1" || v == "true"),
            hidden: StoredValue::new(Vec::new()),
            notices: RwSignal::new(Vec::new()),
        };
        let lang = app
            .url_check("lang", |v| Lang::parse(v).ok_or_else(|| Rejected::Unknown(shorten(v, 40))))
            .or_else(|| web_sys::window().and_then(|w| w.navigator().language()).and_then(|l| Lang::parse(&l)))
            .unwrap_or(Lang::En);
        app.lang.set(lang);
        app.route.set(app.url_route());
        if let Some(v) = url_param("embed").filter(|v| !["1", "0", "true", "false"].contains(&v.as_str())) {
            app.reject("embed", Rejected::Unknown(shorten(&v, 40)));
        }
        app.url_check("backend", |v| check_choice(v, &["auto", "cpu", "webgpu"]));
        compute::set_preference(Preference::parse(url_param("backend").as_deref()));
        let budget_mb = app.url_check("budget", |v| super::url::check_number(v, 16.0, 16384.0)).map(|mb| mb as u64 * 1024 * 1024);
        registry::init(budget_mb.unwrap_or(registry::DEFAULT_BUDGET));
        if let Some(h) = url_param("hide") {
            let (known, unknown) = parse_hide(&h);
            for name in unknown {
                app.reject("hide", Rejected::Unknown(name));
            }
            app.hidden.set_value(known);
        }
        app
    }

    /// The page the address names (`p`); an unknown one is noted and goes home.
    pub fn url_route(&self) -> Route {
        self.url_check("p", |v| Route::parse(v).ok_or_else(|| Rejected::Unknown(shorten(v, 40)))).unwrap_or(Route::Home)
    }

    /// Reads parameter `name` through `check`; a rejected value is noted and gives `None`.
    pub fn url_check<R>(&self, name: &str, check: impl FnOnce(&str) -> Result<R, Rejected>) -> Option<R> {
        let value = url_param(name)?;
        match check(&value) {
            Ok(v) => Some(v),
            Err(why) => {
                self.reject(name, why);
                None
            }
        }
    }

    /// Reads free text `name` (at most `max` characters, see [`check_text`]).
    pub fn url_text(&self, name: &str, max: usize) -> Option<String> {
        self.url_check(name, |v| check_text(v, max))
    }

    /// Notes that the address's `param` was not used.
    pub fn reject(&self, param: &str, why: Rejected) {
        let notice = UrlNotice { param: param.to_string(), why };
        self.notices.update(|n| {
            if !n.contains(&notice) {
                n.push(notice)
            }
        });
    }

    /// Translates a key in the current language (reactive).
    pub fn t(&self, key: T) -> &'static str {
        key.get(self.lang.get())
    }

    /// Goes to a page (history entry, no reload), keeping the global URL parameters and
    /// dropping the last page's own.
    pub fn navigate(&self, route: Route) {
        keep_only_global_params();
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

    /// The status of model `key` (a manifest id, or `id/file` for image models), reactive.
    pub fn model_status(&self, key: &str) -> RwSignal<ModelStatus> {
        registry::status(key)
    }

    /// Pins model `key` for the current page (or, inside an effect, for the effect's current
    /// input) and starts loading it; released when the page (or input) goes.
    pub fn use_model(&self, key: &str) {
        registry::pin(key);
    }

    /// The loaded model `key`, if it is ready.
    pub fn model<T: 'static>(&self, key: &str) -> Option<std::rc::Rc<T>> {
        registry::get::<T>(key)
    }
}

/// The compute path the app asks for (`backend=cpu|webgpu` from the address, default auto; the
/// CPU once the reader chose "retry on the CPU").
pub fn backend_preference() -> Preference {
    compute::current_preference()
}

/// A query parameter of the current URL.
pub fn url_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Every value of a repeated query parameter.
pub fn url_params_all(name: &str) -> Vec<String> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else { return Vec::new() };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return Vec::new() };
    params.get_all(name).iter().filter_map(|v| v.as_string()).collect()
}

/// Replaces every value of a repeated query parameter (no history entry).
pub fn set_url_params_all(name: &str, values: &[String]) {
    edit_url(false, |params| {
        params.delete(name);
        for v in values {
            params.append(name, v);
        }
    });
}

/// Drops every query parameter that is not one of [`GLOBAL_PARAMS`].
fn keep_only_global_params() {
    edit_url(false, |params| {
        let names: Vec<String> = js_sys::Array::from(&params.keys().into()).iter().filter_map(|k| k.as_string()).collect();
        for n in names.iter().filter(|n| !GLOBAL_PARAMS.contains(&n.as_str())) {
            params.delete(n);
        }
    });
}

/// Applies `edit` to the address's query; `push` adds a history entry.
fn edit_url(push: bool, edit: impl FnOnce(&web_sys::UrlSearchParams)) {
    let Some(window) = web_sys::window() else { return };
    let Ok(href) = window.location().href() else { return };
    let Ok(url) = web_sys::Url::new(&href) else { return };
    edit(&url.search_params());
    let Ok(history) = window.history() else { return };
    let href = url.href();
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&href))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&href))
    };
}

/// Sets (or removes, with `None`) a query parameter; `push` adds a history entry.
pub fn set_url_param(name: &str, value: Option<&str>, push: bool) {
    edit_url(push, |params| match value {
        Some(v) => params.set(name, v),
        None => params.delete(name),
    });
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
