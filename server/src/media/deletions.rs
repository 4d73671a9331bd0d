//! Deleting the files of removed photos. A trigger queues the files of every deleted photo row
//! in `media_deletions`, in the deleting transaction (migration `…_media_deletions.sql`). The
//! request that removed the photos deletes their files right after its commit (`now`); the
//! photo workers delete whatever is left — after a crash between commit and delete — every
//! few seconds (`run_due`), and so does the periodic sweep. Rows are taken with `FOR UPDATE
//! SKIP LOCKED`, so several instances share the queue.
//!
//! A row without an original (`queue_derivatives`) stands for an access copy replaced under a
//! new key (a redacted recording): only its derivative folder goes, the original stays.

pub use super::photos::RemovedPhotos;
use super::store::MediaStore;
use sqlx::{PgConnection, PgPool};

/// Rows taken per transaction.
const BATCH: i64 = 100;
/// A deletion that failed (for example a read-only disk) is tried again after this long.
const RETRY_SECONDS: f64 = 60.0;

struct Queued {
    id: i64,
    original_key: Option<String>,
    public_key: String,
}

/// Queues the derivative folder of `public_key` alone, in the transaction that stops naming it.
pub async fn queue_derivatives(tx: &mut PgConnection, public_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into media_deletions (original_key, public_key) values (null, $1)",
        public_key
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Deletes the derivative folder queued by `queue_derivatives` (its transaction committed).
/// Errors are logged: the workers retry.
pub async fn derivatives_now(db: &PgPool, store: &MediaStore, public_key: &str) {
    let keys = [public_key.to_owned()];
    if let Err(error) = take(db, store, Some(&keys[..])).await {
        tracing::warn!(%error, "deleting a replaced copy failed; workers will retry");
    }
}

/// Deletes the files of photos the current request removed (its transaction committed).
/// Errors are logged: the workers retry.
pub async fn now(db: &PgPool, store: &MediaStore, removed: RemovedPhotos) {
    if removed.0.is_empty() {
        return;
    }
    if let Err(error) = take(db, store, Some(&removed.0)).await {
        tracing::warn!(%error, "deleting removed photos' files failed; workers will retry");
    }
}

/// Deletes every queued file that is due. Returns how many photos' files were deleted.
pub async fn run_due(db: &PgPool, store: &MediaStore) -> Result<usize, sqlx::Error> {
    let mut done = 0;
    loop {
        let (deleted, taken) = take(db, store, None).await?;
        done += deleted;
        if i64::try_from(taken).is_ok_and(|taken| taken < BATCH) {
            return Ok(done);
        }
    }
}

/// One batch: the queued rows of `only` (originals' keys, or public keys of rows without an
/// original), or any due rows; their files deleted, the rows removed. Returns (deleted, taken).
async fn take(
    db: &PgPool,
    store: &MediaStore,
    only: Option<&[String]>,
) -> Result<(usize, usize), sqlx::Error> {
    let mut tx = db.begin().await?;
    let rows = sqlx::query_as!(
        Queued,
        "select id, original_key, public_key from media_deletions
         where case when $1::text[] is null then run_after <= now()
                    else original_key = any($1) or (original_key is null and public_key = any($1)) end
         order by id limit $2 for update skip locked",
        only as _,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let taken = rows.len();
    let (mut deleted, mut failed) = (Vec::new(), Vec::new());
    for row in rows {
        let done = match &row.original_key {
            Some(original_key) => store.delete_photo(original_key, &row.public_key).await,
            None => store.delete_derivatives(&row.public_key).await,
        };
        match done {
            Ok(()) => deleted.push(row.id),
            Err(error) => {
                tracing::warn!(%error, key = row.public_key, "deleting a removed photo's files failed");
                failed.push(row.id);
            }
        }
    }
    sqlx::query!("delete from media_deletions where id = any($1)", &deleted)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "update media_deletions set attempts = attempts + 1, last_error = 'file system',
                run_after = now() + make_interval(secs => $2)
         where id = any($1)",
        &failed,
        RETRY_SECONDS
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((deleted.len(), taken))
}
