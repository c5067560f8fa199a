//! Photos a merchandiser uploads for a product: read from a `multipart/form-data` body, checked
//! (format by its first bytes, size, pixels), decoded, turned upright (EXIF orientation) and
//! made in the widths the pages ask for. Pure functions: the edge stores what they return.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage, Rgba};
use std::io::Cursor;

/// The most a picture file may weigh.
pub const MAX_PICTURE_BYTES: usize = 10 * 1024 * 1024;
/// The most pixels a picture may have (a 40-megapixel camera's), and the longest side.
pub const MAX_PIXELS: u64 = 40_000_000;
pub const MAX_SIDE: u32 = 10_000;
/// The shortest side a product photo may have.
pub const MIN_SIDE: u32 = 160;
/// The widths made of every picture (never wider than the picture itself).
pub const WIDTHS: [u32; 3] = crate::art::PHOTO_WIDTHS;
/// The most pictures a product may have.
pub const MAX_PICTURES: usize = 12;
/// JPEG quality of the widths made (when JPEG is the smaller encoding).
const JPEG_QUALITY: u8 = 82;

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    #[error("the body is not multipart/form-data with a `file` part: {0}")]
    NotMultipart(String),
    #[error("only JPEG, PNG and WebP pictures are accepted")]
    Unsupported,
    #[error("the picture is {width}×{height} pixels: at most {MAX_SIDE} pixels a side and {MAX_PIXELS} pixels in all")]
    TooLarge { width: u32, height: u32 },
    #[error("the picture is {width}×{height} pixels: at least {MIN_SIDE} pixels a side")]
    TooSmall { width: u32, height: u32 },
    #[error("the picture cannot be read: {0}")]
    Unreadable(String),
}

impl PictureError {
    /// The error code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            PictureError::NotMultipart(_) => "invalid_multipart",
            PictureError::Unsupported => "unsupported_picture",
            PictureError::TooLarge { .. } => "picture_too_large",
            PictureError::TooSmall { .. } => "picture_too_small",
            PictureError::Unreadable(_) => "unreadable_picture",
        }
    }
}

/// The content of the part named `file` of a `multipart/form-data` body whose `Content-Type`
/// header is `content_type` (RFC 7578: parts separated by `--boundary` lines, each with its own
/// headers).
pub fn multipart_file<'a>(content_type: &str, body: &'a [u8]) -> Result<&'a [u8], PictureError> {
    let bad = |why: &str| PictureError::NotMultipart(why.to_owned());
    let (essence, params) = content_type.split_once(';').unwrap_or((content_type, ""));
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(bad("the content type is not multipart/form-data"));
    }
    let boundary = params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty() && b.len() <= 70)
        .ok_or_else(|| bad("no boundary"))?;
    let delimiter = format!("--{boundary}");
    let mut rest = body;
    // The preamble, up to the first delimiter.
    let start = find(rest, delimiter.as_bytes()).ok_or_else(|| bad("no part"))?;
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Err(bad("no part named `file`"));
        }
        rest = rest.strip_prefix(b"\r\n").ok_or_else(|| bad("a delimiter not followed by a line break"))?;
        let head_end = find(rest, b"\r\n\r\n").ok_or_else(|| bad("a part without headers"))?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| bad("part headers that are not UTF-8"))?;
        rest = &rest[head_end + 4..];
        let closing = format!("\r\n{delimiter}");
        let end = find(rest, closing.as_bytes()).ok_or_else(|| bad("a part that is never closed"))?;
        let content = &rest[..end];
        rest = &rest[end + closing.len()..];
        let is_file = head.lines().any(|line| {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            name.trim().eq_ignore_ascii_case("content-disposition")
                && value
                    .split(';')
                    .any(|p| matches!(p.trim().split_once('='), Some((k, v)) if k.trim() == "name" && v.trim().trim_matches('"') == "file"))
        });
        if is_file {
            return Ok(content);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The format of a picture file, by its first bytes (never by its name or declared type).
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// One width of a picture, encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A picture ready to store: its size upright, and its widths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub width: u32,
    pub height: u32,
    pub files: Vec<Encoded>,
}

/// The widths to make of a picture `width` pixels wide: each of [`WIDTHS`] narrower than it, and
/// the picture's own width up to the widest of them.
pub fn widths_for(width: u32) -> Vec<u32> {
    let mut out: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    let own = width.min(WIDTHS[WIDTHS.len() - 1]);
    if !out.contains(&own) {
        out.push(own);
    }
    out
}

/// Checks, decodes and makes the widths of an uploaded picture file.
///
/// Each width is encoded both as lossless WebP (the modern format the `image` crate encodes) and
/// as JPEG, and the smaller is kept: lossless WebP wins for drawings and flat packshots, JPEG for
/// photographs. Transparency is kept in WebP and laid on white in JPEG.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, PictureError> {
    let format = sniff(bytes).ok_or(PictureError::Unsupported)?;
    let unreadable = |e: image::ImageError| PictureError::Unreadable(e.to_string());
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(unreadable)?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PictureError::TooLarge { width, height });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    picture.apply_orientation(orientation);
    let (width, height) = (picture.width(), picture.height());
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(PictureError::TooSmall { width, height });
    }
    let files = widths_for(width)
        .into_iter()
        .map(|w| {
            let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width)).max(1) as u32;
            let sized = if w == width { picture.clone() } else { picture.resize_exact(w, h, FilterType::Triangle) };
            encode(&sized)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Prepared { width, height, files })
}

