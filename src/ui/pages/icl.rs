//! "In-context learning": the lecture's zero-, one- and few-shot prompts. One part builds a
//! prompt (task description, the first k examples, the query), shows it, lets the user edit any
//! piece and runs it; the other grades held-out queries for k = 0, 1, 2, 4, 8 and draws accuracy
//! against the number of examples, per task and averaged.
//!
//! URL state: `task`, `k`, `q` (query), `tasks` (comma-separated ids for the table), `n`
//! (queries per cell).

use leptos::prelude::*;

use crate::assets::SMOLLM2;
use crate::task::gpt::LoadedGpt;
use crate::ui::tasks::Job;
use crate::runtime::load::now_ms;
use crate::task::icl::{accuracy, build_prompt, complete, evaluate, first_line_answer, task, IclTask, SHOTS, TASKS};
use crate::ui::components::progress::{Bar as ProgressBar, ModelLoad};
use crate::ui::i18n::{Lang, T};
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::url::{check_choice, check_number};

/// Longest free-text field the page (and the address) takes, in characters.
const MAX_FIELD_CHARS: usize = 2000;

/// One finished cell of the table: task id, shots, accuracy (%), seconds.
type Cell = (&'static str, usize, f64, f64);

/// The in-context-learning page.
#[component]
pub fn Icl() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = SMOLLM2;
    let ids: Vec<&'static str> = TASKS.iter().map(|t| t.id).collect();
    let current = RwSignal::new(app.url_check("task", |v| check_choice(v, &ids)).and_then(task).unwrap_or(&TASKS[1]));
    let k = RwSignal::new(app.url_check("k", |v| check_number(v, 0.0, 8.0)).map(|v| v as usize).unwrap_or(4));
    let description = RwSignal::new(current.get_untracked().description.to_string());
    let examples = RwSignal::new(examples_text(current.get_untracked(), k.get_untracked()));
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
    let status = move || app.model_status(model).get();
    Effect::new(move |_| app.use_model(model));

    // Picking a task or a number of examples rebuilds the editable pieces from the suite.
    let reset_pieces = move |t: &'static IclTask, shots: usize| {
        description.set(t.description.to_string());
        examples.set(examples_text(t, shots));
        one.set(None);
        set_url_param("task", Some(t.id), false);
        set_url_param("k", Some(&shots.to_string()), false);
    };
    let parsed_examples = move || -> (Vec<(String, String)>, bool) {
        let text = examples.get();
        let mut bad = false;
        let list = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| match l.split_once("=>") {
                Some((a, b)) => Some((a.trim().to_string(), b.trim().to_string())),
                None => {
                    bad = true;
                    None
                }
            })
            .collect();
        (list, bad)
    };
    let prompt = move || build_prompt(&description.get(), &parsed_examples().0, &query.get());
    let expected = move || current.get().tests.iter().chain(current.get().examples.iter()).find(|(q, _)| *q == query.get().trim()).map(|(_, a)| a.to_string());

    let run_one = move || {
        let Some(gpt) = app.model::<LoadedGpt>(model) else { return };
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
        let Some(gpt) = app.model::<LoadedGpt>(model) else { return };
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
                    progress.set(Some((format!("{} {} · k = {shots} ({done} / {total})", app.t(T::IclRunning), task_name(t, app.lang.get_untracked())), done as f64 / total as f64)));
                    crate::task::yield_now().await;
                    let t0 = now_ms();
                    match evaluate(&gpt, t, shots, n).await {
                        Ok(results) => cells.update(|c| c.push((t.id, shots, accuracy(&results), (now_ms() - t0) / 1000.0))),
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

    let task_options = TASKS
        .iter()
        .map(|t| view! { <option value=t.id selected=move || current.get().id == t.id>{move || task_name(t, app.lang.get())}</option> })
        .collect_view();
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
    let task_checks = TASKS
        .iter()
        .map(|t| view! {
            <label class="check"><input type="checkbox" data-testid="icl-table-task" value=t.id prop:checked=move || chosen_tasks.get().contains(&t.id)
                on:change=move |ev| { let on = event_target_checked(&ev); chosen_tasks.update(|c| { c.retain(|x| *x != t.id); if on { c.push(t.id); } }); } />
                {move || task_name(t, app.lang.get())}</label>
        })
        .collect_view();

    view! {
        <section class="page icl" data-testid="page-icl">
            <h1>{move || app.t(T::IclTitle)}</h1>
            <p class="lede">{move || app.t(T::IclLede)}</p>
            <ModelLoad key=Signal::derive(move || model.to_string()) />
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="icl-problem">{p}</div> })}
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
                    <button data-testid="icl-run-one" disabled=move || busy.get() || !matches!(status(), ModelStatus::Ready(_)) on:click=move |_| run_one()>{move || app.t(T::IclRunOne)}</button>
                    {move || one.get().map(|(answer, verdict, ms)| { let shown = if answer.is_empty() { "∅".to_string() } else { answer.clone() }; view! {
                        <span class="icl-answer" data-testid="icl-answer" data-answer=answer.clone() data-correct=verdict.map(|v| v.to_string()).unwrap_or_default()>
                            <span class="label">{app.t(T::IclAnswer)}</span><mark>{shown}</mark>
                            {verdict.map(|v| if v { " ✓" } else { " ✗" })}
                            {expected().map(|e| format!(" ({} {})", app.t(T::IclExpected), e.replace('|', " / ")))}
                            <span class="figure">{format!(" · {ms:.0} ms")}</span>
                        </span>
                    }})}
                </div>
            </div>
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
                {move || (!cells.get().is_empty()).then(|| view! { <AccuracyTable cells=cells.get() per_cell=per_cell.get_untracked() done=!busy.get() /> })}
            </div>
        </section>
    }
}

