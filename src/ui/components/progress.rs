//! Progress bar for model loading.

use leptos::prelude::*;

use crate::runtime::models::Stage;
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
        Stage::Shaders => app.t(T::LoadShaders).to_string(),
    };
    let fraction = move || match stage.get() {
        Stage::Download { done, total } if total > 0 => Some(done as f64 / total as f64),
        _ => None,
    };
    view! {
        <div class="progress" role="progressbar" data-testid="load-progress"
             aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || fraction().map(|f| format!("{:.0}", f * 100.0))>
            <div class="progress-label">{label}</div>
            <div class="progress-track" class:indeterminate=move || fraction().is_none()>
                <div class="progress-fill" style:width=move || format!("{:.1}%", fraction().unwrap_or(1.0) * 100.0)></div>
            </div>
        </div>
    }
}

/// A model's loading state on a page: the progress bar while it loads, the error with a
/// "try again" button if it failed, nothing once it is ready.
#[component]
pub fn LoadStatus(
    /// The model's status.
    status: Signal<ModelStatus>,
    /// Starts loading again (after a failure).
    retry: Callback<()>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || match status.get() {
        ModelStatus::Loading(s) => view! { <LoadProgress stage=Signal::derive(move || s) /> }.into_any(),
        ModelStatus::Failed(e) => view! {
            <div class="message error" role="alert" data-testid="load-error"><strong>{app.t(T::LoadFailed)}</strong>": "{e}
                <button on:click=move |_| retry.run(())>{app.t(T::Retry)}</button>
            </div>
        }
        .into_any(),
        _ => ().into_any(),
    }
}
