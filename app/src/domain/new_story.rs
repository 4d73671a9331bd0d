use super::choices::{Licence, Theme};
use super::draft::StoryDraft;
use super::email::has_email_shape;
use super::errors::{FieldError, FormErrors};
use super::field::Field;
use super::slug_enum::slug_enum;
use super::text::{Lines, limits, optional, optional_lines, required};
use super::year::{Year, YearSpan};
use serde::{Deserialize, Serialize};

/// Version of the consent wording shown beside the checkboxes. Bump it whenever that wording
/// changes: every recorded consent keeps the version the person agreed to.
pub const CONSENT_TEXT_VERSION: &str = "2026-11-v1";

/// A text newtype; with a rule (`required(lines, limits)` or `optional(max)`) also its `parse`.
macro_rules! text_newtype {
    ($(#[$meta:meta])* $name:ident: required($lines:expr, $limits:expr)) => {
        text_newtype!($(#[$meta])* $name);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, FieldError> {
                required(input, $lines, $limits).map(Self)
            }
        }
    };
    ($(#[$meta:meta])* $name:ident: optional($max:expr)) => {
        text_newtype!($(#[$meta])* $name);

        impl $name {
            /// Blank means none.
            pub fn parse(input: &str) -> Result<Option<Self>, FieldError> {
                optional(input, $max).map(|v| v.map(Self))
            }
        }
    };
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// For values that were validated before (database rows).
            pub fn from_trusted(value: String) -> Self {
                Self(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_newtype!(
    /// 4–120 characters, one line.
    StoryTitle: required(Lines::Single, limits::TITLE)
);
text_newtype!(
    /// 50–20,000 characters of plain text; paragraphs are kept.
    StoryBody: required(Lines::Multi, limits::STORY)
);
text_newtype!(
    /// The name shown with the story when the narrator agrees, e.g. 老杨.
    NarratorName: optional(limits::NARRATOR_NAME_MAX)
);
text_newtype!(
    /// The narrator's full name, for moderators and the archive only. Never public.
    RealName: optional(limits::REAL_NAME_MAX)
);
text_newtype!(
    /// What the narrator does or did, e.g. 退休教师.
    Role: optional(limits::ROLE_MAX)
);
text_newtype!(
    /// The neighbourhood or street the story is about.
    Place: required(Lines::Single, limits::PLACE)
);
text_newtype!(
    /// Who entered the story for the narrator (a volunteer or relative). Never public.
    AssistedBy: optional(limits::ASSISTED_BY_MAX)
);
text_newtype!(
    /// A client-chosen key that makes a repeated submit harmless.
    IdempotencyKey
);

/// How a story is told: in writing (its text is the story) or aloud (a recording carries it,
/// and the text may be empty or a short summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Telling {
    Written,
    Aloud,
}

impl Telling {
    /// Aloud when the story has (or will have) at least one recording.
    pub fn with_recordings(count: usize) -> Telling {
        if count > 0 {
            Telling::Aloud
        } else {
            Telling::Written
        }
    }
}

impl StoryBody {
    pub fn parse_told(input: &str, telling: Telling) -> Result<StoryBody, FieldError> {
        match telling {
            Telling::Written => StoryBody::parse(input),
            Telling::Aloud => Ok(StoryBody(
                optional_lines(input, Lines::Multi, limits::STORY_WITH_RECORDING_MAX)?
                    .unwrap_or_default(),
            )),
        }
    }

    /// Paragraphs separated by blank lines, for display.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.0
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }
}

impl IdempotencyKey {
    /// 1–64 characters, no control characters; blank means "no key".
    pub fn parse(input: &str) -> Result<Option<Self>, FieldError> {
        if input.chars().any(char::is_control) {
            return Err(FieldError::ControlCharacter);
        }
        if input.is_empty() {
            return Ok(None);
        }
        let count = input.chars().count();
        if count > limits::IDEMPOTENCY_KEY_MAX {
            return Err(FieldError::TooLong {
                max: limits::IDEMPOTENCY_KEY_MAX,
                actual: count,
            });
        }
        Ok(Some(Self(input.to_owned())))
    }
}

/// A way to reach the contributor: an e-mail address or a phone number. Never public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Contact {
    Email(String),
    Phone(String),
}

impl Contact {
    pub fn parse(input: &str) -> Result<Option<Contact>, FieldError> {
        let Some(text) = optional(input, limits::CONTACT_MAX)? else {
            return Ok(None);
        };
        if has_email_shape(&text) {
            return Ok(Some(Contact::Email(text)));
        }
        if looks_like_phone(&text) {
            return Ok(Some(Contact::Phone(text)));
        }
        Err(FieldError::ContactFormat)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Contact::Email(text) | Contact::Phone(text) => text,
        }
    }
}

/// 5–20 digits, optionally with `+`, spaces, dashes, dots and parentheses (as written in China
/// and abroad: 138 0013 8000, +86-571-8888-8888, (0571) 8888 8888).
fn looks_like_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-.()".contains(c);
    (5..=20).contains(&digits)
        && text.chars().all(allowed)
        && !text.chars().skip(1).any(|c| c == '+')
}

/// The themes of a story: at least one, no duplicates, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Themes(Vec<Theme>);

impl Themes {
    pub fn parse(slugs: &[String]) -> Result<Themes, FieldError> {
        let mut themes = Vec::with_capacity(slugs.len());
        for slug in slugs {
            themes.push(Theme::from_slug(slug.trim()).ok_or(FieldError::UnknownChoice)?);
        }
        themes.sort();
        themes.dedup();
        if themes.is_empty() {
            return Err(FieldError::Required);
        }
        Ok(Themes(themes))
    }

    pub fn from_trusted(mut themes: Vec<Theme>) -> Themes {
        themes.sort();
        themes.dedup();
        Themes(themes)
    }

    pub fn as_slice(&self) -> &[Theme] {
        &self.0
    }
}

slug_enum!(
    /// One of the narrator's agreements, as `story_consents` records each.
    ConsentKind in "consent_kind" {
        Publish => "publish",
        ShowName => "show_name",
        Faces => "faces",
        Voice => "voice",
        InterviewerName => "interviewer_name",
    }
);

/// The narrator's separate agreements. Publishing consent is required to submit at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    pub publish: bool,
    pub show_name: bool,
    pub faces: bool,
    /// The recording itself may be heard by the public (else only its transcript is shown).
    pub voice: bool,
    /// The interviewer's name may be shown with the recording.
    pub interviewer_name: bool,
}

/// A valid story, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStory {
    pub title: StoryTitle,
    pub body: StoryBody,
    pub narrator_name: Option<NarratorName>,
    pub real_name: Option<RealName>,
    pub role: Option<Role>,
    pub place: Place,
    pub years: YearSpan,
    pub themes: Themes,
    pub contact: Option<Contact>,
    pub assisted_by: Option<AssistedBy>,
    pub consents: Consents,
    pub licence: Licence,
}