/// The smaller of lossless WebP and JPEG for `picture`.
fn encode(picture: &DynamicImage) -> Result<Encoded, PictureError> {
    let failed = |e: image::ImageError| PictureError::Unreadable(format!("encoding: {e}"));
    let (width, height) = (picture.width(), picture.height());
    let rgba = picture.to_rgba8();
    let opaque = rgba.pixels().all(|p| p[3] == 255);
    let mut webp = Vec::new();
    if opaque {
        let rgb = picture.to_rgb8();
        WebPEncoder::new_lossless(&mut webp).encode(rgb.as_raw(), width, height, image::ExtendedColorType::Rgb8).map_err(failed)?;
    } else {
        WebPEncoder::new_lossless(&mut webp).encode(rgba.as_raw(), width, height, image::ExtendedColorType::Rgba8).map_err(failed)?;
    }
    let on_white = RgbImage::from_fn(width, height, |x, y| {
        let Rgba([r, g, b, a]) = *rgba.get_pixel(x, y);
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY).encode_image(&on_white).map_err(failed)?;
    // Transparency matters more than bytes: a cut-out product stays cut out.
    let (content_type, bytes) = if !opaque || webp.len() <= jpeg.len() { ("image/webp", webp) } else { ("image/jpeg", jpeg) };
    Ok(Encoded { width, height, content_type, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        picture.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).expect("a PNG");
        out
    }

    /// CRC-32 (IEEE), as PNG chunks carry it.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    fn form(boundary: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut body = b"preamble\r\n".to_vec();
        for (name, content) in parts {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"x.png\"\r\n").as_bytes());
            body.extend(b"Content-Type: image/png\r\n\r\n");
            body.extend(*content);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        body
    }

    #[test]
    fn the_file_part_of_a_form_is_found_among_others_and_a_form_without_one_is_refused() {
        // The boundary may appear in a part's content, only not at the start of a line.
        let body = form("XyZ", &[("note", b"hello"), ("file", b"\x89PNG\r\n --XyZ inside is fine")]);
        assert_eq!(multipart_file("multipart/form-data; boundary=XyZ", &body), Ok(&b"\x89PNG\r\n --XyZ inside is fine"[..]));
        assert_eq!(multipart_file("multipart/form-data; boundary=\"XyZ\"", &body).map(<[u8]>::len), Ok(27));
        let no_file = form("XyZ", &[("note", b"hello")]);
        assert_eq!(multipart_file("multipart/form-data; boundary=XyZ", &no_file).map_err(|e| e.code()), Err("invalid_multipart"));
        for content_type in ["application/json", "multipart/form-data", "multipart/form-data; boundary="] {
            assert_eq!(multipart_file(content_type, &body).map_err(|e| e.code()), Err("invalid_multipart"), "{content_type}");
        }
        assert!(multipart_file("multipart/form-data; boundary=XyZ", b"--XyZ\r\nno end").is_err());
    }

    #[test]
    fn a_picture_is_made_in_the_widths_narrower_than_itself_and_its_own() {
        assert_eq!(widths_for(4000), vec![320, 640, 1280]);
        assert_eq!(widths_for(1000), vec![320, 640, 1000]);
        assert_eq!(widths_for(640), vec![320, 640]);
        assert_eq!(widths_for(200), vec![200]);
        let prepared = prepare(&png(900, 600)).expect("prepared");
        assert_eq!((prepared.width, prepared.height), (900, 600));
        let sizes: Vec<(u32, u32)> = prepared.files.iter().map(|f| (f.width, f.height)).collect();
        assert_eq!(sizes, vec![(320, 213), (640, 427), (900, 600)]);
        for file in &prepared.files {
            let decoded = image::load_from_memory(&file.bytes).expect("each width decodes");
            assert_eq!((decoded.width(), decoded.height()), (file.width, file.height));
            assert!(["image/webp", "image/jpeg"].contains(&file.content_type));
        }
    }

    #[test]
    fn files_that_are_no_picture_or_out_of_bounds_are_refused_with_the_reason() {
        assert_eq!(prepare(b"GIF89a....").map_err(|e| e.code()), Err("unsupported_picture"));
        assert_eq!(prepare(b"\x89PNG\r\n\x1a\nbroken").map_err(|e| e.code()), Err("unreadable_picture"));
        assert_eq!(prepare(&png(100, 400)).map_err(|e| e.code()), Err("picture_too_small"));
        // A PNG header claiming 20,000 × 20,000 pixels is refused before anything is decoded.
        let mut huge = png(200, 200);
        huge[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&huge[12..29]);
        huge[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(prepare(&huge).map_err(|e| e.code()), Err("picture_too_large"));
    }
}
