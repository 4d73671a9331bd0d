//! The moderator's use cases that change a story: `decide` (one story, from its page),
//! `decide_each` (the queue's bulk action), `edit_story` (the public words corrected before
//! publishing) and `edit_recording_text` (a recording's transcript and index). Typed input in,
//! an outcome out; handlers only extract and render.

use super::error::ModerationError;
use super::store::{self, PhotoWords};
use crate::accounts::store::Account;
use crate::media::photos::{self, StoredPhoto};
use crate::media::recordings::rows as recording_rows;
use crate::media::recordings::text as recording_text;
use crate::web::time::latest_allowed_year;
use app::domain::RecordingId;
use app::domain::transcript::{RecordingText, RecordingTextErrors};
use app::domain::{
    Decision, FieldError, FormErrors, ModeratorMessage, NewStory, PhotoDetails, PhotoDraft,
    PhotoId, PhotoWordsField, RejectReason, ReviewInput, StoryDraft, StoryId, StoryVersion,
    Telling,
};
use app::locale::{self, Locale};
use sqlx::PgPool;
use std::collections::BTreeMap;

/// What became of a moderator's form on a story's page.
pub enum Outcome {
    Saved,
    /// Refused field by field: the page again with the errors, and for an edit what was typed.
    Invalid(Option<Box<StoryDraft>>, FormErrors<ReviewInput>),
}

/// What became of a moderator's transcript form.
pub enum TextOutcome {
    Saved,
    Invalid(RecordingTextErrors),
}

/// A pending story's recording's transcript and index as the moderator wrote them, read
/// against the recording's length.
pub async fn edit_recording_text(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    recording: RecordingId,
    posted: (&str, &str),
    me: &Account,
) -> Result<TextOutcome, ModerationError> {
    let length = recording_text::ready_length(db, story, recording)
        .await?
        .ok_or(ModerationError::NotFound)?;
    let (transcript, index) = posted;
    match RecordingText::parse(transcript, index, length) {
        Ok(text) => {
            store::edit_recording_text(db, story, version, recording, &text, me).await?;
            Ok(TextOutcome::Saved)
        }
        Err(errors) => Ok(TextOutcome::Invalid(errors)),
    }
}

/// A decision as posted, with a templated reason (reject only) and the moderator's own words.
pub struct DecisionForm<'a> {
    pub decision: Decision,
    pub reason: Option<RejectReason>,
    pub words: &'a str,
}

impl DecisionForm<'_> {
    /// The message the decision carries to the contributor's tracking page, written in the
    /// language the moderator works in; none for an approval.
    pub fn message(&self, locale: Locale) -> Result<Option<ModeratorMessage>, FieldError> {
        if !self.decision.needs_message() {
            return Ok(None);
        }
        let template = self
            .reason
            .filter(|_| self.decision == Decision::Reject)
            .map(|reason| locale::reject_reason(locale, reason));
        ModeratorMessage::compose(template, self.words).map(Some)
    }
}

/// One story's decision, on the version the moderator saw.
pub async fn decide(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    form: &DecisionForm<'_>,
    locale: Locale,
    me: &Account,
) -> Result<Outcome, ModerationError> {
    let message = match form.message(locale) {
        Ok(message) => message,
        Err(error) => {
            let mut errors = FormErrors::default();
            errors.add(ReviewInput::Message(form.decision), error);
            return Ok(Outcome::Invalid(None, errors));
        }
    };
    store::decide(db, story, version, form.decision, message.as_ref(), me).await?;
    Ok(Outcome::Saved)
}

/// How a bulk action went.
pub struct Tally {
    pub done: usize,
    /// Handled or claimed by someone else meanwhile, changed by the contributor, or gone.
    pub skipped: usize,
}

/// The same decision for each selected story, each on its own.
pub async fn decide_each(
    db: &PgPool,
    selected: &[(StoryId, StoryVersion)],
    decision: Decision,
    message: Option<&ModeratorMessage>,
    me: &Account,
) -> Result<Tally, ModerationError> {
    let mut tally = Tally {
        done: 0,
        skipped: 0,
    };
    for (story, version) in selected {
        match store::decide(db, *story, *version, decision, message, me).await {
            Ok(()) => tally.done += 1,
            Err(
                ModerationError::AlreadyHandled { .. }
                | ModerationError::BeingReviewed { .. }
                | ModerationError::NotFound,
            ) => tally.skipped += 1,
            Err(other) => return Err(other),
        }
    }
    Ok(tally)
}

/// A stored photo's words as posted (the first value of each).
#[derive(Default)]
pub struct PostedWords {
    pub caption: Option<String>,
    pub alt: Option<String>,
}

/// The public content as a moderator corrected it, on the version they saw.
pub struct StoryEdit<F> {
    pub version: StoryVersion,
    /// The stored draft with the moderator's corrections applied: private details and
    /// consents stay as the contributor gave them.
    pub apply: F,
    /// Words per photo; those of photos not of this story are ignored, and so is a photo
    /// whose caption or alt text was not sent.
    pub photo_words: BTreeMap<PhotoId, PostedWords>,
}

pub async fn edit_story<F>(
    db: &PgPool,
    story: StoryId,
    edit: StoryEdit<F>,
    me: &Account,
) -> Result<Outcome, ModerationError>
where
    F: FnOnce(StoryDraft) -> StoryDraft,
{
    let current = store::detail(db, story, me.id)
        .await?
        .ok_or(ModerationError::NotFound)?;
    let draft = (edit.apply)(current.draft);
    let latest = latest_allowed_year();
    let recordings = recording_rows::count(db, story).await?;
    let parsed = NewStory::parse_told(&draft, latest, Telling::with_recordings(recordings));
    let stored = photos::of_story(db, story).await?;
    let words = parse_photo_words(&edit.photo_words, &stored, latest);
    match (parsed, words) {
        (Ok(edited), Ok(words)) => {
            store::edit(db, story, edit.version, &edited, &words, me).await?;
            Ok(Outcome::Saved)
        }
        (parsed, words) => {
            let mut errors = parsed.err().unwrap_or_default().map(ReviewInput::Story);
            for (input, error) in words.err().unwrap_or_default().iter() {
                errors.add(input, error);
            }
            Ok(Outcome::Invalid(Some(Box::new(draft)), errors))
        }
    }
}

fn parse_photo_words(
    posted: &BTreeMap<PhotoId, PostedWords>,
    stored: &[StoredPhoto],
    latest: i32,
) -> Result<Vec<PhotoWords>, FormErrors<ReviewInput>> {
    let mut words = Vec::new();
    let mut errors = FormErrors::default();
    for photo in stored {
        let Some(PostedWords {
            caption: Some(caption),
            alt: Some(alt),
        }) = posted.get(&photo.id)
        else {
            continue;
        };
        let draft = PhotoDraft {
            year: String::new(),
            caption: caption.clone(),
            credit: String::new(),
            alt: alt.clone(),
        };
        match PhotoDetails::parse(&draft, None, latest) {
            Ok(details) => words.push(PhotoWords {
                id: photo.id,
                caption: details.caption,
                alt: details.alt,
            }),
            Err((part, error)) => {
                let word = if part == PhotoWordsField::Alt.part() {
                    PhotoWordsField::Alt
                } else {
                    PhotoWordsField::Caption
                };
                errors.add(ReviewInput::Photo(photo.id, word), error);
            }
        }
    }
    if errors.is_empty() {
        Ok(words)
    } else {
        Err(errors)
    }
}
