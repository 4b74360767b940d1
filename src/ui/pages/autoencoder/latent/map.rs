//! The 2-D latent map: every test image's code as a dot coloured by class; clicking or hovering
//! anywhere picks that point of the plane for the decoder.

use std::rc::Rc;

use leptos::prelude::*;

use crate::task::autoencoder::map_bounds;
use crate::task::autoencoder_images::ImageSet;
use crate::ui::components::group_color;
use crate::ui::i18n::T;
use crate::ui::state::AppState;

/// Side of the map, in SVG units.
const MAP: f64 = 360.0;

/// Ten class colours (Okabe–Ito plus three).
pub fn class_color(c: u8) -> &'static str {
    const MORE: [&str; 3] = ["#999999", "#882255", "#44AA99"];
    if c < 7 { group_color(c as usize) } else { MORE[(c - 7) as usize % 3] }
}

/// Class names of Fashion-MNIST.
pub const FASHION: [&str; 10] = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/// The map (shown for 2-D codes only).
#[component]
pub fn LatentMap(
    /// Every test image's code.
    codes: RwSignal<Option<Rc<Vec<Vec<f32>>>>, LocalStorage>,
    /// The test images (for their classes).
    set: Signal<Option<Rc<ImageSet>>, LocalStorage>,
    /// The point being decoded.
    point: RwSignal<Option<Vec<f32>>>,
    /// Fashion-MNIST (class names) rather than MNIST (digits).
    fashion: Signal<bool>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let bounds = move || codes.get().and_then(|c| map_bounds(&c));
    let to_code = move |x: f64, y: f64| -> Option<Vec<f32>> {
        let (lo, hi) = bounds()?;
        Some(vec![lo[0] + (hi[0] - lo[0]) * (x / MAP) as f32, hi[1] - (hi[1] - lo[1]) * (y / MAP) as f32])
    };
    // A code's place on the map (the inverse of `to_code`).
    let to_map = move |p: &[f32], lo: [f32; 2], hi: [f32; 2]| -> (f64, f64) {
        (((p[0] - lo[0]) / (hi[0] - lo[0])) as f64 * MAP, MAP - ((p[1] - lo[1]) / (hi[1] - lo[1])) as f64 * MAP)
    };
    let on_map = move |ev: web_sys::MouseEvent| {
        let Some(svg) = ev.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
        let r = svg.get_bounding_client_rect();
        let (x, y) = ((ev.client_x() as f64 - r.left()) * MAP / r.width().max(1.0), (ev.client_y() as f64 - r.top()) * MAP / r.height().max(1.0));
        if let Some(c) = to_code(x, y) {
            point.set(Some(c));
        }
    };
    // Arrow keys move the decoded point a fortieth of the map (from its centre at first).
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let (dx, dy) = match ev.key().as_str() {
            "ArrowLeft" => (-1.0, 0.0),
            "ArrowRight" => (1.0, 0.0),
            "ArrowUp" => (0.0, -1.0),
            "ArrowDown" => (0.0, 1.0),
            _ => return,
        };
        ev.prevent_default();
        let Some((lo, hi)) = bounds() else { return };
        let (x, y) = match point.get_untracked().filter(|p| p.len() == 2) {
            Some(p) => to_map(&p, lo, hi),
            None => (MAP / 2.0, MAP / 2.0),
        };
        let step = MAP / 40.0;
        if let Some(c) = to_code((x + dx * step).clamp(0.0, MAP), (y + dy * step).clamp(0.0, MAP)) {
            point.set(Some(c));
        }
    };
    let class_name = move |c: u8| if fashion.get() { FASHION[c as usize % 10].to_string() } else { c.to_string() };
    move || {
        let (Some(c), Some(s), Some((lo, hi))) = (codes.get(), set.get(), bounds()) else { return None };
        let dots = c.iter().zip(&s.labels).map(|(v, &l)| { let (x, y) = to_map(v, lo, hi); view! { <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.6" fill=class_color(l) fill-opacity="0.75"></circle> } }).collect_view();
        let marker = move || point.get().filter(|p| p.len() == 2).map(|p| { let (x, y) = to_map(&p, lo, hi); view! { <circle class="latent-marker" cx=format!("{x:.1}") cy=format!("{y:.1}") r="7"></circle> } });
        let legend = (0..10u8).map(|l| view! { <span class="legend-item"><span class="swatch" style:background=class_color(l)></span>{class_name(l)}</span> }).collect_view();
        Some(view! {
            <figure class="chart latent-map">
                <svg viewBox=format!("0 0 {MAP} {MAP}") data-testid="latent-map" data-points=c.len().to_string()
                     tabindex="0" role="application" aria-label=format!("{} {}", app.t(T::AeMapCaption), app.t(T::AeMapKeys)) on:keydown=on_key
                     on:click=on_map on:mousemove=move |ev| { if ev.buttons() == 0 { on_map(ev) } }>
                    <rect x="0" y="0" width=MAP.to_string() height=MAP.to_string() class="map-bg"></rect>
                    {dots}
                    {marker}
                </svg>
                <figcaption>{app.t(T::AeMapCaption)}</figcaption>
                <div class="legend">{legend}</div>
            </figure>
        })
    }
}
