use super::field::Field;
use serde::{Deserialize, Serialize};

/// Why one field's value was refused. Each variant has one localized message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldError {
    Required,
    TooShort {
        min: usize,
        actual: usize,
    },
    TooLong {
        max: usize,
        actual: usize,
    },
    ControlCharacter,
    /// Bidirectional overrides or isolates, or (in one-line text) line separators.
    FormattingCharacter,
    NotAYear,
    YearOutOfRange {
        min: i32,
        max: i32,
    },
    ThenNotBeforeNow,
    UnknownChoice,
    ContactFormat,
    ConsentRequired,
    /// A new password of only blanks or invisible characters.
    PasswordBlank,
    /// A new password that is easy to guess (zxcvbn score below 3).
    PasswordWeak,
    /// A new account's address that another account already has.
    EmailTaken,
    /// `REQUIRE_PHOTO_PAIR=true` and a side of the pair has no photo.
    PhotoPairRequired,
    /// One photo's file or detail; `index` counts from 1 on its side of the pair.
    Photo {
        index: u8,
        part: PhotoPart,
        problem: PhotoProblem,
    },
    /// One recording's file or detail; `index` counts from 1.
    Recording {
        index: u8,
        part: RecordingPart,
        problem: RecordingProblem,
    },
    /// A moderator's redaction of a recording: its times, or one too many.
    Redaction(RedactionProblem),
}

/// Which part of a photo entry an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhotoPart {
    File,
    Year,
    Caption,
    Credit,
    Alt,
}

impl PhotoPart {
    pub const ALL: [PhotoPart; 5] = [
        PhotoPart::File,
        PhotoPart::Year,
        PhotoPart::Caption,
        PhotoPart::Credit,
        PhotoPart::Alt,
    ];
}

/// Why an uploaded file was refused. Checked from the file's structure before any pixel is
/// decoded; each variant has one localized message that names the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhotoRefusal {
    Empty,
    Unreadable,
    /// Not JPEG, PNG, GIF or WebP (judged by content, never by name).
    UnknownFormat,
    /// HEIC/HEIF (iPhone) or AVIF: not accepted; the message says how to send JPEG.
    Heic,
    Truncated,
    TooLarge {
        max_bytes: u64,
    },
    SideTooLong {
        width: u32,
        height: u32,
        max: u32,
    },
    TooManyPixels {
        width: u32,
        height: u32,
        max_megapixels: u64,
    },
    MetadataTooLarge {
        max_bytes: u64,
    },
    TooMany {
        max: usize,
    },
}

/// Why a recording was refused, checked from its bytes and container before any audio is
/// decoded (or, for the last two, while decoding in a limited child process). Each is final:
/// the same file is refused the same way again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AudioRefusal {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// Not M4A/AAC, MP3, WAV, Ogg, WebM/Matroska or AMR, judged by content, never by name.
    #[error("the file is not a recording in an accepted format")]
    UnknownFormat,
    /// HTML or script in the first bytes: a polyglot a browser could take for a page.
    #[error("the file contains HTML")]
    Markup,
    /// The container is accepted but what it holds is not (e.g. MP3 frames in a WAV).
    #[error("the container holds an unsupported codec")]
    UnsupportedCodec,
    #[error("the file has no audio")]
    NoAudio,
    /// The container cannot be read: truncated or corrupt.
    #[error("the file cannot be read (truncated or damaged)")]
    Unreadable,
    /// Declared by the header or found while decoding.
    #[error("the recording is longer than {max_seconds} s")]
    TooLong { max_seconds: u32 },
    #[error("the recording has {channels} channels (at most {max})")]
    Channels { channels: u32, max: u32 },
    #[error("the recording's sample rate is {hz} Hz (accepted: {min}–{max} Hz)")]
    SampleRate { hz: u32, min: u32, max: u32 },
    /// The decoder failed on the audio data.
    #[error("the audio cannot be decoded")]
    Undecodable,
    /// Decoding needed more CPU time than its length allows (a decompression bomb).
    #[error("the recording takes too much work to decode")]
    TooCostly,
    /// More files than a story may carry.
    #[error("too many recordings (at most {max})")]
    TooMany { max: usize },
}

