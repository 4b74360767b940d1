//! The sentences of the experiment: read from the address, edited as rows (a group label and a
//! sentence each, removed with ×, added with "Add"), and the messages for the problems found in
//! them.

use leptos::prelude::*;

use super::{MAX_ROWS, MAX_SENTENCE_CHARS};
use crate::task::contextual::{Problem, Sentence};
use crate::text::char_slice;
use crate::ui::state::url_params_all;
use crate::ui::url::{check_text, Rejected};
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// One editable row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// A key that stays with the row while others are added or removed.
    pub id: usize,
    /// Its group label.
    pub group: String,
    /// Its sentence.
    pub text: String,
}

/// Rows for `sentences`, numbered on from `next_id`.
pub fn rows_from(sentences: Vec<Sentence>, next_id: &mut usize) -> Vec<Row> {
    sentences
        .into_iter()
        .map(|s| {
            *next_id += 1;
            Row { id: *next_id, group: s.group, text: s.text }
        })
        .collect()
}

/// The rows.
#[component]
pub fn SentenceRows(rows: RwSignal<Vec<Row>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
                <div class="sentences" data-control="sentences">
                <div class="label">{move || app.t(T::CtxSentences)}</div>
                <ol class="rows" data-testid="rows">
                    <For each=move || rows.get() key=|r| r.id let:row>
                        {
                            let id = row.id;
                            // Each box is named by its row's number, which moves when rows go.
                            let number = move || rows.with(|rs| rs.iter().position(|r| r.id == id).map_or(0, |i| i + 1));
                            let set = move |f: &dyn Fn(&mut Row)| rows.update(|rs| if let Some(r) = rs.iter_mut().find(|r| r.id == id) { f(r) });
                            view! {
                                <li class="row">
                                    <input class="group" type="text" maxlength="40" prop:value=row.group.clone()
                                           aria-label=move || format!("{} {}", app.t(T::CtxGroup), number())
                                           on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.group = v.clone()) } />
                                    <input class="sentence" type="text" maxlength=MAX_SENTENCE_CHARS.to_string() prop:value=row.text.clone()
                                           aria-label=move || format!("{} {}", app.t(T::Sentence), number())
                                           on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.text = v.clone()) } />
                                    <button class="icon" title=move || app.t(T::CtxRemove) aria-label=move || format!("{} {} {}", app.t(T::CtxRemove), app.t(T::Sentence), number())
                                            on:click=move |_| rows.update(|rs| rs.retain(|r| r.id != id))>"×"</button>
                                </li>
                            }
                        }
                    </For>
                </ol>
                </div>
    }
}

/// "Add a sentence": a new empty row in the last row's group.
#[component]
pub fn AddRow(rows: RwSignal<Vec<Row>>, next_id: StoredValue<usize>) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <button class="secondary" data-control="sentences" on:click=move |_| {
            let id = next_id.get_value() + 1;
            next_id.set_value(id);
            let group = rows.with_untracked(|rs| rs.last().map(|r| r.group.clone()).unwrap_or_default());
            rows.update(|rs| rs.push(Row { id, group, text: String::new() }));
        }>{move || app.t(T::CtxAdd)}</button>
    }
}

/// The sentences from the address: `s=group|text`, repeated; `None` when there are none.
pub fn rows_from_url(app: &AppState) -> Option<Vec<Sentence>> {
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

/// The message for a problem with sentence text `text`.
pub fn problem_text(app: &AppState, p: &Problem, text: &str) -> String {
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
}
