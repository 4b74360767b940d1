//! "Alignment": do a Chinese word and its English translation get close vectors in a model that
//! never saw a translation? The card's Mean Reciprocal Rank per layer (all HSK gloss pairs, the
//! shipped model beside its random-init twin and chance), and, computed in this browser over the
//! page's sample of pairs, a Chinese word's nearest English words at a chosen layer.

use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;

use super::{model_head, numbers, twin_name, Loaded, Small};
use crate::assets::MBERT;
use crate::task::bert::LoadedPretraining;
use crate::task::multilingual::{embed_pairs, Demo, Embedded};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::tasks::Job;
use crate::ui::url::Rejected;

/// A layer's name: "embeddings" for 0, else "layer 2" / "第 2 層".
fn layer_name(app: AppState, l: usize) -> String {
    if l == 0 {
        app.t(T::MlEmbeddings).to_string()
    } else {
        app.t(T::MlLayer).replace("{}", &l.to_string())
    }
}

/// A column's or a line's name, "mbert · " before it when the smaller-data twin is shown too (each
/// run has its own random start, so "random init" alone would not say whose).
fn mbert_s(twin_shown: bool, what: &str) -> String {
    if twin_shown { format!("mbert · {what}") } else { what.to_string() }
}

/// English neighbours shown.
const NEIGHBOURS: usize = 8;

/// The alignment section.
#[component]
pub fn Alignment(card: RwSignal<Loaded<Value>>, small: Small, demo: RwSignal<Loaded<Vec<u8>>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let asked_word = StoredValue::new(app.url_text("word", 16));
    let asked_layer = app.url_check("layer", |v| v.parse::<usize>().map_err(|_| Rejected::Unknown(crate::ui::url::shorten(v, 20))));
    let embedded = RwSignal::new(None::<Arc<Embedded>>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let error = RwSignal::new(None::<String>);
    let word = RwSignal::new(0usize);
    let licence = RwSignal::new(None::<String>);
    let layer = RwSignal::new(asked_layer.unwrap_or(usize::MAX));
    let job = Job::new();
    let embed = move || {
        let Some(m) = app.model::<LoadedPretraining>(MBERT) else {
            crate::runtime::registry::ensure(MBERT);
            return;
        };
        let bytes = match demo.get_untracked() {
            Some(Ok(b)) => b,
            Some(Err(e)) => return error.set(Some(e)),
            None => return,
        };
        job.restart(async move {
            error.set(None);
            let pairs = match Demo::parse(&bytes, m.config.hidden_size).map(|d| d.pairs) {
                Ok(Some(p)) if !p.pairs.is_empty() => {
                    licence.set(Some(p.licence));
                    p.pairs
                }
                Ok(_) => return error.set(Some(app.t(T::MlNoPairs).to_string())),
                Err(e) => return error.set(Some(e)),
            };
            progress.set(Some((0, 2 * pairs.len())));
            match embed_pairs(&m, &pairs, &|done, total| progress.set(Some((done, total)))).await {
                Ok(e) => {
                    let last = e.layers().saturating_sub(1);
                    if layer.get_untracked() > last {
                        if layer.get_untracked() != usize::MAX {
                            app.reject("layer", Rejected::Unknown(layer.get_untracked().to_string()));
                        }
                        layer.set(last);
                    }
                    if let Some(w) = asked_word.get_value() {
                        match e.pairs.iter().position(|p| p.zh == w) {
                            Some(i) => word.set(i),
                            None => app.reject("word", Rejected::Unknown(w)),
                        }
                    }
                    embedded.set(Some(Arc::new(e)));
                }
                Err(e) => error.set(Some(e)),
            }
            progress.set(None);
        });
    };
    // An address that names a word embeds the pairs as soon as the model and the pairs are there.
    Effect::new(move |_| {
        let ready = matches!(app.model_status(MBERT).get(), ModelStatus::Ready(_)) && demo.get().is_some();
        if ready && asked_word.get_value().is_some() && embedded.get_untracked().is_none() && progress.get_untracked().is_none() {
            embed();
        }
    });
    Effect::new(move |_| {
        if let Some(e) = embedded.get() {
            set_url_param("word", e.pairs.get(word.get()).map(|p| p.zh.as_str()), false);
            set_url_param("layer", Some(&layer.get().to_string()), false);
        }
    });
    view! {
        <div class="panel" data-control="alignment">
            <h2>{move || app.t(T::MlAlignTitle)}</h2>
            <p>{move || app.t(T::MlAlignExplain)}</p>
            <MrrTable card=card small=small />
            <MrrCurve card=card small=small />
            <h3>{move || app.t(T::MlAlignLiveTitle)}</h3>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="align-error">{e}</p> })}
            {move || match (embedded.get(), progress.get()) {
                (_, Some((done, total))) => view! {
                    <p role="status" data-testid="align-progress">{format!("{} {done} / {total}", app.t(T::MlEmbedding))}</p>
                    <progress max=total.to_string() value=done.to_string()></progress>
                }.into_any(),
                (None, None) => view! {
                    <button class="primary" data-testid="align-embed" disabled=move || !matches!(app.model_status(MBERT).get(), ModelStatus::Ready(_)) || demo.get().is_none() on:click=move |_| embed()>
                        {app.t(T::MlEmbed)}
                    </button>
                }.into_any(),
                (Some(e), None) => view! { <Neighbours embedded=e word=word layer=layer /> }.into_any(),
            }}
            {move || embedded.get().and(licence.get()).map(|l| view! { <p class="hint" data-testid="pairs-licence">{format!("{}: {l}", app.t(T::MlPairsSource))}</p> })}
        </div>
    }
}

