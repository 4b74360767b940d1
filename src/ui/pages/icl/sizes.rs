//! The lecture's chart of in-context accuracy against model size, per language: one line per
//! number of examples in the prompt (0, 1, 2, 4, 8) across the GPTs, smallest to largest, from
//! the table `sesame-train icl-sizes` measured ([`crate::task::icl_sizes`]).

use leptos::prelude::*;

use crate::task::icl_sizes::{shipped, SizeRow};
use crate::ui::components::charts::{format_count, Axis, Curve, Mark, Plot};
use crate::ui::i18n::{Lang, T};
use crate::ui::state::AppState;

/// One colour per shot count (0, 1, 2, 4, 8 examples).
const COLOURS: [&str; 5] = ["#b23a48", "#d9822b", "#8a6d1f", "#2a9d5b", "#2f5bd3"];

/// The chart and table for the suite of one language, with a switch between the two suites.
#[component]
pub fn SizeChart() -> impl IntoView {
    let app = expect_context::<AppState>();
    let language = RwSignal::new(if app.lang.get_untracked() == Lang::En { "en" } else { "zh" });
    let table = match shipped() {
        Ok(t) => t,
        Err(e) => return view! { <div class="message warn" role="status">{e}</div> }.into_any(),
    };
    let t = table.clone();
    let body = move || {
        let rows: Vec<SizeRow> = t.suite(language.get()).into_iter().cloned().collect();
        // x: the models in order of size, evenly spaced (three points; a log scale would crowd
        // the two largest together), each labelled with its parameter count.
        let x = Axis {
            min: -0.3,
            max: rows.len().saturating_sub(1) as f64 + 0.3,
            ticks: rows.iter().enumerate().map(|(i, r)| (i as f64, format!("{} {}", r.name, format_count(r.parameters as f64)))).collect(),
            label: None,
        }
        .titled(app.t(T::IclSizeAxis).to_string());
        let y = Axis::even(0.0, 100.0, 4, |v| format!("{v:.0}%"));
        let curves: Vec<Curve> = t
            .shots
            .iter()
            .enumerate()
            .map(|(i, &k)| Curve {
                name: format!("k = {k}"),
                mark: Mark::Line(COLOURS[i % COLOURS.len()], if k == 0 { 3.0 } else { 2.0 }),
                points: rows.iter().enumerate().filter_map(|(n, r)| r.mean[i].map(|a| (n as f64, a))).collect(),
            })
            .collect();
        let head = t.shots.iter().map(|k| view! { <th>{format!("k = {k}")}</th> }).collect_view();
        let lines = rows
            .iter()
            .map(|r| {
                // Whole percents in the cells (the table fits a 320 px phone), one decimal in
                // `data-acc` and the tooltip.
                let cells = r
                    .mean
                    .iter()
                    .zip(&t.shots)
                    .map(|(a, k)| view! {
                        <td data-testid="icl-size-cell" data-model=r.model.clone() data-k=k.to_string() data-acc=a.map(|v| format!("{v:.1}")).unwrap_or_default() title=a.map(|v| format!("{v:.1}%")).unwrap_or_default()>
                            {a.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "–".into())}
                        </td>
                    })
                    .collect_view();
                view! { <tr><th>{r.name.clone()}<br /><span class="muted">{format_count(r.parameters as f64)}</span></th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <figure class="chart"><Plot width=560.0 height=240.0 x=x y=y curves=curves testid="icl-size-chart" label=app.t(T::IclSizeTitle) /></figure>
            <table class="candidates icl-table" data-testid="icl-size-table" data-suite=language.get()>
                <thead><tr><td></td>{head}</tr></thead>
                <tbody>{lines}</tbody>
            </table>
        }
    };
    let note = format!("{} ({} {}, greedy):", app.t(T::IclSizeNote), table.queries, app.t(T::IclQueries));
    view! {
        <div class="panel" data-testid="icl-sizes">
            <h2>{move || app.t(T::IclSizeTitle)}</h2>
            <div class="presets" data-control="suite">
                <button class:active=move || language.get() == "zh" data-testid="icl-size-zh" on:click=move |_| language.set("zh")>"中文"</button>
                <button class:active=move || language.get() == "en" data-testid="icl-size-en" on:click=move |_| language.set("en")>"English"</button>
            </div>
            {body}
            <p class="figure">{note}" "<code>{table.command.clone()}</code></p>
        </div>
    }
    .into_any()
}
