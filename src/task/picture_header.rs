//! The size of an uploaded picture, read from its header before anything decodes it: a tiny
//! file can declare 30000×30000 pixels (3.6 GB once decoded), so the size is checked first.

/// Picture formats the upload boxes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG.
    Png,
    /// JPEG (baseline or progressive).
    Jpeg,
    /// GIF.
    Gif,
    /// WebP (lossy, lossless or extended).
    WebP,
    /// Windows bitmap.
    Bmp,
}

/// Reads (format, width, height) from the first bytes of a file (64 KiB are plenty: JPEG's
/// frame header may follow some metadata). An error says in words what is wrong.
pub fn picture_size(bytes: &[u8]) -> Result<(Format, u32, u32), String> {
    let be16 = |i: usize| bytes.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as u32);
    let le16 = |i: usize| bytes.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as u32);
    let be32 = |i: usize| bytes.get(i..i + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let le32 = |i: usize| bytes.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let le24 = |i: usize| bytes.get(i..i + 3).map(|b| u32::from_le_bytes([b[0], b[1], b[2], 0]));
    let short = || "the file ends inside its header (damaged or not a picture)".to_string();
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        if bytes.get(12..16) != Some(b"IHDR") {
            return Err("the PNG has no image header (damaged file)".into());
        }
        return Ok((Format::Png, be32(16).ok_or_else(short)?, be32(20).ok_or_else(short)?));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok((Format::Gif, le16(6).ok_or_else(short)?, le16(8).ok_or_else(short)?));
    }
    if bytes.starts_with(b"BM") {
        let w = le32(18).ok_or_else(short)? as i32;
        let h = le32(22).ok_or_else(short)? as i32;
        return Ok((Format::Bmp, w.unsigned_abs(), h.unsigned_abs()));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return match bytes.get(12..16) {
            Some(b"VP8 ") => Ok((Format::WebP, le16(26).ok_or_else(short)? & 0x3fff, le16(28).ok_or_else(short)? & 0x3fff)),
            Some(b"VP8L") => {
                let b = le32(21).ok_or_else(short)?;
                Ok((Format::WebP, (b & 0x3fff) + 1, ((b >> 14) & 0x3fff) + 1))
            }
            Some(b"VP8X") => {
                let w = le24(24).ok_or_else(short)?;
                let h = le24(27).ok_or_else(short)?;
                Ok((Format::WebP, w + 1, h + 1))
            }
            _ => Err("the WebP file has no image header it knows (damaged file)".into()),
        };
    }
    if bytes.starts_with(&[0xff, 0xd8]) {
        // Walk the markers to the first start-of-frame (SOF0..SOF15 except DHT/JPG/DAC).
        let mut i = 2;
        while i + 4 <= bytes.len() {
            if bytes[i] != 0xff {
                return Err("the JPEG's markers are damaged".into());
            }
            let marker = bytes[i + 1];
            if marker == 0xff {
                i += 1;
                continue;
            }
            if matches!(marker, 0xd0..=0xd9 | 0x01) {
                i += 2;
                continue;
            }
            let len = be16(i + 2).ok_or_else(short)? as usize;
            if matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc) {
                return Ok((Format::Jpeg, be16(i + 7).ok_or_else(short)?, be16(i + 5).ok_or_else(short)?));
            }
            if len < 2 {
                return Err("the JPEG's markers are damaged".into());
            }
            i += 2 + len;
        }
        return Err("no frame header in the JPEG's first 64 KB (damaged file, or too much metadata)".into());
    }
    Err("this is not a picture the app reads (PNG, JPEG, GIF, WebP or BMP)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn sizes_come_from_headers() {
        assert_eq!(picture_size(&png(30000, 30000)), Ok((Format::Png, 30000, 30000)));
        assert_eq!(picture_size(b"GIF89a\x40\x01\xf0\x00rest"), Ok((Format::Gif, 320, 240)));
        let mut bmp = b"BM".to_vec();
        bmp.extend([0u8; 16]);
        bmp.extend(28i32.to_le_bytes());
        bmp.extend((-14i32).to_le_bytes());
        assert_eq!(picture_size(&bmp), Ok((Format::Bmp, 28, 14)));
        // JPEG: SOI, an APP0 segment, then SOF0 with height 480, width 640.
        let mut jpg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8];
        jpg.extend(480u16.to_be_bytes());
        jpg.extend(640u16.to_be_bytes());
        jpg.extend([0u8; 12]);
        assert_eq!(picture_size(&jpg), Ok((Format::Jpeg, 640, 480)));
        // WebP extended: canvas 1024 × 768 stored minus one, 24-bit little-endian.
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend(&1023u32.to_le_bytes()[..3]);
        webp.extend(&767u32.to_le_bytes()[..3]);
        assert_eq!(picture_size(&webp), Ok((Format::WebP, 1024, 768)));
    }

    #[test]
    fn text_and_cut_files_are_refused_with_a_reason() {
        assert!(picture_size(b"hello, this is a text file named .png").unwrap_err().contains("not a picture"));
        assert!(picture_size(&png(10, 10)[..18]).unwrap_err().contains("ends inside"));
        assert!(picture_size(&[]).is_err());
        assert!(picture_size(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]).is_err());
    }
}
