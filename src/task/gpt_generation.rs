//! One GPT generation session, as the next-token page runs it: the prompt's token ids and what
//! has been appended, the KV cache that has read them, and the next-token logits after the last
//! (kept, so changing the sampling settings redraws the distribution without running the model).

use crate::assets::{GEMMA3, GPT_ZH};
use crate::model::KvCache;

use super::gpt::{LoadedGpt, GEMMA3_EXAMPLES, GPT_ZH_EXAMPLES, PREFILL_CHUNK, SMOLLM2_EXAMPLES};
use super::sampling::{distribution, Candidate, Sampling};

/// Why a prompt cannot start a session.
#[derive(Debug, Clone, PartialEq)]
pub enum StartError {
    /// Nothing but white space.
    Empty,
    /// `tokens` long; the model reads at most `max` (one more is needed for the answer).
    TooLong {
        /// The prompt's tokens.
        tokens: usize,
        /// The most a prompt may have.
        max: usize,
    },
    /// The tokenizer failed.
    Tokenizer(String),
}

/// What appending a token did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// Appended; [`Generation::read`] reads it.
    Token,
    /// The model's end-of-text token: appended to the list of choices, not to the text.
    EndOfText,
    /// The context is full: nothing was appended.
    Full,
}

/// One session: prompt, continuation, cache, logits.
pub struct Generation {
    ids: Vec<u32>,
    prompt_len: usize,
    cache: KvCache,
    logits: Vec<f32>,
}

impl Generation {
    /// A session for `prompt` (already in the model's template, if any); nothing read yet.
    pub fn start(gpt: &LoadedGpt, prompt: &str) -> Result<Self, StartError> {
        if prompt.trim().is_empty() {
            return Err(StartError::Empty);
        }
        let ids = gpt.encode(prompt).map_err(StartError::Tokenizer)?;
        if ids.len() >= gpt.max_context() {
            return Err(StartError::TooLong { tokens: ids.len(), max: gpt.max_context() - 1 });
        }
        Ok(Self { prompt_len: ids.len(), ids, cache: KvCache::new(), logits: Vec::new() })
    }

    /// Tokens not read yet (the whole prompt at first, then the token just appended).
    pub fn unread(&self) -> usize {
        self.ids.len() - self.cache.len()
    }

    /// Reads what the cache has not read yet (a long prompt `PREFILL_CHUNK` tokens at a time,
    /// telling `progress(done, total)`) and keeps the next-token logits. Returns the tokens read.
    pub async fn read(&mut self, gpt: &LoadedGpt, progress: &dyn Fn(usize, usize)) -> Result<usize, String> {
        let feed = self.ids[self.cache.len()..].to_vec();
        self.logits = gpt.next_logits_chunked(&feed, &mut self.cache, PREFILL_CHUNK, progress).await?;
        Ok(feed.len())
    }

    /// Appends `id` (read by the next [`Self::read`]) unless it ends the text or the context is full.
    pub fn append(&mut self, gpt: &LoadedGpt, id: u32) -> Appended {
        if gpt.eos() == Some(id) {
            return Appended::EndOfText;
        }
        if self.ids.len() + 1 >= gpt.max_context() {
            return Appended::Full;
        }
        self.ids.push(id);
        Appended::Token
    }

    /// The next-token logits after the last token read.
    pub fn logits(&self) -> &[f32] {
        &self.logits
    }

    /// The `show` most likely next tokens under `settings` (empty before the first read).
    pub fn distribution(&self, settings: &Sampling, show: usize) -> Vec<Candidate> {
        if self.logits.is_empty() {
            return Vec::new();
        }
        distribution(&self.logits, settings, show)
    }

    /// The text generated after the prompt.
    pub fn continuation(&self, gpt: &LoadedGpt) -> String {
        gpt.decode(&self.ids[self.prompt_len..])
    }

    /// Tokens in the context (prompt + continuation).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the session holds no tokens (never: a session starts with a prompt).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The example prompts offered for a GPT.
pub fn examples(id: &str) -> &'static [&'static str] {
    match id {
        GPT_ZH => &GPT_ZH_EXAMPLES,
        GEMMA3 => &GEMMA3_EXAMPLES,
        _ => &SMOLLM2_EXAMPLES,
    }
}

/// A token's text with its spaces and line breaks made visible (`␣`, `↵`; `∅` for none).
pub fn visible(text: &str) -> String {
    if text.is_empty() {
        return "∅".into();
    }
    text.replace(' ', "␣").replace('\n', "↵")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_made_visible() {
        assert_eq!(visible(" a\nb"), "␣a↵b");
        assert_eq!(visible(""), "∅");
        assert_eq!(examples(GPT_ZH)[0], GPT_ZH_EXAMPLES[0]);
        assert_eq!(examples("smollm2-135m-instruct")[0], SMOLLM2_EXAMPLES[0]);
    }
}
