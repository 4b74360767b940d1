//! "Extractive question answering" (the lecture's "How to use BERT — case 4"): the answer is a
//! span of the document. The page highlights the answer in place, draws each document token's
//! start and end probabilities over the document itself, lists the best spans, says which
//! window answered a long document, shows the dot products behind the answer, and compares
//! fine-tuning from the pretrained BERT with fine-tuning from random initialisation.
//!
//! URL state: `m` (qa-zh / qa-en), `q` (question), `doc` (document).

mod answer;
mod inputs;
mod mechanism;

use leptos::prelude::*;

use answer::Answer;
use inputs::QaInputs;
use crate::ui::components::comparison::Comparison;

use crate::runtime::load::now_ms;
use crate::assets::{QA_EN, QA_ZH};
use crate::runtime::qa::Preset;
use crate::ui::tasks::spawn_owned;
use crate::task::qa_windows::{other_language, QaInputError, MAX_DOCUMENT_CHARS};
use crate::task::qa::{answer_in_window, AnswerError, LoadedQa, QaOutcome};
use crate::ui::components::pretrained::model_card;
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::{Lang, T};
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::url::check_choice;

/// Window lengths the reader can choose (tokens, special tokens included), capped at the
/// model's position table.
const WINDOWS: [usize; 5] = [128, 192, 256, 384, 512];
const WINDOWS_TEXT: [&str; 5] = ["128", "192", "256", "384", "512"];

/// Longest question the page (and the address) takes, in characters.
const MAX_QUESTION_CHARS: usize = 300;

