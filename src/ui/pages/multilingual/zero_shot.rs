//! "Zero-shot transfer": mbert fine-tuned on English only and tested on Chinese, beside mbert
//! fine-tuned on Chinese and the random-init twin fine-tuned on English, for QA (F1 / EM on the
//! Chinese set) and sentiment (accuracy), the full-data and the small-data mbert. Every figure is
//! read from a fine-tuned model's card; a model not trained yet shows as missing. The lecture's
//! table (its figures, typed as the lecture gives them) stands beside.

use leptos::prelude::*;
use serde_json::Value;

use crate::task::benchmark::{run_of, Start};
use crate::ui::i18n::T;
use crate::ui::state::AppState;
use crate::ui::tasks::spawn_owned;

/// One row: which card, which run of it, which section of the run, its label.
struct RowSpec {
    /// The fine-tuned model's manifest id.
    card: &'static str,
    /// Its pretrained or its random-init run.
    start: Start,
    /// `zero_shot` (tested on the other language) or `valid` (its own held-out set).
    section: &'static str,
    /// What the row is.
    label: T,
}

/// The QA rows (F1 and EM on the Chinese set).
const QA_ROWS: [RowSpec; 4] = [
    RowSpec { card: crate::assets::MBERT_QA_ZH, start: Start::Pretrained, section: "valid", label: T::MlZsTrainedZh },
    RowSpec { card: crate::assets::MBERT_QA_EN, start: Start::Pretrained, section: "zero_shot", label: T::MlZsTrainedEn },
    RowSpec { card: crate::assets::MBERT_SMALL_QA_EN, start: Start::Pretrained, section: "zero_shot", label: T::MlZsSmallEn },
    RowSpec { card: crate::assets::MBERT_QA_EN, start: Start::Random, section: "zero_shot", label: T::MlZsRandomEn },
];

/// The sentiment rows (accuracy on Chinese reviews).
const SENTIMENT_ROWS: [RowSpec; 4] = [
    RowSpec { card: crate::assets::MBERT_SENTIMENT_ZH, start: Start::Pretrained, section: "valid", label: T::MlZsTrainedZh },
    RowSpec { card: crate::assets::MBERT_SENTIMENT_EN, start: Start::Pretrained, section: "zero_shot", label: T::MlZsTrainedEn },
    RowSpec { card: crate::assets::MBERT_SMALL_SENTIMENT_EN, start: Start::Pretrained, section: "zero_shot", label: T::MlZsSmallEn },
    RowSpec { card: crate::assets::MBERT_SENTIMENT_EN, start: Start::Random, section: "zero_shot", label: T::MlZsRandomEn },
];

/// The section of `spec`'s run in `card`, if the card has it.
fn section<'a>(card: &'a Value, spec: &RowSpec) -> Option<&'a Value> {
    run_of(card, spec.start)?.get(spec.section)
}

/// The zero-shot section.
#[component]
pub fn ZeroShot() -> impl IntoView {
    let app = expect_context::<AppState>();
    let cards = RwSignal::new(None::<Vec<(&'static str, Option<Value>)>>);
    spawn_owned(async move {
        let mut found = Vec::new();
        for spec in QA_ROWS.iter().chain(&SENTIMENT_ROWS) {
            if !found.iter().any(|(id, _)| *id == spec.card) {
                found.push((spec.card, crate::runtime::load::family_card::<Value>(spec.card).await.ok().map(|c| (*c).clone())));
            }
        }
        cards.set(Some(found));
    });
    let table = move |rows: &'static [RowSpec; 4], metrics: &'static [(&'static str, f64)], key: &'static str| {
        let Some(found) = cards.get() else { return view! { <p class="hint" role="status">{app.t(T::BenchReading)}</p> }.into_any() };
        let body = rows
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let card = found.iter().find(|(id, _)| *id == spec.card).and_then(|(_, c)| c.as_ref());
                let s = card.and_then(|c| section(c, spec));
                let cells = metrics
                    .iter()
                    .map(|&(m, scale)| match s.and_then(|s| s.get(m)).and_then(Value::as_f64) {
                        Some(v) => view! { <td class="num" data-value=(v * scale).to_string()>{format!("{:.1}", v * scale)}</td> }.into_any(),
                        None => view! { <td class="num missing" data-missing="true" title=app.t(T::BenchNoCard)>"–"</td> }.into_any(),
                    })
                    .collect_view();
                view! { <tr data-testid=format!("zs-{key}-{i}") data-card=spec.card><th scope="row">{app.t(spec.label)}</th>{cells}</tr> }
            })
            .collect_view();
        let heads = metrics.iter().map(|(m, _)| view! { <th scope="col">{m.to_uppercase()}</th> }).collect_view();
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label=app.t(if key == "qa" { T::MlZsQaCaption } else { T::MlZsSentCaption })>
                <table class="ds-table" data-testid=format!("zs-{key}")>
                    <caption>{app.t(if key == "qa" { T::MlZsQaCaption } else { T::MlZsSentCaption })}</caption>
                    <thead><tr><td></td>{heads}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <div class="panel" data-control="zeroshot">
            <h2>{move || app.t(T::MlZsTitle)}</h2>
            <p>{move || app.t(T::MlZsExplain)}</p>
            {move || table(&QA_ROWS, &[("f1", 1.0), ("em", 1.0)], "qa")}
            {move || table(&SENTIMENT_ROWS, &[("accuracy", 100.0)], "sentiment")}
            <p class="hint">{move || app.t(T::BenchMissingHint)}</p>
            <div class="table-scroll">
                <table class="ds-table" data-testid="zs-lecture">
                    <caption>{move || app.t(T::MlZsLectureCaption)}</caption>
                    <thead><tr><th scope="col">{move || app.t(T::MlZsModel)}</th><th scope="col">{move || app.t(T::MlZsPretrain)}</th><th scope="col">{move || app.t(T::MlZsFineTune)}</th><th scope="col">"F1"</th></tr></thead>
                    <tbody>
                        <tr><th scope="row">"QANet"</th><td>"–"</td><td>{move || app.t(T::MlChinese)}</td><td class="num">"78.1"</td></tr>
                        <tr><th scope="row">"BERT"</th><td>{move || app.t(T::MlChinese)}</td><td>{move || app.t(T::MlChinese)}</td><td class="num">"89.1"</td></tr>
                        <tr><th scope="row">"BERT"</th><td>{move || app.t(T::MlZs104)}</td><td>{move || app.t(T::MlEnglish)}</td><td class="num">"78.8"</td></tr>
                    </tbody>
                </table>
            </div>
        </div>
    }
}
