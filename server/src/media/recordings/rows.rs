//! A story's recordings in the database: inserted in the story's transaction (with their
//! jobs), removed by the contributor, a moderator or a withdrawal (their files queued for
//! deletion by a trigger, as photos' are), and read for pages. `RecordingState::Ready` is the
//! only state whose access copy is listed or served.

use crate::db::column;
use crate::media::audio::AudioFacts;
use crate::media::names::random_key;
use crate::media::store::StoredOriginal;
use app::domain::transcript::{Index, RecordingText};
use app::domain::{InterviewMarkers, RecordingDetails, RecordingId, StoryId};
use app::media::{RecordingStage, RecordingView};
use app::voice::interview::interview_prompt;
use sqlx::PgConnection;

/// Where a recording is in its processing (`recording_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "recording_state", rename_all = "snake_case")]
pub enum RecordingState {
    /// Queued or being made: it is listed, without a player.
    Processing,
    /// Its access copy is written and recorded: the only state in which it is played or served.
    Ready,
    /// Refused while decoding, or given up after `jobs::MAX_ATTEMPTS`; `failure` says why.
    Failed,
}

impl RecordingState {
    pub fn stage(self) -> RecordingStage {
        match self {
            RecordingState::Processing => RecordingStage::Processing,
            RecordingState::Ready => RecordingStage::Ready,
            RecordingState::Failed => RecordingStage::Failed,
        }
    }
}

/// A received recording whose details parsed, its original kept: ready for its row.
#[derive(Debug)]
pub struct KeptRecording {
    pub details: RecordingDetails,
    pub original: StoredOriginal,
    pub sha256: [u8; 32],
    pub size: u64,
    pub facts: AudioFacts,
}

/// Inserts the rows after the story's existing recordings; returns their ids, in order.
pub async fn insert_all(
    tx: &mut PgConnection,
    story: StoryId,
    recordings: &[KeptRecording],
) -> Result<Vec<RecordingId>, sqlx::Error> {
    let mut position = sqlx::query_scalar!(
        r#"select coalesce(max(position) + 1, 0)::smallint as "next!" from recordings where story_id = $1"#,
        story.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut ids = Vec::with_capacity(recordings.len());
    for recording in recordings {
        let facts = &recording.facts;
        let markers = Some(recording.details.markers.to_form_value()).filter(|m| !m.is_empty());
        let index = index_from_markers(&recording.details.markers);
        let id = sqlx::query_scalar!(
            r#"insert into recordings (story_id, position, summary, interviewer, markers, original_key,
                                     sha256, byte_size, container, codec, channels, sample_rate,
                                     declared_ms, public_key, index_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
               returning id as "id: RecordingId""#,
            story.0,
            position,
            recording.details.summary.as_deref(),
            recording.details.interviewer.as_deref(),
            markers,
            recording.original.key.as_str(),
            recording.sha256.as_slice(),
            column::bigint(recording.size)?,
            facts.container.name(),
            facts.codec.name(),
            column::int(facts.channels)?,
            column::int(facts.sample_rate)?,
            facts.declared_ms.map(column::bigint).transpose()?,
            random_key(),
            index,
        )
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
        position += 1;
    }
    Ok(ids)
}

/// Stores a recording's transcript (as WebVTT, what `/media/voice/{key}.vtt` serves and pages
/// parse), its index (in its editable form) and what search finds it by.
pub async fn set_transcript(
    tx: &mut PgConnection,
    id: RecordingId,
    text: &RecordingText,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update recordings set transcript = $2, index_text = $3, search_text = $4 where id = $1",
        id.0,
        text.vtt(),
        text.index_text(),
        text.search_text()
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Interview mode's "next question" marks as the recording's first index: one point per
/// question, titled with the question in the campaign's language (zh-CN, the site's default),
/// for the contributor and moderators to edit. Not searchable until edited: every interview
/// asks the same questions, so their titles would find them all.
fn index_from_markers(markers: &InterviewMarkers) -> Option<String> {
    if markers.as_slice().is_empty() {
        return None;
    }
    let title = |prompt| interview_prompt(app::locale::DEFAULT, prompt).to_owned();
    Some(Index::from_markers(markers.as_slice(), title).to_editable())
}

/// Removes the story's recordings among `ids`; returns their originals' keys (their files
/// are queued for deletion by a trigger: delete them after the commit, `deletions::now`).
pub async fn remove(
    tx: &mut PgConnection,
    story: StoryId,
    ids: &[RecordingId],
) -> Result<Vec<String>, sqlx::Error> {
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    sqlx::query_scalar!(
        "delete from recordings where story_id = $1 and id = any($2) returning original_key",
        story.0,
        &ids
    )
    .fetch_all(&mut *tx)
    .await
}

/// Removes every recording of a story (withdrawal); files as for `remove`.
pub async fn remove_all(tx: &mut PgConnection, story: StoryId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "delete from recordings where story_id = $1 returning original_key",
        story.0
    )
    .fetch_all(&mut *tx)
    .await
}

/// A recording with its row id, as the contributor's tracking page and moderators list it.
#[derive(Debug, Clone)]
pub struct StoredRecording {
    pub id: RecordingId,
    pub story: StoryId,
    pub state: RecordingState,
    pub failure: Option<String>,
    pub view: RecordingView,
}

/// Who is looking: the public hears a voice only with the narrator's consent; moderators
/// (and the archive) hear every recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    Public,
    Moderator,
}

