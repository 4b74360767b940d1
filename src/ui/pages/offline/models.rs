//! The offline page's model list (each model's size and whether all its files are stored) and
//! the download / clear status.

use leptos::prelude::*;

use crate::assets::ModelEntry;
use crate::runtime::fetch::is_cached;
use crate::runtime::load::manifest;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// A model as this page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Its manifest entry.
    pub entry: ModelEntry,
    /// Every file of the model is in the cache.
    pub cached: bool,
}

/// What the download button is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// Nothing asked yet.
    Idle,
    /// Downloading: `done` of `total` bytes.
    Downloading { done: u64, total: u64 },
    /// Every model is stored.
    Done,
    /// The stored models were removed.
    Cleared,
    /// Something failed.
    Failed(String),
}

/// Bytes as MB (or GB).
pub fn mb(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.1} MB", bytes / 1e6)
    }
}

/// Every model of the manifest, with whether all its files are in the cache.
pub async fn list() -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for entry in manifest().await?.models {
        let mut cached = true;
        for f in &entry.files {
            cached &= is_cached(&entry.path(&f.name)).await;
        }
        rows.push(Row { entry, cached });
    }
    Ok(rows)
}

/// The table of models.
#[component]
pub fn ModelTable(rows: RwSignal<Option<Result<Vec<Row>, String>>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
                {move || match rows.get() {
                    None => view! { <p class="muted">"…"</p> }.into_any(),
                    Some(Err(e)) => view! { <div class="message error" role="alert">{e}</div> }.into_any(),
                    Some(Ok(list)) => view! {
                        <table class="models" data-testid="model-table">
                            <tbody>
                                {list.into_iter().map(|r| view! {
                                    <tr data-model=r.entry.id.clone() data-version=r.entry.version.clone() data-cached=r.cached.to_string()>
                                        <td>
                                            {r.entry.name.clone()}
                                            {r.entry.base_only.then(|| view! { <span class="muted">{format!(" · {} — {}", r.entry.version, app.t(T::OffKeptAsBase))}</span> })}
                                        </td>
                                        <td class="num">{mb(r.entry.total_bytes() as f64)}</td>
                                        <td>{if r.cached { view! { <span class="ok">"✓ "{app.t(T::OffCached)}</span> }.into_any() } else { view! { <span class="muted">{app.t(T::OffNotCached)}</span> }.into_any() }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }}
    }
}

/// The status of the last download or clearing.
#[component]
pub fn JobMessage(job: RwSignal<Job>) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
                {move || match job.get() {
                    Job::Downloading { done, total } => {
                        let pct = if total > 0 { 100.0 * done as f64 / total as f64 } else { 0.0 };
                        view! {
                            <div class="progress" role="progressbar" data-testid="offline-progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{pct:.0}")>
                                <div class="progress-label">{format!("{} {} / {}", app.t(T::OffDownloading), mb(done as f64), mb(total as f64))}</div>
                                <div class="progress-track"><div class="progress-fill" style:width=format!("{pct:.1}%")></div></div>
                            </div>
                        }.into_any()
                    }
                    Job::Done => view! { <div class="message ok" role="status" data-testid="offline-done">{app.t(T::OffDone)}</div> }.into_any(),
                    Job::Cleared => view! { <div class="message info" role="status" data-testid="offline-cleared">{app.t(T::OffCleared)}</div> }.into_any(),
                    Job::Failed(e) => view! { <div class="message error" role="alert" data-testid="offline-error">{format!("{}: {e}", app.t(T::OffFailed))}</div> }.into_any(),
                    Job::Idle => ().into_any(),
                }}
    }
}
