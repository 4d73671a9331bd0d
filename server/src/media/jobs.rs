//! The durable derivative queue. Jobs live in PostgreSQL (`photo_jobs`), so every instance's
//! workers share them: a worker takes the oldest due job with `FOR UPDATE SKIP LOCKED` and
//! holds a lease on it; a job whose worker died is taken again when the lease runs out. Only
//! the holder of the current lease can finish a job, so each completes exactly once. Making
//! derivatives is idempotent (same files, written atomically), so a retried job is harmless.
//!
//! A job reads its original from the store, has `derive` make the derivatives on the worker's
//! own thread, puts them in the store, then records them on the photo (`PhotoState::Ready`).

use super::derive::{self, DeriveError};
use super::format::SourceFormat;
use super::names::DerivativeName;
use super::photos::{DerivativeEntry, Derivatives, PhotoState};
use super::store::{MediaStore, StoreError};
use super::thread::PhotoThread;
use crate::db::column;
use crate::telemetry::{self, JobOutcome};
use app::domain::PhotoId;
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How long a worker may hold a job before another may take it.
pub const LEASE_SECONDS: i32 = 600;
/// After this many failed attempts the photo is marked failed and the job dropped.
pub const MAX_ATTEMPTS: i32 = 5;
/// How often idle workers look for jobs queued by other instances.
const POLL: Duration = Duration::from_secs(2);

/// A row of `photo_jobs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(transparent)]
pub struct JobId(i64);

/// One worker's hold on a job: only the holder of the current lease can finish it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(transparent)]
pub struct LeaseId(i64);

/// A leased job: make the derivatives of one photo.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub photo_id: PhotoId,
    pub lease_id: LeaseId,
    pub attempts: i32,
    pub original_key: String,
    pub public_key: String,
    pub source_format: String,
    /// A moderator's rotation, quarter turns clockwise.
    pub quarter_turns: u8,
}

/// Why a job failed; its text is kept as the job's `last_error` and the job is retried.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("unknown source format {0:?}")]
    UnknownFormat(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("making the derivatives: {0}")]
    Derive(#[from] DeriveError),
    #[error("making the derivatives panicked")]
    Panicked,
}

/// A photo's derivatives, made and in the store, to be recorded on its row.
#[derive(Debug, Clone)]
pub struct Made {
    pub derivatives: Derivatives,
    /// Dimensions of the largest derivative.
    pub width: u32,
    pub height: u32,
    pub placeholder: String,
}

