//! "GPT: next-token prediction": a prompt, the model's distribution over the next token as
//! bars (before and after temperature / top-k / top-p), click a bar to append that token or let
//! the model sample; every chosen token keeps its probability; tokens per second.
//!
//! URL state: `m` (`smollm2-135m-instruct` or `gpt-zh`), `prompt`, `t` (temperature), `k`
//! (top-k), `pp` (top-p), `chat` (1: wrap the prompt in SmolLM2's chat template).

use std::cell::RefCell;

use leptos::prelude::*;

use crate::model::KvCache;
use crate::assets::{GPT_ZH, SMOLLM2};
use crate::runtime::load::now_ms;
use crate::task::gpt::{LoadedGpt, PREFILL_CHUNK, GPT_ZH_EXAMPLES, SMOLLM2_EXAMPLES};
use crate::rng::Rng;
use crate::task::sampling::{distribution, sample, Sampling};
use crate::ui::components::progress::{Bar as ProgressBar, ModelLoad};
use crate::ui::tasks::Job;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::url::check_number;

/// Longest prompt the page (and the address) takes, in characters.
const MAX_PROMPT_CHARS: usize = 4000;
/// Bars shown.
const SHOW: usize = 12;
/// Tokens one press of "Generate" makes at most.
const GENERATE_TOKENS: usize = 48;


/// What the model has read: the token ids, the cache that holds them, and the logits after the
/// last one (kept so that moving a slider redraws the distribution without running the model).
struct Session {
    ids: Vec<u32>,
    prompt_len: usize,
    cache: KvCache,
    logits: Vec<f32>,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// One bar of the distribution.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    id: u32,
    text: String,
    prob: f32,
    pick: f32,
}

/// One chosen token.
#[derive(Debug, Clone, PartialEq)]
struct Chosen {
    text: String,
    prob: f32,
    how: &'static str,
}

