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
