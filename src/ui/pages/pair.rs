//! "Next sentence / sentence order": `[CLS] A [SEP] B [SEP]` → the probability that B follows A,
//! from three heads on one encoder — the NSP and SOP heads trained side by side on the frozen
//! encoder, and the encoder's own pretraining head — with example pairs that are consecutive,
//! swapped and random, and every head's held-out accuracy on NSP pairs and on SOP pairs.
//!
//! URL state: `m` (bert-zh / bert-en), `a`, `b`.

use leptos::prelude::*;

use crate::runtime::load::now_ms;
use crate::task::bert::LoadedPretraining;
use crate::ui::tasks::spawn_owned;
use crate::assets::pair_heads_of;
use crate::task::pair::{self, example, examples, LoadedPairHeads, PairKind, PairVerdicts, Problem};
use crate::ui::components::pretrained::{initial_model, model_card, ModelPicker};
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};

/// The longest sentence each box (and the address) takes.
const MAX_SENTENCE_CHARS: usize = 2000;

/// The sentence-pair page.
#[component]
pub fn Pair() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(initial_model(&app));
    let first = examples(model.get_untracked())[0];
    let (url_a, url_b) = (app.url_text("a", MAX_SENTENCE_CHARS), app.url_text("b", MAX_SENTENCE_CHARS));
    // `None`: the user typed the pair.
    let kind = RwSignal::new((url_a.is_none() && url_b.is_none()).then_some(PairKind::Consecutive));
    let a = RwSignal::new(url_a.unwrap_or_else(|| first.0.to_string()));
    let b = RwSignal::new(url_b.unwrap_or_else(|| first.1.to_string()));
    let which = StoredValue::new(0usize);
    let result = RwSignal::new(None::<(PairVerdicts, Vec<(String, u32)>, f64)>);
    let problem = RwSignal::new(None::<Problem>);
    let error = RwSignal::new(None::<String>);
    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));
    // The NSP and SOP heads sit on the same encoder; the page runs without them while they load
    // (or if they fail), with the encoder's own head only.
    let heads_id = Signal::derive(move || pair_heads_of(model.get()).unwrap_or_default());
    let heads_status = move || app.model_status(heads_id.get()).get();
    Effect::new(move |_| app.use_model(heads_id.get()));
    let (heads_card, _) = model_card(heads_id);
    // The card says which pair task the head learned and how well it does on held-out pairs.
    let (card, _) = model_card(model);
    let head_accuracy = move || {
        card.get().and_then(|c| {
            let task = c["training"]["pair_task"].as_str()?.to_uppercase();
            let acc = c["eval"]["pair_accuracy"].as_f64()?;
            Some(format!("{}: {task} {:.1}% ({})", app.t(T::PairHeldOut), acc * 100.0, app.t(T::PairChance)))
        })
    };

    Effect::new(move |_| {
        let (id, ta, tb) = (model.get(), a.get(), b.get());
        if !matches!(status(), ModelStatus::Ready(_)) {
            return;
        }
        let Some(m) = app.model::<LoadedPretraining>(id) else { return };
        let heads = match heads_status() {
            ModelStatus::Ready(_) => app.model::<LoadedPairHeads>(heads_id.get_untracked()),
            _ => None,
        };
        set_url_param("m", Some(id), false);
        set_url_param("a", Some(&ta), false);
        set_url_param("b", Some(&tb), false);
        match pair::prepare(&m, &ta, &tb) {
            Err(p) => {
                problem.set(Some(p));
                result.set(None);
            }
            Ok(enc) => {
                problem.set(None);
                spawn_owned(async move {
                    let start = now_ms();
                    match pair::run(&m, heads.as_deref(), &enc).await {
                        Ok(p) => {
                            error.set(None);
                            let chips = enc.tokens.iter().cloned().zip(enc.type_ids.iter().copied()).collect();
                            result.set(Some((p, chips, now_ms() - start)));
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        }
    });

    let load = move |k: PairKind| {
        let (x, y) = example(model.get_untracked(), k, which.get_value());
        a.set(x.into());
        b.set(y.into());
        kind.set(Some(k));
    };
    let set_model = move |id: &'static str| {
        model.set(id);
        which.set_value(0);
        load(PairKind::Consecutive);
    };

    let problem_text = move |p: &Problem| match p {
        Problem::Empty => app.t(T::PairErrEmpty).to_string(),
        Problem::TooLong { tokens, window } => format!("{tokens} {} > {window}: {}", app.t(T::Tokens), app.t(T::MaskErrTooLong)),
        Problem::Tokenizer(e) => e.clone(),
    };

    view! {
        <section class="page pair" data-testid="page-pair">
            <h1>{move || app.t(T::PairTitle)}</h1>
            <p class="lede">{move || app.t(T::PairLede)}</p>
            <div class="panel controls">
                <ModelPicker model=model on_pick=Callback::new(set_model) />
                <div class="presets" data-control="presets">
                    <span class="label">{move || app.t(T::CtxPresets)}</span>
                    <button class:active=move || kind.get() == Some(PairKind::Consecutive) data-testid="pair-consecutive" on:click=move |_| load(PairKind::Consecutive)>{move || app.t(T::PairConsecutive)}</button>
                    <button class:active=move || kind.get() == Some(PairKind::Swapped) data-testid="pair-swapped" on:click=move |_| load(PairKind::Swapped)>{move || app.t(T::PairSwapped)}</button>
                    <button class:active=move || kind.get() == Some(PairKind::Random) data-testid="pair-random" on:click=move |_| load(PairKind::Random)>{move || app.t(T::PairRandom)}</button>
                    <button data-testid="pair-next" on:click=move |_| { which.update_value(|w| *w += 1); load(kind.get_untracked().unwrap_or(PairKind::Consecutive)); }>{move || app.t(T::PairNext)}</button>
                </div>
                <label class="target wide" data-control="inputs"><span class="label">"A"</span>
                    <input type="text" maxlength=MAX_SENTENCE_CHARS.to_string() data-testid="pair-a" prop:value=move || a.get() on:change=move |ev| { kind.set(None); a.set(event_target_value(&ev)); } />
                </label>
                <label class="target wide" data-control="inputs"><span class="label">"B"</span>
                    <input type="text" maxlength=MAX_SENTENCE_CHARS.to_string() data-testid="pair-b" prop:value=move || b.get() on:change=move |ev| { kind.set(None); b.set(event_target_value(&ev)); } />
                </label>
            </div>

            <ModelLoad key=Signal::derive(move || model.get().to_string()) />
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="pair-problem">{problem_text(&p)}</div> })}
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}

            {move || match heads_status() {
                ModelStatus::Failed(e) => Some(view! { <div class="message warn" role="status" data-testid="pair-heads-error">{format!("{}: {e}", app.t(T::PairHeadsMissing))}</div> }),
                _ => None,
            }}
            {move || result.get().map(|(v, chips, ms)| {
                let chips = chips.into_iter().map(|(t, seg)| {
                    let class = if t == "[CLS]" || t == "[SEP]" { "chip special" } else if seg == 0 { "chip seg-a" } else { "chip seg-b" };
                    view! { <span class=class>{t}</span> }
                }).collect_view();
                let p = v.own;
                let verdict = if p >= 0.5 { app.t(T::PairVerdictYes) } else { app.t(T::PairVerdictNo) };
                let logits = v.logits.iter().map(|x| format!("{x:.6}")).collect::<Vec<_>>().join(",");
                let rows = [(T::PairHeadNsp, T::PairAskNsp, "nsp", v.nsp), (T::PairHeadSop, T::PairAskSop, "sop", v.sop)]
                    .into_iter()
                    .filter_map(|(name, ask, key, prob)| prob.map(|q| view! {
                        <div class="pair-meter head" data-testid=format!("pair-head-{key}") data-prob=format!("{q:.4}")>
                            <span class="bar-label"><strong>{app.t(name)}</strong><br /><small>{app.t(ask)}</small></span>
                            <span class="bar-track big"><span class="bar-fill" style:width=format!("{:.1}%", q * 100.0)></span></span>
                            <span class="bar-value">{format!("{:.1}%", q * 100.0)}</span>
                        </div>
                    }))
                    .collect_view();
                view! {
                    <div class="panel" data-testid="pair-verdicts" data-logits=logits>
                        <div class="chips small">{chips}</div>
                        {rows}
                        <div class="pair-meter head" role="status" data-testid="pair-result" data-prob=format!("{p:.4}")>
                            <span class="bar-label"><strong>{app.t(T::PairHeadOwn)}</strong><br /><small>{app.t(T::PairProb)}</small></span>
                            <span class="bar-track big"><span class="bar-fill" style:width=format!("{:.1}%", p * 100.0)></span></span>
                            <span class="bar-value">{format!("{:.1}%", p * 100.0)}</span>
                        </div>
                        <p class="verdict">{verdict}</p>
                        <p class="figure">{format!("{}: {ms:.0} ms", app.t(T::MaskLatency))}</p>
                    </div>
                }
            })}
            {move || heads_card.get().and_then(|c| held_out_table(app, &c))}
            <div class="panel explain">
                <p>{move || app.t(T::PairExplain)}</p>
                {move || head_accuracy().map(|line| view! { <p class="figure" data-testid="pair-head-accuracy">{line}</p> })}
            </div>
        </section>
    }
}

