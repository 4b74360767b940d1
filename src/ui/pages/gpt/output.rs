//! What the model has read and written: the prompt, the continuation with a cursor while it runs,
//! every chosen token with its probability, and the speed of reading and decoding.

use leptos::prelude::*;

use crate::task::gpt_generation::visible;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// One chosen token.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    /// Its text.
    pub text: String,
    /// Its probability when it was chosen.
    pub prob: f32,
    /// How: `click`, `sample` or `greedy`.
    pub how: &'static str,
}

/// Reading and decoding times of a session.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Speed {
    /// Prompt tokens read and the milliseconds it took.
    pub read: (usize, f64),
    /// Tokens decoded and the milliseconds they took.
    pub decoded: (usize, f64),
}

/// Tokens per second.
fn per_second((n, ms): (usize, f64)) -> f64 {
    n as f64 / (ms / 1000.0).max(1e-6)
}

/// The output panel.
#[component]
pub fn Output(
    /// The prompt as the model read it.
    read_prompt: RwSignal<String>,
    /// The continuation.
    text: RwSignal<String>,
    /// Whether the model is running.
    busy: RwSignal<bool>,
    /// Every chosen token.
    chosen: RwSignal<Vec<Chosen>>,
    /// Reading and decoding figures, once the prompt is read.
    speed: RwSignal<Option<Speed>>,
    /// Tokens in the context, and the most it holds.
    context: RwSignal<(usize, usize)>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let chips = move || {
        chosen
            .get()
            .into_iter()
            .map(|c| {
                let title = format!("{} · P = {:.2}%", c.how, c.prob * 100.0);
                let hue = (c.prob.clamp(0.0, 1.0) * 120.0) as u32;
                view! { <span class="chosen" title=title style=format!("--hue:{hue}") data-testid="gpt-chosen"><span class="tok">{visible(&c.text)}</span><span class="p">{format!("{:.0}%", c.prob * 100.0)}</span></span> }
            })
            .collect_view()
    };
    let figure = move || {
        speed.get().map(|s| {
            let tokens = app.t(T::Tokens);
            let mut line = format!("{} {} {tokens} · {:.0} ms · {:.1} {tokens}/s", app.t(T::GptPromptRead), s.read.0, s.read.1, per_second(s.read));
            if s.decoded.0 > 0 {
                line += &format!(" · {} {} · {:.2} {tokens}/s", app.t(T::GptDecoded), s.decoded.0, per_second(s.decoded));
            }
            let (used, max) = context.get();
            line + &format!(" · {used} / {max} {tokens}")
        })
    };
    view! {
        <div class="panel" data-testid="gpt-output" data-text=move || text.get() data-busy=move || busy.get().to_string()>
            <p class="gpt-text" aria-live="polite" aria-busy=move || busy.get().to_string()><span class="prompt-text">{move || read_prompt.get()}</span><span class="made">{move || text.get()}</span>{move || busy.get().then_some(view! { <span class="cursor" aria-hidden="true">"▍"</span> })}</p>
            <div class="chosen-list">{chips}</div>
            <p class="figure" data-testid="gpt-speed"
                data-prompt-tps=move || speed.get().map(|s| format!("{:.2}", per_second(s.read))).unwrap_or_default()
                data-decode-tps=move || speed.get().filter(|s| s.decoded.0 > 0).map(|s| format!("{:.3}", per_second(s.decoded))).unwrap_or_default()
                data-decoded=move || speed.get().map(|s| s.decoded.0.to_string()).unwrap_or_default()>{figure}</p>
        </div>
    }
}
