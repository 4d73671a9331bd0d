//! A moderator silences a stretch of a recording's public copy (a neighbour's name, an
//! address), or lifts such a redaction (docs/moderation.md, "Redactions"). Each change, in one
//! transaction: locks the story at the version the moderator saw (as every moderator change
//! does), checks its status (`REDACTABLE`), stores or deletes the row, bumps the version,
//! records an audit entry and requeues the recording under a new public key
//! (`recordings::jobs::requeue`). The original is never touched.

use super::error::ModerationError;
use super::store::lock_for_change;
use crate::accounts::store::Account;
use crate::audit::{Action, Entry};
use crate::db::column;
use crate::media::recordings::jobs;
use app::domain::{
    AccountId, FormErrors, REDACTABLE, RecordingId, RedactedRange, RedactionContext,
    RedactionDraft, RedactionField, RedactionId, StoryId, StoryStatus, StoryVersion,
};
use sqlx::{PgConnection, PgPool};
use time::OffsetDateTime;

/// A redaction as stored, with its moderator's name.
#[derive(Debug, Clone)]
pub struct StoredRedaction {
    pub id: RedactionId,
    pub recording: RecordingId,
    pub range: RedactedRange,
    pub reason: String,
    pub by: String,
    pub at: OffsetDateTime,
}

/// Every redaction of the story's recordings, by recording and start.
pub async fn of_story(db: &PgPool, story: StoryId) -> Result<Vec<StoredRedaction>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select d.id as "id: RedactionId", d.recording_id as "recording: RecordingId",
                  d.start_ms, d.end_ms, d.reason, a.display_name, d.created_at
           from recording_redactions d
           join recordings r on r.id = d.recording_id
           join accounts a on a.id = d.moderator_id
           where r.story_id = $1
           order by r.position, d.start_ms, d.id"#,
        story.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let range = RedactedRange::new(
                u32::try_from(r.start_ms).ok()?,
                u32::try_from(r.end_ms).ok()?,
            )?;
            Some(StoredRedaction {
                id: r.id,
                recording: r.recording,
                range,
                reason: r.reason,
                by: r.display_name,
                at: r.created_at,
            })
        })
        .collect())
}

/// What became of a change.
pub enum Outcome {
    /// Committed: the key the recording's old copy had, whose folder is to be deleted now
    /// (`deletions::derivatives_now`).
    Saved { replaced_key: String },
    /// Refused field by field; nothing was stored.
    Invalid(FormErrors<RedactionField>),
}

/// Silences the range typed in `draft` in the recording's public copy.
pub async fn redact(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    recording: RecordingId,
    draft: &RedactionDraft,
    by: &Account,
) -> Result<Outcome, ModerationError> {
    let mut tx = db.begin().await?;
    let status = lock_redactable(&mut tx, story, version, by.id).await?;
    let context = lock_recording(&mut tx, story, recording).await?;
    let redaction = match draft.parse(context) {
        Ok(redaction) => redaction,
        Err(errors) => return Ok(Outcome::Invalid(errors)),
    };
    sqlx::query!(
        "insert into recording_redactions (recording_id, start_ms, end_ms, reason, moderator_id)
         values ($1, $2, $3, $4, $5)",
        recording.0,
        column::bigint(redaction.range.start_ms())?,
        column::bigint(redaction.range.end_ms())?,
        redaction.reason,
        by.id.0
    )
    .execute(&mut *tx)
    .await?;
    let change = Change {
        story,
        recording,
        range: redaction.range,
        status,
        by: by.id,
    };
    let replaced_key = change.record(&mut tx, Action::RecordingRedacted).await?;
    tx.commit().await?;
    tracing::info!(story = %story, %recording, by = %by.id, "recording redacted");
    Ok(Outcome::Saved { replaced_key })
}

/// Lifts one redaction: the public copy is made again without it. Returns the replaced key.
pub async fn lift(
    db: &PgPool,
    story: StoryId,
    version: StoryVersion,
    recording: RecordingId,
    redaction: RedactionId,
    by: &Account,
) -> Result<String, ModerationError> {
    let mut tx = db.begin().await?;
    let status = lock_redactable(&mut tx, story, version, by.id).await?;
    lock_recording(&mut tx, story, recording).await?;
    let lifted = sqlx::query!(
        "delete from recording_redactions where id = $1 and recording_id = $2
         returning start_ms, end_ms",
        redaction.0,
        recording.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ModerationError::NotFound)?;
    let range = RedactedRange::new(
        u32::try_from(lifted.start_ms).unwrap_or(0),
        u32::try_from(lifted.end_ms).unwrap_or(u32::MAX),
    )
    .ok_or(ModerationError::NotFound)?;
    let change = Change {
        story,
        recording,
        range,
        status,
        by: by.id,
    };
    let replaced_key = change.record(&mut tx, Action::RedactionLifted).await?;
    tx.commit().await?;
    tracing::info!(story = %story, %recording, by = %by.id, "redaction lifted");
    Ok(replaced_key)
}

/// The story locked at the version the moderator saw, in a status that allows redactions.
async fn lock_redactable(
    tx: &mut PgConnection,
    story: StoryId,
    version: StoryVersion,
    me: AccountId,
) -> Result<StoryStatus, ModerationError> {
    let locked = lock_for_change(tx, story, Some(version), me).await?;
    if REDACTABLE.contains(&locked.status) {
        Ok(locked.status)
    } else {
        Err(ModerationError::NotAllowedNow)
    }
}

/// The story's recording locked, with what a new redaction is checked against. Its length is
/// known once its copy has been made; before that there is nothing to redact.
async fn lock_recording(
    tx: &mut PgConnection,
    story: StoryId,
    recording: RecordingId,
) -> Result<RedactionContext, ModerationError> {
    let row = sqlx::query!(
        r#"select r.duration_ms,
                  (select count(*) from recording_redactions d where d.recording_id = r.id) as "existing!"
           from recordings r where r.id = $1 and r.story_id = $2 for update of r"#,
        recording.0,
        story.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ModerationError::NotFound)?;
    let duration_ms = row
        .duration_ms
        .and_then(|ms| u32::try_from(ms).ok())
        .ok_or(ModerationError::NotAllowedNow)?;
    Ok(RedactionContext {
        duration_ms,
        existing: usize::try_from(row.existing).unwrap_or(usize::MAX),
    })
}

/// A redaction added or lifted, about to be committed.
struct Change {
    story: StoryId,
    recording: RecordingId,
    range: RedactedRange,
    status: StoryStatus,
    by: AccountId,
}

impl Change {
    /// Requeues the recording under a new key, bumps the story's version and records the
    /// audit entry. The entry names the recording and the range, never the reason: the log
    /// is kept after withdrawal, and a reason may name what was silenced.
    async fn record(&self, tx: &mut PgConnection, action: Action) -> Result<String, sqlx::Error> {
        let replaced_key = jobs::requeue(tx, self.recording).await?;
        sqlx::query!(
            "update stories set version = version + 1, updated_at = now() where id = $1",
            self.story.0
        )
        .execute(&mut *tx)
        .await?;
        let note = format!("recording {} {}", self.recording, self.range.shown());
        Entry::by_moderator(
            self.story,
            self.by,
            action,
            self.status,
            self.status,
            Some(&note),
        )
        .record(tx)
        .await?;
        Ok(replaced_key)
    }
}
