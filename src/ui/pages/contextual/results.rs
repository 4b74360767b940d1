//! A finished run: the layer slider, both similarity matrices, the PCA and the by-layer chart for
//! the chosen layer, and every sentence's tokens with the target marked.

use leptos::prelude::*;

use super::Shown;
use crate::ui::components::charts::{LineChart, Scatter, Series};
use crate::ui::components::heatmap::Heatmap;
use crate::ui::i18n::T;
use crate::ui::state::{set_url_param, AppState};

/// How much more alike same-sense pairs must be than pairs across senses (mean cosine) for the
/// page to call the senses separated.
const SEPARATED: f32 = 0.05;

fn layer_name(app: &AppState, k: usize) -> String {
    match k {
        0 => app.t(T::CtxStatic).to_string(),
        1 => app.t(T::CtxEmbeddingLayer).to_string(),
        k => format!("{} {}", app.t(T::CtxLayer), k - 1),
    }
}

/// The results of one run.
#[component]
pub fn ResultsView(r: Shown, layer: RwSignal<usize>, first_matrix_ms: RwSignal<Option<f64>>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let forward_ms = r.forward_ms;
    let r = r.results;
    let labels: Vec<String> = r.sentences.iter().map(|s| s.text.clone()).collect();
    let groups: Vec<usize> = r.sentences.iter().map(|s| s.group).collect();
    let numbers: Vec<usize> = r.sentences.iter().map(|s| s.number).collect();
    let n_layers = r.layers.len();
    let by_layer = r.contrast_by_layer();
    let (stat, group_names) = (r.layers[0].clone(), r.group_names.clone());
    let results = r.clone();
    view! {
        <div class="results" data-testid="results" data-first-matrix-ms=move || first_matrix_ms.get().map(|v| format!("{v:.0}"))
             data-forward-ms=format!("{forward_ms:.1}")>
            <div class="layer-select" data-control="layer">
                <label>
                    <span class="label">{move || app.t(T::CtxLayer)}</span>
                    <input type="range" min="1" max=(n_layers - 1).to_string() step="1" data-testid="layer"
                           prop:value=move || layer.get().to_string()
                           on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                               let k = v.clamp(1, n_layers - 1);
                               layer.set(k);
                               set_url_param("layer", Some(&k.to_string()), false);
                           } } />
                    <strong data-testid="layer-name">{move || layer_name(&app, layer.get())}</strong>
                </label>
                <span class="timing">{move || format!("{} {forward_ms:.0} ms", app.t(T::CtxTime))}</span>
            </div>
            {move || {
                let k = layer.get().min(n_layers - 1);
                let view = results.layers[k].clone();
                let fmt = |v: Option<f32>| v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into());
                // One colour scale for both maps, from a round value below the smallest similarity to 1.
                let min = view.matrix.iter().flatten().cloned().fold(1.0f32, f32::min);
                let range = (crate::ui::components::similarity_floor(min), 1.0);
                view! {
                    <p class="summary" data-testid="summary" data-same=fmt(view.same_group) data-cross=fmt(view.cross_group)>
                        {app.t(T::CtxAvg)}": "
                        <strong>{app.t(T::CtxSame)}" "{fmt(view.same_group)}</strong>" · "
                        <strong>{app.t(T::CtxCross)}" "{fmt(view.cross_group)}</strong>
                        " ("{layer_name(&app, k)}") · "{app.t(T::CtxStatic)}" "{fmt(stat.same_group)}" / "{fmt(stat.cross_group)}
                    </p>
                    {match (view.same_group, view.cross_group) {
                        (Some(s), Some(c)) => {
                            let apart = s - c >= SEPARATED;
                            Some(view! { <p class=if apart { "message ok" } else { "message warn" } role="status" data-testid="separation" data-separated=apart.to_string()>
                                {app.t(if apart { T::CtxSeparated } else { T::CtxNotSeparated })}
                            </p> })
                        }
                        _ => None,
                    }}
                    <div class="matrices">
                        <Heatmap title=format!("{} — {}", app.t(T::CtxContextual), layer_name(&app, k)) matrix=view.matrix.clone()
                                 labels=labels.clone() numbers=numbers.clone() groups=groups.clone() range=range test_id="matrix-contextual" />
                        <Heatmap title=app.t(T::CtxStatic).to_string() matrix=stat.matrix.clone()
                                 labels=labels.clone() numbers=numbers.clone() groups=groups.clone() range=range test_id="matrix-static" />
                    </div>
                    <div class="charts">
                        <Scatter title=format!("{} — {}", app.t(T::CtxPca), layer_name(&app, k)) points=view.projection.points.clone()
                                 labels=labels.clone() numbers=numbers.clone() groups=groups.clone() group_names=group_names.clone()
                                 axes=[format!("PC1 ({:.0}% {})", view.projection.explained[0] * 100.0, app.t(T::CtxExplained)),
                                       format!("PC2 ({:.0}%)", view.projection.explained[1] * 100.0)] />
                        <LineChart title=app.t(T::CtxByLayer).to_string()
                                   x_labels=(0..n_layers).map(|k| match k { 0 => "static".to_string(), 1 => "emb".to_string(), k => (k - 1).to_string() }).collect()
                                   series=vec![
                                       Series { name: app.t(T::CtxSame).to_string(), color: "#0072B2", values: by_layer.iter().map(|v| v.0).collect() },
                                       Series { name: app.t(T::CtxCross).to_string(), color: "#D55E00", values: by_layer.iter().map(|v| v.1).collect() },
                                   ]
                                   highlight=k />
                    </div>
                }
            }}
            <h2>{move || app.t(T::CtxTokens)}</h2>
            <ol class="sentence-list" data-testid="sentence-list">
                {r.sentences.iter().map(|s| view! {
                    <li value=s.number.to_string()>
                        <span class="swatch" style:background=crate::ui::components::group_color(s.group)></span>
                        <span class="group-name">{r.group_names[s.group].clone()}</span>
                        <span class="tokens">{s.tokens.iter().map(|(t, hit)| view! { <span class="tok" class:hit=*hit>{t.clone()}</span> }).collect_view()}</span>
                    </li>
                }).collect_view()}
            </ol>
        </div>
    }

}
