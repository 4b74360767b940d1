//! "The language vector": mean(zh) − mean(en) of the last block's outputs (over held-out corpus
//! sentences, shipped with the model) added, times a strength, to an English sentence's last
//! hidden states before the masked-LM head. Each token's top predictions, marked by language, at
//! strength 0 and at the chosen one; the card's figures over the HSK gloss pairs beside them.

use leptos::prelude::*;
use serde_json::Value;

use super::{badge, Loaded};
use crate::assets::MBERT;
use crate::task::bert::LoadedPretraining;
use crate::task::multilingual::{shifted_predictions, Demo, Script, Shifted};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::tasks::Job;
use crate::ui::url::Rejected;

/// Longest sentence the box and the address take.
const MAX_CHARS: usize = 200;
/// Predictions shown per token.
const TOP: usize = 3;
/// Largest strength on the slider.
const MAX_STRENGTH: f32 = 4.0;
/// The sentence shifted first.
const DEFAULT: &str = "The teacher is reading a book in the classroom.";

/// The language-vector section.
#[component]
pub fn LanguageVector(card: RwSignal<Loaded<Value>>, demo: RwSignal<Loaded<Vec<u8>>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let text = RwSignal::new(app.url_text("en", MAX_CHARS).unwrap_or_else(|| DEFAULT.to_string()));
    let strength = RwSignal::new(
        app.url_check("s", |v| v.parse::<f32>().ok().filter(|s| (0.0..=MAX_STRENGTH).contains(s)).ok_or_else(|| Rejected::Unknown(crate::ui::url::shorten(v, 20)))).unwrap_or(1.0),
    );
    let result = RwSignal::new(None::<(Vec<Shifted>, Vec<Shifted>)>);
    let sentences = RwSignal::new(None::<(usize, usize)>);
    let error = RwSignal::new(None::<String>);
    let job = Job::new();
    let run = move || {
        let Some(m) = app.model::<LoadedPretraining>(MBERT) else { return };
        let Some(bytes) = demo.get_untracked() else { return };
        let (sentence, s) = (text.get_untracked(), strength.get_untracked());
        set_url_param("en", Some(&sentence), false);
        set_url_param("s", Some(&format!("{s}")), false);
        job.restart(async move {
            crate::task::yield_to_browser().await;
            let vector = match bytes.and_then(|b| Demo::parse(&b, m.config.hidden_size)).map(|d| d.language_vector) {
                Ok(Some(v)) => v,
                Ok(None) => return error.set(Some(app.t(T::MlNoVector).to_string())),
                Err(e) => return error.set(Some(e)),
            };
            sentences.set(Some(vector.sentences));
            if sentence.trim().is_empty() {
                result.set(None);
                return error.set(Some(app.t(T::MaskErrEmpty).to_string()));
            }
            // Without the vector and with it, from one forward pass.
            match shifted_predictions(&m, &sentence, &vector.vector, &[0.0, s], TOP).await {
                Ok(mut both) => {
                    let shifted = both.pop().unwrap_or_default();
                    error.set(None);
                    result.set(Some((both.pop().unwrap_or_default(), shifted)));
                }
                Err(e) => {
                    result.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    // Runs once the model and its vector are there, and again on every strength change.
    Effect::new(move |_| {
        strength.track();
        if matches!(app.model_status(MBERT).get(), ModelStatus::Ready(_)) && demo.get().is_some() {
            run();
        }
    });
    view! {
        <div class="panel" data-control="vector">
            <h2>{move || app.t(T::MlVecTitle)}</h2>
            <p>{move || app.t(T::MlVecExplain)}</p>
            <p class="hint">{move || sentences.get().map(|(zh, en)| format!("{} {zh} / {en}", app.t(T::MlVecSentences)))}</p>
            <label class="target wide">
                <span class="label">{move || app.t(T::MlVecSentence)}</span>
                <input type="text" lang="en" maxlength=MAX_CHARS.to_string() data-testid="vec-text" prop:value=move || text.get()
                       on:input=move |ev| text.set(event_target_value(&ev))
                       on:keydown=move |ev| if ev.key() == "Enter" { run() } />
            </label>
            <label class="target">
                <span class="label">{move || format!("{} {:.1}", app.t(T::MlStrength), strength.get())}</span>
                <input type="range" min="0" max=MAX_STRENGTH.to_string() step="0.5" data-testid="vec-strength" prop:value=move || strength.get().to_string()
                       on:input=move |ev| strength.set(event_target_value(&ev).parse().unwrap_or(1.0)) />
            </label>
            <div class="actions">
                <button class="primary" data-testid="vec-run" on:click=move |_| run()>{move || app.t(T::MlFill)}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="vec-error">{e}</p> })}
            {move || result.get().map(|(plain, shifted)| view! { <Tokens plain=plain shifted=shifted strength=strength.get_untracked() /> })}
            <CardRows card=card />
        </div>
    }
}

/// How many tokens' top prediction is Chinese.
fn chinese_top1(tokens: &[Shifted]) -> usize {
    tokens.iter().filter(|t| t.top.first().is_some_and(|p| Script::of(&p.0) == Script::Chinese)).count()
}

/// Each token with its top predictions without the vector and with it.
#[component]
fn Tokens(plain: Vec<Shifted>, shifted: Vec<Shifted>, strength: f32) -> impl IntoView {
    let app = expect_context::<AppState>();
    let (a, b, n) = (chinese_top1(&plain), chinese_top1(&shifted), shifted.len());
    let cell = move |t: &Shifted| {
        t.top
            .iter()
            .map(|(w, p)| view! { <span class="ml-pred" title=format!("{:.1} %", 100.0 * p)>{badge(app, Script::of(w))}{w.clone()}</span> })
            .collect_view()
    };
    let rows = plain
        .iter()
        .zip(&shifted)
        .enumerate()
        .map(|(i, (p, s))| view! {
            <tr data-testid=format!("vec-token-{i}") data-shifted-top=s.top.first().map(|t| t.0.clone())>
                <th scope="row" lang="en">{p.token.clone()}</th>
                <td>{cell(p)}</td>
                <td>{cell(s)}</td>
            </tr>
        })
        .collect_view();
    view! {
        <p class="ml-share" data-testid="vec-share" data-plain=a.to_string() data-shifted=b.to_string() data-total=n.to_string()>
            {format!("{}: {a} / {n} → {b} / {n} ({} {strength:.1})", app.t(T::MlVecChineseTop1), app.t(T::MlStrength))}
        </p>
        <div class="table-scroll" tabindex="0" role="region" aria-label=app.t(T::MlVecTitle)>
            <table class="ds-table ml-vec-table" data-testid="vec-table">
                <thead><tr><th scope="col">{app.t(T::MlToken)}</th><th scope="col">{format!("{} 0", app.t(T::MlStrength))}</th><th scope="col">{format!("{} {strength:.1}", app.t(T::MlStrength))}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The card's figures: at each strength, how often the English headword of an HSK gloss pair
/// decodes to its Chinese word's first character (top-1 / top-5), and how often to any Chinese.
#[component]
fn CardRows(card: RwSignal<Loaded<Value>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let Some(Ok(c)) = card.get() else { return None };
        let Some(v) = c.get("language_vector") else {
            return Some(view! { <p class="hint" data-testid="vec-card-missing">{app.t(T::MlNotMeasured)}</p> }.into_any());
        };
        let pairs = v.get("pairs").and_then(Value::as_u64).unwrap_or(0);
        let rows = v
            .get("rows")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let pct = |k: &str| r.get(k).and_then(Value::as_f64).map_or("–".to_string(), |x| format!("{:.1} %", 100.0 * x));
                view! {
                    <tr>
                        <th scope="row">{r.get("strength").and_then(Value::as_f64).map_or("?".to_string(), |s| format!("{s:.1}"))}</th>
                        <td class="num">{pct("chinese_top1")}</td>
                        <td class="num">{pct("top1")}</td>
                        <td class="num">{pct("top5")}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <div class="table-scroll">
                <table class="ds-table" data-testid="vec-card">
                    <caption>{format!("{} ({pairs} {})", app.t(T::MlVecCardCaption), app.t(T::MlPairs))}</caption>
                    <thead><tr><th scope="col">{app.t(T::MlStrength)}</th><th scope="col">{app.t(T::MlVecChineseTop1)}</th><th scope="col">{app.t(T::MlVecTranslationTop1)}</th><th scope="col">{app.t(T::MlVecTranslationTop5)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }.into_any())
    }
}
