//! The model's guesses: for every covered token, the top-10 softmax as bars (the original token
//! marked), the entropy and the original token's probability; the run's latency.

use leptos::prelude::*;

use super::Outcome;
use crate::task::masking::Cover;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// The prediction cards of one run.
#[component]
pub fn Predictions(o: Outcome, runs: RwSignal<u64>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let notices = view! {
        {o.all_covered.then(|| view! { <div class="message warn" data-testid="all-covered">{app.t(T::MaskAllCovered)}</div> })}
        {(o.unknown > 0).then(|| view! { <div class="message warn" data-testid="unknown">{format!("{} × [UNK]: {}", o.unknown, app.t(T::MaskUnknown))}</div> })}
    };
    let cards = o.predictions.iter().map(|p| {
        let head = match p.cover {
            Cover::Random => format!("#{} «{}» ← {}", p.index, p.original, app.t(T::MaskCoveredRandom)),
            _ if p.original == "[MASK]" => format!("#{} [MASK]", p.index),
            _ => format!("#{} «{}» ← [MASK]", p.index, p.original),
        };
        let bars = p.top.iter().enumerate().map(|(rank, (tok, pr))| {
            let hit = *tok == p.original;
            view! {
                <li class="bar-row" class:hit=hit data-testid="prediction">
                    <span class="bar-label">{tok.clone()}</span>
                    <span class="bar-track"><span class="bar-fill" style:width=format!("{:.1}%", pr * 100.0)></span></span>
                    <span class="bar-value">{format!("{:.1}%", pr * 100.0)}</span>
                    <span class="rank">{format!("{}", rank + 1)}</span>
                </li>
            }
        }).collect_view();
        let original = p.original_prob.map(|pr| format!("{} «{}»: {:.2}%", app.t(T::MaskOriginalProb), p.original, pr * 100.0));
        view! {
            <div class="panel prediction-card" data-testid="prediction-card">
                <h3>{head}</h3>
                <ol class="bars">{bars}</ol>
                <p class="figure">{format!("{}: {:.2} bits", app.t(T::MaskEntropy), p.entropy_bits)}{original.map(|o| format!(" · {o}"))}</p>
            </div>
        }
    }).collect_view();
    view! {
        {notices}
        <h2>{app.t(T::MaskPredTitle)}</h2>
        <div class="prediction-grid" data-testid="predictions">{cards}</div>
        <p class="figure" data-testid="fill-ms" data-runs=move || runs.get().to_string()>{format!("{}: {:.0} ms", app.t(T::MaskLatency), o.ms)}</p>
    }
}
