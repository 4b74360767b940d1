//! Small drawing components (SVG) shared by pages.

pub mod charts;
pub mod comparison;
pub mod heatmap;
pub mod pixels;
pub mod pretrained;
pub mod progress;

/// Colour of group `i` (colour-blind-friendly Okabe–Ito palette).
pub fn group_color(i: usize) -> &'static str {
    const PALETTE: [&str; 7] = ["#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"];
    PALETTE[i % PALETTE.len()]
}

/// Viridis-like colour for `v` in `[0, 1]` (clamped), as `rgb(...)`, and whether text on it
/// should be dark.
pub fn heat_color(v: f32) -> (String, bool) {
    const STOPS: [(f32, f32, f32); 5] = [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];
    let v = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
    let x = v * (STOPS.len() - 1) as f32;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f32;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let c = |p: f32, q: f32| (p + (q - p) * f).round() as u8;
    (format!("rgb({},{},{})", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2)), v > 0.55)
}

/// Lower end of a similarity axis: a round tenth a little below `min`, so nearby values
/// still differ visibly (the upper end is 1).
pub fn similarity_floor(min: f32) -> f32 {
    ((min - 0.02) * 10.0).floor().clamp(-10.0, 9.0) / 10.0
}