impl NewStory {
    /// Checks every rule of the submission contract and reports all refused fields at once.
    /// `latest_year` is the current year (the server decides it and hands it to the browser).
    pub fn parse(draft: &StoryDraft, latest_year: i32) -> Result<NewStory, FormErrors> {
        NewStory::parse_told(draft, latest_year, Telling::Written)
    }

    /// As `parse`, for a story told as `telling` says: told aloud, the text may be short.
    pub fn parse_told(
        draft: &StoryDraft,
        latest_year: i32,
        telling: Telling,
    ) -> Result<NewStory, FormErrors> {
        let mut errors = FormErrors::default();
        let title = errors.check(Field::Title, StoryTitle::parse(&draft.title));
        let body = errors.check(Field::Story, StoryBody::parse_told(&draft.story, telling));
        let narrator_name = errors.check(
            Field::NarratorName,
            NarratorName::parse(&draft.narrator_name),
        );
        let real_name = errors.check(Field::RealName, RealName::parse(&draft.real_name));
        let role = errors.check(Field::Role, Role::parse(&draft.role));
        let place = errors.check(Field::Place, Place::parse(&draft.place));
        let years = parse_years(draft, latest_year, &mut errors);
        let themes = errors.check(Field::Themes, Themes::parse(&draft.themes));
        let contact = errors.check(Field::Contact, Contact::parse(&draft.contact));
        let assisted_by = errors.check(Field::AssistedBy, AssistedBy::parse(&draft.assisted_by));
        let consent = errors.check(Field::ConsentPublish, require_publish_consent(draft));
        let licence = errors.check(Field::Licence, parse_licence(&draft.licence));
        let all = || {
            Some(NewStory {
                title: title?,
                body: body?,
                narrator_name: narrator_name?,
                real_name: real_name?,
                role: role?,
                place: place?,
                years: years?,
                themes: themes?,
                contact: contact?,
                assisted_by: assisted_by?,
                consents: consent?,
                licence: licence?,
            })
        };
        match all() {
            Some(story) if errors.is_empty() => Ok(story),
            _ => Err(errors),
        }
    }
}

