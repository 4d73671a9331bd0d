//! `GET /admin/fixity` (admins): the latest fixity runs and their problems.

use super::store;
use crate::accounts::Admin;
use crate::state::AppState;
use crate::web::render::{private_html, render_page};
use crate::web::time::display_date_time;
use crate::web::{AppError, RequestLocale};
use app::domain::FixityRun;
use app::moderation::{FixityPage, FixityRunRow};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use time::OffsetDateTime;

/// Runs shown, newest first.
const RUNS_SHOWN: i64 = 20;

pub async fn page(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(_): Admin,
) -> Result<Response, AppError> {
    let offset = state.config.display_utc_offset_hours;
    let shown = |at: OffsetDateTime| display_date_time(locale, at, offset);
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
