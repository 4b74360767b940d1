//! Random views of one image for contrastive learning (SimCLR's "data augmentation"): the model
//! is taught that two views of one picture are the same thing and other pictures are not, so
//! the views must change what does not matter (position, size, slant, stroke brightness, a
//! blotch) and keep what does (which digit it is). No horizontal flips: a mirrored 2 is not a 2.
//! Plain Rust on 28×28 images in 0..1, shared by training and the `/vision` page, which shows
//! the pairs.

use crate::model::autoencoder::IMAGE_SIDE;
use crate::rng::Rng;

/// How strongly views differ (the ranges each random choice is drawn from).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Augment {
    /// Largest rotation either way, in degrees.
    pub rotate: f32,
    /// Scale is drawn from `1 − zoom ..= 1 + zoom` (below 1 the digit shrinks).
    pub zoom: f32,
    /// Largest shift along each axis, in pixels.
    pub shift: f32,
    /// Ink is multiplied by a factor from `1 − fade ..= 1`.
    pub fade: f32,
    /// Chance of blanking a random square (cut-out).
    pub cutout: f32,
    /// Side of the cut-out square, in pixels.
    pub cutout_side: usize,
    /// Largest standard deviation of Gaussian pixel noise.
    pub noise: f32,
}

impl Default for Augment {
    fn default() -> Self {
        Augment { rotate: 20.0, zoom: 0.25, shift: 4.0, fade: 0.5, cutout: 0.5, cutout_side: 10, noise: 0.15 }
    }
}

impl Augment {
    /// One random view of `image` (`28 × 28`, row-major, 0..1).
    pub fn view(&self, image: &[f32], rng: &mut Rng) -> Vec<f32> {
        let mut range = |r: f32| (rng.unit() as f32 * 2.0 - 1.0) * r;
        let angle = range(self.rotate).to_radians();
        let scale = 1.0 + range(self.zoom);
        let (dx, dy) = (range(self.shift), range(self.shift));
        let mut out = warp(image, angle, scale, dx, dy);
        let ink = 1.0 - rng.unit() as f32 * self.fade;
        let sigma = rng.unit() as f32 * self.noise;
        for v in out.iter_mut() {
            *v = (*v * ink + sigma * rng.gaussian()).clamp(0.0, 1.0);
        }
        if rng.unit() < self.cutout as f64 && self.cutout_side > 0 {
            let side = self.cutout_side.min(IMAGE_SIDE);
            let (top, left) = (rng.below(IMAGE_SIDE - side + 1), rng.below(IMAGE_SIDE - side + 1));
            for r in top..top + side {
                out[r * IMAGE_SIDE + left..r * IMAGE_SIDE + left + side].fill(0.0);
            }
        }
        out
    }
}

/// `image` rotated by `angle` (radians, about the centre), scaled by `scale` and shifted by
/// (`dx`, `dy`) pixels, sampled bilinearly; what comes from outside the frame is black.
pub fn warp(image: &[f32], angle: f32, scale: f32, dx: f32, dy: f32) -> Vec<f32> {
    let n = IMAGE_SIDE;
    let c = (n as f32 - 1.0) / 2.0;
    let (sin, cos) = angle.sin_cos();
    let at = |r: isize, col: isize| if r < 0 || col < 0 || r >= n as isize || col >= n as isize { 0.0 } else { image[r as usize * n + col as usize] };
    let mut out = vec![0.0; n * n];
    for r in 0..n {
        for col in 0..n {
            // The inverse map: output pixel → where it comes from in the input.
            let (x, y) = ((col as f32 - c - dx) / scale, (r as f32 - c - dy) / scale);
            let (sx, sy) = (cos * x + sin * y + c, -sin * x + cos * y + c);
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = (sx - x0, sy - y0);
            let (x0, y0) = (x0 as isize, y0 as isize);
            out[r * n + col] = at(y0, x0) * (1.0 - fx) * (1.0 - fy) + at(y0, x0 + 1) * fx * (1.0 - fy) + at(y0 + 1, x0) * (1.0 - fx) * fy + at(y0 + 1, x0 + 1) * fx * fy;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot() -> Vec<f32> {
        let mut img = vec![0.0; 784];
        img[10 * 28 + 20] = 1.0;
        img
    }

    #[test]
    fn warp_moves_rotates_and_keeps_an_identity() {
        let img: Vec<f32> = (0..784).map(|i| (i % 97) as f32 / 97.0).collect();
        let same = warp(&img, 0.0, 1.0, 0.0, 0.0);
        assert!(same.iter().zip(&img).all(|(a, b)| (a - b).abs() < 1e-6));
        let moved = warp(&dot(), 0.0, 1.0, 3.0, -2.0);
        assert!((moved[8 * 28 + 23] - 1.0).abs() < 1e-6, "3 right, 2 up");
        // A quarter turn about the centre (13.5, 13.5): (row 10, col 20) → (row 20, col 17)
        // under the inverse map used here (y down, positive angle clockwise on screen).
        let turned = warp(&dot(), std::f32::consts::FRAC_PI_2, 1.0, 0.0, 0.0);
        let (i, v) = turned.iter().enumerate().fold((0, 0.0f32), |a, (i, &v)| if v > a.1 { (i, v) } else { a });
        assert!(v > 0.99, "{v}");
        assert_eq!((i / 28, i % 28), (20, 17));
        assert!((turned.iter().sum::<f32>() - 1.0).abs() < 1e-4, "ink is kept");
    }

    #[test]
    fn views_differ_stay_in_range_and_follow_the_seed() {
        let img: Vec<f32> = (0..784).map(|i| if (i / 28) % 5 == 0 { 1.0 } else { 0.0 }).collect();
        let aug = Augment::default();
        let (a, b) = (aug.view(&img, &mut Rng::new(1)), aug.view(&img, &mut Rng::new(2)));
        assert_eq!(a.len(), 784);
        assert_ne!(a, b);
        assert!(a.iter().chain(&b).all(|v| (0.0..=1.0).contains(v)));
        assert_eq!(a, aug.view(&img, &mut Rng::new(1)));
        let none = Augment { rotate: 0.0, zoom: 0.0, shift: 0.0, fade: 0.0, cutout: 0.0, cutout_side: 0, noise: 0.0 };
        assert_eq!(none.view(&img, &mut Rng::new(3)), img);
    }
}
