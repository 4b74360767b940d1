//! "Extractive question answering" (the lecture's "How to use BERT — case 4"): the answer is a
//! span of the document. The page highlights the answer in place, draws each document token's
//! start and end probabilities over the document itself, lists the best spans, says which
//! window answered a long document, shows the dot products behind the answer, and compares
//! fine-tuning from the pretrained BERT with fine-tuning from random initialisation.
//!
//! URL state: `m` (qa-zh / qa-en), `q` (question), `doc` (document).

use leptos::prelude::*;

use crate::runtime::load::now_ms;
use crate::assets::{QA_EN, QA_ZH};
use crate::runtime::qa::Preset;
use crate::ui::tasks::spawn_owned;
use crate::task::qa_metrics::em_f1;
use crate::task::qa_windows::{other_language, QaInputError, MAX_DOCUMENT_CHARS};
use crate::numeric::dot;
use crate::task::qa::{answer_in_window, AnswerError, LoadedQa, Mechanism, QaOutcome, TokenScore};
use crate::ui::components::pretrained::model_card;
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::{Lang, T};
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::url::check_choice;

/// Window lengths the reader can choose (tokens, special tokens included), capped at the
/// model's position table.
const WINDOWS: [usize; 5] = [128, 192, 256, 384, 512];
const WINDOWS_TEXT: [&str; 5] = ["128", "192", "256", "384", "512"];

/// Longest question the page (and the address) takes, in characters.
const MAX_QUESTION_CHARS: usize = 300;

