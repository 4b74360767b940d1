//! The auto-encoder pages (one file each) and the pieces they share: pinning an image model or
//! image set in the registry (shown with [`crate::ui::components::progress::ModelLoad`]), the
//! data-set choice, the strip of test images to pick from, and the tab strip between the pages.

pub mod anomaly;
pub mod codes;
pub mod denoising;
pub mod downstream;
pub mod latent;
pub mod reconstruction;
pub mod training;

use std::rc::Rc;

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::assets::{AE_FASHION, AE_MNIST};

use crate::ui::components::pixels::paint;
use crate::runtime::registry::{self, ModelStatus};
use crate::task::autoencoder::LoadedImageModel;
use crate::task::autoencoder_images::ImageSet;
use crate::ui::i18n::T;
use crate::ui::routes::Route;
use crate::ui::state::AppState;

/// The data set choice: (URL value, model family, image set).
pub fn data_choice(value: &str) -> (&'static str, &'static str, &'static str) {
    if value == "fashion" { ("fashion", AE_FASHION, "fashion-test") } else { ("mnist", AE_MNIST, "mnist-test") }
}

/// Pins image model `file` of family `id` for the page (following `what`) and gives it once
/// ready, with its registry key for [`ModelLoad`].
pub fn use_model(what: Signal<(&'static str, String)>) -> (Signal<Option<Rc<LoadedImageModel>>, LocalStorage>, Signal<String>) {
    let key = Signal::derive(move || {
        let (id, file) = what.get();
        format!("{id}/{file}")
    });
    (use_key(key), key)
}

/// Pins demo image set `name` for the page (following `name`) and gives it once ready, with its
/// registry key for [`ModelLoad`].
pub fn use_images(name: Signal<&'static str>) -> (Signal<Option<Rc<ImageSet>>, LocalStorage>, Signal<String>) {
    let key = Signal::derive(move || format!("{}/{}", crate::assets::DEMO_IMAGES, name.get()));
    (use_key(key), key)
}

/// Pins registry `key` while the page shows it; the loaded value once it is ready.
pub fn use_key<T: 'static>(key: Signal<String>) -> Signal<Option<Rc<T>>, LocalStorage> {
    Effect::new(move |_| registry::pin(&key.get()));
    Signal::derive_local(move || {
        let k = key.get();
        match registry::status(&k).get() {
            ModelStatus::Ready(_) => registry::get::<T>(&k),
            _ => None,
        }
    })
}

/// Thumbnails of images `offset..offset+16` of `set`; clicking one selects it.
#[component]
pub fn ImagePicker(
    /// The image set.
    set: Signal<Option<Rc<ImageSet>>, LocalStorage>,
    /// Index of the selected image.
    selected: RwSignal<usize>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let page = RwSignal::new(selected.get_untracked() / 16);
    let thumbs = move || {
        let Some(s) = set.get() else { return Vec::new() };
        let start = (page.get() * 16) % s.len().max(1);
        (start..(start + 16).min(s.len())).map(|i| (i, s.image(i), s.labels[i])).collect::<Vec<_>>()
    };
    view! {
        <div class="image-picker" data-control="images">
            <For each=thumbs key=|(i, _, _)| *i let((i, img, label))>
                <Thumb index=i image=img label=label selected=selected />
            </For>
            <button class="secondary small" data-testid="pick-more" on:click=move |_| page.update(|p| *p += 1)>{move || app.t(T::AeMoreImages)}</button>
        </div>
    }
}

#[component]
fn Thumb(index: usize, image: Vec<f32>, label: u8, selected: RwSignal<usize>) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        if let Some(c) = canvas.get() {
            paint(&c, &image, false);
        }
    });
    view! {
        <button class="thumb" class:active=move || selected.get() == index data-testid=format!("pick-{index}") title=format!("#{index} ({label})")
            on:click=move |_| selected.set(index)>
            <canvas node_ref=canvas width="28" height="28"></canvas>
        </button>
    }
}

/// Tabs between the auto-encoder pages.
#[component]
pub fn AeTabs() -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <nav class="subnav" data-control="tabs" aria-label="auto-encoder pages">
            {Route::autoencoder_tabs().map(|(r, tab)| view! {
                <a href=format!("?p={}", r.slug()) class:active=move || app.route.get() == r data-testid=format!("tab-{}", r.slug())
                   on:click=move |ev| { ev.prevent_default(); app.navigate(r); }>{move || app.t(tab)}</a>
            }).collect_view()}
        </nav>
    }
}

/// The data set (MNIST / Fashion-MNIST) and bottleneck (2 / 8 / 32) buttons.
#[component]
pub fn ModelChoice(
    /// `mnist` or `fashion`.
    data: RwSignal<&'static str>,
    /// `2`, `8` or `32`.
    k: RwSignal<&'static str>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <div class="presets" data-control="model">
            <span class="label">{move || app.t(T::AeData)}</span>
            <button class:active=move || data.get() == "mnist" data-testid="data-mnist" on:click=move |_| data.set("mnist")>"MNIST"</button>
            <button class:active=move || data.get() == "fashion" data-testid="data-fashion" on:click=move |_| data.set("fashion")>"Fashion-MNIST"</button>
            <BottleneckButtons k=k />
        </div>
    }
}

/// The bottleneck label and its 2 / 8 / 32 buttons (inside a page's `presets` row).
#[component]
pub fn BottleneckButtons(
    /// `2`, `8` or `32`.
    k: RwSignal<&'static str>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    view! {
        <span class="label">{move || app.t(T::AeBottleneck)}</span>
        {["2", "8", "32"].into_iter().map(|v| view! {
            <button class:active=move || k.get() == v data-testid=format!("k-{v}") on:click=move |_| k.set(v)>{v}</button>
        }).collect_view()}
    }
}
