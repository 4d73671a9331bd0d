//! Makes the public copies of a photo: JPEG and lossy WebP at [`WIDTHS`] (never upscaled), upright
//! (EXIF orientation applied), in sRGB, without any metadata, plus a tiny placeholder.
//!
//! JPEG originals are decoded by libjpeg-turbo with DCT-domain scaling straight to a size just
//! above the largest derivative; the other formats by the `image` crate under [`decode_limits`].
//! The largest derivative is resized once from the decoded image (Lanczos3, SIMD), converted to
//! sRGB and rotated, and each smaller one is resized from the previous one. Besides a JPEG
//! original's bytes (libjpeg-turbo decodes from memory), only the decoded image and the
//! derivatives are ever held in memory. Figures: docs/performance.md.
//!
//! Colour: an embedded RGB matrix/TRC ICC profile (Display P3 from phones, Adobe RGB, …) is
//! converted to sRGB; other profiles (LUT-based ones) are ignored, as if the pixels were sRGB.
//! CMYK/YCCK JPEGs are converted with the plain formula, as browsers do (Adobe APP14 means the
//! samples are stored inverted, as Photoshop writes them); their profile is ignored.
//! Transparency is flattened on white (in WebP too, so both formats look the same).
//!
//! The encoders write no metadata: libjpeg-turbo writes only a JFIF APP0 marker, libwebp a plain
//! `VP8 ` chunk. libjpeg warnings (corrupt or truncated data) are errors here, like fatal ones.

use super::inspect::SourceFormat;
use crate::numeric::{f32_from_i32, f32_from_usize, u8_from_f32, usize_from, usize_from_f32};
use app::domain::limits::{PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE};
use app::media::ImageFormat;
use base64::Engine;
use fast_image_resize as fr;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use turbojpeg::{Colorspace, Compressor, Decompressor, PixelFormat, ScalingFactor, Subsamp};

/// Widths of the derivatives, in display orientation.
pub const WIDTHS: [u32; 3] = [400, 800, 1600];
pub const JPEG_QUALITY: i32 = 82;
pub const WEBP_QUALITY: f32 = 80.0;
/// The placeholder fits in a square of this side.
const PLACEHOLDER_SIDE: u32 = 24;
const PLACEHOLDER_QUALITY: f32 = 40.0;
/// Ordinary progressive JPEGs have about ten scans; thousands of tiny ones are a CPU attack.
const MAX_PROGRESSIVE_SCANS: u32 = 100;

