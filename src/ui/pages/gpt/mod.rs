//! "GPT: next-token prediction": a prompt, the model's distribution over the next token as
//! bars (before and after temperature / top-k / top-p), click a bar to append that token or let
//! the model sample; every chosen token keeps its probability; tokens per second.
//!
//! The model's side of a session is [`crate::task::gpt_generation::Generation`]; the page's state
//! and actions are [`session::GptSession`]; this file lays them out.
//!
//! URL state: `m` (`smollm2-135m-instruct`, `gemma3-270m` or `gpt-zh`), `prompt`, `t` (temperature), `k`
//! (top-k), `pp` (top-p), `chat` (1: wrap the prompt in SmolLM2's chat template).

mod bars;
mod controls;
mod output;
mod session;

use leptos::prelude::*;

use crate::ui::components::progress::{Bar as ProgressBar, ModelLoad};
use crate::ui::i18n::T;
use crate::ui::state::AppState;
use bars::NextBars;
use controls::{PromptControls, SamplingSliders};
use output::Output;
use session::GptSession;

/// Longest prompt the page (and the address) takes, in characters.
const MAX_PROMPT_CHARS: usize = 4000;
/// Tokens one press of "Generate" makes at most.
const GENERATE_TOKENS: usize = 48;

/// The next-token page.
#[component]
pub fn Gpt() -> impl IntoView {
    let app = expect_context::<AppState>();
    let s = GptSession::new(app);
    let busy = s.busy;
    view! {
        <section class="page gpt" data-testid="page-gpt">
            <h1>{move || app.t(T::GptTitle)}</h1>
            <p class="lede">{move || app.t(T::GptLede)}</p>
            <div class="panel controls">
                <PromptControls model=s.model prompt=s.prompt chat=s.chat busy=busy on_switch=Callback::new(move |id| s.switch(id)) />
                <SamplingSliders temperature=s.temperature top_k=s.top_k top_p=s.top_p />
                <div class="presets">
                    <button data-testid="gpt-step" disabled=move || busy.get() on:click=move |ev| if !second_click(&ev) { s.generate(1) }>{move || app.t(T::GptStep)}</button>
                    <button data-testid="gpt-generate" disabled=move || busy.get() on:click=move |_| s.generate(GENERATE_TOKENS)>{move || format!("{} ({GENERATE_TOKENS})", app.t(T::GptGenerate))}</button>
                    <button data-testid="gpt-stop" disabled=move || !busy.get() on:click=move |_| s.stop()>{move || app.t(T::GptStop)}</button>
                    <button data-testid="gpt-reset" disabled=move || busy.get() on:click=move |_| s.start()>{move || app.t(T::GptReset)}</button>
                </div>
            </div>
            <ModelLoad key=Signal::derive(move || s.model.get().to_string()) />
            {move || s.prefill.get().map(|(done, total)| view! {
                <div data-testid="gpt-prefill"><ProgressBar label=Signal::derive(move || format!("{} {done} / {total} {}", app.t(T::GptPromptRead), app.t(T::Tokens))) fraction=Signal::derive(move || Some(done as f64 / total.max(1) as f64)) /></div>
            })}
            {move || s.problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="gpt-problem">{p}</div> })}
            <Output read_prompt=s.read_prompt text=s.text busy=busy chosen=s.chosen speed=s.speed context=s.context />
            <NextBars bars=s.bars busy=busy on_pick=Callback::new(move |bar| s.pick(bar)) />
            <div class="panel explain"><h2>{move || app.t(T::GptHowTitle)}</h2><p>{move || app.t(T::GptHowText)}</p></div>
        </section>
    }
}

/// Whether `ev` is the second click of a double click (`detail` counts the clicks; a key press
/// gives 0): a double-clicked "one token" makes one token, however fast that token came.
fn second_click(ev: &web_sys::MouseEvent) -> bool {
    js_sys::Reflect::get(ev, &"detail".into()).ok().and_then(|v| v.as_f64()).is_some_and(|d| d > 1.0)
}
