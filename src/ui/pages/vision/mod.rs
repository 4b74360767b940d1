//! `/vision`: self-supervision beyond text. An image is a sequence too — of patches — so BERT's
//! recipe works on pixels: a small Vision Transformer learnt MNIST (or Fashion-MNIST) without
//! a single label, once by filling in hidden patches and once contrastively (two views of one
//! image together, other images apart). The page lets the reader hide patches and watch the
//! guess, see the pairs of views, map the embeddings coloured by the labels the models never
//! saw, and read the lecture's claim from the card: a linear classifier on the learnt features
//! needs far fewer labels.
//!
//! URL state: `data` (mnist / fashion), `i` (test image), `m` (hidden patches, 4 hex digits),
//! `map` (masked / contrastive).

mod map;
mod patches;
mod probes;
mod views;

use std::rc::Rc;

use leptos::prelude::*;

use crate::task::vision::LoadedVit;
use crate::ui::components::progress::ModelLoad;
use crate::ui::i18n::T;
use crate::ui::pages::autoencoder::{use_images, use_key, ImagePicker};
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::{check_choice, check_number};

/// Pins ViT `file` of the `vit` family while the page shows it; the model once ready, with its
/// registry key for [`ModelLoad`].
pub fn use_vit(file: Signal<String>) -> (Signal<Option<Rc<LoadedVit>>, LocalStorage>, Signal<String>) {
    let key = Signal::derive(move || format!("{}/{}", crate::assets::VIT, file.get()));
    (use_key(key), key)
}

/// The vision page.
#[component]
pub fn Vision() -> impl IntoView {
    let app = expect_context::<AppState>();
    let data = RwSignal::new(app.url_check("data", |v| check_choice(v, &["mnist", "fashion"])).unwrap_or("mnist"));
    let selected = RwSignal::new(app.url_check("i", |v| check_number(v, 0.0, 999.0)).unwrap_or(0.0) as usize);
    let (masked, masked_key) = use_vit(Signal::derive(move || format!("{}-masked.safetensors", data.get())));
    let (contrastive, contrastive_key) = use_vit(Signal::derive(move || format!("{}-contrastive.safetensors", data.get())));
    let (set, set_key) = use_images(Signal::derive(move || if data.get() == "fashion" { "fashion-test" } else { "mnist-test" }));
    Effect::new(move |_| {
        set_url_param("data", Some(data.get()), false);
        set_url_param("i", Some(&selected.get().to_string()), false);
    });
    let image = Signal::derive(move || set.get().filter(|s| selected.get() < s.len()).map(|s| s.image(selected.get())));
    let fashion = Signal::derive(move || data.get() == "fashion");
    view! {
        <section class="page vision" data-testid="page-vision">
            <h1>{move || app.t(T::VisionTitle)}</h1>
            <p class="lede">{move || app.t(T::VisionLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="data">
                    <span class="label">{move || app.t(T::AeData)}</span>
                    <button class:active=move || data.get() == "mnist" data-testid="data-mnist" on:click=move |_| data.set("mnist")>"MNIST"</button>
                    <button class:active=move || data.get() == "fashion" data-testid="data-fashion" on:click=move |_| data.set("fashion")>"Fashion-MNIST"</button>
                </div>
                <ImagePicker set=set selected=selected />
            </div>
            <ModelLoad key=masked_key />
            <ModelLoad key=contrastive_key />
            <ModelLoad key=set_key />
            <patches::HiddenPatches model=masked image=image />
            <views::Views model=contrastive image=image set=set selected=selected />
            <map::EmbeddingMap masked=masked contrastive=contrastive set=set fashion=fashion />
            <probes::Probes fashion=fashion />
            <div class="panel explain"><p>{move || app.t(T::VisionExplain)}</p></div>
        </section>
    }
}
