//! The recordings' durable queue (`recording_jobs`), run by the same workers as photos and
//! with the same guarantees (see `media::jobs`): the oldest due job is taken with `FOR UPDATE
//! SKIP LOCKED` under a lease, only the lease holder can finish it, a dead worker's job is
//! taken again when its lease runs out. A job probes the original again, has
//! `audio::make_access_copy` write the public MP3 into the store and records its length, size,
//! hash and peaks, with the recording's redactions silenced. A refusal found while decoding
//! (too long, undecodable, too costly) is final: the recording is marked failed with the
//! reason, for moderators. A moderator's redaction `requeue`s the recording under a new key.

use super::rows::RecordingState;
use crate::db::column;
use crate::media::audio::{self, AccessCopy, AudioError, AudioRefusal, TimeRange};
use crate::media::deletions;
use crate::media::names::random_key;
use crate::media::store::{MediaStore, StoreError};
use crate::telemetry::{self, JobOutcome};
use app::domain::RecordingId;
use sqlx::{PgConnection, PgPool};

/// How long a worker may hold a job: both passes over a one-hour recording may take up to
/// `WALL_PER_CPU` times their CPU limits on a busy machine.
const LEASE_SECONDS: i32 = 1800;
/// After this many failed attempts (faults, not refusals) the recording is marked failed.
const MAX_ATTEMPTS: i32 = 5;

/// Queues a job for each new recording, in the transaction that inserts them.
pub async fn enqueue(tx: &mut PgConnection, ids: &[RecordingId]) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    sqlx::query!(
        "insert into recording_jobs (recording_id) select * from unnest($1::bigint[])",
        &ids
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Queues the recording to be made again (a moderator added or lifted a redaction) under a
/// new public key, in the moderator's transaction: the old copy's URL answers 404 from the
/// commit on, and what a browser or proxy cached under it can never be served under the new
/// one. The recording is processing until its new copy is ready; a job already running loses
/// its lease, so its copy is never recorded. The old folder is queued for deletion; returns its
/// key, to delete it after the commit (`deletions::derivatives_now`).
pub async fn requeue(tx: &mut PgConnection, recording: RecordingId) -> Result<String, sqlx::Error> {
    let old_key = sqlx::query_scalar!(
        "select public_key from recordings where id = $1 for update",
        recording.0
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update recordings set public_key = $2, state = $3, failure = null where id = $1",
        recording.0,
        random_key(),
        RecordingState::Processing as _
    )
    .execute(&mut *tx)
    .await?;
    deletions::queue_derivatives(tx, &old_key).await?;
    sqlx::query!(
        "insert into recording_jobs (recording_id) values ($1)
         on conflict (recording_id) do update
         set attempts = 0, run_after = now(), locked_until = null, lease_id = null, last_error = null",
        recording.0
    )
    .execute(tx)
    .await?;
    Ok(old_key)
}

/// Why a job failed for a reason that is not the file's; it is retried.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Audio(#[from] AudioError),
}

/// A leased job: make the access copy of one recording.
#[derive(Debug, Clone)]
struct Job {
    id: i64,
    recording: RecordingId,
    lease_id: i64,
    attempts: i32,
    original_key: String,
    public_key: String,
    /// The ranges to silence, as stored when the job was claimed (a later change requeues).
    redactions: Vec<TimeRange>,
}

/// Takes and runs one job. Returns whether there was one.
pub async fn run_one(db: &PgPool, store: &MediaStore) -> Result<bool, sqlx::Error> {
    let Some(job) = claim(db).await? else {
        return Ok(false);
    };
    let started = std::time::Instant::now();
    let outcome = match job.make(store).await {
        Ok(Ok(copy)) => {
            if job.complete(db, &copy).await? {
                tracing::info!(recording = %job.recording, ms = copy.duration_ms, "recording ready");
                JobOutcome::Done
            } else {
                tracing::warn!(recording = %job.recording, "lease lost; another worker finished");
                JobOutcome::LeaseLost
            }
        }
        Ok(Err(refusal)) => {
            tracing::info!(recording = %job.recording, %refusal, "recording refused while decoding");
            job.refuse(db, refusal).await?;
            JobOutcome::Refused
        }
        Err(error) => {
            tracing::warn!(recording = %job.recording, attempt = job.attempts, %error, "recording processing failed");
            job.fail(db, &error).await?;
            JobOutcome::Failed
        }
    };
    telemetry::record_job("recording", outcome, started.elapsed());
    remove_if_stale(db, store, &job).await?;
    Ok(true)
}

