//! "Anomaly detection": an auto-encoder trained only on normal images reconstructs them well
//! and others badly, so its reconstruction error is an anomaly score. The user chooses what is
//! normal (one digit, or all of MNIST with Fashion-MNIST as the anomalies); the page scores the
//! shipped test images and draws the two error histograms, a threshold with precision and
//! recall, the ROC curve and its AUC, and scores the user's own drawing or picture.
//!
//! URL state: `normal` (`fashion`, or a digit 0–9), `q` (threshold as a quantile of the normal
//! scores, 0.5–1).

mod results;
mod yours;

use leptos::prelude::*;

use results::Results;
use yours::YourImage;

use crate::assets::{AE_MNIST, AE_ONECLASS};

use crate::runtime::autoencoder;
use crate::task::anomaly::evaluate;
use crate::ui::components::progress::{Bar as ProgressBar, ModelLoad};
use crate::ui::tasks::spawn_owned;
use super::{use_images, use_model, AeTabs};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::{check_choice, check_number};

/// The choices of what is normal.
const NORMAL: [&str; 11] = ["fashion", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
/// Histogram bins.
const BINS: usize = 40;

/// Scores of one setting.
#[derive(Clone, PartialEq)]
struct Scores {
    /// The choice of normal they were computed for.
    choice: &'static str,
    normal: Vec<f64>,
    anomalous: Vec<f64>,
}

/// (model family, file) for a choice of normal.
fn model_for(normal: &str) -> (&'static str, String) {
    match normal {
        "fashion" => (AE_MNIST, "bottleneck-32.safetensors".into()),
        d => (AE_ONECLASS, format!("class-{d}.safetensors")),
    }
}

/// The anomaly-detection page.
#[component]
pub fn Anomaly() -> impl IntoView {
    let app = expect_context::<AppState>();
    let normal = RwSignal::new(app.url_check("normal", |v| check_choice(v, &NORMAL)).unwrap_or("fashion"));
    let q = RwSignal::new(app.url_check("q", |v| check_number(v, 0.5, 1.0)).unwrap_or(0.95));
    let (model, m_status) = use_model(Signal::derive(move || model_for(normal.get())));
    let (mnist, s1) = use_images(Signal::derive(|| "mnist-test"));
    let (fashion, s2) = use_images(Signal::derive(|| "fashion-test"));
    let scores = RwSignal::new(None::<Scores>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let card_auc = RwSignal::new(None::<(f64, f64)>);
    let error = RwSignal::new(None::<String>);
    let mine = RwSignal::new(None::<(Vec<f32>, Vec<f32>, f64)>);

    Effect::new(move |_| {
        let n = normal.get();
        set_url_param("normal", Some(n), false);
        // Another choice's charts go at once, not when its model has loaded: they must never
        // stand under the new choice (nor a drawing be scored against them).
        if scores.with_untracked(|s| s.as_ref().is_some_and(|s| s.choice != n)) {
            scores.set(None);
        }
        let (Some(m), Some(mn)) = (model.get(), mnist.get()) else { return };
        let fa = fashion.get();
        if n == "fashion" && fa.is_none() {
            return;
        }
        // (The picture scored below the charts is scored again by its own panel when the model
        // changes.)
        scores.set(None);
        spawn_owned(async move {
            let result = async {
                let (family, file) = model_for(n);
                let card = autoencoder::card(family).await?;
                let figures = &card.models.iter().find(|e| e.file == file).ok_or("model not on its card")?.figures;
                let key = if n == "fashion" { ("auc_vs_fashion", "auc_vs_fashion_subset") } else { ("auc", "auc_subset") };
                card_auc.set(figures.get(key.0).copied().zip(figures.get(key.1).copied()));
                let digit = n.parse::<u8>().ok();
                let (normal, anomalous) = m.anomaly_scores(digit, &mn, fa.as_deref(), &|done, total| progress.set(Some((done, total)))).await?;
                Ok::<_, String>(Scores { choice: n, normal, anomalous })
            }
            .await;
            progress.set(None);
            match result {
                Ok(s) => {
                    error.set(None);
                    scores.set(Some(s));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    Effect::new(move |_| set_url_param("q", Some(&format!("{:.3}", q.get())), false));
    let results = move || {
        let s = scores.get()?;
        let e = evaluate(&s.normal, &s.anomalous, q.get(), BINS)?;
        Some(view! { <Results e=e choice=s.choice counts=(s.normal.len(), s.anomalous.len()) q=q card_auc=card_auc.get() mine=mine.get() /> })
    };

    view! {
        <section class="page ae" data-testid="page-ae-anomaly">
            <AeTabs />
            <h1>{move || app.t(T::AeAnomalyTitle)}</h1>
            <p class="lede">{move || app.t(T::AeAnomalyLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="model">
                    <span class="label">{move || app.t(T::AeWhatIsNormal)}</span>
                    {NORMAL.into_iter().map(|v| view! {
                        <button class:active=move || normal.get() == v data-testid=format!("normal-{v}") on:click=move |_| normal.set(v)>
                            {move || if v == "fashion" { app.t(T::AeAllMnist).to_string() } else { v.to_string() }}
                        </button>
                    }).collect_view()}
                </div>
            </div>
            <ModelLoad key=m_status />
            <ModelLoad key=s1 />
            <ModelLoad key=s2 />
            {move || progress.get().map(|(d, t)| view! { <div data-testid="anomaly-progress"><ProgressBar label=Signal::derive(move || format!("{} {d} / {t}", app.t(T::AeScoring))) fraction=Signal::derive(move || Some(d as f64 / t.max(1) as f64)) /></div> })}
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            {results}
            <YourImage model=model mine=mine />
            <div class="panel explain"><p>{move || app.t(T::AeAnomalyExplain)}</p></div>
        </section>
    }
}
