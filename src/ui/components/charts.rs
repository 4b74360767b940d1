//! Charts in SVG: a scatter plot, a line chart over categorical positions (by layer), and
//! [`Plot`], the lines-and-dots chart every training curve and accuracy chart is drawn with.

use leptos::prelude::*;

use super::group_color;

/// Maps `[lo, hi]` onto `[a, b]` (a degenerate range maps to the middle).
fn scale(v: f32, lo: f32, hi: f32, a: f64, b: f64) -> f64 {
    if (hi - lo).abs() < 1e-12 {
        (a + b) / 2.0
    } else {
        a + (b - a) * ((v - lo) / (hi - lo)) as f64
    }
}

/// Numbered points coloured by group, with a legend; hovering a point shows its sentence.
#[component]
pub fn Scatter(
    /// Caption.
    title: String,
    /// `[x, y]` per point.
    points: Vec<[f32; 2]>,
    /// Sentence per point.
    labels: Vec<String>,
    /// Number shown on each point (the sentence's number in the user's list).
    numbers: Vec<usize>,
    /// Group index per point.
    groups: Vec<usize>,
    /// Group names, by index.
    group_names: Vec<String>,
    /// Axis captions.
    axes: [String; 2],
) -> impl IntoView {
    let (w, h, pad) = (420.0, 300.0, 28.0);
    let (xs, ys): (Vec<f32>, Vec<f32>) = points.iter().map(|p| (p[0], p[1])).unzip();
    let range = |v: &[f32]| (v.iter().cloned().fold(f32::INFINITY, f32::min), v.iter().cloned().fold(f32::NEG_INFINITY, f32::max));
    let ((x0, x1), (y0, y1)) = (range(&xs), range(&ys));
    let dots = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cx = scale(p[0], x0, x1, pad, w - pad);
            let cy = scale(p[1], y0, y1, h - pad, pad);
            let color = group_color(groups[i]);
            let hover = format!("{}. {}", numbers[i], labels[i]);
            view! {
                <g class="dot">
                    <circle cx=cx.to_string() cy=cy.to_string() r="9" fill=color fill-opacity="0.85"><title>{hover}</title></circle>
                    <text x=cx.to_string() y=(cy + 3.5).to_string() class="dot-label">{numbers[i].to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let legend = group_names
        .iter()
        .enumerate()
        .map(|(g, name)| view! { <span class="legend-item"><span class="swatch" style:background=group_color(g)></span>{name.clone()}</span> })
        .collect_view();
    let rows = (0..points.len())
        .map(|i| vec![format!("{}. {}", numbers[i], labels[i]), group_names.get(groups[i]).cloned().unwrap_or_default(), format!("{:.3}", points[i][0]), format!("{:.3}", points[i][1])])
        .collect();
    let table = view! { <ChartTable caption=title.clone() head=vec![String::new(), String::new(), axes[0].clone(), axes[1].clone()] rows=rows /> };
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            {table}
            <svg width=w.to_string() height=h.to_string() viewBox=format!("0 0 {w} {h}") role="img" aria-label=title.clone() data-testid="pca">
                <line x1=pad.to_string() y1=(h - pad).to_string() x2=(w - pad).to_string() y2=(h - pad).to_string() class="axis" />
                <line x1=pad.to_string() y1=pad.to_string() x2=pad.to_string() y2=(h - pad).to_string() class="axis" />
                <text x=(w / 2.0).to_string() y=(h - 6.0).to_string() class="axis-caption">{axes[0].clone()}</text>
                <text x="12" y=(h / 2.0).to_string() class="axis-caption" transform=format!("rotate(-90 12 {})", h / 2.0)>{axes[1].clone()}</text>
                {dots}
            </svg>
            <div class="legend">{legend}</div>
        </figure>
    }
}

/// One named series for [`LineChart`].
#[derive(Clone)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// Stroke colour.
    pub color: &'static str,
    /// One value per x position (`None` leaves a gap).
    pub values: Vec<Option<f32>>,
}

