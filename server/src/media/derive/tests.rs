//! The pipeline on real fixtures and synthetic JPEGs: sizes, orientation, colour, CMYK,
//! transparency, metadata stripping and broken files.

use super::decode::{decode_jpeg, decode_jpeg_turned};
use super::jpeg_markers::cmyk_to_rgb;
use super::resize::turned;
use super::{Derivative, Processed, Rgb, dct_scale, frames, process, target_sizes};
use crate::media::format::SourceFormat;
use crate::numeric::usize_from;
use app::media::ImageFormat;
use image::metadata::Orientation;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use turbojpeg::{PixelFormat, ScalingFactor, Subsamp};

pub(super) fn fixture(name: &str) -> PathBuf {
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
        let processed = process(&fixture(name), format).unwrap_or_else(|e| panic!("{name}: {e}"));
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
pub(super) fn synthetic_jpeg(
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
pub(super) fn with_segment(jpeg: &[u8], marker: u8, body: &[u8]) -> Vec<u8> {
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
