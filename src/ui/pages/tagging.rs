//! "Fine-tuning, case 2: a sequence in, a class for every token" (the lecture's POS-tagging
//! example): BERT reads the sentence, every token's output vector goes through the same linear
//! layer and a softmax, and each token gets a class. For Chinese, words are tagged through their
//! first character (the others get `I`, "same word"), so the page shows the words the model
//! found, each coloured by its part of speech, and, for a held-out preset, the corpus's own
//! words and tags beside them. English (pos-en) is tagged the same way through each word's first
//! word piece, with the 12 universal tags.
//!
//! URL state: `m` (pos-zh, pos-en), `text`.

use leptos::prelude::*;

use crate::assets::{POS_EN, POS_ZH};
use crate::runtime::classify::TaggedPreset;
use crate::runtime::load::now_ms;
use crate::task::tagging::{pku_tag, tag, tag_table, universal_classes, words, Group, LoadedTagger, PkuTag, TagProblem, Tagged, INSIDE, PKU_TAGS};
use crate::ui::components::comparison::Comparison;
use crate::ui::components::pretrained::model_card;
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::{Lang, T};
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::tasks::spawn_owned;
use crate::ui::url::check_choice;

/// Longest text the page (and the address) takes, in characters.
const MAX_TEXT_CHARS: usize = 500;

/// How many points (as a share) the pretrained start must gain for the page to say it helped.
const VERDICT_MARGIN: f64 = 0.02;

/// A tag's name in the page's language, with the tag itself.
fn tag_name(app: &AppState, tag: &str) -> String {
    match pku_tag(tag) {
        Some((t, en, hant, hans, _)) => format!("{t} · {}", match app.lang.get() {
            Lang::En => *en,
            Lang::ZhHant => *hant,
            Lang::ZhHans => *hans,
        }),
        None => tag.to_string(),
    }
}

/// The colour group of a tag.
fn group(tag: &str) -> Group {
    pku_tag(tag).map_or(Group::Other, |t| t.4)
}

/// The legend's groups with their names.
const GROUPS: [(Group, T); 10] = [
    (Group::Noun, T::PosNoun),
    (Group::Proper, T::PosProper),
    (Group::Verb, T::PosVerb),
    (Group::Adj, T::PosAdj),
    (Group::Adv, T::PosAdv),
    (Group::Num, T::PosNum),
    (Group::Pron, T::PosPron),
    (Group::Function, T::PosFunction),
    (Group::Punct, T::PosPunct),
    (Group::Other, T::PosOther),
];

/// The taggers the page offers (the first is the default).
const MODELS: [&str; 2] = [POS_ZH, POS_EN];

/// The model switch's label of a model, and what the lede says of its data and labelling.
fn model_words(id: &str) -> (T, T) {
    match id {
        POS_EN => (T::PosModelEn, T::PosAboutEn),
        _ => (T::PosModelZh, T::PosAboutZh),
    }
}

/// The tag table of a model (before its classes are loaded).
fn table_of(id: &str) -> &'static [PkuTag] {
    match id {
        POS_EN => tag_table(&universal_classes()),
        _ => &PKU_TAGS,
    }
}

