//! Colour: the conversion an embedded ICC profile asks for, to sRGB.

use crate::numeric::{f32_from_i32, f32_from_usize, u8_from_f32, usize_from_f32};

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