/// A small line chart over categorical x positions, with a highlighted position.
#[component]
pub fn LineChart(
    /// Caption.
    title: String,
    /// X labels.
    x_labels: Vec<String>,
    /// The lines.
    series: Vec<Series>,
    /// Index of the x position to highlight.
    highlight: usize,
    /// Values are shares: tooltips and the table read "99.6 %" instead of "0.996".
    #[prop(optional)]
    percent: bool,
) -> impl IntoView {
    let (w, h, left, pad) = (420.0, 220.0, 40.0, 22.0);
    let value = move |v: f32| if percent { format!("{:.1} %", 100.0 * v) } else { format!("{v:.3}") };
    let n = x_labels.len().max(2);
    let x = move |i: usize| left + (w - left - pad) * i as f64 / (n - 1) as f64;
    // Y from a round value below the smallest point up to 1 (similarities), in 5 ticks.
    let min = series.iter().flat_map(|s| s.values.iter().flatten()).cloned().fold(1.0f32, f32::min);
    let lo = super::similarity_floor(min);
    let y = move |v: f32| scale(v, lo, 1.0, h - pad - 14.0, pad);
    let ticks = (0..5)
        .map(|i| lo + (1.0 - lo) * i as f32 / 4.0)
        .map(|t| view! {
            <line x1=left.to_string() x2=(w - pad).to_string() y1=y(t).to_string() y2=y(t).to_string() class="grid" />
            <text x=(left - 6.0).to_string() y=(y(t) + 4.0).to_string() class="tick" text-anchor="end">{format!("{t:.2}")}</text>
        })
        .collect_view();
    // Many x positions (a pretraining curve's validations): 8 labels spread over them, the first
    // and the last among them, so that they do not run into each other (the table lists all).
    let labelled = spread_among(x_labels.len(), 8);
    let labels = x_labels
        .iter()
        .enumerate()
        .filter(|(i, _)| labelled.contains(i))
        .map(|(i, l)| view! { <text x=x(i).to_string() y=(h - 8.0).to_string() class="tick" text-anchor="middle">{l.clone()}</text> })
        .collect_view();
    let lines = series
        .iter()
        .map(|s| {
            let pts: Vec<String> = s.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v)))).collect();
            let dots = s
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| view! { <circle cx=x(i).to_string() cy=y(v).to_string() r="3" fill=s.color><title>{format!("{}: {}", s.name, value(v))}</title></circle> }))
                .collect_view();
            view! { <polyline points=pts.join(" ") fill="none" stroke=s.color stroke-width="2" />{dots} }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|s| view! { <span class="legend-item"><span class="swatch" style:background=s.color></span>{s.name.clone()}</span> })
        .collect_view();
    let head = std::iter::once(String::new()).chain(series.iter().map(|s| s.name.clone())).collect();
    let rows = x_labels
        .iter()
        .enumerate()
        .map(|(i, l)| std::iter::once(l.clone()).chain(series.iter().map(|s| s.values.get(i).copied().flatten().map_or(String::from("–"), value))).collect())
        .collect();
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <ChartTable caption=title.clone() head=head rows=rows />
            <svg width=w.to_string() height=h.to_string() viewBox=format!("0 0 {w} {h}") role="img" aria-label=title.clone() data-testid="by-layer">
                <rect x=(x(highlight) - 9.0).to_string() y=pad.to_string() width="18" height=(h - 2.0 * pad - 14.0).to_string() class="highlight" />
                {ticks}{labels}{lines}
            </svg>
            <div class="legend">{legend}</div>
        </figure>
    }
}

/// How one series of a [`Plot`] is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A line in this colour and width.
    Line(&'static str, f64),
    /// A line styled by this CSS class (the theme's training-loss line).
    ClassLine(&'static str),
    /// Dots styled by this CSS class, each with its value as a tooltip.
    Dots(&'static str),
}

/// One series of a [`Plot`].
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Its name (tooltip and legend).
    pub name: String,
    /// How it is drawn.
    pub mark: Mark,
    /// `(x, y)` points.
    pub points: Vec<(f64, f64)>,
}

/// One axis of a [`Plot`]: its range, labelled ticks and title.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The value at the start of the axis.
    pub min: f64,
    /// The value at its end.
    pub max: f64,
    /// Ticks: value and label (grid lines across the plot for the y axis).
    pub ticks: Vec<(f64, String)>,
    /// The axis title (x only), under the ticks.
    pub label: Option<String>,
}

