//! Pre-training vs random initialisation, from a fine-tuned model's card (QA, classifiers): both
//! fine-tuning runs' loss curves and their held-out figures.

use leptos::prelude::*;

use crate::ui::components::charts::{Axis, Curve, Mark, Plot};
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// Pre-training vs random initialisation: both fine-tuning runs' loss curves and held-out
/// figures (from the model's card: `runs[].curve`, `runs[].valid`).
#[component]
pub fn Comparison(
    /// The model's card.
    card: RwSignal<Option<serde_json::Value>>,
    /// Columns of the table: header and the key of `runs[].valid` (shown × `scale`, one decimal).
    metrics: Vec<(String, &'static str, f64)>,
    /// Explanation under the title.
    text: T,
    /// Test-id prefix: `PREFIX-comparison` on the panel, `PREFIX-run` on each row.
    testid: &'static str,
    /// The held-out set's size as "label count": the label and the key of the count in the card's `data`.
    held_out: (T, &'static str),
) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let card = card.get()?;
        let runs = card["runs"].as_array()?.clone();
        let curves: Vec<Curve> = runs
            .iter()
            .zip(["#2f5bd3", "#d9822b"])
            .map(|(r, colour)| Curve {
                name: init_label(&app, r).to_string(),
                mark: Mark::Line(colour, 1.8),
                points: r["curve"].as_array().into_iter().flatten().filter_map(|p| Some((p["step"].as_f64()?, p["train_loss"].as_f64()?))).collect(),
            })
            .collect();
        let xmax = curves.iter().flat_map(|c| c.points.iter().map(|p| p.0)).fold(1.0, f64::max);
        let ymax = curves.iter().flat_map(|c| c.points.iter().map(|p| p.1)).fold(0.0, f64::max).ceil().max(1.0);
        let (x, y) = (Axis::even(0.0, xmax, 4, |t| format!("{t:.0}")).titled(app.t(T::QaSteps).to_string()), Axis::even(0.0, ymax, 4, |t| format!("{t:.1}")));
        let table = runs
            .iter()
            .map(|r| {
                let cells = metrics.iter().map(|(_, key, scale)| view! { <td data-metric=*key>{format!("{:.1}", r["valid"][*key].as_f64().unwrap_or(f64::NAN) * scale)}</td> }).collect_view();
                view! { <tr data-testid=format!("{testid}-run") data-init=r["init"].as_str().unwrap_or("").to_string()><th scope="row">{init_label(&app, r)}</th>{cells}<td>{format!("{:.3}", r["final_train_loss"].as_f64().unwrap_or(f64::NAN))}</td><td>{r["steps"].to_string()}</td></tr> }
            })
            .collect_view();
        let count = card["data"][held_out.1].as_u64().unwrap_or(0);
        let heads = metrics.iter().map(|(h, _, _)| view! { <th scope="col">{h.clone()}</th> }).collect_view();
        Some(view! {
            <div class="panel" data-control="curve" data-testid=format!("{testid}-comparison")>
                <h2>{app.t(T::QaCompareTitle)}</h2>
                <p>{app.t(text)}</p>
                <figure class="chart loss-curve"><Plot width=560.0 height=240.0 x=x y=y curves=curves label=app.t(T::QaCompareTitle) /></figure>
                <table class="candidates">
                    <thead><tr><td></td>{heads}<th scope="col">{app.t(T::QaFinalLoss)}</th><th scope="col">{app.t(T::QaSteps)}</th></tr></thead>
                    <tbody>{table}</tbody>
                </table>
                <p class="figure">{format!("{} {count}", app.t(held_out.0))}</p>
            </div>
        })
    }
}

/// "Pre-trained" or "random initialisation", for a run of the card.
fn init_label(app: &AppState, run: &serde_json::Value) -> &'static str {
    app.t(if run["init"] == "pretrained" { T::QaPretrained } else { T::QaRandomInit })
}