/// The tagging page.
#[component]
pub fn Tagging() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(app.url_check("m", |v| check_choice(v, &MODELS)).unwrap_or(MODELS[0]));
    let text = RwSignal::new(app.url_text("text", MAX_TEXT_CHARS).unwrap_or_default());
    let presets = RwSignal::new(Vec::<TaggedPreset>::new());
    let gold = RwSignal::new(None::<TaggedPreset>);
    let outcome = RwSignal::new(None::<(Tagged, Vec<String>, f64)>);
    let problem = RwSignal::new(None::<String>);
    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));
    let (card, _) = model_card(model);

    // Presets come with the model; the first fills an empty page.
    Effect::new(move |_| {
        let id = model.get();
        spawn_owned(async move {
            let list: Vec<TaggedPreset> = crate::runtime::load::presets(id).await.unwrap_or_default();
            if let Some(p) = list.first() {
                if text.get_untracked().is_empty() {
                    gold.set(Some(p.clone()));
                    text.set(p.text.clone());
                }
            }
            presets.set(list);
        });
    });

    // Tag whenever the model is ready or the text changes.
    Effect::new(move |_| {
        let t = text.get();
        if !matches!(status(), ModelStatus::Ready(_)) {
            return;
        }
        let Some(m) = app.model::<LoadedTagger>(model.get()) else { return };
        set_url_param("m", Some(model.get_untracked()), false);
        set_url_param("text", Some(&t), false);
        spawn_owned(async move {
            let start = now_ms();
            match tag(&m, &t).await {
                Ok(tagged) => {
                    problem.set(None);
                    outcome.set(Some((tagged, m.classes.clone(), now_ms() - start)));
                }
                Err(TagProblem::Empty) => {
                    outcome.set(None);
                    problem.set(Some(app.t(T::PosErrEmpty).to_string()));
                }
                Err(TagProblem::Tokenizer(e) | TagProblem::Device(e)) => problem.set(Some(e)),
            }
        });
    });

    let result = move || {
        let (tagged, classes, ms) = outcome.get()?;
        let found = words(&tagged.tokens, &classes);
        let chips = found
            .iter()
            .map(|&(a, b, class)| {
                let tag = classes[class].clone();
                let word: String = tagged.tokens[a..b].iter().map(|t| t.text.clone()).collect();
                let prob = tagged.tokens[a].prob;
                let inner = tagged.tokens[a..b]
                    .iter()
                    .map(|t| view! { <span class="pos-tok" data-testid="tag-token" data-class=classes[t.class].clone() data-logits=serde_json::to_string(&t.logits).unwrap_or_default() title=format!("{} {:.0} %", classes[t.class], 100.0 * t.prob)>{t.text.clone()}</span> })
                    .collect_view();
                let name = if tag == INSIDE { tag.clone() } else { tag_name(&app, &tag) };
                view! {
                    <span class=format!("pos-word {}", group(&tag).css()) data-testid="tag-word" data-tag=tag.clone() data-word=word.clone()>
                        <span class="pos-text">{inner}</span>
                        <span class="pos-label">{name}<small>{format!(" {:.0} %", 100.0 * prob)}</small></span>
                    </span>
                }
            })
            .collect_view();
        // For a preset: the corpus's own words and how many the model matched exactly (same span, same tag).
        let gold_view = gold.get().filter(|g| g.text == text.get()).map(|g| {
            let mut spans = Vec::new();
            let mut at = 0;
            for (w, t) in &g.words {
                let n = w.chars().count();
                spans.push((at, at + n, t.clone()));
                at += n;
            }
            let mut chars_at = Vec::new();
            let mut c = 0;
            for t in &tagged.tokens {
                chars_at.push(c);
                c += t.text.chars().count();
            }
            chars_at.push(c);
            let mine: Vec<(usize, usize, String)> = found.iter().map(|&(a, b, k)| (chars_at[a], chars_at[b], classes[k].clone())).collect();
            let matched = spans.iter().filter(|s| mine.contains(s)).count();
            let gold_chips = g.words.iter().map(|(w, t)| view! { <span class=format!("pos-word {}", group(t).css()) data-testid="gold-word"><span class="pos-text">{w.clone()}</span><span class="pos-label">{tag_name(&app, t)}</span></span> }).collect_view();
            view! {
                <h3>{app.t(T::PosGold)}</h3>
                <p class="pos-sentence">{gold_chips}</p>
                <p class="figure" data-testid="tag-agreement" data-matched=matched.to_string() data-words=spans.len().to_string()>{format!("{matched} / {} {}", spans.len(), app.t(T::PosAgreement))}</p>
            }
        });
        Some(view! {
            <div class="panel" role="status" data-testid="tag-result" data-words=found.len().to_string() data-ms=format!("{ms:.1}")>
                <h2>{app.t(T::PosResult)}</h2>
                <p class="pos-sentence" data-testid="tag-words">{chips}</p>
                {(tagged.cut > 0).then(|| view! { <p class="message warn" data-testid="tag-cut">{format!("{} ({} {})", app.t(T::ClsCut), tagged.cut, app.t(T::Tokens))}</p> })}
                {gold_view}
                <p class="figure">{format!("p(class | token) = softmax(W · h_token + b) · {} {} · {ms:.0} ms", classes.len(), app.t(T::PosClasses))}</p>
            </div>
        })
    };

    view! {
        <section class="page classify tagging" data-testid="page-tagging">
            <h1>{move || app.t(T::PosTitle)}</h1>
            <p class="lede">{move || app.t(T::PosLede)}" "{move || app.t(model_words(model.get()).1)}</p>
            <ModelLoad key=Signal::derive(move || model.get().to_string()) />
            <div class="panel controls">
                <div class="presets" data-control="model">
                    <span class="label">{move || app.t(T::ModelLabel)}</span>
                    {MODELS.iter().map(|&id| view! {
                        <button class:active=move || model.get() == id data-testid=format!("tag-model-{id}") aria-pressed=move || (model.get() == id).to_string()
                                on:click=move |_| if model.get_untracked() != id { model.set(id); outcome.set(None); problem.set(None); gold.set(None); presets.set(Vec::new()); text.set(String::new()); }>
                            {move || app.t(model_words(id).0)}
                        </button>
                    }).collect_view()}
                </div>
                <div class="presets" data-control="presets">
                    <span class="label">{move || app.t(T::PosPresets)}</span>
                    {move || presets.get().into_iter().enumerate().map(|(i, p)| {
                        let short: String = p.text.chars().take(14).collect::<String>() + if p.text.chars().count() > 14 { "…" } else { "" };
                        let title = p.text.clone();
                        view! { <button data-testid=format!("tag-preset-{i}") title=title on:click=move |_| { gold.set(Some(p.clone())); text.set(p.text.clone()); }>{short}</button> }
                    }).collect_view()}
                </div>
                <label class="wide" data-control="text">
                    <span class="label">{move || app.t(T::PosInput)}</span>
                    <textarea rows="2" maxlength=MAX_TEXT_CHARS.to_string() data-testid="tag-text" prop:value=move || text.get()
                              on:change=move |ev| { gold.set(None); text.set(event_target_value(&ev)); }></textarea>
                </label>
            </div>
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="tag-problem">{p}</div> })}
            {result}
            <div class="panel explain">
                <p>{move || app.t(T::PosExplain)}</p>
                <p class="pos-legend" data-testid="tag-legend">
                    {move || {
                        let table = table_of(model.get());
                        GROUPS.iter().filter(|(g, _)| table.iter().any(|t| t.4 == *g)).map(|(g, name)| view! { <span class=format!("pos-word {}", g.css())><span class="pos-label">{app.t(*name)}</span></span> }).collect_view()
                    }}
                </p>
                <details>
                    <summary>{move || format!("{} ({})", app.t(T::PosAllTags), table_of(model.get()).len())}</summary>
                    <p class="pos-sentence" data-testid="tag-all">{move || table_of(model.get()).iter().map(|t| view! { <span class=format!("pos-word {}", t.4.css())><span class="pos-label">{tag_name(&app, t.0)}</span></span> }).collect_view()}</p>
                </details>
            </div>
            {move || {
                let c = card.get()?;
                let acc = |i: usize| c["runs"][i]["valid"]["word_accuracy"].as_f64();
                let (pre, rnd) = (acc(0)?, acc(1)?);
                let helped = pre - rnd >= VERDICT_MARGIN;
                Some(view! {
                    <p class=if helped { "message ok" } else { "message warn" } role="status" data-testid="tag-verdict" data-helped=helped.to_string()>
                        {format!("{:.1} % vs {:.1} %: {}", 100.0 * pre, 100.0 * rnd, app.t(if helped { T::PosHelped } else { T::PosNotHelped }))}
                    </p>
                })
            }}
            <Comparison card=card metrics=vec![(app.t(T::PosWordAccuracy).to_string(), "word_accuracy", 100.0), (app.t(T::PosTokenAccuracy).to_string(), "accuracy", 100.0)] text=T::PosCompareText testid="tag" held_out=(T::PosHeldOut, "valid_examples") />
        </section>
    }
}
