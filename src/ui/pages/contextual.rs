//! "Why BERT works: contextual embeddings" — the lecture's 果 example on all-MiniLM-L6-v2.

use leptos::prelude::*;

use crate::assets::MINILM;
use crate::runtime::load::now_ms;
use crate::task::bert::LoadedBert;
use crate::ui::tasks::Job;
use crate::task::contextual::{self, analyse, default_bank, default_chinese, default_english, prepare, LayerView, Problem, Sentence};
use crate::text::char_slice;
use crate::ui::components::charts::{LineChart, Scatter, Series};
use crate::ui::components::heatmap::Heatmap;
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, set_url_params_all, url_params_all, AppState, ModelStatus};
use crate::ui::url::{check_text, Rejected};

/// Limits on what the address (and the boxes) may carry.
const MAX_TARGET_CHARS: usize = 64;
const MAX_SENTENCE_CHARS: usize = 4000;
const MAX_ROWS: usize = 24;

/// The sentences from the address: `s=group|text`, repeated; `None` when there are none.
fn rows_from_url(app: &AppState) -> Option<Vec<Sentence>> {
    let values = url_params_all("s");
    if values.is_empty() {
        return None;
    }
    if values.len() > MAX_ROWS {
        app.reject("s", Rejected::TooLong { chars: values.len(), max: MAX_ROWS });
        return None;
    }
    let mut out = Vec::new();
    for v in values {
        match check_text(&v, MAX_SENTENCE_CHARS) {
            Ok(v) => {
                let (group, text) = v.split_once('|').unwrap_or(("", &v));
                out.push(Sentence { group: group.to_string(), text: text.to_string() });
            }
            Err(why) => {
                app.reject("s", why);
                return None;
            }
        }
    }
    Some(out)
}

/// One editable row.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: usize,
    group: String,
    text: String,
}

/// One sentence as the results show it.
#[derive(Clone, Debug, PartialEq)]
struct SentenceView {
    number: usize,
    text: String,
    group: usize,
    /// (token, is part of the target)
    tokens: Vec<(String, bool)>,
}

/// Everything a finished run produced (plain data, so it can live in a signal).
#[derive(Clone, Debug, PartialEq)]
struct RunResult {
    sentences: Vec<SentenceView>,
    group_names: Vec<String>,
    /// `[L + 2][S][H]` as in [`contextual::TargetVectors`].
    layers: Vec<Vec<Vec<f32>>>,
    target: String,
    unknown_target: bool,
    forward_ms: f64,
}

fn rows_from(sentences: Vec<Sentence>, next_id: &mut usize) -> Vec<Row> {
    sentences
        .into_iter()
        .map(|s| {
            *next_id += 1;
            Row { id: *next_id, group: s.group, text: s.text }
        })
        .collect()
}

fn layer_name(app: &AppState, k: usize) -> String {
    match k {
        0 => app.t(T::CtxStatic).to_string(),
        1 => app.t(T::CtxEmbeddingLayer).to_string(),
        k => format!("{} {}", app.t(T::CtxLayer), k - 1),
    }
}