#[derive(Debug, Clone)]
pub struct Derivative {
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Processed {
    /// A JPEG and a WebP for each width, smallest first.
    pub derivatives: Vec<Derivative>,
    /// Dimensions of the largest derivative.
    pub width: u32,
    pub height: u32,
    /// A tiny WebP as a `data:` URI, to show (blurred) while the real image loads.
    pub placeholder: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("cannot read the original: {0}")]
    Read(#[from] std::io::Error),
    #[error("cannot decode or encode JPEG: {0}")]
    Jpeg(#[from] turbojpeg::Error),
    #[error("cannot decode the image: {0}")]
    Decode(#[from] image::ImageError),
    #[error("the image is {width}×{height}, larger than allowed")]
    TooLarge { width: usize, height: usize },
    #[error("cannot resize: {0}")]
    Resize(String),
    #[error("cannot encode WebP: {0}")]
    Webp(String),
}

/// An 8-bit RGB image, rows without padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// A decoded original: pixels in stored orientation (possibly already scaled down), and what
/// it takes to show it upright.
#[derive(Debug)]
pub struct Decoded {
    pub image: Rgb,
    pub orientation: Orientation,
    /// The conversion to sRGB its embedded profile asks for, if any.
    pub to_srgb: Option<IccToSrgb>,
    /// The original's full size in display orientation, which fixes the derivatives' sizes.
    pub display_width: u32,
    pub display_height: u32,
}

/// Makes every derivative and the placeholder of an original.
pub fn process(original: &Path, format: SourceFormat) -> Result<Processed, ProcessError> {
    process_turned(original, format, 0)
}

/// `process`, with a moderator's correction of `quarter_turns` × 90° clockwise applied after
/// the EXIF orientation.
pub fn process_turned(
    original: &Path,
    format: SourceFormat,
    quarter_turns: u8,
) -> Result<Processed, ProcessError> {
    let frames = frames(decode_turned(original, format, quarter_turns)?)?;
    let mut compressor = jpeg_compressor()?;
    let mut derivatives = Vec::with_capacity(2 * frames.len());
    for frame in frames.iter().rev() {
        derivatives.push(encode_jpeg(frame, &mut compressor)?);
        derivatives.push(encode_webp(frame)?);
    }
    let smallest = frames
        .last()
        .ok_or(ProcessError::Resize("no sizes".into()))?;
    Ok(Processed {
        derivatives,
        width: frames[0].width,
        height: frames[0].height,
        placeholder: placeholder(smallest)?,
    })
}

/// Only the JPEG derivatives of a JPEG original, largest first (what the benchmark compares
/// with libvips).
pub fn jpeg_derivatives(original: &Path) -> Result<Vec<Derivative>, ProcessError> {
    let frames = frames(decode(original, SourceFormat::Jpeg)?)?;
    let mut compressor = jpeg_compressor()?;
    frames
        .iter()
        .map(|frame| encode_jpeg(frame, &mut compressor))
        .collect()
}

/// The derivatives' sizes in display orientation, largest first.
pub fn target_sizes(display_width: u32, display_height: u32) -> Vec<(u32, u32)> {
    let mut widths: Vec<u32> = WIDTHS
        .into_iter()
        .filter(|&w| w <= display_width)
        .rev()
        .collect();
    if widths.is_empty() {
        widths.push(display_width);
    }
    widths
        .into_iter()
        .map(|w| (w, scaled_side(display_height, w, display_width)))
        .collect()
}

/// `side × numerator / denominator`, rounded, at least 1.
fn scaled_side(side: u32, numerator: u32, denominator: u32) -> u32 {
    let denominator = u64::from(denominator.max(1));
    let scaled = (u64::from(side) * u64::from(numerator) + denominator / 2) / denominator;
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

pub fn decode(original: &Path, format: SourceFormat) -> Result<Decoded, ProcessError> {
    decode_turned(original, format, 0)
}

fn decode_turned(
    original: &Path,
    format: SourceFormat,
    quarter_turns: u8,
) -> Result<Decoded, ProcessError> {
    match format {
        SourceFormat::Jpeg => decode_jpeg_turned(&std::fs::read(original)?, quarter_turns),
        SourceFormat::Png | SourceFormat::Gif | SourceFormat::Webp => {
            let mut decoded = decode_other(original, format)?;
            decoded.orientation = turned(decoded.orientation, quarter_turns);
            let (width, height) = (decoded.image.width, decoded.image.height);
            (decoded.display_width, decoded.display_height) = if swaps_sides(decoded.orientation) {
                (height, width)
            } else {
                (width, height)
            };
            Ok(decoded)
        }
    }
}

/// EXIF orientations 1–8 as "mirror horizontally or not, then turn clockwise n × 90°".
const AS_MIRROR_AND_TURNS: [(bool, u8); 8] = [
    (false, 0),
    (true, 0),
    (false, 2),
    (true, 2),
    (true, 3),
    (false, 1),
    (true, 1),
    (false, 3),
];

/// The orientation that shows `orientation` turned a further `quarter_turns` × 90° clockwise.
pub fn turned(orientation: Orientation, quarter_turns: u8) -> Orientation {
    let index = usize::from(orientation.to_exif().clamp(1, 8) - 1);
    let (mirror, turns) = AS_MIRROR_AND_TURNS[index];
    let wanted = (mirror, (turns + quarter_turns) % 4);
    AS_MIRROR_AND_TURNS
        .iter()
        .position(|entry| *entry == wanted)
        .and_then(|i| u8::try_from(i + 1).ok())
        .and_then(Orientation::from_exif)
        .unwrap_or(orientation)
}

/// Checks the decoded size against the limits; returns it as `u32`s, which it then fits.
fn check_size(width: usize, height: usize) -> Result<(u32, u32), ProcessError> {
    let too_large = ProcessError::TooLarge { width, height };
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(too_large);
    };
    let pixels = u64::from(w) * u64::from(h);
    if w == 0 || h == 0 || w > PHOTO_MAX_SIDE || h > PHOTO_MAX_SIDE || pixels > PHOTO_MAX_PIXELS {
        return Err(too_large);
    }
    Ok((w, h))
}

fn swaps_sides(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

#[cfg(test)]
fn decode_jpeg(data: &[u8]) -> Result<Decoded, ProcessError> {
    decode_jpeg_turned(data, 0)
}

fn decode_jpeg_turned(data: &[u8], quarter_turns: u8) -> Result<Decoded, ProcessError> {
    let mut markers = JpegMarkers::read(data);
    markers.orientation = turned(markers.orientation, quarter_turns);
    let mut decompressor = Decompressor::new()?;
    decompressor.set_scan_limit(MAX_PROGRESSIVE_SCANS)?;
    let header = decompressor.read_header(data)?;
    let (width, height) = check_size(header.width, header.height)?;
    let (display_width, display_height) = if swaps_sides(markers.orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let scale = if header.is_lossless {
        ScalingFactor::ONE
    } else {
        let largest = target_sizes(display_width, display_height)[0].0;
        dct_scale(usize_from(display_width), usize_from(largest))
    };
    decompressor.set_scaling_factor(scale)?;
    let (width, height) = (scale.scale(header.width), scale.scale(header.height));
    let cmyk = matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK);
    let format = if cmyk {
        PixelFormat::CMYK
    } else {
        PixelFormat::RGB
    };
    let mut pixels = vec![0u8; width * height * format.size()];
    let output = turbojpeg::Image {
        pixels: pixels.as_mut_slice(),
        width,
        pitch: width * format.size(),
        height,
        format,
    };
    decompressor.decompress(data, output)?;
    if cmyk {
        cmyk_to_rgb(&mut pixels, markers.adobe);
    }
    // Scaled down from a checked size, so it passes the check too.
    let (width, height) = check_size(width, height)?;
    Ok(Decoded {
        image: Rgb {
            width,
            height,
            pixels,
        },
        orientation: markers.orientation,
        to_srgb: (!cmyk).then(|| IccToSrgb::parse(&markers.icc)).flatten(),
        display_width,
        display_height,
    })
}

/// The smallest DCT scaling (n/8) that keeps `width` at least `target` wide, like libvips'
/// shrink-on-load: decoding straight to a smaller size skips most of the IDCT and colour work.
pub fn dct_scale(width: usize, target: usize) -> ScalingFactor {
    (1..=8)
        .map(|n| ScalingFactor::new(n, 8))
        .find(|scale| scale.scale(width) >= target)
        .unwrap_or(ScalingFactor::ONE)
}

/// What the decoder itself does not report: the EXIF orientation, the ICC profile, and whether
/// an Adobe APP14 marker says CMYK samples are stored inverted.
struct JpegMarkers {
    orientation: Orientation,
    adobe: bool,
    icc: Vec<u8>,
}

impl JpegMarkers {
    /// Walks the marker segments before the first scan. A malformed walk just stops: the
    /// decoder reports broken files.
    fn read(data: &[u8]) -> JpegMarkers {
        let mut markers = JpegMarkers {
            orientation: Orientation::NoTransforms,
            adobe: false,
            icc: Vec::new(),
        };
        let mut exif_seen = false;
        // The profile may be split over several APP2 segments, each numbered.
        let mut icc_parts = Vec::new();
        let mut pos = 2;
        while let Some(&[0xFF, marker, len_hi, len_lo]) = data.get(pos..pos + 4) {
            if marker == 0xDA || marker == 0xD9 {
                break;
            }
            let length = usize::from(u16::from_be_bytes([len_hi, len_lo]));
            let Some(body) = length
                .checked_sub(2)
                .and_then(|body| data.get(pos + 4..pos + 4 + body))
            else {
                break;
            };
            match marker {
                0xE1 if !exif_seen => {
                    if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                        exif_seen = true;
                        if let Some(orientation) = Orientation::from_exif_chunk(tiff) {
                            markers.orientation = orientation;
                        }
                    }
                }
                0xE2 => {
                    if let Some([sequence, _, part @ ..]) = body.strip_prefix(b"ICC_PROFILE\0") {
                        icc_parts.push((*sequence, part));
                    }
                }
                0xEE => markers.adobe |= body.starts_with(b"Adobe"),
                _ => {}
            }
            pos += 2 + length;
        }
        icc_parts.sort_by_key(|(sequence, _)| *sequence);
        markers.icc = icc_parts
            .into_iter()
            .flat_map(|(_, part)| part)
            .copied()
            .collect();
        markers
    }
}

/// Converts CMYK samples to RGB in place (4 bytes per pixel become 3). Without a colour
/// profile this is the textbook formula; libvips' profile-based result differs slightly.
fn cmyk_to_rgb(pixels: &mut Vec<u8>, inverted: bool) {
    let count = pixels.len() / 4;
    for i in 0..count {
        let at = 4 * i;
        let mut cmyk = [pixels[at], pixels[at + 1], pixels[at + 2], pixels[at + 3]];
        if !inverted {
            cmyk = cmyk.map(|v| 255 - v);
        }
        // Now 255 means no ink.
        let [c, m, y, k] = cmyk.map(u32::from);
        // At most (255 × 255 + 127) / 255 = 255.
        let rgb = [c, m, y].map(|v| u8::try_from((v * k + 127) / 255).unwrap_or(u8::MAX));
        pixels[3 * i..3 * i + 3].copy_from_slice(&rgb);
    }
    pixels.truncate(3 * count);
}

/// The second line of defence after `inspect`: the decoder refuses anything larger than the
/// largest photo accepted, 40 MP in RGBA.
pub fn decode_limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(PHOTO_MAX_SIDE);
    limits.max_image_height = Some(PHOTO_MAX_SIDE);
    limits.max_alloc = Some(PHOTO_MAX_PIXELS * 4 + 16 * 1024 * 1024);
    limits
}

fn decode_other(original: &Path, format: SourceFormat) -> Result<Decoded, ProcessError> {
    let image_format = match format {
        SourceFormat::Png => image::ImageFormat::Png,
        SourceFormat::Gif => image::ImageFormat::Gif,
        SourceFormat::Jpeg => image::ImageFormat::Jpeg,
        SourceFormat::Webp => image::ImageFormat::WebP,
    };
    let file = BufReader::with_capacity(64 * 1024, File::open(original)?);
    let mut reader = ImageReader::with_format(file, image_format);
    reader.limits(decode_limits());
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let to_srgb = decoder
        .icc_profile()
        .ok()
        .flatten()
        .and_then(|icc| IccToSrgb::parse(&icc));
    // GIF: the first frame.
    let image = flatten_on_white(DynamicImage::from_decoder(decoder)?);
    let (width, height) = (image.width, image.height);
    check_size(usize_from(width), usize_from(height))?;
    let (display_width, display_height) = if swaps_sides(orientation) {
        (height, width)
    } else {
        (width, height)
    };
    Ok(Decoded {
        image,
        orientation,
        to_srgb,
        display_width,
        display_height,
    })
}

fn flatten_on_white(image: DynamicImage) -> Rgb {
    let (width, height) = (image.width(), image.height());
    if !image.color().has_alpha() {
        let pixels = image.into_rgb8().into_raw();
        return Rgb {
            width,
            height,
            pixels,
        };
    }
    let mut pixels = image.into_rgba8().into_raw();
    let count = pixels.len() / 4;
    for i in 0..count {
        let at = 4 * i;
        let alpha = u32::from(pixels[at + 3]);
        for c in 0..3 {
            let value = u32::from(pixels[at + c]) * alpha + 255 * (255 - alpha);
            // At most (255 × 255 + 127) / 255 = 255.
            pixels[3 * i + c] = u8::try_from((value + 127) / 255).unwrap_or(u8::MAX);
        }
    }
    pixels.truncate(3 * count);
    Rgb {
        width,
        height,
        pixels,
    }
}

/// The derivatives' pixels, upright, in sRGB, largest first. The decoded image is freed as soon
/// as the largest is made; it is converted and rotated after downscaling, where it costs least.
pub fn frames(decoded: Decoded) -> Result<Vec<Rgb>, ProcessError> {
    let sizes = target_sizes(decoded.display_width, decoded.display_height);
    let mut resizer = fr::Resizer::new();
    let (width, height) = sizes[0];
    let stored = if swaps_sides(decoded.orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let mut largest = resize(&mut resizer, &decoded.image, stored)?;
    drop(decoded.image);
    if let Some(conversion) = &decoded.to_srgb {
        conversion.apply(&mut largest.pixels);
    }
    let mut frames = Vec::with_capacity(sizes.len());
    frames.push(orient(largest, decoded.orientation)?);
    for &size in &sizes[1..] {
        let next = resize(&mut resizer, &frames[frames.len() - 1], size)?;
        frames.push(next);
    }
    Ok(frames)
}

fn resize(resizer: &mut fr::Resizer, source: &Rgb, size: (u32, u32)) -> Result<Rgb, ProcessError> {
    let error = |e: &dyn std::fmt::Display| ProcessError::Resize(e.to_string());
    let source_view = fr::images::ImageRef::new(
        source.width,
        source.height,
        &source.pixels,
        fr::PixelType::U8x3,
    )
    .map_err(|e| error(&e))?;
    let mut target = fr::images::Image::new(size.0, size.1, fr::PixelType::U8x3);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    resizer
        .resize(&source_view, &mut target, &options)
        .map_err(|e| error(&e))?;
    Ok(Rgb {
        width: size.0,
        height: size.1,
        pixels: target.into_vec(),
    })
}

fn orient(image: Rgb, orientation: Orientation) -> Result<Rgb, ProcessError> {
    if orientation == Orientation::NoTransforms {
        return Ok(image);
    }
    let buffer = RgbImage::from_raw(image.width, image.height, image.pixels)
        .ok_or_else(|| ProcessError::Resize("pixel buffer of the wrong size".into()))?;
    let mut upright = DynamicImage::ImageRgb8(buffer);
    upright.apply_orientation(orientation);
    Ok(Rgb {
        width: upright.width(),
        height: upright.height(),
        pixels: upright.into_rgb8().into_raw(),
    })
}

/// A conversion from an ICC matrix/TRC RGB profile to sRGB: per-channel curves to linear light,
/// a 3×3 matrix through the D50 connection space, then the sRGB curve.
#[derive(Debug, Clone)]
pub struct IccToSrgb {
    to_linear: [[f32; 256]; 3],
    matrix: [[f32; 3]; 3],
}

/// XYZ (D50) to linear sRGB: the inverse of sRGB's Bradford-adapted primaries.
const XYZ_D50_TO_SRGB: [[f32; 3]; 3] = [
    [3.133_856, -1.616_867, -0.490_615],
    [-0.978_768, 1.916_142, 0.033_454],
    [0.071_945, -0.228_991, 1.405_243],
];
const SRGB_ENCODE_STEPS: usize = 4096;

impl IccToSrgb {
    /// `None` unless the profile is a well-formed RGB matrix/TRC profile that differs from sRGB.
    pub fn parse(profile: &[u8]) -> Option<IccToSrgb> {
        if profile.get(16..24)? != b"RGB XYZ " {
            return None;
        }
        let mut to_linear = [[0f32; 256]; 3];
        let mut columns = [[0f32; 3]; 3];
        for (c, (xyz, trc)) in [(b"rXYZ", b"rTRC"), (b"gXYZ", b"gTRC"), (b"bXYZ", b"bTRC")]
            .into_iter()
            .enumerate()
        {
            columns[c] = icc_xyz(icc_tag(profile, xyz)?)?;
            to_linear[c] = icc_curve(icc_tag(profile, trc)?)?;
        }
        let mut matrix = [[0f32; 3]; 3];
        for (i, row) in matrix.iter_mut().enumerate() {
            for (j, value) in row.iter_mut().enumerate() {
                *value = (0..3).map(|k| XYZ_D50_TO_SRGB[i][k] * columns[j][k]).sum();
            }
        }
        let conversion = IccToSrgb { to_linear, matrix };
        (!conversion.is_srgb()).then_some(conversion)
    }

    /// Close enough to sRGB that converting would change no pixel by more than about one level.
    fn is_srgb(&self) -> bool {
        let srgb = srgb_to_linear();
        let identity = self.matrix.iter().enumerate().all(|(i, row)| {
            row.iter()
                .enumerate()
                .all(|(j, &v)| (v - f32::from(u8::from(i == j))).abs() < 0.01)
        });
        let curves = self
            .to_linear
            .iter()
            .all(|curve| curve.iter().zip(&srgb).all(|(a, b)| (a - b).abs() < 0.002));
        identity && curves
    }

    pub fn apply(&self, pixels: &mut [u8]) {
        let encode = srgb_encode_table();
        let last_step = f32_from_usize(SRGB_ENCODE_STEPS - 1);
        for pixel in pixels.chunks_exact_mut(3) {
            let linear = [0, 1, 2].map(|c| self.to_linear[c][usize::from(pixel[c])]);
            for (out, row) in pixel.iter_mut().zip(&self.matrix) {
                let value = row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2];
                let step = value.clamp(0.0, 1.0) * last_step + 0.5;
                *out = encode[usize_from_f32(step)];
            }
        }
    }
}

fn icc_tag<'a>(profile: &'a [u8], signature: &[u8; 4]) -> Option<&'a [u8]> {
    let be32 = |at: usize| -> Option<usize> {
        let bytes = profile.get(at..at + 4)?;
        usize::try_from(u32::from_be_bytes(bytes.try_into().ok()?)).ok()
    };
    let count = be32(128)?.min(1000);
    (0..count).find_map(|i| {
        let entry = 132 + 12 * i;
        if profile.get(entry..entry + 4)? != signature {
            return None;
        }
        let (offset, size) = (be32(entry + 4)?, be32(entry + 8)?);
        profile.get(offset..offset.checked_add(size)?)
    })
}

