use super::photo::{PhotoDraft, PhotoSlot};
use serde::{Deserialize, Serialize};

/// A submission form exactly as typed: every value kept as text so the form can be shown again
/// with nothing lost. Built from the posted fields by name; unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryDraft {
    pub title: String,
    pub story: String,
    pub narrator_name: String,
    pub real_name: String,
    pub role: String,
    pub place: String,
    pub year_then: String,
    pub year_now: String,
    pub year_then_approx: bool,
    pub themes: Vec<String>,
    pub contact: String,
    pub assisted_by: String,
    pub consent_publish: bool,
    pub consent_show_name: bool,
    pub consent_faces: bool,
    pub licence: String,
    pub website: String,
    pub idempotency_key: String,
    /// Photo details as sent, by side of the pair; the i-th values belong to the i-th file.
    pub photos_then: PhotoColumns,
    pub photos_now: PhotoColumns,
}

/// The repeated `photo_{then|now}_{year|caption|credit|alt}` fields, in the order sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoColumns {
    pub years: Vec<String>,
    pub captions: Vec<String>,
    pub credits: Vec<String>,
    pub alts: Vec<String>,
}

impl PhotoColumns {
    fn set(&mut self, part: &str, value: &str) {
        let column = match part {
            "year" => &mut self.years,
            "caption" => &mut self.captions,
            "credit" => &mut self.credits,
            "alt" => &mut self.alts,
            _ => return,
        };
        column.push(value.to_owned());
    }

    /// The details of the `index`-th photo (blank where none were sent).
    pub fn get(&self, index: usize) -> PhotoDraft {
        let at = |column: &Vec<String>| column.get(index).cloned().unwrap_or_default();
        PhotoDraft {
            year: at(&self.years),
            caption: at(&self.captions),
            credit: at(&self.credits),
            alt: at(&self.alts),
        }
    }
}

/// A checkbox counts as ticked when it sends `on` (what browsers send), `true`, `1` or `yes`.
pub fn is_checked(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "on" | "true" | "1" | "yes"
    )
}

impl StoryDraft {
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> StoryDraft {
        let mut draft = StoryDraft::default();
        for (name, value) in pairs {
            draft.set(name, value);
        }
        draft
    }

    /// Sets one posted field. A repeated single-valued field keeps its last value.
    pub fn set(&mut self, name: &str, value: &str) {
        let text = |slot: &mut String| *slot = value.to_owned();
        match name {
            "title" => text(&mut self.title),
            "story" => text(&mut self.story),
            "narrator_name" => text(&mut self.narrator_name),
            "real_name" => text(&mut self.real_name),
            "role" => text(&mut self.role),
            "place" => text(&mut self.place),
            "year_then" => text(&mut self.year_then),
            "year_now" => text(&mut self.year_now),
            "contact" => text(&mut self.contact),
            "assisted_by" => text(&mut self.assisted_by),
            "licence" => text(&mut self.licence),
            "website" => text(&mut self.website),
            "idempotency_key" => text(&mut self.idempotency_key),
            "themes" => self.themes.push(value.to_owned()),
            "year_then_approx" => self.year_then_approx = is_checked(value),
            "consent_publish" => self.consent_publish = is_checked(value),
            "consent_show_name" => self.consent_show_name = is_checked(value),
            "consent_faces" => self.consent_faces = is_checked(value),
            _ => {
                if let Some(part) = name.strip_prefix("photo_then_") {
                    self.photos_then.set(part, value);
                } else if let Some(part) = name.strip_prefix("photo_now_") {
                    self.photos_now.set(part, value);
                }
            }
        }
    }

    pub fn photos(&self, slot: PhotoSlot) -> &PhotoColumns {
        match slot {
            PhotoSlot::Then => &self.photos_then,
            PhotoSlot::Now => &self.photos_now,
        }
    }

    pub fn has_theme(&self, slug: &str) -> bool {
        self.themes.iter().any(|theme| theme == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_repeated_themes_and_checkboxes() {
        let draft = StoryDraft::from_pairs([
            ("themes", "transport"),
            ("themes", "housing"),
            ("consent_publish", "on"),
            ("consent_faces", "off"),
            ("unknown", "x"),
        ]);
        assert_eq!(draft.themes, vec!["transport", "housing"]);
        assert!(draft.consent_publish);
        assert!(!draft.consent_faces);
    }
}
