//! Decoding an original, within the limits: JPEG by libjpeg-turbo with DCT-domain scaling
//! straight to a size just above the largest derivative (only the file's bytes and the decoded
//! image are held); PNG, GIF and WebP by the `image` crate under [`decode_limits`], streamed from
//! the file. Transparency is flattened on white (in WebP too, so both formats look the same).

use super::colour::{Channels, CmykToSrgb, IccToSrgb};
use super::error::DeriveError;
use super::jpeg_markers::{JpegMarkers, cmyk_to_rgb};
use super::pixels::Rgb;
use super::resize::{oriented_size, target_sizes, turned};
use crate::media::format::SourceFormat;
use crate::numeric::usize_from;
use app::domain::limits::{PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use turbojpeg::{Colorspace, Decompressor, PixelFormat, ScalingFactor};

/// Ordinary progressive JPEGs have about ten scans; thousands of tiny ones are a CPU attack.
const MAX_PROGRESSIVE_SCANS: u32 = 100;

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

pub fn decode(original: &Path, format: SourceFormat) -> Result<Decoded, DeriveError> {
    decode_turned(original, format, 0)
}

pub(super) fn decode_turned(
    original: &Path,
    format: SourceFormat,
    quarter_turns: u8,
) -> Result<Decoded, DeriveError> {
    match format {
        SourceFormat::Jpeg => decode_jpeg_turned(&std::fs::read(original)?, quarter_turns),
        SourceFormat::Png | SourceFormat::Gif | SourceFormat::Webp => {
            let mut decoded = decode_other(original, format)?;
            decoded.orientation = turned(decoded.orientation, quarter_turns);
            (decoded.display_width, decoded.display_height) = oriented_size(
                decoded.orientation,
                decoded.image.width,
                decoded.image.height,
            );
            Ok(decoded)
        }
    }
}

/// Checks the decoded size against the limits; returns it as `u32`s, which it then fits.
fn check_size(width: usize, height: usize) -> Result<(u32, u32), DeriveError> {
    let too_large = DeriveError::TooLarge { width, height };
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err(too_large);
    };
    let pixels = u64::from(w) * u64::from(h);
    if w == 0 || h == 0 || w > PHOTO_MAX_SIDE || h > PHOTO_MAX_SIDE || pixels > PHOTO_MAX_PIXELS {
        return Err(too_large);
    }
    Ok((w, h))
}

#[cfg(test)]
pub(super) fn decode_jpeg(data: &[u8]) -> Result<Decoded, DeriveError> {
    decode_jpeg_turned(data, 0)
}

pub(super) fn decode_jpeg_turned(data: &[u8], quarter_turns: u8) -> Result<Decoded, DeriveError> {
    let mut markers = JpegMarkers::read(data);
    markers.orientation = turned(markers.orientation, quarter_turns);
    let mut decompressor = Decompressor::new()?;
    decompressor.set_scan_limit(MAX_PROGRESSIVE_SCANS)?;
    let header = decompressor.read_header(data)?;
    let (width, height) = check_size(header.width, header.height)?;
    let (display_width, display_height) = oriented_size(markers.orientation, width, height);
    let scale = if header.is_lossless {
        ScalingFactor::ONE
    } else {
        let largest = target_sizes(display_width, display_height)[0].0;
        dct_scale(usize_from(display_width), usize_from(largest))
    };
    decompressor.set_scaling_factor(scale)?;
    let (width, height) = (scale.scale(header.width), scale.scale(header.height));
    let cmyk = matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK);
    let channels = if header.colorspace == Colorspace::Gray {
        Channels::Grey
    } else {
        Channels::Rgb
    };
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
        // Before resizing: the profile describes CMYK samples, which are not resized.
        match CmykToSrgb::parse(&markers.icc) {
            Some(conversion) => conversion.apply(&mut pixels, markers.adobe)?,
            None => cmyk_to_rgb(&mut pixels, markers.adobe),
        }
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
        to_srgb: (!cmyk)
            .then(|| IccToSrgb::parse(&markers.icc, channels))
            .flatten(),
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

/// The second line of defence after `inspect`: the decoder refuses anything larger than the
/// largest photo accepted, 40 MP in RGBA.
pub fn decode_limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(PHOTO_MAX_SIDE);
    limits.max_image_height = Some(PHOTO_MAX_SIDE);
    limits.max_alloc = Some(PHOTO_MAX_PIXELS * 4 + 16 * 1024 * 1024);
    limits
}

fn decode_other(original: &Path, format: SourceFormat) -> Result<Decoded, DeriveError> {
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
    let channels = if decoder.color_type().has_color() {
        Channels::Rgb
    } else {
        Channels::Grey
    };
    let to_srgb = decoder
        .icc_profile()
        .ok()
        .flatten()
        .and_then(|icc| IccToSrgb::parse(&icc, channels));
    // GIF: the first frame.
    let image = flatten_on_white(DynamicImage::from_decoder(decoder)?);
    let (width, height) = (image.width, image.height);
    check_size(usize_from(width), usize_from(height))?;
    let (display_width, display_height) = oriented_size(orientation, width, height);
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
