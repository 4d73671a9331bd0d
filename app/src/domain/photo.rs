//! Before-and-after photos: which side of the then/now pair a photo is on, and the words that go
//! with it: year, caption, credit and the required alt text. The file itself is checked by the
//! server (its refusals are `PhotoRefusal`).

use super::errors::{FieldError, PhotoPart};
use super::field::Field;
use super::text::{Lines, limits, optional, required};
use super::year::{EARLIEST_YEAR, Year};
use serde::{Deserialize, Serialize};

/// Which side of the then/now pair a photo belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "photo_slot", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum PhotoSlot {
    Then,
    Now,
}

impl PhotoSlot {
    pub const BOTH: [PhotoSlot; 2] = [PhotoSlot::Then, PhotoSlot::Now];

    /// Its place in a per-side pair of counts or positions: `Then` 0, `Now` 1.
    pub fn index(self) -> usize {
        match self {
            PhotoSlot::Then => 0,
            PhotoSlot::Now => 1,
        }
    }

    /// The form field of the file.
    pub fn field(self) -> Field {
        self.part(PhotoPart::File)
    }

    /// The form field of one part of this side's photos: the file, or one of its details.
    pub fn part(self, part: PhotoPart) -> Field {
        match (self, part) {
            (PhotoSlot::Then, PhotoPart::File) => Field::PhotoThen,
            (PhotoSlot::Then, PhotoPart::Year) => Field::PhotoThenYear,
            (PhotoSlot::Then, PhotoPart::Caption) => Field::PhotoThenCaption,
            (PhotoSlot::Then, PhotoPart::Credit) => Field::PhotoThenCredit,
            (PhotoSlot::Then, PhotoPart::Alt) => Field::PhotoThenAlt,
            (PhotoSlot::Now, PhotoPart::File) => Field::PhotoNow,
            (PhotoSlot::Now, PhotoPart::Year) => Field::PhotoNowYear,
            (PhotoSlot::Now, PhotoPart::Caption) => Field::PhotoNowCaption,
            (PhotoSlot::Now, PhotoPart::Credit) => Field::PhotoNowCredit,
            (PhotoSlot::Now, PhotoPart::Alt) => Field::PhotoNowAlt,
        }
    }

    /// The side and part a photo field stands for (`None` for every other field).
    pub fn of_field(field: Field) -> Option<(PhotoSlot, PhotoPart)> {
        PhotoSlot::BOTH.into_iter().find_map(|slot| {
            PhotoPart::ALL
                .into_iter()
                .find(|part| slot.part(*part) == field)
                .map(|part| (slot, part))
        })
    }
}

/// One photo's details exactly as typed (`photo_then_year`, `photo_then_caption`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoDraft {
    pub year: String,
    pub caption: String,
    pub credit: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoDetails {
    pub year: Option<Year>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: String,
}

impl PhotoDetails {
    /// A blank year is filled from the photo's EXIF capture date when it has one.
    pub fn parse(
        draft: &PhotoDraft,
        exif_year: Option<i32>,
        latest_year: i32,
    ) -> Result<PhotoDetails, (PhotoPart, FieldError)> {
        let year = match draft.year.trim() {
            "" => exif_year
                .filter(|y| (EARLIEST_YEAR..=latest_year).contains(y))
                .map(Year::from_trusted),
            text => Some(Year::parse(text, latest_year).map_err(|e| (PhotoPart::Year, e))?),
        };
        Ok(PhotoDetails {
            year,
            caption: optional(&draft.caption, limits::PHOTO_CAPTION_MAX)
                .map_err(|e| (PhotoPart::Caption, e))?,
            credit: optional(&draft.credit, limits::PHOTO_CREDIT_MAX)
                .map_err(|e| (PhotoPart::Credit, e))?,
            alt: required(&draft.alt, Lines::Single, limits::PHOTO_ALT)
                .map_err(|e| (PhotoPart::Alt, e))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(alt: &str, year: &str) -> PhotoDraft {
        PhotoDraft {
            alt: alt.into(),
            year: year.into(),
            ..PhotoDraft::default()
        }
    }

    #[test]
    fn alt_text_is_required_and_bounded() {
        assert_eq!(
            PhotoDetails::parse(&draft("", ""), None, 2026).unwrap_err(),
            (PhotoPart::Alt, FieldError::Required)
        );
        assert!(PhotoDetails::parse(&draft("江边", ""), None, 2026).is_ok());
        let long = "字".repeat(301);
        assert_eq!(
            PhotoDetails::parse(&draft(&long, ""), None, 2026).unwrap_err(),
            (
                PhotoPart::Alt,
                FieldError::TooLong {
                    max: 300,
                    actual: 301
                }
            )
        );
    }

    #[test]
    fn a_blank_year_comes_from_exif_and_a_typed_one_wins() {
        let parsed = PhotoDetails::parse(&draft("江边", ""), Some(2012), 2026).unwrap();
        assert_eq!(parsed.year.map(Year::get), Some(2012));
        let parsed = PhotoDetails::parse(&draft("江边", "2011"), Some(2012), 2026).unwrap();
        assert_eq!(parsed.year.map(Year::get), Some(2011));
        let parsed = PhotoDetails::parse(&draft("江边", ""), Some(1850), 2026).unwrap();
        assert_eq!(parsed.year, None);
    }
}