/// Every head's held-out accuracy on NSP pairs and on SOP pairs (from the heads' card), and what
/// it shows: a head that only checks whether A and B share a topic passes NSP and fails SOP.
fn held_out_table(app: AppState, card: &serde_json::Value) -> Option<impl IntoView> {
    let rows = card["held_out"].as_array()?;
    let acc = |head: &str, set: &str| rows.iter().find(|r| r["head"] == head).and_then(|r| r[set]["accuracy"].as_f64());
    let (nsp_nsp, nsp_sop) = (acc("nsp", "nsp_pairs")?, acc("nsp", "sop_pairs")?);
    let sop_sop = acc("sop", "sop_pairs")?;
    let cell = |x: Option<f64>| x.map(|a| format!("{:.1}%", a * 100.0)).unwrap_or_else(|| "–".into());
    let body = [("nsp", T::PairHeadNsp), ("sop", T::PairHeadSop), ("pretraining", T::PairHeadOwn)]
        .into_iter()
        .map(|(key, name)| {
            let (n, o) = (acc(key, "nsp_pairs"), acc(key, "sop_pairs"));
            view! {
                <tr data-testid=format!("pair-acc-{key}") data-nsp=n.map(|a| a.to_string()).unwrap_or_default() data-sop=o.map(|a| a.to_string()).unwrap_or_default()>
                    <th scope="row">{app.t(name)}</th><td class="num">{cell(n)}</td><td class="num">{cell(o)}</td>
                </tr>
            }
        })
        .collect_view();
    let pairs = card["pairs"]["held_out"].as_u64().unwrap_or(0);
    // Topic, not order: the NSP head is well above chance on NSP pairs and near it on SOP pairs.
    let topic_only = nsp_nsp >= 0.65 && nsp_sop < 0.58;
    let order_learned = sop_sop >= 0.6;
    Some(view! {
        <div class="panel">
            <h2>{app.t(T::PairHeldOutTitle)}</h2>
            <table class="pair-acc" data-testid="pair-acc">
                <thead><tr><th></th><th scope="col">{app.t(T::PairOnNsp)}</th><th scope="col">{app.t(T::PairOnSop)}</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
            <p class="figure">{format!("{pairs} {} · {}", app.t(T::PairHeldOutPairs), app.t(T::PairChance))}</p>
            <p data-testid="pair-lesson" data-topic-only=topic_only.to_string() data-order-learned=order_learned.to_string()>
                {app.t(if topic_only { T::PairLessonTopic } else { T::PairLessonNoTopic })}" "
                {app.t(if order_learned { T::PairLessonOrder } else { T::PairLessonNoOrder })}
            </p>
        </div>
    })
}
