//! "Anomaly detection": an auto-encoder trained only on normal images reconstructs them well
//! and others badly, so its reconstruction error is an anomaly score. The user chooses what is
//! normal (one digit, or all of MNIST with Fashion-MNIST as the anomalies); the page scores the
//! shipped test images and draws the two error histograms, a threshold with precision and
//! recall, the ROC curve and its AUC, and scores the user's own drawing or picture.
//!
//! URL state: `normal` (`fashion`, or a digit 0–9), `q` (threshold as a quantile of the normal
//! scores, 0.5–1).

use leptos::prelude::*;

use crate::assets::{AE_MNIST, AE_ONECLASS};

use crate::runtime::autoencoder;
use crate::task::anomaly::{auc, confusion, histogram, quantile, roc};
use crate::ui::components::progress::{Bar as ProgressBar, ModelLoad};
use crate::ui::tasks::{spawn_owned, Job};
use super::{use_images, use_model, AeTabs};
use crate::ui::components::pixels::{read_upload, DrawPad, Pixels};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::{check_choice, check_number};

/// The choices of what is normal.
const NORMAL: [&str; 11] = ["fashion", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
/// Histogram bins.
const BINS: usize = 40;

/// Scores of the current setting.
#[derive(Clone, PartialEq)]
struct Scores {
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
    let mine_problem = RwSignal::new(None::<String>);
    let (scoring, uploading) = (Job::new(), Job::new());

    Effect::new(move |_| {
        let n = normal.get();
        set_url_param("normal", Some(n), false);
        let (Some(m), Some(mn)) = (model.get(), mnist.get()) else { return };
        if model_for(n) != model_for(normal.get_untracked()) {
            return;
        }
        let fa = fashion.get();
        if n == "fashion" && fa.is_none() {
            return;
        }
        scores.set(None);
        mine.set(None);
        spawn_owned(async move {
            let result = async {
                let (family, file) = model_for(n);
                let card = autoencoder::card(family).await?;
                let figures = &card.models.iter().find(|e| e.file == file).ok_or("model not on its card")?.figures;
                let key = if n == "fashion" { ("auc_vs_fashion", "auc_vs_fashion_subset") } else { ("auc", "auc_subset") };
                card_auc.set(figures.get(key.0).copied().zip(figures.get(key.1).copied()));
                let all: Vec<usize> = (0..mn.len()).collect();
                let report = |done, total| progress.set(Some((done, total)));
                if n == "fashion" {
                    let fa = fa.ok_or("no Fashion-MNIST images")?;
                    let total = mn.len() + fa.len();
                    let normal_scores = m.scores(&mn, &all, &|d, _| report(d, total)).await?;
                    let ids: Vec<usize> = (0..fa.len()).collect();
                    let anomalous = m.scores(&fa, &ids, &|d, _| report(mn.len() + d, total)).await?;
                    Ok::<_, String>(Scores { normal: normal_scores, anomalous })
                } else {
                    let digit: u8 = n.parse().map_err(|_| "bad digit")?;
                    let s = m.scores(&mn, &all, &|d, t| report(d, t)).await?;
                    let (mut a, mut b) = (Vec::new(), Vec::new());
                    for (i, v) in s.into_iter().enumerate() {
                        if mn.labels[i] == digit { a.push(v) } else { b.push(v) }
                    }
                    Ok(Scores { normal: a, anomalous: b })
                }
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
    let threshold = move || scores.with(|s| s.as_ref().and_then(|s| quantile(&s.normal, q.get())));
    let score_mine = move |img: Vec<f32>| {
        let Some(m) = model.get_untracked() else { return };
        scoring.restart(async move {
            match m.reconstruct(std::slice::from_ref(&img), std::slice::from_ref(&img)).await {
                Ok(mut r) => {
                    let r = r.remove(0);
                    mine.set(Some((img, r.image, r.mse)));
                }
                Err(e) => mine_problem.set(Some(e)),
            }
        });
    };
    let on_draw = Callback::new(move |r: Result<Vec<f32>, String>| match r {
        Ok(img) => {
            mine_problem.set(None);
            score_mine(img);
        }
        Err(e) => {
            mine.set(None);
            mine_problem.set((!e.is_empty()).then_some(e));
        }
    });
    let on_upload = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        uploading.restart(async move {
            match read_upload(file).await {
                Ok(img) => {
                    mine_problem.set(None);
                    score_mine(img);
                }
                Err(e) => {
                    mine.set(None);
                    mine_problem.set(Some(e));
                }
            }
        });
    };

    let charts = move || {
        let s = scores.get()?;
        let t = threshold()?;
        let area = auc(&s.normal, &s.anomalous)?;
        let hi = quantile(&s.normal.iter().chain(&s.anomalous).copied().collect::<Vec<_>>(), 0.99)?.max(1e-6);
        let (hn, ha) = (histogram(&s.normal, 0.0, hi, BINS), histogram(&s.anomalous, 0.0, hi, BINS));
        // Densities (each histogram sums to 1), so the small normal set stays visible.
        let dens = |h: &[usize], n: usize| h.iter().map(|&c| c as f64 / n.max(1) as f64).collect::<Vec<_>>();
        let (dn, da) = (dens(&hn, s.normal.len()), dens(&ha, s.anomalous.len()));
        let top = dn.iter().chain(&da).copied().fold(1e-9, f64::max);
        let (w, h) = (400.0, 150.0);
        let bw = w / BINS as f64;
        let bars = |d: &[f64], class: &'static str| d.iter().enumerate().map(|(i, &v)| {
            let bh = v / top * (h - 10.0);
            view! { <rect class=class x=format!("{:.1}", i as f64 * bw) y=format!("{:.1}", h - bh) width=format!("{:.1}", bw) height=format!("{bh:.1}")></rect> }
        }).collect_view();
        let tx = (t / hi).min(1.0) * w;
        let c = confusion(&s.normal, &s.anomalous, t);
        let curve = roc(&s.normal, &s.anomalous);
        let side = 200.0;
        let path: String = curve.iter().enumerate().map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, p.fpr * side, side - p.tpr * side)).collect();
        let (fx, fy) = (c.fpr() * side, side - c.recall() * side);
        let mine_view = mine.get().map(|(img, rec, mse)| {
            let flagged = mse >= t;
            view! {
                <div class="mine-result" data-testid="mine-result" data-mse=format!("{mse:.6}") data-flagged=flagged.to_string()>
                    <Pixels image=Signal::derive(move || Some(img.clone())) size=84 caption=Signal::derive(move || app.t(T::AeInput).to_string()) testid="mine-input" />
                    <Pixels image=Signal::derive(move || Some(rec.clone())) size=84 caption=Signal::derive(move || app.t(T::AeReconstruction).to_string()) testid="mine-recon" />
                    <p class=if flagged { "verdict anomaly" } else { "verdict normal" }>
                        {format!("MSE {mse:.4} {} {t:.4} → ", if flagged { "≥" } else { "<" })}
                        <strong>{app.t(if flagged { T::AeVerdictAnomaly } else { T::AeVerdictNormal })}</strong>
                    </p>
                </div>
            }
        });
        let card_line = card_auc.get().map(|(full, sub)| format!("{}: AUC {full:.4} ({}) · {sub:.4} ({})", app.t(T::AeNativeEval), app.t(T::AeFullTestSet), app.t(T::AeTheseImages)));
        Some(view! {
            <div class="panel anomaly-results" data-testid="anomaly-results" data-auc=format!("{area:.6}") data-threshold=format!("{t:.6}")
                 data-precision=format!("{:.4}", c.precision()) data-recall=format!("{:.4}", c.recall())>
                <div class="ae-row">
                    <figure class="chart" data-control="curve">
                        <svg viewBox=format!("0 0 {w} {}", h + 4.0) data-testid="anomaly-histogram">
                            {bars(&dn, "hist-normal")}
                            {bars(&da, "hist-anomaly")}
                            <line class="threshold" x1=format!("{tx:.1}") x2=format!("{tx:.1}") y1="0" y2=h.to_string()></line>
                        </svg>
                        <figcaption>
                            <span class="legend-item"><span class="swatch hist-normal"></span>{format!("{} ({})", app.t(T::AeNormal), s.normal.len())}</span>
                            <span class="legend-item"><span class="swatch hist-anomaly"></span>{format!("{} ({})", app.t(T::AeAnomalous), s.anomalous.len())}</span>
                            {format!(" · {} 0 – {hi:.3}", app.t(T::AeErrorAxis))}
                        </figcaption>
                    </figure>
                    <figure class="chart roc" data-control="curve">
                        <svg viewBox=format!("-4 -4 {} {}", side + 8.0, side + 8.0) data-testid="anomaly-roc">
                            <rect x="0" y="0" width=side.to_string() height=side.to_string() class="map-bg"></rect>
                            <line class="chance" x1="0" y1=side.to_string() x2=side.to_string() y2="0"></line>
                            <path class="roc-line" d=path></path>
                            <circle class="roc-point" cx=format!("{fx:.1}") cy=format!("{fy:.1}") r="5"></circle>
                        </svg>
                        <figcaption data-testid="anomaly-auc">{format!("ROC · AUC = {area:.4}")}</figcaption>
                    </figure>
                </div>
                <label class="slider wide">
                    <span class="label">{app.t(T::AeThreshold)}</span>
                    <input type="range" min="0.5" max="1" step="0.005" data-testid="anomaly-threshold" prop:value=q.get().to_string()
                        on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { q.set(v.clamp(0.5, 1.0)) } } />
                    <span class="figure">{format!("{t:.4} ({:.1}% {})", q.get() * 100.0, app.t(T::AeOfNormalBelow))}</span>
                </label>
                <p class="figure" data-testid="anomaly-pr">{format!("{} {:.1}% · {} {:.1}% · {} {:.1}%", app.t(T::AePrecision), c.precision() * 100.0, app.t(T::AeRecall), c.recall() * 100.0, app.t(T::AeFalseAlarms), c.fpr() * 100.0)}</p>
                {card_line.map(|l| view! { <p class="figure muted" data-testid="anomaly-card">{l}</p> })}
                {mine_view}
            </div>
        })
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
            {charts}
            <div class="panel draw-panel" data-control="draw">
                <p class="label">{move || app.t(T::AeScoreYours)}</p>
                <div class="ae-row">
                    <DrawPad on_image=on_draw clear_label=Signal::derive(move || app.t(T::AeClear).to_string()) />
                    <label class="upload">
                        <span class="label">{move || app.t(T::AeUpload)}</span>
                        <input type="file" accept="image/*" data-testid="upload" on:change=on_upload />
                    </label>
                </div>
                {move || mine_problem.get().map(|e| view! { <p class="message warn" role="status" data-testid="mine-problem">{e}</p> })}
            </div>
            <div class="panel explain"><p>{move || app.t(T::AeAnomalyExplain)}</p></div>
        </section>
    }
}
