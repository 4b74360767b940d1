//! The lecture's "How to use BERT" cases 1 and 3, one component for both: **case 1**, sentence →
//! class (`?p=classify`, review sentiment), and **case 3**, two sentences → class (`?p=qnli`,
//! GLUE's QNLI: does the sentence answer the question?). The input goes in, BERT reads it, the
//! pooled `[CLS]` vector goes through one linear layer and a softmax, and the class probabilities
//! come out. The page shows the probabilities, the tokens read (the second sentence's segment
//! marked), the vector the head reads, and the card's comparison of fine-tuning from the
//! pretrained BERT with fine-tuning from random initialisation.
//!
//! URL state: `m` (the model: sentiment-zh or sentiment-en in case 1, qnli-zh in case 3), `text`,
//! and `b` (the second sentence, case 3).

use leptos::prelude::*;

use crate::assets::{QNLI_EN, QNLI_ZH, SENTIMENT_EN, SENTIMENT_ZH};
use crate::runtime::classify::Preset;
use crate::runtime::load::now_ms;
use crate::task::classify::{classify, Classified, ClassifyProblem, LoadedClassifier};
use crate::ui::components::comparison::Comparison;
use crate::ui::components::pretrained::model_card;
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::tasks::spawn_owned;
use crate::ui::url::check_choice;

/// How many accuracy points (as a share) the pretrained start must gain over the random one for
/// the page to say pre-training helped.
const VERDICT_MARGIN: f64 = 0.02;

/// Longest text the page (and the address) takes, in characters.
const MAX_TEXT_CHARS: usize = 2000;

/// The class name as the page shows it.
fn class_name(app: &AppState, class: &str) -> String {
    match class {
        "positive" => app.t(T::ClsPositive).to_string(),
        "negative" => app.t(T::ClsNegative).to_string(),
        "entailment" => app.t(T::QnliEntailment).to_string(),
        "not_entailment" => app.t(T::QnliNotEntailment).to_string(),
        other => other.to_string(),
    }
}

/// Which of the lecture's classification cases a page shows: its models and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Case 1: one sentence → class.
    Sentence,
    /// Case 3: two sentences → class.
    Pair,
}

/// The texts that differ between the cases.
#[derive(Clone, Copy)]
struct Words {
    title: T,
    lede: T,
    presets: T,
    input: T,
    gold: T,
    empty: T,
    explain: T,
    compare: T,
    held_out: T,
    not_helped: T,
}

impl Case {
    /// The models the page offers (the first is the default).
    fn models(self) -> &'static [&'static str] {
        match self {
            Case::Sentence => &[SENTIMENT_ZH, SENTIMENT_EN],
            Case::Pair => &[QNLI_ZH, QNLI_EN],
        }
    }

    fn words(self) -> Words {
        match self {
            Case::Sentence => Words {
                title: T::ClsTitle,
                lede: T::ClsLede,
                presets: T::ClsPresets,
                input: T::ClsInput,
                gold: T::ClsGold,
                empty: T::ClsErrEmpty,
                explain: T::ClsExplain,
                compare: T::ClsCompareText,
                held_out: T::ClsHeldOut,
                not_helped: T::ClsNotHelped,
            },
            Case::Pair => Words {
                title: T::QnliTitle,
                lede: T::QnliLede,
                presets: T::QnliPresets,
                input: T::QnliQuestion,
                gold: T::QnliGold,
                empty: T::QnliErrEmpty,
                explain: T::QnliExplain,
                compare: T::QnliCompareText,
                held_out: T::QnliHeldOut,
                not_helped: T::QnliNotHelped,
            },
        }
    }
}

/// The model switch's label of a model.
fn model_label(id: &str) -> T {
    match id {
        SENTIMENT_EN => T::ClsModelEn,
        QNLI_ZH => T::QnliModelZh,
        QNLI_EN => T::QnliModelEn,
        _ => T::ClsModelZh,
    }
}

/// Where a pair model's data comes from, said under the lede (the sentence models need no note).
fn model_about(id: &str) -> Option<T> {
    match id {
        QNLI_ZH => Some(T::QnliAboutZh),
        QNLI_EN => Some(T::QnliAboutEn),
        _ => None,
    }
}

/// Case 1: the sentence-classification page.
#[component]
pub fn Classify() -> impl IntoView {
    view! { <ClassifyPage case=Case::Sentence /> }
}

/// Case 3: the sentence-pair page (QNLI).
#[component]
pub fn Qnli() -> impl IntoView {
    view! { <ClassifyPage case=Case::Pair /> }
}

