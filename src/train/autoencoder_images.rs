//! Image datasets for the auto-encoders: MNIST and Fashion-MNIST in the idx format (gzip), as
//! `../shared/data/images/` has them.

use std::io::Read;
use std::path::Path;

pub use crate::task::autoencoder_images::ImageSet;

impl ImageSet {
    /// Reads `images` and `labels` idx files (gzip or plain).
    pub fn read(images: &Path, labels: &Path) -> Result<ImageSet, String> {
        let (dims, pixels) = read_idx(images, 0x0803)?;
        let (label_dims, label_bytes) = read_idx(labels, 0x0801)?;
        if dims[0] != label_dims[0] {
            return Err(format!("{} has {} images but {} has {} labels", images.display(), dims[0], labels.display(), label_dims[0]));
        }
        Ok(ImageSet { pixels, labels: label_bytes, rows: dims[1], cols: dims[2] })
    }

    /// The train or test split of a dataset folder: MNIST's `train-images.idx3-ubyte.gz` or
    /// Fashion-MNIST's `train-images-idx3-ubyte.gz` naming.
    pub fn split(dir: &Path, split: &str) -> Result<ImageSet, String> {
        let prefix = if split == "train" { "train" } else { "t10k" };
        for sep in ['.', '-'] {
            let images = dir.join(format!("{prefix}-images{sep}idx3-ubyte.gz"));
            let labels = dir.join(format!("{prefix}-labels{sep}idx1-ubyte.gz"));
            if images.exists() && labels.exists() {
                return ImageSet::read(&images, &labels);
            }
        }
        Err(format!("no {split} images in {} (idx files, gzip)", dir.display()))
    }
}

/// Reads an idx file: `magic` (0x0803 for u8 images, 0x0801 for u8 labels) → (dims, bytes).
fn read_idx(path: &Path, magic: u32) -> Result<(Vec<usize>, Vec<u8>), String> {
    let raw = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut out).map_err(|e| format!("{}: {e}", path.display()))?;
        out
    } else {
        raw
    };
    let word = |i: usize| bytes.get(4 * i..4 * i + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let found = word(0).ok_or_else(|| format!("{}: too short for an idx file", path.display()))?;
    if found != magic as usize {
        return Err(format!("{}: idx magic {found:#x}, expected {magic:#x}", path.display()));
    }
    let ndims = magic as usize & 0xff;
    let dims: Vec<usize> = (1..=ndims).map(word).collect::<Option<_>>().ok_or_else(|| format!("{}: truncated header", path.display()))?;
    let start = 4 * (ndims + 1);
    let len: usize = dims.iter().product();
    let data = bytes.get(start..start + len).ok_or_else(|| format!("{}: {} bytes of data, expected {len}", path.display(), bytes.len().saturating_sub(start)))?;
    Ok((dims, data.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_idx_pair_and_rejects_bad_ones() {
        let dir = std::env::temp_dir().join(format!("sesame-idx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut images = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
        images.extend([0, 255, 128, 64, 1, 2, 3, 4]);
        std::fs::write(dir.join("i"), &images).unwrap();
        std::fs::write(dir.join("l"), [0, 0, 8, 1, 0, 0, 0, 2, 7, 3]).unwrap();
        let set = ImageSet::read(&dir.join("i"), &dir.join("l")).unwrap();
        assert_eq!((set.len(), set.rows, set.cols, set.labels.clone()), (2, 2, 2, vec![7, 3]));
        assert_eq!(set.image(0), vec![0.0, 1.0, 128.0 / 255.0, 64.0 / 255.0]);
        // Labels file given as images, truncated data.
        assert!(ImageSet::read(&dir.join("l"), &dir.join("l")).unwrap_err().contains("magic"));
        std::fs::write(dir.join("t"), &images[..20]).unwrap();
        assert!(ImageSet::read(&dir.join("t"), &dir.join("l")).unwrap_err().contains("expected 8"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
