//! Pieces shared by the pages that run Sesame's own BERTs (masking, sentence pairs): which
//! model, the model switch, and the model's card.

use leptos::prelude::*;

use crate::assets::{BERT_EN, BERT_ZH};
use crate::ui::i18n::{Lang, T};
use crate::ui::state::AppState;
use crate::ui::tasks::spawn_owned;
use crate::ui::url::check_choice;

/// The model a page starts with: the URL's `m`, else the one matching the interface language.
pub fn initial_model(app: &AppState) -> &'static str {
    match app.url_check("m", |v| check_choice(v, &[BERT_ZH, BERT_EN])) {
        Some(id) => id,
        _ if app.lang.get_untracked() == Lang::En => BERT_EN,
        _ => BERT_ZH,
    }
}

/// The chosen model's card (`card.json`: loss curve, figures), fetched whenever the model
/// changes. The second signal is set when the model has no readable card (not in this build).
pub fn model_card(model: impl Into<Signal<&'static str>>) -> (RwSignal<Option<serde_json::Value>>, RwSignal<bool>) {
    let model: Signal<&'static str> = model.into();
    let card = RwSignal::new(None::<serde_json::Value>);
    let missing = RwSignal::new(false);
    Effect::new(move |_| {
        let id = model.get();
        card.set(None);
        missing.set(false);
        spawn_owned(async move {
            let mut found = None;
            if let Ok(entry) = crate::runtime::load::manifest_entry(id).await {
                // Through the model cache when the manifest lists the card (so it works offline).
                let bytes = match entry.file("card.json") {
                    Some(f) => crate::runtime::fetch::fetch_verified(&entry.path("card.json"), f, &|_| {}).await.ok().map(|b| b.0),
                    None => crate::runtime::fetch::fetch_text(&entry.path("card.json")).await.ok().map(String::into_bytes),
                };
                found = bytes.and_then(|b| serde_json::from_slice(&b).ok());
            }
            // A newer choice of model cancels this task (the effect ran again), so this is current.
            missing.set(found.is_none());
            card.set(found);
        });
    });
    (card, missing)
}

/// The Chinese / English model switch.
#[component]
pub fn ModelPicker(
    /// The chosen model id.
    model: RwSignal<&'static str>,
    /// Called with the id of the model clicked.
    on_pick: Callback<&'static str>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <div class="presets" data-control="model">
            <span class="label">{move || app.t(T::ModelLabel)}</span>
            <button class:active=move || model.get() == BERT_ZH data-testid="model-zh" on:click=move |_| on_pick.run(BERT_ZH)>{move || app.t(T::ModelZh)}</button>
            <button class:active=move || model.get() == BERT_EN data-testid="model-en" on:click=move |_| on_pick.run(BERT_EN)>{move || app.t(T::ModelEn)}</button>
        </div>
    }
}
