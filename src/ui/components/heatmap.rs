//! A labelled similarity-matrix heat map.

use leptos::prelude::*;

use super::charts::ChartTable;
use super::{group_color, heat_color};

/// `n × n` matrix drawn as coloured cells with their values; rows and columns carry the
/// sentences' numbers and are marked with their group's colour; hovering a cell names both sentences. Colours
/// span `range` (share it between maps that are compared), shown by a colour bar.
#[component]
pub fn Heatmap(
    /// Title above the map.
    title: String,
    /// The matrix (square).
    matrix: Vec<Vec<f32>>,
    /// Sentence of each row (for hover text).
    labels: Vec<String>,
    /// Number of each row's sentence in the user's list.
    numbers: Vec<usize>,
    /// Group index of each row (for colour).
    groups: Vec<usize>,
    /// Values mapped to the ends of the colour scale.
    range: (f32, f32),
    /// `data-testid` of the SVG.
    test_id: &'static str,
) -> impl IntoView {
    let (lo, hi) = range;
    let unit = move |v: f32| if hi > lo { (v - lo) / (hi - lo) } else { 1.0 };
    let n = matrix.len();
    let cell = if n <= 10 { 38.0 } else if n <= 16 { 28.0 } else { 20.0 };
    let margin = 26.0;
    let size = margin + cell * n as f64;
    let bar_h = 26.0;
    let show_values = cell >= 28.0;
    let cells = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .map(|(i, j)| {
            let v = matrix[i][j];
            let (fill, dark_text) = heat_color(unit(v));
            let x = margin + cell * j as f64;
            let y = margin + cell * i as f64;
            let hover = format!("{:.3}\n{}. {}\n{}. {}", v, numbers[i], labels[i], numbers[j], labels[j]);
            view! {
                <g>
                    <rect x=x.to_string() y=y.to_string() width=(cell - 1.0).to_string() height=(cell - 1.0).to_string() fill=fill>
                        <title>{hover}</title>
                    </rect>
                    {show_values.then(|| view! {
                        <text x=(x + cell / 2.0 - 0.5).to_string() y=(y + cell / 2.0 + 3.5).to_string() class="cell-value"
                              fill={if dark_text { "#111" } else { "#fff" }}>{format!("{v:.2}")}</text>
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
                <text x=c.to_string() y="16" class="axis-label" fill=color>{numbers[i].to_string()}</text>
                <text x="12" y=(c + 4.0).to_string() class="axis-label" fill=color>{numbers[i].to_string()}</text>
            }
        })
        .collect_view();
    let matrix_values: Vec<String> = matrix.iter().map(|r| r.iter().map(|v| format!("{v:.7}")).collect::<Vec<_>>().join(",")).collect();
    // The same numbers as a table for screen readers: a row and a column per sentence.
    let head = std::iter::once(String::new()).chain(numbers.iter().map(|k| k.to_string())).collect();
    let rows = (0..n).map(|i| std::iter::once(format!("{}. {}", numbers[i], labels[i])).chain(matrix[i].iter().map(|v| format!("{v:.2}"))).collect()).collect();
    view! {
        <figure class="heatmap">
            <figcaption>{title.clone()}</figcaption>
            <ChartTable caption=title.clone() head=head rows=rows />
            <svg width=size.to_string() height=(size + bar_h).to_string() viewBox=format!("0 0 {size} {}", size + bar_h) role="img" aria-label=title
                 data-testid=test_id data-matrix=matrix_values.join(";")>
                {axis}
                {cells}
                {color_bar(margin, size + 8.0, size - margin, lo, hi)}
            </svg>
        </figure>
    }
}

/// A horizontal colour bar from `lo` to `hi` at `(x, y)`, `width` wide.
fn color_bar(x: f64, y: f64, width: f64, lo: f32, hi: f32) -> impl IntoView {
    let steps = 24;
    let w = width / steps as f64;
    let strips = (0..steps)
        .map(|i| {
            let (fill, _) = heat_color(i as f32 / (steps - 1) as f32);
            view! { <rect x=(x + w * i as f64).to_string() y=y.to_string() width=(w + 0.5).to_string() height="7" fill=fill /> }
        })
        .collect_view();
    view! {
        <g class="color-bar">
            {strips}
            <text x=x.to_string() y=(y + 17.0).to_string() class="tick">{format!("{lo:.1}")}</text>
            <text x=(x + width).to_string() y=(y + 17.0).to_string() class="tick" text-anchor="end">{format!("{hi:.1}")}</text>
        </g>
    }
}
