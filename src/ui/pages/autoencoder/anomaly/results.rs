//! The anomaly page's results: the two error histograms with the threshold, the ROC curve with
//! the threshold's point, precision and recall, the card's AUC, and the verdict on the user's
//! own image.

use leptos::prelude::*;

use crate::task::anomaly::Evaluation;
use crate::ui::components::charts::{spread, ChartTable};
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// The results panel.
#[component]
pub fn Results(
    /// The evaluation at the current threshold.
    e: Evaluation,
    /// The choice of normal scored (`data-normal`).
    choice: &'static str,
    /// Normal and anomalous images scored.
    counts: (usize, usize),
    /// The threshold as a quantile of the normal scores (the slider).
    q: RwSignal<f64>,
    /// The card's AUC on the full test set and on the page's images.
    card_auc: Option<(f64, f64)>,
    /// The user's image, its reconstruction and its error.
    mine: Option<(Vec<f32>, Vec<f32>, f64)>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let (t, area, hi, c) = (e.threshold, e.auc, e.hi, e.confusion);
    let (dn, da) = (e.normal_density, e.anomalous_density);
    let top = dn.iter().chain(&da).copied().fold(1e-9, f64::max);
    let (w, h) = (400.0, 150.0);
    let bw = w / dn.len().max(1) as f64;
    let bars = |d: &[f64], class: &'static str| d.iter().enumerate().map(|(i, &v)| {
        let bh = v / top * (h - 10.0);
        view! { <rect class=class x=format!("{:.1}", i as f64 * bw) y=format!("{:.1}", h - bh) width=format!("{:.1}", bw) height=format!("{bh:.1}")></rect> }
    }).collect_view();
    let tx = (t / hi).min(1.0) * w;
    let curve = e.roc;
    let side = 200.0;
    let path: String = curve.iter().enumerate().map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, p.fpr * side, side - p.tpr * side)).collect();
    let (fx, fy) = (c.fpr() * side, side - c.recall() * side);
    let mine_view = mine.map(|(img, rec, mse)| {
        let flagged = mse >= t;
        view! {
            <div class="mine-result" role="status" data-testid="mine-result" data-mse=format!("{mse:.6}") data-flagged=flagged.to_string()>
                <Pixels image=Signal::derive(move || Some(img.clone())) size=84 caption=Signal::derive(move || app.t(T::AeInput).to_string()) testid="mine-input" />
                <Pixels image=Signal::derive(move || Some(rec.clone())) size=84 caption=Signal::derive(move || app.t(T::AeReconstruction).to_string()) testid="mine-recon" />
                <p class=if flagged { "verdict anomaly" } else { "verdict normal" }>
                    {format!("MSE {mse:.4} {} {t:.4} → ", if flagged { "≥" } else { "<" })}
                    <strong>{app.t(if flagged { T::AeVerdictAnomaly } else { T::AeVerdictNormal })}</strong>
                </p>
            </div>
        }
    });
    // The histograms' and the ROC curve's numbers for screen readers.
    let n_bins = dn.len().max(1);
    let hist_rows = (0..dn.len()).map(|i| vec![format!("{:.4} – {:.4}", hi * i as f64 / n_bins as f64, hi * (i + 1) as f64 / n_bins as f64), format!("{:.3}", dn[i]), format!("{:.3}", da.get(i).copied().unwrap_or(0.0))]).collect();
    let hist_label = format!("{} · {} {} · {} {} · {} {t:.4}", app.t(T::AeErrorAxis), app.t(T::AeNormal), counts.0, app.t(T::AeAnomalous), counts.1, app.t(T::AeThreshold));
    let roc_rows = spread(curve.len()).into_iter().map(|i| vec![format!("{:.3}", curve[i].fpr), format!("{:.3}", curve[i].tpr)]).collect();
    let roc_label = format!("ROC · AUC = {area:.4}");
    let card_line = card_auc.map(|(full, sub)| format!("{}: AUC {full:.4} ({}) · {sub:.4} ({})", app.t(T::AeNativeEval), app.t(T::AeFullTestSet), app.t(T::AeTheseImages)));
    view! {
        <div class="panel anomaly-results" data-testid="anomaly-results" data-normal=choice data-auc=format!("{area:.6}") data-threshold=format!("{t:.6}")
             data-precision=format!("{:.4}", c.precision()) data-recall=format!("{:.4}", c.recall())>
            <div class="ae-row">
                <figure class="chart" data-control="curve">
                    <ChartTable caption=hist_label.clone() head=vec![app.t(T::AeErrorAxis).to_string(), app.t(T::AeNormal).to_string(), app.t(T::AeAnomalous).to_string()] rows=hist_rows />
                    <svg viewBox=format!("0 0 {w} {}", h + 4.0) role="img" aria-label=hist_label data-testid="anomaly-histogram">
                        {bars(&dn, "hist-normal")}
                        {bars(&da, "hist-anomaly")}
                        <line class="threshold" x1=format!("{tx:.1}") x2=format!("{tx:.1}") y1="0" y2=h.to_string()></line>
                    </svg>
                    <figcaption>
                        <span class="legend-item"><span class="swatch hist-normal"></span>{format!("{} ({})", app.t(T::AeNormal), counts.0)}</span>
                        <span class="legend-item"><span class="swatch hist-anomaly"></span>{format!("{} ({})", app.t(T::AeAnomalous), counts.1)}</span>
                        {format!(" · {} 0 – {hi:.3}", app.t(T::AeErrorAxis))}
                    </figcaption>
                </figure>
                <figure class="chart roc" data-control="curve">
                    <ChartTable caption=roc_label.clone() head=vec![app.t(T::AeFalseAlarms).to_string(), app.t(T::AeRecall).to_string()] rows=roc_rows />
                    <svg viewBox=format!("-4 -4 {} {}", side + 8.0, side + 8.0) role="img" aria-label=roc_label data-testid="anomaly-roc">
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
    }
}