/// The card's MRR per layer: the model, the smaller-data twin (from its own card, when it has
/// shipped), the random-init twin and chance, as bars in a table.
#[component]
fn MrrTable(card: RwSignal<Loaded<Value>>, small: Small) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let Some(Ok(c)) = card.get() else { return None };
        let twin = small.get().flatten();
        let Some(a) = c.get("alignment") else {
            return Some(view! { <p class="hint" data-testid="mrr-missing">{app.t(T::MlNotMeasured)}</p> }.into_any());
        };
        let list = |k: &str| numbers(a, &format!("/{k}"));
        let (mrr, random, chance) = (list("mrr"), list("random_mrr"), a.get("chance").and_then(Value::as_f64).unwrap_or(0.0));
        let centred = list("mrr_centered");
        let small_mrr: Option<Vec<f64>> = twin.as_deref().map(|t| numbers(t, "/alignment/mrr"));
        // The twin trained its own vocabulary, so its untrained start is its own: its ratio is to that.
        let small_random: Vec<f64> = twin.as_deref().map(|t| numbers(t, "/alignment/random_mrr")).unwrap_or_default();
        let top = mrr.iter().chain(&random).chain(small_mrr.iter().flatten()).cloned().fold(chance, f64::max).max(1e-9);
        let bar = |v: f64, class: &'static str| view! {
            <span class="bench-track"><span class=format!("bench-fill {class}") style=format!("width: {:.1}%", 100.0 * v / top)></span></span>
            <span class="bench-num">{format!("{v:.4}")}</span>
        };
        let rows = mrr
            .iter()
            .zip(&random)
            .enumerate()
            .map(|(l, (&m, &r))| view! {
                <tr data-testid=format!("mrr-layer-{l}") data-mrr=m.to_string() data-random=r.to_string()>
                    <th scope="row">{layer_name(app, l)}</th>
                    <td class="ml-mrr">{bar(m, "pretrained")}</td>
                    {small_mrr.as_ref().map(|s| match s.get(l) {
                        Some(&v) => view! {
                            <td class="ml-mrr" data-testid=format!("mrr-small-{l}") data-value=v.to_string()>
                                {bar(v, "small")}
                                {small_random.get(l).map(|&r| view! {
                                    <span class="ml-own-random" data-testid=format!("mrr-small-ratio-{l}") data-random=r.to_string()>
                                        {format!("{:.2}× · {} {r:.4}", v / r.max(1e-12), app.t(T::MlOwnRandom))}
                                    </span>
                                })}
                            </td>
                        }.into_any(),
                        None => view! { <td class="num missing" data-testid=format!("mrr-small-{l}") data-missing="true">"–"</td> }.into_any(),
                    })}
                    <td class="ml-mrr">{bar(r, "random")}</td>
                    <td class="num">{format!("{:.2}×", m / r.max(1e-12))}</td>
                    <td class="num" data-testid=format!("mrr-centred-{l}")>{centred.get(l).map_or("–".to_string(), |c| format!("{c:.4}"))}</td>
                </tr>
            })
            .collect_view();
        let caption = format!(
            "{} · {} {} · {} {} · {} {chance:.4}",
            app.t(T::MlMrrCaption),
            a.get("pairs").and_then(Value::as_u64).unwrap_or(0),
            app.t(T::MlPairs),
            a.get("candidates").and_then(Value::as_u64).unwrap_or(0),
            app.t(T::MlCandidates),
            app.t(T::MlChance),
        );
        Some(view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label=app.t(T::MlMrrCaption)>
                <table class="ds-table ml-mrr-table" data-testid="mrr-table" data-chance=chance.to_string()>
                    <caption>{caption}</caption>
                    <thead><tr><td></td><th scope="col">{model_head(app, &c, false)}</th>{twin.as_ref().map(|t| view! { <th scope="col" data-testid="mrr-small-head">{model_head(app, t, true)}</th> })}<th scope="col">{mbert_s(twin.is_some(), app.t(T::BenchRandom))}</th><th scope="col">{mbert_s(twin.is_some(), app.t(T::MlRatio))}</th><th scope="col">{app.t(T::MlCentred)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="hint">{app.t(T::MlRandomHint)}</p>
            {twin.is_some().then(|| view! { <p class="hint" data-testid="small-random-hint">{app.t(T::MlOwnRandomHint)}</p> })}
            {matches!(small.get(), Some(None)).then(|| view! { <p class="hint" data-testid="small-missing">{app.t(T::MlSmallMissing)}</p> })}
        }.into_any())
    }
}

