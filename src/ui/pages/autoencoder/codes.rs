//! "Discrete codes" (VQ-VAE): the encoder's 7×7 grid of vectors is replaced by the nearest of
//! 32 learned codebook vectors, so an image becomes 49 code numbers. The page shows the grid for
//! a test image, lets the user change any cell's code and decodes the edited grid, and shows how
//! often each code is used over the test images.
//!
//! URL state: `i` (test image).

use std::rc::Rc;

use leptos::prelude::*;

use crate::model::vqvae::GRID;
use crate::ui::components::progress::ModelLoad;
use crate::ui::tasks::{spawn_owned, Job};
use super::{use_images, use_model, AeTabs, ImagePicker};
use crate::ui::components::charts::ChartTable;
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::check_number;

/// Colour of code `c` of `n`.
fn code_color(c: usize, n: usize) -> String {
    let (hue, light) = code_hsl(c, n);
    format!("hsl({hue:.0}, 70%, {light}%)")
}

/// Hue (degrees) and lightness (%) of code `c` of `n`, at 70 % saturation.
fn code_hsl(c: usize, n: usize) -> (f64, u32) {
    (c as f64 * 360.0 / n.max(1) as f64, if c % 2 == 0 { 62 } else { 44 })
}

/// The text colour for code `c`'s cell: black or white, whichever contrasts more with its
/// background (one of the two always reaches 4.5:1).
fn code_text_color(c: usize, n: usize) -> &'static str {
    let (hue, light) = code_hsl(c, n);
    let (s, l) = (0.7, light as f64 / 100.0);
    // HSL → sRGB (CSS Color 4), then WCAG relative luminance.
    let channel = |k: f64| {
        let k = (k + hue / 30.0) % 12.0;
        l - s * l.min(1.0 - l) * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)
    };
    let linear = |v: f64| if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
    let lum = 0.2126 * linear(channel(0.0)) + 0.7152 * linear(channel(8.0)) + 0.0722 * linear(channel(4.0));
    // Contrast with black (lum + 0.05) / 0.05 against white 1.05 / (lum + 0.05).
    if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) { "#000" } else { "#fff" }
}