/// The next-token page.
#[component]
pub fn Gpt() -> impl IntoView {
    let app = expect_context::<AppState>();
    let model = RwSignal::new(app.url_check("m", |v| crate::ui::url::check_choice(v, &[SMOLLM2, GPT_ZH])).unwrap_or(SMOLLM2));
    let prompt = RwSignal::new(app.url_text("prompt", MAX_PROMPT_CHARS).unwrap_or_else(|| examples(model.get_untracked())[0].to_string()));
    let temperature = RwSignal::new(app.url_check("t", |v| check_number(v, 0.0, 2.0)).unwrap_or(0.8) as f32);
    let top_k = RwSignal::new(app.url_check("k", |v| check_number(v, 0.0, 200.0)).unwrap_or(40.0) as usize);
    let top_p = RwSignal::new(app.url_check("pp", |v| check_number(v, 0.05, 1.0)).unwrap_or(0.95) as f32);
    let chat = RwSignal::new(app.url_check("chat", |v| crate::ui::url::check_choice(v, &["0", "1"])) == Some("1"));
    let bars = RwSignal::new(Vec::<Bar>::new());
    let chosen = RwSignal::new(Vec::<Chosen>::new());
    let text_out = RwSignal::new(String::new());
    // The prompt as the model reads it (with the chat template in chat mode).
    let read_prompt = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let stop = RwSignal::new(false);
    let speed = RwSignal::new(None::<(usize, f64, usize, f64)>); // prompt tokens, ms; decoded tokens, ms
    let context = RwSignal::new((0usize, 0usize));
    // Prompt tokens read so far while a long prompt is read (done, total).
    let prefill = RwSignal::new(None::<(usize, usize)>);
    // The page's model runs: a new start cancels the run in flight; leaving the page cancels it.
    let decoding = Job::new();
    let status = move || app.model_status(model.get()).get();
    Effect::new(move |_| app.use_model(model.get()));

    let settings = move || Sampling { temperature: temperature.get(), top_k: top_k.get(), top_p: top_p.get() };
    let redraw = move |gpt: &LoadedGpt| {
        let s = untrack(settings);
        SESSION.with(|cell| {
            if let Some(sess) = cell.borrow().as_ref() {
                bars.set(distribution(&sess.logits, &s, SHOW).into_iter().map(|c| Bar { id: c.id, text: gpt.token_text(c.id), prob: c.prob, pick: c.pick }).collect());
                text_out.set(gpt.decode(&sess.ids[sess.prompt_len..]));
                context.set((sess.ids.len(), gpt.max_context()));
            }
        });
    };
    // Reads what the session has not read yet and stores the next-token logits.
    let advance = move |gpt: std::rc::Rc<LoadedGpt>| async move {
        let pending = SESSION.with(|cell| cell.borrow_mut().take());
        let Some(mut sess) = pending else { return Err("no session".to_string()) };
        let feed = sess.ids[sess.cache.len()..].to_vec();
        let long = feed.len() > PREFILL_CHUNK;
        let result = gpt.next_logits_chunked(&feed, &mut sess.cache, PREFILL_CHUNK, &|done, total| if long { prefill.set(Some((done, total))) }).await;
        prefill.set(None);
        let ok = result.map(|logits| sess.logits = logits);
        SESSION.with(|cell| *cell.borrow_mut() = Some(sess));
        ok.map(|_| feed.len())
    };
    let full_prompt = move || {
        let p = prompt.get_untracked();
        match app.model::<LoadedGpt>(model.get_untracked()) {
            Some(g) if chat.get_untracked() && g.chat_template.is_some() => g.chat_prompt(&p),
            _ => p,
        }
    };
    // (Re)starts from the prompt.
    let start = move || {
        let Some(gpt) = app.model::<LoadedGpt>(model.get_untracked()) else { return };
        let text = full_prompt();
        set_url_param("m", (model.get_untracked() != SMOLLM2).then_some(model.get_untracked()), false);
        set_url_param("prompt", Some(&prompt.get_untracked()), false);
        set_url_param("chat", chat.get_untracked().then_some("1"), false);
        chosen.set(Vec::new());
        speed.set(None);
        problem.set(None);
        bars.set(Vec::new());
        text_out.set(String::new());
        read_prompt.set(String::new());
        if prompt.get_untracked().trim().is_empty() {
            problem.set(Some(app.t(T::GptErrEmpty).to_string()));
            return;
        }
        let ids = match gpt.encode(&text) {
            Ok(ids) => ids,
            Err(e) => return problem.set(Some(e)),
        };
        if ids.len() >= gpt.max_context() {
            problem.set(Some(format!("{} ({} > {} {})", app.t(T::GptErrTooLong), ids.len(), gpt.max_context() - 1, app.t(T::Tokens))));
            return;
        }
        let prompt_len = ids.len();
        read_prompt.set(text);
        SESSION.with(|cell| *cell.borrow_mut() = Some(Session { ids, prompt_len, cache: KvCache::new(), logits: Vec::new() }));
        busy.set(true);
        decoding.restart(async move {
            let t0 = now_ms();
            match advance(gpt.clone()).await {
                Ok(n) => {
                    speed.set(Some((n, now_ms() - t0, 0, 0.0)));
                    redraw(&gpt);
                }
                Err(e) => problem.set(Some(format!("{}: {e}", app.t(T::QaDeviceFailed)))),
            }
            busy.set(false);
        });
    };
    // Appends `id` (chosen by `how`) and reads it.
    let append = move |gpt: std::rc::Rc<LoadedGpt>, id: u32, prob: f32, how: &'static str| async move {
        let eos = gpt.eos() == Some(id);
        let full = SESSION.with(|cell| {
            let mut b = cell.borrow_mut();
            let Some(sess) = b.as_mut() else { return true };
            if sess.ids.len() + 1 >= gpt.max_context() {
                return true;
            }
            sess.ids.push(id);
            false
        });
        if full {
            problem.set(Some(format!("{} ({} {})", app.t(T::GptErrTooLong), gpt.max_context(), app.t(T::Tokens))));
            return false;
        }
        chosen.update(|c| c.push(Chosen { text: if eos { "⟨EOS⟩".into() } else { gpt.token_text(id) }, prob, how }));
        if eos {
            problem.set(Some(app.t(T::GptEos).to_string()));
            text_out.set(SESSION.with(|cell| cell.borrow().as_ref().map(|s| gpt.decode(&s.ids[s.prompt_len..])).unwrap_or_default()));
            return false;
        }
        match advance(gpt.clone()).await {
            Ok(_) => {
                redraw(&gpt);
                true
            }
            Err(e) => {
                problem.set(Some(format!("{}: {e}", app.t(T::QaDeviceFailed))));
                false
            }
        }
    };
    let pick = move |bar: Bar| {
        let Some(gpt) = app.model::<LoadedGpt>(model.get_untracked()) else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        decoding.spawn(async move {
            append(gpt, bar.id, bar.prob, "click").await;
            busy.set(false);
        });
    };
    let generate = move |n: usize| {
        let Some(gpt) = app.model::<LoadedGpt>(model.get_untracked()) else { return };
        if busy.get_untracked() || SESSION.with(|c| c.borrow().is_none()) {
            return;
        }
        busy.set(true);
        stop.set(false);
        problem.set(None);
        let s = untrack(settings);
        decoding.spawn(async move {
            let mut rng = Rng::new(now_ms() as u64);
            let t0 = now_ms();
            let mut made = 0;
            for _ in 0..n {
                if stop.get_untracked() {
                    problem.set(Some(app.t(T::GptStopped).to_string()));
                    break;
                }
                let logits = SESSION.with(|cell| cell.borrow().as_ref().map(|s| s.logits.clone())).unwrap_or_default();
                let Some(c) = sample(&logits, &s, &mut rng) else { break };
                let how = if s.is_greedy() { "greedy" } else { "sample" };
                let go_on = append(gpt.clone(), c.id, c.prob, how).await;
                made += 1;
                speed.update(|sp| if let Some(sp) = sp.as_mut() { sp.2 = made; sp.3 = now_ms() - t0; });
                if !go_on {
                    break;
                }
                crate::task::yield_now().await;
            }
            busy.set(false);
        });
    };
    // Start when the model is ready and whenever the prompt or chat mode changes.
    Effect::new(move |_| {
        let _ = (prompt.get(), chat.get(), model.get());
        if matches!(status(), ModelStatus::Ready(_)) {
            start();
        }
    });
    // Sliders redraw from the kept logits.
    Effect::new(move |_| {
        let s = settings();
        set_url_param("t", Some(&format!("{}", s.temperature)), false);
        set_url_param("k", Some(&s.top_k.to_string()), false);
        set_url_param("pp", Some(&format!("{}", s.top_p)), false);
        if let Some(gpt) = app.model::<LoadedGpt>(model.get_untracked()) {
            redraw(&gpt);
        }
    });

    // Another model: its own session; the prompt follows unless the user wrote their own.
    let switch = move |id: &'static str| {
        if model.get_untracked() == id {
            return;
        }
        let mine = examples(model.get_untracked()).contains(&prompt.get_untracked().as_str());
        SESSION.with(|cell| *cell.borrow_mut() = None);
        problem.set(None);
        bars.set(Vec::new());
        chosen.set(Vec::new());
        text_out.set(String::new());
        speed.set(None);
        model.set(id);
        if mine {
            prompt.set(examples(id)[0].to_string());
        }
    };
    let bar_view = move || {
        let list = bars.get();
        let max = list.iter().map(|b| b.prob.max(b.pick)).fold(0.0f32, f32::max).max(1e-6);
        let top = serde_json::to_string(&list.iter().map(|b| serde_json::json!({"text": b.text, "p": b.prob, "pick": b.pick})).collect::<Vec<_>>()).unwrap_or_default();
        let rows = list
            .into_iter()
            .map(|b| {
                let label = visible(&b.text);
                let (w1, w2) = (100.0 * b.prob / max, 100.0 * b.pick / max);
                let title = format!("id {} · P {:.2}% · pick {:.2}%", b.id, b.prob * 100.0, b.pick * 100.0);
                let cut = b.pick == 0.0;
                let bar = b.clone();
                view! {
                    <button class="next-bar" class:cut=cut title=title data-testid="gpt-candidate" disabled=move || busy.get() on:click=move |_| pick(bar.clone())>
                        <span class="tok">{label}</span>
                        <span class="bars"><span class="bar p" style:width=format!("{w1:.1}%")></span><span class="bar pick" style:width=format!("{w2:.1}%")></span></span>
                        <span class="num">{format!("{:.1}%", b.prob * 100.0)}</span>
                        <span class="num pick">{if cut { "—".to_string() } else { format!("{:.1}%", b.pick * 100.0) }}</span>
                    </button>
                }
            })
            .collect_view();
        view! { <div class="next-bars" data-testid="gpt-distribution" data-top=top>{rows}</div> }
    };
    let chosen_view = move || {
        chosen
            .get()
            .into_iter()
            .map(|c| {
                let title = format!("{} · P = {:.2}%", c.how, c.prob * 100.0);
                let hue = (c.prob.clamp(0.0, 1.0) * 120.0) as u32;
                view! { <span class="chosen" title=title style=format!("--hue:{hue}") data-testid="gpt-chosen"><span class="tok">{visible(&c.text)}</span><span class="p">{format!("{:.0}%", c.prob * 100.0)}</span></span> }
            })
            .collect_view()
    };

    view! {
        <section class="page gpt" data-testid="page-gpt">
            <h1>{move || app.t(T::GptTitle)}</h1>
            <p class="lede">{move || app.t(T::GptLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="model">
                    <span class="label">{move || app.t(T::ModelLabel)}</span>
                    <button class:active=move || model.get() == SMOLLM2 data-testid="gpt-model-smollm2" disabled=move || busy.get() on:click=move |_| switch(SMOLLM2)>"SmolLM2-135M-Instruct"</button>
                    <button class:active=move || model.get() == GPT_ZH data-testid="gpt-model-gpt-zh" disabled=move || busy.get() on:click=move |_| switch(GPT_ZH)>{move || app.t(T::GptModelZh)}</button>
                    {move || match status() { ModelStatus::Ready(_) => app.model::<LoadedGpt>(model.get()).map(|g| view! { <span class="hint">{g.storage.clone()}</span> }), _ => None }}
                </div>
                {move || (model.get() == GPT_ZH).then(|| view! { <p class="hint" data-testid="gpt-zh-about">{app.t(T::GptZhAbout)}</p> })}
                <div class="presets" data-control="examples">
                    <span class="label">{move || app.t(T::CtxPresets)}</span>
                    {move || examples(model.get()).iter().map(|&e| view! {
                        <button class:active=move || prompt.get() == e data-testid="gpt-example" disabled=move || busy.get() on:click=move |_| prompt.set(e.to_string())>{e}</button>
                    }).collect_view()}
                </div>
                <label class="target wide" data-control="prompt"><span class="label">{move || app.t(T::GptPrompt)}</span>
                    <textarea rows="3" maxlength=MAX_PROMPT_CHARS.to_string() data-testid="gpt-prompt" prop:value=move || prompt.get()
                        on:change=move |ev| prompt.set(event_target_value(&ev))></textarea>
                </label>
                <label class="check" data-control="chat"><input type="checkbox" data-testid="gpt-chat" prop:checked=move || chat.get() disabled=move || model.get() == GPT_ZH on:change=move |ev| chat.set(event_target_checked(&ev)) />
                    {move || app.t(T::GptChat)}</label>
                <div class="sliders" data-control="sampling">
                    <label>{move || format!("{} {:.2}{}", app.t(T::GptTemperature), temperature.get(), if temperature.get() == 0.0 { " (greedy)" } else { "" })}
                        <input type="range" min="0" max="2" step="0.05" data-testid="gpt-temperature" prop:value=move || temperature.get().to_string() on:input=move |ev| temperature.set(event_target_value(&ev).parse().unwrap_or(0.8)) /></label>
                    <label>{move || format!("top-k {}", if top_k.get() == 0 { "∞".to_string() } else { top_k.get().to_string() })}
                        <input type="range" min="0" max="100" step="1" data-testid="gpt-top-k" prop:value=move || top_k.get().to_string() on:input=move |ev| top_k.set(event_target_value(&ev).parse().unwrap_or(40)) /></label>
                    <label>{move || format!("top-p {:.2}", top_p.get())}
                        <input type="range" min="0.05" max="1" step="0.05" data-testid="gpt-top-p" prop:value=move || top_p.get().to_string() on:input=move |ev| top_p.set(event_target_value(&ev).parse().unwrap_or(0.95)) /></label>
                </div>
                <div class="presets">
                    <button data-testid="gpt-step" disabled=move || busy.get() on:click=move |_| generate(1)>{move || app.t(T::GptStep)}</button>
                    <button data-testid="gpt-generate" disabled=move || busy.get() on:click=move |_| generate(GENERATE_TOKENS)>{move || format!("{} ({GENERATE_TOKENS})", app.t(T::GptGenerate))}</button>
                    <button data-testid="gpt-stop" disabled=move || !busy.get() on:click=move |_| {
                        if prefill.get_untracked().is_some() {
                            // Reading a long prompt: stop at once (the next Reset reads it again).
                            decoding.cancel();
                            prefill.set(None);
                            busy.set(false);
                            SESSION.with(|cell| *cell.borrow_mut() = None);
                            problem.set(Some(app.t(T::GptStopped).to_string()));
                        } else {
                            stop.set(true);
                        }
                    }>{move || app.t(T::GptStop)}</button>
                    <button data-testid="gpt-reset" disabled=move || busy.get() on:click=move |_| start()>{move || app.t(T::GptReset)}</button>
                </div>
            </div>
            <ModelLoad key=Signal::derive(move || model.get().to_string()) />
            {move || prefill.get().map(|(done, total)| view! {
                <div data-testid="gpt-prefill"><ProgressBar label=Signal::derive(move || format!("{} {done} / {total} {}", app.t(T::GptPromptRead), app.t(T::Tokens))) fraction=Signal::derive(move || Some(done as f64 / total.max(1) as f64)) /></div>
            })}
            {move || problem.get().map(|p| view! { <div class="message warn" role="status" data-testid="gpt-problem">{p}</div> })}
            <div class="panel" data-testid="gpt-output" data-text=move || text_out.get() data-busy=move || busy.get().to_string()>
                <p class="gpt-text"><span class="prompt-text">{move || read_prompt.get()}</span><span class="made">{move || text_out.get()}</span>{move || busy.get().then_some(view! { <span class="cursor">"▍"</span> })}</p>
                <div class="chosen-list">{chosen_view}</div>
                <p class="figure" data-testid="gpt-speed"
                    data-prompt-tps=move || speed.get().map(|(pn, pms, _, _)| format!("{:.2}", pn as f64 / (pms / 1000.0).max(1e-6))).unwrap_or_default()
                    data-decode-tps=move || speed.get().filter(|s| s.2 > 0).map(|(_, _, dn, dms)| format!("{:.3}", dn as f64 / (dms / 1000.0).max(1e-6))).unwrap_or_default()
                    data-decoded=move || speed.get().map(|s| s.2.to_string()).unwrap_or_default()>{move || speed.get().map(|(pn, pms, dn, dms)| {
                    let mut s = format!("{} {pn} {} · {:.0} ms · {:.1} {}/s", app.t(T::GptPromptRead), app.t(T::Tokens), pms, pn as f64 / (pms / 1000.0).max(1e-6), app.t(T::Tokens));
                    if dn > 0 { s += &format!(" · {} {dn} · {:.2} {}/s", app.t(T::GptDecoded), dn as f64 / (dms / 1000.0).max(1e-6), app.t(T::Tokens)); }
                    let (used, max) = context.get();
                    s + &format!(" · {used} / {max} {}", app.t(T::Tokens))
                })}</p>
            </div>
            <div class="panel">
                <h2>{move || app.t(T::GptNextTitle)}</h2>
                <p class="hint">{move || app.t(T::GptNextHint)}</p>
                {bar_view}
                <div class="legend">
                    <span class="legend-item"><span class="swatch p"></span>{move || app.t(T::GptProbModel)}</span>
                    <span class="legend-item"><span class="swatch pick"></span>{move || app.t(T::GptProbPick)}</span>
                </div>
            </div>
            <div class="panel explain"><h2>{move || app.t(T::GptHowTitle)}</h2><p>{move || app.t(T::GptHowText)}</p></div>
        </section>
    }
}

/// A token's text with its spaces and line breaks made visible.
fn visible(text: &str) -> String {
    if text.is_empty() {
        return "∅".into();
    }
    text.replace(' ', "␣").replace('\n', "↵")
}

/// The example prompts offered for a model.
fn examples(id: &str) -> &'static [&'static str] {
    if id == GPT_ZH {
        &GPT_ZH_EXAMPLES
    } else {
        &SMOLLM2_EXAMPLES
    }
}
