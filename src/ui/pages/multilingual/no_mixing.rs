//! "No mixing": a sentence with blanks in either language; mbert's top predictions at each blank,
//! every one marked by its language, and the share in the sentence's own language, live and as
//! the card measured it over held-out text.

use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;

use super::{badge, model_head, twin_name, Loaded, Small};
use crate::assets::MBERT;
use crate::task::bert::LoadedPretraining;
use crate::task::fill_mask::{self, Prediction, Problem};
use crate::task::multilingual::{own_language, Script};
use crate::ui::components::charts::{LineChart, Series};
use crate::ui::i18n::{Lang, T};
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::tasks::Job;

/// Longest sentence the box and the address take.
const MAX_CHARS: usize = 300;
/// Predictions shown per blank.
const TOP: usize = 10;
/// The presets: Chinese (simplified), English and Chinese (traditional: the vocabulary has both
/// scripts, the corpus was read in both) sentences, each with a blank.
const PRESETS: [&str; 3] = ["今天天气很[MASK]，我们去公园散步吧。", "The weather is very [MASK] today, so we went to the park.", "我們明天去[MASK]京看朋友。"];

/// The no-mixing section.
#[component]
pub fn NoMixing(card: RwSignal<Loaded<Value>>, small: Small) -> impl IntoView {
    let app = expect_context::<AppState>();
    let first = match app.lang.get_untracked() {
        Lang::En => PRESETS[1],
        Lang::ZhHans => PRESETS[0],
        Lang::ZhHant => PRESETS[2],
    };
    let text = RwSignal::new(app.url_text("text", MAX_CHARS).unwrap_or_else(|| first.to_string()));
    let result = RwSignal::new(None::<(Script, Vec<Prediction>)>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(true);
    let job = Job::new();
    let run = move || {
        let Some(m) = app.model::<LoadedPretraining>(MBERT) else {
            pending.set(true);
            crate::runtime::registry::ensure(MBERT);
            return;
        };
        pending.set(false);
        let sentence = text.get_untracked();
        set_url_param("text", Some(&sentence), false);
        job.restart(async move {
            crate::task::yield_to_browser().await;
            match fill_mask::prepare(&m, &sentence, &[]) {
                Err(p) => {
                    result.set(None);
                    error.set(Some(problem_text(app, &p)));
                }
                Ok(p) => match fill_mask::run(&m, &p, TOP).await {
                    Ok(predictions) => {
                        error.set(None);
                        result.set(Some((Script::of_text(&sentence), predictions)));
                    }
                    Err(e) => error.set(Some(e)),
                },
            }
        });
    };
    Effect::new(move |_| {
        if matches!(app.model_status(MBERT).get(), ModelStatus::Ready(_)) && pending.get_untracked() {
            run();
        }
    });
    let pick = move |s: &str| {
        text.set(s.to_string());
        run();
    };
    view! {
        <div class="panel" data-control="mixing">
            <h2>{move || app.t(T::MlMixTitle)}</h2>
            <p>{move || app.t(T::MlMixExplain)}</p>
            <div class="presets">
                <span class="label">{move || app.t(T::CtxPresets)}</span>
                {PRESETS.iter().enumerate().map(|(i, &s)| view! { <button data-testid=format!("mix-preset-{i}") on:click=move |_| pick(s)>{s}</button> }).collect_view()}
            </div>
            <label class="target wide">
                <span class="label">{move || app.t(T::MlMixSentence)}</span>
                <input type="text" maxlength=MAX_CHARS.to_string() data-testid="mix-text" prop:value=move || text.get()
                       on:input=move |ev| text.set(event_target_value(&ev))
                       on:keydown=move |ev| if ev.key() == "Enter" { run() } />
            </label>
            <div class="actions">
                <button class="primary" data-testid="mix-run" disabled=move || matches!(app.model_status(MBERT).get(), ModelStatus::Loading(_)) on:click=move |_| run()>{move || app.t(T::MlFill)}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="mix-error">{e}</p> })}
            {move || result.get().map(|(own, predictions)| view! { <Blanks own=own predictions=predictions /> })}
            <HeldOut card=card small=small />
        </div>
    }
}

/// A problem with the sentence, in words.
fn problem_text(app: AppState, p: &Problem) -> String {
    match p {
        Problem::Empty => app.t(T::MaskErrEmpty).to_string(),
        Problem::NothingCovered => app.t(T::MlMixNoMask).to_string(),
        Problem::TooLong { tokens, window } => format!("{tokens} {} > {window}: {}", app.t(T::Tokens), app.t(T::MaskErrTooLong)),
        Problem::Tokenizer(e) => e.clone(),
    }
}

