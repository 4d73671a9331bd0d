//! The contributor's two use cases, `submit_story` and `edit_story`: typed input in (the form's
//! values and the files that arrived), an outcome out. They share one sequence: parse the story,
//! its photos and recordings together (every refusal beside its field), keep the files, store
//! in one transaction, then wake the workers. Handlers only extract and render.

use super::error::SubmissionError;
use super::photo_form::parse_photos;
use super::recording_form::{parse_recordings, received_whole};
use super::store::{self, KeptMedia, Removals, Submitted, Submitter};
use super::tokens::TrackingToken;
use crate::media::deletions;
use crate::media::photos::{self, StoredPhoto};
use crate::media::recordings::intake::{self, NewRecording, ReceivedRecording};
use crate::media::recordings::rows as recording_rows;
use crate::media::recordings::text as recording_text;
use crate::media::upload::{NewPhoto, ReceivedPhoto, keep_all};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::time::latest_allowed_year;
use app::domain::transcript::{RecordingText, RecordingTextErrors};
use app::domain::{
    Field, FormErrors, IdempotencyKey, NewStory, PhotoId, PhotoSlot, RecordingId, StoryDraft,
    Telling,
};

/// What became of a contributor's form.
pub enum Outcome {
    /// Stored, or a repeat answered with the first story: the story's tracking link.
    Stored(TrackingToken),
    /// Refused field by field: the form again, with the values as typed.
    Invalid(Box<StoryDraft>, FormErrors),
}

/// The files a form brought, as intake received them.
#[derive(Debug, Default)]
pub struct Received {
    pub photos: Vec<ReceivedPhoto>,
    pub recordings: Vec<ReceivedRecording>,
}

/// A new story with its photos and recordings. A refused honeypot (`website` filled) stores
/// nothing.
pub async fn submit_story(
    state: &AppState,
    draft: StoryDraft,
    received: Received,
    submitter: &Submitter<'_>,
) -> Result<Outcome, AppError> {
    if !draft.website.is_empty() {
        return Err(AppError::Honeypot);
    }
    let parsed = parse_with_media(state, &draft, received, Existing::default());
    let (parsed, key) = match (parsed, IdempotencyKey::parse(&draft.idempotency_key)) {
        (Ok(parsed), Ok(key)) => (parsed, key),
        (parsed, key) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(error) = key {
                errors.add(Field::IdempotencyKey, error);
            }
            return Ok(Outcome::Invalid(Box::new(draft), errors));
        }
    };
    let kept = keep(state, parsed.photos, parsed.recordings).await?;
    let jobs = kept.jobs();
    let per_hour = state.config.submissions_per_hour_per_ip;
    // A repeat stores nothing: `submit` drops, and so removes, the kept files.
    let token = match store::submit(
        &state.db,
        &parsed.story,
        key.as_ref(),
        submitter,
        per_hour,
        kept,
    )
    .await?
    {
        Submitted::Created(token) => {
            wake_workers(state, jobs);
            token
        }
        Submitted::Repeated(token) => token,
    };
    Ok(Outcome::Stored(token))
}

/// The contributor's edit through the tracking link: the same fields, photos and recordings
/// added and removed (`removals` naming those of this story; others are ignored).
pub async fn edit_story(
    state: &AppState,
    token: &TrackingToken,
    draft: StoryDraft,
    received: Received,
    removals: Removals,
) -> Result<Outcome, AppError> {
    let own = store::find_by_token(&state.db, token)
        .await?
        .ok_or(SubmissionError::NotFound)?;
    let current = photos::of_story(&state.db, own.id).await?;
    let removed: Vec<PhotoId> = removals
        .photos
        .into_iter()
        .filter(|id| current.iter().any(|p| p.id == *id))
        .collect();
    let recordings =
        recording_rows::of_stories(&state.db, &[own.id], recording_rows::Listener::Moderator)
            .await?;
    let removed_recordings: Vec<_> = removals
        .recordings
        .into_iter()
        .filter(|id| recordings.iter().any(|r| r.id == *id))
        .collect();
    let existing = Existing {
        photos: remaining_per_side(&current, &removed),
        recordings: recordings.len() - removed_recordings.len(),
    };
    let parsed = match parse_with_media(state, &draft, received, existing) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Outcome::Invalid(Box::new(draft), errors)),
    };
    let kept = keep(state, parsed.photos, parsed.recordings).await?;
    let jobs = kept.jobs();
    let removals = Removals {
        photos: removed,
        recordings: removed_recordings,
    };
    let gone = store::edit(&state.db, token, &parsed.story, &removals, kept).await?;
    wake_workers(state, jobs);
    deletions::now(&state.db, &state.media, gone).await;
    Ok(Outcome::Stored(token.clone()))
}

