//! "In-context learning": the lecture's zero-, one- and few-shot prompts. One part builds a
//! prompt (task description, the first k examples, the query), shows it, lets the user edit any
//! piece and runs it; the other grades held-out queries for k = 0, 1, 2, 4, 8 and draws accuracy
//! against the number of examples, per task and averaged.
//!
//! The model is chosen on the page (SmolLM2 by default; Gemma 3 270M and gpt-zh are fetched only
//! when picked); the tasks come from both suites, English and Chinese.
//!
//! URL state: `m` (model), `task`, `k`, `q` (query), `tasks` (comma-separated ids for the
//! table), `n` (queries per cell).

mod prompt;
mod sizes;
mod table;

use leptos::prelude::*;

use prompt::PromptPanel;
use sizes::SizeChart;
use table::AccuracyTable;

use crate::assets::{GEMMA3, GPTS, GPT_ZH, SMOLLM2};
use crate::task::gpt::LoadedGpt;
use crate::ui::tasks::Job;
use crate::runtime::load::now_ms;
use crate::task::icl::{accuracy, build_prompt, complete, evaluate, first_line_answer, parse_examples, task, Cell, IclTask, Table, SHOTS, TASKS, TASKS_ZH};
use crate::ui::components::progress::{Bar as ProgressBar, ModelLoad};
use crate::ui::i18n::{Lang, T};
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::url::{check_choice, check_number};

/// Longest free-text field the page (and the address) takes, in characters.
const MAX_FIELD_CHARS: usize = 2000;