fn s15_fixed16(bytes: &[u8]) -> Option<f32> {
    Some(f32_from_i32(i32::from_be_bytes(bytes.get(..4)?.try_into().ok()?)) / 65536.0)
}

fn icc_xyz(tag: &[u8]) -> Option<[f32; 3]> {
    if tag.get(..4)? != b"XYZ " {
        return None;
    }
    Some([
        s15_fixed16(tag.get(8..)?)?,
        s15_fixed16(tag.get(12..)?)?,
        s15_fixed16(tag.get(16..)?)?,
    ])
}

/// A `curv` or `para` tone curve, sampled at the 256 input levels.
fn icc_curve(tag: &[u8]) -> Option<[f32; 256]> {
    let curve: Box<dyn Fn(f32) -> f32> = match tag.get(..4)? {
        b"curv" => {
            let count =
                usize::try_from(u32::from_be_bytes(tag.get(8..12)?.try_into().ok()?)).ok()?;
            let entries = tag.get(12..12 + 2 * count)?;
            let table: Vec<f32> = entries
                .chunks_exact(2)
                .map(|e| f32::from(u16::from_be_bytes([e[0], e[1]])) / 65535.0)
                .collect();
            match table.len() {
                0 => Box::new(|x| x),
                1 => {
                    let gamma = table[0] * 65535.0 / 256.0;
                    Box::new(move |x| x.powf(gamma))
                }
                _ => Box::new(move |x| interpolate(&table, x)),
            }
        }
        b"para" => {
            let kind = u16::from_be_bytes(tag.get(8..10)?.try_into().ok()?);
            let count = [1, 3, 4, 5, 7].get(usize::from(kind)).copied()?;
            let mut p = [0f32; 7];
            for (i, value) in p.iter_mut().take(count).enumerate() {
                *value = s15_fixed16(tag.get(12 + 4 * i..)?)?;
            }
            Box::new(move |x| parametric(kind, &p, x))
        }
        _ => return None,
    };
    let mut levels = [0f32; 256];
    for (level, value) in levels.iter_mut().enumerate() {
        *value = curve(f32_from_usize(level) / 255.0).clamp(0.0, 1.0);
    }
    levels.iter().all(|v| v.is_finite()).then_some(levels)
}

