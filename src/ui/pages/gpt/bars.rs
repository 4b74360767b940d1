//! The next-token distribution as bars: the model's probability and, beside it, the probability
//! after temperature / top-k / top-p; a click on a bar appends that token.

use leptos::prelude::*;

use crate::task::gpt_generation::visible;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// One bar of the distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Token id.
    pub id: u32,
    /// Its text.
    pub text: String,
    /// The model's probability.
    pub prob: f32,
    /// The probability of being picked under the sampling settings (0: cut).
    pub pick: f32,
}

/// The bars and their legend.
#[component]
pub fn NextBars(
    /// The bars, most likely first.
    bars: RwSignal<Vec<Bar>>,
    /// Whether the model is running (bars cannot be clicked then).
    busy: RwSignal<bool>,
    /// Called with the clicked bar.
    on_pick: Callback<Bar>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let rows = move || {
        let list = bars.get();
        let max = list.iter().map(|b| b.prob.max(b.pick)).fold(0.0f32, f32::max).max(1e-6);
        let top = serde_json::to_string(&list.iter().map(|b| serde_json::json!({"text": b.text, "p": b.prob, "pick": b.pick})).collect::<Vec<_>>()).unwrap_or_default();
        let rows = list
            .into_iter()
            .map(|b| {
                let (w1, w2) = (100.0 * b.prob / max, 100.0 * b.pick / max);
                let title = format!("id {} · P {:.2}% · pick {:.2}%", b.id, b.prob * 100.0, b.pick * 100.0);
                let cut = b.pick == 0.0;
                let (label, prob, pick) = (visible(&b.text), format!("{:.1}%", b.prob * 100.0), if cut { "—".to_string() } else { format!("{:.1}%", b.pick * 100.0) });
                view! {
                    <button class="next-bar" class:cut=cut title=title data-testid="gpt-candidate" disabled=move || busy.get() on:click=move |_| on_pick.run(b.clone())>
                        <span class="tok">{label}</span>
                        <span class="bars"><span class="bar p" style:width=format!("{w1:.1}%")></span><span class="bar pick" style:width=format!("{w2:.1}%")></span></span>
                        <span class="num">{prob}</span>
                        <span class="num pick">{pick}</span>
                    </button>
                }
            })
            .collect_view();
        view! { <div class="next-bars" data-testid="gpt-distribution" data-top=top>{rows}</div> }
    };
    view! {
        <div class="panel">
            <h2>{move || app.t(T::GptNextTitle)}</h2>
            <p class="hint">{move || app.t(T::GptNextHint)}</p>
            {rows}
            <div class="legend">
                <span class="legend-item"><span class="swatch p"></span>{move || app.t(T::GptProbModel)}</span>
                <span class="legend-item"><span class="swatch pick"></span>{move || app.t(T::GptProbPick)}</span>
            </div>
        </div>
    }
}
