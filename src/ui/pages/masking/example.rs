//! "How a pretraining example is made": the current sentence corrupted with BERT's 80/10/10 rule
//! (the shipped model's own rule), a new draw, and trying the example as the page's covers.

use leptos::prelude::*;

use crate::task::bert::LoadedPretraining;
use crate::task::fill_mask::pretraining_example;
use crate::task::masking::Cover;
use crate::ui::i18n::T;
use crate::ui::state::{AppState, ModelStatus};

/// The 80/10/10 panel.
#[component]
pub fn PretrainingExample(model: RwSignal<&'static str>, text: RwSignal<String>, covers: RwSignal<Vec<(usize, Cover, u32)>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let example_seed = RwSignal::new(1u64);
    let corrupted = Memo::new(move |_| {
        let seed = example_seed.get();
        let ready = matches!(app.model_status(model.get()).get(), ModelStatus::Ready(_));
        let m = if ready { app.model::<LoadedPretraining>(model.get()) } else { None }?;
        pretraining_example(&m, &text.get(), seed)
    });
    view! {
            <div class="panel" data-control="example">
                <h2>{move || app.t(T::MaskRuleTitle)}</h2>
                <p>{move || app.t(T::MaskRuleText)}</p>
                <div class="chips small" data-testid="corrupted">
                    {move || corrupted.get().map(|(chips, _)| chips.into_iter().map(|(t, c)| {
                        let class = match c { Some(Cover::Mask) => "chip mask", Some(Cover::Random) => "chip random", Some(Cover::Unchanged) => "chip unchanged", None => "chip" };
                        view! { <span class=class>{t}</span> }
                    }).collect_view())}
                </div>
                <p class="legend-line">
                    <span class="chip mini mask">"[MASK]"</span>"80% "
                    <span class="chip mini random">"abc"</span>"10% "
                    <span class="chip mini unchanged">"abc"</span>{move || format!("10% {}", app.t(T::MaskLegendUnchanged))}
                </p>
                <button data-testid="new-example" on:click=move |_| example_seed.update(|s| *s += 1)>{move || app.t(T::MaskNewExample)}</button>
                <button data-testid="use-example" on:click=move |_| {
                    if let Some((_, t)) = corrupted.get_untracked() {
                        text.set(text.get_untracked().replace("[MASK]", ""));
                        covers.set(t.into_iter().filter(|c| c.1 != Cover::Unchanged).collect());
                    }
                }>{move || app.t(T::MaskUseExample)}</button>
            </div>
    }
}
