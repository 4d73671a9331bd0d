//! The use case behind a story's review page: everything a moderator sees of one story, read
//! together — the story with its private details, its photos, its revisions with what each
//! changed, its history, and what the contributor changed since the moderator asked.

use super::diff::diff;
use super::error::ModerationError;
use super::redactions::{self, StoredRedaction};
use super::store::{self, Detail};
use crate::audit::{self, AuditEntry};
use crate::media::photos::{self, StoredPhoto};
use crate::media::recordings::rows::{self as recording_rows, Listener, StoredRecording};
use crate::revisions::{self, Revision};
use app::domain::{AccountId, ContentField, StoryId, StoryStatus};
use app::moderation::FieldChange;
use sqlx::PgPool;

pub struct Review {
    pub detail: Detail,
    pub photos: Vec<StoredPhoto>,
    /// Every recording, its voice audible whatever the narrator chose (moderators hear all).
    pub recordings: Vec<StoredRecording>,
    /// What moderators silenced in the recordings' public copies.
    pub redactions: Vec<StoredRedaction>,
    /// Oldest first, each with the fields it changed from the one before.
    pub revisions: Vec<(Revision, Vec<ContentField>)>,
    /// The story's audit entries, oldest first.
    pub history: Vec<AuditEntry>,
    /// What the contributor changed after the last change request, while the story waits again.
    pub changes_since_request: Option<Vec<FieldChange>>,
}

pub async fn load(db: &PgPool, id: StoryId, me: AccountId) -> Result<Review, ModerationError> {
    let detail = store::detail(db, id, me)
        .await?
        .ok_or(ModerationError::NotFound)?;
    let revisions = revisions::revisions(db, id).await?;
    let asked_at = audit::last_change_request(db, id).await?;
    let changes_since_request = match asked_at {
        Some(asked_at) if detail.status == StoryStatus::Pending => {
            changes_since(&revisions, asked_at)
        }
        _ => None,
    };
    Ok(Review {
        photos: photos::of_story(db, id).await?,
        recordings: recording_rows::of_stories(db, &[id], Listener::Moderator).await?,
        redactions: redactions::of_story(db, id).await?,
        history: audit::story_history(db, id).await?,
        revisions: with_changes(revisions),
        changes_since_request,
        detail,
    })
}

/// The change from the last version before `asked_at` to the latest, if the latest is newer.
fn changes_since(
    revisions: &[Revision],
    asked_at: time::OffsetDateTime,
) -> Option<Vec<FieldChange>> {
    let before = revisions.iter().rev().find(|r| r.at <= asked_at)?;
    let latest = revisions.last().filter(|latest| latest.at > asked_at)?;
    Some(diff(&before.content, &latest.content))
}

fn with_changes(revisions: Vec<Revision>) -> Vec<(Revision, Vec<ContentField>)> {
    let changed: Vec<Vec<ContentField>> = revisions
        .iter()
        .enumerate()
        .map(
            |(i, r)| match i.checked_sub(1).and_then(|p| revisions.get(p)) {
                Some(previous) => diff(&previous.content, &r.content)
                    .into_iter()
                    .map(|c| c.field)
                    .collect(),
                None => Vec::new(),
            },
        )
        .collect();
    revisions.into_iter().zip(changed).collect()
}
