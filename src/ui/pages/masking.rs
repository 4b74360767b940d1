//! "Masking Input": cover tokens with `[MASK]` or a random token and watch Sesame's own BERT
//! predict them (top-k softmax bars, entropy), plus how a pretraining example is corrupted
//! with the 80/10/10 rule and the model's real loss curve.
//!
//! URL state: `m` (bert-zh / bert-en), `text`, `cover` (e.g. `3m,5r1234`: token 3 masked,
//! token 5 replaced by id 1234).

use leptos::prelude::*;

use crate::assets::BERT_ZH;
use crate::runtime::load::now_ms;
use crate::task::bert::LoadedPretraining;
use crate::ui::tasks::spawn_owned;
use crate::task::fill_mask::{self, Prediction, Problem};
use crate::rng::Rng;
use crate::task::masking::{corrupt, Cover, MaskingRule};
use crate::ui::components::charts::LossCurve;
use crate::ui::components::pretrained::{initial_model, model_card, ModelPicker};
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::url::{check_text, parse_covers, Rejected};

/// The longest sentence the text box (and the address) takes; the model's window is shorter, so
/// a long text gets the "too long" message rather than silent truncation.
const MAX_TEXT_CHARS: usize = 4000;

/// Example sentences per model.
fn presets(model: &str) -> &'static [&'static str] {
    if model == BERT_ZH {
        &["台湾大[MASK]。", "臺灣大學是一所很好的大學。", "今天天氣很好，我們去公園散步。", "床前明月光，疑是地上霜。"]
    } else {
        &["The capital of France is [MASK].", "I drank a glass of orange juice this morning.", "The students opened their books and started to read.", "To be, or not to be, that is the question."]
    }
}

