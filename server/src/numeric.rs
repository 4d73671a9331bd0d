//! Numeric conversions the standard library has no `From` for. Between floats and integers
//! this is the one place where `as` is used: there is no `From`/`TryFrom` between them, and
//! the pixel and colour code wants exactly what `as` does. Elsewhere integers convert with
//! `From`/`TryFrom` (the workspace denies `clippy::as_conversions`).
#![allow(
    clippy::as_conversions,
    reason = "float↔int has no From/TryFrom; each function states its rounding"
)]

/// Lossless wherever the server runs (`usize` has at least 32 bits there).
pub fn usize_from(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Rounds toward zero and saturates at the bounds; NaN is 0.
pub fn usize_from_f32(value: f32) -> usize {
    value as usize
}

/// Rounds toward zero and saturates at the bounds; NaN is 0.
pub fn u8_from_f32(value: f32) -> u8 {
    value as u8
}

/// Rounds toward zero and saturates at the bounds; NaN is 0.
pub fn i32_from_f64(value: f64) -> i32 {
    value as i32
}

/// Exact below 2^24, rounded to the nearest above.
pub fn f32_from_usize(value: usize) -> f32 {
    value as f32
}

/// Exact for |value| below 2^24, rounded to the nearest above.
pub fn f32_from_i32(value: i32) -> f32 {
    value as f32
}

/// Exact below 2^53, rounded to the nearest above.
pub fn f64_from_usize(value: usize) -> f64 {
    value as f64
}

/// Exact for |value| below 2^53, rounded to the nearest above.
pub fn f64_from_i64(value: i64) -> f64 {
    value as f64
}

/// Rounds toward zero and saturates at the bounds; NaN is 0.
pub fn u64_from_f64(value: f64) -> u64 {
    value as u64
}
