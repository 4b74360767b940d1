//! "Zero-shot transfer": mbert fine-tuned on English only and tested on Chinese, beside mbert
//! fine-tuned on Chinese and the random-init twin fine-tuned on English, for QA (F1 / EM on DRCD
//! dev and on CMRC 2018) and sentiment (accuracy), the full-data and the small-data mbert. Every figure is
//! read from a fine-tuned model's card; a model not trained yet shows as missing. The lecture's
//! table (its figures, typed as the lecture gives them) stands beside.

use leptos::prelude::*;
use serde_json::Value;

use crate::task::benchmark::{run_of, set_figures, SetFigures, Start};
use crate::ui::i18n::T;
use crate::ui::state::AppState;
use crate::ui::tasks::spawn_owned;

/// One row: which card, which run of it, which section of the run, its label.
struct RowSpec {
    /// The fine-tuned model's manifest id.
    card: &'static str,
    /// Its pretrained or its random-init run.
    start: Start,
    /// `zero_shot` (tested on the other language) or `valid` (its own held-out set); the QA
    /// table finds each test file's figures itself (`set_figures`).
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

/// The QA table's column groups: the Chinese test sets, by file name, with their labels.
const QA_SETS: [Option<(&str, T)>; 2] = [Some(("DRCD_dev.json", T::MlZsDrcd)), Some(("cmrc2018_trial.json", T::MlZsCmrc))];

/// The figures of `spec`'s row in `card` on the test file `file` (QA), or in its section as it
/// is (sentiment: one Chinese set).
fn row_figures<'a>(card: &'a Value, spec: &RowSpec, file: Option<&str>) -> SetFigures<'a> {
    match file {
        Some(file) => set_figures(card, spec.start, file),
        None => run_of(card, spec.start).and_then(|r| r.get(spec.section)).map_or(SetFigures::Missing, SetFigures::Found),
    }
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
    // `sets`: the test files (QA) whose columns the table has, or `[None]` (sentiment).
    let table = move |rows: &'static [RowSpec; 4], sets: &'static [Option<(&'static str, T)>], metrics: &'static [(&'static str, f64)], key: &'static str| {
        let Some(found) = cards.get() else { return view! { <p class="hint" role="status">{app.t(T::BenchReading)}</p> }.into_any() };
        let body = rows
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let card = found.iter().find(|(id, _)| *id == spec.card).and_then(|(_, c)| c.as_ref());
                // Per test set: a cell per metric, or one cell across them where the run trained on it.
                let cells = sets
                    .iter()
                    .map(|set| {
                        let file = set.map(|(f, _)| f);
                        match card.map_or(SetFigures::Missing, |c| row_figures(c, spec, file)) {
                            SetFigures::TrainedOn => view! { <td class="num missing trained-on" colspan=metrics.len().to_string() data-set=file data-trained-on="true" title=app.t(T::MlZsTrainedOn)>{app.t(T::MlZsTrainedOnShort)}</td> }.into_any(),
                            figures => metrics
                                .iter()
                                .map(|&(m, scale)| match figures {
                                    SetFigures::Found(s) => s.get(m).and_then(Value::as_f64).filter(|v| v.is_finite()).map(|v| v * scale),
                                    _ => None,
                                })
                                .map(|value| match value {
                                    Some(v) => view! { <td class="num" data-set=file data-value=v.to_string()>{format!("{v:.1}")}</td> }.into_any(),
                                    None => view! { <td class="num missing" data-set=file data-missing="true" title=app.t(T::BenchNoCard)>"–"</td> }.into_any(),
                                })
                                .collect_view()
                                .into_any(),
                        }
                    })
                    .collect_view();
                view! { <tr data-testid=format!("zs-{key}-{i}") data-card=spec.card><th scope="row">{app.t(spec.label)}</th>{cells}</tr> }
            })
            .collect_view();
        // F1 and EM as the papers write them; accuracy in the reader's language.
        let metric_head = move |m: &str| if m == "accuracy" { app.t(T::ClsAccuracy).to_string() } else { m.to_uppercase() };
        let metric_heads = move || sets.iter().flat_map(|_| metrics.iter().map(|(m, _)| view! { <th scope="col">{metric_head(m)}</th> })).collect_view();
        let head = match sets.first() {
            Some(Some(_)) => view! {
                <tr><td></td>{sets.iter().flatten().map(|(_, label)| view! { <th scope="colgroup" class="set-head" colspan=metrics.len().to_string()>{app.t(*label)}</th> }).collect_view()}</tr>
                <tr><td></td>{metric_heads()}</tr>
            }
            .into_any(),
            _ => view! { <tr><td></td>{metric_heads()}</tr> }.into_any(),
        };
        view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label=app.t(if key == "qa" { T::MlZsQaCaption } else { T::MlZsSentCaption })>
                <table class="ds-table zs-table" data-testid=format!("zs-{key}")>
                    <caption>{app.t(if key == "qa" { T::MlZsQaCaption } else { T::MlZsSentCaption })}</caption>
                    <thead>{head}</thead>
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
            {move || table(&QA_ROWS, &QA_SETS, &[("f1", 1.0), ("em", 1.0)], "qa")}
            {move || table(&SENTIMENT_ROWS, &[None], &[("accuracy", 100.0)], "sentiment")}
            <p class="hint" data-testid="zs-missing-hint">{move || app.t(T::MlZsMissingHint)}</p>
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
