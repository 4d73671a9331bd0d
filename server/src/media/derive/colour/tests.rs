//! Colour conversion on hand-made profiles: matrix/TRC, LUT-based, grey and CMYK ones are
//! converted; sRGB and profiles that do not describe the pixels are left alone.

use super::{Channels, CmykToSrgb, IccToSrgb};
use crate::media::derive::decode::decode_jpeg;
use crate::media::derive::frames;
use crate::media::derive::tests::{fixture, synthetic_jpeg, with_segment};
use image::{ImageDecoder, ImageReader};
use moxcms::{
    ColorProfile, DataColorSpace, LutMultidimensionalType, LutStore, LutWarehouse, Matrix3d,
    ProfileClass, ToneReprCurve, Vector3d,
};
use std::fs::File;
use std::io::BufReader;
use turbojpeg::{PixelFormat, Subsamp};

/// Display P3's primaries adapted to D50, as phones embed them: the X, Y, Z of red, green, blue.
const P3_PRIMARIES: [[f64; 3]; 3] = [
    [0.515_102, 0.241_196, -0.001_053],
    [0.291_965, 0.692_236, 0.041_885],
    [0.157_153, 0.066_561, 0.784_078],
];
/// The sRGB tone curve as ICC parametric curve type 3: `[g, a, b, c, d]`.
const SRGB_CURVE: [f32; 5] = [2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.040_45];
/// Display P3 → sRGB of (200, 120, 60), (128, 128, 128) and (60, 160, 90), from the ICC
/// formulas in double precision.
const P3_IN: [u8; 9] = [200, 120, 60, 128, 128, 128, 60, 160, 90];
const P3_OUT: [u8; 9] = [213, 115, 42, 128, 128, 128, 0, 163, 82];

/// Display P3 as a matrix/TRC profile, written byte by byte (not by the crate under test).
fn display_p3_profile() -> Vec<u8> {
    let fixed = |values: &[f64]| -> Vec<u8> {
        values
            .iter()
            .flat_map(|v| crate::numeric::i32_from_f64((v * 65536.0).round()).to_be_bytes())
            .collect()
    };
    let xyz = |v: [f64; 3]| [b"XYZ \0\0\0\0".to_vec(), fixed(&v)].concat();
    let trc = [
        b"para\0\0\0\0\0\x03\0\0".to_vec(),
        fixed(&SRGB_CURVE.map(f64::from)),
    ]
    .concat();
    let tags: [(&[u8; 4], Vec<u8>); 6] = [
        (b"rXYZ", xyz(P3_PRIMARIES[0])),
        (b"gXYZ", xyz(P3_PRIMARIES[1])),
        (b"bXYZ", xyz(P3_PRIMARIES[2])),
        (b"rTRC", trc.clone()),
        (b"gTRC", trc.clone()),
        (b"bTRC", trc),
    ];
    let mut profile = vec![0u8; 128];
    profile[8..12].copy_from_slice(&[4, 0x30, 0, 0]);
    profile[12..24].copy_from_slice(b"mntrRGB XYZ ");
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
    let size = u32::try_from(profile.len()).unwrap().to_be_bytes();
    profile[..4].copy_from_slice(&size);
    profile
}

/// The same Display P3 as a LUT-based profile: one `mAB` A2B0 tag (curves, then the matrix)
/// and no matrix/TRC tags, which the hand-written conversion before moxcms refused.
fn display_p3_lut_profile() -> Vec<u8> {
    let srgb = ToneReprCurve::Parametric(SRGB_CURVE.to_vec());
    let identity = ToneReprCurve::Parametric(vec![1.0]);
    // A LUT's PCSXYZ is scaled: 1.0 stands for 1 + 32767/32768.
    let scale = 32_768.0 / 65_535.0;
    let [red, green, blue] = P3_PRIMARIES;
    let matrix = Matrix3d {
        v: std::array::from_fn(|i| [red[i] * scale, green[i] * scale, blue[i] * scale]),
    };
    let mut profile = ColorProfile::default();
    profile.color_space = DataColorSpace::Rgb;
    profile.pcs = DataColorSpace::Xyz;
    profile.profile_class = ProfileClass::DisplayDevice;
    profile.white_point = ColorProfile::new_srgb().white_point;
    profile.lut_a_to_b_perceptual = Some(LutWarehouse::Multidimensional(LutMultidimensionalType {
        num_input_channels: 3,
        num_output_channels: 3,
        grid_points: [0; 16],
        clut: None,
        a_curves: Vec::new(),
        m_curves: vec![srgb; 3],
        matrix,
        bias: Vector3d::default(),
        b_curves: vec![identity; 3],
    }));
    profile.encode().unwrap()
}

