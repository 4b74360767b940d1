//! "Latent space": what the decoder makes of points in the bottleneck. With a 2-number
//! bottleneck the 1,000 test images are a map coloured by class, and hovering or clicking any
//! point of the plane decodes it; with 8 or 32 numbers, one slider per number starts at a test
//! image's code and moves it.
//!
//! URL state: `data` (mnist / fashion), `k` (2 / 8 / 32), `i` (start image for the sliders).

use std::rc::Rc;

use leptos::prelude::*;

use crate::ui::components::group_color;
use crate::ui::components::progress::ModelLoad;
use crate::ui::tasks::{spawn_owned, Job};
use super::{data_choice, use_images, use_model, AeTabs, ImagePicker, ModelChoice};
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::{check_choice, check_number};

/// Side of the map, in SVG units.
const MAP: f64 = 360.0;

/// Ten class colours (Okabe–Ito plus three).
fn class_color(c: u8) -> &'static str {
    const MORE: [&str; 3] = ["#999999", "#882255", "#44AA99"];
    if c < 7 { group_color(c as usize) } else { MORE[(c - 7) as usize % 3] }
}

/// Class names of Fashion-MNIST.
const FASHION: [&str; 10] = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/// The latent-space page.
#[component]
pub fn LatentSpace() -> impl IntoView {
    let app = expect_context::<AppState>();
    let data = RwSignal::new(app.url_check("data", |v| check_choice(v, &["mnist", "fashion"])).unwrap_or("mnist"));
    let k = RwSignal::new(app.url_check("k", |v| check_choice(v, &["2", "8", "32"])).unwrap_or("2"));
    let index = RwSignal::new(app.url_check("i", |v| check_number(v, 0.0, 999.0)).unwrap_or(0.0) as usize);
    let (model, m_status) = use_model(Signal::derive(move || (data_choice(data.get()).1, format!("bottleneck-{}.safetensors", k.get()))));
    let (set, s_status) = use_images(Signal::derive(move || data_choice(data.get()).2));
    // Codes of every shipped test image (for the map and the slider ranges).
    let codes = RwSignal::new_local(None::<Rc<Vec<Vec<f32>>>>);
    let point = RwSignal::new(None::<Vec<f32>>);
    let decoded = RwSignal::new(None::<Vec<f32>>);
    let error = RwSignal::new(None::<String>);
    let decoding = Job::new();

    Effect::new(move |_| {
        set_url_param("data", Some(data.get()), false);
        set_url_param("k", Some(k.get()), false);
        let (Some(m), Some(s)) = (model.get(), set.get()) else { return };
        if m.code_len() != k.get_untracked().parse::<usize>().unwrap_or(0) {
            return;
        }
        codes.set(None);
        spawn_owned(async move {
            let ids: Vec<usize> = (0..s.len()).collect();
            match m.codes(&s, &ids).await {
                Ok(c) => codes.set(Some(Rc::new(c))),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    // The sliders start at the chosen image's code.
    Effect::new(move |_| {
        set_url_param("i", Some(&index.get().to_string()), false);
        if let Some(c) = codes.get() {
            point.set(c.get(index.get()).cloned());
        }
    });
    let decode = move |p: Vec<f32>| {
        let Some(m) = model.get_untracked() else { return };
        // While one decode runs, newer points are skipped (hovering makes many).
        if decoding.running_untracked() || p.len() != m.code_len() {
            return;
        }
        decoding.spawn(async move {
            match m.decode(std::slice::from_ref(&p)).await {
                Ok(mut d) => decoded.set(Some(d.remove(0))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        if let Some(p) = point.get() {
            decode(p);
        }
    });
    // Map bounds: the codes' range plus a margin.
    let bounds = move || {
        codes.get().filter(|c| c.first().is_some_and(|v| v.len() == 2)).map(|c| {
            let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
            for v in c.iter() {
                for d in 0..2 {
                    lo[d] = lo[d].min(v[d]);
                    hi[d] = hi[d].max(v[d]);
                }
            }
            let pad = |d: usize| (hi[d] - lo[d]).max(1e-3) * 0.08;
            ([lo[0] - pad(0), lo[1] - pad(1)], [hi[0] + pad(0), hi[1] + pad(1)])
        })
    };
    let to_code = move |x: f64, y: f64| -> Option<Vec<f32>> {
        let (lo, hi) = bounds()?;
        Some(vec![lo[0] + (hi[0] - lo[0]) * (x / MAP) as f32, hi[1] - (hi[1] - lo[1]) * (y / MAP) as f32])
    };
    let on_map = move |ev: web_sys::MouseEvent| {
        let Some(svg) = ev.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
        let r = svg.get_bounding_client_rect();
        let (x, y) = ((ev.client_x() as f64 - r.left()) * MAP / r.width().max(1.0), (ev.client_y() as f64 - r.top()) * MAP / r.height().max(1.0));
        if let Some(c) = to_code(x, y) {
            point.set(Some(c));
        }
    };
    let class_name = move |c: u8| if data.get() == "fashion" { FASHION[c as usize % 10].to_string() } else { c.to_string() };

    let map = move || {
        let (Some(c), Some(s), Some((lo, hi))) = (codes.get(), set.get(), bounds()) else { return None };
        let sx = move |v: f32| ((v - lo[0]) / (hi[0] - lo[0])) as f64 * MAP;
        let sy = move |v: f32| MAP - ((v - lo[1]) / (hi[1] - lo[1])) as f64 * MAP;
        let dots = c.iter().zip(&s.labels).map(|(v, &l)| view! { <circle cx=format!("{:.1}", sx(v[0])) cy=format!("{:.1}", sy(v[1])) r="2.6" fill=class_color(l) fill-opacity="0.75"></circle> }).collect_view();
        let marker = move || point.get().filter(|p| p.len() == 2).map(|p| view! { <circle class="latent-marker" cx=format!("{:.1}", sx(p[0])) cy=format!("{:.1}", sy(p[1])) r="7"></circle> });
        let legend = (0..10u8).map(|l| view! { <span class="legend-item"><span class="swatch" style:background=class_color(l)></span>{class_name(l)}</span> }).collect_view();
        Some(view! {
            <figure class="chart latent-map">
                <svg viewBox=format!("0 0 {MAP} {MAP}") data-testid="latent-map" data-points=c.len().to_string()
                     on:click=on_map on:mousemove=move |ev| { if ev.buttons() == 0 { on_map(ev) } }>
                    <rect x="0" y="0" width=MAP.to_string() height=MAP.to_string() class="map-bg"></rect>
                    {dots}
                    {marker}
                </svg>
                <figcaption>{app.t(T::AeMapCaption)}</figcaption>
                <div class="legend">{legend}</div>
            </figure>
        })
    };
    let sliders = move || {
        let c = codes.get()?;
        let p = point.get()?;
        if p.len() == 2 {
            return None;
        }
        let rows = (0..p.len()).map(|d| {
            let lo = c.iter().map(|v| v[d]).fold(f32::INFINITY, f32::min);
            let hi = c.iter().map(|v| v[d]).fold(f32::NEG_INFINITY, f32::max);
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
    };

    view! {
        <section class="page ae" data-testid="page-ae-latent">
            <AeTabs />
            <h1>{move || app.t(T::AeLatentTitle)}</h1>
            <p class="lede">{move || app.t(T::AeLatentLede)}</p>
            <div class="panel controls">
                <ModelChoice data=data k=k />
                {move || (k.get() != "2").then(|| view! { <ImagePicker set=set selected=index /> })}
            </div>
            <ModelLoad key=m_status />
            <ModelLoad key=s_status />
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="ae-row">
                {map}
                {sliders}
                <div class="panel decoded">
                    <Pixels image=Signal::derive(move || decoded.get()) size=168 caption=Signal::derive(move || app.t(T::AeDecoded).to_string()) testid="latent-decoded" />
                    <p class="figure" data-testid="latent-point">{move || point.get().map(|p| format!("z = ({})", p.iter().take(8).map(|v| format!("{v:.2}")).collect::<Vec<_>>().join(", ") + if p.len() > 8 { ", …" } else { "" }))}</p>
                </div>
            </div>
            <div class="panel explain"><p>{move || app.t(T::AeLatentExplain)}</p></div>
        </section>
    }
}
