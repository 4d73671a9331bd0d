//! The fields of the public submission contract (see docs/api.md), also posted by the
//! contributor's edit on the tracking page. `name()` is the form field name; it is also the id
//! suffix of the field's error message in the page.

use super::form::form_fields;

form_fields! {
    /// One field of the story form.
    pub enum Field {
        Title = "title",
        Story = "story",
        NarratorName = "narrator_name",
        RealName = "real_name",
        Role = "role",
        Place = "place",
        YearThen = "year_then",
        YearNow = "year_now",
        YearThenApprox = "year_then_approx",
        Themes = "themes",
        Contact = "contact",
        AssistedBy = "assisted_by",
        ConsentPublish = "consent_publish",
        ConsentShowName = "consent_show_name",
        ConsentFaces = "consent_faces",
        Licence = "licence",
        IdempotencyKey = "idempotency_key",
        /// The honeypot: people leave it empty.
        Website = "website",
        PhotoThen = "photo_then",
        PhotoNow = "photo_now",
        /// Repeated: the i-th value belongs to the i-th `photo_then` file.
        PhotoThenYear = "photo_then_year",
        PhotoThenCaption = "photo_then_caption",
        PhotoThenCredit = "photo_then_credit",
        PhotoThenAlt = "photo_then_alt",
        PhotoNowYear = "photo_now_year",
        PhotoNowCaption = "photo_now_caption",
        PhotoNowCredit = "photo_now_credit",
        PhotoNowAlt = "photo_now_alt",
        /// Tracking page only: the id of a stored photo to remove (repeated).
        RemovePhoto = "remove_photo",
        /// Repeated file part: a voice recording (docs/api.md, "Recordings").
        Recording = "recording",
        /// Repeated: the i-th value belongs to the i-th `recording` file.
        RecordingSummary = "recording_summary",
        RecordingInterviewer = "recording_interviewer",
        /// Interview mode's "next question" taps: `{ms}:{prompt}` pairs, space separated.
        RecordingMarkers = "recording_markers",
        ConsentVoice = "consent_voice",
        ConsentInterviewerName = "consent_interviewer_name",
        /// Tracking page only: the id of a stored recording to remove (repeated).
        RemoveRecording = "remove_recording",
    }
}
