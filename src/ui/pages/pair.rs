//! "Next sentence / sentence order": `[CLS] A [SEP] B [SEP]` → the pair head's probability that
//! B follows A, with example pairs that are consecutive, swapped and random.
//!
//! URL state: `m` (bert-zh / bert-en), `a`, `b`.

use leptos::prelude::*;

use crate::runtime::load::now_ms;
use crate::task::bert::LoadedPretraining;
use crate::ui::tasks::spawn_owned;
use crate::task::pair::{self, example, examples, PairKind, Problem};
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
    let result = RwSignal::new(None::<(f32, Vec<(String, u32)>, f64)>);
    let problem = RwSignal::new(None::<Problem>);
    let error = RwSignal::new(None::<String>);
    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));
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
                    match pair::run(&m, &enc).await {
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

            {move || result.get().map(|(p, chips, ms)| {
                let chips = chips.into_iter().map(|(t, seg)| {
                    let class = if t == "[CLS]" || t == "[SEP]" { "chip special" } else if seg == 0 { "chip seg-a" } else { "chip seg-b" };
                    view! { <span class=class>{t}</span> }
                }).collect_view();
                let verdict = if p >= 0.5 { app.t(T::PairVerdictYes) } else { app.t(T::PairVerdictNo) };
                view! {
                    <div class="panel">
                        <div class="chips small">{chips}</div>
                        <div class="pair-meter" role="status" data-testid="pair-result" data-prob=format!("{p:.4}")>
                            <span class="bar-label">{app.t(T::PairProb)}</span>
                            <span class="bar-track big"><span class="bar-fill" style:width=format!("{:.1}%", p * 100.0)></span></span>
                            <span class="bar-value">{format!("{:.1}%", p * 100.0)}</span>
                        </div>
                        <p class="verdict">{verdict}</p>
                        <p class="figure">{format!("{}: {ms:.0} ms", app.t(T::MaskLatency))}</p>
                    </div>
                }
            })}
            <div class="panel explain">
                <p>{move || app.t(T::PairExplain)}</p>
                {move || head_accuracy().map(|line| view! { <p class="figure" data-testid="pair-head-accuracy">{line}</p> })}
            </div>
        </section>
    }
}