/// The extractive-QA page.
#[component]
pub fn Qa() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(match app.url_check("m", |v| check_choice(v, &[QA_ZH, QA_EN])) {
        Some(id) => id,
        _ if app.lang.get_untracked() == Lang::En => QA_EN,
        _ => QA_ZH,
    });
    let question = RwSignal::new(app.url_text("q", MAX_QUESTION_CHARS).unwrap_or_default());
    let document = RwSignal::new(app.url_text("doc", MAX_DOCUMENT_CHARS).unwrap_or_default());
    // Window length in tokens (`None`: the one the model was fine-tuned with).
    let window = RwSignal::new(app.url_check("win", |v| check_choice(v, &WINDOWS_TEXT)).and_then(|v| v.parse::<usize>().ok()));
    let gold = RwSignal::new(None::<Vec<String>>);
    let outcome = RwSignal::new(None::<(QaOutcome, String, String, f64)>);
    let problem = RwSignal::new(None::<String>);
    let shown_window = RwSignal::new(None::<usize>);
    let presets = RwSignal::new(Vec::<Preset>::new());
    // Finished answers on this page (read by the soak test).
    let runs = RwSignal::new(0u64);
    let status = move || app.model_status(model.get()).get();
    // Which QA models this build ships (a model not trained yet gets a disabled button).
    let available = RwSignal::new(vec![QA_ZH, QA_EN]);
    spawn_owned(async move {
        if let Ok(m) = crate::runtime::load::manifest().await {
            available.set([QA_ZH, QA_EN].into_iter().filter(|id| m.model(id).is_some()).collect());
        }
    });
    Effect::new(move |_| app.use_model(model.get()));
    let (card, _) = model_card(model);

    // Presets come with the model; the first fills an empty page.
    Effect::new(move |_| {
        let id = model.get();
        spawn_owned(async move {
            let list = crate::runtime::qa::presets(id).await.unwrap_or_default();
            if model.get_untracked() != id {
                return;
            }
            if let Some(p) = list.first() {
                if question.get_untracked().is_empty() && document.get_untracked().is_empty() {
                    question.set(p.question.clone());
                    document.set(p.document.clone());
                    gold.set(Some(p.answers.clone()));
                }
            }
            presets.set(list);
        });
    });

    let run = move || {
        let (id, q, d, win) = (model.get_untracked(), question.get_untracked(), document.get_untracked(), window.get_untracked());
        let Some(m) = app.model::<LoadedQa>(id) else { return };
        set_url_param("m", Some(id), false);
        set_url_param("q", Some(&q), false);
        set_url_param("doc", Some(&d), false);
        problem.set(None);
        spawn_owned(async move {
            let start = now_ms();
            match answer_in_window(&m, &q, &d, 10, win).await {
                Ok(out) => {
                    runs.update(|n| *n += 1);
                    shown_window.set(out.candidates.first().map(|c| c.window));
                    outcome.set(Some((out, q, d, now_ms() - start)));
                }
                Err(AnswerError::Input(e)) => {
                    outcome.set(None);
                    problem.set(Some(input_problem(&app, &e)));
                }
                Err(AnswerError::Device(e)) => {
                    outcome.set(None);
                    problem.set(Some(format!("{}: {e}", app.t(T::QaDeviceFailed))));
                }
            }
        });
    };
    // Answer when the model is ready and whenever the question or document changes (`run` is
    // called by this effect only, so a newer input cancels the answer in flight).
    Effect::new(move |_| {
        let _ = (question.get(), document.get(), window.get());
        if matches!(status(), ModelStatus::Ready(_)) {
            run();
        }
    });

    let set_model = move |id: &'static str| {
        if model.get_untracked() != id {
            question.set(String::new());
            document.set(String::new());
            gold.set(None);
            outcome.set(None);
            model.set(id);
        }
    };
    let pick_preset = move |i: usize| {
        if let Some(p) = presets.get_untracked().get(i) {
            gold.set(Some(p.answers.clone()));
            question.set(p.question.clone());
            document.set(p.document.clone());
        }
    };
    let lang_warning = move || {
        let lang = if model.get() == QA_ZH { "zh" } else { "en" };
        other_language(&question.get(), lang).then(|| app.t(if lang == "zh" { T::QaWarnNotChinese } else { T::QaWarnNotEnglish }))
    };

    view! {
        <section class="page qa" data-testid="page-qa">
            <h1>{move || app.t(T::QaTitle)}</h1>
            <p class="lede">{move || app.t(T::QaLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="model">
                    <span class="label">{move || app.t(T::ModelLabel)}</span>
                    <button class:active=move || model.get() == QA_ZH data-testid="qa-model-zh" on:click=move |_| set_model(QA_ZH)>{move || app.t(T::QaModelZh)}</button>
                    <button class:active=move || model.get() == QA_EN data-testid="qa-model-en" on:click=move |_| set_model(QA_EN)
                        disabled=move || !available.get().contains(&QA_EN)>{move || app.t(T::QaModelEn)}</button>
                    {move || (!available.get().contains(&QA_EN)).then(|| view! { <span class="hint">{app.t(T::QaEnNotYet)}</span> })}
                </div>
                <label class="presets wide" data-control="presets">
                    <span class="label">{move || app.t(T::QaPresets)}</span>
                    <select data-testid="qa-preset" on:change=move |ev| { if let Ok(i) = event_target_value(&ev).parse() { pick_preset(i) } }>
                        <option value="">{move || app.t(T::QaPickPreset)}</option>
                        {move || presets.get().into_iter().enumerate().map(|(i, p)| view! { <option value=i.to_string()>{p.question}</option> }).collect_view()}
                    </select>
                </label>
                <label class="target wide" data-control="question"><span class="label">{move || app.t(T::QaQuestion)}</span>
                    <input type="text" maxlength=MAX_QUESTION_CHARS.to_string() data-testid="qa-question" prop:value=move || question.get()
                        on:change=move |ev| { gold.set(None); question.set(event_target_value(&ev)); } />
                </label>
                <label class="presets" data-control="window"><span class="label">{move || app.t(T::QaWindowLength)}</span>
                    <select data-testid="qa-window-length" on:change=move |ev| {
                        let w = event_target_value(&ev).parse::<usize>().ok();
                        set_url_param("win", w.map(|w| w.to_string()).as_deref(), false);
                        window.set(w);
                    }>
                        <option value="" selected=move || window.get().is_none()>{move || {
                            let _ = status(); // re-read once the model has loaded
                            let own = app.model::<LoadedQa>(model.get()).map(|m| m.settings.max_len.to_string()).unwrap_or_default();
                            format!("{} ({own})", app.t(T::QaWindowOwn))
                        }}</option>
                        {WINDOWS.iter().map(|&w| view! { <option value=w.to_string() selected=move || window.get() == Some(w)>{format!("{w} {}", app.t(T::Tokens))}</option> }).collect_view()}
                    </select>
                </label>
                <label class="target wide" data-control="document"><span class="label">{move || app.t(T::QaDocument)}</span>
                    <textarea rows="6" data-testid="qa-document" prop:value=move || document.get()
                        on:change=move |ev| { gold.set(None); document.set(event_target_value(&ev)); }></textarea>
                    <span class="hint">{move || format!("{} / {MAX_DOCUMENT_CHARS} {}", document.get().chars().count(), app.t(T::QaChars))}</span>
                </label>
            </div>

            <ModelLoad key=Signal::derive(move || model.get().to_string()) />
            {move || lang_warning().map(|w| view! { <div class="message warn" role="status" data-testid="qa-lang-warning">{w}</div> })}
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="qa-problem">{p}</div> })}
            <span hidden data-testid="qa-runs" data-runs=move || runs.get().to_string()></span>
            {move || outcome.get().map(|(out, q, doc, ms)| view! { <Answer out=out question=q doc=doc ms=ms gold=gold.get() shown_window=shown_window lang=if model.get() == QA_ZH { "zh" } else { "en" } /> })}
            <Comparison card=card />
        </section>
    }
}

