//! One slider per code number (8- and 32-number bottlenecks), each over the range the test
//! images' codes take, starting at the chosen image's code.

use std::rc::Rc;

use leptos::prelude::*;

use crate::task::autoencoder::code_ranges;

/// The sliders (shown for codes longer than 2).
#[component]
pub fn LatentSliders(
    /// Every test image's code.
    codes: RwSignal<Option<Rc<Vec<Vec<f32>>>>, LocalStorage>,
    /// The point being decoded.
    point: RwSignal<Option<Vec<f32>>>,
) -> impl IntoView {
    move || {
        let c = codes.get()?;
        let p = point.get()?;
        if p.len() == 2 {
            return None;
        }
        let rows = code_ranges(&c).into_iter().enumerate().map(|(d, (lo, hi))| {
            let step = ((hi - lo) / 100.0).max(1e-4);
            view! {
                <label class="dim-slider">
                    <span class="label">{format!("z{d}")}</span>
                    <input type="range" min=lo.to_string() max=hi.to_string() step=step.to_string() data-testid=format!("dim-{d}")
                        prop:value=move || point.get().and_then(|p| p.get(d).copied()).unwrap_or(0.0).to_string()
                        on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f32>() { point.update(|p| if let Some(p) = p { if d < p.len() { p[d] = v } }) } } />
                    <span class="figure">{move || point.get().and_then(|p| p.get(d).copied()).map(|v| format!("{v:.2}"))}</span>
                </label>
            }
        }).collect_view();
        Some(view! { <div class="panel sliders" data-control="sliders" data-testid="latent-sliders">{rows}</div> })
    }
}
