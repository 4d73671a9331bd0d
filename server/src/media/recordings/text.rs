//! A recording's transcript and index as its contributor (while the story may be edited) or a
//! moderator (while it is pending) saves them: both columns, the plain text its story is
//! searched by (`stories.transcript_text`, kept by a trigger), and a revision naming who wrote
//! them. The callers lock the story and check that its status allows the edit.

use app::domain::transcript::RecordingText;
use app::domain::{AccountId, RecordingId, RevisionAuthor, StoryId};
use sqlx::PgConnection;

/// The length of the story's recording when it is ready: what its transcript and index are
/// read against. `None` when the story has no such recording or it is not ready.
pub async fn ready_length(
    db: impl sqlx::PgExecutor<'_>,
    story: StoryId,
    recording: RecordingId,
) -> Result<Option<u32>, sqlx::Error> {
    let length = sqlx::query_scalar!(
        "select duration_ms from recordings where id = $1 and story_id = $2 and state = 'ready'",
        recording.0,
        story.0
    )
    .fetch_optional(db)
    .await?
    .flatten();
    Ok(length.and_then(|ms| u32::try_from(ms).ok()))
}

/// Saves both texts (either may be none) and their revision; `moderator` when a moderator wrote
/// them. Returns whether the story has that recording, ready.
pub async fn save(
    tx: &mut PgConnection,
    story: StoryId,
    recording: RecordingId,
    text: &RecordingText,
    moderator: Option<AccountId>,
) -> Result<bool, sqlx::Error> {
    let (transcript, index) = (text.vtt(), text.index_text());
    let saved = sqlx::query!(
        "update recordings set transcript = $3, index_text = $4, search_text = $5
         where id = $1 and story_id = $2 and state = 'ready'",
        recording.0,
        story.0,
        transcript,
        index,
        text.search_text()
    )
    .execute(&mut *tx)
    .await?;
    if saved.rows_affected() != 1 {
        return Ok(false);
    }
    let author = if moderator.is_some() {
        RevisionAuthor::Moderator
    } else {
        RevisionAuthor::Contributor
    };
    sqlx::query!(
        "insert into recording_text_revisions (recording_id, author, moderator_id, transcript, index_text)
         values ($1, $2, $3, $4, $5)",
        recording.0,
        author as _,
        moderator.map(|m| m.0),
        transcript,
        index
    )
    .execute(&mut *tx)
    .await?;
    Ok(true)
}