/// What became of the contributor's transcript form.
pub enum TextOutcome {
    Saved,
    Invalid(RecordingTextErrors),
}

/// The contributor's transcript and index of one of their story's ready recordings, read
/// against its length (`posted`: the transcript, then the index, as typed).
pub async fn edit_recording_text(
    state: &AppState,
    token: &TrackingToken,
    recording: RecordingId,
    posted: (&str, &str),
) -> Result<TextOutcome, AppError> {
    let own = store::find_by_token(&state.db, token)
        .await?
        .ok_or(SubmissionError::NotFound)?;
    if !own.status.editable_by_contributor() {
        return Err(SubmissionError::NotEditable.into());
    }
    let length = recording_text::ready_length(&state.db, own.id, recording)
        .await?
        .ok_or(SubmissionError::NotFound)?;
    let (transcript, index) = posted;
    match RecordingText::parse(transcript, index, length) {
        Ok(text) => {
            store::edit_recording_text(&state.db, token, recording, &text).await?;
            Ok(TextOutcome::Saved)
        }
        Err(errors) => Ok(TextOutcome::Invalid(errors)),
    }
}

/// What the story keeps of its media through an edit: photos per side, and recordings.
#[derive(Debug, Default, Clone, Copy)]
struct Existing {
    photos: [usize; 2],
    recordings: usize,
}

struct Parsed {
    story: NewStory,
    photos: Vec<NewPhoto>,
    recordings: Vec<NewRecording>,
}

/// The story and its new files, or every refusal of any of them. With a recording (kept or
/// received whole) the story is told aloud and its text may be short.
fn parse_with_media(
    state: &AppState,
    draft: &StoryDraft,
    received: Received,
    existing: Existing,
) -> Result<Parsed, FormErrors> {
    let latest_year = latest_allowed_year();
    let telling =
        Telling::with_recordings(existing.recordings + received_whole(&received.recordings));
    let parsed = NewStory::parse_told(draft, latest_year, telling);
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let require_pair = state.config.require_photo_pair;
    let photos = parse_photos(
        draft,
        received.photos,
        existing.photos,
        require_pair,
        latest_year,
        &mut errors,
    );
    let recordings = parse_recordings(draft, received.recordings, existing.recordings, &mut errors);
    match parsed {
        Ok(story) if errors.is_empty() => Ok(Parsed {
            story,
            photos,
            recordings,
        }),
        _ => Err(errors),
    }
}

/// Keeps the accepted files as originals (removed again if their rows never commit).
async fn keep(
    state: &AppState,
    photos: Vec<NewPhoto>,
    recordings: Vec<NewRecording>,
) -> Result<KeptMedia, AppError> {
    Ok(KeptMedia {
        photos: keep_all(&state.media, photos).await?,
        recordings: intake::keep_all(&state.media, recordings).await?,
    })
}

/// Photos each side keeps after the removals, so the limits count what the story will have.
fn remaining_per_side(current: &[StoredPhoto], removed: &[PhotoId]) -> [usize; 2] {
    let count = |slot| {
        current
            .iter()
            .filter(|p| p.view.slot == slot && !removed.contains(&p.id))
            .count()
    };
    [count(PhotoSlot::Then), count(PhotoSlot::Now)]
}

/// New rows committed: a worker for each job.
fn wake_workers(state: &AppState, jobs: usize) {
    for _ in 0..jobs {
        state.jobs_queued.notify_one();
    }
}
