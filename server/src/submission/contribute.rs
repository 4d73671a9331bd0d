//! The contributor's two use cases, `submit_story` and `edit_story`: typed input in (the form's
//! values and the photos that arrived), an outcome out. They share one sequence: parse the story
//! and the photos together (every refusal beside its field), keep the photos, store in one
//! transaction, then wake the photo workers. Handlers only extract and render.

use super::error::SubmissionError;
use super::photo_form::parse_photos;
use super::store::{self, Submitted, Submitter};
use super::tokens::TrackingToken;
use crate::media::deletions;
use crate::media::photos::{self, StoredPhoto};
use crate::media::upload::{NewPhoto, ReceivedPhoto, keep_all};
use crate::state::AppState;
use crate::web::AppError;
use crate::web::time::latest_allowed_year;
use app::domain::{Field, FormErrors, IdempotencyKey, NewStory, PhotoId, PhotoSlot, StoryDraft};

/// What became of a contributor's form.
pub enum Outcome {
    /// Stored, or a repeat answered with the first story: the story's tracking link.
    Stored(TrackingToken),
    /// Refused field by field: the form again, with the values as typed.
    Invalid(Box<StoryDraft>, FormErrors),
}

/// A new story with its photos. A refused honeypot (`website` filled) stores nothing.
pub async fn submit_story(
    state: &AppState,
    draft: StoryDraft,
    received: Vec<ReceivedPhoto>,
    submitter: &Submitter<'_>,
) -> Result<Outcome, AppError> {
    if !draft.website.is_empty() {
        return Err(AppError::Honeypot);
    }
    let parsed = parse_with_photos(state, &draft, received, [0, 0]);
    let ((story, new_photos), key) = match (parsed, IdempotencyKey::parse(&draft.idempotency_key)) {
        (Ok(parsed), Ok(key)) => (parsed, key),
        (parsed, key) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(error) = key {
                errors.add(Field::IdempotencyKey, error);
            }
            return Ok(Outcome::Invalid(Box::new(draft), errors));
        }
    };
    let kept = keep_all(&state.media, new_photos).await?;
    let photos = kept.len();
    let per_hour = state.config.submissions_per_hour_per_ip;
    // A repeat stores nothing: `submit` drops, and so removes, the kept files.
    let token =
        match store::submit(&state.db, &story, key.as_ref(), submitter, per_hour, kept).await? {
            Submitted::Created(token) => {
                wake_workers(state, photos);
                token
            }
            Submitted::Repeated(token) => token,
        };
    Ok(Outcome::Stored(token))
}

/// The contributor's edit through the tracking link: the same fields, photos added and removed
/// (`remove_photo` values naming photos of this story; others are ignored).
pub async fn edit_story(
    state: &AppState,
    token: &TrackingToken,
    draft: StoryDraft,
    received: Vec<ReceivedPhoto>,
    remove: Vec<PhotoId>,
) -> Result<Outcome, AppError> {
    let own = store::find_by_token(&state.db, token)
        .await?
        .ok_or(SubmissionError::NotFound)?;
    let current = photos::of_story(&state.db, own.id).await?;
    let removed: Vec<PhotoId> = remove
        .into_iter()
        .filter(|id| current.iter().any(|p| p.id == *id))
        .collect();
    let remaining = remaining_per_side(&current, &removed);
    let (story, new_photos) = match parse_with_photos(state, &draft, received, remaining) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Outcome::Invalid(Box::new(draft), errors)),
    };
    let kept = keep_all(&state.media, new_photos).await?;
    let photos = kept.len();
    let gone = store::edit(&state.db, token, &story, &removed, kept).await?;
    wake_workers(state, photos);
    deletions::now(&state.db, &state.media, gone).await;
    Ok(Outcome::Stored(token.clone()))
}

/// The story and its new photos, or every refusal of either.
fn parse_with_photos(
    state: &AppState,
    draft: &StoryDraft,
    received: Vec<ReceivedPhoto>,
    existing: [usize; 2],
) -> Result<(NewStory, Vec<NewPhoto>), FormErrors> {
    let latest_year = latest_allowed_year();
    let parsed = NewStory::parse(draft, latest_year);
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let require_pair = state.config.require_photo_pair;
    let photos = parse_photos(
        draft,
        received,
        existing,
        require_pair,
        latest_year,
        &mut errors,
    );
    match parsed {
        Ok(story) if errors.is_empty() => Ok((story, photos)),
        _ => Err(errors),
    }
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

/// New photos' rows committed: a worker for each.
fn wake_workers(state: &AppState, photos: usize) {
    for _ in 0..photos {
        state.jobs_queued.notify_one();
    }
}
