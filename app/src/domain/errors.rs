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
}

impl Field {
    pub const ALL: [Field; 14] = [
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
    TooShort { min: usize, actual: usize },
    TooLong { max: usize, actual: usize },
    ControlCharacter,
    NotAYear,
    YearOutOfRange { min: i32, max: i32 },
    ThenNotBeforeNow,
    UnknownChoice,
    ContactFormat,
    ConsentRequired,
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