/// The extractive-QA page.
#[component]
pub fn Qa() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(match app.url_check("m", |v| check_choice(v, &[QA_ZH, QA_EN])) {
        Some(id) => id,
        _ if app.lang.get_untracked() == Lang::En => QA_EN,
        _ => QA_ZH,
    });
    let question = RwSignal::new(app.url_text("q", MAX_QUESTION_CHARS).unwrap_or_default());
    let document = RwSignal::new(app.url_text("doc", MAX_DOCUMENT_CHARS).unwrap_or_default());
    // Window length in tokens (`None`: the one the model was fine-tuned with).
    let window = RwSignal::new(app.url_check("win", |v| check_choice(v, &WINDOWS_TEXT)).and_then(|v| v.parse::<usize>().ok()));
    let gold = RwSignal::new(None::<Vec<String>>);
    let outcome = RwSignal::new(None::<(QaOutcome, String, String, f64)>);
    let problem = RwSignal::new(None::<String>);
    let shown_window = RwSignal::new(None::<usize>);
    let presets = RwSignal::new(Vec::<Preset>::new());
    // Finished answers on this page (read by the soak test).
    let runs = RwSignal::new(0u64);
    let status = move || app.model_status(model.get()).get();
    // Which QA models this build ships (a model not trained yet gets a disabled button).
    let available = RwSignal::new(vec![QA_ZH, QA_EN]);
    spawn_owned(async move {
        if let Ok(m) = crate::runtime::load::manifest().await {
            available.set([QA_ZH, QA_EN].into_iter().filter(|id| m.model(id).is_some()).collect());
        }
    });
    Effect::new(move |_| app.use_model(model.get()));
    let (card, _) = model_card(model);

    // Presets come with the model; the first fills an empty page.
    Effect::new(move |_| {
        let id = model.get();
        spawn_owned(async move {
            let list = crate::runtime::qa::presets(id).await.unwrap_or_default();
            if model.get_untracked() != id {
                return;
            }
            if let Some(p) = list.first() {
                if question.get_untracked().is_empty() && document.get_untracked().is_empty() {
                    question.set(p.question.clone());
                    document.set(p.document.clone());
                    gold.set(Some(p.answers.clone()));
                }
            }
            presets.set(list);
        });
    });

    let run = move || {
        let (id, q, d, win) = (model.get_untracked(), question.get_untracked(), document.get_untracked(), window.get_untracked());
        let Some(m) = app.model::<LoadedQa>(id) else { return };
        set_url_param("m", Some(id), false);
        set_url_param("q", Some(&q), false);
        set_url_param("doc", Some(&d), false);
        problem.set(None);
        spawn_owned(async move {
            let start = now_ms();
            match answer_in_window(&m, &q, &d, 10, win).await {
                Ok(out) => {
                    runs.update(|n| *n += 1);
                    shown_window.set(out.candidates.first().map(|c| c.window));
                    outcome.set(Some((out, q, d, now_ms() - start)));
                }
                Err(AnswerError::Input(e)) => {
                    outcome.set(None);
                    problem.set(Some(input_problem(&app, &e)));
                }
                Err(AnswerError::Device(e)) => {
                    outcome.set(None);
                    problem.set(Some(format!("{}: {e}", app.t(T::QaDeviceFailed))));
                }
            }
        });
    };
    // Answer when the model is ready and whenever the question or document changes (`run` is
    // called by this effect only, so a newer input cancels the answer in flight).
    Effect::new(move |_| {
        let _ = (question.get(), document.get(), window.get());
        if matches!(status(), ModelStatus::Ready(_)) {
            run();
        }
    });

    let set_model = move |id: &'static str| {
        if model.get_untracked() != id {
            question.set(String::new());
            document.set(String::new());
            gold.set(None);
            outcome.set(None);
            model.set(id);
        }
    };
    let pick_preset = move |i: usize| {
        if let Some(p) = presets.get_untracked().get(i) {
            gold.set(Some(p.answers.clone()));
            question.set(p.question.clone());
            document.set(p.document.clone());
        }
    };
    let lang_warning = move || {
        let lang = if model.get() == QA_ZH { "zh" } else { "en" };
        other_language(&question.get(), lang).then(|| app.t(if lang == "zh" { T::QaWarnNotChinese } else { T::QaWarnNotEnglish }))
    };

    view! {
        <section class="page qa" data-testid="page-qa">
            <h1>{move || app.t(T::QaTitle)}</h1>
            <p class="lede">{move || app.t(T::QaLede)}</p>
            <div class="panel controls">
                <QaInputs model=model available=available presets=presets question=question document=document window=window gold=gold on_model=Callback::new(set_model) on_preset=Callback::new(pick_preset) />
            </div>

            <ModelLoad key=Signal::derive(move || model.get().to_string()) />
            {move || lang_warning().map(|w| view! { <div class="message warn" role="status" data-testid="qa-lang-warning">{w}</div> })}
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="qa-problem">{p}</div> })}
            <span hidden data-testid="qa-runs" data-runs=move || runs.get().to_string()></span>
            {move || outcome.get().map(|(out, q, doc, ms)| view! { <Answer out=out question=q doc=doc ms=ms gold=gold.get() shown_window=shown_window lang=if model.get() == QA_ZH { "zh" } else { "en" } /> })}
            <Comparison card=card metrics=vec![("EM".to_string(), "em", 1.0), ("F1".to_string(), "f1", 1.0)] text=T::QaCompareText testid="qa" held_out=(T::QaValidQuestions, "valid_questions") />
        </section>
    }
}

/// The message for input the model cannot take.
fn input_problem(app: &AppState, e: &QaInputError) -> String {
    match e {
        QaInputError::EmptyQuestion => app.t(T::QaErrEmptyQuestion).to_string(),
        QaInputError::EmptyDocument => app.t(T::QaErrEmptyDocument).to_string(),
        QaInputError::DocumentTooLong { chars, limit } => format!("{} ({chars} > {limit})", app.t(T::QaErrTooLong)),
        QaInputError::QuestionTooLong { tokens, limit } => format!("{} ({tokens} > {limit} {})", app.t(T::QaErrQuestionTooLong), app.t(T::Tokens)),
        QaInputError::Tokenizer(e) => e.clone(),
    }
}
