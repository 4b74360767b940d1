//! Pieces shared by the auto-encoder pages: loading an image model or image set into a signal
//! (with a progress bar and a clear error), the strip of test images to pick from, and the tab
//! strip between the auto-encoder pages.

use std::rc::Rc;

use leptos::html::Canvas;
use leptos::prelude::*;

use super::pixels::paint;
use super::progress::LoadProgress;
use crate::runtime::compute;
use crate::runtime::images;
use crate::runtime::models::Stage;
use crate::task::autoencoding::LoadedImageModel;
use crate::task::images::ImageSet;
use crate::ui::i18n::T;
use crate::ui::state::{backend_preference, AppState, Route};

/// Where a model or image set is.
#[derive(Clone, Debug, PartialEq)]
pub enum Loading {
    /// Loading, at this stage.
    Busy(Stage),
    /// Ready.
    Ready,
    /// Failed, with the reason.
    Failed(String),
}

/// Loads model `file` of family `id` whenever `what` changes; returns (model, status).
pub fn use_model(what: Signal<(&'static str, String)>) -> (RwSignal<Option<Rc<LoadedImageModel>>, LocalStorage>, RwSignal<Loading>) {
    let model = RwSignal::new_local(None::<Rc<LoadedImageModel>>);
    let status = RwSignal::new(Loading::Busy(Stage::Manifest));
    Effect::new(move |_| {
        let (id, file) = what.get();
        status.set(Loading::Busy(Stage::Manifest));
        leptos::task::spawn_local(async move {
            let c = compute::compute(backend_preference()).await;
            match images::model(&c, id, &file, &|s| status.set(Loading::Busy(s))).await {
                Ok(m) => {
                    // Only the latest choice wins (a slow earlier load must not overwrite it).
                    if what.get_untracked() == (id, file) {
                        model.set(Some(m));
                        status.set(Loading::Ready);
                    }
                }
                Err(e) => status.set(Loading::Failed(e)),
            }
        });
    });
    (model, status)
}

/// Loads demo image set `name` whenever it changes; returns (set, status).
pub fn use_images(name: Signal<&'static str>) -> (RwSignal<Option<Rc<ImageSet>>, LocalStorage>, RwSignal<Loading>) {
    let set = RwSignal::new_local(None::<Rc<ImageSet>>);
    let status = RwSignal::new(Loading::Busy(Stage::Manifest));
    Effect::new(move |_| {
        let n = name.get();
        leptos::task::spawn_local(async move {
            match images::images(n, &|s| status.set(Loading::Busy(s))).await {
                Ok(s) if name.get_untracked() == n => {
                    set.set(Some(s));
                    status.set(Loading::Ready);
                }
                Ok(_) => {}
                Err(e) => status.set(Loading::Failed(e)),
            }
        });
    });
    (set, status)
}

/// A progress bar while `status` is busy, an error box when it failed, nothing when ready.
#[component]
pub fn LoadingState(status: RwSignal<Loading>) -> impl IntoView {
    let app = expect_context::<AppState>();
    move || match status.get() {
        Loading::Busy(stage) => view! { <LoadProgress stage=Signal::derive(move || stage) /> }.into_any(),
        Loading::Failed(e) => view! { <div class="message error" role="alert" data-testid="load-error"><strong>{app.t(T::LoadFailed)}</strong>" "{e}</div> }.into_any(),
        Loading::Ready => ().into_any(),
    }
}

/// Thumbnails of images `offset..offset+16` of `set`; clicking one selects it.
#[component]
pub fn ImagePicker(
    /// The image set.
    set: RwSignal<Option<Rc<ImageSet>>, LocalStorage>,
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
            {Route::AUTOENCODER.into_iter().map(|r| view! {
                <a href=format!("?p={}", r.slug()) class:active=move || app.route.get() == r data-testid=format!("tab-{}", r.slug())
                   on:click=move |ev| { ev.prevent_default(); app.navigate(r); }>{move || app.t(r.tab())}</a>
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
            <span class="label">{move || app.t(T::AeBottleneck)}</span>
            {["2", "8", "32"].into_iter().map(|v| view! {
                <button class:active=move || k.get() == v data-testid=format!("k-{v}") on:click=move |_| k.set(v)>{v}</button>
            }).collect_view()}
        </div>
    }
}
