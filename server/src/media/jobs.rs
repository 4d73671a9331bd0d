//! The durable derivative queue. Jobs live in PostgreSQL (`photo_jobs`), so every instance's
//! workers share them: a worker takes the oldest due job with `FOR UPDATE SKIP LOCKED` and
//! holds a lease on it; a job whose worker died is taken again when the lease runs out. Only
//! the holder of the current lease can finish a job, so each completes exactly once. Making
//! derivatives is idempotent (same files, written atomically), so a retried job is harmless.

use super::derive::{self, Processed};
use super::files::MediaFiles;
use super::format::SourceFormat;
use super::photos::{DerivativeEntry, Derivatives, PhotoState};
use super::thread::PhotoThread;
use crate::db::column;
use app::domain::PhotoId;
use sqlx::PgPool;
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

/// Records the derivatives and removes the job, if this worker still holds its lease.
/// Returns false when the lease was lost (another worker took the job over).
pub async fn complete(
    db: &PgPool,
    job: &Job,
    entries: &[DerivativeEntry],
    processed: &Processed,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    if !take_leased(&mut tx, job).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    let derivatives = Derivatives::new(entries.to_vec());
    let (width, height) = (
        column::int(processed.width)?,
        column::int(processed.height)?,
    );
    sqlx::query!(
        "update photos set state = $2, derivatives = $3, width = $4, height = $5, placeholder = $6,
                processed_at = now()
         where id = $1",
        job.photo_id.0,
        PhotoState::Ready as _,
        derivatives as _,
        width,
        height,
        processed.placeholder
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Removes the job if this worker still holds its lease; false when the lease was lost.
async fn take_leased(tx: &mut sqlx::PgConnection, job: &Job) -> Result<bool, sqlx::Error> {
    let removed = sqlx::query!(
        "delete from photo_jobs where id = $1 and lease_id = $2",
        job.id.0,
        job.lease_id.0
    )
    .execute(tx)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// Schedules a retry with exponential backoff, or gives up after `MAX_ATTEMPTS`.
pub async fn fail(db: &PgPool, job: &Job, error: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    if job.attempts >= MAX_ATTEMPTS {
        if take_leased(&mut tx, job).await? {
            sqlx::query!(
                "update photos set state = $2, processed_at = now() where id = $1",
                job.photo_id.0,
                PhotoState::Failed as _
            )
            .execute(&mut *tx)
            .await?;
        }
    } else {
        let backoff = 2f64.powi(job.attempts) * 5.0;
        sqlx::query!(
            "update photo_jobs set locked_until = null, lease_id = null, last_error = $3,
                    run_after = now() + make_interval(secs => $4)
             where id = $1 and lease_id = $2",
            job.id.0,
            job.lease_id.0,
            error,
            backoff
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// Makes and stores the derivatives of one photo (blocking: run it off the async runtime).
pub fn make_derivatives(
    files: &MediaFiles,
    job: &Job,
) -> Result<(Vec<DerivativeEntry>, Processed), String> {
    let format = SourceFormat::from_name(&job.source_format)
        .ok_or_else(|| format!("unknown source format {}", job.source_format))?;
    let original = files.original_path(&job.original_key);
    let processed =
        derive::process_turned(&original, format, job.quarter_turns).map_err(|e| e.to_string())?;
    let mut entries = Vec::with_capacity(processed.derivatives.len());
    for d in &processed.derivatives {
        files
            .write_derivative(&job.public_key, d.width, d.format, &d.bytes)
            .map_err(|e| format!("writing a derivative: {e}"))?;
        entries.push(DerivativeEntry {
            width: d.width,
            height: d.height,
            format: d.format,
        });
    }
    let keep: Vec<_> = entries.iter().map(DerivativeEntry::name).collect();
    files
        .remove_other_derivatives(&job.public_key, &keep)
        .map_err(|e| format!("removing old derivatives: {e}"))?;
    Ok((entries, processed))
}

/// Queues the photo to be made again (after a moderator turned it): it is processing, so its
/// old derivatives are neither listed nor served until the new ones are ready.
pub async fn requeue(tx: &mut sqlx::PgConnection, photo_id: PhotoId) -> Result<(), sqlx::Error> {
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

/// Takes and runs one job on tokio's blocking pool (for tests and tools; the workers use
/// their own lower-priority thread). Returns whether there was one.
pub async fn run_one(db: &PgPool, files: &MediaFiles) -> Result<bool, sqlx::Error> {
    run_one_on(db, files, None).await
}

/// Takes and runs one job, making the photo on `thread` if given. Returns whether there was one.
async fn run_one_on(
    db: &PgPool,
    files: &MediaFiles,
    thread: Option<&PhotoThread>,
) -> Result<bool, sqlx::Error> {
    let Some(job) = claim(db).await? else {
        return Ok(false);
    };
    let (files, leased) = (files.clone(), job.clone());
    let written = files.clone();
    let work = move || make_derivatives(&files, &leased);
    let outcome = match thread {
        Some(thread) => thread.run(work).await,
        None => tokio::task::spawn_blocking(work).await.ok(),
    }
    .unwrap_or_else(|| Err("processing panicked".to_owned()));
    match outcome {
        Ok((entries, processed)) => {
            if complete(db, &job, &entries, &processed).await? {
                tracing::info!(photo = %job.photo_id, "photo derivatives ready");
            } else {
                tracing::warn!(photo = %job.photo_id, "lease lost; another worker finished");
            }
        }
        Err(error) => {
            tracing::warn!(photo = %job.photo_id, attempt = job.attempts, %error, "photo processing failed");
            fail(db, &job, &error).await?;
        }
    }
    remove_if_photo_gone(db, &written, &job).await?;
    Ok(true)
}

/// The photo may have been removed while it was being made: then nothing may keep the
/// derivatives just written (its queued deletion may already have run).
async fn remove_if_photo_gone(
    db: &PgPool,
    files: &MediaFiles,
    job: &Job,
) -> Result<(), sqlx::Error> {
    let exists = sqlx::query_scalar!(
        r#"select exists(select 1 from photos where id = $1) as "exists!""#,
        job.photo_id.0
    )
    .fetch_one(db)
    .await?;
    if !exists && let Err(error) = files.remove_derivatives(&job.public_key).await {
        tracing::warn!(%error, photo = %job.photo_id, "removing a removed photo's derivatives failed");
    }
    Ok(())
}

/// Starts `count` workers (0: this instance only serves; others process), each making its
/// photos on its own thread at nice value `nice` (see `thread`). `wake` is notified
/// when this instance queues a job; other instances' jobs are found by polling. Between jobs
/// the workers also delete the files of removed photos that are still queued
/// (`deletions::run_due`), so those are gone within seconds even after a crash.
pub fn spawn_workers(
    db: PgPool,
    files: MediaFiles,
    count: usize,
    nice: i32,
    wake: Arc<Notify>,
) -> std::io::Result<()> {
    for _ in 0..count {
        let (db, files, wake) = (db.clone(), files.clone(), wake.clone());
        let thread = PhotoThread::start(nice)?;
        tokio::spawn(async move {
            loop {
                if let Err(error) = super::deletions::run_due(&db, &files).await {
                    tracing::warn!(%error, "media deletion queue unavailable; retrying");
                }
                match run_one_on(&db, &files, Some(&thread)).await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(error) => tracing::warn!(%error, "photo queue unavailable; retrying"),
                }
                let _ = tokio::time::timeout(POLL, wake.notified()).await;
            }
        });
    }
    Ok(())
}