/// The in-context-learning page.
#[component]
pub fn Icl() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(app.url_check("m", |v| check_choice(v, &GPTS)).unwrap_or(SMOLLM2));
    let ids: Vec<&'static str> = TASKS.iter().chain(TASKS_ZH).map(|t| t.id).collect();
    let current = RwSignal::new(app.url_check("task", |v| check_choice(v, &ids)).and_then(task).unwrap_or(&TASKS[1]));
    let k = RwSignal::new(app.url_check("k", |v| check_number(v, 0.0, 8.0)).map(|v| v as usize).unwrap_or(4));
    let description = RwSignal::new(current.get_untracked().description.to_string());
    let examples = RwSignal::new(current.get_untracked().examples_text(k.get_untracked()));
    let query = RwSignal::new(app.url_text("q", 200).unwrap_or_else(|| current.get_untracked().tests[0].0.to_string()));
    let one = RwSignal::new(None::<(String, Option<bool>, f64)>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let stop = RwSignal::new(false);
    let chosen_tasks = RwSignal::new(
        app.url_text("tasks", 200)
            .map(|v| v.split(',').filter_map(|id| task(id.trim()).map(|t| t.id)).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| vec!["capitals", "antonyms"]),
    );
    let per_cell = RwSignal::new(app.url_check("n", |v| check_number(v, 1.0, 12.0)).map(|v| v as usize).unwrap_or(4));
    let cells = RwSignal::new(Vec::<Cell>::new());
    let progress = RwSignal::new(None::<(String, f64)>);
    // The page's model runs (one query, or the table): leaving the page cancels them.
    let runs = Job::new();
    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));

    let parsed_examples = move || parse_examples(&examples.get());
    let prompt = move || build_prompt(&description.get(), &parsed_examples().0, &query.get());
    let expected = move || current.get().expected(&query.get()).map(str::to_string);

    let run_one = move || {
        let Some(gpt) = app.model::<LoadedGpt>(model.get_untracked()) else { return };
        if query.get_untracked().trim().is_empty() {
            problem.set(Some(app.t(T::IclErrEmptyQuery).to_string()));
            return;
        }
        problem.set(None);
        set_url_param("q", Some(&query.get_untracked()), false);
        let (p, want, t) = (prompt(), expected(), current.get_untracked());
        busy.set(true);
        runs.restart(async move {
            let t0 = now_ms();
            match complete(&gpt, &p).await {
                Ok(text) => {
                    let verdict = want.as_ref().map(|w| t.grade(&text, w));
                    one.set(Some((first_line_answer(&text).to_string(), verdict, now_ms() - t0)));
                }
                Err(e) => problem.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let run_table = move || {
        let Some(gpt) = app.model::<LoadedGpt>(model.get_untracked()) else { return };
        let list: Vec<&'static IclTask> = chosen_tasks.get_untracked().iter().filter_map(|id| task(id)).collect();
        if list.is_empty() {
            problem.set(Some(app.t(T::IclErrNoTasks).to_string()));
            return;
        }
        problem.set(None);
        set_url_param("tasks", Some(&chosen_tasks.get_untracked().join(",")), false);
        set_url_param("n", Some(&per_cell.get_untracked().to_string()), false);
        let n = per_cell.get_untracked();
        cells.set(Vec::new());
        busy.set(true);
        stop.set(false);
        let total = (list.len() * SHOTS.len()).max(1);
        runs.restart(async move {
            'all: for (ti, t) in list.into_iter().enumerate() {
                for (si, shots) in SHOTS.into_iter().enumerate() {
                    if stop.get_untracked() {
                        problem.set(Some(app.t(T::GptStopped).to_string()));
                        break 'all;
                    }
                    let done = ti * SHOTS.len() + si;
                    progress.set(Some((format!("{} {} · k = {shots} ({done} / {total})", app.t(T::IclRunning), t.name(app.lang.get_untracked() == Lang::En)), done as f64 / total as f64)));
                    crate::task::yield_to_browser().await;
                    let t0 = now_ms();
                    match evaluate(&gpt, t, shots, n).await {
                        Ok(results) => cells.update(|c| c.push(Cell { task: t.id, shots, accuracy: accuracy(&results), seconds: (now_ms() - t0) / 1000.0 })),
                        Err(e) => {
                            problem.set(Some(format!("{}: {e}", app.t(T::QaDeviceFailed))));
                            break 'all;
                        }
                    }
                }
            }
            progress.set(None);
            busy.set(false);
        });
    };

    // Another model: nothing of the last one's answers stays (the runs are cancelled).
    let switch = move |id: &'static str| {
        if model.get_untracked() == id || busy.get_untracked() {
            return;
        }
        runs.cancel();
        busy.set(false);
        one.set(None);
        cells.set(Vec::new());
        problem.set(None);
        progress.set(None);
        model.set(id);
        set_url_param("m", (id != SMOLLM2).then_some(id), false);
    };
    let model_button = move |id: &'static str, label: &'static str, testid: &'static str| view! {
        <button class:active=move || model.get() == id data-testid=testid disabled=move || busy.get() on:click=move |_| switch(id)>{label}</button>
    };
    let task_checks = TASKS
        .iter()
        .chain(TASKS_ZH)
        .map(|t| view! {
            <label class="check"><input type="checkbox" data-testid="icl-table-task" value=t.id prop:checked=move || chosen_tasks.get().contains(&t.id)
                on:change=move |ev| { let on = event_target_checked(&ev); chosen_tasks.update(|c| { c.retain(|x| *x != t.id); if on { c.push(t.id); } }); } />
                {move || t.name(app.lang.get() == Lang::En)}</label>
        })
        .collect_view();

    view! {
        <section class="page icl" data-testid="page-icl">
            <h1>{move || app.t(T::IclTitle)}</h1>
            <p class="lede">{move || app.t(T::IclLede)}</p>
            <div class="panel presets" data-control="model">
                <span class="label">{move || app.t(T::ModelLabel)}</span>
                {model_button(SMOLLM2, "SmolLM2-135M", "icl-model-smollm2")}
                {model_button(GEMMA3, "Gemma 3 270M", "icl-model-gemma3")}
                {model_button(GPT_ZH, "Sesame gpt-zh", "icl-model-gpt-zh")}
            </div>
            <ModelLoad key=Signal::derive(move || model.get().to_string()) />
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="icl-problem">{p}</div> })}
            <PromptPanel current=current k=k description=description examples=examples query=query one=one busy=busy ready=Signal::derive(move || matches!(status(), ModelStatus::Ready(_))) on_run=Callback::new(move |()| run_one()) />
            <div class="panel" data-control="run">
                <h2>{move || app.t(T::IclTableTitle)}</h2>
                <div class="checks" data-control="tasks">{task_checks}</div>
                <div class="presets">
                    <label>{move || format!("{} {}", per_cell.get(), app.t(T::IclQueries))}
                        <input type="range" min="1" max="12" step="1" data-testid="icl-per-cell" prop:value=move || per_cell.get().to_string() on:input=move |ev| per_cell.set(event_target_value(&ev).parse().unwrap_or(4)) /></label>
                    <button data-testid="icl-run-table" disabled=move || busy.get() || !matches!(status(), ModelStatus::Ready(_)) on:click=move |_| run_table()>{move || app.t(T::IclRunTable)}</button>
                    <button data-testid="icl-stop" disabled=move || !busy.get() on:click=move |_| stop.set(true)>{move || app.t(T::GptStop)}</button>
                    {move || progress.get().map(|(p, f)| view! { <div class="wide" data-testid="icl-progress"><ProgressBar label=Signal::derive(move || format!("{p}…")) fraction=Signal::derive(move || Some(f)) /></div> })}
                </div>
                {move || (!cells.get().is_empty()).then(|| view! { <AccuracyTable table=Table { cells: cells.get() } per_cell=per_cell.get_untracked() done=!busy.get() /> })}
            </div>
            <SizeChart />
        </section>
    }
}