impl Axis {
    /// `n + 1` evenly spaced ticks from `min` to `max`, labelled by `label`.
    pub fn even(min: f64, max: f64, n: usize, label: impl Fn(f64) -> String) -> Self {
        let ticks = (0..=n).map(|i| min + (max - min) * i as f64 / n.max(1) as f64).map(|t| (t, label(t))).collect();
        Axis { min, max, ticks, label: None }
    }

    /// The same axis with a title.
    pub fn titled(self, label: String) -> Self {
        Axis { label: Some(label), ..self }
    }
}

/// Lines and dots over two numeric axes, with a legend of the named line series when there is
/// more than one series.
#[component]
pub fn Plot(
    /// Width in pixels (the SVG scales down on narrow screens).
    width: f64,
    /// Height in pixels.
    height: f64,
    /// The x axis.
    x: Axis,
    /// The y axis.
    y: Axis,
    /// The series, drawn in order.
    curves: Vec<Curve>,
    /// `data-testid` of the SVG.
    #[prop(optional)]
    testid: &'static str,
    /// What the chart shows, for screen readers (default: the series' names).
    #[prop(optional, into)]
    label: String,
) -> impl IntoView {
    let label = if label.is_empty() { curves.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(" · ") } else { label };
    let table = plot_table(&label, &x, &curves);
    let (left, right, top, bottom) = (44.0, 14.0, 14.0, if x.label.is_some() { 36.0 } else { 26.0 });
    let span = |a: &Axis| if (a.max - a.min).abs() < 1e-12 { 1.0 } else { a.max - a.min };
    let (xs, ys) = (span(&x), span(&y));
    let (x0, ymax) = (x.min, y.max);
    let px = move |v: f64| left + (width - left - right) * (v - x0) / xs;
    let py = move |v: f64| top + (height - top - bottom) * (ymax - v) / ys;
    let grid = y
        .ticks
        .iter()
        .map(|(t, label)| view! {
            <line x1=left.to_string() x2=(width - right).to_string() y1=format!("{:.1}", py(*t)) y2=format!("{:.1}", py(*t)) class="grid" />
            <text x=(left - 6.0).to_string() y=format!("{:.1}", py(*t) + 4.0) class="tick" text-anchor="end">{label.clone()}</text>
        })
        .collect_view();
    let xticks = x.ticks.iter().map(|(t, label)| view! { <text x=format!("{:.1}", px(*t)) y=(height - bottom + 16.0).to_string() class="tick" text-anchor="middle">{label.clone()}</text> }).collect_view();
    let marks = curves
        .iter()
        .map(|c| {
            let pts = c.points.iter().map(|(a, b)| format!("{:.1},{:.1}", px(*a), py(*b))).collect::<Vec<_>>().join(" ");
            match c.mark {
                Mark::Line(colour, w) => view! { <polyline points=pts fill="none" stroke=colour stroke-width=w.to_string()><title>{c.name.clone()}</title></polyline> }.into_any(),
                Mark::ClassLine(class) => view! { <polyline points=pts fill="none" class=class stroke-width="1.6"><title>{c.name.clone()}</title></polyline> }.into_any(),
                Mark::Dots(class) => c.points.iter().map(|(a, b)| view! { <circle cx=format!("{:.1}", px(*a)) cy=format!("{:.1}", py(*b)) r="3.5" class=class><title>{format!("{}: {b:.3}", c.name)}</title></circle> }).collect_view().into_any(),
            }
        })
        .collect_view();
    let title = x.label.clone().map(|l| view! { <text x=((left + width) / 2.0).to_string() y=(height - 4.0).to_string() class="tick" text-anchor="middle">{l}</text> });
    let legend = (curves.len() > 1).then(|| {
        let items = curves
            .iter()
            .map(|c| {
                let swatch = match c.mark {
                    Mark::Line(colour, _) => view! { <span class="swatch" style:background=colour></span> }.into_any(),
                    Mark::ClassLine(_) => view! { <span class="swatch train"></span> }.into_any(),
                    Mark::Dots(_) => view! { <span class="swatch valid"></span> }.into_any(),
                };
                view! { <span class="legend-item">{swatch}{c.name.clone()}</span> }
            })
            .collect_view();
        view! { <div class="legend">{items}</div> }
    });
    view! {
        <svg width=width.to_string() height=height.to_string() viewBox=format!("0 0 {width} {height}") role="img" aria-label=label data-testid=(!testid.is_empty()).then_some(testid)>
            {grid}{xticks}{marks}{title}
        </svg>
        {legend}
        {table}
    }
}

