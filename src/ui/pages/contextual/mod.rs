//! "Why BERT works: contextual embeddings": the same word in different sentences, on
//! all-MiniLM-L6-v2 (English) or Sesame's own bert-zh (the lecture's 果 example: MiniLM's
//! vocabulary has no 果).
//!
//! URL state: `m` (model), `target`, `s` (sentences as `group|text`), `layer`.

mod results;
mod rows;

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use results::ResultsView;
use rows::{problem_text, rows_from, rows_from_url, AddRow, SentenceRows};

use crate::assets::{BERT_ZH, MINILM};
use crate::runtime::load::now_ms;
use crate::task::bert::{EncoderView, LoadedBert, LoadedPretraining};
use crate::ui::tasks::Job;
use crate::task::contextual::{self, default_bank, default_chinese, default_english, prepare, Problem, Results, Sentence};
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, set_url_params_all, AppState, ModelStatus};
use crate::ui::url::{check_choice, Rejected};

/// Limits on what the address (and the boxes) may carry.
const MAX_TARGET_CHARS: usize = 64;
const MAX_SENTENCE_CHARS: usize = 4000;
const MAX_ROWS: usize = 24;


/// The page's loaded model: a plain encoder (MiniLM) or one with pre-training heads (bert-zh).
enum Encoder {
    Plain(Rc<LoadedBert>),
    Heads(Rc<LoadedPretraining>),
}

impl Encoder {
    /// Model `id` from the registry, if it is ready.
    fn get(app: &AppState, id: &str) -> Option<Encoder> {
        if id == MINILM { app.model::<LoadedBert>(id).map(Encoder::Plain) } else { app.model::<LoadedPretraining>(id).map(Encoder::Heads) }
    }

    fn view(&self) -> EncoderView<'_> {
        match self {
            Encoder::Plain(m) => m.encoder(),
            Encoder::Heads(m) => m.encoder(),
        }
    }
}

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
    // The 果 example needs a Chinese vocabulary: it starts on bert-zh unless the address says otherwise.
    let chinese_default = t0 == default_chinese().0;
    let model = RwSignal::new(app.url_check("m", |v| check_choice(v, &[MINILM, BERT_ZH])).unwrap_or(if chinese_default { BERT_ZH } else { MINILM }));
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

    Effect::new(move |_| app.use_model(model.get()));
    let runs = Job::new();

    let run = move || {
        let id = model.get_untracked();
        let Some(bert) = Encoder::get(&app, id) else {
            pending.set(true);
            crate::runtime::registry::ensure(id);
            return;
        };
        pending.set(false);
        running.set(true);
        error.set(None);
        let sentences: Vec<Sentence> = rows.get_untracked().into_iter().map(|r| Sentence { group: r.group, text: r.text }).collect();
        let target_word = target.get_untracked();
        // The address keeps what this run shows.
        set_url_param("m", Some(id), false);
        set_url_param("target", Some(&target_word), false);
        set_url_params_all("s", &sentences.iter().map(|s| format!("{}|{}", s.group, s.text)).collect::<Vec<_>>());
        // A newer run (a preset clicked while this one works) cancels this one.
        runs.restart(async move {
            crate::task::yield_to_browser().await;
            let (prepared, found) = prepare(bert.view(), &sentences, &target_word);
            problems.set(found.into_iter().map(|p| {
                let text = p.sentence().map(|i| sentences[i].text.clone()).unwrap_or_default();
                (p, text)
            }).collect());
            let start = now_ms();
            match contextual::run(bert.view(), &prepared).await {
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
        if matches!(app.model_status(model.get()).get(), ModelStatus::Ready(_)) && pending.get() && !running.get_untracked() {
            run();
        }
    });

    // A preset brings the model its words need: 果 is not in MiniLM's vocabulary, apple and bank
    // are not in bert-zh's.
    let load_preset = move |preset: (String, Vec<Sentence>)| {
        model.set(if preset.0 == default_chinese().0 { BERT_ZH } else { MINILM });
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

            <ModelLoad key=Signal::derive(move || model.get().to_string()) />

            <div class="panel controls">
                <div class="presets" data-control="model">
                    <span class="label">{move || app.t(T::ModelLabel)}</span>
                    {[(MINILM, T::CtxModelMiniLm), (BERT_ZH, T::CtxModelBertZh)].into_iter().map(|(id, label)| view! {
                        <button class:active=move || model.get() == id data-testid=format!("model-{id}") on:click=move |_| { model.set(id); run(); }>{move || app.t(label)}</button>
                    }).collect_view()}
                </div>
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
                    <button class="primary" data-testid="run" data-control="run" disabled=move || running.get() || matches!(app.model_status(model.get()).get(), ModelStatus::Loading(_))
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
