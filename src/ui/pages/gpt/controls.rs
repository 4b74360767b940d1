//! The GPT page's inputs: the model, example prompts, the prompt and chat mode; the sampling
//! sliders (temperature, top-k, top-p).

use leptos::prelude::*;

use crate::assets::{GEMMA3, GPT_ZH, SMOLLM2};
use crate::runtime::load::manifest_entry;
use crate::task::gpt::LoadedGpt;
use crate::task::gpt_generation::examples;
use crate::ui::i18n::T;
use crate::ui::pages::offline::models::mb;
use crate::ui::state::{AppState, ModelStatus};
use crate::ui::tasks::spawn_owned;

use super::MAX_PROMPT_CHARS;

/// Temperature (0 = greedy), top-k (0 = all) and top-p sliders.
#[component]
pub fn SamplingSliders(temperature: RwSignal<f32>, top_k: RwSignal<usize>, top_p: RwSignal<f32>) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <div class="sliders" data-control="sampling">
            <label>{move || format!("{} {:.2}{}", app.t(T::GptTemperature), temperature.get(), if temperature.get() == 0.0 { " (greedy)" } else { "" })}
                <input type="range" min="0" max="2" step="0.05" data-testid="gpt-temperature" prop:value=move || temperature.get().to_string() on:input=move |ev| temperature.set(event_target_value(&ev).parse().unwrap_or(0.8)) /></label>
            <label>{move || format!("top-k {}", if top_k.get() == 0 { "∞".to_string() } else { top_k.get().to_string() })}
                <input type="range" min="0" max="100" step="1" data-testid="gpt-top-k" prop:value=move || top_k.get().to_string() on:input=move |ev| top_k.set(event_target_value(&ev).parse().unwrap_or(40)) /></label>
            <label>{move || format!("top-p {:.2}", top_p.get())}
                <input type="range" min="0.05" max="1" step="0.05" data-testid="gpt-top-p" prop:value=move || top_p.get().to_string() on:input=move |ev| top_p.set(event_target_value(&ev).parse().unwrap_or(0.95)) /></label>
        </div>
    }
}

/// Model choice, example prompts, the prompt and the chat switch.
#[component]
pub fn PromptControls(
    /// The model's manifest id.
    model: RwSignal<&'static str>,
    /// The prompt as the user wrote it.
    prompt: RwSignal<String>,
    /// Chat mode (SmolLM2's template).
    chat: RwSignal<bool>,
    /// Whether the model is running.
    busy: RwSignal<bool>,
    /// Called with the model the user picks.
    on_switch: Callback<&'static str>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    // Gemma's download size, shown on its button before the reader picks it (from the manifest).
    let gemma_bytes = RwSignal::new(None::<u64>);
    spawn_owned(async move {
        if let Ok(entry) = manifest_entry(GEMMA3).await {
            gemma_bytes.try_set(Some(entry.total_bytes()));
        }
    });
    let terms = format!("assets/models/{GEMMA3}/v1/GEMMA_TERMS.html");
    view! {
                <div class="presets" data-control="model">
                    <span class="label">{move || app.t(T::ModelLabel)}</span>
                    <button class:active=move || model.get() == SMOLLM2 data-testid="gpt-model-smollm2" disabled=move || busy.get() on:click=move |_| on_switch.run(SMOLLM2)>"SmolLM2-135M-Instruct"</button>
                    <button class:active=move || model.get() == GEMMA3 data-testid="gpt-model-gemma3" disabled=move || busy.get() on:click=move |_| on_switch.run(GEMMA3)>
                        "Gemma 3 270M"{move || gemma_bytes.get().map(|b| view! { <span class="size" data-testid="gpt-gemma3-size">{format!(" · {}", mb(b as f64))}</span> })}</button>
                    <button class:active=move || model.get() == GPT_ZH data-testid="gpt-model-gpt-zh" disabled=move || busy.get() on:click=move |_| on_switch.run(GPT_ZH)>{move || app.t(T::GptModelZh)}</button>
                    {move || match app.model_status(model.get()).get() { ModelStatus::Ready(_) => app.model::<LoadedGpt>(model.get()).map(|g| view! { <span class="hint">{g.storage.clone()}</span> }), _ => None }}
                </div>
                {move || (model.get() == GPT_ZH).then(|| view! { <p class="hint" data-testid="gpt-zh-about">{app.t(T::GptZhAbout)}</p> })}
                {move || (model.get() == GEMMA3).then(|| view! {
                    <p class="hint" data-testid="gpt-gemma3-terms">{app.t(T::GemmaAbout)}" "
                        <a href=terms.clone() target="_blank" rel="noopener">{app.t(T::GemmaTerms)}</a></p>
                })}
                <div class="presets" data-control="examples">
                    <span class="label">{move || app.t(T::CtxPresets)}</span>
                    {move || examples(model.get()).iter().map(|&e| view! {
                        <button class:active=move || prompt.get() == e data-testid="gpt-example" disabled=move || busy.get() on:click=move |_| prompt.set(e.to_string())>{e}</button>
                    }).collect_view()}
                </div>
                <label class="target wide" data-control="prompt"><span class="label">{move || app.t(T::GptPrompt)}</span>
                    <textarea rows="3" maxlength=MAX_PROMPT_CHARS.to_string() data-testid="gpt-prompt" prop:value=move || prompt.get() on:change=move |ev| prompt.set(event_target_value(&ev))></textarea>
                </label>
                <label class="check" data-control="chat"><input type="checkbox" data-testid="gpt-chat" prop:checked=move || chat.get() disabled=move || model.get() != SMOLLM2 on:change=move |ev| chat.set(event_target_checked(&ev)) />
                    {move || app.t(T::GptChat)}</label>
    }
}
