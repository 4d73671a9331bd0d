use super::errors::PhotoPart;
use super::field::Field;
use super::form::is_checked;
use super::photo::{PhotoDraft, PhotoSlot};
use super::recording::RecordingDraft;
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
    pub consent_voice: bool,
    pub consent_interviewer_name: bool,
    /// Recording details as sent; the i-th values belong to the i-th `recording` file.
    pub recording_summary: Vec<String>,
    pub recording_interviewer: Vec<String>,
    pub recording_markers: Vec<String>,
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
    fn set(&mut self, part: PhotoPart, value: &str) {
        let column = match part {
            PhotoPart::Year => &mut self.years,
            PhotoPart::Caption => &mut self.captions,
            PhotoPart::Credit => &mut self.credits,
            PhotoPart::Alt => &mut self.alts,
            PhotoPart::File => return,
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

impl StoryDraft {
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> StoryDraft {
        let mut draft = StoryDraft::default();
        for (name, value) in pairs {
            draft.set(name, value);
        }
        draft
    }

    /// Sets one posted field by name; unknown names are ignored.
    pub fn set(&mut self, name: &str, value: &str) {
        if let Some(field) = Field::from_name(name) {
            self.set_field(field, value);
        }
    }

    /// Sets one posted field. A repeated single-valued field keeps its last value.
    pub fn set_field(&mut self, field: Field, value: &str) {
        let text = |slot: &mut String| *slot = value.to_owned();
        match field {
            Field::Title => text(&mut self.title),
            Field::Story => text(&mut self.story),
            Field::NarratorName => text(&mut self.narrator_name),
            Field::RealName => text(&mut self.real_name),
            Field::Role => text(&mut self.role),
            Field::Place => text(&mut self.place),
            Field::YearThen => text(&mut self.year_then),
            Field::YearNow => text(&mut self.year_now),
            Field::Contact => text(&mut self.contact),
            Field::AssistedBy => text(&mut self.assisted_by),
            Field::Licence => text(&mut self.licence),
            Field::Website => text(&mut self.website),
            Field::IdempotencyKey => text(&mut self.idempotency_key),
            Field::Themes => self.themes.push(value.to_owned()),
            Field::YearThenApprox => self.year_then_approx = is_checked(value),
            Field::ConsentPublish => self.consent_publish = is_checked(value),
            Field::ConsentShowName => self.consent_show_name = is_checked(value),
            Field::ConsentFaces => self.consent_faces = is_checked(value),
            Field::ConsentVoice => self.consent_voice = is_checked(value),
            Field::ConsentInterviewerName => self.consent_interviewer_name = is_checked(value),
            Field::RecordingSummary => self.recording_summary.push(value.to_owned()),
            Field::RecordingInterviewer => self.recording_interviewer.push(value.to_owned()),
            Field::RecordingMarkers => self.recording_markers.push(value.to_owned()),
            Field::RemovePhoto | Field::Recording | Field::RemoveRecording => {}
            photo => {
                if let Some((slot, part)) = PhotoSlot::of_field(photo) {
                    self.photos_mut(slot).set(part, value);
                }
            }
        }
    }

    fn photos_mut(&mut self, slot: PhotoSlot) -> &mut PhotoColumns {
        match slot {
            PhotoSlot::Then => &mut self.photos_then,
            PhotoSlot::Now => &mut self.photos_now,
        }
    }

    pub fn photos(&self, slot: PhotoSlot) -> &PhotoColumns {
        match slot {
            PhotoSlot::Then => &self.photos_then,
            PhotoSlot::Now => &self.photos_now,
        }
    }

    /// The details typed for the `index`-th recording (blank where none were sent).
    pub fn recording(&self, index: usize) -> RecordingDraft {
        let at = |column: &Vec<String>| column.get(index).cloned().unwrap_or_default();
        RecordingDraft {
            summary: at(&self.recording_summary),
            interviewer: at(&self.recording_interviewer),
            markers: at(&self.recording_markers),
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
            (Field::Themes.name(), "transport"),
            (Field::Themes.name(), "housing"),
            (Field::ConsentPublish.name(), "on"),
            (Field::ConsentFaces.name(), "off"),
            (Field::PhotoNowAlt.name(), "江边"),
            ("unknown", "x"),
        ]);
        assert_eq!(draft.themes, vec!["transport", "housing"]);
        assert!(draft.consent_publish);
        assert!(!draft.consent_faces);
        assert_eq!(draft.photos_now.alts, vec!["江边"]);
    }

    /// The draft's serialized names are the form's: the JSON of a draft and the form agree.
    #[test]
    fn serialized_names_are_the_form_names() {
        let json = serde_json::to_value(StoryDraft::default()).unwrap();
        let keys = json.as_object().unwrap();
        for field in Field::ALL {
            let file_or_action = matches!(
                field,
                Field::RemovePhoto | Field::Recording | Field::RemoveRecording
            );
            let stored = PhotoSlot::of_field(*field).is_none() && !file_or_action;
            assert_eq!(keys.contains_key(field.name()), stored, "{field}");
        }
    }
}
