//! `/healthz` (the process answers: liveness) and `/readyz` (it can do its work: the database
//! and the media store answer). A load balancer or orchestrator restarts on the first and takes
//! an instance out of rotation on the second; a database outage must not restart every instance.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use std::time::Duration;

/// How long each dependency has to answer `/readyz`.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /healthz`: 200 whenever the process can answer at all.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: 200 only when the database answers within two seconds and the media store is
/// reachable; else 503 naming which.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let ping = sqlx::query_scalar!("select 1 as \"one!\"").fetch_one(&state.db);
    match tokio::time::timeout(READY_TIMEOUT, ping).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: database error");
            return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable");
        }
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "database timeout"),
    }
    match tokio::time::timeout(READY_TIMEOUT, state.media.check_reachable()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: media store error");
            (StatusCode::SERVICE_UNAVAILABLE, "media store unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "media store timeout"),
    }
}
