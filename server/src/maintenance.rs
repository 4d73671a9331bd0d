//! Periodic housekeeping run by every instance. Each step is an idempotent delete, so
//! instances sharing a database can run it at the same time.

use crate::state::AppState;
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(600);

/// Also starts the scheduled fixity pass (`archive::fixity::schedule`) and open-data export
/// (`archive::open_data::schedule`), each in its own task.
pub fn spawn(state: AppState) {
    crate::archive::fixity::schedule::spawn(state.clone());
    crate::archive::open_data::schedule::spawn(state.clone());
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(EVERY);
        loop {
            ticker.tick().await;
            if let Err(error) = run_once(&state).await {
                tracing::warn!(%error, "maintenance failed; will retry");
            }
        }
    });
}

pub async fn run_once(state: &AppState) -> Result<(), sqlx::Error> {
    let keys = sqlx::query!(
        "delete from story_idempotency_keys where created_at <= now() - make_interval(hours => $1)",
        crate::submission::store::IDEMPOTENCY_HOURS
    )
    .execute(&state.db)
    .await?;
    let events = sqlx::query!(
        "delete from story_submission_events where submitted_at <= now() - interval '1 hour'"
    )
    .execute(&state.db)
    .await?;
    let login_attempts = sqlx::query!(
        "delete from login_attempts where window_started <= now() - make_interval(mins => $1)",
        app::domain::moderation_limits::LOGIN_WINDOW_MINUTES
    )
    .execute(&state.db)
    .await?;
    let sessions = sqlx::query!("delete from tower_sessions.session where expiry_date < now()")
        .execute(&state.db)
        .await?;
    let addresses = crate::accounts::addresses::forget_unused(&state.db).await?;
    let media = crate::media::sweep::run(
        &state.db,
        &state.media,
        state.config.photo_retention_days,
        crate::media::sweep::MIN_AGE,
    )
    .await?;
    tracing::debug!(
        keys = keys.rows_affected(),
        events = events.rows_affected(),
        login_attempts = login_attempts.rows_affected(),
        sessions = sessions.rows_affected(),
        sign_in_addresses = addresses,
        expired_photos = media.expired_photos,
        expired_recordings = media.expired_recordings,
        files = media.files,
        "maintenance done"
    );
    Ok(())
}
