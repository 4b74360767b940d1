//! The GPT page's view-model: the signals the page shows and the actions its buttons take
//! (start from the prompt, append a clicked token, sample `n` tokens, stop, switch model), around
//! one [`Generation`] that lives as long as the page.

use std::rc::Rc;

use leptos::prelude::*;

use crate::assets::{GPTS, SMOLLM2};
use crate::rng::Rng;
use crate::runtime::load::now_ms;
use crate::task::gpt::{LoadedGpt, LONG_PROMPT};
use crate::task::gpt_generation::{examples, Appended, Generation, StartError};
use crate::task::sampling::{sample, Sampling};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};
use crate::ui::tasks::Job;
use crate::ui::url::{check_choice, check_number};

use super::bars::Bar;
use super::output::{Chosen, Speed};
use super::MAX_PROMPT_CHARS;

/// Bars shown.
const SHOW: usize = 12;

/// Everything the page shows, and its actions.
#[derive(Clone, Copy)]
pub struct GptSession {
    app: AppState,
    /// The model's manifest id.
    pub model: RwSignal<&'static str>,
    /// The prompt as the user wrote it.
    pub prompt: RwSignal<String>,
    /// Sampling temperature (0 = greedy).
    pub temperature: RwSignal<f32>,
    /// Top-k (0 = all).
    pub top_k: RwSignal<usize>,
    /// Top-p.
    pub top_p: RwSignal<f32>,
    /// Chat mode (SmolLM2's template).
    pub chat: RwSignal<bool>,
    /// The next-token bars.
    pub bars: RwSignal<Vec<Bar>>,
    /// Every chosen token.
    pub chosen: RwSignal<Vec<Chosen>>,
    /// The continuation.
    pub text: RwSignal<String>,
    /// The prompt as the model read it.
    pub read_prompt: RwSignal<String>,
    /// What went wrong, or why generation stopped.
    pub problem: RwSignal<Option<String>>,
    /// Whether the model is running.
    pub busy: RwSignal<bool>,
    /// Reading and decoding figures.
    pub speed: RwSignal<Option<Speed>>,
    /// Tokens in the context, and the most it holds.
    pub context: RwSignal<(usize, usize)>,
    /// Prompt tokens read so far while a long prompt is read (done, total).
    pub prefill: RwSignal<Option<(usize, usize)>>,
    stop: RwSignal<bool>,
    // Out of the store while the model reads; freed with the page (its KV cache with it).
    session: StoredValue<Option<Generation>, LocalStorage>,
    // A new start cancels the run in flight; leaving the page cancels it.
    decoding: Job,
}

impl GptSession {
    /// The session of a new page, from the address; it starts when the model is ready and again
    /// whenever the prompt, chat mode or model changes.
    pub fn new(app: AppState) -> Self {
        let model = RwSignal::new(app.url_check("m", |v| check_choice(v, &GPTS)).unwrap_or(SMOLLM2));
        let s = GptSession {
            app,
            model,
            prompt: RwSignal::new(app.url_text("prompt", MAX_PROMPT_CHARS).unwrap_or_else(|| examples(model.get_untracked())[0].to_string())),
            temperature: RwSignal::new(app.url_check("t", |v| check_number(v, 0.0, 2.0)).unwrap_or(0.8) as f32),
            top_k: RwSignal::new(app.url_check("k", |v| check_number(v, 0.0, 200.0)).unwrap_or(40.0) as usize),
            top_p: RwSignal::new(app.url_check("pp", |v| check_number(v, 0.05, 1.0)).unwrap_or(0.95) as f32),
            chat: RwSignal::new(app.url_check("chat", |v| check_choice(v, &["0", "1"])) == Some("1")),
            bars: RwSignal::new(Vec::new()),
            chosen: RwSignal::new(Vec::new()),
            text: RwSignal::new(String::new()),
            read_prompt: RwSignal::new(String::new()),
            problem: RwSignal::new(None),
            busy: RwSignal::new(false),
            speed: RwSignal::new(None),
            context: RwSignal::new((0, 0)),
            prefill: RwSignal::new(None),
            stop: RwSignal::new(false),
            session: StoredValue::new_local(None),
            decoding: Job::new(),
        };
        Effect::new(move |_| app.use_model(s.model.get()));
        Effect::new(move |_| {
            let _ = (s.prompt.get(), s.chat.get());
            if matches!(app.model_status(s.model.get()).get(), ModelStatus::Ready(_)) {
                s.start();
            }
        });
        // Sliders redraw from the kept logits.
        Effect::new(move |_| {
            let set = s.settings();
            set_url_param("t", Some(&format!("{}", set.temperature)), false);
            set_url_param("k", Some(&set.top_k.to_string()), false);
            set_url_param("pp", Some(&format!("{}", set.top_p)), false);
            if let Some(gpt) = s.gpt() {
                s.redraw(&gpt);
            }
        });
        s
    }

