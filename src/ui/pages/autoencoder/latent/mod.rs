//! "Latent space": what the decoder makes of points in the bottleneck. With a 2-number
//! bottleneck the 1,000 test images are a map coloured by class, and hovering or clicking any
//! point of the plane decodes it; with 8 or 32 numbers, one slider per number starts at a test
//! image's code and moves it.
//!
//! URL state: `data` (mnist / fashion), `k` (2 / 8 / 32), `i` (start image for the sliders).

pub mod map;
mod sliders;

use std::rc::Rc;

use leptos::prelude::*;

use map::LatentMap;
use sliders::LatentSliders;

use crate::ui::components::progress::ModelLoad;
use crate::ui::tasks::{spawn_owned, Job};
use super::{data_choice, use_images, use_model, AeTabs, ImagePicker, ModelChoice};
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::{check_choice, check_number};


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
                <LatentMap codes=codes set=set point=point fashion=Signal::derive(move || data.get() == "fashion") />
                <LatentSliders codes=codes point=point />
                <div class="panel decoded">
                    <Pixels image=Signal::derive(move || decoded.get()) size=168 caption=Signal::derive(move || app.t(T::AeDecoded).to_string()) testid="latent-decoded" />
                    <p class="figure" data-testid="latent-point">{move || point.get().map(|p| format!("z = ({})", p.iter().take(8).map(|v| format!("{v:.2}")).collect::<Vec<_>>().join(", ") + if p.len() > 8 { ", …" } else { "" }))}</p>
                </div>
            </div>
            <div class="panel explain"><p>{move || app.t(T::AeLatentExplain)}</p></div>
        </section>
    }
}
