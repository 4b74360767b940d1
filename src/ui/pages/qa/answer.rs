//! The answer to one question: marked in the document with every token's start and end
//! probabilities drawn over it, the windows of a long document, the best spans, and the
//! mechanism panel.

use leptos::prelude::*;

use super::mechanism::MechanismPanel;
use crate::task::qa::{DocPiece, QaOutcome};
use crate::task::qa_metrics::verdict;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// The answer: highlighted in the document with the probabilities over it, the windows, the
/// candidates and the mechanism.
#[component]
pub fn Answer(out: QaOutcome, question: String, doc: String, ms: f64, gold: Option<Vec<String>>, shown_window: RwSignal<Option<usize>>, lang: &'static str) -> impl IntoView {
    let app = expect_context::<AppState>();
    let Some(best) = out.candidates.first().cloned() else {
        return view! { <div class="message warn">{app.t(T::QaNoSpan)}</div> }.into_any();
    };
    let unsure = out.unsure();
    let verdict = gold.as_ref().map(|g| verdict(lang, &best.text, g));
    let n_windows = out.prepared.windows.len();
    // The answering window's scores, for tests that compare the browser with PyTorch.
    let join = |v: &[f32]| v.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(",");
    let (start_logits, end_logits) = (join(&out.scores[best.window].start), join(&out.scores[best.window].end));
    let out = std::sync::Arc::new(out);
    let doc = std::sync::Arc::new(doc);
    let heat = {
        let (out, doc) = (out.clone(), doc.clone());
        move || document_view(out.document_pieces(&doc, shown_window.get().unwrap_or(best.window), best.chars))
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
        <div class="panel qa-answer" role="status" data-testid="qa-answer" data-answer=best.text.clone() data-start=best.chars.0.to_string() data-end=best.chars.1.to_string() data-window=best.window.to_string() data-unsure=unsure.to_string() data-start-logits=start_logits data-end-logits=end_logits data-question=question data-ms=format!("{ms:.0}") data-window-tokens=out.prepared.windows.iter().map(|w| w.ids.len()).max().unwrap_or(0).to_string()>
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

/// The document's pieces as spans: tokens tinted by their start (top edge, blue) and end (bottom
/// edge, red) probabilities, the answer marked, tokens outside the shown window greyed.
fn document_view(pieces: Vec<DocPiece>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|piece| match piece {
            DocPiece::Gap { text, in_answer } => view! { <span class=if in_answer { "gap in-answer" } else { "gap" }>{text}</span> }.into_any(),
            DocPiece::Token { text, token, inside, in_answer, probs: (a, b) } if !token.is_empty() => {
                let style = format!("--ps:{:.3};--pe:{:.3}", a.sqrt(), b.sqrt());
                let title = format!("{token} · start {:.1}% · end {:.1}%", a * 100.0, b * 100.0);
                let class = match (inside, in_answer) {
                    (_, true) => "qtok in-answer",
                    (false, _) => "qtok outside",
                    _ => "qtok",
                };
                view! { <span class=class style=style title=title>{text}</span> }.into_any()
            }
            DocPiece::Token { text, .. } => view! { <span class="qtok outside">{text}</span> }.into_any(),
        })
        .collect_view()
}
