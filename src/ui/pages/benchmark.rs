//! `/benchmark`: the GLUE-style scoreboard. Every Sesame encoder, pretrained and from random
//! initialisation, against each downstream task it was fine-tuned on, with one average per row
//! as GLUE reports one score per model. Every figure is read from the fine-tuned models' cards
//! ([`crate::task::benchmark`]); a task without a figure shows as missing, never as zero.
//!
//! URL state: `view` (`scores`, or `gain`: pretrained minus random init, what pretraining adds).

use std::collections::HashMap;

use leptos::prelude::*;
use serde_json::Value;

use crate::task::benchmark::{averaged_tasks, card_ids, scoreboard, Row, Start, TASKS};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::tasks::spawn_owned;
use crate::ui::url::check_choice;

/// Each task's column heading.
const TASK_NAMES: [T; 6] = [T::BenchSentiment, T::BenchPos, T::BenchQnli, T::BenchQa, T::BenchXqa, T::BenchXsentiment];

/// A fine-tuned model's card through the manifest (and so the model cache, offline too); `None`
/// when this build has no such model or its card cannot be read.
async fn fetch_card(id: &str) -> Option<Value> {
    crate::runtime::load::family_card::<Value>(id).await.ok().map(|c| (*c).clone())
}

/// The encoder's name in the table.
fn encoder_name(app: AppState, id: &str) -> String {
    match id {
        "bert-zh" => app.t(T::BenchBertZh).to_string(),
        "bert-en" => app.t(T::BenchBertEn).to_string(),
        "mbert-small" => app.t(T::BenchMbertSmall).to_string(),
        other => other.to_string(),
    }
}

