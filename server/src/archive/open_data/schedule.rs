//! When an export is made: every instance's maintenance loop asks now and then whether one is
//! due (`store::due`), and an admin's request asks at once; a PostgreSQL advisory lock, held on
//! one connection while an export is made, lets only one instance make it.

use super::make::{Made, OpenDataError, forget_superseded, make};
use super::store;
use crate::state::AppState;
use sqlx::PgConnection;
use std::time::{Duration, Instant};

/// The advisory lock's key ("opendata" in ASCII): no other lock of ours uses it.
const LOCK: i64 = 0x6f70_656e_6461_7461;
/// How often an instance asks whether an export is due, and deletes superseded ones: a
/// withdrawn story's export goes within a minute. Two indexed queries when nothing is due.
const ASK_EVERY: Duration = Duration::from_secs(60);

/// After a failed export (a media file missing, the disk full …) this instance's loop waits
/// this long before it tries again, so a lasting fault does not bag the collection every
/// minute; superseded exports are still deleted meanwhile, and an admin's request still tries
/// at once.
const RETRY_AFTER: Duration = Duration::from_secs(3600);

/// Asks every `ASK_EVERY` whether an export is due, in its own task.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(ASK_EVERY);
        let mut failed_at: Option<Instant> = None;
        loop {
            ticker.tick().await;
            if failed_at.is_some_and(|at| at.elapsed() < RETRY_AFTER) {
                if let Err(error) = forget_superseded(&state.db, &state.media).await {
                    tracing::warn!(%error, "deleting superseded open-data exports failed");
                }
                continue;
            }
            let failed = !run_if_due_logged(&state).await;
            failed_at = failed.then(Instant::now);
        }
    });
}

/// `run_if_due`, its outcome logged (for tasks nobody waits on); whether it did not fail.
pub async fn run_if_due_logged(state: &AppState) -> bool {
    match run_if_due(state).await {
        Ok(Some(made)) => tracing::info!(
            key = %made.key,
            stories = made.tally.cc_by + made.tally.cc_by_nc,
            bytes = made.bytes,
            "open-data export made"
        ),
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(%error, "open-data export failed; will retry");
            return false;
        }
    }
    true
}

/// Makes an export when one is due and no other instance is making one; `None` otherwise.
pub async fn run_if_due(state: &AppState) -> Result<Option<Made>, OpenDataError> {
    // Its own connection, closed (not returned to the pool) when dropped: an error or a panic
    // cannot leave the lock held by a pooled connection.
    let mut lock = state.db.acquire().await?.detach();
    if !try_lock(&mut lock).await? {
        return Ok(None);
    }
    let forgotten = forget_superseded(&state.db, &state.media).await?;
    if forgotten > 0 {
        tracing::info!(forgotten, "superseded open-data exports deleted");
    }
    let hours = state.config.open_data_interval_hours;
    let made = match store::due(&state.db, hours).await? {
        Some(trigger) => Some(make(&state.db, &state.config, &state.media, trigger).await?),
        None => None,
    };
    sqlx::query_scalar!(r#"select pg_advisory_unlock($1) as "unlocked!""#, LOCK)
        .fetch_one(&mut lock)
        .await?;
    Ok(made)
}

async fn try_lock(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select pg_try_advisory_lock($1) as "locked!""#, LOCK)
        .fetch_one(conn)
        .await
}
