//! "Masking Input": cover tokens with `[MASK]` or a random token and watch Sesame's own BERT
//! predict them (top-k softmax bars, entropy), plus how a pretraining example is corrupted
//! with the 80/10/10 rule and the model's real loss curve.
//!
//! URL state: `m` (bert-zh / bert-en), `text`, `cover` (e.g. `3m,5r1234`: token 3 masked,
//! token 5 replaced by id 1234).

mod curve;
mod example;
mod predictions;
mod seq2seq;

use leptos::prelude::*;

use curve::CardCurve;
use example::PretrainingExample;
use predictions::Predictions;
use seq2seq::Seq2seqCorruptions;

use crate::runtime::load::now_ms;
use crate::task::bert::LoadedPretraining;
use crate::ui::tasks::spawn_owned;
use crate::task::fill_mask::{self, examples, Prediction, Problem};
use crate::rng::Rng;
use crate::task::masking::Cover;
use crate::ui::components::pretrained::{initial_model, model_card, ModelPicker};
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::url::{check_text, format_covers, parse_covers, Rejected};

/// The longest sentence the text box (and the address) takes; the model's window is shorter, so
/// a long text gets the "too long" message rather than silent truncation.
const MAX_TEXT_CHARS: usize = 4000;

/// The finished run.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// One per covered token.
    pub predictions: Vec<Prediction>,
    /// Every ordinary token is covered.
    pub all_covered: bool,
    /// `[UNK]` tokens in the sentence.
    pub unknown: usize,
    /// Wall time of the run.
    pub ms: f64,
}