/// A CMYK profile (an `mAB` A2B0 with a 2×2×2×2 grid) with the plain formula's colours at the
/// corners, interpolated in linear light: half cyan ink comes out lighter than by the formula.
fn cmyk_profile() -> Vec<u8> {
    let srgb = ColorProfile::new_srgb();
    let primaries = [srgb.red_colorant, srgb.green_colorant, srgb.blue_colorant];
    // A LUT's PCSXYZ is scaled: 1.0 stands for 1 + 32767/32768.
    let encode = |v: f64| crate::numeric::i32_from_f64((v * 32_768.0).round());
    let mut grid = Vec::new();
    // The first input (cyan) varies slowest.
    for corner in 0..16u8 {
        let [c, m, y, k] = [8, 4, 2, 1].map(|bit| f64::from(u8::from(corner & bit != 0)));
        let rgb = [c, m, y].map(|ink| (1.0 - ink) * (1.0 - k));
        let xyz = [0, 1, 2].map(|axis| {
            let of = |p: &moxcms::Xyzd| [p.x, p.y, p.z][axis];
            (0..3).map(|i| rgb[i] * of(&primaries[i])).sum::<f64>()
        });
        grid.extend(xyz.map(|v| u16::try_from(encode(v)).unwrap()));
    }
    let identity = ToneReprCurve::Parametric(vec![1.0]);
    let mut profile = ColorProfile::default();
    profile.color_space = DataColorSpace::Cmyk;
    profile.pcs = DataColorSpace::Xyz;
    profile.profile_class = ProfileClass::OutputDevice;
    profile.white_point = srgb.white_point;
    profile.lut_a_to_b_perceptual = Some(LutWarehouse::Multidimensional(LutMultidimensionalType {
        num_input_channels: 4,
        num_output_channels: 3,
        grid_points: [2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        clut: Some(LutStore::Store16(grid)),
        a_curves: vec![identity.clone(); 4],
        m_curves: Vec::new(),
        matrix: Matrix3d::IDENTITY,
        bias: Vector3d::default(),
        b_curves: vec![identity; 3],
    }));
    profile.encode().unwrap()
}

fn assert_close(got: &[u8], expected: &[u8], tolerance: u8) {
    assert!(
        got.iter()
            .zip(expected)
            .all(|(&g, &e)| g.abs_diff(e) <= tolerance),
        "{got:?}, expected {expected:?}"
    );
}

/// A 64×32 JPEG of one colour with `profile` embedded in an APP2 segment.
fn jpeg_with_profile(jpeg: &[u8], profile: &[u8]) -> Vec<u8> {
    let icc = [b"ICC_PROFILE\0\x01\x01".as_slice(), profile].concat();
    with_segment(jpeg, 0xE2, &icc)
}

/// The centre pixel of the largest derivative of a 64×32 JPEG.
fn centre_after_decoding(jpeg: &[u8]) -> Vec<u8> {
    let frame = frames(decode_jpeg(jpeg).unwrap()).unwrap().remove(0);
    frame.pixels[3 * (16 * 64 + 32)..][..3].to_vec()
}

#[test]
fn display_p3_is_converted_to_srgb() {
    let conversion =
        IccToSrgb::parse(&display_p3_profile(), Channels::Rgb).expect("a matrix/TRC profile");
    let mut pixels = P3_IN;
    conversion.apply(&mut pixels).unwrap();
    assert_close(&pixels, &P3_OUT, 1);

    let jpeg = synthetic_jpeg(64, 32, |_, _| [200, 120, 60]);
    let centre = centre_after_decoding(&jpeg_with_profile(&jpeg, &display_p3_profile()));
    assert_close(&centre, &P3_OUT[..3], 4);
}

#[test]
fn lut_based_profiles_are_converted() {
    let conversion =
        IccToSrgb::parse(&display_p3_lut_profile(), Channels::Rgb).expect("a LUT profile");
    let mut pixels = P3_IN;
    conversion.apply(&mut pixels).unwrap();
    assert_close(&pixels, &P3_OUT, 2);
}

#[test]
fn grey_profiles_are_converted() {
    // Grey stored as linear light: the middle level is much lighter in sRGB.
    let linear = ColorProfile::new_gray_with_gamma(1.0).encode().unwrap();
    let conversion = IccToSrgb::parse(&linear, Channels::Grey).expect("a grey profile");
    let mut pixels = [0, 0, 0, 128, 128, 128, 255, 255, 255];
    conversion.apply(&mut pixels).unwrap();
    assert_close(&pixels, &[0, 0, 0, 188, 188, 188, 255, 255, 255], 1);

    let grey = vec![128u8; 64 * 32];
    let image = turbojpeg::Image {
        pixels: grey.as_slice(),
        width: 64,
        pitch: 64,
        height: 32,
        format: PixelFormat::GRAY,
    };
    let jpeg = turbojpeg::compress(image, 95, Subsamp::Gray).unwrap();
    let centre = centre_after_decoding(&jpeg_with_profile(&jpeg, &linear));
    assert_close(&centre, &[188, 188, 188], 2);
}

#[test]
fn srgb_and_profiles_of_other_pixels_are_left_alone() {
    let file = BufReader::new(File::open(fixture("hubble.webp")).unwrap());
    let mut decoder = ImageReader::with_format(file, image::ImageFormat::WebP)
        .into_decoder()
        .unwrap();
    let icc = decoder
        .icc_profile()
        .unwrap()
        .expect("hubble.webp embeds sRGB");
    assert!(IccToSrgb::parse(&icc, Channels::Rgb).is_none());
    assert!(IccToSrgb::parse(b"not a profile", Channels::Rgb).is_none());
    // A grey profile says nothing about RGB pixels, nor an RGB one about grey pixels.
    let linear_grey = ColorProfile::new_gray_with_gamma(1.0).encode().unwrap();
    assert!(IccToSrgb::parse(&linear_grey, Channels::Rgb).is_none());
    assert!(IccToSrgb::parse(&display_p3_profile(), Channels::Grey).is_none());
}

#[test]
fn cmyk_profiles_are_converted() {
    let conversion = CmykToSrgb::parse(&cmyk_profile()).expect("a CMYK profile");
    // Half cyan ink, then full black; ink amounts as the profile counts them.
    let mut pixels = vec![128, 0, 0, 0, 0, 0, 0, 255];
    conversion.apply(&mut pixels, false).unwrap();
    assert_close(&pixels, &[188, 255, 255, 0, 0, 0], 3);

    // libjpeg-turbo writes CMYK with an Adobe marker: samples stored inverted (255: no ink).
    let cmyk: Vec<u8> = [127u8, 255, 255, 255].repeat(64 * 32);
    let image = turbojpeg::Image {
        pixels: cmyk.as_slice(),
        width: 64,
        pitch: 4 * 64,
        height: 32,
        format: PixelFormat::CMYK,
    };
    let jpeg = turbojpeg::compress(image, 95, Subsamp::None).unwrap();
    let centre = centre_after_decoding(&jpeg_with_profile(&jpeg, &cmyk_profile()));
    assert_close(&centre, &[188, 255, 255], 4);
    // Without the profile, the plain formula.
    assert_close(&centre_after_decoding(&jpeg), &[127, 255, 255], 4);
}