fn format_covers(covers: &[(usize, Cover, u32)]) -> String {
    covers
        .iter()
        .filter_map(|(i, c, id)| match c {
            Cover::Mask => Some(format!("{i}m")),
            Cover::Random => Some(format!("{i}r{id}")),
            Cover::Unchanged => None,
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A token chip as shown.
#[derive(Clone, Debug, PartialEq)]
struct Chip {
    index: usize,
    text: String,
    special: bool,
    typed_mask: bool,
    cover: Option<Cover>,
    shown: String,
}

/// The finished run.
#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    predictions: Vec<Prediction>,
    all_covered: bool,
    unknown: usize,
    ms: f64,
}

/// The masking page.
#[component]
pub fn Masking() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(initial_model(&app));
    let text = RwSignal::new(app.url_text("text", MAX_TEXT_CHARS).unwrap_or_else(|| presets(model.get_untracked())[0].to_string()));
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
    let example_seed = RwSignal::new(1u64);
    // The model card (loss curve, figures); `card_missing`: not in this build, or unreadable.
    let (card, card_missing) = model_card(model);

    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));

    // Chips: the tokenized sentence with its covers (needs the tokenizer, so the loaded model).
    let chips = Memo::new(move |_| {
        let ready = matches!(status(), ModelStatus::Ready(_));
        let m = if ready { app.model::<LoadedPretraining>(model.get()) } else { None }?;
        let enc = m.tokenizer.encode(&text.get()).ok()?;
        let cv = covers.get();
        Some(
            (0..enc.len())
                .map(|i| {
                    let typed_mask = enc.ids[i] == m.mask_id;
                    let cover = cv.iter().find(|c| c.0 == i).map(|c| c.1);
                    let shown = match cv.iter().find(|c| c.0 == i) {
                        Some((_, Cover::Mask, _)) => "[MASK]".to_string(),
                        Some((_, Cover::Random, id)) => m.tokenizer.token(*id).unwrap_or_default(),
                        _ => enc.tokens[i].clone(),
                    };
                    Chip { index: i, text: enc.tokens[i].clone(), special: enc.special[i], typed_mask, cover, shown }
                })
                .collect::<Vec<_>>(),
        )
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
        covers.update(|cv| match cv.iter().position(|c| c.0 == index) {
            None => cv.push((index, Cover::Mask, 0)),
            Some(k) if cv[k].1 == Cover::Mask => {
                let span = (m.config.vocab_size as u32).saturating_sub(m.first_ordinary).max(1);
                cv[k] = (index, Cover::Random, m.first_ordinary + rng.below(span as usize) as u32);
            }
            Some(k) => {
                cv.remove(k);
            }
        });
    };

    let set_model = move |id: &'static str| {
        model.set(id);
        covers.set(vec![]);
        text.set(presets(id)[0].to_string());
    };

    // The 80/10/10 panel: the current sentence corrupted as in pretraining.
    let corrupted = Memo::new(move |_| {
        let seed = example_seed.get();
        let ready = matches!(status(), ModelStatus::Ready(_));
        let m = if ready { app.model::<LoadedPretraining>(model.get()) } else { None }?;
        let enc = m.tokenizer.encode(&text.get().replace("[MASK]", "")).ok()?;
        let mut rng = Rng::new(seed);
        // A higher rate than 15% would be unfaithful; short sentences just get fewer covers.
        let c = corrupt(&enc.ids, &enc.special, m.mask_id, m.first_ordinary..m.config.vocab_size as u32, MaskingRule::default(), &mut rng);
        let chips: Vec<(String, Option<Cover>)> = (0..enc.len())
            .map(|i| {
                let cover = c.targets.iter().find(|t| t.0 == i).map(|t| t.2);
                (m.tokenizer.token(c.input[i]).unwrap_or_default(), cover)
            })
            .collect();
        Some((chips, c.targets.iter().map(|t| (t.0, t.2, c.input[t.0])).collect::<Vec<_>>()))
    });

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
                    {move || presets(model.get()).iter().enumerate().map(|(i, p)| {
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

            {move || outcome.get().map(|o| {
                let notices = view! {
                    {o.all_covered.then(|| view! { <div class="message warn" data-testid="all-covered">{app.t(T::MaskAllCovered)}</div> })}
                    {(o.unknown > 0).then(|| view! { <div class="message warn" data-testid="unknown">{format!("{} × [UNK]: {}", o.unknown, app.t(T::MaskUnknown))}</div> })}
                };
                let cards = o.predictions.iter().map(|p| {
                    let head = match p.cover {
                        Cover::Random => format!("#{} «{}» ← {}", p.index, p.original, app.t(T::MaskCoveredRandom)),
                        _ if p.original == "[MASK]" => format!("#{} [MASK]", p.index),
                        _ => format!("#{} «{}» ← [MASK]", p.index, p.original),
                    };
                    let bars = p.top.iter().enumerate().map(|(rank, (tok, pr))| {
                        let hit = *tok == p.original;
                        view! {
                            <li class="bar-row" class:hit=hit data-testid="prediction">
                                <span class="bar-label">{tok.clone()}</span>
                                <span class="bar-track"><span class="bar-fill" style:width=format!("{:.1}%", pr * 100.0)></span></span>
                                <span class="bar-value">{format!("{:.1}%", pr * 100.0)}</span>
                                <span class="rank">{format!("{}", rank + 1)}</span>
                            </li>
                        }
                    }).collect_view();
                    let original = p.original_prob.map(|pr| format!("{} «{}»: {:.2}%", app.t(T::MaskOriginalProb), p.original, pr * 100.0));
                    view! {
                        <div class="panel prediction-card" data-testid="prediction-card">
                            <h3>{head}</h3>
                            <ol class="bars">{bars}</ol>
                            <p class="figure">{format!("{}: {:.2} bits", app.t(T::MaskEntropy), p.entropy_bits)}{original.map(|o| format!(" · {o}"))}</p>
                        </div>
                    }
                }).collect_view();
                view! {
                    {notices}
                    <div class="prediction-grid" data-testid="predictions">{cards}</div>
                    <p class="figure" data-testid="fill-ms" data-runs=move || runs.get().to_string()>{format!("{}: {:.0} ms", app.t(T::MaskLatency), o.ms)}</p>
                }
            })}

            <div class="panel" data-control="example">
                <h2>{move || app.t(T::MaskRuleTitle)}</h2>
                <p>{move || app.t(T::MaskRuleText)}</p>
                <div class="chips small" data-testid="corrupted">
                    {move || corrupted.get().map(|(chips, _)| chips.into_iter().map(|(t, c)| {
                        let class = match c { Some(Cover::Mask) => "chip mask", Some(Cover::Random) => "chip random", Some(Cover::Unchanged) => "chip unchanged", None => "chip" };
                        view! { <span class=class>{t}</span> }
                    }).collect_view())}
                </div>
                <p class="legend-line">
                    <span class="chip mini mask">"[MASK]"</span>"80% "
                    <span class="chip mini random">"abc"</span>"10% "
                    <span class="chip mini unchanged">"abc"</span>{move || format!("10% {}", app.t(T::MaskLegendUnchanged))}
                </p>
                <button data-testid="new-example" on:click=move |_| example_seed.update(|s| *s += 1)>{move || app.t(T::MaskNewExample)}</button>
                <button data-testid="use-example" on:click=move |_| {
                    if let Some((_, t)) = corrupted.get_untracked() {
                        text.set(text.get_untracked().replace("[MASK]", ""));
                        covers.set(t.into_iter().filter(|c| c.1 != Cover::Unchanged).collect());
                    }
                }>{move || app.t(T::MaskUseExample)}</button>
            </div>

            <div class="panel" data-control="curve">
                <h2>{move || app.t(T::MaskCurveTitle)}</h2>
                {move || card_missing.get().then(|| view! { <p class="hint" data-testid="card-missing">{app.t(T::MaskNoCard)}</p> })}
                {move || card.get().map(|c| {
                    let eval = &c["eval"];
                    let training = &c["training"];
                    let summary = format!(
                        "{}: {} · {} {} · {} {:.1}% / {:.1}% · {} {:.1}%",
                        app.t(T::MaskTokensSeen), training["tokens_seen"], training["steps"], app.t(T::MaskSteps),
                        app.t(T::MaskTop1Top5), eval["mlm_top1"].as_f64().unwrap_or(0.0) * 100.0, eval["mlm_top5"].as_f64().unwrap_or(0.0) * 100.0,
                        training["pair_task"].as_str().unwrap_or("").to_uppercase(), eval["pair_accuracy"].as_f64().unwrap_or(0.0) * 100.0
                    );
                    let points: Vec<(f64, Option<f64>, Option<f64>)> = c["curve"].as_array().map(|a| a.iter().map(|p| (
                        p["tokens"].as_f64().unwrap_or(0.0), p["train_mlm"].as_f64(), p["valid_mlm"].as_f64(),
                    )).collect()).unwrap_or_default();
                    view! {
                        <LossCurve points=points train_label=app.t(T::MaskTrainLoss).to_string() valid_label=app.t(T::MaskValidLoss).to_string() x_label=app.t(T::MaskTokensSeen).to_string() />
                        <p class="figure" data-testid="card-summary">{summary}</p>
                    }
                })}
            </div>
        </section>
    }
}
