//! "Auto-encoder: reconstruction": a test image (or the user's drawing) goes through the
//! encoder down to a bottleneck of 2, 8 or 32 numbers and back up through the decoder; input,
//! reconstruction and their difference side by side, with the error and the code itself.
//!
//! URL state: `data` (mnist / fashion), `k` (2 / 8 / 32), `i` (test image).

use leptos::prelude::*;

use crate::task::autoencoder::Reconstruction as Output;
use crate::ui::components::progress::ModelLoad;
use crate::ui::tasks::spawn_owned;
use super::{data_choice, use_images, use_model, AeTabs, ImagePicker, ModelChoice};
use crate::ui::components::pixels::{DrawPad, Pixels};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::{check_choice, check_number};

/// The reconstruction page.
#[component]
pub fn Reconstruction() -> impl IntoView {
    let app = expect_context::<AppState>();
    let data = RwSignal::new(app.url_check("data", |v| check_choice(v, &["mnist", "fashion"])).unwrap_or("mnist"));
    let k = RwSignal::new(app.url_check("k", |v| check_choice(v, &["2", "8", "32"])).unwrap_or("8"));
    let index = RwSignal::new(app.url_check("i", |v| check_number(v, 0.0, 999.0)).unwrap_or(0.0) as usize);
    let drawing = RwSignal::new(None::<Vec<f32>>);
    let draw_problem = RwSignal::new(None::<String>);
    let (model, model_status) = use_model(Signal::derive(move || (data_choice(data.get()).1, format!("bottleneck-{}.safetensors", k.get()))));
    let (set, set_status) = use_images(Signal::derive(move || data_choice(data.get()).2));
    let output = RwSignal::new(None::<(Vec<f32>, Output)>);
    let error = RwSignal::new(None::<String>);

    let input = move || -> Option<Vec<f32>> {
        if let Some(d) = drawing.get() {
            return Some(d);
        }
        set.get().filter(|s| index.get() < s.len()).map(|s| s.image(index.get()))
    };
    Effect::new(move |_| {
        set_url_param("data", Some(data.get()), false);
        set_url_param("k", Some(k.get()), false);
        set_url_param("i", Some(&index.get().to_string()), false);
        let (Some(m), Some(x)) = (model.get(), input()) else { return };
        spawn_owned(async move {
            match m.reconstruct(std::slice::from_ref(&x), std::slice::from_ref(&x)).await {
                Ok(mut r) => {
                    error.set(None);
                    output.set(Some((x, r.remove(0))));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let pick = move |i: usize| {
        drawing.set(None);
        index.set(i);
    };
    let selected = RwSignal::new(index.get_untracked());
    Effect::new(move |_| pick(selected.get()));

    let on_draw = Callback::new(move |r: Result<Vec<f32>, String>| match r {
        Ok(img) => {
            draw_problem.set(None);
            drawing.set(Some(img));
        }
        Err(e) if e.is_empty() => {
            draw_problem.set(None);
            drawing.set(None);
        }
        Err(e) => draw_problem.set(Some(e)),
    });

    view! {
        <section class="page ae" data-testid="page-ae">
            <AeTabs />
            <h1>{move || app.t(T::AeReconTitle)}</h1>
            <p class="lede">{move || app.t(T::AeReconLede)}</p>
            <div class="panel controls">
                <ModelChoice data=data k=k />
                <ImagePicker set=set selected=selected />
            </div>
            <ModelLoad key=model_status />
            <ModelLoad key=set_status />
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="ae-row">
                <div class="panel draw-panel" data-control="draw">
                    <p class="label">{move || app.t(T::AeDrawHint)}</p>
                    <DrawPad on_image=on_draw clear_label=Signal::derive(move || app.t(T::AeClear).to_string()) />
                    {move || draw_problem.get().map(|e| view! { <p class="message warn" data-testid="draw-problem">{e}</p> })}
                </div>
                <div class="panel triptych" aria-live="polite" data-testid="ae-output" data-mse=move || output.get().map(|(_, o)| format!("{:.8}", o.mse))
                     data-code=move || output.get().map(|(_, o)| o.code.iter().map(|v| format!("{v:.6}")).collect::<Vec<_>>().join(","))>
                    <Pixels image=Signal::derive(move || output.get().map(|(x, _)| x)) caption=Signal::derive(move || app.t(if drawing.get().is_some() { T::AeYourDrawing } else { T::AeInput }).to_string()) testid="ae-input" />
                    <Pixels image=Signal::derive(move || output.get().map(|(_, o)| o.image)) caption=Signal::derive(move || app.t(T::AeReconstruction).to_string()) testid="ae-recon" />
                    <Pixels image=Signal::derive(move || output.get().map(|(x, o)| o.image.iter().zip(&x).map(|(r, i)| r - i).collect())) signed=true caption=Signal::derive(move || app.t(T::AeDifference).to_string()) testid="ae-diff" />
                    {move || output.get().map(|(_, o)| view! {
                        <div class="ae-figures">
                            <p class="figure" data-testid="ae-mse">{format!("MSE {:.4}", o.mse)}</p>
                            <p class="label">{app.t(T::AeCode)}" ("{o.code.len()}")"</p>
                            <p class="code-values" data-testid="ae-code">{o.code.iter().map(|v| format!("{v:.2}")).collect::<Vec<_>>().join("  ")}</p>
                        </div>
                    })}
                </div>
            </div>
            <div class="panel explain"><p>{move || app.t(T::AeReconExplain)}</p></div>
        </section>
    }
}
