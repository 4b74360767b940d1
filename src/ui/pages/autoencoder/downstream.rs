//! "Codes downstream": the lecture's use of an auto-encoder's code for a downstream task. The
//! encoder learnt its code from images alone; here a linear classifier is trained in the page on
//! 10, 100 and 1,000 labelled MNIST training images, once on the raw pixels (784 numbers) and once
//! on the code (2, 8 or 32 numbers), and both are judged on the same 1,000 test images.
//!
//! URL state: `k` (2 / 8 / 32).

use std::rc::Rc;

use leptos::prelude::*;

use crate::assets::AE_MNIST;
use crate::task::linear_probe::{ProbeConfig, ProbeData, ProbeResult, CLASSES, LABEL_COUNTS};
use crate::task::yield_if_due;
use crate::ui::components::progress::ModelLoad;
use crate::ui::tasks::spawn_owned;
use super::{use_images, use_model, AeTabs, BottleneckButtons};
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::url::check_choice;

/// The two kinds of input a classifier gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Features {
    Pixels,
    Code,
}

impl Features {
    fn slug(self) -> &'static str {
        match self {
            Features::Pixels => "pixels",
            Features::Code => "code",
        }
    }
}

/// One finished cell of the table.
#[derive(Clone)]
struct Cell {
    features: Features,
    result: ProbeResult,
}

/// Pixels of every image of a set, one vector per image.
fn pixels(set: &crate::task::autoencoder_images::ImageSet) -> Vec<Vec<f32>> {
    (0..set.len()).map(|i| set.image(i)).collect()
}

/// The downstream page.
#[component]
pub fn Downstream() -> impl IntoView {
    let app = expect_context::<AppState>();
    let k = RwSignal::new(app.url_check("k", |v| check_choice(v, &["2", "8", "32"])).unwrap_or("8"));
    let (model, m_status) = use_model(Signal::derive(move || (AE_MNIST, format!("bottleneck-{}.safetensors", k.get()))));
    let (train, s1) = use_images(Signal::derive(|| "mnist-train"));
    let (test, s2) = use_images(Signal::derive(|| "mnist-test"));
    let cells = RwSignal::new(Vec::<Cell>::new());
    // (classifier being trained, of how many; epoch) while training.
    let progress = RwSignal::new(None::<(usize, usize, usize)>);
    let error = RwSignal::new(None::<String>);
    // The pixel classifiers do not depend on the bottleneck: their data is made once.
    let pixel_data = StoredValue::new_local(None::<Rc<ProbeData>>);

    Effect::new(move |_| {
        set_url_param("k", Some(k.get()), false);
        cells.set(Vec::new());
        let (Some(m), Some(train), Some(test)) = (model.get(), train.get(), test.get()) else { return };
        if m.code_len() != k.get_untracked().parse::<usize>().unwrap_or(0) {
            return;
        }
        spawn_owned(async move {
            error.set(None);
            let all = |n: usize| (0..n).collect::<Vec<_>>();
            let codes = async { Ok::<_, String>((m.codes(&train, &all(train.len())).await?, m.codes(&test, &all(test.len())).await?)) };
            let code_data = match codes.await.and_then(|(a, b)| ProbeData::new(&a, &train.labels, &b, &test.labels)) {
                Ok(d) => d,
                Err(e) => return error.set(Some(e)),
            };
            let pixel = match pixel_data.get_value() {
                Some(d) => d,
                None => match ProbeData::new(&pixels(&train), &train.labels, &pixels(&test), &test.labels) {
                    Ok(d) => {
                        let d = Rc::new(d);
                        pixel_data.set_value(Some(d.clone()));
                        d
                    }
                    Err(e) => return error.set(Some(e)),
                },
            };
            let config = ProbeConfig::default();
            let jobs: Vec<(usize, Features)> = LABEL_COUNTS.iter().flat_map(|&n| [(n, Features::Pixels), (n, Features::Code)]).collect();
            for (j, &(n, features)) in jobs.iter().enumerate() {
                let data = if features == Features::Pixels { &*pixel } else { &code_data };
                let mut run = data.start(n);
                for epoch in 0..config.epochs {
                    run.epoch(&config);
                    if epoch % 10 == 0 {
                        progress.set(Some((j + 1, jobs.len(), epoch)));
                    }
                    yield_if_due().await;
                }
                let result = data.finish(run);
                cells.update(|c| c.push(Cell { features, result }));
            }
            progress.set(None);
        });
    });

    let table = move || {
        let done = cells.get();
        let kk = k.get();
        let accuracy = |n: usize, f: Features| done.iter().find(|c| c.features == f && c.result.labels == n).map(|c| c.result.clone());
        let head = vec![app.t(T::AeDsLabels).to_string(), app.t(T::AeDsPixels).to_string(), format!("{} ({kk})", app.t(T::AeDsCode))];
        let bar = move |n: usize, f: Features| {
            let r = accuracy(n, f);
            let testid = format!("ds-{}-{n}", f.slug());
            match r {
                Some(r) => {
                    let pct = 100.0 * r.test_accuracy;
                    let title = format!("{}: {:.1} %", app.t(T::AeDsTrainAccuracy), 100.0 * r.train_accuracy);
                    view! {
                        <td class="num" data-testid=testid data-acc=format!("{:.4}", r.test_accuracy) data-train-acc=format!("{:.4}", r.train_accuracy) title=title>
                            <span class=format!("ds-bar {}", f.slug()) style=format!("width: {pct:.1}%")></span>
                            <span class="ds-value">{format!("{pct:.1} %")}</span>
                        </td>
                    }.into_any()
                }
                None => view! { <td class="num pending" data-testid=testid>"…"</td> }.into_any(),
            }
        };
        view! {
            <table class="ds-table" data-testid="ds-table" data-k=kk data-done=done.len().to_string()>
                <caption>{app.t(T::AeDsCaption)}</caption>
                <thead><tr>{head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {LABEL_COUNTS.iter().map(|&n| view! {
                        <tr><th scope="row">{format!("{} ({} / {})", if n >= 1000 { format!("{},{:03}", n / 1000, n % 1000) } else { n.to_string() }, n / CLASSES, app.t(T::AeDsPerClass))}</th>{bar(n, Features::Pixels)}{bar(n, Features::Code)}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };

    view! {
        <section class="page ae" data-testid="page-ae-downstream">
            <AeTabs />
            <h1>{move || app.t(T::AeDsTitle)}</h1>
            <p class="lede">{move || app.t(T::AeDsLede)}</p>
            <div class="panel controls">
                <div class="presets" data-control="model">
                    <BottleneckButtons k=k />
                </div>
            </div>
            <ModelLoad key=m_status />
            <ModelLoad key=s1 />
            <ModelLoad key=s2 />
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="panel" data-control="results">
                {table}
                <p class="figure" role="status" data-testid="ds-progress">{move || progress.get().map(|(j, of, epoch)| format!("{} {j} / {of} · {} {epoch} / {}", app.t(T::AeDsTraining), app.t(T::AeDsEpoch), ProbeConfig::default().epochs))}</p>
                <p class="hint">{move || app.t(T::AeDsChance)}</p>
            </div>
            <div class="panel explain"><p>{move || app.t(T::AeDsExplain)}</p></div>
        </section>
    }
}
