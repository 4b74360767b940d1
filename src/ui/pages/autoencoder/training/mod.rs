//! "Train it yourself": a small auto-encoder (8/16 channels) trains live in the page on the
//! shipped 2,000 MNIST training images, on WebGPU or the CPU fallback, with the loss curve and
//! reconstructions of fixed test images that sharpen as it learns; pause, go on, reset.
//!
//! URL state: `k` (bottleneck 2 / 8 / 32).

use std::cell::RefCell;
use std::rc::Rc;

mod curve;

use leptos::prelude::*;

use curve::LiveCurve;

use crate::model::autoencoder::AutoencoderConfig;
use crate::runtime::compute;
use crate::runtime::load::now_ms;
use crate::task::live_training::LiveTrainer;
use crate::ui::components::progress::ModelLoad;
use crate::ui::tasks::Job;
use super::{use_images, AeTabs, BottleneckButtons};
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::{backend_preference, set_url_param, AppState};
use crate::ui::url::check_choice;

/// Steps between two loss reads.
const CHUNK: usize = 5;
/// Steps between two refreshes of the reconstructions.
const SHOW_EVERY: usize = 25;
/// Test images shown.
const SHOWN: usize = 6;

/// The live-training page.
#[component]
pub fn TrainLive() -> impl IntoView {
    let app = expect_context::<AppState>();
    let k = RwSignal::new(app.url_check("k", |v| check_choice(v, &["2", "8", "32"])).unwrap_or("8"));
    let (train_set, s1) = use_images(Signal::derive(|| "mnist-train"));
    let (test_set, s2) = use_images(Signal::derive(|| "mnist-test"));
    let trainer: StoredValue<Rc<RefCell<Option<LiveTrainer>>>, LocalStorage> = StoredValue::new_local(Rc::new(RefCell::new(None)));
    let running = RwSignal::new(false);
    // True from Start until the training loop has finished its last chunk; `running` only asks it
    // to go on, so Start waits for `busy`, which covers `running`.
    let busy = RwSignal::new(false);
    let generation = StoredValue::new(0u64); // bumps on reset: an old loop stops
    let curve = RwSignal::new(Vec::<(usize, f64)>::new());
    let shown = RwSignal::new(None::<Vec<Vec<f32>>>);
    let rate = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let training = Job::new();

    let inputs = move || test_set.get().map(|s| (0..SHOWN.min(s.len())).map(|i| s.image(i)).collect::<Vec<_>>());
    let reset = move || {
        training.cancel();
        generation.update_value(|g| *g += 1);
        running.set(false);
        busy.set(false);
        error.set(None);
        *trainer.get_value().borrow_mut() = None;
        curve.set(Vec::new());
        shown.set(None);
        rate.set(None);
    };
    Effect::new(move |_| {
        set_url_param("k", Some(k.get()), false);
        reset();
    });
    let start = move || {
        let Some(set) = train_set.get_untracked() else { return };
        let Some(show) = inputs() else { return };
        running.set(true);
        busy.set(true);
        error.set(None);
        let gen = generation.get_value();
        let cell = trainer.get_value();
        let bottleneck: usize = k.get_untracked().parse().unwrap_or(8);
        training.spawn(async move {
            let c = compute::compute(backend_preference()).await;
            if cell.borrow().is_none() {
                *cell.borrow_mut() = Some(LiveTrainer::new(&AutoencoderConfig { bottleneck, channels: 8 }, set, &c.device, 42));
            }
            let (mut t0, mut s0) = (now_ms(), cell.borrow().as_ref().map_or(0, |t| t.step));
            // The step whose reconstructions are on screen.
            let mut shown_step = None::<usize>;
            while running.get_untracked() && generation.get_value() == gen {
                // Take the trainer out while it works, so no borrow is held across an await.
                let Some(mut t) = cell.borrow_mut().take() else { break };
                let result = t.train(CHUNK).await;
                let step = t.step;
                // Reconstructions after the first chunk and every SHOW_EVERY steps (on pause: below).
                let due = shown_step.is_none() || step % SHOW_EVERY < CHUNK;
                let refresh = if due && result.is_ok() { Some(t.reconstruct(&show).await) } else { None };
                if generation.get_value() != gen {
                    break;
                }
                *cell.borrow_mut() = Some(t);
                match result {
                    Ok(loss) => curve.update(|c| c.push((step, loss))),
                    Err(e) => {
                        error.set(Some(e));
                        running.set(false);
                    }
                }
                match refresh {
                    Some(Ok(r)) => {
                        shown.set(Some(r));
                        shown_step = Some(step);
                    }
                    Some(Err(e)) => error.set(Some(e)),
                    None => {}
                }
                let now = now_ms();
                if now - t0 > 1000.0 {
                    rate.set(Some((step - s0) as f64 * 1000.0 / (now - t0)));
                    (t0, s0) = (now, step);
                }
                crate::task::yield_to_browser().await;
            }
            // Paused: show what the model makes of the test images now.
            if generation.get_value() == gen {
                let taken = cell.borrow_mut().take();
                if let Some(t) = taken {
                    if shown_step != Some(t.step) && error.get_untracked().is_none() {
                        match t.reconstruct(&show).await {
                            Ok(r) => shown.set(Some(r)),
                            Err(e) => error.set(Some(e)),
                        }
                    }
                    if generation.get_value() == gen {
                        *cell.borrow_mut() = Some(t);
                    }
                }
                busy.set(false);
            }
        });
    };

    view! {
        <section class="page ae" data-testid="page-ae-train">
            <AeTabs />
            <h1>{move || app.t(T::AeTrainTitle)}</h1>
            <p class="lede">{move || app.t(T::AeTrainLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="model">
                    <BottleneckButtons k=k />
                </div>
                <div class="presets" data-control="run">
                    <button data-testid="train-start" disabled=move || busy.get() || train_set.get().is_none() || test_set.get().is_none() on:click=move |_| start()>
                        {move || app.t(if curve.with(|c| c.is_empty()) { T::AeTrainStart } else { T::AeTrainContinue })}
                    </button>
                    <button class="secondary" data-testid="train-pause" disabled=move || !running.get() on:click=move |_| running.set(false)>{move || app.t(T::AeTrainPause)}</button>
                    <button class="secondary" data-testid="train-reset" on:click=move |_| reset()>{move || app.t(T::AeTrainReset)}</button>
                    <span class="figure" data-testid="train-rate">{move || rate.get().map(|r| format!("{r:.1} {}", app.t(T::AeStepsPerSecond)))}</span>
                </div>
            </div>
            <ModelLoad key=s1 />
            <ModelLoad key=s2 />
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="ae-row">
                <LiveCurve curve=curve />
                <div class="panel live-grid">
                    {(0..SHOWN).map(|i| view! {
                        <div class="pair-col">
                            <Pixels image=Signal::derive(move || inputs().and_then(|v| v.get(i).cloned())) size=56 caption="" testid=format!("live-input-{i}") />
                            <Pixels image=Signal::derive(move || shown.get().and_then(|v| v.get(i).cloned())) size=56 caption="" testid=format!("live-recon-{i}") />
                        </div>
                    }).collect_view()}
                    <p class="label">{move || app.t(T::AeLiveHint)}</p>
                </div>
            </div>
            <div class="panel explain"><p>{move || app.t(T::AeTrainExplain)}</p></div>
        </section>
    }
}