/// The message for input the model cannot take.
fn input_problem(app: &AppState, e: &QaInputError) -> String {
    match e {
        QaInputError::EmptyQuestion => app.t(T::QaErrEmptyQuestion).to_string(),
        QaInputError::EmptyDocument => app.t(T::QaErrEmptyDocument).to_string(),
        QaInputError::DocumentTooLong { chars, limit } => format!("{} ({chars} > {limit})", app.t(T::QaErrTooLong)),
        QaInputError::QuestionTooLong { tokens, limit } => format!("{} ({tokens} > {limit} {})", app.t(T::QaErrQuestionTooLong), app.t(T::Tokens)),
        QaInputError::Tokenizer(e) => e.clone(),
    }
}

/// The answer: highlighted in the document with the probabilities over it, the windows, the
/// candidates and the mechanism.
#[component]
fn Answer(out: QaOutcome, question: String, doc: String, ms: f64, gold: Option<Vec<String>>, shown_window: RwSignal<Option<usize>>, lang: &'static str) -> impl IntoView {
    let app = expect_context::<AppState>();
    let Some(best) = out.candidates.first().cloned() else {
        return view! { <div class="message warn">{app.t(T::QaNoSpan)}</div> }.into_any();
    };
    let unsure = out.unsure();
    let verdict = gold.as_ref().map(|g| {
        let (em, f1) = em_f1(lang, &best.text, g);
        let mut distinct: Vec<&str> = Vec::new();
        for a in g {
            if !distinct.contains(&a.as_str()) {
                distinct.push(a);
            }
        }
        (distinct.join(" / "), em, f1)
    });
    let n_windows = out.prepared.windows.len();
    // The answering window's scores, for tests that compare the browser with PyTorch.
    let join = |v: &[f32]| v.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(",");
    let (start_logits, end_logits) = (join(&out.scores[best.window].start), join(&out.scores[best.window].end));
    let out = std::sync::Arc::new(out);
    let doc = std::sync::Arc::new(doc);
    let heat = {
        let (out, doc) = (out.clone(), doc.clone());
        move || heat_document(&out, &doc, shown_window.get().unwrap_or(best.window), best.chars)
    };
    let window_buttons = (0..n_windows)
        .map(|i| {
            let w = &out.prepared.windows[i];
            let label = format!("{} {} · {}–{}", app.t(T::QaWindow), i + 1, w.doc_start + 1, w.doc_start + w.doc_len);
            view! {
                <button class:active=move || shown_window.get() == Some(i) class:answered=i == best.window data-testid="qa-window" on:click=move |_| shown_window.set(Some(i))>
                    {label}{(i == best.window).then_some(" ★")}
                </button>
            }
        })
        .collect_view();
    let candidates = out
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| view! {
            <tr class:best=i == 0><td>{i + 1}</td><td class="span-text">{c.text.clone()}</td><td>{format!("{:.2}", c.score)}</td><td>{format!("{:.1}%", c.prob * 100.0)}</td><td>{c.window + 1}</td></tr>
        })
        .collect_view();
    view! {
        <div class="panel qa-answer" data-testid="qa-answer" data-answer=best.text.clone() data-start=best.chars.0.to_string() data-end=best.chars.1.to_string() data-window=best.window.to_string() data-unsure=unsure.to_string() data-start-logits=start_logits data-end-logits=end_logits data-question=question data-ms=format!("{ms:.0}") data-window-tokens=out.prepared.windows.iter().map(|w| w.ids.len()).max().unwrap_or(0).to_string()>
            <p class="answer-line"><span class="label">{app.t(T::QaAnswerLabel)}</span><mark class="answer">{best.text.clone()}</mark>
                <span class="figure">{format!("{} {:.2} · P(start)·P(end) {:.1}% · {ms:.0} ms", app.t(T::QaScore), best.score, best.prob * 100.0)}</span></p>
            {unsure.then(|| view! { <div class="message warn" data-testid="qa-unsure">{app.t(T::QaUnsure)}</div> })}
            {verdict.map(|(g, em, f1)| view! { <p class="figure" data-testid="qa-gold">{format!("{}: {g} · EM {em:.0} · F1 {:.0}", app.t(T::QaGold), f1 * 100.0)}</p> })}
            {(n_windows > 1).then(|| view! {
                <div class="presets windows" data-testid="qa-windows"><span class="label">{format!("{} ({n_windows})", app.t(T::QaWindows))}</span>{window_buttons}</div>
            })}
            <div class="qa-doc" data-testid="qa-doc">{heat}</div>
            <div class="legend">
                <span class="legend-item"><span class="swatch start"></span>{app.t(T::QaStartProb)}</span>
                <span class="legend-item"><span class="swatch end"></span>{app.t(T::QaEndProb)}</span>
                <span class="legend-item"><span class="swatch outside"></span>{app.t(T::QaOutsideWindow)}</span>
            </div>
        </div>
        <div class="panel">
            <h2>{app.t(T::QaCandidates)}</h2>
            <table class="candidates" data-testid="qa-candidates">
                <thead><tr><th>"#"</th><th>{app.t(T::QaSpan)}</th><th>{app.t(T::QaScore)}</th><th>"P"</th><th>{app.t(T::QaWindow)}</th></tr></thead>
                <tbody>{candidates}</tbody>
            </table>
        </div>
        {out.mechanism.clone().map(|m| view! { <MechanismPanel m=m /> })}
    }
    .into_any()
}

