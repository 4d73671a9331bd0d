//! The form in which a contributor (on the tracking page, while the story may be edited) or a
//! moderator (on the review page) writes a recording's transcript and index. Works without
//! JavaScript: a plain post, refused fields answered beside themselves with what was typed.

use super::errors::transcript_error;
use crate::domain::transcript::{RecordingTextErrors, Transcript};
use crate::domain::{RecordingId, ReviewField, StoryId, StoryVersion, TranscriptField};
use crate::locale::Locale;
use crate::ui::TextArea;
use leptos::prelude::*;
use leptos_i18n::td;

/// What a transcript form shows: where it posts, the texts (as stored, or as typed when they
/// were refused) and the refusals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptForm {
    pub recording: RecordingId,
    pub action: String,
    /// The story's version, sent by moderators' forms so a stale page cannot overwrite.
    pub version: Option<StoryVersion>,
    pub transcript: String,
    pub index: String,
    pub errors: RecordingTextErrors,
}

impl TranscriptForm {
    /// The form for a stored recording of `duration_ms`: its transcript in the simple form
    /// (easier to edit on a phone than WebVTT), its index as stored.
    pub fn stored(
        recording: RecordingId,
        action: String,
        version: Option<StoryVersion>,
        duration_ms: u32,
        vtt: Option<&str>,
        index_text: Option<&str>,
    ) -> TranscriptForm {
        let transcript = vtt
            .and_then(|vtt| Transcript::parse(vtt, duration_ms).ok())
            .map(|t| t.to_editable(duration_ms))
            .unwrap_or_default();
        TranscriptForm {
            recording,
            action,
            version,
            transcript,
            index: index_text.unwrap_or_default().to_owned(),
            errors: Vec::new(),
        }
    }

    /// Where the contributor's form posts, under their tracking path.
    pub fn track_action(track_path: &str, recording: RecordingId) -> String {
        format!("{track_path}/recordings/{}/text", recording.0)
    }

    /// Where a moderator's form posts.
    pub fn review_action(story: StoryId, recording: RecordingId) -> String {
        format!(
            "/moderate/stories/{}/recordings/{}/text",
            story.0, recording.0
        )
    }

    /// The same form again with what was typed and why it was refused.
    pub fn refused(self, transcript: String, index: String, errors: RecordingTextErrors) -> Self {
        TranscriptForm {
            transcript,
            index,
            errors,
            ..self
        }
    }

    fn error(&self, field: TranscriptField) -> Option<&crate::domain::transcript::TranscriptError> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e)
    }
}

#[component]
pub fn TranscriptEditor(locale: Locale, form: TranscriptForm) -> impl IntoView {
    let refused = !form.errors.is_empty();
    let id = |field: TranscriptField| format!("{}-{}", field.name(), form.recording.0);
    let field = |name: TranscriptField, value: String, label, hint| {
        let error = form.error(name).map(|e| transcript_error(locale, e));
        let (id, hint_id, error_id) = (
            id(name),
            format!("{}-hint", id(name)),
            format!("{}-error", id(name)),
        );
        let described_by = if error.is_some() {
            format!("{hint_id} {error_id}")
        } else {
            hint_id.clone()
        };
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <p class="hint" id=hint_id>{hint}</p>
                {error.clone().map(|message| view! { <p class="error-text" id=error_id>{message}</p> })}
                <TextArea id name=name.name().to_owned() value rows=8 invalid=error.is_some() described_by />
            </div>
        }
    };
    let transcript = field(
        TranscriptField::Transcript,
        form.transcript.clone(),
        td!(locale, transcript.form.transcript_label).into_any(),
        td!(locale, transcript.form.transcript_hint).into_any(),
    );
    let index = field(
        TranscriptField::Index,
        form.index.clone(),
        td!(locale, transcript.form.index_label).into_any(),
        td!(locale, transcript.form.index_hint).into_any(),
    );
    view! {
        <details class="transcript-editor" open=refused>
            <summary>{td!(locale, transcript.form.heading)}</summary>
            <form method="post" action=form.action.clone()>
                {form.version.map(|v| view! { <input type="hidden" name=ReviewField::Version.name() value=v.0.to_string() /> })}
                {transcript}
                {index}
                <button type="submit">{td!(locale, transcript.form.save)}</button>
            </form>
        </details>
    }
}
