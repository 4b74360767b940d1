//! "Score your own": a drawing or an uploaded picture goes through the same auto-encoder; the
//! results panel shows its error against the threshold.

use std::rc::Rc;

use leptos::prelude::*;

use crate::task::autoencoder::LoadedImageModel;
use crate::ui::components::pixels::{read_upload, DrawPad};
use crate::ui::i18n::T;
use crate::ui::state::AppState;
use crate::ui::tasks::Job;

/// The draw / upload panel; `mine` gets the image, its reconstruction and its error.
#[component]
pub fn YourImage(model: Signal<Option<Rc<LoadedImageModel>>, LocalStorage>, mine: RwSignal<Option<(Vec<f32>, Vec<f32>, f64)>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let mine_problem = RwSignal::new(None::<String>);
    let (scoring, uploading) = (Job::new(), Job::new());
    // The picture being scored: kept so that it is scored again by the model of a newly chosen
    // normal class, and scored as soon as a model is there if it came first.
    let picture = StoredValue::new(None::<Vec<f32>>);
    let score = move |m: Rc<LoadedImageModel>, img: Vec<f32>| {
        scoring.restart(async move {
            match m.reconstruct(std::slice::from_ref(&img), std::slice::from_ref(&img)).await {
                Ok(mut r) => {
                    let r = r.remove(0);
                    mine.set(Some((img, r.image, r.mse)));
                }
                Err(e) => mine_problem.set(Some(e)),
            }
        });
    };
    let score_mine = move |img: Vec<f32>| {
        picture.set_value(Some(img.clone()));
        if let Some(m) = model.get_untracked() {
            score(m, img);
        }
    };
    Effect::new(move |_| {
        let Some(m) = model.get() else { return };
        if let Some(img) = picture.get_value() {
            mine.set(None);
            score(m, img);
        }
    });
    let on_draw = Callback::new(move |r: Result<Vec<f32>, String>| match r {
        Ok(img) => {
            mine_problem.set(None);
            score_mine(img);
        }
        Err(e) => {
            picture.set_value(None);
            mine.set(None);
            mine_problem.set((!e.is_empty()).then_some(e));
        }
    });
    let on_upload = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        uploading.restart(async move {
            match read_upload(file).await {
                Ok(img) => {
                    mine_problem.set(None);
                    score_mine(img);
                }
                Err(e) => {
                    picture.set_value(None);
                    mine.set(None);
                    mine_problem.set(Some(e));
                }
            }
        });
    };
    view! {
            <div class="panel draw-panel" data-control="draw">
                <p class="label">{move || app.t(T::AeScoreYours)}</p>
                <div class="ae-row">
                    <DrawPad on_image=on_draw clear_label=Signal::derive(move || app.t(T::AeClear).to_string()) />
                    <label class="upload">
                        <span class="label">{move || app.t(T::AeUpload)}</span>
                        <input type="file" accept="image/*" data-testid="upload" on:change=on_upload />
                    </label>
                </div>
                {move || mine_problem.get().map(|e| view! { <p class="message warn" role="status" data-testid="mine-problem">{e}</p> })}
            </div>
    }
}
