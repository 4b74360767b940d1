//! "Next sentence / sentence order": `[CLS] A [SEP] B [SEP]` → the pair head's probability that
//! B follows A, with example pairs that are consecutive, swapped and random.
//!
//! URL state: `m` (bert-zh / bert-en), `a`, `b`.

use leptos::prelude::*;

use crate::assets::BERT_ZH;
use crate::runtime::load::now_ms;
use crate::task::bert::LoadedPretraining;
use crate::ui::tasks::spawn_owned;
use crate::task::pair::{self, Problem};
use crate::ui::components::pretrained::{initial_model, model_card, ModelPicker};
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};

/// The longest sentence each box (and the address) takes.
const MAX_SENTENCE_CHARS: usize = 2000;

/// Consecutive sentence pairs per model (none of them from the training corpus).
fn pairs(model: &str) -> &'static [(&'static str, &'static str)] {
    if model == BERT_ZH {
        &[
            ("我早上七點起床。", "吃完早餐以後，我就去學校上課。"),
            ("台北是臺灣最大的城市。", "這裡有很多博物館和夜市。"),
            ("他把書放進書包。", "然後走出了教室。"),
            ("春天到了，花都開了。", "公園裡到處都是賞花的人。"),
        ]
    } else {
        &[
            ("I woke up at seven this morning.", "After breakfast, I walked to school."),
            ("Paris is the capital of France.", "It is famous for its museums and cafes."),
            ("She opened the door.", "Then she walked into the room."),
            ("The storm lasted all night.", "By morning, the streets were flooded."),
        ]
    }
}

/// Which kind of example was last loaded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Consecutive,
    Swapped,
    Random,
    Typed,
}

/// The sentence-pair page.
#[component]
pub fn Pair() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(initial_model(&app));
    let first = pairs(model.get_untracked())[0];
    let (url_a, url_b) = (app.url_text("a", MAX_SENTENCE_CHARS), app.url_text("b", MAX_SENTENCE_CHARS));
    let kind = RwSignal::new(if url_a.is_some() || url_b.is_some() { Kind::Typed } else { Kind::Consecutive });
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

    let load = move |k: Kind| {
        let list = pairs(model.get_untracked());
        let i = which.get_value() % list.len();
        let (x, y) = list[i];
        match k {
            Kind::Consecutive | Kind::Typed => {
                a.set(x.into());
                b.set(y.into());
            }
            Kind::Swapped => {
                a.set(y.into());
                b.set(x.into());
            }
            Kind::Random => {
                a.set(x.into());
                b.set(list[(i + 1 + list.len() / 2) % list.len()].1.into());
            }
        }
        kind.set(k);
    };
    let set_model = move |id: &'static str| {
        model.set(id);
        which.set_value(0);
        load(Kind::Consecutive);
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
                    <button class:active=move || kind.get() == Kind::Consecutive data-testid="pair-consecutive" on:click=move |_| load(Kind::Consecutive)>{move || app.t(T::PairConsecutive)}</button>
                    <button class:active=move || kind.get() == Kind::Swapped data-testid="pair-swapped" on:click=move |_| load(Kind::Swapped)>{move || app.t(T::PairSwapped)}</button>
                    <button class:active=move || kind.get() == Kind::Random data-testid="pair-random" on:click=move |_| load(Kind::Random)>{move || app.t(T::PairRandom)}</button>
                    <button data-testid="pair-next" on:click=move |_| { which.update_value(|w| *w += 1); load(kind.get_untracked()); }>{move || app.t(T::PairNext)}</button>
                </div>
                <label class="target wide" data-control="inputs"><span class="label">"A"</span>
                    <input type="text" maxlength=MAX_SENTENCE_CHARS.to_string() data-testid="pair-a" prop:value=move || a.get() on:change=move |ev| { kind.set(Kind::Typed); a.set(event_target_value(&ev)); } />
                </label>
                <label class="target wide" data-control="inputs"><span class="label">"B"</span>
                    <input type="text" maxlength=MAX_SENTENCE_CHARS.to_string() data-testid="pair-b" prop:value=move || b.get() on:change=move |ev| { kind.set(Kind::Typed); b.set(event_target_value(&ev)); } />
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
                        <div class="pair-meter" data-testid="pair-result" data-prob=format!("{p:.4}")>
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
