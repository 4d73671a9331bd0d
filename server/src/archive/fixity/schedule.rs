//! The scheduled pass: every instance's maintenance loop asks now and then whether one is due
//! (`FIXITY_INTERVAL_HOURS` since the latest run began); a PostgreSQL advisory lock, held on
//! one connection for the whole pass, lets only one instance run it, and `server fixity-check`
//! waits for the same lock.

use super::error::FixityError;
use super::run::{Report, run_pass};
use super::store;
use crate::state::AppState;
use app::domain::FixityTrigger;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use time::OffsetDateTime;

/// The advisory lock's key ("fixity" in ASCII): no other lock of ours uses it.
const LOCK: i64 = 0x6669_7869_7479;
/// How often an instance asks whether a pass is due.
const ASK_EVERY: Duration = Duration::from_secs(600);

/// Asks every `ASK_EVERY` whether a pass is due, and runs it if this instance gets the lock.
/// Its own task, so a long pass holds up no other maintenance.
pub fn spawn(state: AppState) {
    if state.config.fixity_interval_hours == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(ASK_EVERY);
        loop {
            ticker.tick().await;
            match run_if_due(&state).await {
                Ok(Some(report)) => tracing::info!(
                    run = report.run,
                    files = report.totals.files,
                    missing = report.totals.missing,
                    changed = report.totals.changed,
                    "fixity pass done"
                ),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "fixity pass failed; will retry"),
            }
        }
    });
}

/// Runs a pass when one is due and no other instance runs one; `None` otherwise.
pub async fn run_if_due(state: &AppState) -> Result<Option<Report>, FixityError> {
    let hours = i64::from(state.config.fixity_interval_hours);
    // Its own connection, closed (not returned to the pool) when dropped: an error or a panic
    // mid-pass cannot leave the lock held by a pooled connection.
    let mut lock = state.db.acquire().await?.detach();
    if !try_lock(&mut lock).await? {
        return Ok(None);
    }
    let due = store::last_started(&state.db)
        .await?
        .is_none_or(|last| OffsetDateTime::now_utc() - last >= time::Duration::hours(hours));
    let report = if due {
        let rate = state.config.fixity_max_bytes_per_sec;
        Some(run_pass(&state.db, &state.media, FixityTrigger::Schedule, rate).await?)
    } else {
        None
    };
    unlock(&mut lock).await?;
    Ok(report)
}

async fn try_lock(conn: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select pg_try_advisory_lock($1) as "locked!""#, LOCK)
        .fetch_one(conn)
        .await
}

async fn unlock(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!(r#"select pg_advisory_unlock($1) as "unlocked!""#, LOCK)
        .fetch_one(conn)
        .await?;
    Ok(())
}

/// `server fixity-check`: waits until no scheduled pass runs, then runs one now.
pub async fn run_now(
    db: &PgPool,
    media: &crate::media::store::MediaStore,
    bytes_per_sec: u64,
) -> Result<Report, FixityError> {
    let mut lock = db.acquire().await?.detach();
    if !try_lock(&mut lock).await? {
        tracing::info!("a fixity pass is running elsewhere; waiting for it to end");
        sqlx::query!("select pg_advisory_lock($1)", LOCK)
            .execute(&mut lock)
            .await?;
    }
    let report = run_pass(db, media, FixityTrigger::Command, bytes_per_sec).await?;
    unlock(&mut lock).await?;
    Ok(report)
}
