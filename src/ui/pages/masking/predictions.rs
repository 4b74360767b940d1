//! The model's guesses: for every covered token, the top-10 softmax as bars (the original token
//! marked), the entropy and the original token's probability; the run's latency.

use leptos::prelude::*;

use super::Outcome;
use crate::task::masking::Cover;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// The prediction cards of one run. Each card of a covered token (not a typed `[MASK]`) has a box
/// to put a chosen token there instead (`on_replace` with the token index and the word);
/// `problem` is the message for a word that is not one token.
#[component]
pub fn Predictions(o: Outcome, runs: RwSignal<u64>, on_replace: Callback<(usize, String)>, problem: RwSignal<Option<(usize, String)>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let notices = view! {
        {o.all_covered.then(|| view! { <div class="message warn" data-testid="all-covered">{app.t(T::MaskAllCovered)}</div> })}
        {(o.unknown > 0).then(|| view! { <div class="message warn" data-testid="unknown">{format!("{} × [UNK]: {}", o.unknown, app.t(T::MaskUnknown))}</div> })}
    };
    let cards = o.predictions.iter().map(|p| {
        let head = match p.cover {
            Cover::Random => format!("#{} «{}» ← «{}» ({})", p.index, p.original, p.seen, app.t(T::MaskCoveredRandom)),
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
        // −ln p of the original token: the masked-LM loss at this position (f32 probabilities
        // underflow below ~1e-38, i.e. above 87 nats).
        let nll = p.original_prob.map(|pr| -(pr.max(f32::MIN_POSITIVE)).ln());
        let index = p.index;
        let typed = p.original == "[MASK]";
        view! {
            <div class="panel prediction-card" data-testid="prediction-card">
                <h3>{head}</h3>
                <ol class="bars">{bars}</ol>
                <p class="figure">{format!("{}: {:.2} bits", app.t(T::MaskEntropy), p.entropy_bits)}{original.map(|o| format!(" · {o}"))}</p>
                {nll.map(|l| view! {
                    <p class="figure" data-testid="nll" data-nll=format!("{l:.4}")>
                        {format!("−ln p(«{}») = {l:.2} · {}", p.original, app.t(T::MaskCrossEntropy))}
                    </p>
                })}
                {(!typed).then(|| view! {
                    <label class="replace">
                        <span>{app.t(T::MaskReplaceWith)}</span>
                        <input type="text" maxlength="40" placeholder=app.t(T::MaskReplaceHint) data-testid=format!("replace-{index}")
                               on:change=move |ev| on_replace.run((index, event_target_value(&ev))) />
                    </label>
                })}
                {move || problem.get().filter(|(i, _)| *i == index).map(|(_, why)| view! { <p class="message warn" role="status" data-testid="replace-problem">{why}</p> })}
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
