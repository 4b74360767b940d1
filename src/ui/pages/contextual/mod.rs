//! "Why BERT works: contextual embeddings" — the lecture's 果 example on all-MiniLM-L6-v2.

mod results;
mod rows;

use std::sync::Arc;

use leptos::prelude::*;

use results::ResultsView;
use rows::{problem_text, rows_from, rows_from_url, AddRow, SentenceRows};

use crate::assets::MINILM;
use crate::runtime::load::now_ms;
use crate::task::bert::LoadedBert;
use crate::ui::tasks::Job;
use crate::task::contextual::{self, default_bank, default_chinese, default_english, prepare, Problem, Results, Sentence};
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, set_url_params_all, AppState, ModelStatus};
use crate::ui::url::Rejected;

/// Limits on what the address (and the boxes) may carry.
const MAX_TARGET_CHARS: usize = 64;
const MAX_SENTENCE_CHARS: usize = 4000;
const MAX_ROWS: usize = 24;


/// A finished run as the page shows it.
#[derive(Clone)]
pub struct Shown {
    /// What the task computed.
    pub results: Arc<Results>,
    /// The forward pass's wall time.
    pub forward_ms: f64,
}

/// The contextual-embeddings page.
#[component]
pub fn Contextual() -> impl IntoView {
    let app = expect_context::<AppState>();
    let mut ids = 0usize;
    let (t0, s0) = default_english();
    let (t0, s0) = match (app.url_text("target", MAX_TARGET_CHARS), rows_from_url(&app)) {
        (None, None) => (t0, s0),
        (t, s) => (t.unwrap_or(t0), s.unwrap_or(s0)),
    };
    // The layer the address asks for, applied to the first result.
    let url_layer = StoredValue::new(app.url_check("layer", |v| v.parse::<usize>().map_err(|_| Rejected::Unknown(crate::ui::url::shorten(v, 40)))));
    let target = RwSignal::new(t0);
    let rows = RwSignal::new(rows_from(s0, &mut ids));
    let next_id = StoredValue::new(ids);
    let result = RwSignal::new(None::<Shown>);
    let problems = RwSignal::new(Vec::<(Problem, String)>::new());
    let error = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let pending = RwSignal::new(true); // run as soon as the model is ready
    let layer = RwSignal::new(0usize); // index into RunResult::layers; set to the last on each run
    let first_matrix_ms = RwSignal::new(None::<f64>);

    app.use_model(MINILM);
    let runs = Job::new();

    let run = move || {
        let Some(bert) = app.model::<LoadedBert>(MINILM) else {
            pending.set(true);
            crate::runtime::registry::ensure(MINILM);
            return;
        };
        pending.set(false);
        running.set(true);
        error.set(None);
        let sentences: Vec<Sentence> = rows.get_untracked().into_iter().map(|r| Sentence { group: r.group, text: r.text }).collect();
        let target_word = target.get_untracked();
        // The address keeps what this run shows.
        set_url_param("target", Some(&target_word), false);
        set_url_params_all("s", &sentences.iter().map(|s| format!("{}|{}", s.group, s.text)).collect::<Vec<_>>());
        // A newer run (a preset clicked while this one works) cancels this one.
        runs.restart(async move {
            crate::task::yield_to_browser().await;
            let (prepared, found) = prepare(&bert, &sentences, &target_word);
            problems.set(found.into_iter().map(|p| {
                let text = p.sentence().map(|i| sentences[i].text.clone()).unwrap_or_default();
                (p, text)
            }).collect());
            let start = now_ms();
            match contextual::run(&bert, &prepared).await {
                Ok(v) if prepared.len() >= 2 => {
                    let last = v.layers.len() - 1;
                    let asked = url_layer.try_update_value(|l| l.take()).flatten();
                    layer.set(match asked {
                        Some(k) if (1..=last).contains(&k) => k,
                        Some(k) => {
                            app.reject("layer", Rejected::Unknown(k.to_string()));
                            last
                        }
                        None => last,
                    });
                    result.set(Some(Shown { results: Arc::new(Results::new(&prepared, &v)), forward_ms: now_ms() - start }));
                    if first_matrix_ms.get_untracked().is_none() {
                        first_matrix_ms.set(Some(now_ms()));
                    }
                }
                Ok(_) => {
                    result.set(None);
                    if !target_word.trim().is_empty() && sentences.iter().any(|s| !s.text.trim().is_empty()) {
                        error.set(Some(app.t(T::ErrNeedTwo).to_string()));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            running.set(false);
        });
    };

    // Run the default example once the model is ready (and any run asked for before that).
    Effect::new(move |_| {
        if matches!(app.model_status(MINILM).get(), ModelStatus::Ready(_)) && pending.get() && !running.get_untracked() {
            run();
        }
    });

    let load_preset = move |preset: (String, Vec<Sentence>)| {
        let mut id = next_id.get_value();
        rows.set(rows_from(preset.1, &mut id));
        next_id.set_value(id);
        target.set(preset.0);
        run();
    };


    view! {
        <section class="page contextual" data-testid="page-contextual">
            <h1>{move || app.t(T::CtxTitle)}</h1>
            <p class="lede">{move || app.t(T::CtxLede)}</p>

            <ModelLoad key=Signal::derive(|| MINILM.to_string()) />

            <div class="panel controls">
                <div class="presets" data-control="presets">
                    <span class="label">{move || app.t(T::CtxPresets)}</span>
                    <button on:click=move |_| load_preset(default_english()) data-testid="preset-apple">{move || app.t(T::CtxPresetApple)}</button>
                    <button on:click=move |_| load_preset(default_bank()) data-testid="preset-bank">{move || app.t(T::CtxPresetBank)}</button>
                    <button on:click=move |_| load_preset(default_chinese()) data-testid="preset-guo">{move || app.t(T::CtxPresetGuo)}</button>
                </div>
                <label class="target" data-control="target">
                    <span class="label">{move || app.t(T::CtxTarget)}</span>
                    <input type="text" maxlength=MAX_TARGET_CHARS.to_string() data-testid="target" prop:value=move || target.get()
                           on:input=move |ev| target.set(event_target_value(&ev)) />
                </label>
                <SentenceRows rows=rows />
                <div class="actions">
                    <AddRow rows=rows next_id=next_id />
                    <button class="primary" data-testid="run" data-control="run" disabled=move || running.get() || matches!(app.model_status(MINILM).get(), ModelStatus::Loading(_))
                            on:click=move |_| run()>
                        {move || if running.get() { app.t(T::CtxRunning) } else { app.t(T::CtxRun) }}
                    </button>
                </div>
            </div>

            <div class="messages" data-testid="problems">
                {move || problems.get().iter().map(|(p, text)| view! { <div class="message warn" role="status">{problem_text(&app, p, text)}</div> }).collect_view()}
                {move || result.get().filter(|r| r.results.unknown_target).map(|r| view! {
                    <div class="message warn" role="status" data-testid="unknown-target">"«"{r.results.target.clone()}"» "{app.t(T::ErrUnknown)}</div>
                })}
                {move || error.get().map(|e| view! { <div class="message error" role="alert" data-testid="run-error">{e}</div> })}
            </div>

            {move || result.get().map(|r| view! { <ResultsView r=r layer=layer first_matrix_ms=first_matrix_ms /> })}
        </section>
    }
}