async fn claim(db: &PgPool) -> Result<Option<Job>, sqlx::Error> {
    let lease_id: i64 = rand::random();
    let row = sqlx::query!(
        r#"update recording_jobs j
           set locked_until = now() + make_interval(secs => $2), lease_id = $1, attempts = j.attempts + 1
           from recordings r
           where j.id = (select id from recording_jobs
                         where run_after <= now() and (locked_until is null or locked_until < now())
                         order by run_after, id
                         for update skip locked
                         limit 1)
             and r.id = j.recording_id
           returning j.id, j.recording_id as "recording: RecordingId", j.attempts, r.original_key, r.public_key"#,
        lease_id,
        f64::from(LEASE_SECONDS)
    )
    .fetch_optional(db)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    Ok(Some(Job {
        id: r.id,
        redactions: redactions(db, r.recording).await?,
        recording: r.recording,
        lease_id,
        attempts: r.attempts,
        original_key: r.original_key,
        public_key: r.public_key,
    }))
}

/// The recording's redactions, in order (their rows' checks keep each range non-empty).
async fn redactions(db: &PgPool, recording: RecordingId) -> Result<Vec<TimeRange>, sqlx::Error> {
    let rows = sqlx::query!(
        "select start_ms, end_ms from recording_redactions where recording_id = $1
         order by start_ms, id",
        recording.0
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            TimeRange::new(
                u64::try_from(r.start_ms).ok()?,
                u64::try_from(r.end_ms).ok()?,
            )
        })
        .collect())
}

impl Job {
    async fn make(&self, store: &MediaStore) -> Result<Result<AccessCopy, AudioRefusal>, JobError> {
        let original = store.original(&self.original_key).await?;
        let facts = match audio::probe(original.path()).await? {
            Ok(facts) => facts,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let target = store.voice_target(&self.public_key).await?;
        let made =
            audio::make_access_copy(original.path(), &facts, target.path(), &self.redactions)
                .await?;
        if made.is_ok() {
            store.keep_voice(target).await?;
        }
        Ok(made)
    }

    /// Records the access copy; a row that already says exactly this (a restored recording
    /// made again) is left as it is.
    async fn complete(&self, db: &PgPool, copy: &AccessCopy) -> Result<bool, sqlx::Error> {
        let mut tx = db.begin().await?;
        if !self.take_leased(&mut tx).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query!(
            "update recordings set state = $2, duration_ms = $3, access_bytes = $4, access_sha256 = $5,
                    peaks = $6, failure = null, processed_at = now()
             where id = $1
               and (failure is not null
                    or (state, duration_ms, access_bytes, access_sha256, peaks)
                       is distinct from ($2, $3, $4, $5, $6))",
            self.recording.0,
            RecordingState::Ready as _,
            column::bigint(copy.duration_ms)?,
            column::bigint(copy.bytes)?,
            copy.sha256.as_slice(),
            copy.peaks.as_slice()
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The file was refused while decoding: final, no retry.
    async fn refuse(&self, db: &PgPool, refusal: AudioRefusal) -> Result<(), sqlx::Error> {
        self.give_up(db, &refusal.to_string()).await
    }

    /// Schedules a retry with exponential backoff, or gives up after `MAX_ATTEMPTS`.
    async fn fail(&self, db: &PgPool, error: &JobError) -> Result<(), sqlx::Error> {
        if self.attempts >= MAX_ATTEMPTS {
            return self.give_up(db, &error.to_string()).await;
        }
        let backoff = 2f64.powi(self.attempts) * 5.0;
        sqlx::query!(
            "update recording_jobs set locked_until = null, lease_id = null, last_error = $3,
                    run_after = now() + make_interval(secs => $4)
             where id = $1 and lease_id = $2",
            self.id,
            self.lease_id,
            error.to_string(),
            backoff
        )
        .execute(db)
        .await?;
        Ok(())
    }

    async fn give_up(&self, db: &PgPool, why: &str) -> Result<(), sqlx::Error> {
        let mut tx = db.begin().await?;
        if self.take_leased(&mut tx).await? {
            sqlx::query!(
                "update recordings set state = $2, failure = $3, processed_at = now() where id = $1",
                self.recording.0,
                RecordingState::Failed as _,
                why
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    async fn take_leased(&self, tx: &mut PgConnection) -> Result<bool, sqlx::Error> {
        let removed = sqlx::query!(
            "delete from recording_jobs where id = $1 and lease_id = $2",
            self.id,
            self.lease_id
        )
        .execute(tx)
        .await?;
        Ok(removed.rows_affected() == 1)
    }
}

/// The recording may have been removed, or given a new key by a redaction, while its copy was
/// made: then nothing may keep the copy under the old key.
async fn remove_if_stale(db: &PgPool, store: &MediaStore, job: &Job) -> Result<(), sqlx::Error> {
    let current = sqlx::query_scalar!(
        r#"select exists(select 1 from recordings where id = $1 and public_key = $2) as "current!""#,
        job.recording.0,
        job.public_key
    )
    .fetch_one(db)
    .await?;
    if !current && let Err(error) = store.delete_derivatives(&job.public_key).await {
        tracing::warn!(%error, recording = %job.recording, "removing a stale copy failed");
    }
    Ok(())
}
