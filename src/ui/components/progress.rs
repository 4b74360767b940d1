//! A model's loading state on a page: one component, [`ModelLoad`], for every model.

use leptos::prelude::*;

use crate::runtime::load::Stage;
use crate::runtime::registry;
use crate::ui::i18n::T;
use crate::ui::state::{AppState, ModelStatus};

/// Shows what a loading model is doing: a determinate bar while downloading, an
/// indeterminate one while building and compiling shaders.
#[component]
pub fn LoadProgress(
    /// Current stage.
    stage: Signal<Stage>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let label = move || match stage.get() {
        Stage::Manifest => app.t(T::LoadManifest).to_string(),
        Stage::Download { done, total } => format!("{} {:.1} / {:.1} MB", app.t(T::LoadDownload), done as f64 / 1e6, total as f64 / 1e6),
        Stage::Build => app.t(T::LoadBuild).to_string(),
        Stage::Prepare { done, total } => format!("{} {done} / {total}", app.t(T::LoadPrepare)),
        Stage::Verify { done, total } => format!("{} {:.1} / {:.1} MB", app.t(T::LoadVerify), done as f64 / 1e6, total as f64 / 1e6),
        Stage::Shaders => app.t(T::LoadShaders).to_string(),
    };
    let fraction = move || match stage.get() {
        Stage::Download { done, total } if total > 0 => Some(done as f64 / total as f64),
        Stage::Prepare { done, total } if total > 0 => Some(done as f64 / total as f64),
        Stage::Verify { done, total } if total > 0 => Some(done as f64 / total as f64),
        _ => None,
    };
    view! {
        <Bar label=Signal::derive(label) fraction=Signal::derive(fraction) />
    }
}

/// A labelled progress bar: determinate when `fraction` is known, indeterminate otherwise.
#[component]
pub fn Bar(
    /// What is happening.
    label: Signal<String>,
    /// Done so far, 0..=1, if known.
    fraction: Signal<Option<f64>>,
) -> impl IntoView {
    view! {
        <div class="progress" role="progressbar" data-testid="load-progress" aria-label=move || label.get()
             aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || fraction.get().map(|f| format!("{:.0}", f * 100.0))>
            <div class="progress-label">{move || label.get()}</div>
            <div class="progress-track" class:indeterminate=move || fraction.get().is_none()>
                <div class="progress-fill" style:width=move || format!("{:.1}%", fraction.get().unwrap_or(1.0) * 100.0)></div>
            </div>
        </div>
    }
}

/// The loading state of registry model `key` (a manifest id, or `id/file`): the progress bar
/// while it loads, the error with "try again" if it failed, nothing once it is ready.
#[component]
pub fn ModelLoad(
    /// The registry key of the model.
    #[prop(into)]
    key: Signal<String>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let k = key.get();
        match registry::status(&k).get() {
            ModelStatus::Loading(s) => view! { <LoadProgress stage=Signal::derive(move || s) /> }.into_any(),
            ModelStatus::Failed(e) => view! {
                <div class="message error" role="alert" data-testid="load-error"><strong>{app.t(T::LoadFailed)}</strong>": "{e}
                    <button on:click=move |_| registry::retry(&k)>{app.t(T::Retry)}</button>
                </div>
            }
            .into_any(),
            _ => ().into_any(),
        }
    }
}
