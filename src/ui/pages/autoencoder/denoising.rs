//! "Denoising auto-encoder": noise (Gaussian or salt-and-pepper, with a level slider) is put on
//! a clean test image; the denoising auto-encoder, trained to restore clean images from noisy
//! ones, gets the noisy image; a plain auto-encoder of the same size gets it too, for comparison.
//!
//! URL state: `noise` (gaussian / salt), `level` (0–1), `i` (test image).

use leptos::prelude::*;

use crate::assets::{AE_DENOISE, AE_MNIST};

use crate::task::autoencoder_images::Noise;
use crate::rng::Rng;
use crate::ui::components::progress::ModelLoad;
use crate::ui::tasks::spawn_owned;
use super::{use_images, use_model, AeTabs, ImagePicker};
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::{check_choice, check_number};

/// What the page shows for one setting.
#[derive(Clone, PartialEq)]
struct Shown {
    clean: Vec<f32>,
    noisy: Vec<f32>,
    noisy_mse: f64,
    restored: Vec<f32>,
    restored_mse: f64,
    plain: Vec<f32>,
    plain_mse: f64,
}

/// The denoising page.
#[component]
pub fn Denoising() -> impl IntoView {
    let app = expect_context::<AppState>();
    let kind = RwSignal::new(app.url_check("noise", |v| check_choice(v, &["gaussian", "salt"])).unwrap_or("gaussian"));
    let level = RwSignal::new(app.url_check("level", |v| check_number(v, 0.0, 1.0)).unwrap_or(0.4));
    let index = RwSignal::new(app.url_check("i", |v| check_number(v, 0.0, 999.0)).unwrap_or(0.0) as usize);
    let (denoiser, d_status) = use_model(Signal::derive(|| (AE_DENOISE, "model.safetensors".to_string())));
    let (plain, p_status) = use_model(Signal::derive(|| (AE_MNIST, "bottleneck-32.safetensors".to_string())));
    let (set, s_status) = use_images(Signal::derive(|| "mnist-test"));
    let shown = RwSignal::new(None::<Shown>);
    let error = RwSignal::new(None::<String>);
    let noise = move || if kind.get() == "salt" { Noise::SaltPepper(level.get() as f32 * 0.5) } else { Noise::Gaussian(level.get() as f32) };

    Effect::new(move |_| {
        set_url_param("noise", Some(kind.get()), false);
        set_url_param("level", Some(&format!("{:.2}", level.get())), false);
        set_url_param("i", Some(&index.get().to_string()), false);
        let (Some(d), Some(p), Some(s)) = (denoiser.get(), plain.get(), set.get()) else { return };
        let i = index.get().min(s.len().saturating_sub(1));
        let clean = s.image(i);
        let mut noisy = clean.clone();
        // The same image and setting always gets the same noise.
        noise().apply(&mut noisy, &mut Rng::new(1 + i as u64));
        let noisy_mse = clean.iter().zip(&noisy).map(|(a, b)| ((a - b) * (a - b)) as f64).sum::<f64>() / clean.len() as f64;
        spawn_owned(async move {
            let one = |v: &Vec<f32>| vec![v.clone()];
            match (d.reconstruct(&one(&noisy), &one(&clean)).await, p.reconstruct(&one(&noisy), &one(&clean)).await) {
                (Ok(mut r), Ok(mut q)) => {
                    let (r, q) = (r.remove(0), q.remove(0));
                    error.set(None);
                    shown.set(Some(Shown { clean, noisy, noisy_mse, restored: r.image, restored_mse: r.mse, plain: q.image, plain_mse: q.mse }));
                }
                (Err(e), _) | (_, Err(e)) => error.set(Some(e)),
            }
        });
    });

    let caption = move |key: T, mse: fn(&Shown) -> f64| Signal::derive(move || match shown.get() {
        Some(s) => format!("{} · MSE {:.4}", app.t(key), mse(&s)),
        None => app.t(key).to_string(),
    });
    view! {
        <section class="page ae" data-testid="page-ae-denoise">
            <AeTabs />
            <h1>{move || app.t(T::AeDenoiseTitle)}</h1>
            <p class="lede">{move || app.t(T::AeDenoiseLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="noise">
                    <span class="label">{move || app.t(T::AeNoise)}</span>
                    <button class:active=move || kind.get() == "gaussian" data-testid="noise-gaussian" on:click=move |_| kind.set("gaussian")>{move || app.t(T::AeGaussian)}</button>
                    <button class:active=move || kind.get() == "salt" data-testid="noise-salt" on:click=move |_| kind.set("salt")>{move || app.t(T::AeSaltPepper)}</button>
                    <label class="slider">
                        <span class="label">{move || app.t(T::AeLevel)}</span>
                        <input type="range" min="0" max="1" step="0.05" data-testid="noise-level" prop:value=move || level.get().to_string()
                            on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { level.set(v.clamp(0.0, 1.0)) } } />
                        <span class="figure">{move || match noise() { Noise::Gaussian(s) => format!("σ = {s:.2}"), Noise::SaltPepper(p) => format!("{:.0}%", p * 100.0) }}</span>
                    </label>
                </div>
                <ImagePicker set=set selected=index />
            </div>
            <ModelLoad key=d_status />
            <ModelLoad key=p_status />
            <ModelLoad key=s_status />
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="panel triptych" aria-live="polite" data-testid="denoise-output"
                 data-noisy-mse=move || shown.get().map(|s| format!("{:.6}", s.noisy_mse))
                 data-restored-mse=move || shown.get().map(|s| format!("{:.6}", s.restored_mse))
                 data-plain-mse=move || shown.get().map(|s| format!("{:.6}", s.plain_mse))>
                <Pixels image=Signal::derive(move || shown.get().map(|s| s.noisy)) caption=caption(T::AeNoisy, |s| s.noisy_mse) testid="denoise-noisy" />
                <Pixels image=Signal::derive(move || shown.get().map(|s| s.restored)) caption=caption(T::AeRestored, |s| s.restored_mse) testid="denoise-restored" />
                <Pixels image=Signal::derive(move || shown.get().map(|s| s.plain)) caption=caption(T::AePlainRestored, |s| s.plain_mse) testid="denoise-plain" />
                <Pixels image=Signal::derive(move || shown.get().map(|s| s.clean)) caption=Signal::derive(move || app.t(T::AeClean).to_string()) testid="denoise-clean" />
            </div>
            <div class="panel explain"><p>{move || app.t(T::AeDenoiseExplain)}</p></div>
        </section>
    }
}
