//! Diagnostics: which compute path runs, a golden check of the model against the HF
//! transformers reference, and forward-pass timing. The browser tests read this page.

use leptos::prelude::*;

use crate::model::Keep;
use crate::runtime::fetch::fetch_text;
use crate::assets::MINILM;
use crate::runtime::load::now_ms;
use crate::runtime::registry;
use crate::task::bert::{Batch, LoadedBert, LoadedPretraining};
use crate::ui::tasks::{spawn_owned, Job};
use crate::task::bert_golden::{check, check_pretraining, CaseReport, Fixture, PretrainingFixture};
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

/// Max |logit difference| accepted for Sesame's own BERTs: HF and Sesame read the same f16
/// weights, so only the arithmetic differs (the bound).
pub const PRETRAINED_TOLERANCE: f32 = 1e-3;

/// Golden check of one pretrained BERT (`bert-zh` / `bert-en`) on the current device.
async fn check_pretrained(id: &'static str) -> Result<Vec<CaseReport>, String> {
    let m = registry::get::<LoadedPretraining>(id).ok_or("the model is not loaded")?;
    let fixture: PretrainingFixture = serde_json::from_str(&fetch_text(&format!("fixtures/{id}-golden.json")).await?).map_err(|e| format!("fixture: {e}"))?;
    check_pretraining(&m, &fixture).await
}

/// The golden check of Sesame's own BERTs (MLM and pair logits against HF `BertForPreTraining`).
#[component]
fn PretrainedGolden() -> impl IntoView {
    use crate::assets::{BERT_EN, BERT_ZH};
    let app = expect_context::<AppState>();
    let asked = RwSignal::new(false);
    let results = RwSignal::new(Vec::<(&'static str, Result<Vec<CaseReport>, String>)>::new());
    // Pinned from the first click until the page goes.
    Effect::new(move |_| {
        if asked.get() {
            app.use_model(BERT_ZH);
            app.use_model(BERT_EN);
        }
    });
    for id in [BERT_ZH, BERT_EN] {
        Effect::new(move |_| {
            if !asked.get() {
                return;
            }
            match app.model_status(id).get() {
                ModelStatus::Ready(_) if !results.get_untracked().iter().any(|r| r.0 == id) => {
                    results.update(|r| r.push((id, Err("running".into()))));
                    spawn_owned(async move {
                        let out = check_pretrained(id).await;
                        results.update(|r| r.retain(|x| x.0 != id));
                        results.update(|r| r.push((id, out)));
                    });
                }
                ModelStatus::Failed(e) => results.update(|r| if !r.iter().any(|x| x.0 == id) { r.push((id, Err(e))) }),
                _ => {}
            }
        });
    }
    view! {
        <h2>{move || app.t(T::DiagPretrained)}</h2>
        <button data-testid="check-pretrained" on:click=move |_| asked.set(true)>{move || app.t(T::DiagRun)}</button>
        {move || results.get().into_iter().map(|(id, r)| match r {
            Err(e) if e == "running" => view! { <p>{format!("{id}: …")}</p> }.into_any(),
            Err(e) => view! { <div class="message error" role="alert" data-testid=format!("golden-{id}-error")>{format!("{id}: {e}")}</div> }.into_any(),
            Ok(cases) => {
                let worst = cases.iter().map(|c| c.max_abs_diff).fold(0.0, f32::max);
                let pass = worst <= PRETRAINED_TOLERANCE;
                view! {
                    <table class="golden" data-testid=format!("golden-{id}") data-max-diff=format!("{worst:e}") data-pass=pass.to_string()>
                        <thead><tr><th>{id}</th><th>{app.t(T::DiagMaxDiff)}</th><th></th></tr></thead>
                        <tbody>{cases.iter().map(|c| view! {
                            <tr><td>{c.text.clone()}</td><td class="num">{format!("{:.2e}", c.max_abs_diff)}</td>
                                <td class={if c.max_abs_diff <= PRETRAINED_TOLERANCE { "pass" } else { "fail" }}>
                                    {if c.max_abs_diff <= PRETRAINED_TOLERANCE { app.t(T::DiagPass) } else { app.t(T::DiagFail) }}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }
        }).collect_view()}
        <p class="note">{format!("≤ {PRETRAINED_TOLERANCE:.0e}: masked-LM and pair logits vs HF BertForPreTraining on the same f16 weights")}</p>
    }
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
                    let worst = r.cases.iter().map(|c| c.max_abs_diff).fold(0.0, f32::max);
                    let pass = worst <= BROWSER_TOLERANCE;
                    let median = r.forward_ms.get(r.forward_ms.len() / 2).copied().unwrap_or(f64::NAN);
                    let runs: Vec<String> = r.forward_ms.iter().map(|v| format!("{v:.1}")).collect();
                    let runs = runs.join(", ");
                    view! {
                        <h2>{app.t(T::DiagGolden)}</h2>
                        <table class="golden" data-testid="golden" data-max-diff=format!("{worst:e}") data-pass=pass.to_string()>
                            <thead><tr><th>{app.t(T::Sentence)}</th><th>{app.t(T::DiagMaxDiff)}</th><th></th></tr></thead>
                            <tbody>
                                {r.cases.iter().map(|c| view! {
                                    <tr><td>{c.text.clone()}</td><td class="num">{format!("{:.2e}", c.max_abs_diff)}</td>
                                        <td class={if c.max_abs_diff <= BROWSER_TOLERANCE { "pass" } else { "fail" }}>
                                            {if c.max_abs_diff <= BROWSER_TOLERANCE { app.t(T::DiagPass) } else { app.t(T::DiagFail) }}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
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

/// The model registry: what is loaded, its bytes against the budget, the pins, and the device's
/// own measure of its memory; refreshed every second.
#[component]
fn RegistryTable() -> impl IntoView {
    let app = expect_context::<AppState>();
    let tick = RwSignal::new(0u64);
    if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    view! {
        <h2>{move || app.t(T::DiagRegistry)}</h2>
        {move || {
            tick.get();
            let entries = registry::entries();
            let device = registry::device_memory();
            view! {
                <p data-testid="registry" data-budget=registry::budget().to_string() data-loaded=registry::loaded_bytes().to_string()
                   data-evictions=registry::evictions().to_string() data-device-in-use=device.map(|d| d.0.to_string()).unwrap_or_default()>
                    {format!("{} {} / {} · {} {}", app.t(T::DiagLoaded), mb(registry::loaded_bytes()), mb(registry::budget()), app.t(T::DiagEvicted), registry::evictions())}
                    {device.map(|(used, reserved)| format!(" · {} {} ({} {})", app.t(T::DiagDeviceMemory), mb(used), mb(reserved), app.t(T::DiagReserved)))}
                </p>
                <table class="golden registry">
                    <thead><tr><th>{app.t(T::ModelLabel)}</th><th>{app.t(T::DiagState)}</th><th>{app.t(T::DiagBytes)}</th><th>{app.t(T::DiagPins)}</th></tr></thead>
                    <tbody>{entries.into_iter().map(|e| {
                        let state = match &e.status {
                            ModelStatus::Idle => "–".to_string(),
                            ModelStatus::Loading(_) => "…".to_string(),
                            ModelStatus::Ready(_) => "✓".to_string(),
                            ModelStatus::Failed(f) => format!("✗ {f}"),
                        };
                        view! { <tr data-testid="registry-entry" data-key=e.key.clone()><td><code>{e.key.clone()}</code></td><td>{state}</td><td class="num">{mb(e.bytes)}</td><td class="num">{e.pins}</td></tr> }
                    }).collect_view()}</tbody>
                </table>
            }
        }}
    }
}