/// The first `k` examples of a task as editable `input => answer` lines.
fn examples_text(t: &IclTask, k: usize) -> String {
    t.examples.iter().take(k).map(|(a, b)| format!("{a} => {b}")).collect::<Vec<_>>().join("\n")
}

fn task_name(t: &IclTask, lang: Lang) -> &'static str {
    if lang == Lang::En {
        t.name_en
    } else {
        t.name_zh
    }
}

/// The accuracy table (task × shots, with the mean) and its chart.
#[component]
fn AccuracyTable(cells: Vec<Cell>, per_cell: usize, done: bool) -> impl IntoView {
    let app = expect_context::<AppState>();
    let lang = app.lang.get_untracked();
    let mut order: Vec<&'static str> = Vec::new();
    for c in &cells {
        if !order.contains(&c.0) {
            order.push(c.0);
        }
    }
    let acc = |id: &str, s: usize| cells.iter().find(|c| c.0 == id && c.1 == s).map(|c| c.2);
    let complete: Vec<&'static str> = order.iter().copied().filter(|id| SHOTS.iter().all(|&s| acc(id, s).is_some())).collect();
    let mean = |s: usize| (!complete.is_empty()).then(|| complete.iter().filter_map(|id| acc(id, s)).sum::<f64>() / complete.len() as f64);
    let head = SHOTS.iter().map(|s| view! { <th>{format!("k = {s}")}</th> }).collect_view();
    let rows = order
        .iter()
        .map(|&id| {
            let t = task(id).expect("known task");
            let tds = SHOTS.iter().map(|&s| {
                let a = acc(id, s);
                view! { <td data-testid="icl-cell" data-task=id data-k=s.to_string() data-acc=a.map(|v| format!("{v:.1}")).unwrap_or_default()>{a.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "…".into())}</td> }
            }).collect_view();
            view! { <tr data-testid="icl-row" data-task=id><th>{task_name(t, lang)}</th>{tds}</tr> }
        })
        .collect_view();
    let mean_row = SHOTS.iter().map(|&s| view! { <td data-testid="icl-mean" data-k=s.to_string()>{mean(s).map(|v| format!("{v:.0}%")).unwrap_or_default()}</td> }).collect_view();
    let seconds: f64 = cells.iter().map(|c| c.3).sum();
    // Chart: accuracy (0–100 %) against k on a log-like axis (equal steps for 0, 1, 2, 4, 8).
    let (w, h, left, pad, bottom) = (520.0, 220.0, 40.0, 14.0, 30.0);
    let x = |i: usize| left + (w - left - pad) * i as f64 / (SHOTS.len() - 1) as f64;
    let y = |v: f64| pad + (h - pad - bottom) * (100.0 - v) / 100.0;
    let colours = ["#2f5bd3", "#d9822b", "#2a9d5b", "#b23a48", "#7b4fb8", "#3d8fa6", "#8a6d1f", "#555"];
    let line = |pts: Vec<(usize, f64)>, colour: &str, width: &str, name: String| {
        let p: Vec<String> = pts.iter().map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v))).collect();
        view! { <polyline points=p.join(" ") fill="none" stroke=colour.to_string() stroke-width=width.to_string()><title>{name}</title></polyline> }
    };
    let lines = order
        .iter()
        .enumerate()
        .map(|(n, &id)| {
            let pts = SHOTS.iter().enumerate().filter_map(|(i, &s)| acc(id, s).map(|v| (i, v))).collect();
            line(pts, colours[n % colours.len()], "1.6", task_name(task(id).expect("known task"), lang).to_string())
        })
        .collect_view();
    let mean_line = line(SHOTS.iter().enumerate().filter_map(|(i, &s)| mean(s).map(|v| (i, v))).collect(), "#111", "3", app.t(T::IclMean).to_string());
    let grid = [0.0, 25.0, 50.0, 75.0, 100.0]
        .into_iter()
        .map(|v| view! {
            <line x1=left.to_string() x2=(w - pad).to_string() y1=y(v).to_string() y2=y(v).to_string() class="grid" />
            <text x=(left - 6.0).to_string() y=(y(v) + 4.0).to_string() class="tick" text-anchor="end">{format!("{v:.0}%")}</text>
        })
        .collect_view();
    let xticks = SHOTS.iter().enumerate().map(|(i, s)| view! { <text x=x(i).to_string() y=(h - bottom + 16.0).to_string() class="tick" text-anchor="middle">{s.to_string()}</text> }).collect_view();
    let legend = order
        .iter()
        .enumerate()
        .map(|(n, &id)| view! { <span class="legend-item"><span class="swatch" style:background=colours[n % colours.len()]></span>{task_name(task(id).expect("known task"), lang)}</span> })
        .collect_view();
    view! {
        <table class="candidates icl-table" data-testid="icl-table" data-done=done.to_string()>
            <thead><tr><th></th>{head}</tr></thead>
            <tbody>{rows}<tr class="mean"><th>{app.t(T::IclMean)}</th>{mean_row}</tr></tbody>
        </table>
        <figure class="chart">
            <svg width=w.to_string() height=h.to_string() viewBox=format!("0 0 {w} {h}") role="img" data-testid="icl-chart">{grid}{xticks}{lines}{mean_line}</svg>
            <div class="legend">{legend}<span class="legend-item"><span class="swatch" style:background="#111"></span>{app.t(T::IclMean)}</span></div>
        </figure>
        <p class="figure">{format!("{per_cell} {} · greedy · {seconds:.0} s", app.t(T::IclQueries))}</p>
    }
}
