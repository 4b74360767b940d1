//! The accuracy table (task × examples in the prompt, with the mean over complete rows) and its
//! chart: accuracy against the number of examples, per task and averaged.

use leptos::prelude::*;

use crate::task::icl::{task, Table, SHOTS};
use crate::ui::components::charts::{Axis, Curve, Mark, Plot};
use crate::ui::i18n::{Lang, T};
use crate::ui::state::AppState;

/// One colour per task line.
const COLOURS: [&str; 8] = ["#2f5bd3", "#d9822b", "#2a9d5b", "#b23a48", "#7b4fb8", "#3d8fa6", "#8a6d1f", "#555"];

/// The table and chart of the cells so far; `done` when the run has ended.
#[component]
pub fn AccuracyTable(table: Table, per_cell: usize, done: bool) -> impl IntoView {
    let app = expect_context::<AppState>();
    let english = app.lang.get_untracked() == Lang::En;
    let name = |id: &str| task(id).map(|t| t.name(english)).unwrap_or_default();
    let order = table.tasks();
    let head = SHOTS.iter().map(|s| view! { <th>{format!("k = {s}")}</th> }).collect_view();
    let rows = order
        .iter()
        .map(|&id| {
            let tds = SHOTS
                .iter()
                .map(|&s| {
                    let a = table.accuracy(id, s);
                    view! { <td data-testid="icl-cell" data-task=id data-k=s.to_string() data-acc=a.map(|v| format!("{v:.1}")).unwrap_or_default()>{a.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "…".into())}</td> }
                })
                .collect_view();
            view! { <tr data-testid="icl-row" data-task=id><th>{name(id)}</th>{tds}</tr> }
        })
        .collect_view();
    let mean_row = SHOTS.iter().map(|&s| view! { <td data-testid="icl-mean" data-k=s.to_string()>{table.mean(s).map(|v| format!("{v:.0}%")).unwrap_or_default()}</td> }).collect_view();
    // Accuracy (0–100 %) against k on equal steps for 0, 1, 2, 4, 8.
    let points = |value: &dyn Fn(usize) -> Option<f64>| SHOTS.iter().enumerate().filter_map(|(i, &s)| value(s).map(|v| (i as f64, v))).collect::<Vec<_>>();
    let mut curves: Vec<Curve> = order.iter().enumerate().map(|(n, &id)| Curve { name: name(id).to_string(), mark: Mark::Line(COLOURS[n % COLOURS.len()], 1.6), points: points(&|s| table.accuracy(id, s)) }).collect();
    curves.push(Curve { name: app.t(T::IclMean).to_string(), mark: Mark::Line("#111", 3.0), points: points(&|s| table.mean(s)) });
    let x = Axis { min: 0.0, max: (SHOTS.len() - 1) as f64, ticks: SHOTS.iter().enumerate().map(|(i, s)| (i as f64, s.to_string())).collect(), label: None };
    let y = Axis::even(0.0, 100.0, 4, |v| format!("{v:.0}%"));
    view! {
        <table class="candidates icl-table" data-testid="icl-table" data-done=done.to_string()>
            <thead><tr><td></td>{head}</tr></thead>
            <tbody>{rows}<tr class="mean"><th>{app.t(T::IclMean)}</th>{mean_row}</tr></tbody>
        </table>
        <figure class="chart"><Plot width=520.0 height=220.0 x=x y=y curves=curves testid="icl-chart" label=app.t(T::IclTableTitle) /></figure>
        <p class="figure">{format!("{per_cell} {} · greedy · {:.0} s", app.t(T::IclQueries), table.seconds())}</p>
    }
}
