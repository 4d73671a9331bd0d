//! Text rules shared by every free-text field: trimming, line endings, control characters and
//! length counted in Unicode scalar values (one Chinese character counts as one).

use super::FieldError;

/// Every text limit of the submission contract, in characters (Unicode scalar values).
pub mod limits {
    pub const TITLE: (usize, usize) = (4, 120);
    pub const STORY: (usize, usize) = (50, 20_000);
    pub const PLACE: (usize, usize) = (2, 100);
    pub const NARRATOR_NAME_MAX: usize = 50;
    pub const REAL_NAME_MAX: usize = 100;
    pub const ROLE_MAX: usize = 60;
    pub const CONTACT_MAX: usize = 200;
    pub const ASSISTED_BY_MAX: usize = 100;
    pub const IDEMPOTENCY_KEY_MAX: usize = 64;
    /// All text fields of one request together, in bytes after decoding (1 MiB).
    pub const TEXT_FIELDS_TOTAL_BYTES: usize = 1024 * 1024;

    /// Photos on each side of the then/now pair, and in one story.
    pub const PHOTOS_PER_SIDE: usize = 4;
    pub const PHOTOS_PER_STORY: usize = 2 * PHOTOS_PER_SIDE;
    /// One uploaded file, in bytes (25 MiB).
    pub const PHOTO_MAX_BYTES: u64 = 25 * 1024 * 1024;
    /// Pixels and side length as declared by the file's header, checked before decoding.
    pub const PHOTO_MAX_PIXELS: u64 = 40_000_000;
    pub const PHOTO_MAX_SIDE: u32 = 12_000;
    /// Metadata (EXIF, XMP, ICC, text chunks) in one file, decompressed, in bytes (1 MiB).
    pub const PHOTO_METADATA_MAX_BYTES: u64 = 1024 * 1024;
    pub const PHOTO_CAPTION_MAX: usize = 300;
    pub const PHOTO_CREDIT_MAX: usize = 100;
    /// Alt text is required: what a screen reader says instead of the photo.
    pub const PHOTO_ALT: (usize, usize) = (2, 300);
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    Single,
    Multi,
}

/// Trims, normalises line endings and refuses control characters (tabs and newlines are allowed
/// only in multi-line text). Returns `None` for blank input.
pub(crate) fn clean(input: &str, lines: Lines) -> Result<Option<String>, FieldError> {
    let normalised = input.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = normalised.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let allowed = |c: char| lines == Lines::Multi && (c == '\n' || c == '\t');
    if trimmed.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(FieldError::ControlCharacter);
    }
    Ok(Some(trimmed.to_owned()))
}

pub(crate) fn char_count(text: &str) -> usize {
    text.chars().count()
}

/// A required text with a length range.
pub(crate) fn required(
    input: &str,
    lines: Lines,
    (min, max): (usize, usize),
) -> Result<String, FieldError> {
    let text = clean(input, lines)?.ok_or(FieldError::Required)?;
    check_length(&text, min, max)?;
    Ok(text)
}

/// An optional text with a maximum length.
pub(crate) fn optional(input: &str, max: usize) -> Result<Option<String>, FieldError> {
    let Some(text) = clean(input, Lines::Single)? else {
        return Ok(None);
    };
    check_length(&text, 1, max)?;
    Ok(Some(text))
}

fn check_length(text: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let count = char_count(text);
    if count < min {
        return Err(FieldError::TooShort { min, actual: count });
    }
    if count > max {
        return Err(FieldError::TooLong { max, actual: count });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_normalises_line_endings() {
        assert_eq!(
            clean("  a\r\nb\rc  ", Lines::Multi),
            Ok(Some("a\nb\nc".into()))
        );
    }

    #[test]
    fn blank_is_none() {
        assert_eq!(clean(" \n\t ", Lines::Multi), Ok(None));
    }

    #[test]
    fn refuses_control_characters() {
        assert_eq!(
            clean("a\u{0}b", Lines::Multi),
            Err(FieldError::ControlCharacter)
        );
        assert_eq!(
            clean("a\u{1b}[31mb", Lines::Single),
            Err(FieldError::ControlCharacter)
        );
        assert_eq!(
            clean("a\nb", Lines::Single),
            Err(FieldError::ControlCharacter)
        );
        assert_eq!(
            clean("a\u{85}b", Lines::Multi),
            Err(FieldError::ControlCharacter)
        );
    }

    #[test]
    fn counts_chinese_characters_as_one() {
        assert_eq!(char_count("地铁8号线"), 5);
    }
}
