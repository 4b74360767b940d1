//! "Hide patches": BERT's fill-in-the-blank on pixels. The reader hides patches of the image
//! (click them, or draw a share at random) and the masked-patch ViT guesses their pixels from
//! the patches it can see.

use std::rc::Rc;

use leptos::prelude::*;

use crate::rng::Rng;
use crate::task::vision::{FilledIn, LoadedVit};
use crate::ui::components::pixels::Pixels;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};
use crate::ui::tasks::spawn_owned;
use crate::ui::url::Rejected;

/// Patches per image (a 4 × 4 grid of 7 × 7 patches): the mask is 16 bits.
const PATCHES: usize = 16;
/// Patches along a side.
const SIDE: usize = 4;
/// The mask a first visit shows: half the patches, spread over the digit.
const DEFAULT_MASK: u16 = 0x5A3C;

/// Parses `m=` (four hex digits, one bit per patch, bit `k` = patch `k`).
fn check_mask(v: &str) -> Result<u16, Rejected> {
    if v.len() == 4 {
        if let Ok(m) = u16::from_str_radix(v, 16) {
            return Ok(m);
        }
    }
    Err(Rejected::Unknown(v.chars().take(40).collect()))
}

/// The flags of a mask, patch by patch.
fn flags(mask: u16) -> Vec<bool> {
    (0..PATCHES).map(|k| mask >> k & 1 == 1).collect()
}

/// `count` patches chosen at random.
fn random_mask(count: usize, rng: &mut Rng) -> u16 {
    let mut order: Vec<usize> = (0..PATCHES).collect();
    let mut mask = 0u16;
    for i in 0..count.min(PATCHES) {
        order.swap(i, i + rng.below(PATCHES - i));
        mask |= 1 << order[i];
    }
    mask
}

/// What the model is given: the image with its hidden patches grey.
fn as_seen(image: &[f32], mask: u16) -> Vec<f32> {
    image.iter().enumerate().map(|(i, &v)| if mask >> ((i / 28 / 7) * SIDE + (i % 28) / 7) & 1 == 1 { 0.5 } else { v }).collect()
}

/// The hide-patches panel.
#[component]
pub fn HiddenPatches(
    /// The masked-patch ViT.
    model: Signal<Option<Rc<LoadedVit>>, LocalStorage>,
    /// The chosen image.
    image: Signal<Option<Vec<f32>>>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let mask = RwSignal::new(app.url_check("m", check_mask).unwrap_or(DEFAULT_MASK));
    let count = RwSignal::new(mask.get_untracked().count_ones() as usize);
    let draws = StoredValue::new(0u64);
    let output = RwSignal::new(None::<FilledIn>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let m = mask.get();
        set_url_param("m", Some(&format!("{m:04x}")), false);
        let (Some(model), Some(x)) = (model.get(), image.get()) else { return };
        if model.config.patches() != PATCHES {
            error.set(Some(format!("this page needs a model of {PATCHES} patches, the card says {}", model.config.patches())));
            return;
        }
        spawn_owned(async move {
            match model.fill_in(&x, &flags(m)).await {
                Ok(r) => {
                    error.set(None);
                    output.set(Some(r));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let redraw = move || {
        draws.update_value(|d| *d += 1);
        let seed = draws.get_value() ^ (js_sys::Date::now() as u64);
        mask.set(random_mask(count.get_untracked(), &mut Rng::new(seed)));
    };
    let grid = move || {
        (0..PATCHES).map(|k| {
            let hidden = move || mask.get() >> k & 1 == 1;
            let label = move || format!("{} {} ({}, {})", app.t(T::VisionPatch), k + 1, k / SIDE + 1, k % SIDE + 1);
            view! {
                <button class="patch" class:hidden=hidden aria-pressed=move || hidden().to_string() aria-label=label data-testid=format!("patch-{k}")
                    on:click=move |_| { mask.update(|m| *m ^= 1 << k); count.set(mask.get_untracked().count_ones() as usize); }></button>
            }
        }).collect_view()
    };
    view! {
        <div class="panel" data-control="patches">
            <h2>{move || app.t(T::VisionHideTitle)}</h2>
            <p class="hint">{move || app.t(T::VisionHideHint)}</p>
            <div class="presets">
                <label class="label" for="hide-count">{move || format!("{} {} / {PATCHES}", app.t(T::VisionHidden), count.get())}</label>
                <input id="hide-count" type="range" min="0" max=PATCHES.to_string() step="1" data-testid="hide-count"
                    prop:value=move || count.get().to_string()
                    on:input=move |ev| { count.set(event_target_value(&ev).parse().unwrap_or(0)); redraw(); } />
                <button class="secondary small" data-testid="hide-random" on:click=move |_| redraw()>{move || app.t(T::VisionRandomMask)}</button>
            </div>
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            <div class="vision-row" aria-live="polite" data-testid="fill-in" data-mask=move || format!("{:04x}", mask.get())
                 data-mse=move || output.get().map(|o| format!("{:.6}", o.hidden_mse))>
                <figure class="pixels patch-grid-figure">
                    <div class="patch-grid">
                        <Pixels image=Signal::derive(move || image.get().map(|x| as_seen(&x, mask.get()))) caption="" size=168 testid="vision-seen" />
                        <div class="patch-buttons">{grid}</div>
                    </div>
                    <figcaption>{move || app.t(T::VisionSeen)}</figcaption>
                </figure>
                <Pixels image=Signal::derive(move || output.get().map(|o| o.combined)) caption=Signal::derive(move || app.t(T::VisionGuess).to_string()) size=168 testid="vision-guess" />
                <Pixels image=image caption=Signal::derive(move || app.t(T::VisionOriginal).to_string()) size=168 testid="vision-original" />
            </div>
            <p class="figure" data-testid="hidden-mse">{move || output.get().map(|o| if mask.get() == 0 { app.t(T::VisionNothingHidden).to_string() } else { format!("{} {:.4}", app.t(T::VisionHiddenMse), o.hidden_mse) })}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_parse_draw_and_grey_the_right_pixels() {
        assert_eq!(check_mask("5a3c").unwrap(), 0x5A3C);
        assert!(check_mask("5a3").is_err() && check_mask("zzzz").is_err() && check_mask("15a3c").is_err());
        assert_eq!(flags(0b101)[..3], [true, false, true]);
        let m = random_mask(5, &mut Rng::new(3));
        assert_eq!(m.count_ones(), 5);
        assert_eq!(random_mask(40, &mut Rng::new(3)), 0xFFFF);
        let seen = as_seen(&vec![1.0; 784], 1 << 5); // patch 5: rows 7–13, columns 7–13
        assert_eq!(seen[7 * 28 + 7], 0.5);
        assert_eq!(seen[13 * 28 + 13], 0.5);
        assert_eq!(seen[6 * 28 + 7], 1.0);
        assert_eq!(seen.iter().filter(|&&v| v == 0.5).count(), 49);
    }
}