    fn gpt(self) -> Option<Rc<LoadedGpt>> {
        self.app.model::<LoadedGpt>(self.model.get_untracked())
    }

    fn settings(self) -> Sampling {
        Sampling { temperature: self.temperature.get(), top_k: self.top_k.get(), top_p: self.top_p.get() }
    }

    fn say(self, t: T) {
        self.problem.set(Some(self.app.t(t).to_string()));
    }

    fn failed(self, e: String) {
        self.problem.set(Some(format!("{}: {e}", self.app.t(T::QaDeviceFailed))));
    }

    fn clear(self) {
        self.chosen.set(Vec::new());
        self.speed.set(None);
        self.problem.set(None);
        self.bars.set(Vec::new());
        self.text.set(String::new());
    }

    fn redraw(self, gpt: &LoadedGpt) {
        let settings = untrack(|| self.settings());
        self.session.with_value(|g| {
            if let Some(g) = g {
                self.bars.set(g.distribution(&settings, SHOW).into_iter().map(|c| Bar { id: c.id, text: gpt.token_text(c.id), prob: c.prob, pick: c.pick }).collect());
                self.text.set(g.continuation(gpt));
                self.context.set((g.len(), gpt.max_context()));
            }
        });
    }

    /// Reads what the session has not read yet; the tokens read.
    async fn advance(self, gpt: &LoadedGpt) -> Result<usize, String> {
        let Some(mut g) = self.session.try_update_value(|s| s.take()).flatten() else { return Err("no session".into()) };
        let long = g.unread() > LONG_PROMPT;
        let result = g.read(gpt, &|done, total| if long { self.prefill.set(Some((done, total))) }).await;
        self.prefill.set(None);
        self.session.set_value(Some(g));
        result
    }

    /// (Re)starts from the prompt.
    pub fn start(self) {
        let Some(gpt) = self.gpt() else { return };
        let user = self.prompt.get_untracked();
        let text = if self.chat.get_untracked() && gpt.chat_template.is_some() { gpt.chat_prompt(&user) } else { user.clone() };
        set_url_param("m", (self.model.get_untracked() != SMOLLM2).then_some(self.model.get_untracked()), false);
        set_url_param("prompt", Some(&user), false);
        set_url_param("chat", self.chat.get_untracked().then_some("1"), false);
        self.clear();
        self.read_prompt.set(String::new());
        let started = if user.trim().is_empty() { Err(StartError::Empty) } else { Generation::start(&gpt, &text) };
        match started {
            Ok(g) => self.session.set_value(Some(g)),
            Err(StartError::Empty) => return self.say(T::GptErrEmpty),
            Err(StartError::TooLong { tokens, max }) => return self.problem.set(Some(format!("{} ({tokens} > {max} {})", self.app.t(T::GptErrTooLong), self.app.t(T::Tokens)))),
            Err(StartError::Tokenizer(e)) => return self.problem.set(Some(e)),
        }
        self.read_prompt.set(text);
        self.busy.set(true);
        self.decoding.restart(async move {
            let t0 = now_ms();
            match self.advance(&gpt).await {
                Ok(n) => {
                    self.speed.set(Some(Speed { read: (n, now_ms() - t0), decoded: (0, 0.0) }));
                    self.redraw(&gpt);
                }
                Err(e) => self.failed(e),
            }
            self.busy.set(false);
        });
    }

