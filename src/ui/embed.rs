//! Embedding pages in course material: the "embed" button with its iframe snippet, the link back
//! to the full site shown inside an embed, and the stylesheet that applies `hide=`.

use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::i18n::T;
use super::routes::Route;
use super::state::AppState;
use super::url::{hide_css, iframe_snippet};

/// The current address with `embed` and `hide` set (absolute, for another site to use).
fn embed_url(hidden: &[&str]) -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let url = web_sys::Url::new(&href).ok()?;
    url.set_hash("");
    url.search_params().set("embed", "1");
    if hidden.is_empty() {
        url.search_params().delete("hide");
    } else {
        url.search_params().set("hide", &hidden.join(","));
    }
    Some(url.href())
}

/// The current address without `embed` and `hide`: the full page, in the same state.
fn full_url() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let url = web_sys::Url::new(&href).ok()?;
    url.search_params().delete("embed");
    url.search_params().delete("hide");
    Some(url.href())
}

/// Puts `text` on the clipboard (the async Clipboard API); `false` where the browser refuses.
async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Ok(clipboard) = Reflect::get(&window.navigator(), &"clipboard".into()) else { return false };
    let Ok(write) = Reflect::get(&clipboard, &"writeText".into()).and_then(|f| f.dyn_into::<Function>()) else { return false };
    let Ok(promise) = write.call1(&clipboard, &text.into()).and_then(|p| p.dyn_into::<Promise>()) else { return false };
    JsFuture::from(promise).await.is_ok()
}

/// The page's "embed" button: opens a panel with the `<iframe>` snippet of the page as it is
/// now, checkboxes for the controls to hide, and a copy button.
#[component]
pub fn EmbedButton(
    /// The page the snippet embeds.
    route: Route,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let hidden = RwSignal::new(Vec::<&'static str>::new());
    let copied = RwSignal::new(None::<bool>);
    // Recomputed when the panel opens or a checkbox changes; the page's state is in the address.
    let snippet = move || {
        open.get();
        let title = format!("Sesame — {}", app.t(route.title()));
        embed_url(&hidden.get()).map(|u| iframe_snippet(&u, &title, 720)).unwrap_or_default()
    };
    view! {
        <div class="embed-tools" data-control="embed">
            <button class="secondary small" data-testid="embed-button" aria-expanded=move || open.get().to_string()
                    on:click=move |_| { copied.set(None); open.update(|o| *o = !*o) }>
                {move || app.t(T::EmbedButton)}
            </button>
            <Show when=move || open.get()>
                <div class="panel embed-panel" data-testid="embed-panel">
                    <p>{move || app.t(T::EmbedHelp)}</p>
                    {(!route.controls().is_empty()).then(|| view! {
                        <fieldset class="hide-list">
                            <legend>{move || app.t(T::EmbedHide)}</legend>
                            {route.controls().iter().map(|c| {
                                let c: &'static str = c;
                                view! {
                                    <label>
                                        <input type="checkbox" data-testid=format!("hide-{c}")
                                               on:change=move |ev| {
                                                   let on = event_target_checked(&ev);
                                                   hidden.update(|h| { h.retain(|x| *x != c); if on { h.push(c) } });
                                               } />
                                        {move || app.t(control_label(c))}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    })}
                    <textarea readonly rows="4" data-testid="embed-code" prop:value=snippet
                              on:focus=move |ev| { if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) { t.select() } }></textarea>
                    <div class="actions">
                        <button class="primary small" data-testid="embed-copy" on:click=move |_| {
                            let text = snippet();
                            leptos::task::spawn_local(async move { let r = copy_to_clipboard(&text).await; copied.try_set(Some(r)); });
                        }>{move || app.t(T::EmbedCopy)}</button>
                        <span class="muted" role="status" data-testid="embed-copied">{move || match copied.get() {
                            Some(true) => app.t(T::EmbedCopied),
                            Some(false) => app.t(T::EmbedCopyFailed),
                            None => "",
                        }}</span>
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// The label of a hideable control.
fn control_label(control: &str) -> T {
    match control {
        "model" => T::CtlModel,
        "presets" => T::CtlPresets,
        "text" => T::CtlText,
        "example" => T::CtlExample,
        "curve" => T::CtlCurve,
        "inputs" => T::CtlInputs,
        "target" => T::CtlTarget,
        "sentences" => T::CtlSentences,
        "run" => T::CtlRun,
        "layer" => T::CtlLayer,
        _ => T::CtlOpen,
    }
}

/// Inside an embed: the site's name and a link to the full page in the same state (new tab).
#[component]
pub fn OpenFull() -> impl IntoView {
    let app = expect_context::<AppState>();
    // The address changes as the reader works; read it when the link is used.
    let href = RwSignal::new(full_url().unwrap_or_default());
    view! {
        <div class="embed-bar" data-control="open">
            <img src="web/icons/icon.svg" alt="" width="18" height="18" />
            <a href=move || href.get() target="_blank" rel="noopener" data-testid="open-full"
               on:pointerdown=move |_| href.set(full_url().unwrap_or_default())
               on:focus=move |_| href.set(full_url().unwrap_or_default())>{move || app.t(T::EmbedOpen)}</a>
        </div>
    }
}

/// The `<style>` that hides the controls named by `hide=`.
#[component]
pub fn HideStyle() -> impl IntoView {
    let app = expect_context::<AppState>();
    let css = hide_css(&app.hidden.get_value());
    (!css.is_empty()).then(|| view! { <style data-testid="hide-style">{css}</style> })
}