/// The document with the answer marked in place and every token of the shown window tinted by
/// its start (top edge, blue) and end (bottom edge, red) probabilities.
fn heat_document(out: &QaOutcome, doc: &str, window: usize, answer: (usize, usize)) -> impl IntoView {
    let chars: Vec<char> = doc.chars().collect();
    let p = &out.prepared;
    let w = &p.windows[window.min(p.windows.len() - 1)];
    let s = &out.scores[window.min(out.scores.len() - 1)];
    let (ps, pe) = (s.start_probs(), s.end_probs());
    let n = p.doc_tokens();
    let mut pieces = Vec::new();
    let mut at = 0usize;
    for i in 0..n {
        let (c0, c1) = p.doc_span(i);
        // The gap before the token (spaces) stays plain; the token's own characters are tinted.
        let gap: String = chars[at.min(chars.len())..c0.max(at).min(chars.len())].iter().collect();
        if !gap.is_empty() {
            // A space inside the answer is part of the highlight.
            let class = if at >= answer.0 && c0 <= answer.1 && at > answer.0 { "gap in-answer" } else { "gap" };
            pieces.push(view! { <span class=class>{gap}</span> }.into_any());
        }
        let text: String = chars[c0.max(at).min(chars.len())..c1.min(chars.len())].iter().collect();
        at = c1.max(at);
        let inside = i >= w.doc_start && i < w.doc_start + w.doc_len;
        let (a, b) = if inside { let pos = w.doc_offset + i - w.doc_start; (ps[pos], pe[pos]) } else { (0.0, 0.0) };
        let in_answer = c0 >= answer.0 && c1 <= answer.1;
        let style = format!("--ps:{:.3};--pe:{:.3}", a.sqrt(), b.sqrt());
        let title = format!("{} · start {:.1}% · end {:.1}%", p.doc_token(i), a * 100.0, b * 100.0);
        let class = match (inside, in_answer) {
            (_, true) => "qtok in-answer",
            (false, _) => "qtok outside",
            _ => "qtok",
        };
        pieces.push(view! { <span class=class style=style title=title>{text}</span> }.into_any());
    }
    let tail: String = chars[at.min(chars.len())..].iter().collect();
    view! { {pieces}<span class="qtok outside">{tail}</span> }
}

