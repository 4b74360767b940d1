//! Building a prompt by hand: the task, the number of examples, the description, the examples
//! (editable `input => answer` lines) and the query; the prompt exactly as the model reads it; one
//! run with its answer graded against the suite's.

use leptos::prelude::*;

use super::MAX_FIELD_CHARS;
use crate::task::icl::{build_prompt, parse_examples, task, IclTask, TASKS, TASKS_ZH};
use crate::ui::i18n::{Lang, T};
use crate::ui::state::{set_url_param, AppState};

/// The prompt panel.
#[component]
pub fn PromptPanel(
    /// The task of the suite.
    current: RwSignal<&'static IclTask>,
    /// Examples in the prompt.
    k: RwSignal<usize>,
    /// The task description as edited.
    description: RwSignal<String>,
    /// The examples as edited.
    examples: RwSignal<String>,
    /// The query.
    query: RwSignal<String>,
    /// The last answer: text, whether it is right (when the suite knows), milliseconds.
    one: RwSignal<Option<(String, Option<bool>, f64)>>,
    /// Whether the model is running.
    busy: RwSignal<bool>,
    /// Whether the model is loaded.
    ready: Signal<bool>,
    /// Runs the prompt.
    on_run: Callback<()>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    // Picking a task or a number of examples rebuilds the editable pieces from the suite.
    let reset_pieces = move |t: &'static IclTask, shots: usize| {
        description.set(t.description.to_string());
        examples.set(t.examples_text(shots));
        one.set(None);
        set_url_param("task", Some(t.id), false);
        set_url_param("k", Some(&shots.to_string()), false);
    };
    let parsed_examples = move || parse_examples(&examples.get());
    let prompt = move || build_prompt(&description.get(), &parsed_examples().0, &query.get());
    let expected = move || current.get().expected(&query.get()).map(str::to_string);
    // Both suites, each under its language.
    let options = move |suite: &'static [IclTask]| suite
        .iter()
        .map(|t| view! { <option value=t.id selected=move || current.get().id == t.id>{move || t.name(app.lang.get() == Lang::En)}</option> })
        .collect_view();
    let task_options = view! { <optgroup label="English">{options(TASKS)}</optgroup><optgroup label="中文">{options(TASKS_ZH)}</optgroup> };
    let shot_buttons = [0usize, 1, 2, 4, 8]
        .into_iter()
        .map(|s| view! {
            <button class:active=move || k.get() == s data-testid="icl-k" on:click=move |_| { k.set(s); reset_pieces(current.get_untracked(), s); }>{s.to_string()}</button>
        })
        .collect_view();
    let query_buttons = move || {
        current.get().tests.iter().map(|(q, _)| {
            let q = q.to_string();
            let q2 = q.clone();
            view! { <button class="chip" class:active=move || query.get() == q2 on:click=move |_| { query.set(q.clone()); one.set(None); }>{q.clone()}</button> }
        }).collect_view()
    };
    view! {
            <div class="panel controls" data-control="prompt">
                <label class="presets"><span class="label">{move || app.t(T::IclTask)}</span>
                    <select data-testid="icl-task" on:change=move |ev| {
                        if let Some(t) = task(&event_target_value(&ev)) { current.set(t); query.set(t.tests[0].0.to_string()); reset_pieces(t, k.get_untracked()); }
                    }>{task_options}</select>
                </label>
                <div class="presets"><span class="label">{move || app.t(T::IclShots)}</span>{shot_buttons}</div>
                <label class="target wide"><span class="label">{move || app.t(T::IclDescription)}</span>
                    <input type="text" maxlength=MAX_FIELD_CHARS.to_string() data-testid="icl-description" prop:value=move || description.get() on:change=move |ev| description.set(event_target_value(&ev)) /></label>
                <label class="target wide"><span class="label">{move || app.t(T::IclExamples)}</span>
                    <textarea rows="4" maxlength=MAX_FIELD_CHARS.to_string() data-testid="icl-examples" prop:value=move || examples.get() on:change=move |ev| examples.set(event_target_value(&ev))></textarea></label>
                {move || parsed_examples().1.then(|| view! { <p class="hint warn">{app.t(T::IclErrNoExamples)}</p> })}
                <label class="target wide"><span class="label">{move || app.t(T::IclQuery)}</span>
                    <input type="text" maxlength="200" data-testid="icl-query" prop:value=move || query.get() on:change=move |ev| { query.set(event_target_value(&ev)); one.set(None); } /></label>
                <div class="chips">{query_buttons}</div>
                <h2>{move || app.t(T::IclPromptTitle)}</h2>
                <pre class="prompt" data-testid="icl-prompt">{prompt}<span class="cursor">"▍"</span></pre>
                <div class="presets">
                    <button data-testid="icl-run-one" disabled=move || busy.get() || !ready.get() on:click=move |_| on_run.run(())>{move || app.t(T::IclRunOne)}</button>
                    {move || one.get().map(|(answer, verdict, ms)| { let shown = if answer.is_empty() { "∅".to_string() } else { answer.clone() }; view! {
                        <span class="icl-answer" role="status" data-testid="icl-answer" data-answer=answer.clone() data-correct=verdict.map(|v| v.to_string()).unwrap_or_default()>
                            <span class="label">{app.t(T::IclAnswer)}</span><mark>{shown}</mark>
                            {verdict.map(|v| if v { " ✓" } else { " ✗" })}
                            {expected().map(|e| format!(" ({} {})", app.t(T::IclExpected), e.replace('|', " / ")))}
                            <span class="figure">{format!(" · {ms:.0} ms")}</span>
                        </span>
                    }})}
                </div>
            </div>
    }
}
