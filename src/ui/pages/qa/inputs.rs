//! The QA page's inputs: the model, preset questions, the question, the window length and the
//! document.

use leptos::prelude::*;

use super::{MAX_QUESTION_CHARS, WINDOWS};
use crate::assets::{QA_EN, QA_ZH};
use crate::runtime::qa::Preset;
use crate::task::qa::LoadedQa;
use crate::task::qa_windows::MAX_DOCUMENT_CHARS;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};

/// The inputs panel's contents.
#[component]
pub fn QaInputs(
    /// The model's manifest id.
    model: RwSignal<&'static str>,
    /// The QA models this build ships.
    available: RwSignal<Vec<&'static str>>,
    /// The model's preset questions.
    presets: RwSignal<Vec<Preset>>,
    /// The question.
    question: RwSignal<String>,
    /// The document.
    document: RwSignal<String>,
    /// The window length (`None`: the model's own).
    window: RwSignal<Option<usize>>,
    /// The gold answers of a preset (cleared when the user edits).
    gold: RwSignal<Option<Vec<String>>>,
    /// Called with the model the user picks.
    on_model: Callback<&'static str>,
    /// Called with the preset the user picks.
    on_preset: Callback<usize>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
                <div class="presets" data-control="model">
                    <span class="label">{move || app.t(T::ModelLabel)}</span>
                    <button class:active=move || model.get() == QA_ZH data-testid="qa-model-zh" on:click=move |_| on_model.run(QA_ZH)>{move || app.t(T::QaModelZh)}</button>
                    <button class:active=move || model.get() == QA_EN data-testid="qa-model-en" on:click=move |_| on_model.run(QA_EN)
                        disabled=move || !available.get().contains(&QA_EN)>{move || app.t(T::QaModelEn)}</button>
                    {move || (!available.get().contains(&QA_EN)).then(|| view! { <span class="hint">{app.t(T::QaEnNotYet)}</span> })}
                </div>
                <label class="presets wide" data-control="presets">
                    <span class="label">{move || app.t(T::QaPresets)}</span>
                    <select data-testid="qa-preset" on:change=move |ev| { if let Ok(i) = event_target_value(&ev).parse() { on_preset.run(i) } }>
                        <option value="">{move || app.t(T::QaPickPreset)}</option>
                        {move || presets.get().into_iter().enumerate().map(|(i, p)| view! { <option value=i.to_string()>{p.question}</option> }).collect_view()}
                    </select>
                </label>
                <label class="target wide" data-control="question"><span class="label">{move || app.t(T::QaQuestion)}</span>
                    <input type="text" maxlength=MAX_QUESTION_CHARS.to_string() data-testid="qa-question" prop:value=move || question.get()
                        on:change=move |ev| { gold.set(None); question.set(event_target_value(&ev)); } />
                </label>
                <label class="presets" data-control="window"><span class="label">{move || app.t(T::QaWindowLength)}</span>
                    <select data-testid="qa-window-length" on:change=move |ev| {
                        let w = event_target_value(&ev).parse::<usize>().ok();
                        set_url_param("win", w.map(|w| w.to_string()).as_deref(), false);
                        window.set(w);
                    }>
                        <option value="" selected=move || window.get().is_none()>{move || {
                            let _ = app.model_status(model.get()).get(); // re-read once the model has loaded
                            let own = app.model::<LoadedQa>(model.get()).map(|m| m.settings.max_len.to_string()).unwrap_or_default();
                            format!("{} ({own})", app.t(T::QaWindowOwn))
                        }}</option>
                        {WINDOWS.iter().map(|&w| view! { <option value=w.to_string() selected=move || window.get() == Some(w)>{format!("{w} {}", app.t(T::Tokens))}</option> }).collect_view()}
                    </select>
                </label>
                <label class="target wide" data-control="document"><span class="label">{move || app.t(T::QaDocument)}</span>
                    <textarea rows="6" data-testid="qa-document" prop:value=move || document.get()
                        on:change=move |ev| { gold.set(None); document.set(event_target_value(&ev)); }></textarea>
                    <span class="hint">{move || format!("{} / {MAX_DOCUMENT_CHARS} {}", document.get().chars().count(), app.t(T::QaChars))}</span>
                </label>
    }
}
