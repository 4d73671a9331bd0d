//! Text rules shared by every free-text field: trimming, line endings, control characters and
//! length counted in Unicode scalar values (one Chinese character counts as one).

use super::errors::FieldError;

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

    /// With a recording the written story may be empty or short (docs/api.md, "Recordings").
    pub const STORY_WITH_RECORDING_MAX: usize = 20_000;
    /// Recordings one story may carry (an interview and a follow-up).
    pub const RECORDINGS_PER_STORY: usize = 2;
    /// One uploaded recording, in bytes (150 MiB): an hour of phone speech is 30–60 MB.
    pub const RECORDING_MAX_BYTES: u64 = 150 * 1024 * 1024;
    /// One recording's length: one sitting of an interview.
    pub const RECORDING_MAX_SECONDS: u32 = 3600;
    pub const RECORDING_SUMMARY_MAX: usize = 300;
    pub const RECORDING_INTERVIEWER_MAX: usize = 100;
    /// Interview mode's questions, numbered from 1.
    pub const INTERVIEW_PROMPTS: u8 = 10;
    /// Markers on one recording, and the characters of their form value.
    pub const RECORDING_MARKERS_MAX: usize = 60;
    pub const RECORDING_MARKERS_TEXT_MAX: usize = 2_000;

    /// A moderator's redaction of a recording (docs/moderation.md, "Redactions"): why, in
    /// characters; the shortest range, in milliseconds; and how many one recording may have.
    pub const REDACTION_REASON: (usize, usize) = (1, 300);
    pub const REDACTION_MIN_MS: u32 = 100;
    pub const REDACTIONS_PER_RECORDING: usize = 50;
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    Single,
    Multi,
}

/// Trims, normalises line endings and refuses control characters (tabs and newlines are allowed
/// only in multi-line text), bidirectional overrides and isolates (they make text read in another
/// order than it is stored: a spoofing tool) and, in one-line text, line and paragraph
/// separators. Returns `None` for input with nothing visible in it (blank, or only zero-width and
/// other invisible characters).
pub(crate) fn clean(input: &str, lines: Lines) -> Result<Option<String>, FieldError> {
    let normalised = input.replace("\r\n", "\n").replace('\r', "\n");
    let normalised = match lines {
        Lines::Multi => normalised.replace(['\u{2028}', '\u{2029}'], "\n"),
        Lines::Single => normalised,
    };
    let trimmed = normalised.trim();
    if !trimmed.chars().any(is_visible) {
        return Ok(None);
    }
    let allowed = |c: char| lines == Lines::Multi && (c == '\n' || c == '\t');
    if trimmed.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(FieldError::ControlCharacter);
    }
    if trimmed.chars().any(is_formatting_control) {
        return Err(FieldError::FormattingCharacter);
    }
    Ok(Some(trimmed.to_owned()))
}

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
/// Unicode line and paragraph separators (U+2028, U+2029).
pub(crate) fn is_formatting_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Whether a character shows anything: not white space, not a control, not one of the
/// characters that are invisible by design (zero-width spaces and joiners, direction marks,
/// soft hyphen, fillers, variation selectors, tags).
pub(crate) fn is_visible(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || is_formatting_control(c) || is_invisible(c))
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
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

/// An optional one-line text with a maximum length.
pub(crate) fn optional(input: &str, max: usize) -> Result<Option<String>, FieldError> {
    optional_lines(input, Lines::Single, max)
}

/// An optional text with a maximum length.
pub(crate) fn optional_lines(
    input: &str,
    lines: Lines,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let Some(text) = clean(input, lines)? else {
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
    fn invisible_only_is_blank() {
        assert_eq!(clean("\u{200B}\u{200B}\u{FEFF}", Lines::Single), Ok(None));
        assert_eq!(clean("\u{3000}\u{200D}\u{2060}", Lines::Multi), Ok(None));
        assert_eq!(clean("\u{E0041}\u{00AD}", Lines::Single), Ok(None));
        assert_eq!(
            clean("a\u{200B}b", Lines::Single),
            Ok(Some("a\u{200B}b".into()))
        );
    }

    #[test]
    fn refuses_bidi_controls_and_separators() {
        for text in ["abc\u{202E}def", "a\u{2066}b\u{2069}", "a\u{202A}b"] {
            assert_eq!(
                clean(text, Lines::Single),
                Err(FieldError::FormattingCharacter)
            );
            assert_eq!(
                clean(text, Lines::Multi),
                Err(FieldError::FormattingCharacter)
            );
        }
        assert_eq!(
            clean("a\u{2028}b", Lines::Single),
            Err(FieldError::FormattingCharacter)
        );
        assert_eq!(
            clean("a\u{2029}b", Lines::Single),
            Err(FieldError::FormattingCharacter)
        );
    }

    #[test]
    fn multi_line_text_keeps_its_breaks() {
        assert_eq!(
            clean("第一段\u{2028}第二段\n\n第三段", Lines::Multi),
            Ok(Some("第一段\n第二段\n\n第三段".into()))
        );
    }

    #[test]
    fn counts_chinese_characters_as_one() {
        assert_eq!(char_count("地铁8号线"), 5);
    }
}
