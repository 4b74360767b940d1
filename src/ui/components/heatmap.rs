//! A labelled similarity-matrix heat map.

use leptos::prelude::*;

use super::{group_color, heat_color};

/// `n × n` matrix drawn as coloured cells with their values; rows and columns are numbered
/// 1..n and marked with their group's colour; hovering a cell names both sentences.
#[component]
pub fn Heatmap(
    /// Title above the map.
    title: String,
    /// The matrix (square).
    matrix: Vec<Vec<f32>>,
    /// Sentence of each row (for hover text).
    labels: Vec<String>,
    /// Group index of each row (for colour).
    groups: Vec<usize>,
    /// `data-testid` of the SVG.
    test_id: &'static str,
) -> impl IntoView {
    let n = matrix.len();
    let cell = if n <= 10 { 38.0 } else if n <= 16 { 28.0 } else { 20.0 };
    let margin = 26.0;
    let size = margin + cell * n as f64;
    let show_values = cell >= 28.0;
    let cells = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| {
            let v = matrix[i][j];
            let (fill, dark_text) = heat_color(v);
            let x = margin + cell * j as f64;
            let y = margin + cell * i as f64;
            let hover = format!("{:.3}\n{}. {}\n{}. {}", v, i + 1, labels[i], j + 1, labels[j]);
            view! {
                <g>
                    <rect x=x.to_string() y=y.to_string() width=(cell - 1.0).to_string() height=(cell - 1.0).to_string() fill=fill>
                        <title>{hover}</title>
                    </rect>
                    {show_values.then(|| view! {
                        <text x=(x + cell / 2.0 - 0.5).to_string() y=(y + cell / 2.0 + 3.5).to_string() class="cell-value"
                              fill=if dark_text { "#111" } else { "#fff" }>{format!("{v:.2}")}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    let axis = (0..n)
        .map(|i| {
            let c = margin + cell * i as f64 + cell / 2.0 - 0.5;
            let color = group_color(groups[i]);
            view! {
                <text x=c.to_string() y="16" class="axis-label" fill=color>{(i + 1).to_string()}</text>
                <text x="12" y=(c + 4.0).to_string() class="axis-label" fill=color>{(i + 1).to_string()}</text>
            }
        })
        .collect_view();
    let matrix_values: Vec<String> = matrix.iter().map(|r| r.iter().map(|v| format!("{v:.4}")).collect::<Vec<_>>().join(",")).collect();
    view! {
        <figure class="heatmap">
            <figcaption>{title}</figcaption>
            <svg width=size.to_string() height=size.to_string() viewBox=format!("0 0 {size} {size}") role="img"
                 data-testid=test_id data-matrix=matrix_values.join(";")>
                {axis}
                {cells}
            </svg>
        </figure>
    }
}
