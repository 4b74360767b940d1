//! The model's real training: its loss curve and figures, from the model card.

use leptos::prelude::*;

use crate::ui::components::charts::LossCurve;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// The loss curve panel (or why there is none).
#[component]
pub fn CardCurve(card: RwSignal<Option<serde_json::Value>>, card_missing: RwSignal<bool>) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
            <div class="panel" data-control="curve">
                <h2>{move || app.t(T::MaskCurveTitle)}</h2>
                {move || card_missing.get().then(|| view! { <p class="hint" data-testid="card-missing">{app.t(T::MaskNoCard)}</p> })}
                {move || card.get().map(|c| {
                    let eval = &c["eval"];
                    let training = &c["training"];
                    let summary = format!(
                        "{}: {} · {} {} · {} {:.1}% / {:.1}% · {} {:.1}%",
                        app.t(T::MaskTokensSeen), training["tokens_seen"], training["steps"], app.t(T::MaskSteps),
                        app.t(T::MaskTop1Top5), eval["mlm_top1"].as_f64().unwrap_or(0.0) * 100.0, eval["mlm_top5"].as_f64().unwrap_or(0.0) * 100.0,
                        training["pair_task"].as_str().unwrap_or("").to_uppercase(), eval["pair_accuracy"].as_f64().unwrap_or(0.0) * 100.0
                    );
                    let points: Vec<(f64, Option<f64>, Option<f64>)> = c["curve"].as_array().map(|a| a.iter().map(|p| (
                        p["tokens"].as_f64().unwrap_or(0.0), p["train_mlm"].as_f64(), p["valid_mlm"].as_f64(),
                    )).collect()).unwrap_or_default();
                    view! {
                        <LossCurve points=points train_label=app.t(T::MaskTrainLoss).to_string() valid_label=app.t(T::MaskValidLoss).to_string() x_label=app.t(T::MaskTokensSeen).to_string() />
                        <p class="figure" data-testid="card-summary">{summary}</p>
                    }
                })}
            </div>
    }
}
