//! "Offline use": which models are on this device, one button that downloads all of them with a
//! single progress bar, the storage used, and a way to clear it.

pub(crate) mod models;

use leptos::prelude::*;

use models::{list, mb, Job, JobMessage, ModelTable, Row};

use crate::ui::tasks::Job as Tasks;

use crate::runtime::fetch::{clear_model_cache, fetch_verified, request_persistence, storage_estimate};
use crate::ui::i18n::T;
use crate::ui::pwa::{build_id, pwa_signal, SwState};
use crate::ui::state::AppState;

/// The offline-use page.
#[component]
pub fn Offline() -> impl IntoView {
    let app = expect_context::<AppState>();
    let rows = RwSignal::new(None::<Result<Vec<Row>, String>>);
    let storage = RwSignal::new(None::<(f64, f64)>);
    let job = RwSignal::new(Job::Idle);
    let pwa = pwa_signal();
    // The page's own work (listing, downloading, clearing): cancelled when the page goes.
    let tasks = Tasks::new();

    let refresh = move || {
        tasks.spawn(async move {
            rows.set(Some(list().await));
            storage.set(storage_estimate().await);
        })
    };
    refresh();

    let download_all = move |_| {
        let Some(Ok(list)) = rows.get_untracked() else { return };
        let total: u64 = list.iter().map(|r| r.entry.total_bytes()).sum();
        job.set(Job::Downloading { done: 0, total });
        tasks.spawn(async move {
            request_persistence().await;
            let mut before = 0u64;
            for row in list {
                for f in &row.entry.files {
                    let progress = move |n: u64| job.set(Job::Downloading { done: before + n, total });
                    if let Err(e) = fetch_verified(&row.entry.path(&f.name), f, &progress).await {
                        job.set(Job::Failed(format!("{}: {e}", row.entry.name)));
                        refresh();
                        return;
                    }
                    before += f.bytes;
                }
            }
            job.set(Job::Done);
            refresh();
        });
    };

    let clear = move |_| {
        // Destructive: ask first (a page that embeds Sesame cannot click it for the reader; in
        // an iframe the buttons are not shown at all).
        let sure = web_sys::window().and_then(|w| w.confirm_with_message(app.t(T::OffClearConfirm)).ok()).unwrap_or(false);
        if !sure {
            return;
        }
        tasks.spawn(async move {
            job.set(match clear_model_cache().await {
                Ok(()) => Job::Cleared,
                Err(e) => Job::Failed(e),
            });
            refresh();
        });
    };

    let busy = move || matches!(job.get(), Job::Downloading { .. });
    view! {
        <section class="page offline" data-testid="page-offline">
            <h1>{move || app.t(T::OffTitle)}</h1>
            <p class="lede">{move || app.t(T::OffLede)}</p>

            <div class="panel">
                <h2>{move || app.t(T::OffApp)}</h2>
                <p data-testid="sw-state" data-state=move || match pwa.get().0 { SwState::Ready => "ready", SwState::Registering => "registering", SwState::Unsupported => "unsupported", SwState::Failed(_) => "failed" }>
                    {move || match pwa.get().0 {
                        SwState::Ready => app.t(T::OffSwReady).to_string(),
                        SwState::Registering => app.t(T::OffSwRegistering).to_string(),
                        SwState::Unsupported => app.t(T::OffSwUnsupported).to_string(),
                        SwState::Failed(e) => format!("{}: {e}", app.t(T::OffSwFailed)),
                    }}
                </p>
                <p class="muted">{move || app.t(T::OffRelease)}" "<code data-testid="build-id">{build_id()}</code></p>
            </div>

            <div class="panel">
                <h2>{move || app.t(T::OffModels)}</h2>
                <ModelTable rows=rows />
                <JobMessage job=job />
                {app.embed.then(|| view! { <p class="note" data-testid="offline-embedded">{move || app.t(T::OffEmbedded)}</p> })}
                {(!app.embed).then(|| view! {
                    <div class="actions">
                        <button class="primary" data-testid="offline-all" disabled=busy on:click=download_all>{move || app.t(T::OffDownloadAll)}</button>
                        <button class="secondary" data-testid="offline-clear" disabled=busy on:click=clear>{move || app.t(T::OffClear)}</button>
                    </div>
                })}
                <p class="muted" data-testid="storage" data-usage=move || storage.get().map(|s| format!("{:.0}", s.0))>
                    {move || match storage.get() {
                        Some((used, quota)) => format!("{}: {} ({} {})", app.t(T::OffStorage), mb(used), mb(quota), app.t(T::OffAvailable)),
                        None => format!("{}: –", app.t(T::OffStorage)),
                    }}
                </p>
            </div>
        </section>
    }
}
