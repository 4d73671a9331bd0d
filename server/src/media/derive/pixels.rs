//! The one pixel buffer every stage passes on.

/// An 8-bit RGB image, rows without padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}