/// A classification page of either case.
#[component]
fn ClassifyPage(case: Case) -> impl IntoView {
    let app = expect_context::<AppState>();
    let words = case.words();
    let pair = case == Case::Pair;
    let models = case.models();
    let model = RwSignal::new(app.url_check("m", |v| check_choice(v, models)).unwrap_or(models[0]));
    let text = RwSignal::new(app.url_text("text", MAX_TEXT_CHARS).unwrap_or_default());
    let text_b = RwSignal::new(if pair { app.url_text("b", MAX_TEXT_CHARS).unwrap_or_default() } else { String::new() });
    let presets = RwSignal::new(Vec::<Preset>::new());
    let outcome = RwSignal::new(None::<(Classified, Vec<String>, f64)>);
    let problem = RwSignal::new(None::<String>);
    let gold = RwSignal::new(None::<usize>);
    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));
    let (card, _) = model_card(model);

    // Presets come with the model; the first fills an empty page.
    Effect::new(move |_| {
        let id = model.get();
        spawn_owned(async move {
            let list = crate::runtime::classify::presets(id).await.unwrap_or_default();
            if let Some(p) = list.first() {
                if text.get_untracked().is_empty() {
                    text_b.set(p.text_b.clone().unwrap_or_default());
                    text.set(p.text.clone());
                    gold.set(Some(p.label));
                }
            }
            presets.set(list);
        });
    });

    // Classify whenever the model is ready or the text changes.
    Effect::new(move |_| {
        let (t, b) = (text.get(), text_b.get());
        if !matches!(status(), ModelStatus::Ready(_)) {
            return;
        }
        let Some(m) = app.model::<LoadedClassifier>(model.get()) else { return };
        set_url_param("m", Some(model.get_untracked()), false);
        set_url_param("text", Some(&t), false);
        if pair {
            set_url_param("b", Some(&b), false);
        }
        spawn_owned(async move {
            let start = now_ms();
            match classify(&m, &t, pair.then_some(b.as_str())).await {
                Ok(c) => {
                    problem.set(None);
                    outcome.set(Some((c, m.classes.clone(), now_ms() - start)));
                }
                Err(ClassifyProblem::Empty) => {
                    outcome.set(None);
                    problem.set(Some(app.t(words.empty).to_string()));
                }
                Err(ClassifyProblem::Tokenizer(e) | ClassifyProblem::Device(e)) => problem.set(Some(e)),
            }
        });
    });

    let result = move || {
        let (c, classes, ms) = outcome.get()?;
        let best = c.probs.iter().enumerate().fold((0, f32::MIN), |b, (i, &p)| if p > b.1 { (i, p) } else { b }).0;
        let bars = c.probs.iter().zip(&c.logits).enumerate().map(|(i, (&p, &l))| {
            let name = class_name(&app, &classes[i]);
            view! {
                <li class:best=i == best data-testid=format!("cls-prob-{}", classes[i]) data-prob=format!("{p:.6}") data-logit=format!("{l:.6}")>
                    <span class="bar-label">{name}</span>
                    <span class="bar-track"><span class=format!("bar-fill cls-{}", classes[i]) style=format!("width: {:.1}%", 100.0 * p)></span></span>
                    <span class="bar-value">{format!("{:.1} %", 100.0 * p)}</span>
                </li>
            }
        }).collect_view();
        let gold_line = gold.get().and_then(|g| classes.get(g).cloned()).map(|g| view! { <p class="figure" data-testid="cls-gold">{format!("{} {}", app.t(words.gold), class_name(&app, &g))}</p> });
        let lo = c.pooled.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = c.pooled.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let cells = c.pooled.iter().map(|&v| {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            view! { <span class="vec-cell" style=format!("background: hsl({:.0}, 70%, {:.0}%)", 220.0 - 200.0 * t, 35.0 + 40.0 * t)></span> }
        }).collect_view();
        Some(view! {
            <div class="panel" role="status" data-testid="cls-result" data-class=classes[best].clone() data-ms=format!("{ms:.1}")>
                <h2>{app.t(T::ClsResult)}</h2>
                <ul class="bars cls-bars">{bars}</ul>
                {gold_line}
                {(c.cut > 0).then(|| view! { <p class="message warn" data-testid="cls-cut">{format!("{} ({} {})", app.t(T::ClsCut), c.cut, app.t(T::Tokens))}</p> })}
                <h3>{app.t(T::ClsTokens)}</h3>
                <p class="chips" data-testid="cls-tokens">{c.tokens.iter().zip(&c.segments).map(|(t, &s)| view! { <span class="tok" class:hit=t == "[CLS]" class:seg-b=s == 1 data-segment=s.to_string()>{t.clone()}</span> }).collect_view()}</p>
                {pair.then(|| view! { <p class="figure">{app.t(T::QnliSegments)}</p> })}
                <h3>{app.t(T::ClsVector)}</h3>
                <p class="vec-strip" data-testid="cls-vector" data-len=c.pooled.len().to_string()>{cells}</p>
                <p class="figure">{format!("p = softmax(W · h[CLS] + b) · {} {} · {ms:.0} ms", c.pooled.len(), app.t(T::ClsNumbers))}</p>
            </div>
        })
    };

    view! {
        <section class="page classify" data-testid=if pair { "page-qnli" } else { "page-classify" }>
            <h1>{move || app.t(words.title)}</h1>
            <p class="lede">{move || app.t(words.lede)}</p>
            {move || model_about(model.get()).map(|t| view! { <p class="lede" data-testid="cls-about">{app.t(t)}</p> })}
            <ModelLoad key=Signal::derive(move || model.get().to_string()) />
            <div class="panel controls">
                {(models.len() > 1).then(|| view! {
                    <div class="presets" data-control="model">
                        <span class="label">{move || app.t(T::ModelLabel)}</span>
                        {models.iter().map(|&id| view! {
                            <button class:active=move || model.get() == id data-testid=format!("cls-model-{id}") aria-pressed=move || (model.get() == id).to_string()
                                    on:click=move |_| if model.get_untracked() != id { model.set(id); outcome.set(None); problem.set(None); gold.set(None); text_b.set(String::new()); text.set(String::new()); }>
                                {move || app.t(model_label(id))}
                            </button>
                        }).collect_view()}
                    </div>
                })}
                <div class="presets" data-control="presets">
                    <span class="label">{move || app.t(words.presets)}</span>
                    {move || presets.get().into_iter().enumerate().map(|(i, p)| {
                        let short: String = p.text.chars().take(18).collect::<String>() + if p.text.chars().count() > 18 { "…" } else { "" };
                        let title = match &p.text_b { Some(b) => format!("{}\n{b}", p.text), None => p.text.clone() };
                        let (t, b, label) = (p.text.clone(), p.text_b.clone().unwrap_or_default(), p.label);
                        view! { <button data-testid=format!("cls-preset-{i}") title=title on:click=move |_| { gold.set(Some(label)); text_b.set(b.clone()); text.set(t.clone()); }>{short}</button> }
                    }).collect_view()}
                </div>
                <label class="wide" data-control="text">
                    <span class="label">{move || app.t(words.input)}</span>
                    <textarea rows=if pair { "2" } else { "3" } maxlength=MAX_TEXT_CHARS.to_string() data-testid="cls-text" prop:value=move || text.get()
                              on:change=move |ev| { gold.set(None); text.set(event_target_value(&ev)); }></textarea>
                </label>
                {pair.then(|| view! {
                    <label class="wide" data-control="text">
                        <span class="label">{move || app.t(T::QnliSentence)}</span>
                        <textarea rows="3" maxlength=MAX_TEXT_CHARS.to_string() data-testid="cls-text-b" prop:value=move || text_b.get()
                                  on:change=move |ev| { gold.set(None); text_b.set(event_target_value(&ev)); }></textarea>
                    </label>
                })}
            </div>
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="cls-problem">{p}</div> })}
            {result}
            <div class="panel explain"><p>{move || app.t(words.explain)}</p></div>
            {move || {
                // What the card's two runs say, in words (measured, not assumed).
                let c = card.get()?;
                let acc = |i: usize| c["runs"][i]["valid"]["accuracy"].as_f64();
                let (pre, rnd) = (acc(0)?, acc(1)?);
                let helped = pre - rnd >= VERDICT_MARGIN;
                Some(view! {
                    <p class=if helped { "message ok" } else { "message warn" } role="status" data-testid="cls-verdict" data-helped=helped.to_string()>
                        {format!("{:.1} % vs {:.1} %: {}", 100.0 * pre, 100.0 * rnd, app.t(if helped { T::ClsHelped } else { words.not_helped }))}
                    </p>
                })
            }}
            {move || {
                // Pair tasks: what counting shared characters alone achieves on the same pairs.
                let c = card.get()?;
                let acc = c["baseline"]["accuracy"].as_f64()?;
                let best = (0..2).filter_map(|i| c["runs"][i]["valid"]["accuracy"].as_f64()).fold(0.0, f64::max);
                let below = acc - best >= 0.05;
                Some(view! {
                    <p class="figure" data-testid="cls-baseline" data-accuracy=format!("{acc}") data-models-below=below.to_string()>{format!("{} {:.1} %", app.t(T::QnliBaseline), 100.0 * acc)}</p>
                    {below.then(|| view! { <p class="message warn">{app.t(T::QnliBelowBaseline)}</p> })}
                })
            }}
            <Comparison card=card metrics=vec![(app.t(T::ClsAccuracy).to_string(), "accuracy", 100.0)] text=words.compare testid="cls" held_out=(words.held_out, "valid_examples") />
        </section>
    }
}