fn interpolate(table: &[f32], x: f32) -> f32 {
    let position = x * f32_from_usize(table.len() - 1);
    let below = usize_from_f32(position.floor()).min(table.len() - 2);
    let fraction = position - f32_from_usize(below);
    table[below] + (table[below + 1] - table[below]) * fraction
}

/// ICC parametric curve types 0–4: `[g, a, b, c, d, e, f]`.
fn parametric(kind: u16, p: &[f32; 7], x: f32) -> f32 {
    let [g, a, b, c, d, e, f] = *p;
    let power = |x: f32| (a * x + b).max(0.0).powf(g);
    match kind {
        0 => x.powf(g),
        1 if x >= -b / a => power(x),
        1 => 0.0,
        2 if x >= -b / a => power(x) + c,
        2 => c,
        3 if x >= d => power(x),
        3 => c * x,
        _ if x >= d => power(x) + e,
        _ => c * x + f,
    }
}

fn srgb_to_linear() -> [f32; 256] {
    std::array::from_fn(|level| {
        let v = f32_from_usize(level) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    })
}

fn srgb_encode_table() -> &'static [u8; SRGB_ENCODE_STEPS] {
    static TABLE: std::sync::LazyLock<[u8; SRGB_ENCODE_STEPS]> = std::sync::LazyLock::new(|| {
        std::array::from_fn(|step| {
            let x = f32_from_usize(step) / f32_from_usize(SRGB_ENCODE_STEPS - 1);
            let v = if x <= 0.003_130_8 {
                12.92 * x
            } else {
                1.055 * x.powf(1.0 / 2.4) - 0.055
            };
            u8_from_f32((v * 255.0).round())
        })
    });
    &TABLE
}

