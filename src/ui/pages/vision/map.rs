//! "What the models learnt": the 1,000 test images' embeddings from either ViT, projected to
//! two dimensions (principal components) and coloured by the labels neither model ever saw.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::task::autoencoder_images::ImageSet;
use crate::task::geometry::{pca2_many, Projection};
use crate::task::vision::LoadedVit;
use crate::ui::i18n::T;
use crate::ui::pages::autoencoder::latent::map::{class_color, FASHION};
use crate::ui::state::{set_url_param, AppState};
use crate::ui::tasks::spawn_owned;
use crate::ui::url::check_choice;

/// Side of the map, in SVG units.
const MAP: f64 = 340.0;

/// The map panel.
#[component]
pub fn EmbeddingMap(
    /// The masked-patch ViT.
    masked: Signal<Option<Rc<LoadedVit>>, LocalStorage>,
    /// The contrastive ViT.
    contrastive: Signal<Option<Rc<LoadedVit>>, LocalStorage>,
    /// The test images.
    set: Signal<Option<Rc<ImageSet>>, LocalStorage>,
    /// Fashion-MNIST (class names) rather than MNIST (digits).
    fashion: Signal<bool>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let which = RwSignal::new(app.url_check("map", |v| check_choice(v, &["masked", "contrastive"])).unwrap_or("contrastive"));
    let projection = RwSignal::new(None::<Arc<Projection>>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let w = which.get();
        set_url_param("map", Some(w), false);
        projection.set(None);
        let model = if w == "masked" { masked.get() } else { contrastive.get() };
        let (Some(model), Some(set)) = (model, set.get()) else { return };
        spawn_owned(async move {
            let ids: Vec<usize> = (0..set.len()).collect();
            match model.embed(&set, &ids, &|d, t| progress.set(Some((d, t)))).await {
                Ok(e) => {
                    error.set(None);
                    projection.set(Some(Arc::new(pca2_many(&e))));
                }
                Err(e) => error.set(Some(e)),
            }
            progress.set(None);
        });
    });
    let class_name = move |c: u8| if fashion.get() { FASHION[c as usize % 10].to_string() } else { c.to_string() };
    let plot = move || {
        let (Some(p), Some(s)) = (projection.get(), set.get()) else { return None };
        let range = |a: usize| p.points.iter().map(|q| q[a]).fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let ((x0, x1), (y0, y1)) = (range(0), range(1));
        let at = |v: f32, lo: f32, hi: f32| if hi > lo { ((v - lo) / (hi - lo)) as f64 * (MAP - 16.0) + 8.0 } else { MAP / 2.0 };
        let dots = p.points.iter().zip(&s.labels).map(|(q, &l)| view! {
            <circle cx=format!("{:.1}", at(q[0], x0, x1)) cy=format!("{:.1}", MAP - at(q[1], y0, y1)) r="2.4" fill=class_color(l) fill-opacity="0.75"></circle>
        }).collect_view();
        let legend = (0..10u8).map(|c| view! { <span class="legend-item"><span class="swatch" style:background=class_color(c)></span>{class_name(c)}</span> }).collect_view();
        let explained = format!("{} {:.0} % + {:.0} %", app.t(T::VisionExplained), 100.0 * p.explained[0], 100.0 * p.explained[1]);
        Some(view! {
            <svg class="vision-map" viewBox=format!("0 0 {MAP} {MAP}") role="img" aria-label=app.t(T::VisionMapTitle) data-testid="vision-map" data-points=p.points.len().to_string()>
                <rect x="0" y="0" width=MAP.to_string() height=MAP.to_string() class="map-frame"></rect>
                {dots}
            </svg>
            <div class="legend">{legend}</div>
            <p class="hint">{explained}</p>
        })
    };
    view! {
        <div class="panel" data-control="map">
            <h2>{move || app.t(T::VisionMapTitle)}</h2>
            <p class="hint">{move || app.t(T::VisionMapHint)}</p>
            <div class="presets">
                <button class:active=move || which.get() == "masked" data-testid="map-masked" on:click=move |_| which.set("masked")>{move || app.t(T::VisionMasked)}</button>
                <button class:active=move || which.get() == "contrastive" data-testid="map-contrastive" on:click=move |_| which.set("contrastive")>{move || app.t(T::VisionContrastive)}</button>
            </div>
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <p class="figure" role="status" data-testid="map-progress">{move || progress.get().map(|(d, t)| format!("{} {d} / {t}", app.t(T::VisionEmbedding)))}</p>
            {plot}
        </div>
    }
}
