//! `/multilingual`: one BERT for Chinese and English (`mbert`), pretrained by fill-in-the-blank on
//! both languages at once with no parallel data (issue 26 §1–2). Four sections:
//! - **no mixing** ([`no_mixing`]): the blanks of a sentence in either language, every prediction
//!   marked by its language;
//! - **alignment** ([`alignment`]): do words of the same meaning get close vectors? The card's
//!   MRR per layer beside the random-init twin, and the nearest English words of a Chinese word,
//!   computed in the browser;
//! - **the language vector** ([`language_vector`]): mean(zh) − mean(en) added to an English
//!   sentence turns the predictions Chinese;
//! - **zero-shot transfer** ([`zero_shot`]): fine-tuned on English, tested on Chinese, from the
//!   fine-tuned models' cards beside the lecture's table.
//!
//! URL state: `text` (the masked sentence), `word` (the Chinese word whose neighbours are shown),
//! `layer`, `en` (the sentence the vector shifts), `s` (its strength).

mod alignment;
mod language_vector;
mod no_mixing;
mod zero_shot;

use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;

use crate::assets::{MBERT, MBERT_SMALL};
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::AppState;
use crate::ui::tasks::spawn_owned;

/// A file the page reads besides the weights: not read yet, read, or the reason it could not be.
pub type Loaded<V> = Option<Result<Arc<V>, String>>;

/// The multilingual page.
#[component]
pub fn Multilingual() -> impl IntoView {
    let app = expect_context::<AppState>();
    Effect::new(move |_| app.use_model(MBERT));
    let card = RwSignal::new(None::<Result<Arc<Value>, String>>);
    let demo = RwSignal::new(None::<Result<Arc<Vec<u8>>, String>>);
    // The smaller-data twin ships its card alone; until it does, the page says so.
    let small = RwSignal::new(None::<Option<Arc<Value>>>);
    spawn_owned(async move {
        small.set(Some(crate::runtime::load::family_card::<Value>(MBERT_SMALL).await.ok().map(|c| Arc::new((*c).clone()))));
    });
    spawn_owned(async move {
        card.set(Some(crate::runtime::load::family_card::<Value>(MBERT).await.map(|c| Arc::new((*c).clone()))));
        demo.set(Some(crate::runtime::load::family_file(MBERT, "demo.json", &|_| {}).await.map(|(bytes, _)| Arc::new(bytes))));
    });
    view! {
        <section class="page multilingual" data-testid="page-multilingual">
            <h1>{move || app.t(T::MlTitle)}</h1>
            <p class="lede">{move || app.t(T::MlLede)}</p>
            <ModelLoad key=Signal::derive(|| MBERT.to_string()) />
            <CardSummary card=card />
            <no_mixing::NoMixing card=card small=small />
            <alignment::Alignment card=card small=small demo=demo />
            <language_vector::LanguageVector card=card demo=demo />
            <zero_shot::ZeroShot />
        </section>
    }
}

/// What the model is, from its card: size, data per language, steps, hours.
#[component]
fn CardSummary(card: RwSignal<Loaded<Value>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || match card.get() {
        None => view! { <p class="hint" role="status">{app.t(T::BenchReading)}</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert" data-testid="card-error">{format!("{}: {e}", app.t(T::MlNoCard))}</p> }.into_any(),
        Some(Ok(c)) => {
            let num = |p: &str| c.pointer(p).and_then(Value::as_f64);
            let tokens: Vec<String> = c
                .pointer("/data")
                .and_then(Value::as_array)
                .map(|sources| {
                    let mut by: Vec<(String, f64)> = Vec::new();
                    for s in sources {
                        let lang = s.get("language").and_then(Value::as_str).unwrap_or("?").to_string();
                        let n = s.get("train_tokens").and_then(Value::as_f64).unwrap_or(0.0);
                        match by.iter_mut().find(|(l, _)| *l == lang) {
                            Some(e) => e.1 += n,
                            None => by.push((lang, n)),
                        }
                    }
                    by.into_iter().filter(|(_, n)| *n > 0.0).map(|(l, n)| format!("{l} {:.1}M", n / 1e6)).collect()
                })
                .unwrap_or_default();
            let text = format!(
                "{} {:.2}M · {} {} · {} {} · {} {:.1} h · {}",
                app.t(T::MlParameters),
                num("/parameters").unwrap_or(0.0) / 1e6,
                app.t(T::MlVocabulary),
                num("/vocabulary/size").map_or("?".to_string(), |v| format!("{v:.0}")),
                app.t(T::MlSteps),
                num("/training/steps").map_or("?".to_string(), |v| format!("{v:.0}")),
                app.t(T::MlTrained),
                num("/training/hours").unwrap_or(0.0),
                if tokens.is_empty() { String::new() } else { format!("{} {}", app.t(T::MlTrainingTokens), tokens.join(" + ")) },
            );
            view! { <p class="hint" data-testid="card-summary">{text}</p> }.into_any()
        }
    }
}

/// The smaller-data twin's card: not looked for yet (`None`), absent (`Some(None)`), or read.
pub type Small = RwSignal<Option<Option<Arc<Value>>>>;

/// The twin's name, "mbert, 25 % of the text", from its card's `data_share`.
pub fn twin_name(app: AppState, card: &Value) -> String {
    let share = card.get("data_share").and_then(Value::as_f64).unwrap_or(0.25);
    app.t(T::MlSmallTwin).replace("{}", &format!("{:.0} %", 100.0 * share))
}

/// The numbers of the array at `pointer` in `card` (none where it is missing).
pub fn numbers(card: &Value, pointer: &str) -> Vec<f64> {
    card.pointer(pointer).and_then(Value::as_array).map(|v| v.iter().filter_map(Value::as_f64).collect()).unwrap_or_default()
}

/// A card's name in a table head: "mbert, 25 % of the text · step 1,900" for the twin, the step
/// for both, from the card's `data_share` and `training.steps`.
pub fn model_head(app: AppState, card: &Value, twin: bool) -> String {
    let steps = card.pointer("/training/steps").and_then(Value::as_u64).map(|s| app.t(T::MlAtStep).replace("{}", &s.to_string()));
    let name = if twin { twin_name(app, card) } else { "mbert".to_string() };
    match steps {
        Some(s) => format!("{name} · {s}"),
        None => name,
    }
}

/// The language badge of a prediction: 中 / EN / –, with the language spelled out for screen readers.
pub fn badge(app: AppState, script: crate::task::multilingual::Script) -> impl IntoView {
    use crate::task::multilingual::Script;
    let (mark, name, class) = match script {
        Script::Chinese => ("中", app.t(T::MlChinese), "lang-badge zh"),
        Script::Latin => ("EN", app.t(T::MlEnglish), "lang-badge en"),
        Script::Neutral => ("–", app.t(T::MlNeither), "lang-badge none"),
    };
    view! { <span class=class title=name data-script=format!("{script:?}")><span aria-hidden="true">{mark}</span><span class="sr-only">{name}</span></span> }
}