/// The masking page.
#[component]
pub fn Masking() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(initial_model(&app));
    let text = RwSignal::new(app.url_text("text", MAX_TEXT_CHARS).unwrap_or_else(|| examples(model.get_untracked())[0].to_string()));
    let covers = RwSignal::new(app.url_check("cover", |c| check_text(c, 2000).map(|c| {
        let (covers, dropped) = parse_covers(&c);
        // Entries that are not `<token>m` or `<token>r<id>` are named in the address notice.
        for d in dropped {
            app.reject("cover", Rejected::Unknown(d));
        }
        covers
    })).unwrap_or_default());
    let outcome = RwSignal::new(None::<Outcome>);
    let problem = RwSignal::new(None::<Problem>);
    let error = RwSignal::new(None::<String>);
    let clicks = StoredValue::new(0u64);
    // Finished runs on this page (read by the soak test).
    let runs = RwSignal::new(0u64);
    // The model card (loss curve, figures); `card_missing`: not in this build, or unreadable.
    let (card, card_missing) = model_card(model);

    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));

    // Chips: the tokenized sentence with its covers (needs the tokenizer, so the loaded model).
    let chips = Memo::new(move |_| {
        let ready = matches!(status(), ModelStatus::Ready(_));
        let m = if ready { app.model::<LoadedPretraining>(model.get()) } else { None }?;
        fill_mask::chips(&m, &text.get(), &covers.get())
    });

    // Run whenever the model, the text or the covers change.
    Effect::new(move |_| {
        let id = model.get();
        let t = text.get();
        let cv = covers.get();
        if !matches!(status(), ModelStatus::Ready(_)) {
            return;
        }
        let Some(m) = app.model::<LoadedPretraining>(id) else { return };
        set_url_param("m", Some(id), false);
        set_url_param("text", Some(&t), false);
        let c = format_covers(&cv);
        set_url_param("cover", (!c.is_empty()).then_some(c.as_str()), false);
        match fill_mask::prepare(&m, &t, &cv) {
            Err(p) => {
                problem.set(Some(p));
                outcome.set(None);
            }
            Ok(p) => {
                problem.set(None);
                // A newer text or cover cancels this run (the effect runs again).
                spawn_owned(async move {
                    let start = now_ms();
                    match fill_mask::run(&m, &p, 10).await {
                        Ok(predictions) => {
                            error.set(None);
                            outcome.set(Some(Outcome { predictions, all_covered: p.all_covered, unknown: p.unknown, ms: now_ms() - start }));
                            runs.update(|n| *n += 1);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        }
    });

    let cycle = move |index: usize| {
        let Some(m) = app.model::<LoadedPretraining>(model.get_untracked()) else { return };
        clicks.update_value(|c| *c += 1);
        let mut rng = Rng::new(clicks.get_value().wrapping_mul(7919) ^ (now_ms() as u64) ^ index as u64);
        covers.update(|cv| fill_mask::cycle_cover(cv, index, &m, &mut rng));
    };

    // A token typed into a prediction card replaces that position (one vocabulary token only).
    let replace_problem = RwSignal::new(None::<(usize, String)>);
    let replace = move |(index, word): (usize, String)| {
        let Some(m) = app.model::<LoadedPretraining>(model.get_untracked()) else { return };
        match fill_mask::replacement(&m, &word) {
            Ok(id) => {
                replace_problem.set(None);
                covers.update(|cv| fill_mask::set_cover(cv, index, Cover::Random, id));
            }
            Err(why) => replace_problem.set(Some((index, match why {
                fill_mask::ReplaceProblem::Empty => app.t(T::MaskReplaceHint).to_string(),
                fill_mask::ReplaceProblem::Split(parts) => format!("«{}» {} {}", word.trim(), app.t(T::MaskReplaceSplit), parts.join(" · ")),
                fill_mask::ReplaceProblem::Unknown => format!("«{}» {}", word.trim(), app.t(T::MaskReplaceUnknown)),
            }))),
        }
    };

    let set_model = move |id: &'static str| {
        model.set(id);
        covers.set(vec![]);
        text.set(examples(id)[0].to_string());
    };


    let problem_text = move |p: &Problem| match p {
        Problem::Empty => app.t(T::MaskErrEmpty).to_string(),
        Problem::NothingCovered => app.t(T::MaskErrNothing).to_string(),
        Problem::TooLong { tokens, window } => format!("{tokens} {} > {window}: {}", app.t(T::Tokens), app.t(T::MaskErrTooLong)),
        Problem::Tokenizer(e) => e.clone(),
    };

    view! {
        <section class="page masking" data-testid="page-masking">
            <h1>{move || app.t(T::MaskTitle)}</h1>
            <p class="lede">{move || app.t(T::MaskLede)}</p>

            <div class="panel controls">
                <ModelPicker model=model on_pick=Callback::new(set_model) />
                <div class="presets" data-control="presets">
                    <span class="label">{move || app.t(T::CtxPresets)}</span>
                    {move || examples(model.get()).iter().enumerate().map(|(i, p)| {
                        let p = p.to_string();
                        let shown = p.clone();
                        view! { <button data-testid=format!("preset-{i}") on:click=move |_| { covers.set(vec![]); text.set(p.clone()); }>{shown}</button> }
                    }).collect_view()}
                </div>
                <label class="target wide" data-control="text">
                    <span class="label">{move || app.t(T::MaskInput)}</span>
                    <input type="text" maxlength=MAX_TEXT_CHARS.to_string() data-testid="mask-text" prop:value=move || text.get()
                           on:change=move |ev| { covers.set(vec![]); text.set(event_target_value(&ev)); } />
                </label>
                <p class="hint">{move || app.t(T::MaskHint)}</p>
            </div>

            <ModelLoad key=Signal::derive(move || model.get().to_string()) />

            <div class="chips" data-testid="chips">
                {move || chips.get().unwrap_or_default().into_iter().map(|c| {
                    let index = c.index;
                    let class = match (c.special, c.typed_mask, c.cover) {
                        (true, _, _) => "chip special",
                        (_, true, _) => "chip mask typed",
                        (_, _, Some(Cover::Mask)) => "chip mask",
                        (_, _, Some(Cover::Random)) => "chip random",
                        _ => "chip",
                    };
                    let title = if c.cover.is_some() { format!("{} → {}", c.text, c.shown) } else { c.text.clone() };
                    view! {
                        <button class=class title=title disabled=c.special || c.typed_mask data-testid=format!("chip-{index}")
                                on:click=move |_| cycle(index)>
                            {c.shown.clone()}
                            {c.cover.is_some().then(|| view! { <small class="was">{c.text.clone()}</small> })}
                        </button>
                    }
                }).collect_view()}
            </div>
            <p class="legend-line">
                <span class="chip mini mask">"[MASK]"</span>{move || app.t(T::MaskLegendMask)}
                <span class="chip mini random">"abc"</span>{move || app.t(T::MaskLegendRandom)}
            </p>

            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="mask-problem">{problem_text(&p)}</div> })}
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}

            <div aria-live="polite">{move || outcome.get().map(|o| view! { <Predictions o=o runs=runs on_replace=Callback::new(replace) problem=replace_problem /> })}</div>

            <PretrainingExample model=model text=text covers=covers />
            <Seq2seqCorruptions model=model text=text />
            <CardCurve card=card card_missing=card_missing />
        </section>
    }
}
