//! Greyscale image sets for the auto-encoder pages and tools: the shipped test subsets (a
//! safetensors file with `images` `[N, 28, 28]` and `labels` `[N]`, both u8), the noise the
//! denoising page and training add, and conversion of the user's own pictures (any size, colour
//! or alpha) to a 28×28 input.

use burn::tensor::{Device, Tensor, TensorData};
use safetensors::{Dtype, SafeTensors};

use crate::rng::Rng;
use crate::model::autoencoder::IMAGE_SIDE;

/// Pixels per image (28 × 28).
pub const PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;

/// A set of greyscale images with their class labels.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSet {
    /// Pixels, image after image, row-major, 0..=255.
    pub pixels: Vec<u8>,
    /// Class of each image (0..=9).
    pub labels: Vec<u8>,
    /// Rows of each image.
    pub rows: usize,
    /// Columns of each image.
    pub cols: usize,
}

impl ImageSet {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image `i`'s pixels scaled to 0..1.
    pub fn image(&self, i: usize) -> Vec<f32> {
        let n = self.rows * self.cols;
        self.pixels[i * n..(i + 1) * n].iter().map(|&p| p as f32 / 255.0).collect()
    }

    /// The first `n` images (or all, if fewer).
    pub fn first(&self, n: usize) -> ImageSet {
        let n = n.min(self.len());
        ImageSet { pixels: self.pixels[..n * self.rows * self.cols].to_vec(), labels: self.labels[..n].to_vec(), rows: self.rows, cols: self.cols }
    }

    /// Images `ids` as one `[n, 1, 28, 28]` tensor in 0..1.
    pub fn tensor(&self, ids: &[usize], device: &Device) -> Tensor<4> {
        let values: Vec<f32> = ids.iter().flat_map(|&i| self.image(i)).collect();
        Tensor::from_data(TensorData::new(values, [ids.len(), 1, self.rows, self.cols]), device)
    }

    /// Reads a shipped subset (safetensors with u8 `images` `[N, 28, 28]` and `labels` `[N]`).
    pub fn from_safetensors(bytes: &[u8]) -> Result<ImageSet, String> {
        let st = SafeTensors::deserialize(bytes).map_err(|e| format!("the image file is not valid safetensors ({e})"))?;
        let get = |name: &str| st.tensor(name).map_err(|_| format!("the image file has no tensor named {name}"));
        let (images, labels) = (get("images")?, get("labels")?);
        if images.dtype() != Dtype::U8 || labels.dtype() != Dtype::U8 {
            return Err("the image file's tensors must be u8".into());
        }
        match (images.shape(), labels.shape()) {
            ([n, r, c], [m]) if n == m && *r == IMAGE_SIDE && *c == IMAGE_SIDE => {
                Ok(ImageSet { pixels: images.data().to_vec(), labels: labels.data().to_vec(), rows: *r, cols: *c })
            }
            (s, l) => Err(format!("the image file has images {s:?} and labels {l:?}; expected [N, 28, 28] and [N]")),
        }
    }

    /// Writes the set in the format [`ImageSet::from_safetensors`] reads.
    pub fn to_safetensors(&self) -> Result<Vec<u8>, String> {
        let images = safetensors::tensor::TensorView::new(Dtype::U8, vec![self.len(), self.rows, self.cols], &self.pixels).map_err(|e| e.to_string())?;
        let labels = safetensors::tensor::TensorView::new(Dtype::U8, vec![self.len()], &self.labels).map_err(|e| e.to_string())?;
        safetensors::serialize(vec![("images", images), ("labels", labels)], None).map_err(|e| e.to_string())
    }
}

/// Noise put on an input image (pixels in 0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Noise {
    /// Add Gaussian noise of this standard deviation, then clip to 0..1.
    Gaussian(f32),
    /// Set this fraction of the pixels to black or white (half each).
    SaltPepper(f32),
}

