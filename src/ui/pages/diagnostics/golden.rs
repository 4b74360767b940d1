//! Golden checks in the browser: the model's outputs against the HF transformers reference, on
//! whatever device it runs, as a table of cases with their largest difference.

use leptos::prelude::*;

use crate::runtime::fetch::fetch_text;
use crate::runtime::registry;
use crate::task::bert::LoadedPretraining;
use crate::task::bert_golden::{check_pretraining, CaseReport, PretrainingFixture};
use crate::ui::i18n::T;
use crate::ui::state::{AppState, ModelStatus};
use crate::ui::tasks::spawn_owned;

/// One golden check's cases against `tolerance`; `data-max-diff` and `data-pass` for the tests.
#[component]
pub fn GoldenTable(
    /// The first column's heading.
    #[prop(into)]
    title: String,
    /// The cases.
    cases: Vec<CaseReport>,
    /// The largest difference that passes.
    tolerance: f32,
    /// `data-testid` of the table.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let worst = cases.iter().map(|c| c.max_abs_diff).fold(0.0, f32::max);
    view! {
        <table class="golden" data-testid=testid data-max-diff=format!("{worst:e}") data-pass=(worst <= tolerance).to_string()>
            <thead><tr><th>{title}</th><th>{app.t(T::DiagMaxDiff)}</th><td></td></tr></thead>
            <tbody>{cases.iter().map(|c| {
                let ok = c.max_abs_diff <= tolerance;
                view! { <tr><td>{c.text.clone()}</td><td class="num">{format!("{:.2e}", c.max_abs_diff)}</td><td class=if ok { "pass" } else { "fail" }>{app.t(if ok { T::DiagPass } else { T::DiagFail })}</td></tr> }
            }).collect_view()}</tbody>
        </table>
    }
}

/// Max |logit difference| accepted for Sesame's own BERTs: HF and Sesame read the same f16
/// weights, so only the arithmetic differs (the bound).
pub const PRETRAINED_TOLERANCE: f32 = 1e-3;

/// Golden check of one pretrained BERT (`bert-zh` / `bert-en` / `mbert`) on the current device.
async fn check_pretrained(id: &'static str) -> Result<Vec<CaseReport>, String> {
    let m = registry::get::<LoadedPretraining>(id).ok_or("the model is not loaded")?;
    let fixture: PretrainingFixture = serde_json::from_str(&fetch_text(&format!("fixtures/{id}-golden.json")).await?).map_err(|e| format!("fixture: {e}"))?;
    check_pretraining(&m, &fixture).await
}

/// The golden check of Sesame's own BERTs (MLM and pair logits against HF `BertForPreTraining`).
#[component]
pub fn PretrainedGolden() -> impl IntoView {
    use crate::assets::{BERT_EN, BERT_ZH, MBERT};
    let app = expect_context::<AppState>();
    let asked = RwSignal::new(false);
    let results = RwSignal::new(Vec::<(&'static str, Result<Vec<CaseReport>, String>)>::new());
    // Pinned from the first click until the page goes.
    Effect::new(move |_| {
        if asked.get() {
            app.use_model(BERT_ZH);
            app.use_model(BERT_EN);
            app.use_model(MBERT);
        }
    });
    for id in [BERT_ZH, BERT_EN, MBERT] {
        Effect::new(move |_| {
            if !asked.get() {
                return;
            }
            match app.model_status(id).get() {
                ModelStatus::Ready(_) if !results.get_untracked().iter().any(|r| r.0 == id) => {
                    results.update(|r| r.push((id, Err("running".into()))));
                    spawn_owned(async move {
                        let out = check_pretrained(id).await;
                        results.update(|r| r.retain(|x| x.0 != id));
                        results.update(|r| r.push((id, out)));
                    });
                }
                ModelStatus::Failed(e) => results.update(|r| if !r.iter().any(|x| x.0 == id) { r.push((id, Err(e))) }),
                _ => {}
            }
        });
    }
    view! {
        <h2>{move || app.t(T::DiagPretrained)}</h2>
        <button data-testid="check-pretrained" on:click=move |_| asked.set(true)>{move || app.t(T::DiagRun)}</button>
        {move || results.get().into_iter().map(|(id, r)| match r {
            Err(e) if e == "running" => view! { <p>{format!("{id}: …")}</p> }.into_any(),
            Err(e) => view! { <div class="message error" role="alert" data-testid=format!("golden-{id}-error")>{format!("{id}: {e}")}</div> }.into_any(),
            Ok(cases) => view! { <GoldenTable title=id cases=cases tolerance=PRETRAINED_TOLERANCE testid=format!("golden-{id}") /> }.into_any(),
        }).collect_view()}
        <p class="note">{format!("≤ {PRETRAINED_TOLERANCE:.0e}: masked-LM and pair logits vs HF BertForPreTraining on the same f16 weights")}</p>
    }
}