/// The points a [`Plot`] draws, as a table for screen readers: each series with at most 12
/// evenly spaced points (its first and last among them).
fn plot_table(label: &str, x: &Axis, curves: &[Curve]) -> impl IntoView {
    let rows = curves
        .iter()
        .flat_map(|c| spread(c.points.len()).into_iter().map(|i| vec![c.name.clone(), format_value(c.points[i].0), format_value(c.points[i].1)]))
        .collect();
    view! { <ChartTable caption=label.to_string() head=vec![String::new(), x.label.clone().unwrap_or_else(|| "x".into()), "y".into()] rows=rows /> }
}

/// Which of `n` points a chart's table lists: all of them up to 12, else 12 evenly spaced ones
/// (the first and the last among them).
pub fn spread(n: usize) -> Vec<usize> {
    spread_among(n, 12)
}

/// Which of `n` points to pick when at most `most` (≥ 2) fit: all of them, else `most` evenly
/// spaced ones with the first and the last among them.
fn spread_among(n: usize, most: usize) -> Vec<usize> {
    if n <= most { (0..n).collect() } else { (0..most).map(|i| i * (n - 1) / (most - 1)).collect() }
}

/// A number as a chart's table shows it: whole numbers (counts, steps) whole, others to 4 decimals.
fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{v:.0}")
    } else {
        format!("{v:.4}")
    }
}

/// The numbers a chart draws, in a table that only screen readers see: the chart's text
/// alternative.
#[component]
pub fn ChartTable(
    /// The table's caption (the chart's title).
    caption: String,
    /// Column headers (an empty one, over the row names, is a plain cell).
    head: Vec<String>,
    /// The rows, one cell per header.
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    view! {
        // A table grows to its content whatever its own width: the wrapper is what hides it.
        <div class="sr-only"><table>
            <caption>{caption}</caption>
            <thead><tr>{head.into_iter().map(|h| if h.is_empty() { view! { <td></td> }.into_any() } else { view! { <th scope="col">{h}</th> }.into_any() }).collect_view()}</tr></thead>
            <tbody>{rows.into_iter().map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }).collect_view()}</tbody>
        </table></div>
    }
}

/// A training loss curve: x = tokens seen, y = loss; the training loss as a line and the
/// validation loss as dots.
#[component]
pub fn LossCurve(
    /// `(tokens seen, training masked-LM loss, validation masked-LM loss)` per log line.
    points: Vec<(f64, Option<f64>, Option<f64>)>,
    /// Legend of the line.
    train_label: String,
    /// Legend of the dots.
    valid_label: String,
    /// X axis label.
    x_label: String,
) -> impl IntoView {
    let xmax = points.iter().map(|p| p.0).fold(1.0, f64::max);
    let ys: Vec<f64> = points.iter().flat_map(|p| [p.1, p.2]).flatten().filter(|v| v.is_finite()).collect();
    let ymax = ys.iter().cloned().fold(0.0, f64::max).ceil().max(1.0);
    let ymin = ys.iter().cloned().fold(ymax, f64::min).floor().min(ymax - 1.0).max(0.0);
    let curves = vec![
        Curve { name: train_label, mark: Mark::ClassLine("train-line"), points: points.iter().filter_map(|p| p.1.map(|v| (p.0, v))).collect() },
        Curve { name: valid_label, mark: Mark::Dots("valid-dot"), points: points.iter().filter_map(|p| p.2.map(|v| (p.0, v))).collect() },
    ];
    view! {
        <figure class="chart loss-curve">
            <Plot width=560.0 height=240.0 x=Axis::even(0.0, xmax, 4, format_count).titled(x_label) y=Axis::even(ymin, ymax, 4, |t| format!("{t:.1}")) curves=curves testid="loss-curve" />
        </figure>
    }
}

/// 1234567 → "1.2M", 45000 → "45k".
pub fn format_count(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}