/// A card's alignment during pretraining: `(step, MRR at the best layer)` at each validation
/// that measured it (`curve[].alignment_mrr`).
fn mrr_points(card: &Value) -> Vec<(f64, f64)> {
    card.pointer("/curve")
        .and_then(Value::as_array)
        .map(|curve| {
            curve
                .iter()
                .filter_map(|p| {
                    let best = numbers(p, "/alignment_mrr").into_iter().fold(f64::NAN, f64::max);
                    Some((p.get("step")?.as_f64()?, best)).filter(|(_, b)| b.is_finite())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// MRR at the best layer over the steps of pretraining, for mbert and the smaller-data twin,
/// with the random-init twin's best layer and random guessing as flat lines: the lecture's "it
/// needs data" as the runs measured it. Drawn once a run has two measured validations.
#[component]
fn MrrCurve(card: RwSignal<Loaded<Value>>, small: Small) -> impl IntoView {
    use crate::ui::components::charts::{Axis, Curve, Mark, Plot};
    let app = expect_context::<AppState>();
    move || {
        let c = card.get().and_then(Result::ok)?;
        let twin = small.get().flatten();
        let full = mrr_points(&c);
        let less = twin.as_deref().map(mrr_points).unwrap_or_default();
        if full.len().max(less.len()) < 2 {
            return None;
        }
        // A card's best layer of one alignment list (`mrr`, `random_mrr`).
        let best_of = |card: &Value, key: &str| Some(numbers(card, &format!("/alignment/{key}")).into_iter().fold(f64::NAN, f64::max)).filter(|v| v.is_finite());
        let best = |key: &str| best_of(&c, key);
        let chance = c.pointer("/alignment/chance").and_then(Value::as_f64);
        let last = full.iter().chain(&less).map(|p| p.0).fold(0.0, f64::max).max(1.0);
        let first = full.iter().chain(&less).map(|p| p.0).fold(f64::INFINITY, f64::min).min(last);
        let twin_random = twin.as_deref().and_then(|t| best_of(t, "random_mrr"));
        let top = full.iter().chain(&less).map(|p| p.1).chain(best("random_mrr")).chain(twin_random).fold(0.0, f64::max).max(1e-6) * 1.15;
        let mut curves = Vec::new();
        if let Some(r) = best("random_mrr") {
            let name = mbert_s(twin.is_some(), &format!("{} ({})", app.t(T::BenchRandom), app.t(T::MlBestLayer)));
            curves.push(Curve { name, mark: Mark::Line("#999999", 1.5), points: vec![(first, r), (last, r)] });
        }
        if let Some(ch) = chance {
            curves.push(Curve { name: app.t(T::MlChance).to_string(), mark: Mark::Line("#CCCCCC", 1.0), points: vec![(first, ch), (last, ch)] });
        }
        if !full.is_empty() {
            curves.push(Curve { name: "mbert".into(), mark: Mark::Line("#0072B2", 2.0), points: full.clone() });
        }
        if let Some(t) = twin.as_ref().filter(|_| !less.is_empty()) {
            if let Some(r) = twin_random {
                let name = format!("{} · {} ({})", twin_name(app, t), app.t(T::BenchRandom), app.t(T::MlBestLayer));
                curves.push(Curve { name, mark: Mark::Line("#B9DDF2", 1.5), points: vec![(first, r), (last, r)] });
            }
            curves.push(Curve { name: twin_name(app, t), mark: Mark::Line("#56B4E9", 2.0), points: less.clone() });
        }
        let x = Axis::even(first, last, 4, |v| format!("{v:.0}")).titled(app.t(T::MlStep).to_string());
        let y = Axis::even(0.0, top, 4, |v| format!("{v:.3}"));
        Some(view! {
            <figure class="chart loss-curve" data-testid="mrr-curve" data-points=full.len().to_string() data-twin-points=less.len().to_string()>
                <figcaption>{app.t(T::MlMrrCurveTitle)}</figcaption>
                <Plot width=560.0 height=240.0 x=x y=y curves=curves testid="mrr-curve-plot" label=app.t(T::MlMrrCurveTitle) />
            </figure>
        })
    }
}

/// A Chinese word (its sentence, the word marked), a layer, and its nearest English words.
#[component]
fn Neighbours(embedded: Arc<Embedded>, word: RwSignal<usize>, layer: RwSignal<usize>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let last = embedded.layers().saturating_sub(1);
    let live = embedded.mrr_per_layer();
    let chance = embedded.chance();
    let e = embedded.clone();
    let options = embedded.pairs.iter().enumerate().map(|(i, p)| view! { <option value=i.to_string() selected=move || word.get() == i>{p.zh.clone()}</option> }).collect_view();
    let shown = move || {
        let i = word.get().min(e.pairs.len().saturating_sub(1));
        let l = layer.get().min(last);
        let p = &e.pairs[i];
        let chars: Vec<char> = p.chinese.chars().collect();
        let (a, b) = (p.zh_span.0.min(chars.len()), p.zh_span.1.min(chars.len()));
        let (near, rank) = e.nearest(i, l, NEIGHBOURS);
        let list = near
            .into_iter()
            .map(|(w, cos, right)| view! { <li class:right=right data-right=right.to_string()><span class="ml-token">{w}</span><span class="ml-prob">{format!("{cos:.3}")}</span>{right.then(|| view! { <span class="ml-right">{" ✓"}</span> })}</li> })
            .collect_view();
        view! {
            <p class="ml-sentence" lang="zh">{chars[..a].iter().collect::<String>()}<mark>{chars[a..b].iter().collect::<String>()}</mark>{chars[b..].iter().collect::<String>()}</p>
            <p class="hint" lang="en">{p.english.clone()}</p>
            <p data-testid="align-rank" data-rank=rank.to_string()>{format!("{} «{}»: {rank} / {}", app.t(T::MlRankOf), p.en, e.candidates.len())}</p>
            <ol class="ml-top ml-near" data-testid="align-neighbours">{list}</ol>
        }
    };
    let live_rows = live
        .iter()
        .enumerate()
        .map(|(l, m)| view! { <td class="num" data-testid=format!("live-mrr-{l}") data-value=m.to_string()>{format!("{m:.3}")}</td> })
        .collect_view();
    let heads = (0..live.len()).map(|l| view! { <th scope="col">{if l == 0 { app.t(T::MlEmbeddings).to_string() } else { l.to_string() }}</th> }).collect_view();
    view! {
        <div class="ml-controls">
            <label>
                <span class="label">{app.t(T::MlWord)}</span>
                <select data-testid="align-word" on:change=move |ev| word.set(event_target_value(&ev).parse().unwrap_or(0))>{options}</select>
            </label>
            <label>
                <span class="label">{move || layer_name(app, layer.get().min(last))}</span>
                <input type="range" min="0" max=last.to_string() step="1" data-testid="align-layer" prop:value=move || layer.get().min(last).to_string()
                       on:input=move |ev| layer.set(event_target_value(&ev).parse().unwrap_or(last)) />
            </label>
        </div>
        {shown}
        <div class="table-scroll">
            <table class="ds-table" data-testid="live-mrr" data-chance=chance.to_string()>
                <caption>{format!("{} · {} {} · {} {} · {} {chance:.3}", app.t(T::MlLiveMrr), embedded.pairs.len(), app.t(T::MlPairs), embedded.candidates.len(), app.t(T::MlCandidates), app.t(T::MlChance))}</caption>
                <thead><tr><td></td>{heads}</tr></thead>
                <tbody><tr><th scope="row">"MRR"</th>{live_rows}</tr></tbody>
            </table>
        </div>
    }
}
