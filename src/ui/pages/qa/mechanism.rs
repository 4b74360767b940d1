//! "How it works" for one answer: the start and end vectors, the dot products with the chosen
//! tokens' hidden states, the top starts and ends with their softmax.

use leptos::prelude::*;

use crate::numeric::dot;
use crate::task::qa::{Mechanism, TokenScore};
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// "How it works" with the real numbers of this answer.
#[component]
pub fn MechanismPanel(m: Mechanism) -> impl IntoView {
    let app = expect_context::<AppState>();
    let preview = |v: &[f32]| format!("[{}, …] ({} {})", v.iter().take(6).map(|x| format!("{x:+.2}")).collect::<Vec<_>>().join(", "), v.len(), app.t(T::QaNumbers));
    let rows = |list: &[TokenScore], bias: f32| {
        list.iter()
            .enumerate()
            .map(|(i, t)| view! {
                <tr class:best=i == 0><td>{t.token.clone()}</td><td>{format!("{:+.3}", t.dot)}</td><td>{format!("{bias:+.3}")}</td><td>{format!("{:+.3}", t.logit)}</td><td>{format!("{:.1}%", t.prob * 100.0)}</td></tr>
            })
            .collect_view()
    };
    let start_dot = dot(&m.start_hidden, &m.start_vector);
    let end_dot = dot(&m.end_hidden, &m.end_vector);
    view! {
        <div class="panel explain mechanism" data-testid="qa-mechanism">
            <h2>{app.t(T::QaHowTitle)}</h2>
            <p>{app.t(T::QaHowText)}</p>
            <p class="vector"><b>{app.t(T::QaStartVector)}</b>" = "{preview(&m.start_vector)}</p>
            <p class="vector"><b>{app.t(T::QaEndVector)}</b>" = "{preview(&m.end_vector)}</p>
            <p class="vector">{format!("h(start) · s = {start_dot:+.3}; + b_s {:+.3} = {:+.3}", m.start_bias, start_dot + m.start_bias)}</p>
            <p class="vector">{format!("h(end) · e = {end_dot:+.3}; + b_e {:+.3} = {:+.3}", m.end_bias, end_dot + m.end_bias)}</p>
            <div class="matrices">
                <table class="candidates"><caption>{app.t(T::QaTopStarts)}</caption>
                    <thead><tr><th>{app.t(T::QaToken)}</th><th>"h·s"</th><th>"b"</th><th>{app.t(T::QaScore)}</th><th>"softmax"</th></tr></thead>
                    <tbody>{rows(&m.top_starts, m.start_bias)}</tbody></table>
                <table class="candidates"><caption>{app.t(T::QaTopEnds)}</caption>
                    <thead><tr><th>{app.t(T::QaToken)}</th><th>"h·e"</th><th>"b"</th><th>{app.t(T::QaScore)}</th><th>"softmax"</th></tr></thead>
                    <tbody>{rows(&m.top_ends, m.end_bias)}</tbody></table>
            </div>
            <p class="figure">{app.t(T::QaArgmax)}</p>
        </div>
    }
}