fn parse_years(draft: &StoryDraft, latest_year: i32, errors: &mut FormErrors) -> Option<YearSpan> {
    let then = errors.check(Field::YearThen, Year::parse(&draft.year_then, latest_year));
    let now = errors.check(Field::YearNow, Year::parse(&draft.year_now, latest_year));
    let span = YearSpan::new(then?, now?, draft.year_then_approx);
    errors.check(Field::YearThen, span)
}

fn require_publish_consent(draft: &StoryDraft) -> Result<Consents, FieldError> {
    if !draft.consent_publish {
        return Err(FieldError::ConsentRequired);
    }
    Ok(Consents {
        publish: true,
        show_name: draft.consent_show_name,
        faces: draft.consent_faces,
        voice: draft.consent_voice,
        interviewer_name: draft.consent_interviewer_name,
    })
}

fn parse_licence(slug: &str) -> Result<Licence, FieldError> {
    if slug.trim().is_empty() {
        return Err(FieldError::Required);
    }
    Licence::from_slug(slug.trim()).ok_or(FieldError::UnknownChoice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_told_aloud_may_have_a_short_text() {
        let mut draft = valid_draft();
        draft.story = String::new();
        assert!(NewStory::parse(&draft, 2026).is_err());
        let story = NewStory::parse_told(&draft, 2026, Telling::Aloud).expect("aloud");
        assert_eq!(story.body.as_str(), "");
        draft.story = "渡口\n\n短".into();
        assert!(NewStory::parse_told(&draft, 2026, Telling::Aloud).is_ok());
        draft.story = "字".repeat(20_001);
        let errors = NewStory::parse_told(&draft, 2026, Telling::Aloud).unwrap_err();
        assert!(matches!(
            errors.get(Field::Story),
            Some(FieldError::TooLong {
                max: 20_000,
                actual: 20_001
            })
        ));
        assert_eq!(Telling::with_recordings(0), Telling::Written);
        assert_eq!(Telling::with_recordings(2), Telling::Aloud);
    }

    fn valid_draft() -> StoryDraft {
        StoryDraft {
            title: "江边的渡口".into(),
            story: "渡口".repeat(30),
            place: "下沙".into(),
            year_then: "2011".into(),
            year_now: "2021".into(),
            themes: vec!["transport".into()],
            consent_publish: true,
            licence: "display-only".into(),
            ..StoryDraft::default()
        }
    }

    #[test]
    fn accepts_a_valid_draft() {
        let story = NewStory::parse(&valid_draft(), 2026).expect("valid");
        assert_eq!(story.title.as_str(), "江边的渡口");
        assert_eq!(story.licence, Licence::DisplayOnly);
    }

    #[test]
    fn reports_every_error_at_once() {
        let errors = NewStory::parse(&StoryDraft::default(), 2026).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec![
                Field::Title,
                Field::Story,
                Field::Place,
                Field::YearThen,
                Field::YearNow,
                Field::Themes,
                Field::ConsentPublish,
                Field::Licence
            ]
        );
    }

    #[test]
    fn contact_formats() {
        for ok in [
            "a@b.cn",
            "138 0013 8000",
            "+86-571-8888-8888",
            "(0571) 8888 8888",
        ] {
            assert!(Contact::parse(ok).unwrap().is_some(), "{ok}");
        }
        for bad in ["call me", "a@b", "12", "1+2345678"] {
            assert_eq!(Contact::parse(bad), Err(FieldError::ContactFormat), "{bad}");
        }
    }

    #[test]
    fn themes_refuse_unknown_and_require_one() {
        assert_eq!(Themes::parse(&[]), Err(FieldError::Required));
        assert_eq!(
            Themes::parse(&["sport".into()]),
            Err(FieldError::UnknownChoice)
        );
        let themes =
            Themes::parse(&["housing".into(), "transport".into(), "housing".into()]).unwrap();
        assert_eq!(themes.as_slice(), &[Theme::Transport, Theme::Housing]);
    }

    #[test]
    fn idempotency_key_edges() {
        assert_eq!(IdempotencyKey::parse(""), Ok(None));
        assert!(IdempotencyKey::parse(&"k".repeat(64)).unwrap().is_some());
        assert_eq!(
            IdempotencyKey::parse(&"k".repeat(65)),
            Err(FieldError::TooLong {
                max: 64,
                actual: 65
            })
        );
    }
}
