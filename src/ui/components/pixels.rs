//! Greyscale images on canvases: showing a 28×28 image (or a signed difference), a drawing pad
//! (mouse, pen and touch) and reading an uploaded picture, both turned into model inputs the way
//! MNIST was made ([`crate::task::autoencoder_images::picture_to_input`]).

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::model::autoencoder::IMAGE_SIDE;
use crate::task::autoencoder_images::{picture_to_input, MAX_UPLOAD_SIDE};

/// The 2-D context of a canvas.
pub fn context2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}

/// RGBA bytes of a 28×28 image: grey levels, or for `signed` values in -1..1 red (positive:
/// the reconstruction is too bright) and blue (too dark) on white.
pub fn rgba(image: &[f32], signed: bool) -> Vec<u8> {
    image
        .iter()
        .flat_map(|&v| {
            if signed {
                let a = (v.abs().min(1.0) * 255.0) as u8;
                if v >= 0.0 { [255, 255 - a, 255 - a, 255] } else { [255 - a, 255 - a, 255, 255] }
            } else {
                let g = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
                [g, g, g, 255]
            }
        })
        .collect()
}

/// Draws `image` (784 values) into a 28×28 canvas.
pub fn paint(canvas: &HtmlCanvasElement, image: &[f32], signed: bool) {
    if image.len() != IMAGE_SIDE * IMAGE_SIDE {
        return;
    }
    let Some(ctx) = context2d(canvas) else { return };
    let bytes = rgba(image, signed);
    if let Ok(data) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&bytes), IMAGE_SIDE as u32, IMAGE_SIDE as u32) {
        let _ = ctx.put_image_data(&data, 0.0, 0.0);
    }
}

/// A 28×28 image shown at `size` CSS pixels (sharp pixels), with a caption.
#[component]
pub fn Pixels(
    /// The image (784 values in 0..1, or -1..1 with `signed`); `None` draws nothing.
    image: Signal<Option<Vec<f32>>>,
    /// Caption under the image.
    #[prop(into)]
    caption: Signal<String>,
    /// Side on screen, CSS pixels.
    #[prop(default = 140)]
    size: u32,
    /// Draw signed differences (red/blue) instead of grey levels.
    #[prop(default = false)]
    signed: bool,
    /// `data-testid` of the figure.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let img = image.get();
        if let (Some(c), Some(img)) = (canvas.get(), img) {
            paint(&c, &img, signed);
        }
    });
    view! {
        <figure class="pixels" data-testid=testid data-ready=move || image.with(|i| i.is_some()).to_string()>
            <canvas node_ref=canvas width="28" height="28" style:width=format!("{size}px") style:height=format!("{size}px")></canvas>
            <figcaption>{caption}</figcaption>
        </figure>
    }
}

/// A black pad to draw a digit on with mouse, pen or finger; every finished stroke gives the
/// drawing as a 28×28 input (or an error sentence when it is blank).
#[component]
pub fn DrawPad(
    /// Called after each stroke (and with an error after "clear").
    on_image: Callback<Result<Vec<f32>, String>>,
    /// Label of the clear button.
    #[prop(into)]
    clear_label: Signal<String>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let drawing = StoredValue::new(None::<(f64, f64)>);
    let side = 196.0;
    let clear = move || {
        if let Some(ctx) = canvas.get().and_then(|c| context2d(&c)) {
            ctx.set_fill_style_str("#000");
            ctx.fill_rect(0.0, 0.0, side, side);
        }
    };
    Effect::new(move |_| {
        if canvas.get().is_some() {
            clear();
        }
    });
    let point = move |ev: &web_sys::PointerEvent| -> Option<(f64, f64)> {
        let c = canvas.get()?;
        let r = c.get_bounding_client_rect();
        Some(((ev.client_x() as f64 - r.left()) * side / r.width().max(1.0), (ev.client_y() as f64 - r.top()) * side / r.height().max(1.0)))
    };
    let line = move |from: (f64, f64), to: (f64, f64)| {
        if let Some(ctx) = canvas.get().and_then(|c| context2d(&c)) {
            ctx.set_stroke_style_str("#fff");
            ctx.set_line_width(side / 11.0);
            ctx.set_line_cap("round");
            ctx.set_line_join("round");
            ctx.begin_path();
            ctx.move_to(from.0, from.1);
            ctx.line_to(to.0, to.1);
            ctx.stroke();
        }
    };
    let finish = move || {
        drawing.set_value(None);
        let Some(c) = canvas.get() else { return };
        let Some(ctx) = context2d(&c) else { return };
        let result = ctx
            .get_image_data(0.0, 0.0, side, side)
            .map_err(|_| "the drawing could not be read".to_string())
            .and_then(|d| picture_to_input(&d.data().0, d.width() as usize, d.height() as usize));
        on_image.run(result);
    };
    view! {
        <div class="drawpad" data-control="draw">
            <canvas node_ref=canvas width=side.to_string() height=side.to_string() data-testid="drawpad" style="touch-action: none"
                on:pointerdown=move |ev| {
                    ev.prevent_default();
                    if let Some(c) = canvas.get() { let _ = c.set_pointer_capture(ev.pointer_id()); }
                    if let Some(p) = point(&ev) { line(p, p); drawing.set_value(Some(p)); }
                }
                on:pointermove=move |ev| {
                    if let (Some(from), Some(to)) = (drawing.get_value(), point(&ev)) { line(from, to); drawing.set_value(Some(to)); }
                }
                on:pointerup=move |_| { if drawing.get_value().is_some() { finish() } }
                on:pointercancel=move |_| { if drawing.get_value().is_some() { finish() } }
            ></canvas>
            <button class="secondary small" data-testid="drawpad-clear" on:click=move |_| { clear(); on_image.run(Err(String::new())); }>{clear_label}</button>
        </div>
    }
}

