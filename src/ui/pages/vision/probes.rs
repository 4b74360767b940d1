//! "Fewer labels": the lecture's claim as the card measured it. A linear classifier is trained
//! on 10, 100 or 1,000 labelled training images, on each representation — the two ViTs'
//! embeddings, the auto-encoder's code, the raw pixels, and a ViT that never trained — and
//! judged on all 10,000 test images. The figures come from the card, never from this page.

use leptos::prelude::*;

use crate::runtime::vision::card;
use crate::task::vision::ProbeTable;
use crate::ui::i18n::T;
use crate::ui::state::AppState;
use crate::ui::tasks::spawn_owned;

/// The representations in the table's order, with their names.
const METHODS: [(&str, T); 5] = [
    ("masked", T::VisionMasked),
    ("contrastive", T::VisionContrastive),
    ("autoencoder", T::VisionAeCode),
    ("pixels", T::VisionPixels),
    ("random", T::VisionRandom),
];

/// `n` with a comma every three digits (1,000; 10,000).
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The probe table panel.
#[component]
pub fn Probes(
    /// Fashion-MNIST rather than MNIST.
    fashion: Signal<bool>,
) -> impl IntoView {
    let app = expect_context::<AppState>();
    let tables = RwSignal::new(None::<Vec<ProbeTable>>);
    let error = RwSignal::new(None::<String>);
    spawn_owned(async move {
        match card().await {
            Ok(c) => tables.set(Some(c.probes.clone())),
            Err(e) => error.set(Some(e)),
        }
    });
    let table = move || {
        let data = if fashion.get() { "fashion-mnist" } else { "mnist" };
        let t = tables.get()?.into_iter().find(|t| t.data == data)?;
        let head = t.labels.iter().map(|&n| view! { <th scope="col">{format!("{} {}", thousands(n), app.t(T::VisionLabels))}</th> }).collect_view();
        let rows = METHODS.iter().map(|&(method, name)| {
            let row = t.row(method).cloned();
            let cells = t.labels.iter().enumerate().map(|(k, n)| match row.as_ref().and_then(|r| Some((*r.accuracy.get(k)?, *r.spread.get(k)?))) {
                Some((acc, sd)) => view! {
                    <td class="num" data-testid=format!("probe-{method}-{n}") data-acc=format!("{acc:.4}") title=format!("± {:.1} ({} {})", 100.0 * sd, t.draws, app.t(T::VisionDraws))>
                        <span class=format!("ds-bar {method}") style=format!("width: {:.1}%", 100.0 * acc)></span>
                        <span class="ds-value">{format!("{:.1} %", 100.0 * acc)}</span>
                    </td>
                }.into_any(),
                // A figure the card does not have is shown as missing, never as zero.
                None => view! { <td class="num missing" data-testid=format!("probe-{method}-{n}")>"–"</td> }.into_any(),
            }).collect_view();
            view! { <tr><th scope="row">{app.t(name)}</th>{cells}</tr> }
        }).collect_view();
        Some(view! {
            <table class="ds-table" data-testid="probe-table" data-set=data>
                <caption>{format!("{} ({} {})", app.t(T::VisionProbeCaption), thousands(t.test_images), app.t(T::VisionTestImages))}</caption>
                <thead><tr><th></th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };
    view! {
        <div class="panel" data-control="probes">
            <h2>{move || app.t(T::VisionProbeTitle)}</h2>
            {move || error.get().map(|e| view! { <div class="message error" role="alert">{e}</div> })}
            {table}
            <p class="hint">{move || app.t(T::VisionProbeHint)}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        assert_eq!([10, 100, 1000, 10_000, 1_234_567].map(super::thousands), ["10", "100", "1,000", "10,000", "1,234,567"]);
    }
}
