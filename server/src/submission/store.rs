//! Storing, reading, editing and withdrawing stories. Every change happens in one transaction
//! together with its consent records, revision and audit entry: a story is never half-written.

use super::error::SubmissionError;
use super::tokens::{
    ClientBinding, SubmitterSecret, TrackingToken, fingerprint, idempotency_key_hash,
};
use crate::audit::{Action, Entry};
use crate::media::deletions::RemovedPhotos;
use crate::media::photos::{self, KeptPhoto};
use crate::media::recordings::{self, rows::KeptRecording};
use crate::revisions::{draft_from_row, save_version};
use crate::web::client_ip::ip_hash;
use app::domain::transcript::RecordingText;
use app::domain::{
    CONSENT_TEXT_VERSION, ConsentKind, IdempotencyKey, Licence, NewStory, PhotoId, RecordingId,
    StoryDraft, StoryId, StoryStatus,
};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::net::IpAddr;
use time::OffsetDateTime;

/// How long a repeated submit with the same key answers with the first story.
pub const IDEMPOTENCY_HOURS: i32 = 24;

pub enum Submitted {
    Created(TrackingToken),
    /// The same client sent the same key and content before: nothing new was stored.
    Repeated(TrackingToken),
}

/// Who is submitting: their address (rate limit) and the submitter cookie they sent, if any.
/// A repeat is answered with the first story's tracking link only when it comes from the same
/// client (see `ClientBinding`).
pub struct Submitter<'a> {
    pub ip: IpAddr,
    pub secret: Option<&'a SubmitterSecret>,
}

pub async fn submit(
    db: &PgPool,
    story: &NewStory,
    key: Option<&IdempotencyKey>,
    submitter: &Submitter<'_>,
    per_hour: u32,
    media: KeptMedia,
) -> Result<Submitted, SubmissionError> {
    let print = fingerprint(story);
    let candidates = ClientBinding::candidates(submitter.secret, submitter.ip);
    if let Some(key) = key
        && let Some(token) = find_repeat(db, key, &print, &candidates).await?
    {
        return Ok(Submitted::Repeated(token));
    }
    let mut tx = db.begin().await?;
    let ip = ip_hash(submitter.ip);
    check_rate(&mut tx, &ip, per_hour).await?;
    let token = TrackingToken::generate();
    let id = insert_story(&mut tx, story).await?;
    insert_media(&mut tx, id, &media).await?;
    sqlx::query!(
        "insert into story_tracking_tokens (token_hash, story_id) values ($1, $2)",
        token.hash(),
        id.0
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into story_submission_events (ip_hash) values ($1)",
        ip
    )
    .execute(&mut *tx)
    .await?;
    let client = ClientBinding::of(submitter.secret, submitter.ip);
    if let Some(key) = key
        && !remember_key(&mut tx, key, &print, id, &token, &client).await?
    {
        // Another request with the same key committed first: answer with its story.
        tx.rollback().await?;
        return find_repeat(db, key, &print, &candidates)
            .await?
            .map(Submitted::Repeated)
            .ok_or(SubmissionError::IdempotencyConflict);
    }
    commit_keeping(tx, media).await?;
    tracing::info!(story = %id, "story submitted");
    Ok(Submitted::Created(token))
}

/// The photos and recordings a change adds, their originals kept, waiting for their rows.
/// Dropped without `commit_keeping`, their originals are removed again.
#[derive(Debug, Default)]
pub struct KeptMedia {
    pub photos: Vec<KeptPhoto>,
    pub recordings: Vec<KeptRecording>,
}

impl KeptMedia {
    /// How many jobs their rows queue.
    pub fn jobs(&self) -> usize {
        self.photos.len() + self.recordings.len()
    }
}

/// What a change removes: photos and recordings of the story, by id (others are ignored).
#[derive(Debug, Default)]
pub struct Removals {
    pub photos: Vec<PhotoId>,
    pub recordings: Vec<RecordingId>,
}

/// Inserts the rows of new photos and recordings with their jobs.
pub(crate) async fn insert_media(
    tx: &mut PgConnection,
    id: StoryId,
    media: &KeptMedia,
) -> Result<(), sqlx::Error> {
    let added = photos::insert_all(tx, id, &media.photos).await?;
    crate::media::jobs::enqueue(tx, &added).await?;
    let added = recordings::rows::insert_all(tx, id, &media.recordings).await?;
    recordings::jobs::enqueue(tx, &added).await
}