/// Which detail of a recording a refusal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordingPart {
    File,
    Summary,
    Interviewer,
    Markers,
}

/// What was wrong with a recording's file or one of its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordingProblem {
    Refused(AudioRefusal),
    Text(TextProblem),
    /// The markers are not `{ms}:{prompt}` pairs in order.
    Markers,
}

/// What was wrong with a redaction's range (`redaction.rs`), beyond a blank field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedactionProblem {
    /// Not `m:ss` or `h:mm:ss` (with an optional fraction of a second).
    NotATime,
    EndNotAfterStart,
    /// Shorter than the shortest range, in milliseconds.
    TooShort {
        min_ms: u32,
    },
    /// Past the recording's end (its length, in milliseconds).
    PastTheEnd {
        duration_ms: u32,
    },
    /// The recording already has the most redactions it may have.
    TooMany {
        max: usize,
    },
}

/// What was wrong with a photo's file or one of its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhotoProblem {
    Refused(PhotoRefusal),
    /// A detail's text problem, with the same words as for any other field.
    Text(TextProblem),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextProblem {
    Required,
    TooShort { min: usize, actual: usize },
    TooLong { max: usize, actual: usize },
    ControlCharacter,
    FormattingCharacter,
    NotAYear,
    YearOutOfRange { min: i32, max: i32 },
}

impl TextProblem {
    pub fn from_field_error(error: FieldError) -> TextProblem {
        match error {
            FieldError::TooShort { min, actual } => TextProblem::TooShort { min, actual },
            FieldError::TooLong { max, actual } => TextProblem::TooLong { max, actual },
            FieldError::ControlCharacter => TextProblem::ControlCharacter,
            FieldError::FormattingCharacter => TextProblem::FormattingCharacter,
            FieldError::NotAYear => TextProblem::NotAYear,
            FieldError::YearOutOfRange { min, max } => TextProblem::YearOutOfRange { min, max },
            _ => TextProblem::Required,
        }
    }

    pub fn as_field_error(self) -> FieldError {
        match self {
            TextProblem::Required => FieldError::Required,
            TextProblem::TooShort { min, actual } => FieldError::TooShort { min, actual },
            TextProblem::TooLong { max, actual } => FieldError::TooLong { max, actual },
            TextProblem::ControlCharacter => FieldError::ControlCharacter,
            TextProblem::FormattingCharacter => FieldError::FormattingCharacter,
            TextProblem::NotAYear => FieldError::NotAYear,
            TextProblem::YearOutOfRange { min, max } => FieldError::YearOutOfRange { min, max },
        }
    }
}

/// Every refused field of one form, in form order, keyed by the form's field (or, where one
/// page holds several forms or repeated groups, by what names the refused input).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors<F = Field>(Vec<(F, FieldError)>);

impl<F> Default for FormErrors<F> {
    fn default() -> Self {
        FormErrors(Vec::new())
    }
}

impl<F: Copy + Eq> FormErrors<F> {
    pub fn add(&mut self, field: F, error: FieldError) {
        if self.get(field).is_none() {
            self.0.push((field, error));
        }
    }

    pub fn get(&self, field: F) -> Option<FieldError> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, e)| *e)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (F, FieldError)> + '_ {
        self.0.iter().copied()
    }

    /// Records the error of a parse step and returns its value, so a form can collect every
    /// error in one pass instead of stopping at the first.
    pub fn check<T>(&mut self, field: F, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|error| self.add(field, error)).ok()
    }

    /// The same errors under other keys (a form's fields as part of a larger page).
    pub fn map<G: Copy + Eq>(&self, key: impl Fn(F) -> G) -> FormErrors<G> {
        let mut errors = FormErrors::default();
        for (field, error) in self.iter() {
            errors.add(key(field), error);
        }
        errors
    }
}