impl Noise {
    /// Applies the noise to `pixels` in place.
    pub fn apply(self, pixels: &mut [f32], rng: &mut Rng) {
        match self {
            Noise::Gaussian(std) if std > 0.0 => pixels.iter_mut().for_each(|p| *p = (*p + std * rng.gaussian()).clamp(0.0, 1.0)),
            Noise::SaltPepper(rate) if rate > 0.0 => pixels.iter_mut().for_each(|p| {
                let u = rng.unit() as f32;
                if u < rate {
                    *p = if u < rate / 2.0 { 0.0 } else { 1.0 };
                }
            }),
            _ => {}
        }
    }
}

/// Largest picture side the pages accept from an upload (larger ones are refused with a message,
/// before any pixel is decoded into memory by Sesame).
pub const MAX_UPLOAD_SIDE: u32 = 4096;

/// Turns an RGBA picture (`width × height`, row-major, as a canvas gives it) into a 28×28 input
/// the way MNIST was made: greyscale, inverted when the background is light (digits are white on
/// black), the ink's bounding box scaled to fit 20×20 keeping its aspect ratio, centred in 28×28
/// by its centre of mass. Returns an error sentence for an empty or blank picture.
pub fn picture_to_input(rgba: &[u8], width: usize, height: usize) -> Result<Vec<f32>, String> {
    if width == 0 || height == 0 || rgba.len() != width * height * 4 {
        return Err("the picture is empty or its pixel data is incomplete".into());
    }
    // Greyscale over a white background (transparent pixels count as background).
    let grey: Vec<f32> = rgba
        .chunks_exact(4)
        .map(|p| {
            let a = p[3] as f32 / 255.0;
            let l = (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) / 255.0;
            a * l + (1.0 - a)
        })
        .collect();
    // Light background (the border is mostly bright) → dark ink: invert so ink is bright.
    let border: Vec<f32> = (0..width).flat_map(|x| [grey[x], grey[(height - 1) * width + x]]).chain((0..height).flat_map(|y| [grey[y * width], grey[y * width + width - 1]])).collect();
    let light = border.iter().sum::<f32>() / border.len() as f32 > 0.5;
    let ink: Vec<f32> = grey.iter().map(|&g| if light { 1.0 - g } else { g }).collect();
    let bg = {
        let mut b: Vec<f32> = border.iter().map(|&g| if light { 1.0 - g } else { g }).collect();
        b.sort_by(f32::total_cmp);
        b[b.len() / 2]
    };
    let ink: Vec<f32> = ink.iter().map(|&v| ((v - bg) / (1.0 - bg).max(1e-3)).clamp(0.0, 1.0)).collect();
    let (mut x0, mut y0, mut x1, mut y1) = (width, height, 0, 0);
    for y in 0..height {
        for x in 0..width {
            if ink[y * width + x] > 0.1 {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    if x0 > x1 {
        return Err("the picture is blank: draw or upload something with visible strokes".into());
    }
    // Scale the bounding box into 20×20 (area averaging), keeping the aspect ratio.
    let (bw, bh) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
    let scale = 20.0 / bw.max(bh);
    let (tw, th) = (((bw * scale).round() as usize).clamp(1, 20), ((bh * scale).round() as usize).clamp(1, 20));
    let mut small = vec![0.0f32; tw * th];
    for (ty, row) in small.chunks_mut(tw).enumerate() {
        for (tx, v) in row.iter_mut().enumerate() {
            let (sx0, sx1) = (x0 as f32 + tx as f32 * bw / tw as f32, x0 as f32 + (tx + 1) as f32 * bw / tw as f32);
            let (sy0, sy1) = (y0 as f32 + ty as f32 * bh / th as f32, y0 as f32 + (ty + 1) as f32 * bh / th as f32);
            let (mut sum, mut n) = (0.0, 0.0);
            for sy in (sy0.floor() as usize)..(sy1.ceil() as usize).min(height) {
                for sx in (sx0.floor() as usize)..(sx1.ceil() as usize).min(width) {
                    sum += ink[sy * width + sx];
                    n += 1.0;
                }
            }
            *v = if n > 0.0 { sum / n } else { 0.0 };
        }
    }
    // Centre of mass of the small picture → placed at the centre of 28×28.
    let mass: f32 = small.iter().sum::<f32>().max(1e-6);
    let cx = small.iter().enumerate().map(|(i, v)| (i % tw) as f32 * v).sum::<f32>() / mass;
    let cy = small.iter().enumerate().map(|(i, v)| (i / tw) as f32 * v).sum::<f32>() / mass;
    let (ox, oy) = ((13.5 - cx).round() as i64, (13.5 - cy).round() as i64);
    let mut out = vec![0.0f32; PIXELS];
    for (i, v) in small.iter().enumerate() {
        let (x, y) = ((i % tw) as i64 + ox, (i / tw) as i64 + oy);
        if (0..28).contains(&x) && (0..28).contains(&y) {
            out[y as usize * IMAGE_SIDE + x as usize] = *v;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_round_trips_and_bad_files_are_sentences() {
        let set = ImageSet { pixels: (0..2 * PIXELS).map(|i| (i % 256) as u8).collect(), labels: vec![3, 7], rows: 28, cols: 28 };
        let bytes = set.to_safetensors().unwrap();
        assert_eq!(ImageSet::from_safetensors(&bytes).unwrap(), set);
        assert_eq!(set.first(1).labels, vec![3]);
        assert!(ImageSet::from_safetensors(b"not a file").unwrap_err().contains("safetensors"));
    }

    #[test]
    fn noise_levels() {
        let mut rng = Rng::new(1);
        let mut p = vec![0.5f32; 10_000];
        Noise::SaltPepper(0.2).apply(&mut p, &mut rng);
        let changed = p.iter().filter(|&&v| v != 0.5).count() as f32 / 1e4;
        assert!((changed - 0.2).abs() < 0.02, "{changed}");
        let mut g = vec![0.5f32; 10_000];
        Noise::Gaussian(0.1).apply(&mut g, &mut rng);
        let sd = (g.iter().map(|v| (v - 0.5) * (v - 0.5)).sum::<f32>() / 1e4).sqrt();
        assert!((sd - 0.1).abs() < 0.01, "{sd}");
        let mut z = vec![0.5f32; 4];
        Noise::Gaussian(0.0).apply(&mut z, &mut rng);
        assert_eq!(z, vec![0.5; 4]);
    }

    #[test]
    fn a_dark_stroke_on_white_becomes_a_centred_white_digit() {
        // 100×60 white picture with a black vertical bar near the left edge.
        let (w, h) = (100, 60);
        let mut rgba = vec![255u8; w * h * 4];
        for y in 10..50 {
            for x in 5..15 {
                rgba[(y * w + x) * 4..(y * w + x) * 4 + 3].copy_from_slice(&[0, 0, 0]);
            }
        }
        let img = picture_to_input(&rgba, w, h).unwrap();
        let mass: f32 = img.iter().sum();
        let cx = img.iter().enumerate().map(|(i, v)| (i % 28) as f32 * v).sum::<f32>() / mass;
        let cy = img.iter().enumerate().map(|(i, v)| (i / 28) as f32 * v).sum::<f32>() / mass;
        assert!((cx - 13.5).abs() < 1.0 && (cy - 13.5).abs() < 1.0, "centre {cx} {cy}");
        assert_eq!(img.iter().filter(|&&v| v > 0.5).count() / 20, 5, "a 5×20 bar");
        assert!(img[0] == 0.0 && img.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!(picture_to_input(&vec![255u8; 16], 2, 2).unwrap_err().contains("blank"));
        assert!(picture_to_input(&[1, 2, 3], 1, 1).is_err());
    }
}