/// Removes photos and recordings; their files are queued for deletion by triggers.
async fn remove_media(
    tx: &mut PgConnection,
    id: StoryId,
    removals: &Removals,
) -> Result<RemovedPhotos, sqlx::Error> {
    let mut removed = photos::remove(tx, id, &removals.photos).await?;
    removed
        .0
        .extend(recordings::rows::remove(tx, id, &removals.recordings).await?);
    Ok(removed)
}

/// Commits, keeping the originals of the new photos and recordings whatever COMMIT answers:
/// when the connection is lost during it (PostgreSQL shutting down, say), the rows may be
/// durable all the same, and a row must never name a deleted file. Files whose rows did not
/// commit are left to the sweep.
pub(crate) async fn commit_keeping(
    tx: Transaction<'_, Postgres>,
    media: KeptMedia,
) -> Result<(), SubmissionError> {
    for photo in media.photos {
        photo.original.committed();
    }
    for recording in media.recordings {
        recording.original.committed();
    }
    tx.commit().await?;
    Ok(())
}

/// The first story's token when this is a repeat by the same client; `AlreadyReceived` when
/// the same key and content come from another client (knowing a key and a story's content
/// must not yield its tracking link); `IdempotencyConflict` for the same key with other content.
async fn find_repeat(
    db: &PgPool,
    key: &IdempotencyKey,
    print: &[u8],
    candidates: &[ClientBinding],
) -> Result<Option<TrackingToken>, SubmissionError> {
    let row = sqlx::query!(
        "select fingerprint, sealed_token, client_binding from story_idempotency_keys
         where key_hash = $1 and created_at > now() - make_interval(hours => $2)",
        idempotency_key_hash(key),
        IDEMPOTENCY_HOURS
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.fingerprint != print {
        return Err(SubmissionError::IdempotencyConflict);
    }
    let same_client = candidates
        .iter()
        .find(|c| row.client_binding.as_deref() == Some(c.hash().as_slice()));
    match same_client {
        Some(client) => Ok(TrackingToken::unseal(&row.sealed_token, key, print, client)),
        None => Err(SubmissionError::AlreadyReceived),
    }
}

/// Returns false when the key was taken meanwhile by a concurrent request.
async fn remember_key(
    tx: &mut Transaction<'_, Postgres>,
    key: &IdempotencyKey,
    print: &[u8],
    id: StoryId,
    token: &TrackingToken,
    client: &ClientBinding,
) -> Result<bool, SubmissionError> {
    let key_hash = idempotency_key_hash(key);
    // An expired entry for the same key no longer protects anything.
    sqlx::query!(
        "delete from story_idempotency_keys where key_hash = $1 and created_at <= now() - make_interval(hours => $2)",
        key_hash,
        IDEMPOTENCY_HOURS
    )
    .execute(&mut **tx)
    .await?;
    let inserted = sqlx::query!(
        "insert into story_idempotency_keys (key_hash, fingerprint, story_id, sealed_token, client_binding)
         values ($1, $2, $3, $4, $5) on conflict (key_hash) do nothing",
        key_hash,
        print,
        id.0,
        token.seal(key, print, client),
        client.hash()
    )
    .execute(&mut **tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Serialises submissions from one address (advisory lock) and counts the accepted ones of the
/// last hour. Refused attempts are never counted.
async fn check_rate(
    tx: &mut Transaction<'_, Postgres>,
    ip: &[u8],
    per_hour: u32,
) -> Result<(), SubmissionError> {
    sqlx::query!(
        "select pg_advisory_xact_lock(('x' || substr(encode($1, 'hex'), 1, 16))::bit(64)::bigint)",
        ip
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "delete from story_submission_events where ip_hash = $1 and submitted_at <= now() - interval '1 hour'",
        ip
    )
    .execute(&mut **tx)
    .await?;
    let window = sqlx::query!(
        r#"select count(*) as "count!", extract(epoch from min(submitted_at) + interval '1 hour' - now())::bigint as retry_after
           from story_submission_events where ip_hash = $1"#,
        ip
    )
    .fetch_one(&mut **tx)
    .await?;
    if window.count >= i64::from(per_hour) {
        let retry_after_secs = window
            .retry_after
            .unwrap_or(3600)
            .clamp(1, 3600)
            .unsigned_abs();
        return Err(SubmissionError::RateLimited {
            limit: per_hour,
            retry_after_secs,
        });
    }
    Ok(())
}

pub(crate) async fn insert_story(
    tx: &mut Transaction<'_, Postgres>,
    story: &NewStory,
) -> Result<StoryId, SubmissionError> {
    let (id, _) = save_version(tx, None, story, None).await?;
    save_contributor(tx, id, story).await?;
    let assisted = story.assisted_by.is_some();
    record_consent(tx, id, ConsentKind::Publish, true, assisted).await?;
    record_consent(
        tx,
        id,
        ConsentKind::ShowName,
        story.consents.show_name,
        assisted,
    )
    .await?;
    record_consent(tx, id, ConsentKind::Faces, story.consents.faces, assisted).await?;
    record_consent(tx, id, ConsentKind::Voice, story.consents.voice, assisted).await?;
    record_consent(
        tx,
        id,
        ConsentKind::InterviewerName,
        story.consents.interviewer_name,
        assisted,
    )
    .await?;
    Entry::by_contributor(id, Action::Submitted, None, StoryStatus::Pending)
        .record(tx)
        .await?;
    Ok(id)
}

async fn save_contributor(
    tx: &mut PgConnection,
    id: StoryId,
    story: &NewStory,
) -> Result<(), SubmissionError> {
    sqlx::query!(
        "insert into story_contributors (story_id, real_name, contact, assisted_by) values ($1, $2, $3, $4)
         on conflict (story_id) do update
         set real_name = excluded.real_name, contact = excluded.contact, assisted_by = excluded.assisted_by",
        id.0,
        story.real_name.as_ref().map(|n| n.as_str()),
        story.contact.as_ref().map(|c| c.as_str()),
        story.assisted_by.as_ref().map(|a| a.as_str()),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn record_consent(
    tx: &mut PgConnection,
    id: StoryId,
    kind: ConsentKind,
    granted: bool,
    assisted: bool,
) -> Result<(), SubmissionError> {
    sqlx::query!(
        "insert into story_consents (story_id, kind, granted, text_version, attested_by_assistant)
         values ($1, $2, $3, $4, $5)",
        id.0,
        kind as _,
        granted,
        CONSENT_TEXT_VERSION,
        assisted
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A story as its contributor sees it through the tracking link.
pub struct OwnStory {
    pub id: StoryId,
    pub status: StoryStatus,
    pub submitted_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// `None` once withdrawn (the content was erased).
    pub draft: Option<StoryDraft>,
    /// Why it was rejected or unpublished, or what to change.
    pub moderator_message: Option<String>,
}

pub async fn find_by_token(
    db: &PgPool,
    token: &TrackingToken,
) -> Result<Option<OwnStory>, SubmissionError> {
    let row = sqlx::query!(
        r#"select s.id, s.status as "status: StoryStatus", s.submitted_at, s.updated_at,
                  s.title, s.body, s.place, s.narrator_name, s.role,
                  s.year_then, s.year_then_approx, s.year_now, s.show_name, s.faces_consent,
                  s.voice_consent, s.interviewer_name_consent,
                  s.licence as "licence: Licence", s.moderator_message,
                  array(select t.theme::text from story_themes t where t.story_id = s.id order by t.theme) as "themes!",
                  c.real_name as "real_name?", c.contact as "contact?", c.assisted_by as "assisted_by?"
           from story_tracking_tokens k
           join stories s on s.id = k.story_id
           left join story_contributors c on c.story_id = s.id
           where k.token_hash = $1"#,
        token.hash()
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let draft = (r.status != StoryStatus::Withdrawn).then(|| draft_from_row!(r));
        OwnStory {
            id: StoryId(r.id),
            status: r.status,
            submitted_at: r.submitted_at,
            updated_at: r.updated_at,
            draft,
            moderator_message: r.moderator_message,
        }
    }))
}

struct Locked {
    id: StoryId,
    status: StoryStatus,
    show_name: bool,
    faces_consent: bool,
    voice_consent: bool,
    interviewer_name_consent: bool,
}

async fn lock_by_token(
    tx: &mut Transaction<'_, Postgres>,
    token: &TrackingToken,
) -> Result<Locked, SubmissionError> {
    let row = sqlx::query!(
        r#"select s.id, s.status as "status: StoryStatus", s.show_name, s.faces_consent,
                  s.voice_consent, s.interviewer_name_consent
           from story_tracking_tokens k join stories s on s.id = k.story_id
           where k.token_hash = $1 for update of s"#,
        token.hash()
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(SubmissionError::NotFound)?;
    Ok(Locked {
        id: StoryId(row.id),
        status: row.status,
        show_name: row.show_name,
        faces_consent: row.faces_consent,
        voice_consent: row.voice_consent,
        interviewer_name_consent: row.interviewer_name_consent,
    })
}

/// The story behind the link, locked, if the contributor may still edit it.
async fn lock_editable(
    tx: &mut Transaction<'_, Postgres>,
    token: &TrackingToken,
) -> Result<Locked, SubmissionError> {
    let current = lock_by_token(tx, token).await?;
    if current.status.editable_by_contributor() {
        Ok(current)
    } else {
        Err(SubmissionError::NotEditable)
    }
}

/// The audit entry of a contributor's edit: the story goes (back) to pending.
async fn record_edited(tx: &mut PgConnection, current: &Locked) -> Result<(), sqlx::Error> {
    Entry::by_contributor(
        current.id,
        Action::Edited,
        Some(current.status),
        StoryStatus::Pending,
    )
    .record(tx)
    .await
}

/// The contributor's edit. Allowed while pending or changes-requested; either way the story
/// goes (back) to pending and its version is bumped, so a moderator acting on the old version
/// is stopped. Returns the removed photos, whose files the caller deletes (`deletions::now`).
pub async fn edit(
    db: &PgPool,
    token: &TrackingToken,
    story: &NewStory,
    removals: &Removals,
    added: KeptMedia,
) -> Result<RemovedPhotos, SubmissionError> {
    let mut tx = db.begin().await?;
    let current = lock_editable(&mut tx, token).await?;
    save_version(&mut tx, Some(current.id), story, None).await?;
    save_contributor(&mut tx, current.id, story).await?;
    let removed = remove_media(&mut tx, current.id, removals).await?;
    insert_media(&mut tx, current.id, &added).await?;
    let assisted = story.assisted_by.is_some();
    let choices = [
        (
            ConsentKind::ShowName,
            current.show_name,
            story.consents.show_name,
        ),
        (
            ConsentKind::Faces,
            current.faces_consent,
            story.consents.faces,
        ),
        (
            ConsentKind::Voice,
            current.voice_consent,
            story.consents.voice,
        ),
        (
            ConsentKind::InterviewerName,
            current.interviewer_name_consent,
            story.consents.interviewer_name,
        ),
    ];
    for (kind, before, now) in choices {
        if before != now {
            record_consent(&mut tx, current.id, kind, now, assisted).await?;
        }
    }
    record_edited(&mut tx, &current).await?;
    commit_keeping(tx, added).await?;
    Ok(removed)
}

/// The contributor's transcript and index of one of their story's ready recordings, while the
/// story may be edited: saved with their revision, and like any edit the story goes (back) to
/// pending with its version bumped.
pub async fn edit_recording_text(
    db: &PgPool,
    token: &TrackingToken,
    recording: RecordingId,
    text: &RecordingText,
) -> Result<(), SubmissionError> {
    let mut tx = db.begin().await?;
    let current = lock_editable(&mut tx, token).await?;
    if !recordings::text::save(&mut tx, current.id, recording, text, None).await? {
        return Err(SubmissionError::NotFound);
    }
    sqlx::query!(
        "update stories set status = $2, version = version + 1, updated_at = now(), moderator_message = null
         where id = $1",
        current.id.0,
        StoryStatus::Pending as _
    )
    .execute(&mut *tx)
    .await?;
    record_edited(&mut tx, &current).await?;
    tx.commit().await?;
    Ok(())
}

/// Withdrawal: the story leaves every public place at once, and its content and the
/// contributor's details are erased. What remains is the status (so the tracking page can say
/// so), the years and licence, the consent history and an audit entry without personal data.
/// Returns the removed photos, whose files the caller deletes at once (`deletions::now`).
pub async fn withdraw(
    db: &PgPool,
    token: &TrackingToken,
) -> Result<RemovedPhotos, SubmissionError> {
    let mut tx = db.begin().await?;
    let current = lock_by_token(&mut tx, token).await?;
    if current.status == StoryStatus::Withdrawn {
        return Ok(RemovedPhotos::default());
    }
    let id = current.id.0;
    sqlx::query!(
        "update stories set status = $2, title = null, body = null, place = null, narrator_name = null,
                role = null, version = version + 1, published_at = null, withdrawn_at = now(), updated_at = now()
         where id = $1",
        id,
        StoryStatus::Withdrawn as _
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("delete from story_contributors where story_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from story_revisions where story_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from story_themes where story_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from story_idempotency_keys where story_id = $1", id)
        .execute(&mut *tx)
        .await?;
    let mut removed = photos::remove_all(&mut tx, current.id).await?;
    removed
        .0
        .extend(recordings::rows::remove_all(&mut tx, current.id).await?);
    record_consent(&mut tx, current.id, ConsentKind::Publish, false, false).await?;
    Entry::by_contributor(
        current.id,
        Action::Withdrawn,
        Some(current.status),
        StoryStatus::Withdrawn,
    )
    .record(&mut tx)
    .await?;
    tx.commit().await?;
    tracing::info!(story = id, "story withdrawn");
    Ok(removed)
}