/// The recordings of several stories, by story and position. Callers decide who may see the
/// stories; `listener` decides whether the voice and the interviewer's name are shown.
pub async fn of_stories(
    db: impl sqlx::PgExecutor<'_>,
    stories: &[StoryId],
    listener: Listener,
) -> Result<Vec<StoredRecording>, sqlx::Error> {
    let ids: Vec<i64> = stories.iter().map(|id| id.0).collect();
    let rows = sqlx::query!(
        r#"select r.id as "id: RecordingId", r.story_id as "story: StoryId",
                  r.state as "state: RecordingState", r.failure, r.summary, r.interviewer,
                  r.duration_ms, r.access_bytes, r.public_key, r.transcript, r.index_text,
                  s.voice_consent, s.interviewer_name_consent
           from recordings r join stories s on s.id = r.story_id
           where r.story_id = any($1)
           order by r.story_id, r.position"#,
        &ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let moderator = listener == Listener::Moderator;
            let audible = r.state == RecordingState::Ready && (moderator || r.voice_consent);
            let has_transcript = r.transcript.is_some();
            StoredRecording {
                id: r.id,
                story: r.story,
                state: r.state,
                failure: r.failure,
                view: RecordingView {
                    stage: r.state.stage(),
                    summary: r.summary,
                    interviewer: r
                        .interviewer
                        .filter(|_| moderator || r.interviewer_name_consent),
                    duration_ms: r.duration_ms.and_then(|ms| u32::try_from(ms).ok()),
                    audio_src: audible.then(|| access_url(&r.public_key)),
                    audio_bytes: r.access_bytes.and_then(|b| u64::try_from(b).ok()),
                    vtt_href: has_transcript.then(|| transcript_url(&r.public_key)),
                    transcript: r.transcript,
                    index_text: r.index_text,
                },
            }
        })
        .collect())
}

/// How many recordings a story has (limits count what it will have after an edit).
pub async fn count(db: impl sqlx::PgExecutor<'_>, story: StoryId) -> Result<usize, sqlx::Error> {
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from recordings where story_id = $1"#,
        story.0
    )
    .fetch_one(db)
    .await?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// The access copy's URL (`routes`): the random public key is its name.
pub fn access_url(public_key: &str) -> String {
    format!("/media/voice/{public_key}.mp3")
}

pub fn transcript_url(public_key: &str) -> String {
    format!("/media/voice/{public_key}.vtt")
}