/// The scoreboard page.
#[component]
pub fn Benchmark() -> impl IntoView {
    let app = expect_context::<AppState>();
    let view_kind = RwSignal::new(app.url_check("view", |v| check_choice(v, &["scores", "gain"])).unwrap_or("scores"));
    Effect::new(move |_| set_url_param("view", Some(view_kind.get()), false));
    let rows = RwSignal::new(None::<Vec<Row>>);
    spawn_owned(async move {
        let mut cards = HashMap::new();
        for id in card_ids() {
            if let Some(c) = fetch_card(id).await {
                cards.insert(id, c);
            }
        }
        rows.set(Some(scoreboard(|id| cards.get(id).cloned())));
    });
    let gain = Signal::derive(move || view_kind.get() == "gain");
    view! {
        <section class="page benchmark" data-testid="page-benchmark">
            <h1>{move || app.t(T::BenchTitle)}</h1>
            <p class="lede">{move || app.t(T::BenchLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="view">
                    <span class="label">{move || app.t(T::BenchShow)}</span>
                    <button class:active=move || !gain.get() aria-pressed=move || (!gain.get()).to_string() data-testid="view-scores" on:click=move |_| view_kind.set("scores")>{move || app.t(T::BenchScores)}</button>
                    <button class:active=move || gain.get() aria-pressed=move || gain.get().to_string() data-testid="view-gain" on:click=move |_| view_kind.set("gain")>{move || app.t(T::BenchGain)}</button>
                </div>
            </div>
            <div class="panel" data-control="table">
                <h2>{move || app.t(T::BenchTableTitle)}</h2>
                {move || match rows.get() {
                    None => view! { <p class="hint" role="status">{app.t(T::BenchReading)}</p> }.into_any(),
                    Some(rows) => view! { <Scoreboard rows=rows gain=gain /> }.into_any(),
                }}
                <p class="hint">{move || app.t(T::BenchMissingHint)}</p>
            </div>
            <div class="panel" data-control="averages">
                <h2>{move || app.t(T::BenchAveragesTitle)}</h2>
                {move || rows.get().map(|rows| view! { <Averages rows=rows /> })}
            </div>
            <div class="panel explain" data-control="glue">
                <h2>{move || app.t(T::BenchGlueTitle)}</h2>
                <p>{move || app.t(T::BenchGlueExplain)}</p>
                <p>{move || app.t(T::BenchGlueMapping)}</p>
            </div>
        </section>
    }
}

/// The table: a row per encoder and start, a column per task, the average, then the zero-shot
/// cross-lingual columns.
#[component]
fn Scoreboard(rows: Vec<Row>, gain: Signal<bool>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let averaged = averaged_tasks();
    let head = move || {
        let tasks = TASKS.iter().zip(TASK_NAMES).map(|(t, name)| (t.averaged, name));
        let before: Vec<_> = tasks.clone().filter(|(a, _)| *a).map(|(_, n)| view! { <th scope="col">{app.t(n)}</th> }).collect();
        let after: Vec<_> = tasks.filter(|(a, _)| !*a).map(|(_, n)| view! { <th scope="col" class="zero-shot">{app.t(n)}</th> }).collect();
        view! {
            <tr>
                <th scope="col">{app.t(T::BenchEncoder)}</th>
                <th scope="col">{app.t(T::BenchStart)}</th>
                {before}
                <th scope="col" class="average">{format!("{} ({averaged})", app.t(T::BenchAverage))}</th>
                {after}
            </tr>
        }
    };
    let body = move || {
        // The random-init row of each encoder, for the gain view.
        let random: HashMap<&str, Row> = rows.iter().filter(|r| r.start == Start::Random).map(|r| (r.encoder.id, r.clone())).collect();
        rows.iter().map(|row| {
            let twin = random.get(row.encoder.id);
            let show_gain = gain.get() && row.start == Start::Pretrained;
            let cell = |k: usize| {
                let task = TASKS[k];
                let id = format!("score-{}-{}-{}", row.encoder.id, row.start.card_word(), task.key);
                match &row.cells[k] {
                    Some(c) => {
                        let base = twin.and_then(|t| t.cells[k].as_ref()).map(|b| b.value);
                        let text = match (show_gain, base) {
                            (true, Some(b)) => format!("{:+.1}", c.value - b),
                            (true, None) => "–".to_string(),
                            _ => format!("{:.1}", c.value),
                        };
                        let title = format!("{} · {}", c.card, c.examples.map_or(String::new(), |n| format!("{n} {}", app.t(T::BenchHeldOut))));
                        view! {
                            <td class="num" class:zero-shot=!task.averaged data-testid=id data-value=format!("{:.4}", c.value) title=title>
                                {(!show_gain).then(|| view! { <span class=format!("ds-bar {}", row.start.card_word()) style=format!("width: {:.1}%", c.value.clamp(0.0, 100.0))></span> })}
                                <span class="ds-value">{text}</span>
                            </td>
                        }.into_any()
                    }
                    // A task without a figure shows as missing, never as zero.
                    None => view! { <td class="num missing" class:zero-shot=!task.averaged data-testid=id data-missing="true" title=app.t(T::BenchNoCard)>"–"</td> }.into_any(),
                }
            };
            let avg = row.average();
            let avg_text = match (avg, show_gain, twin.and_then(|t| t.average())) {
                (None, ..) => "–".to_string(),
                (Some((a, n)), true, Some((b, m))) if n == m => format!("{:+.1}", a - b),
                (Some(_), true, _) => "–".to_string(),
                (Some((a, n)), false, _) if n == averaged => format!("{a:.1}"),
                (Some((a, n)), false, _) => format!("{a:.1} ({n}/{averaged})"),
            };
            let before: Vec<_> = (0..TASKS.len()).filter(|&k| TASKS[k].averaged).map(cell).collect();
            let after: Vec<_> = (0..TASKS.len()).filter(|&k| !TASKS[k].averaged).map(cell).collect();
            let start = match row.start {
                Start::Pretrained => app.t(T::BenchPretrained),
                Start::Random => app.t(T::BenchRandom),
            };
            view! {
                <tr class:random=row.start == Start::Random>
                    <th scope="row">{encoder_name(app, row.encoder.id)}</th>
                    <td>{start}</td>
                    {before}
                    <td class="num average" class:missing=avg.is_none() data-testid=format!("avg-{}-{}", row.encoder.id, row.start.card_word()) data-value=avg.map(|a| format!("{:.4}", a.0)) data-tasks=avg.map(|a| a.1.to_string())>{avg_text}</td>
                    {after}
                </tr>
            }
        }).collect_view()
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || app.t(T::BenchTableTitle)>
            <table class="ds-table bench-table" data-testid="scoreboard" data-view=move || if gain.get() { "gain" } else { "scores" }>
                <caption>{move || app.t(T::BenchCaption)}</caption>
                <thead>{head}</thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// One bar per row's average (GLUE's one number per model), pretrained beside random init.
#[component]
fn Averages(rows: Vec<Row>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let averaged = averaged_tasks();
    let bars = rows.into_iter().map(|row| {
        let label = format!("{} · {}", encoder_name(app, row.encoder.id), match row.start {
            Start::Pretrained => app.t(T::BenchPretrained),
            Start::Random => app.t(T::BenchRandom),
        });
        match row.average() {
            Some((a, n)) => view! {
                <div class="bench-bar" data-testid=format!("bar-{}-{}", row.encoder.id, row.start.card_word())>
                    <span class="bench-label">{label}</span>
                    <span class="bench-track"><span class=format!("bench-fill {}", row.start.card_word()) style=format!("width: {:.1}%", a.clamp(0.0, 100.0))></span></span>
                    <span class="bench-num">{if n == averaged { format!("{a:.1}") } else { format!("{a:.1} ({n}/{averaged})") }}</span>
                </div>
            }.into_any(),
            None => view! {
                <div class="bench-bar missing" data-testid=format!("bar-{}-{}", row.encoder.id, row.start.card_word())>
                    <span class="bench-label">{label}</span>
                    <span class="bench-track"></span>
                    <span class="bench-num">{app.t(T::BenchNoFigures)}</span>
                </div>
            }.into_any(),
        }
    }).collect_view();
    view! { <div class="bench-bars">{bars}</div> }
}