/// The contextual-embeddings page.
#[component]
pub fn Contextual() -> impl IntoView {
    let app = expect_context::<AppState>();
    let mut ids = 0usize;
    let (t0, s0) = default_english();
    let (t0, s0) = match (app.url_text("target", MAX_TARGET_CHARS), rows_from_url(&app)) {
        (None, None) => (t0, s0),
        (t, s) => (t.unwrap_or(t0), s.unwrap_or(s0)),
    };
    // The layer the address asks for, applied to the first result.
    let url_layer = StoredValue::new(app.url_check("layer", |v| v.parse::<usize>().map_err(|_| Rejected::Unknown(crate::ui::url::shorten(v, 40)))));
    let target = RwSignal::new(t0);
    let rows = RwSignal::new(rows_from(s0, &mut ids));
    let next_id = StoredValue::new(ids);
    let result = RwSignal::new(None::<RunResult>);
    let problems = RwSignal::new(Vec::<(Problem, String)>::new());
    let error = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let pending = RwSignal::new(true); // run as soon as the model is ready
    let layer = RwSignal::new(0usize); // index into RunResult::layers; set to the last on each run
    let first_matrix_ms = RwSignal::new(None::<f64>);

    app.use_model(MINILM);
    let runs = Job::new();

    let run = move || {
        let Some(bert) = app.model::<LoadedBert>(MINILM) else {
            pending.set(true);
            crate::runtime::registry::ensure(MINILM);
            return;
        };
        pending.set(false);
        running.set(true);
        error.set(None);
        let sentences: Vec<Sentence> = rows.get_untracked().into_iter().map(|r| Sentence { group: r.group, text: r.text }).collect();
        let target_word = target.get_untracked();
        // The address keeps what this run shows.
        set_url_param("target", Some(&target_word), false);
        set_url_params_all("s", &sentences.iter().map(|s| format!("{}|{}", s.group, s.text)).collect::<Vec<_>>());
        // A newer run (a preset clicked while this one works) cancels this one.
        runs.restart(async move {
            crate::task::yield_now().await;
            let (prepared, found) = prepare(&bert, &sentences, &target_word);
            problems.set(found.into_iter().map(|p| {
                let text = match &p {
                    Problem::TargetMissing { index } | Problem::TooLong { index, .. } | Problem::Tokenizer { index, .. } => sentences[*index].text.clone(),
                    _ => String::new(),
                };
                (p, text)
            }).collect());
            let start = now_ms();
            match contextual::run(&bert, &prepared).await {
                Ok(v) if prepared.len() >= 2 => {
                    let mut group_names: Vec<String> = Vec::new();
                    let sentences = prepared
                        .iter()
                        .map(|p| {
                            let g = p.sentence.group.trim().to_string();
                            let group = group_names.iter().position(|n| *n == g).unwrap_or_else(|| {
                                group_names.push(g.clone());
                                group_names.len() - 1
                            });
                            let tokens = (0..p.encoded.len()).map(|i| (p.encoded.tokens[i].clone(), p.target_tokens.contains(&i))).collect();
                            SentenceView { number: p.index + 1, text: p.sentence.text.clone(), group, tokens }
                        })
                        .collect();
                    let last = v.layers.len() - 1;
                    let asked = url_layer.try_update_value(|l| l.take()).flatten();
                    layer.set(match asked {
                        Some(k) if (1..=last).contains(&k) => k,
                        Some(k) => {
                            app.reject("layer", Rejected::Unknown(k.to_string()));
                            last
                        }
                        None => last,
                    });
                    result.set(Some(RunResult {
                        sentences,
                        group_names,
                        layers: v.layers,
                        target: prepared.first().map(|p| char_slice(&p.sentence.text, p.target_chars.0, p.target_chars.1)).unwrap_or_default(),
                        unknown_target: prepared.iter().any(|p| p.target_unknown),
                        forward_ms: now_ms() - start,
                    }));
                    if first_matrix_ms.get_untracked().is_none() {
                        first_matrix_ms.set(Some(now_ms()));
                    }
                }
                Ok(_) => {
                    result.set(None);
                    if !target_word.trim().is_empty() && sentences.iter().any(|s| !s.text.trim().is_empty()) {
                        error.set(Some(app.t(T::ErrNeedTwo).to_string()));
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            running.set(false);
        });
    };

    // Run the default example once the model is ready (and any run asked for before that).
    Effect::new(move |_| {
        if matches!(app.model_status(MINILM).get(), ModelStatus::Ready(_)) && pending.get() && !running.get_untracked() {
            run();
        }
    });

    let load_preset = move |preset: (String, Vec<Sentence>)| {
        let mut id = next_id.get_value();
        rows.set(rows_from(preset.1, &mut id));
        next_id.set_value(id);
        target.set(preset.0);
        run();
    };

    let problem_text = move |p: &Problem, text: &str| -> String {
        let short: String = if text.chars().count() > 60 { format!("{}…", char_slice(text, 0, 60)) } else { text.to_string() };
        match p {
            Problem::EmptyTarget => app.t(T::ErrEmptyTarget).to_string(),
            Problem::NoSentences => app.t(T::ErrNoSentences).to_string(),
            Problem::TargetMissing { index } => format!("{} {} «{short}» {}", app.t(T::Sentence), index + 1, app.t(T::ErrTargetMissing)),
            Problem::TooLong { index, tokens, window } => {
                format!("{} {} ({tokens} {} > {window}) {}", app.t(T::Sentence), index + 1, app.t(T::Tokens), app.t(T::ErrTooLong))
            }
            Problem::Tokenizer { index, message } => format!("{} {}: {message}", app.t(T::Sentence), index + 1),
        }
    };

    view! {
        <section class="page contextual" data-testid="page-contextual">
            <h1>{move || app.t(T::CtxTitle)}</h1>
            <p class="lede">{move || app.t(T::CtxLede)}</p>

            <ModelLoad key=Signal::derive(|| MINILM.to_string()) />

            <div class="panel controls">
                <div class="presets" data-control="presets">
                    <span class="label">{move || app.t(T::CtxPresets)}</span>
                    <button on:click=move |_| load_preset(default_english()) data-testid="preset-apple">{move || app.t(T::CtxPresetApple)}</button>
                    <button on:click=move |_| load_preset(default_bank()) data-testid="preset-bank">{move || app.t(T::CtxPresetBank)}</button>
                    <button on:click=move |_| load_preset(default_chinese()) data-testid="preset-guo">{move || app.t(T::CtxPresetGuo)}</button>
                </div>
                <label class="target" data-control="target">
                    <span class="label">{move || app.t(T::CtxTarget)}</span>
                    <input type="text" maxlength=MAX_TARGET_CHARS.to_string() data-testid="target" prop:value=move || target.get()
                           on:input=move |ev| target.set(event_target_value(&ev)) />
                </label>
                <div class="sentences" data-control="sentences">
                <div class="label">{move || app.t(T::CtxSentences)}</div>
                <ol class="rows" data-testid="rows">
                    <For each=move || rows.get() key=|r| r.id let:row>
                        {
                            let id = row.id;
                            let set = move |f: &dyn Fn(&mut Row)| rows.update(|rs| if let Some(r) = rs.iter_mut().find(|r| r.id == id) { f(r) });
                            view! {
                                <li class="row">
                                    <input class="group" type="text" maxlength="40" prop:value=row.group.clone()
                                           on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.group = v.clone()) } />
                                    <input class="sentence" type="text" maxlength=MAX_SENTENCE_CHARS.to_string() prop:value=row.text.clone()
                                           on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.text = v.clone()) } />
                                    <button class="icon" title=move || app.t(T::CtxRemove) aria-label=move || app.t(T::CtxRemove)
                                            on:click=move |_| rows.update(|rs| rs.retain(|r| r.id != id))>"×"</button>
                                </li>
                            }
                        }
                    </For>
                </ol>
                </div>
                <div class="actions">
                    <button class="secondary" data-control="sentences" on:click=move |_| {
                        let id = next_id.get_value() + 1;
                        next_id.set_value(id);
                        let group = rows.with_untracked(|rs| rs.last().map(|r| r.group.clone()).unwrap_or_default());
                        rows.update(|rs| rs.push(Row { id, group, text: String::new() }));
                    }>{move || app.t(T::CtxAdd)}</button>
                    <button class="primary" data-testid="run" data-control="run" disabled=move || running.get() || matches!(app.model_status(MINILM).get(), ModelStatus::Loading(_))
                            on:click=move |_| run()>
                        {move || if running.get() { app.t(T::CtxRunning) } else { app.t(T::CtxRun) }}
                    </button>
                </div>
            </div>

            <div class="messages" data-testid="problems">
                {move || problems.get().iter().map(|(p, text)| view! { <div class="message warn" role="status">{problem_text(p, text)}</div> }).collect_view()}
                {move || result.get().filter(|r| r.unknown_target).map(|r| view! {
                    <div class="message warn" role="status" data-testid="unknown-target">"«"{r.target}"» "{app.t(T::ErrUnknown)}</div>
                })}
                {move || error.get().map(|e| view! { <div class="message error" role="alert" data-testid="run-error">{e}</div> })}
            </div>

            {move || result.get().map(|r| {
                let labels: Vec<String> = r.sentences.iter().map(|s| s.text.clone()).collect();
                let groups: Vec<usize> = r.sentences.iter().map(|s| s.group).collect();
                let numbers: Vec<usize> = r.sentences.iter().map(|s| s.number).collect();
                let group_keys: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
                // Every layer analysed once per run; the slider only picks one.
                let views: Vec<LayerView> = r.layers.iter().map(|l| analyse(l, &group_keys)).collect();
                let n_layers = views.len();
                let by_layer: Vec<(Option<f32>, Option<f32>)> = views.iter().map(|v| (v.same_group, v.cross_group)).collect();
                let stat = views[0].clone();
                let group_names = r.group_names.clone();
                let (labels2, groups2, numbers2) = (labels.clone(), groups.clone(), numbers.clone());
                view! {
                    <div class="results" data-testid="results" data-first-matrix-ms=move || first_matrix_ms.get().map(|v| format!("{v:.0}"))
                         data-forward-ms=format!("{:.1}", r.forward_ms)>
                        <div class="layer-select" data-control="layer">
                            <label>
                                <span class="label">{move || app.t(T::CtxLayer)}</span>
                                <input type="range" min="1" max=(n_layers - 1).to_string() step="1" data-testid="layer"
                                       prop:value=move || layer.get().to_string()
                                       on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                           let k = v.clamp(1, n_layers - 1);
                                           layer.set(k);
                                           set_url_param("layer", Some(&k.to_string()), false);
                                       } } />
                                <strong data-testid="layer-name">{move || layer_name(&app, layer.get())}</strong>
                            </label>
                            <span class="timing">{move || format!("{} {:.0} ms", app.t(T::CtxTime), r.forward_ms)}</span>
                        </div>
                        {move || {
                            let k = layer.get().min(n_layers - 1);
                            let view = views[k].clone();
                            let fmt = |v: Option<f32>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
                            // One colour scale for both maps, from a round value below the smallest similarity to 1.
                            let min = view.matrix.iter().flatten().cloned().fold(1.0f32, f32::min);
                            let range = (crate::ui::components::similarity_floor(min), 1.0);
                            view! {
                                <p class="summary" data-testid="summary" data-same=fmt(view.same_group) data-cross=fmt(view.cross_group)>
                                    {app.t(T::CtxAvg)}": "
                                    <strong>{app.t(T::CtxSame)}" "{fmt(view.same_group)}</strong>" · "
                                    <strong>{app.t(T::CtxCross)}" "{fmt(view.cross_group)}</strong>
                                    " ("{layer_name(&app, k)}") · "{app.t(T::CtxStatic)}" "{fmt(stat.same_group)}" / "{fmt(stat.cross_group)}
                                </p>
                                <div class="matrices">
                                    <Heatmap title=format!("{} — {}", app.t(T::CtxContextual), layer_name(&app, k)) matrix=view.matrix.clone()
                                             labels=labels2.clone() numbers=numbers2.clone() groups=groups2.clone() range=range test_id="matrix-contextual" />
                                    <Heatmap title=app.t(T::CtxStatic).to_string() matrix=stat.matrix.clone()
                                             labels=labels2.clone() numbers=numbers2.clone() groups=groups2.clone() range=range test_id="matrix-static" />
                                </div>
                                <div class="charts">
                                    <Scatter title=format!("{} — {}", app.t(T::CtxPca), layer_name(&app, k)) points=view.projection.points.clone()
                                             labels=labels2.clone() numbers=numbers2.clone() groups=groups2.clone() group_names=group_names.clone()
                                             axes=[format!("PC1 ({:.0}% {})", view.projection.explained[0] * 100.0, app.t(T::CtxExplained)),
                                                   format!("PC2 ({:.0}%)", view.projection.explained[1] * 100.0)] />
                                    <LineChart title=app.t(T::CtxByLayer).to_string()
                                               x_labels=(0..n_layers).map(|k| match k { 0 => "static".to_string(), 1 => "emb".to_string(), k => (k - 1).to_string() }).collect()
                                               series=vec![
                                                   Series { name: app.t(T::CtxSame).to_string(), color: "#0072B2", values: by_layer.iter().map(|v| v.0).collect() },
                                                   Series { name: app.t(T::CtxCross).to_string(), color: "#D55E00", values: by_layer.iter().map(|v| v.1).collect() },
                                               ]
                                               highlight=k />
                                </div>
                            }
                        }}
                        <h3>{move || app.t(T::CtxTokens)}</h3>
                        <ol class="sentence-list" data-testid="sentence-list">
                            {r.sentences.iter().map(|s| view! {
                                <li value=s.number.to_string()>
                                    <span class="swatch" style:background=crate::ui::components::group_color(s.group)></span>
                                    <span class="group-name">{r.group_names[s.group].clone()}</span>
                                    <span class="tokens">{s.tokens.iter().map(|(t, hit)| view! { <span class="tok" class:hit=*hit>{t.clone()}</span> }).collect_view()}</span>
                                </li>
                            }).collect_view()}
                        </ol>
                    </div>
                }
            })}
        </section>
    }
}