/// "How it works" with the real numbers of this answer.
#[component]
fn MechanismPanel(m: Mechanism) -> impl IntoView {
    let app = expect_context::<AppState>();
    let preview = |v: &[f32]| format!("[{}, …] ({} {})", v.iter().take(6).map(|x| format!("{x:+.2}")).collect::<Vec<_>>().join(", "), v.len(), app.t(T::QaNumbers));
    let rows = |list: &[TokenScore], bias: f32| {
        list.iter()
            .enumerate()
            .map(|(i, t)| view! {
                <tr class:best=i == 0><td>{t.token.clone()}</td><td>{format!("{:+.3}", t.dot)}</td><td>{format!("{bias:+.3}")}</td><td>{format!("{:+.3}", t.logit)}</td><td>{format!("{:.1}%", t.prob * 100.0)}</td></tr>
            })
            .collect_view()
    };
    let start_dot = dot(&m.start_hidden, &m.start_vector);
    let end_dot = dot(&m.end_hidden, &m.end_vector);
    view! {
        <div class="panel explain mechanism" data-testid="qa-mechanism">
            <h2>{app.t(T::QaHowTitle)}</h2>
            <p>{app.t(T::QaHowText)}</p>
            <p class="vector"><b>{app.t(T::QaStartVector)}</b>" = "{preview(&m.start_vector)}</p>
            <p class="vector"><b>{app.t(T::QaEndVector)}</b>" = "{preview(&m.end_vector)}</p>
            <p class="vector">{format!("h(start) · s = {start_dot:+.3}; + b_s {:+.3} = {:+.3}", m.start_bias, start_dot + m.start_bias)}</p>
            <p class="vector">{format!("h(end) · e = {end_dot:+.3}; + b_e {:+.3} = {:+.3}", m.end_bias, end_dot + m.end_bias)}</p>
            <div class="matrices">
                <table class="candidates"><caption>{app.t(T::QaTopStarts)}</caption>
                    <thead><tr><th>{app.t(T::QaToken)}</th><th>"h·s"</th><th>"b"</th><th>{app.t(T::QaScore)}</th><th>"softmax"</th></tr></thead>
                    <tbody>{rows(&m.top_starts, m.start_bias)}</tbody></table>
                <table class="candidates"><caption>{app.t(T::QaTopEnds)}</caption>
                    <thead><tr><th>{app.t(T::QaToken)}</th><th>"h·e"</th><th>"b"</th><th>{app.t(T::QaScore)}</th><th>"softmax"</th></tr></thead>
                    <tbody>{rows(&m.top_ends, m.end_bias)}</tbody></table>
            </div>
            <p class="figure">{app.t(T::QaArgmax)}</p>
        </div>
    }
}