/// libvips' defaults for `Q < 90`: 4:2:0, baseline, standard Huffman tables.
pub fn jpeg_compressor() -> Result<Compressor, ProcessError> {
    let mut compressor = Compressor::new()?;
    compressor.set_quality(JPEG_QUALITY)?;
    compressor.set_subsamp(Subsamp::Sub2x2)?;
    Ok(compressor)
}

pub fn encode_jpeg(frame: &Rgb, compressor: &mut Compressor) -> Result<Derivative, ProcessError> {
    let image = turbojpeg::Image {
        pixels: frame.pixels.as_slice(),
        width: usize_from(frame.width),
        pitch: 3 * usize_from(frame.width),
        height: usize_from(frame.height),
        format: PixelFormat::RGB,
    };
    Ok(Derivative {
        width: frame.width,
        height: frame.height,
        format: ImageFormat::Jpeg,
        bytes: compressor.compress_to_vec(image)?,
    })
}

pub fn encode_webp(frame: &Rgb) -> Result<Derivative, ProcessError> {
    Ok(Derivative {
        width: frame.width,
        height: frame.height,
        format: ImageFormat::Webp,
        bytes: webp_bytes(frame, WEBP_QUALITY)?,
    })
}

fn webp_bytes(frame: &Rgb, quality: f32) -> Result<Vec<u8>, ProcessError> {
    webp::Encoder::from_rgb(&frame.pixels, frame.width, frame.height)
        .encode_simple(false, quality)
        .map(|memory| memory.to_vec())
        .map_err(|e| ProcessError::Webp(format!("{e:?}")))
}