/// Queues a job for each new photo, in the transaction that inserts them.
pub async fn enqueue(tx: &mut PgConnection, photos: &[PhotoId]) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = photos.iter().map(|id| id.0).collect();
    sqlx::query!(
        "insert into photo_jobs (photo_id) select * from unnest($1::bigint[])",
        &ids
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Queues the photo to be made again (after a moderator turned it): it is processing, so its
/// old derivatives are neither listed nor served until the new ones are ready.
pub async fn requeue(tx: &mut PgConnection, photo_id: PhotoId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update photos set state = $2 where id = $1",
        photo_id.0,
        PhotoState::Processing as _
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into photo_jobs (photo_id) values ($1)
         on conflict (photo_id) do update
         set attempts = 0, run_after = now(), locked_until = null, lease_id = null, last_error = null",
        photo_id.0
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Takes the oldest due job, if any, and leases it.
pub async fn claim(db: &PgPool) -> Result<Option<Job>, sqlx::Error> {
    let lease_id = LeaseId(rand::random());
    let row = sqlx::query!(
        r#"update photo_jobs j
         set locked_until = now() + make_interval(secs => $2), lease_id = $1, attempts = j.attempts + 1
         from photos p
         where j.id = (select id from photo_jobs
                       where run_after <= now() and (locked_until is null or locked_until < now())
                       order by run_after, id
                       for update skip locked
                       limit 1)
           and p.id = j.photo_id
         returning j.id as "id: JobId", j.photo_id as "photo_id: PhotoId", j.attempts,
                   p.original_key, p.public_key, p.source_format, p.quarter_turns"#,
        lease_id.0,
        f64::from(LEASE_SECONDS)
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Job {
        id: r.id,
        photo_id: r.photo_id,
        lease_id,
        attempts: r.attempts,
        original_key: r.original_key,
        public_key: r.public_key,
        source_format: r.source_format,
        quarter_turns: u8::try_from(r.quarter_turns.rem_euclid(4)).unwrap_or(0),
    }))
}

impl Job {
    /// Makes the photo's derivatives — on `thread` if given (the workers' own lower-priority
    /// thread), else on tokio's blocking pool — and puts them in the store.
    pub async fn make(
        &self,
        store: &MediaStore,
        thread: Option<&PhotoThread>,
    ) -> Result<Made, JobError> {
        let format = SourceFormat::from_name(&self.source_format)
            .ok_or_else(|| JobError::UnknownFormat(self.source_format.clone()))?;
        let original = store.original(&self.original_key).await?;
        let turns = self.quarter_turns;
        let work = move || derive::process_turned(original.path(), format, turns);
        let processed = match thread {
            Some(thread) => thread.run(work).await,
            None => tokio::task::spawn_blocking(work).await.ok(),
        }
        .ok_or(JobError::Panicked)??;
        let mut entries = Vec::with_capacity(processed.derivatives.len());
        let mut files = Vec::with_capacity(processed.derivatives.len());
        for d in processed.derivatives {
            let name = DerivativeName {
                width: d.width,
                format: d.format,
            };
            entries.push(DerivativeEntry {
                width: d.width,
                height: d.height,
                format: d.format,
            });
            files.push((name, d.bytes));
        }
        store.put_derivatives(&self.public_key, files).await?;
        Ok(Made {
            derivatives: Derivatives::new(entries),
            width: processed.width,
            height: processed.height,
            placeholder: processed.placeholder,
        })
    }

    /// Records the derivatives and removes the job, if this worker still holds its lease. A
    /// row that already lists exactly these (a restored photo made again) is left as it is.
    /// Returns false when the lease was lost (another worker took the job over).
    pub async fn complete(&self, db: &PgPool, made: &Made) -> Result<bool, sqlx::Error> {
        let mut tx = db.begin().await?;
        if !self.take_leased(&mut tx).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let (width, height) = (column::int(made.width)?, column::int(made.height)?);
        sqlx::query!(
            "update photos set state = $2, derivatives = $3, width = $4, height = $5, placeholder = $6,
                    processed_at = now()
             where id = $1
               and (state, derivatives, width, height, placeholder)
                   is distinct from ($2, $3, $4, $5, $6)",
            self.photo_id.0,
            PhotoState::Ready as _,
            &made.derivatives as _,
            width,
            height,
            made.placeholder
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Schedules a retry with exponential backoff, or gives up after `MAX_ATTEMPTS`.
    pub async fn fail(&self, db: &PgPool, error: &JobError) -> Result<(), sqlx::Error> {
        let mut tx = db.begin().await?;
        if self.attempts >= MAX_ATTEMPTS {
            if self.take_leased(&mut tx).await? {
                sqlx::query!(
                    "update photos set state = $2, processed_at = now() where id = $1",
                    self.photo_id.0,
                    PhotoState::Failed as _
                )
                .execute(&mut *tx)
                .await?;
            }
        } else {
            let backoff = 2f64.powi(self.attempts) * 5.0;
            sqlx::query!(
                "update photo_jobs set locked_until = null, lease_id = null, last_error = $3,
                        run_after = now() + make_interval(secs => $4)
                 where id = $1 and lease_id = $2",
                self.id.0,
                self.lease_id.0,
                error.to_string(),
                backoff
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Removes the job if this worker still holds its lease; false when the lease was lost.
    async fn take_leased(&self, tx: &mut PgConnection) -> Result<bool, sqlx::Error> {
        let removed = sqlx::query!(
            "delete from photo_jobs where id = $1 and lease_id = $2",
            self.id.0,
            self.lease_id.0
        )
        .execute(tx)
        .await?;
        Ok(removed.rows_affected() == 1)
    }
}

/// Takes and runs one job on tokio's blocking pool (for tests and tools; the workers use
/// their own lower-priority thread). Returns whether there was one.
pub async fn run_one(db: &PgPool, store: &MediaStore) -> Result<bool, sqlx::Error> {
    run_one_on(db, store, None).await
}

/// Takes and runs one job, making the photo on `thread` if given. Returns whether there was one.
async fn run_one_on(
    db: &PgPool,
    store: &MediaStore,
    thread: Option<&PhotoThread>,
) -> Result<bool, sqlx::Error> {
    let Some(job) = claim(db).await? else {
        return Ok(false);
    };
    let started = std::time::Instant::now();
    let outcome = match job.make(store, thread).await {
        Ok(made) => {
            if job.complete(db, &made).await? {
                tracing::info!(photo = %job.photo_id, "photo derivatives ready");
                JobOutcome::Done
            } else {
                tracing::warn!(photo = %job.photo_id, "lease lost; another worker finished");
                JobOutcome::LeaseLost
            }
        }
        Err(error) => {
            tracing::warn!(photo = %job.photo_id, attempt = job.attempts, %error, "photo processing failed");
            job.fail(db, &error).await?;
            JobOutcome::Failed
        }
    };
    telemetry::record_job("photo", outcome, started.elapsed());
    remove_if_photo_gone(db, store, &job).await?;
    Ok(true)
}

/// The photo may have been removed while it was being made: then nothing may keep the
/// derivatives just written (its queued deletion may already have run).
async fn remove_if_photo_gone(
    db: &PgPool,
    store: &MediaStore,
    job: &Job,
) -> Result<(), sqlx::Error> {
    let exists = sqlx::query_scalar!(
        r#"select exists(select 1 from photos where id = $1) as "exists!""#,
        job.photo_id.0
    )
    .fetch_one(db)
    .await?;
    if !exists && let Err(error) = store.delete_derivatives(&job.public_key).await {
        tracing::warn!(%error, photo = %job.photo_id, "removing a removed photo's derivatives failed");
    }
    Ok(())
}

/// Starts `count` workers (0: this instance only serves; others process), each making photos
/// (first) and recordings' access copies (`recordings::jobs`, in limited ffmpeg children), the
/// photos on its own thread at nice value `nice` (see `thread`). `wake` is notified
/// when this instance queues a job; other instances' jobs are found by polling. Between jobs
/// the workers also delete the files of removed photos that are still queued
/// (`deletions::run_due`), so those are gone within seconds even after a crash.
pub fn spawn_workers(
    db: PgPool,
    store: MediaStore,
    count: usize,
    nice: i32,
    wake: Arc<Notify>,
) -> std::io::Result<()> {
    for _ in 0..count {
        let (db, store, wake) = (db.clone(), store.clone(), wake.clone());
        let thread = PhotoThread::start(nice)?;
        tokio::spawn(async move {
            loop {
                if let Err(error) = super::deletions::run_due(&db, &store).await {
                    tracing::warn!(%error, "media deletion queue unavailable; retrying");
                }
                let next = match run_one_on(&db, &store, Some(&thread)).await {
                    Ok(false) => super::recordings::jobs::run_one(&db, &store).await,
                    photo => photo,
                };
                match next {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(error) => tracing::warn!(%error, "media queue unavailable; retrying"),
                }
                let _ = tokio::time::timeout(POLL, wake.notified()).await;
            }
        });
    }
    Ok(())
}
