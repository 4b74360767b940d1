//! "What a seq2seq decoder restores" (MASS, BART): the current sentence damaged by each of the
//! corruptions the lecture lists — masking a span, deleting tokens, text infilling, sentence
//! permutation, document rotation — beside the original the decoder has to write.
//!
//! URL state: `s2s` (the corruption), `s2sd` (the draw).

use leptos::prelude::*;

use crate::rng::Rng;
use crate::task::bert::LoadedPretraining;
use crate::task::seq2seq::{corrupt, Corruption, Piece};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState, ModelStatus};

/// The button label and one-line explanation of a corruption.
fn words(kind: Corruption) -> (T, T) {
    match kind {
        Corruption::Mask => (T::S2sMask, T::S2sMaskText),
        Corruption::Delete => (T::S2sDelete, T::S2sDeleteText),
        Corruption::Infill => (T::S2sInfill, T::S2sInfillText),
        Corruption::Permute => (T::S2sPermute, T::S2sPermuteText),
        Corruption::Rotate => (T::S2sRotate, T::S2sRotateText),
    }
}

/// One row of tokens, the marked ones highlighted.
fn row(pieces: Vec<Piece>, testid: &'static str) -> impl IntoView {
    let len = pieces.len().to_string();
    view! {
        <div class="chips small" data-testid=testid data-len=len>
            {pieces.into_iter().map(|p| view! { <span class=if p.marked { "chip restore" } else { "chip" }>{p.text}</span> }).collect_view()}
        </div>
    }
}

/// The seq2seq-corruption panel.
#[component]
pub fn Seq2seqCorruptions(model: RwSignal<&'static str>, text: RwSignal<String>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let kind = RwSignal::new(app.url_check("s2s", |v| Corruption::from_code(v).ok_or(crate::ui::url::Rejected::Unknown(v.to_string()))).unwrap_or(Corruption::Infill));
    let draw = RwSignal::new(app.url_check("s2sd", |v| v.parse::<u64>().map_err(|_| crate::ui::url::Rejected::Unknown(v.to_string()))).unwrap_or(1));
    let corrupted = Memo::new(move |_| {
        let ready = matches!(app.model_status(model.get()).get(), ModelStatus::Ready(_));
        let m = if ready { app.model::<LoadedPretraining>(model.get()) } else { None }?;
        let enc = m.tokenizer.encode(&text.get()).ok()?;
        let tokens: Vec<String> = enc.tokens.iter().zip(&enc.special).filter(|(_, s)| !**s).map(|(t, _)| t.clone()).collect();
        if tokens.is_empty() {
            return None;
        }
        Some(corrupt(kind.get(), &tokens, &mut Rng::new(draw.get().wrapping_mul(0x9E37_79B9))))
    });
    Effect::new(move |_| {
        let (k, d) = (kind.get(), draw.get());
        set_url_param("s2s", (k != Corruption::Infill).then_some(k.code()), false);
        let d = d.to_string();
        set_url_param("s2sd", (d != "1").then_some(d.as_str()), false);
    });
    view! {
        <div class="panel" data-control="seq2seq" data-testid="seq2seq">
            <h2>{move || app.t(T::S2sTitle)}</h2>
            <p>{move || app.t(T::S2sText)}</p>
            <div class="presets" role="group" aria-label=move || app.t(T::S2sTitle)>
                {Corruption::ALL.into_iter().map(|k| view! {
                    <button class:active=move || kind.get() == k aria-pressed=move || (kind.get() == k).to_string()
                            data-testid=format!("s2s-{}", k.code()) on:click=move |_| kind.set(k)>{move || app.t(words(k).0)}</button>
                }).collect_view()}
                <button data-testid="s2s-draw" on:click=move |_| draw.update(|d| *d += 1)>{move || app.t(T::MaskNewExample)}</button>
            </div>
            <p class="hint" data-testid="s2s-explain">{move || app.t(words(kind.get()).1)}</p>
            {move || corrupted.get().map(|c| view! {
                <p class="label">{app.t(T::S2sEncoder)}</p>
                {row(c.input, "s2s-input")}
                <p class="label">{app.t(T::S2sDecoder)}</p>
                {row(c.target, "s2s-target")}
                {c.one_sentence.then(|| view! { <p class="message warn" data-testid="s2s-one-sentence">{app.t(T::S2sOneSentence)}</p> })}
            })}
        </div>
    }
}