    /// Appends `id` (chosen by `how`) and reads it; false when generation cannot go on.
    async fn append(self, gpt: &LoadedGpt, id: u32, prob: f32, how: &'static str) -> bool {
        match self.session.try_update_value(|s| s.as_mut().map(|g| g.append(gpt, id))).flatten().unwrap_or(Appended::Full) {
            Appended::Full => {
                self.problem.set(Some(format!("{} ({} {})", self.app.t(T::GptErrTooLong), gpt.max_context(), self.app.t(T::Tokens))));
                false
            }
            Appended::EndOfText => {
                self.chosen.update(|c| c.push(Chosen { text: "⟨EOS⟩".into(), prob, how }));
                self.say(T::GptEos);
                false
            }
            Appended::Token => {
                self.chosen.update(|c| c.push(Chosen { text: gpt.token_text(id), prob, how }));
                match self.advance(gpt).await {
                    Ok(_) => {
                        self.redraw(gpt);
                        true
                    }
                    Err(e) => {
                        self.failed(e);
                        false
                    }
                }
            }
        }
    }

    /// Appends the clicked bar's token.
    pub fn pick(self, bar: Bar) {
        let Some(gpt) = self.gpt() else { return };
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        self.decoding.spawn(async move {
            self.append(&gpt, bar.id, bar.prob, "click").await;
            self.busy.set(false);
        });
    }

    /// Samples up to `n` tokens under the sampling settings (Stop ends it).
    pub fn generate(self, n: usize) {
        let Some(gpt) = self.gpt() else { return };
        if self.busy.get_untracked() || self.session.with_value(Option::is_none) {
            return;
        }
        self.busy.set(true);
        self.stop.set(false);
        self.problem.set(None);
        let settings = untrack(|| self.settings());
        let how = if settings.is_greedy() { "greedy" } else { "sample" };
        self.decoding.spawn(async move {
            let (mut rng, t0) = (Rng::new(now_ms() as u64), now_ms());
            for made in 1..=n {
                if self.stop.get_untracked() {
                    self.say(T::GptStopped);
                    break;
                }
                let Some(c) = self.session.with_value(|g| g.as_ref().and_then(|g| sample(g.logits(), &settings, &mut rng))) else { break };
                let go_on = self.append(&gpt, c.id, c.prob, how).await;
                self.speed.update(|sp| if let Some(sp) = sp.as_mut() { sp.decoded = (made, now_ms() - t0) });
                if !go_on {
                    break;
                }
                crate::task::yield_to_browser().await;
            }
            self.busy.set(false);
        });
    }

    /// Stops generation after the current token; a long prompt being read stops at once (Reset
    /// reads it again).
    pub fn stop(self) {
        if self.prefill.get_untracked().is_some() {
            self.decoding.cancel();
            self.prefill.set(None);
            self.busy.set(false);
            self.session.set_value(None);
            self.say(T::GptStopped);
        } else {
            self.stop.set(true);
        }
    }

    /// Another model: its own session; the prompt follows unless the user wrote their own.
    pub fn switch(self, id: &'static str) {
        if self.model.get_untracked() == id {
            return;
        }
        let mine = examples(self.model.get_untracked()).contains(&self.prompt.get_untracked().as_str());
        self.session.set_value(None);
        self.clear();
        self.model.set(id);
        if mine {
            self.prompt.set(examples(id)[0].to_string());
        }
    }
}
