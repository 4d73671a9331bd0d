//! How each field of the submission contract appears on the page: its label, its hint, and the
//! ids of its hint and error message (the `FormEnhancer` island finds a field's parts by them).

use crate::domain::Field;
use crate::locale::Locale;
use leptos_i18n::td_string;

pub fn field_label(locale: Locale, field: Field) -> &'static str {
    match field {
        Field::Title => td_string!(locale, submission.field.title.label),
        Field::Story => td_string!(locale, submission.field.story.label),
        Field::NarratorName => td_string!(locale, submission.field.narrator_name.label),
        Field::RealName => td_string!(locale, submission.field.real_name.label),
        Field::Role => td_string!(locale, submission.field.role.label),
        Field::Place => td_string!(locale, submission.field.place.label),
        Field::YearThen => td_string!(locale, submission.field.year_then.label),
        Field::YearNow => td_string!(locale, submission.field.year_now.label),
        Field::Themes => td_string!(locale, submission.field.themes.label),
        Field::Contact => td_string!(locale, submission.field.contact.label),
        Field::AssistedBy => td_string!(locale, submission.field.assisted_by.label),
        Field::ConsentPublish => td_string!(locale, submission.field.consent_publish.label),
        Field::Licence => td_string!(locale, submission.field.licence.label),
        Field::IdempotencyKey => Field::IdempotencyKey.name(),
        Field::PhotoThen => td_string!(locale, submission.field.photo_then.label),
        Field::PhotoNow => td_string!(locale, submission.field.photo_now.label),
        Field::YearThenApprox => td_string!(locale, submission.field.year_then_approx.label),
        Field::ConsentShowName => td_string!(locale, submission.field.consent_show_name.label),
        Field::ConsentFaces => td_string!(locale, submission.field.consent_faces.label),
        Field::Website => td_string!(locale, submission.field.website.label),
        Field::PhotoThenYear | Field::PhotoNowYear => {
            td_string!(locale, submission.field.photo_year.label)
        }
        Field::PhotoThenCaption | Field::PhotoNowCaption => {
            td_string!(locale, submission.field.photo_caption.label)
        }
        Field::PhotoThenCredit | Field::PhotoNowCredit => {
            td_string!(locale, submission.field.photo_credit.label)
        }
        Field::PhotoThenAlt | Field::PhotoNowAlt => {
            td_string!(locale, submission.field.photo_alt.label)
        }
        Field::RemovePhoto => td_string!(locale, submission.track.remove_photo),
        Field::Recording => td_string!(locale, submission.field.recording.label),
        Field::RecordingSummary => td_string!(locale, submission.field.recording_summary.label),
        Field::RecordingInterviewer => {
            td_string!(locale, submission.field.recording_interviewer.label)
        }
        Field::RecordingMarkers => td_string!(locale, submission.field.recording_markers.label),
        Field::ConsentVoice => td_string!(locale, submission.field.consent_voice.label),
        Field::ConsentInterviewerName => {
            td_string!(locale, submission.field.consent_interviewer_name.label)
        }
        Field::RemoveRecording => td_string!(locale, submission.track.remove_recording),
    }
}

pub(super) fn field_hint(locale: Locale, field: Field) -> Option<&'static str> {
    Some(match field {
        Field::Title => td_string!(locale, submission.field.title.hint),
        Field::Story => td_string!(locale, submission.field.story.hint),
        Field::NarratorName => td_string!(locale, submission.field.narrator_name.hint),
        Field::RealName => td_string!(locale, submission.field.real_name.hint),
        Field::Role => td_string!(locale, submission.field.role.hint),
        Field::Place => td_string!(locale, submission.field.place.hint),
        Field::YearThen => td_string!(locale, submission.field.year_then.hint),
        Field::YearNow => td_string!(locale, submission.field.year_now.hint),
        Field::Themes => td_string!(locale, submission.field.themes.hint),
        Field::Contact => td_string!(locale, submission.field.contact.hint),
        Field::AssistedBy => td_string!(locale, submission.field.assisted_by.hint),
        Field::PhotoThen => td_string!(locale, submission.field.photo_then.hint),
        Field::PhotoNow => td_string!(locale, submission.field.photo_now.hint),
        Field::Recording => td_string!(locale, submission.field.recording.hint),
        _ => return None,
    })
}

/// Ids used by the page and by the enhancer island to find a field's parts.
pub(crate) fn error_id(field: Field) -> String {
    format!("err-{field}")
}

pub(super) fn hint_id(field: Field) -> String {
    format!("hint-{field}")
}
