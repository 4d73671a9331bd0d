use super::photo::PhotoPart;
use crate::media::PhotoRefusal;
use serde::{Deserialize, Serialize};

/// The fields of the public submission contract (see docs/api.md). `name()` is the form field
/// name; it is also the id suffix of the field's error message in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Title,
    Story,
    NarratorName,
    RealName,
    Role,
    Place,
    YearThen,
    YearNow,
    Themes,
    Contact,
    AssistedBy,
    ConsentPublish,
    Licence,
    IdempotencyKey,
    PhotoThen,
    PhotoNow,
}

impl Field {
    pub const ALL: [Field; 16] = [
        Field::Title,
        Field::Story,
        Field::NarratorName,
        Field::RealName,
        Field::Role,
        Field::Place,
        Field::YearThen,
        Field::YearNow,
        Field::Themes,
        Field::Contact,
        Field::AssistedBy,
        Field::ConsentPublish,
        Field::Licence,
        Field::IdempotencyKey,
        Field::PhotoThen,
        Field::PhotoNow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Story => "story",
            Field::NarratorName => "narrator_name",
            Field::RealName => "real_name",
            Field::Role => "role",
            Field::Place => "place",
            Field::YearThen => "year_then",
            Field::YearNow => "year_now",
            Field::Themes => "themes",
            Field::Contact => "contact",
            Field::AssistedBy => "assisted_by",
            Field::ConsentPublish => "consent_publish",
            Field::Licence => "licence",
            Field::IdempotencyKey => "idempotency_key",
            Field::PhotoThen => "photo_then",
            Field::PhotoNow => "photo_now",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }
}

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
    /// `REQUIRE_PHOTO_PAIR=true` and a side of the pair has no photo.
    PhotoPairRequired,
    /// One photo's file or detail; `index` counts from 1 on its side of the pair.
    Photo {
        index: u8,
        part: PhotoPart,
        problem: PhotoProblem,
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

/// Every refused field of one form, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors(Vec<(Field, FieldError)>);

impl FormErrors {
    pub fn add(&mut self, field: Field, error: FieldError) {
        if self.get(field).is_none() {
            self.0.push((field, error));
        }
    }

    pub fn get(&self, field: Field) -> Option<FieldError> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, e)| *e)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (Field, FieldError)> + '_ {
        self.0.iter().copied()
    }

    /// Records the error of a parse step and returns its value, so a form can collect every
    /// error in one pass instead of stopping at the first.
    pub fn check<T>(&mut self, field: Field, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|error| self.add(field, error)).ok()
    }
}