/// The predictions at each blank with their language badges, and the own-language share of the top 5.
#[component]
fn Blanks(own: Script, predictions: Vec<Prediction>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let top5: Vec<String> = predictions.iter().flat_map(|p| p.top.iter().take(5).map(|t| t.0.clone())).collect();
    let (mine, with_language) = own_language(&top5, own);
    let own_name = match own {
        Script::Chinese => app.t(T::MlChinese),
        Script::Latin => app.t(T::MlEnglish),
        Script::Neutral => app.t(T::MlNeither),
    };
    let blanks = predictions
        .into_iter()
        .enumerate()
        .map(|(b, p)| {
            let rows = p
                .top
                .into_iter()
                .map(|(token, prob)| {
                    let script = Script::of(&token);
                    view! {
                        <li data-script=format!("{script:?}")>
                            {badge(app, script)}
                            <span class="ml-token">{token}</span>
                            <span class="ml-bar"><span style=format!("width: {:.1}%", 100.0 * prob)></span></span>
                            <span class="ml-prob">{format!("{:.1} %", 100.0 * prob)}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="ml-blank" data-testid=format!("blank-{b}")>
                    <h3>{format!("{} {}", app.t(T::MlBlank), b + 1)}</h3>
                    <ol class="ml-top">{rows}</ol>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="ml-share" data-testid="mix-share" data-own=mine.to_string() data-total=with_language.to_string() data-language=format!("{own:?}")>
            {format!("{} ({own_name}): {mine} / {with_language}", app.t(T::MlOwnShare))}
        </p>
        <div class="ml-blanks">{blanks}</div>
    }
}

/// The steps of a card's validations, each with its per-language figures.
fn validations(card: &Value) -> Vec<(u64, Vec<Value>)> {
    card.pointer("/curve")
        .and_then(Value::as_array)
        .map(|curve| curve.iter().filter_map(|p| Some((p.get("step")?.as_u64()?, p.get("valid_languages")?.as_array()?.clone()))).collect())
        .unwrap_or_default()
}

/// The card's held-out figures per language: own-language share of the top 5, top-1 and top-5,
/// for mbert and (when its card has shipped) the smaller-data twin; and both runs' validations
/// as a chart over the steps.
#[component]
fn HeldOut(card: RwSignal<Loaded<Value>>, small: Small) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let c: Arc<Value> = card.get().and_then(Result::ok)?;
        let twin = small.get().flatten();
        let masked = c.pointer("/eval/masked_tokens").and_then(Value::as_u64).unwrap_or(0);
        let rows_of = |model: &Value, is_twin: bool| -> Vec<_> {
            let head = model_head(app, model, is_twin);
            model
                .pointer("/eval/by_language")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    let lang = r.get("language").and_then(Value::as_str).unwrap_or("?").to_string();
                    let pct = |k: &str| r.get(k).and_then(Value::as_f64).map_or("–".to_string(), |v| format!("{:.1} %", 100.0 * v));
                    let name = if lang == "zh" { app.t(T::MlChinese) } else { app.t(T::MlEnglish) };
                    let id = if is_twin { format!("heldout-small-{lang}") } else { format!("heldout-{lang}") };
                    view! {
                        <tr data-testid=id>
                            <th scope="row">{format!("{name} · {head}")}</th>
                            <td class="num" data-value=r.get("own_language_top5").and_then(Value::as_f64).map(|v| v.to_string())>{pct("own_language_top5")}</td>
                            <td class="num" data-value=r.get("top1").and_then(Value::as_f64).map(|v| v.to_string())>{pct("top1")}</td>
                            <td class="num">{pct("top5")}</td>
                        </tr>
                    }
                })
                .collect()
        };
        let mut body = rows_of(&c, false);
        if let Some(t) = &twin {
            body.extend(rows_of(t, true));
        }
        // The same figures at every validation of the run (and the twin's): when the languages
        // stopped mixing, and how much further the model with more text got.
        let points = validations(&c);
        let twin_points = twin.as_deref().map(validations).unwrap_or_default();
        let mut steps: Vec<u64> = points.iter().chain(&twin_points).map(|(s, _)| *s).collect();
        steps.sort_unstable();
        steps.dedup();
        let series_of = |pts: &[(u64, Vec<Value>)], lang: &str, key: &str| -> Vec<Option<f32>> {
            steps
                .iter()
                .map(|s| {
                    let (_, ls) = pts.iter().find(|(p, _)| p == s)?;
                    ls.iter().find(|l| l.get("language").and_then(Value::as_str) == Some(lang))?.get(key)?.as_f64().map(|v| v as f32)
                })
                .collect()
        };
        let mut series = vec![
            Series { name: format!("{} · {}", app.t(T::MlChinese), app.t(T::MlOwnShort)), color: "#D55E00", values: series_of(&points, "zh", "own_language_top5") },
            Series { name: format!("{} · {}", app.t(T::MlEnglish), app.t(T::MlOwnShort)), color: "#0072B2", values: series_of(&points, "en", "own_language_top5") },
            Series { name: format!("{} · top-5", app.t(T::MlChinese)), color: "#E69F00", values: series_of(&points, "zh", "top5") },
            Series { name: format!("{} · top-5", app.t(T::MlEnglish)), color: "#56B4E9", values: series_of(&points, "en", "top5") },
        ];
        if twin.is_some() {
            let tag = twin.as_deref().map(|t| twin_name(app, t)).unwrap_or_default();
            series.push(Series { name: format!("{} · top-5 · {tag}", app.t(T::MlChinese)), color: "#CC79A7", values: series_of(&twin_points, "zh", "top5") });
            series.push(Series { name: format!("{} · top-5 · {tag}", app.t(T::MlEnglish)), color: "#009E73", values: series_of(&twin_points, "en", "top5") });
        }
        let labels: Vec<String> = steps.iter().map(u64::to_string).collect();
        let curve = (steps.len() >= 2).then(|| {
            let last = points.last().and_then(|(s, _)| steps.iter().position(|x| x == s)).unwrap_or(steps.len() - 1);
            view! {
                <div data-testid="language-curve" data-points=points.len().to_string() data-twin-points=twin_points.len().to_string()>
                    <LineChart title=app.t(T::MlCurveTitle).to_string() x_labels=labels series=series highlight=last percent=true />
                </div>
            }
        });
        Some(view! {
            <div class="table-scroll">
                <table class="ds-table" data-testid="heldout">
                    <caption>{format!("{} ({masked} {})", app.t(T::MlHeldOutCaption), app.t(T::MlMaskedTokens))}</caption>
                    <thead><tr><td></td><th scope="col">{app.t(T::MlOwnShare)}</th><th scope="col">"top-1"</th><th scope="col">"top-5"</th></tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {curve}
        })
    }
}
