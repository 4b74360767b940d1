//! Diagnostics: which compute path runs, a golden check of the model against the HF
//! transformers reference, and forward-pass timing. The browser tests read this page.

mod golden;
mod registry_table;

use leptos::prelude::*;

use golden::{GoldenTable, PretrainedGolden};
use registry_table::RegistryTable;

use crate::model::Keep;
use crate::runtime::fetch::fetch_text;
use crate::assets::MINILM;
use crate::runtime::load::now_ms;
use crate::runtime::registry;
use crate::task::bert::{Batch, LoadedBert};
use crate::ui::tasks::Job;
use crate::task::bert_golden::{check, CaseReport, Fixture};
use crate::task::read_f32;
use crate::ui::i18n::T;
use crate::ui::state::{describe_backend, AppState, ModelStatus};

/// Max |difference| accepted for the shipped f16 weights computed in f32 on any device.
/// (Native f32 weights match to 1e-4; see tests/native/golden_minilm.rs.)
pub const BROWSER_TOLERANCE: f32 = 5e-3;

/// Tokens in the timed sentence.
const BENCH_TOKENS: usize = 128;
/// Timed runs after one warm-up.
const BENCH_RUNS: usize = 5;

#[derive(Clone, Debug, PartialEq)]
struct Report {
    cases: Vec<CaseReport>,
    forward_ms: Vec<f64>,
}

async fn run_checks() -> Result<Report, String> {
    let bert = registry::get::<LoadedBert>(MINILM).ok_or("the model is not loaded")?;
    let fixture: Fixture = serde_json::from_str(&fetch_text("fixtures/minilm-golden.json").await?).map_err(|e| format!("fixture: {e}"))?;
    let cases = check(&bert, &fixture).await?;
    let batch = Batch::timing(BENCH_TOKENS);
    let mut forward_ms = Vec::new();
    for i in 0..=BENCH_RUNS {
        let (a, b, c) = batch.tensors(&bert.device);
        let start = now_ms();
        read_f32(bert.model.forward(a, b, c, Keep::default()).last_hidden).await?;
        if i > 0 {
            forward_ms.push(now_ms() - start);
        }
    }
    forward_ms.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    Ok(Report { cases, forward_ms })
}


/// The diagnostics page.
#[component]
pub fn Diagnostics() -> impl IntoView {
    let app = expect_context::<AppState>();
    let report = RwSignal::new(None::<Result<Report, String>>);
    let running = RwSignal::new(false);
    app.use_model(MINILM);
    let checks = Job::new();
    let start = move || {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        checks.spawn(async move {
            report.set(Some(run_checks().await));
            running.set(false);
        });
    };
    Effect::new(move |_| {
        if matches!(app.model_status(MINILM).get(), ModelStatus::Ready(_)) && report.get_untracked().is_none() {
            start();
        }
    });
    let backend_text = move || match app.backend.get() {
        None => app.t(T::BadgeProbing).to_string(),
        Some(b) => {
            let (head, why) = describe_backend(&b, app.lang.get());
            format!("{head} · {why}")
        }
    };
    view! {
        <section class="page diagnostics" data-testid="page-diagnostics">
            <h1>{move || app.t(T::DiagTitle)}</h1>
            <p class="lede">{move || app.t(T::DiagLede)}</p>
            <p><span class="label">{move || app.t(T::DiagBackend)}": "</span><span data-testid="diag-backend">{backend_text}</span></p>
            <p class="note" data-testid="diag-device">{move || { app.model_status(MINILM).get(); app.model::<LoadedBert>(MINILM).map(|b| format!("burn {:?}", b.device)).unwrap_or_default() }}</p>
            {move || match app.model_status(MINILM).get() {
                ModelStatus::Ready(stats) => { let memory = registry::wasm_memory_bytes() as f64; view! {
                    <p data-testid="load-stats" data-bytes=stats.bytes.to_string() data-from-cache=stats.from_cache.to_string() data-warmup-ms=format!("{:.0}", stats.warmup_ms) data-fetch-ms=format!("{:.0}", stats.fetch_ms) data-build-ms=format!("{:.0}", stats.build_ms)>
                        {format!("all-MiniLM-L6-v2: {:.1} MB", stats.bytes as f64 / 1e6)}
                        {stats.from_cache.then(|| format!(" ({})", app.t(T::FromCache)))}
                        {format!(" · {} {:.0} ms · {} {:.0} ms · {} {:.0} ms", app.t(T::DiagFiles), stats.fetch_ms, app.t(T::DiagBuild), stats.build_ms, app.t(T::DiagFirstRun), stats.warmup_ms)}
                    </p>
                    <p class="note" data-testid="wasm-memory" data-bytes=format!("{memory:.0}")>
                        {format!("{}: {:.0} MB", app.t(T::DiagMemory), memory / 1e6)}
                    </p>
                }.into_any() }
                ModelStatus::Failed(e) => view! { <div class="message error" role="alert">{e}</div> }.into_any(),
                _ => view! { <p>{app.t(T::LoadManifest)}</p> }.into_any(),
            }}
            <button class="primary" on:click=move |_| start() disabled=move || running.get() || !matches!(app.model_status(MINILM).get(), ModelStatus::Ready(_))>
                {move || app.t(T::DiagRun)}
            </button>
            {move || report.get().map(|r| match r {
                Err(e) => view! { <div class="message error" role="alert" data-testid="diag-error">{e}</div> }.into_any(),
                Ok(r) => {
                    let median = r.forward_ms.get(r.forward_ms.len() / 2).copied().unwrap_or(f64::NAN);
                    let runs: Vec<String> = r.forward_ms.iter().map(|v| format!("{v:.1}")).collect();
                    let runs = runs.join(", ");
                    view! {
                        <h2>{app.t(T::DiagGolden)}</h2>
                        <GoldenTable title=app.t(T::Sentence) cases=r.cases.clone() tolerance=BROWSER_TOLERANCE testid="golden" />
                        <p class="note">{format!("{} ≤ {BROWSER_TOLERANCE:.0e} (f16 weights, f32 compute)", app.t(T::DiagTolerance))}</p>
                        <h2>{app.t(T::DiagBench)}</h2>
                        <p data-testid="bench" data-median-ms=format!("{median:.1}") data-runs=runs.clone()>
                            {format!("{} {median:.1} ms ({BENCH_RUNS} runs: {runs} ms)", app.t(T::DiagMedian))}
                        </p>
                    }.into_any()
                }
            })}
            <PretrainedGolden />
            <RegistryTable />
        </section>
    }
}

