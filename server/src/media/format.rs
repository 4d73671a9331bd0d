//! What every stage says about an original: its format (from its content, never its name) and
//! what its header declares.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Jpeg => "jpeg",
            SourceFormat::Png => "png",
            SourceFormat::Gif => "gif",
            SourceFormat::Webp => "webp",
        }
    }

    pub fn from_name(name: &str) -> Option<SourceFormat> {
        [
            SourceFormat::Jpeg,
            SourceFormat::Png,
            SourceFormat::Gif,
            SourceFormat::Webp,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

/// What the header of an acceptable photo says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub format: SourceFormat,
    pub width: u32,
    pub height: u32,
    /// The year the photo was taken, from EXIF `DateTimeOriginal` when present.
    pub exif_year: Option<i32>,
}