/// Pre-training vs random initialisation: both fine-tuning runs' loss curves and EM/F1 (from
/// the model's card).
#[component]
fn Comparison(card: RwSignal<Option<serde_json::Value>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let card = card.get()?;
        let runs = card["runs"].as_array()?.clone();
        let colours = ["#2f5bd3", "#d9822b"];
        let series: Vec<(String, &str, Vec<(f64, f64)>)> = runs
            .iter()
            .zip(colours)
            .map(|(r, c)| {
                let label = if r["init"] == "pretrained" { app.t(T::QaPretrained) } else { app.t(T::QaRandomInit) };
                let pts = r["curve"].as_array().into_iter().flatten().filter_map(|p| Some((p["step"].as_f64()?, p["train_loss"].as_f64()?))).collect();
                (label.to_string(), c, pts)
            })
            .collect();
        let (w, h, left, pad, bottom) = (560.0, 240.0, 44.0, 16.0, 36.0);
        let xmax = series.iter().flat_map(|s| s.2.iter().map(|p| p.0)).fold(1.0, f64::max);
        let ymax = series.iter().flat_map(|s| s.2.iter().map(|p| p.1)).fold(0.0, f64::max).ceil().max(1.0);
        let x = move |v: f64| left + (w - left - pad) * v / xmax;
        let y = move |v: f64| pad + (h - pad - bottom) * (ymax - v) / ymax;
        let lines = series
            .iter()
            .map(|(name, c, pts)| {
                let p: Vec<String> = pts.iter().map(|(a, b)| format!("{:.1},{:.1}", x(*a), y(*b))).collect();
                view! { <polyline points=p.join(" ") fill="none" stroke=*c stroke-width="1.8"><title>{name.clone()}</title></polyline> }
            })
            .collect_view();
        let ticks = (0..=4)
            .map(|i| ymax * i as f64 / 4.0)
            .map(|t| view! {
                <line x1=left.to_string() x2=(w - pad).to_string() y1=y(t).to_string() y2=y(t).to_string() class="grid" />
                <text x=(left - 6.0).to_string() y=(y(t) + 4.0).to_string() class="tick" text-anchor="end">{format!("{t:.1}")}</text>
            })
            .collect_view();
        let xticks = (0..=4).map(|i| xmax * i as f64 / 4.0).map(|t| view! { <text x=x(t).to_string() y=(h - bottom + 16.0).to_string() class="tick" text-anchor="middle">{format!("{t:.0}")}</text> }).collect_view();
        let legend = series.iter().map(|(n, c, _)| view! { <span class="legend-item"><span class="swatch" style:background=*c></span>{n.clone()}</span> }).collect_view();
        let table = runs
            .iter()
            .map(|r| {
                let label = if r["init"] == "pretrained" { app.t(T::QaPretrained) } else { app.t(T::QaRandomInit) };
                view! { <tr data-testid="qa-run" data-init=r["init"].as_str().unwrap_or("").to_string()><td>{label}</td><td>{format!("{:.1}", r["valid"]["em"].as_f64().unwrap_or(f64::NAN))}</td><td>{format!("{:.1}", r["valid"]["f1"].as_f64().unwrap_or(f64::NAN))}</td><td>{format!("{:.3}", r["final_train_loss"].as_f64().unwrap_or(f64::NAN))}</td><td>{r["steps"].to_string()}</td></tr> }
            })
            .collect_view();
        let questions = card["data"]["valid_questions"].as_u64().unwrap_or(0);
        Some(view! {
            <div class="panel" data-control="curve" data-testid="qa-comparison">
                <h2>{app.t(T::QaCompareTitle)}</h2>
                <p>{app.t(T::QaCompareText)}</p>
                <figure class="chart loss-curve">
                    <svg width=w.to_string() height=h.to_string() viewBox=format!("0 0 {w} {h}") role="img">
                        {ticks}{xticks}{lines}
                        <text x=((left + w) / 2.0).to_string() y=(h - 4.0).to_string() class="tick" text-anchor="middle">{app.t(T::QaSteps)}</text>
                    </svg>
                    <div class="legend">{legend}</div>
                </figure>
                <table class="candidates">
                    <thead><tr><th></th><th>"EM"</th><th>"F1"</th><th>{app.t(T::QaFinalLoss)}</th><th>{app.t(T::QaSteps)}</th></tr></thead>
                    <tbody>{table}</tbody>
                </table>
                <p class="figure">{format!("{} {questions}", app.t(T::QaValidQuestions))}</p>
            </div>
        })
    }
}