/// The discrete-codes page.
#[component]
pub fn DiscreteCodes() -> impl IntoView {
    let app = expect_context::<AppState>();
    let index = RwSignal::new(app.url_check("i", |v| check_number(v, 0.0, 999.0)).unwrap_or(0.0) as usize);
    let (model, m_status) = use_model(Signal::derive(|| ("vqvae-mnist", "model.safetensors".to_string())));
    let (set, s_status) = use_images(Signal::derive(|| "mnist-test"));
    let codes_n = move || model.get().map(|m| m.codebook_size()).unwrap_or(32);
    let original = RwSignal::new(None::<(Vec<f32>, Vec<f32>, f64)>); // (input, reconstruction, mse)
    let grid = RwSignal::new(None::<Vec<usize>>);
    let edited = RwSignal::new(None::<Vec<f32>>);
    let cell = RwSignal::new(None::<usize>);
    let usage = RwSignal::new_local(None::<Rc<Vec<usize>>>);
    let error = RwSignal::new(None::<String>);
    let editing = Job::new();

    Effect::new(move |_| {
        set_url_param("i", Some(&index.get().to_string()), false);
        let (Some(m), Some(s)) = (model.get(), set.get()) else { return };
        let x = s.image(index.get().min(s.len() - 1));
        spawn_owned(async move {
            match m.reconstruct(std::slice::from_ref(&x), std::slice::from_ref(&x)).await {
                Ok(mut r) => {
                    let r = r.remove(0);
                    grid.set(Some(r.code.iter().map(|&c| c.round() as usize).collect()));
                    edited.set(None);
                    cell.set(None);
                    original.set(Some((x, r.image, r.mse)));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    Effect::new(move |_| {
        let (Some(m), Some(s)) = (model.get(), set.get()) else { return };
        spawn_owned(async move {
            let ids: Vec<usize> = (0..s.len()).collect();
            match m.codes(&s, &ids).await {
                Ok(all) => {
                    let mut counts = vec![0usize; m.codebook_size()];
                    for g in all {
                        for c in g {
                            if let Some(n) = counts.get_mut(c.round() as usize) {
                                *n += 1;
                            }
                        }
                    }
                    usage.set(Some(Rc::new(counts)));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let set_code = move |code: usize| {
        let (Some(c), Some(m)) = (cell.get_untracked(), model.get_untracked()) else { return };
        grid.update(|g| if let Some(g) = g { g[c] = code });
        let Some(g) = grid.get_untracked() else { return };
        editing.restart(async move {
            match m.decode(&[g.iter().map(|&c| c as f32).collect()]).await {
                Ok(mut d) => edited.set(Some(d.remove(0))),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let grid_view = move || {
        let g = grid.get()?;
        let n = codes_n();
        let cells = g.iter().enumerate().map(|(i, &c)| view! {
            <button class="code-cell" class:active=move || cell.get() == Some(i) style:background=code_color(c, n) style:color=code_text_color(c, n) data-testid=format!("cell-{i}") data-code=c.to_string()
                on:click=move |_| cell.set(Some(i))>{c.to_string()}</button>
        }).collect_view();
        Some(view! { <div class="code-grid" data-testid="code-grid" style:grid-template-columns=format!("repeat({GRID}, 1fr)")>{cells}</div> })
    };
    let palette = move || {
        cell.get()?;
        let n = codes_n();
        let buttons = (0..n).map(|c| view! {
            <button class="code-cell small" style:background=code_color(c, n) style:color=code_text_color(c, n) aria-label=format!("{} {c}", app.t(T::AePickCode)) data-testid=format!("code-{c}") on:click=move |_| set_code(c)>{c.to_string()}</button>
        }).collect_view();
        Some(view! { <div class="palette" data-testid="code-palette"><span class="label">{app.t(T::AePickCode)}</span>{buttons}</div> })
    };
    let usage_view = move || {
        let u = usage.get()?;
        let n = u.len();
        let max = u.iter().copied().max().unwrap_or(1).max(1) as f64;
        let used = u.iter().filter(|&&c| c > 0).count();
        let w = 360.0 / n.max(1) as f64;
        let bars = u.iter().enumerate().map(|(c, &v)| {
            let h = v as f64 / max * 100.0;
            view! { <rect x=format!("{:.1}", c as f64 * w + 1.0) y=format!("{:.1}", 110.0 - h) width=format!("{:.1}", w - 2.0) height=format!("{h:.1}") fill=code_color(c, n)><title>{format!("code {c}: {v}")}</title></rect> }
        }).collect_view();
        Some(view! {
            <figure class="chart panel usage-chart" data-control="usage" data-testid="code-usage" data-used=used.to_string()>
                <ChartTable caption=app.t(T::AeUsage).to_string() head=vec![app.t(T::AeCodeIndex).to_string(), app.t(T::AeImagesUsing).to_string()] rows=u.iter().enumerate().map(|(c, v)| vec![c.to_string(), v.to_string()]).collect() />
                <svg viewBox="0 0 360 116" role="img" aria-label=format!("{} {used} / {n}", app.t(T::AeUsage))>{bars}</svg>
                <figcaption>{format!("{} {used} / {n}", app.t(T::AeUsage))}</figcaption>
            </figure>
        })
    };

    view! {
        <section class="page ae" data-testid="page-ae-codes">
            <AeTabs />
            <h1>{move || app.t(T::AeCodesTitle)}</h1>
            <p class="lede">{move || app.t(T::AeCodesLede)}</p>
            <div class="panel controls"><ImagePicker set=set selected=index /></div>
            <ModelLoad key=m_status />
            <ModelLoad key=s_status />
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="ae-row">
                <div class="panel triptych" data-testid="codes-output" data-mse=move || original.get().map(|o| format!("{:.6}", o.2))>
                    <Pixels image=Signal::derive(move || original.get().map(|o| o.0)) caption=Signal::derive(move || app.t(T::AeInput).to_string()) testid="codes-input" />
                    <Pixels image=Signal::derive(move || original.get().map(|o| o.1)) caption=Signal::derive(move || original.get().map(|o| format!("{} · MSE {:.4}", app.t(T::AeReconstruction), o.2)).unwrap_or_default()) testid="codes-recon" />
                    <Pixels image=Signal::derive(move || edited.get()) caption=Signal::derive(move || app.t(T::AeEdited).to_string()) testid="codes-edited" />
                </div>
                <div class="panel">
                    <p class="label">{move || app.t(T::AeGridHint)}</p>
                    {grid_view}
                    {palette}
                </div>
            </div>
            {usage_view}
            <div class="panel explain"><p>{move || app.t(T::AeCodesExplain)}</p></div>
        </section>
    }
}