/// A WebP at most [`PLACEHOLDER_SIDE`] pixels on its longer side, as a `data:` URI.
pub fn placeholder(frame: &Rgb) -> Result<String, ProcessError> {
    let (width, height) = (frame.width, frame.height);
    let size = if width >= height {
        let w = width.min(PLACEHOLDER_SIDE);
        (w, scaled_side(height, w, width))
    } else {
        let h = height.min(PLACEHOLDER_SIDE);
        (scaled_side(width, h, height), h)
    };
    let tiny = resize(&mut fr::Resizer::new(), frame, size)?;
    let bytes = webp_bytes(&tiny, PLACEHOLDER_QUALITY)?;
    let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    Ok(format!("data:image/webp;base64,{base64}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/photos"
        ))
        .join(name)
    }

    /// A file in the temp dir, removed when dropped.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(name: &str, bytes: &[u8]) -> TempFile {
            let path = std::env::temp_dir().join(format!("shinian-{}-{name}", std::process::id()));
            std::fs::write(&path, bytes).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// The markers before the first scan that could carry metadata: every APPn but the JFIF
    /// APP0, and COM.
    fn jpeg_metadata_markers(bytes: &[u8]) -> Vec<u8> {
        let mut found = Vec::new();
        let mut pos = 2;
        loop {
            let &[0xFF, marker, hi, lo] = &bytes[pos..pos + 4] else {
                panic!("not a marker at {pos}");
            };
            if marker == 0xDA {
                return found;
            }
            let length = usize::from(u16::from_be_bytes([hi, lo]));
            let body = &bytes[pos + 4..pos + 2 + length];
            let jfif = marker == 0xE0 && body.starts_with(b"JFIF\0");
            if ((0xE0..=0xEF).contains(&marker) && !jfif) || marker == 0xFE {
                found.push(marker);
            }
            pos += 2 + length;
        }
    }

    fn webp_chunks(bytes: &[u8]) -> Vec<[u8; 4]> {
        assert_eq!((&bytes[..4], &bytes[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
        let mut chunks = Vec::new();
        let mut pos = 12;
        while pos + 8 <= bytes.len() {
            let kind: [u8; 4] = bytes[pos..pos + 4].try_into().unwrap();
            let length = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().unwrap());
            let length = usize::try_from(length).unwrap();
            chunks.push(kind);
            pos += 8 + length + length % 2;
        }
        chunks
    }

    fn has_exif(bytes: &[u8]) -> bool {
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .is_ok()
    }

    fn decode_derivative(derivative: &Derivative) -> Rgb {
        let image = match derivative.format {
            ImageFormat::Jpeg => {
                image::load_from_memory_with_format(&derivative.bytes, image::ImageFormat::Jpeg)
            }
            ImageFormat::Webp => {
                image::load_from_memory_with_format(&derivative.bytes, image::ImageFormat::WebP)
            }
        }
        .unwrap()
        .into_rgb8();
        Rgb {
            width: image.width(),
            height: image.height(),
            pixels: image.into_raw(),
        }
    }

    fn mean_rgb(image: &Rgb) -> [f64; 3] {
        let mut sums = [0f64; 3];
        for pixel in image.pixels.chunks_exact(3) {
            for c in 0..3 {
                sums[c] += f64::from(pixel[c]);
            }
        }
        let count = crate::numeric::f64_from_usize(image.pixels.len() / 3);
        sums.map(|s| s / count)
    }

    /// Checks everything that holds for any photo; returns the derivatives decoded, in order.
    fn check_processed(processed: &Processed, display: (u32, u32)) -> Vec<Rgb> {
        let sizes = target_sizes(display.0, display.1);
        assert_eq!((processed.width, processed.height), sizes[0]);
        let mut expected = Vec::new();
        for &(width, height) in sizes.iter().rev() {
            expected.push((width, height, ImageFormat::Jpeg));
            expected.push((width, height, ImageFormat::Webp));
        }
        let got: Vec<_> = processed
            .derivatives
            .iter()
            .map(|d| (d.width, d.height, d.format))
            .collect();
        assert_eq!(got, expected);
        for derivative in &processed.derivatives {
            match derivative.format {
                ImageFormat::Jpeg => {
                    assert_eq!(jpeg_metadata_markers(&derivative.bytes), Vec::<u8>::new())
                }
                ImageFormat::Webp => assert_eq!(webp_chunks(&derivative.bytes), [*b"VP8 "]),
            }
            assert!(!has_exif(&derivative.bytes));
        }
        let decoded: Vec<Rgb> = processed
            .derivatives
            .iter()
            .map(decode_derivative)
            .collect();
        for (image, derivative) in decoded.iter().zip(&processed.derivatives) {
            assert_eq!(
                (image.width, image.height),
                (derivative.width, derivative.height)
            );
        }
        let placeholder = &processed.placeholder;
        assert!(placeholder.starts_with("data:image/webp;base64,"));
        assert!(placeholder.len() < 1500, "{} bytes", placeholder.len());
        decoded
    }

    #[test]
    fn every_fixture_is_processed() {
        let fixtures = [
            (
                "coffee_4032x3024_rot6_gps.jpg",
                SourceFormat::Jpeg,
                (3024, 4032),
            ),
            (
                "chelsea_3024x4032_portrait_gps.jpg",
                SourceFormat::Jpeg,
                (3024, 4032),
            ),
            ("motorcycle_cmyk.jpg", SourceFormat::Jpeg, (741, 500)),
            ("camera_gray.jpg", SourceFormat::Jpeg, (512, 512)),
            ("animated.gif", SourceFormat::Gif, (14, 25)),
            ("hubble.webp", SourceFormat::Webp, (1000, 872)),
            ("logo_alpha.png", SourceFormat::Png, (500, 500)),
            ("astronaut_2048.png", SourceFormat::Png, (2048, 2048)),
        ];
        for (name, format, display) in fixtures {
            let processed =
                process(&fixture(name), format).unwrap_or_else(|e| panic!("{name}: {e}"));
            check_processed(&processed, display);
        }
    }

    #[test]
    fn sizes_follow_the_display_width_and_never_upscale() {
        assert_eq!(
            target_sizes(3024, 4032),
            [(1600, 2133), (800, 1067), (400, 533)]
        );
        assert_eq!(target_sizes(1000, 872), [(800, 698), (400, 349)]);
        assert_eq!(target_sizes(1600, 10), [(1600, 10), (800, 5), (400, 3)]);
        assert_eq!(target_sizes(300, 200), [(300, 200)]);
        assert_eq!(target_sizes(12_000, 1), [(1600, 1), (800, 1), (400, 1)]);
    }

    #[test]
    fn jpegs_are_decoded_just_above_the_largest_width() {
        assert_eq!(dct_scale(6000, 1600), ScalingFactor::new(3, 8));
        assert_eq!(dct_scale(3024, 1600), ScalingFactor::new(5, 8));
        assert_eq!(dct_scale(3200, 1600), ScalingFactor::new(1, 2));
        assert_eq!(dct_scale(1000, 800), ScalingFactor::new(7, 8));
        assert_eq!(dct_scale(1000, 1000), ScalingFactor::ONE);
    }

    #[test]
    fn orientation_6_comes_out_upright_and_gps_is_gone() {
        let original = fixture("coffee_4032x3024_rot6_gps.jpg");
        let bytes = std::fs::read(&original).unwrap();
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&bytes))
            .unwrap();
        assert!(
            exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                .is_some()
        );
        let processed = process(&original, SourceFormat::Jpeg).unwrap();
        assert_eq!((processed.width, processed.height), (1600, 2133));
        for derivative in &processed.derivatives {
            assert!(derivative.height > derivative.width);
            let text = String::from_utf8_lossy(&derivative.bytes);
            assert!(!text.contains("GPS") && !text.contains("Exif"));
        }
    }

    /// A JPEG (quality 95, 4:4:4) of `width × height` pixels coloured by `colour(x, y)`.
    fn synthetic_jpeg(
        width: usize,
        height: usize,
        colour: impl Fn(usize, usize) -> [u8; 3],
    ) -> Vec<u8> {
        let mut pixels = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                pixels.extend_from_slice(&colour(x, y));
            }
        }
        let image = turbojpeg::Image {
            pixels: pixels.as_slice(),
            width,
            pitch: 3 * width,
            height,
            format: PixelFormat::RGB,
        };
        turbojpeg::compress(image, 95, Subsamp::None)
            .unwrap()
            .to_vec()
    }

    /// Inserts a marker segment right after the JFIF APP0.
    fn with_segment(jpeg: &[u8], marker: u8, body: &[u8]) -> Vec<u8> {
        let mut segment = vec![0xFF, marker];
        segment.extend_from_slice(&(u16::try_from(body.len()).unwrap() + 2).to_be_bytes());
        segment.extend_from_slice(body);
        let app0_end = 4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
        [&jpeg[..app0_end], &segment, &jpeg[app0_end..]].concat()
    }

    /// A 64×32 JPEG: red, green / blue, white quadrants, with the given EXIF orientation.
    fn quadrants_jpeg(orientation: u8) -> Vec<u8> {
        let jpeg = synthetic_jpeg(64, 32, |x, y| quadrant_colour(x < 32, y < 16));
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend_from_slice(&[orientation, 0, 0, 0, 0, 0, 0]);
        with_segment(&jpeg, 0xE1, &exif)
    }

    fn quadrant_colour(left: bool, top: bool) -> [u8; 3] {
        match (left, top) {
            (true, true) => [255, 0, 0],
            (false, true) => [0, 255, 0],
            (true, false) => [0, 0, 255],
            (false, false) => [255, 255, 255],
        }
    }

    /// Where display pixel (x, y) comes from in the stored w×h image, per the EXIF spec.
    fn stored_position(orientation: u8, (x, y): (u32, u32), (w, h): (u32, u32)) -> (u32, u32) {
        match orientation {
            1 => (x, y),
            2 => (w - 1 - x, y),
            3 => (w - 1 - x, h - 1 - y),
            4 => (x, h - 1 - y),
            5 => (y, x),
            6 => (y, h - 1 - x),
            7 => (w - 1 - y, h - 1 - x),
            8 => (w - 1 - y, x),
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_moderator_turn_adds_to_the_exif_orientation() {
        for exif in 1..=8u8 {
            let orientation = Orientation::from_exif(exif).unwrap();
            assert_eq!(turned(orientation, 0), orientation);
            assert_eq!(turned(turned(orientation, 1), 3), orientation);
        }
        let rot6 = Orientation::from_exif(6).unwrap();
        assert_eq!(turned(rot6, 3).to_exif(), 1);
        // Upright 64×32 quadrants turned clockwise: blue comes to the top left, red top right.
        let frame = frames(decode_jpeg_turned(&quadrants_jpeg(1), 1).unwrap())
            .unwrap()
            .remove(0);
        assert_eq!((frame.width, frame.height), (32, 64));
        let at = |x: u32, y: u32| {
            let i = 3 * usize_from(y * frame.width + x);
            frame.pixels[i..i + 3].to_vec()
        };
        let close =
            |got: Vec<u8>, want: [u8; 3]| got.iter().zip(want).all(|(&g, w)| g.abs_diff(w) < 40);
        assert!(close(at(8, 8), [0, 0, 255]), "{:?}", at(8, 8));
        assert!(close(at(24, 8), [255, 0, 0]), "{:?}", at(24, 8));
        assert!(close(at(8, 56), [255, 255, 255]), "{:?}", at(8, 56));
    }

    #[test]
    fn all_eight_orientations_come_out_upright() {
        for orientation in 1..=8u8 {
            let decoded = decode_jpeg(&quadrants_jpeg(orientation)).unwrap();
            let frame = frames(decoded).unwrap().remove(0);
            let display = if orientation >= 5 { (32, 64) } else { (64, 32) };
            assert_eq!(
                (frame.width, frame.height),
                display,
                "orientation {orientation}"
            );
            for (fx, fy) in [(1, 1), (3, 1), (1, 3), (3, 3)] {
                let (x, y) = (display.0 * fx / 4, display.1 * fy / 4);
                let (sx, sy) = stored_position(orientation, (x, y), (64, 32));
                let expected = quadrant_colour(sx < 32, sy < 16);
                let at = 3 * usize_from(y * frame.width + x);
                let got = &frame.pixels[at..at + 3];
                let close = got.iter().zip(expected).all(|(&g, e)| g.abs_diff(e) < 40);
                assert!(
                    close,
                    "orientation {orientation} at ({x}, {y}): {got:?}, expected {expected:?}"
                );
            }
        }
    }

    /// Display P3 as phones embed it: P3 primaries (D50-adapted), the sRGB tone curve.
    fn display_p3_profile() -> Vec<u8> {
        let fixed = |values: &[f64]| -> Vec<u8> {
            values
                .iter()
                .flat_map(|v| crate::numeric::i32_from_f64((v * 65536.0).round()).to_be_bytes())
                .collect()
        };
        let xyz = |v: [f64; 3]| [b"XYZ \0\0\0\0".to_vec(), fixed(&v)].concat();
        let srgb_curve = [2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.040_45];
        let trc = [b"para\0\0\0\0\0\x03\0\0".to_vec(), fixed(&srgb_curve)].concat();
        let tags: [(&[u8; 4], Vec<u8>); 6] = [
            (b"rXYZ", xyz([0.515_102, 0.241_196, -0.001_053])),
            (b"gXYZ", xyz([0.291_965, 0.692_236, 0.041_885])),
            (b"bXYZ", xyz([0.157_153, 0.066_561, 0.784_078])),
            (b"rTRC", trc.clone()),
            (b"gTRC", trc.clone()),
            (b"bTRC", trc),
        ];
        let mut profile = vec![0u8; 128];
        profile[16..24].copy_from_slice(b"RGB XYZ ");
        profile[36..40].copy_from_slice(b"acsp");
        profile.extend_from_slice(&u32::try_from(tags.len()).unwrap().to_be_bytes());
        let mut offset = 132 + 12 * tags.len();
        for (signature, body) in &tags {
            profile.extend_from_slice(*signature);
            profile.extend_from_slice(&u32::try_from(offset).unwrap().to_be_bytes());
            profile.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
            offset += body.len();
        }
        for (_, body) in tags {
            profile.extend_from_slice(&body);
        }
        profile
    }

    #[test]
    fn display_p3_is_converted_to_srgb() {
        let conversion = IccToSrgb::parse(&display_p3_profile()).expect("a matrix/TRC profile");
        // Expected values from the ICC formulas in double precision.
        let mut pixels = [200, 120, 60, 128, 128, 128, 60, 160, 90];
        conversion.apply(&mut pixels);
        let expected = [213, 115, 42, 128, 128, 128, 0, 163, 82];
        assert!(
            pixels
                .iter()
                .zip(expected)
                .all(|(&p, e)| p.abs_diff(e) <= 1),
            "{pixels:?}"
        );

        let jpeg = synthetic_jpeg(64, 32, |_, _| [200, 120, 60]);
        let icc = [b"ICC_PROFILE\0\x01\x01".as_slice(), &display_p3_profile()].concat();
        let frame = frames(decode_jpeg(&with_segment(&jpeg, 0xE2, &icc)).unwrap())
            .unwrap()
            .remove(0);
        let centre = &frame.pixels[3 * (16 * 64 + 32)..][..3];
        let close = centre
            .iter()
            .zip([213u8, 115, 42])
            .all(|(&p, e)| p.abs_diff(e) <= 4);
        assert!(close, "{centre:?}");
    }

    #[test]
    fn srgb_profiles_are_left_alone() {
        let file = BufReader::new(File::open(fixture("hubble.webp")).unwrap());
        let mut decoder = ImageReader::with_format(file, image::ImageFormat::WebP)
            .into_decoder()
            .unwrap();
        let icc = decoder
            .icc_profile()
            .unwrap()
            .expect("hubble.webp embeds sRGB");
        assert!(IccToSrgb::parse(&icc).is_none());
        assert!(IccToSrgb::parse(b"not a profile").is_none());
    }

    #[test]
    fn cmyk_colours_are_not_inverted() {
        let original = fixture("motorcycle_cmyk.jpg");
        let processed = process(&original, SourceFormat::Jpeg).unwrap();
        let ours = mean_rgb(&check_processed(&processed, (741, 500))[0]);
        // `vipsthumbnail motorcycle_cmyk.jpg --size 400x`, which converts with a generic CMYK
        // profile and comes out lighter than the plain formula (which browsers use too).
        let vips = [143.1, 118.6, 110.0];
        let distance = |mean: [f64; 3]| {
            (0..3)
                .map(|c| (mean[c] - vips[c]).abs())
                .fold(0.0, f64::max)
        };
        assert!(distance(ours) < 20.0, "mean {ours:?}");
        // The same pixels read as if they were not stored inverted are far off.
        let data = std::fs::read(&original).unwrap();
        let mut wrong = turbojpeg::decompress(&data, PixelFormat::CMYK)
            .unwrap()
            .pixels;
        cmyk_to_rgb(&mut wrong, false);
        let wrong = mean_rgb(&Rgb {
            width: 741,
            height: 500,
            pixels: wrong,
        });
        assert!(distance(wrong) > 40.0, "inverted mean {wrong:?}");
    }

    #[test]
    fn grey_jpeg_stays_grey() {
        let processed = process(&fixture("camera_gray.jpg"), SourceFormat::Jpeg).unwrap();
        let decoded = check_processed(&processed, (512, 512));
        let [r, g, b] = mean_rgb(&decoded[0]);
        assert!((r - g).abs() < 1.0 && (g - b).abs() < 1.0, "{r} {g} {b}");
    }

    #[test]
    fn transparency_is_flattened_on_white() {
        let mut image = image::RgbaImage::new(40, 20);
        for (x, _, pixel) in image.enumerate_pixels_mut() {
            // Left half: transparent red; right half: half-transparent black.
            *pixel = if x < 20 {
                image::Rgba([255, 0, 0, 0])
            } else {
                image::Rgba([0, 0, 0, 128])
            };
        }
        let mut png = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let file = TempFile::new("alpha.png", &png);
        let processed = process(&file.0, SourceFormat::Png).unwrap();
        for decoded in check_processed(&processed, (40, 20)) {
            let left = &decoded.pixels[3 * (10 * 40 + 5)..][..3];
            let right = &decoded.pixels[3 * (10 * 40 + 35)..][..3];
            assert!(left.iter().all(|&v| v > 245), "{left:?}");
            assert!(right.iter().all(|&v| v.abs_diff(127) < 10), "{right:?}");
        }
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        let hostile = |name: &str| fixture(&format!("hostile/{name}"));
        for (path, format) in [
            (hostile("truncated.jpg"), SourceFormat::Jpeg),
            (hostile("empty.jpg"), SourceFormat::Jpeg),
            (hostile("not_an_image.jpg"), SourceFormat::Jpeg),
            (hostile("script.svg"), SourceFormat::Png),
            (hostile("bomb_30000x30000.png"), SourceFormat::Png),
            (fixture("missing.jpg"), SourceFormat::Jpeg),
        ] {
            assert!(process(&path, format).is_err(), "{}", path.display());
        }
        for (name, format) in [
            ("camera_gray.jpg", SourceFormat::Jpeg),
            ("hubble.webp", SourceFormat::Webp),
            ("animated.gif", SourceFormat::Gif),
            ("logo_alpha.png", SourceFormat::Png),
        ] {
            let bytes = std::fs::read(fixture(name)).unwrap();
            // Only the first frame of a GIF is decoded: cut inside it.
            let cut = if format == SourceFormat::Gif {
                100
            } else {
                bytes.len() / 2
            };
            let truncated = TempFile::new(&format!("truncated-{name}"), &bytes[..cut]);
            assert!(process(&truncated.0, format).is_err(), "truncated {name}");
            let mut corrupt = bytes.clone();
            let middle = corrupt.len() / 3;
            corrupt[middle..middle + 64].fill(0xFF);
            let corrupt = TempFile::new(&format!("corrupt-{name}"), &corrupt);
            let _ = process(&corrupt.0, format);
        }
    }
}
