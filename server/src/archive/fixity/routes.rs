//! `GET /admin/fixity` (admins): the latest fixity runs and their problems.

use super::store;
use crate::accounts::Admin;
use crate::state::AppState;
use crate::web::render::{private_html, render_page};
use crate::web::time::display_date;
use crate::web::{AppError, RequestLocale};
use app::domain::FixityRun;
use app::moderation::{FixityPage, FixityRunRow};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use time::{OffsetDateTime, UtcOffset};

/// Runs shown, newest first.
const RUNS_SHOWN: i64 = 20;

pub async fn page(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(_): Admin,
) -> Result<Response, AppError> {
    let offset = state.config.display_utc_offset_hours;
    // Passes take minutes or hours: the time matters, not only the day.
    let shown = |at: OffsetDateTime| {
        let local = at.to_offset(UtcOffset::from_hms(offset, 0, 0).unwrap_or(UtcOffset::UTC));
        format!(
            "{} {:02}:{:02}",
            display_date(locale, at, offset),
            local.hour(),
            local.minute()
        )
    };
    let runs: Vec<FixityRunRow> = store::latest_runs(&state.db, RUNS_SHOWN)
        .await?
        .into_iter()
        .map(|r| FixityRun {
            id: r.id,
            started: shown(r.started),
            finished: r.finished.map(shown),
            trigger: r.trigger,
            files: r.files,
            bytes: r.bytes,
            missing: r.missing,
            changed: r.changed,
            problems: r.problems,
        })
        .collect();
    let interval_hours = state.config.fixity_interval_hours;
    let page = render_page(&state, locale, "/admin/fixity", move || {
        view! { <FixityPage runs interval_hours /> }
    });
    Ok(private_html(StatusCode::OK, page))
}
