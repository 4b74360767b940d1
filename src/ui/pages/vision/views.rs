//! "Two views of one image": what the contrastive ViT learnt from. Two random views of the
//! chosen image (turned, zoomed, shifted, faded, blotched: [`Augment`]) and, beside them, other
//! test images; the model's cosine similarity says the two views are one thing and the others
//! are not — without ever having been told what any image shows.

use std::rc::Rc;

use leptos::prelude::*;

use crate::rng::Rng;
use crate::task::augment::Augment;
use crate::task::autoencoder_images::ImageSet;
use crate::task::vision::{dot, LoadedVit};
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::AppState;
use crate::ui::tasks::spawn_owned;

/// Other test images compared with the first view.
const OTHERS: usize = 8;

/// What the panel shows once the model has run.
#[derive(Clone)]
struct Compared {
    views: [Vec<f32>; 2],
    /// Cosine similarity of the two views.
    pair: f32,
    /// (other image, its cosine similarity with the first view).
    others: Vec<(Vec<f32>, f32)>,
}

/// The views panel.
#[component]
pub fn Views(
    /// The contrastive ViT.
    model: Signal<Option<Rc<LoadedVit>>, LocalStorage>,
    /// The chosen image.
    image: Signal<Option<Vec<f32>>>,
    /// The test images (the others are the next ones after the chosen image).
    set: Signal<Option<Rc<ImageSet>>, LocalStorage>,
    /// Index of the chosen image.
    selected: RwSignal<usize>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let seed = RwSignal::new(1u64);
    let shown = RwSignal::new(None::<Compared>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let s = seed.get();
        let (Some(model), Some(x), Some(set)) = (model.get(), image.get(), set.get()) else { return };
        let at = selected.get();
        spawn_owned(async move {
            let mut rng = Rng::new(s.wrapping_mul(0x9E37_79B9).wrapping_add(at as u64));
            let augment = Augment::default();
            let views = [augment.view(&x, &mut rng), augment.view(&x, &mut rng)];
            let others: Vec<Vec<f32>> = (1..=OTHERS).map(|k| set.image((at + k * 7) % set.len())).collect();
            let mut batch = views.to_vec();
            batch.extend(others.iter().cloned());
            match model.projections(&batch).await {
                Ok(z) => {
                    error.set(None);
                    let others = others.into_iter().enumerate().map(|(k, o)| (o, dot(&z[0], &z[2 + k]))).collect();
                    shown.set(Some(Compared { views, pair: dot(&z[0], &z[1]), others }));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let mean_other = move || shown.get().map(|c| c.others.iter().map(|o| o.1).sum::<f32>() / c.others.len().max(1) as f32);
    view! {
        <div class="panel" data-control="views">
            <h2>{move || app.t(T::VisionViewsTitle)}</h2>
            <p class="hint">{move || app.t(T::VisionViewsHint)}</p>
            <button class="secondary small" data-testid="new-views" on:click=move |_| seed.update(|s| *s += 1)>{move || app.t(T::VisionNewViews)}</button>
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="vision-row" aria-live="polite" data-testid="views" data-pair=move || shown.get().map(|c| format!("{:.4}", c.pair)) data-others=move || mean_other().map(|m| format!("{m:.4}"))>
                <Pixels image=Signal::derive(move || shown.get().map(|c| c.views[0].clone())) caption=Signal::derive(move || app.t(T::VisionViewA).to_string()) size=112 testid="view-a" />
                <Pixels image=Signal::derive(move || shown.get().map(|c| c.views[1].clone())) caption=Signal::derive(move || app.t(T::VisionViewB).to_string()) size=112 testid="view-b" />
                <div class="vision-similarity">
                    <p class="figure" data-testid="pair-cos">{move || shown.get().map(|c| format!("{} {:.2}", app.t(T::VisionPairCos), c.pair))}</p>
                    <p class="figure" data-testid="others-cos">{move || mean_other().map(|m| format!("{} {m:.2}", app.t(T::VisionOthersCos)))}</p>
                </div>
            </div>
            <div class="vision-others">
                {move || shown.get().map(|c| c.others.into_iter().enumerate().map(|(k, (img, cos))| view! {
                    <Pixels image=Signal::derive(move || Some(img.clone())) caption=format!("{cos:.2}") size=56 testid=format!("other-{k}") />
                }).collect_view())}
            </div>
        </div>
    }
}