/// Largest upload accepted, in bytes (checked before decoding).
pub const MAX_UPLOAD_BYTES: f64 = 20e6;

/// Reads an uploaded file as a model input: refuses non-images, files over
/// [`MAX_UPLOAD_BYTES`] and pictures with a side over [`MAX_UPLOAD_SIDE`], with a sentence.
pub async fn read_upload(file: web_sys::File) -> Result<Vec<f32>, String> {
    if file.size() > MAX_UPLOAD_BYTES {
        return Err(format!("the file has {:.1} MB; pictures up to {:.0} MB are read", file.size() / 1e6, MAX_UPLOAD_BYTES / 1e6));
    }
    // The header's size first: a small file can declare an enormous picture, and decoding it
    // would take the tab's memory.
    let head = file.slice_with_f64_and_f64(0.0, file.size().min(65536.0)).map_err(|_| "the file could not be read".to_string())?;
    let head = wasm_bindgen_futures::JsFuture::from(head.array_buffer()).await.map_err(|_| "the file could not be read".to_string())?;
    let head = js_sys::Uint8Array::new(&head).to_vec();
    let (_, w, h) = crate::task::picture_header::picture_size(&head).map_err(|e| format!("{}: {e}", file.name()))?;
    if w == 0 || h == 0 {
        return Err("the picture is empty".into());
    }
    if w > MAX_UPLOAD_SIDE || h > MAX_UPLOAD_SIDE {
        return Err(format!("the picture is {w}×{h} pixels; pictures up to {MAX_UPLOAD_SIDE}×{MAX_UPLOAD_SIDE} are read"));
    }
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.create_image_bitmap_with_blob(&file).map_err(|_| "the browser cannot decode pictures here".to_string())?;
    let bitmap: web_sys::ImageBitmap = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| format!("{} is not a picture the browser can read (PNG, JPEG, GIF, WebP, BMP)", file.name()))?
        .dyn_into()
        .map_err(|_| "not a picture".to_string())?;
    let (w, h) = (bitmap.width(), bitmap.height());
    if w == 0 || h == 0 {
        return Err("the picture is empty".into());
    }
    if w > MAX_UPLOAD_SIDE || h > MAX_UPLOAD_SIDE {
        bitmap.close();
        return Err(format!("the picture is {w}×{h} pixels; pictures up to {MAX_UPLOAD_SIDE}×{MAX_UPLOAD_SIDE} are read"));
    }
    // Scale down to at most 280 px a side before reading pixels (keeps the aspect ratio).
    let scale = (280.0 / w.max(h) as f64).min(1.0);
    let (sw, sh) = (((w as f64 * scale).round() as u32).max(1), ((h as f64 * scale).round() as u32).max(1));
    let doc = window.document().ok_or("no document")?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas").map_err(|_| "no canvas")?.dyn_into().map_err(|_| "no canvas")?;
    canvas.set_width(sw);
    canvas.set_height(sh);
    let ctx = context2d(&canvas).ok_or("no 2-D canvas")?;
    let drawn = ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, sw as f64, sh as f64);
    bitmap.close();
    drawn.map_err(|_| "the picture could not be drawn".to_string())?;
    let data = ctx.get_image_data(0.0, 0.0, sw as f64, sh as f64).map_err(|_| "the picture's pixels could not be read".to_string())?;
    picture_to_input(&data.data().0, sw as usize, sh as usize)
}
