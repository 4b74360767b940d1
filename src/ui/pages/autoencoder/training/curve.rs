//! The live loss curve of the training page.

use leptos::prelude::*;

use crate::ui::components::charts::{Axis, Curve, Mark, Plot};
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// The loss so far on a log scale: x = steps, y = log10(loss) with a tick per power of ten.
#[component]
pub fn LiveCurve(curve: RwSignal<Vec<(usize, f64)>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let c = curve.get();
        if c.len() < 2 {
            return None;
        }
        let points: Vec<(f64, f64)> = c.iter().map(|p| (p.0 as f64, p.1.max(1e-5).log10())).collect();
        let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let (lo, hi) = (lo.floor().min(hi - 0.5), hi.ceil());
        let last = c.last().copied().unwrap_or((0, 0.0));
        let x = Axis::even(0.0, last.0.max(1) as f64, 4, |t| format!("{t:.0}")).titled(format!("{} (0 – {})", app.t(T::AeSteps), last.0));
        let y = Axis { min: lo, max: hi, ticks: ((lo as i32)..=(hi as i32)).map(|e| (e as f64, format!("1e{e}"))).collect(), label: None };
        let curves = vec![Curve { name: app.t(T::AeTrainLoss).to_string(), mark: Mark::ClassLine("train-line"), points }];
        Some(view! {
            <figure class="chart panel live-chart" data-control="curve" data-testid="live-curve" data-first=format!("{:.6}", c[0].1) data-last=format!("{:.6}", last.1) data-step=last.0.to_string()>
                <Plot width=520.0 height=200.0 x=x y=y curves=curves />
                <figcaption>{format!("{} {:.4}", app.t(T::AeTrainLoss), last.1)}</figcaption>
            </figure>
        })
    }
}

