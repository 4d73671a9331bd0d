//! `GET /data` (public): the kept open-data exports; `GET /data/{key}.tar`: one of them;
//! `GET /admin/open-data` (admins): the same list and a button that asks for one now
//! (`POST /admin/open-data`), made at once in the background.

use super::schedule;
use super::store;
use crate::accounts::Admin;
use crate::media::store::{EXPORT_CACHE, export_file_name};
use crate::state::AppState;
use crate::web::render::{private_html, public_html, render_page};
use crate::web::time::display_date_time;
use crate::web::{AppError, RequestLocale};
use app::archive::{OpenDataPage, OpenDataRow};
use app::domain::OpenDataExport;
use app::locale::Locale;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::prelude::*;

/// The public routes; the admin's are in the staff router (`lib.rs`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/data", get(page))
        .route("/data/{file}", get(download))
}

/// The list changes at most when an export is made: a minute in shared caches is enough.
const PAGE_CACHE: &str = "public, max-age=60";

pub async fn page(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
) -> Result<Response, AppError> {
    let exports = rows(&state, locale).await?;
    let interval_hours = state.config.open_data_interval_hours;
    let body = render_page(&state, locale, "/data", move || {
        view! { <OpenDataPage exports interval_hours admin=None /> }
    });
    let mut response = public_html(StatusCode::OK, body);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE));
    Ok(response)
}

pub async fn admin_page(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(_): Admin,
) -> Result<Response, AppError> {
    let exports = rows(&state, locale).await?;
    let requested = Some(store::requested(&state.db).await?);
    let interval_hours = state.config.open_data_interval_hours;
    let body = render_page(&state, locale, "/admin/open-data", move || {
        view! { <OpenDataPage exports interval_hours admin=requested /> }
    });
    Ok(private_html(StatusCode::OK, body))
}

/// Records the request (so another instance or the next loop makes it if this one stops) and
/// starts making the export now.
pub async fn request(
    State(state): State<AppState>,
    Admin(me): Admin,
) -> Result<Response, AppError> {
    store::request(&state.db, me.id).await?;
    tokio::spawn(async move { schedule::run_if_due_logged(&state).await });
    Ok(Redirect::to("/admin/open-data").into_response())
}

/// `{key}.tar` of a kept export, as an attachment named by its date.
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let key = file
        .strip_suffix(".tar")
        .filter(|key| crate::media::names::is_valid_key(key))
        .ok_or(AppError::NotFound)?;
    let export = store::find(&state.db, key)
        .await?
        .ok_or(AppError::NotFound)?;
    // A file that cannot be read is answered like a missing one.
    let Ok(Some(mut response)) = state.media.serve_export(key, request).await else {
        return Err(AppError::NotFound);
    };
    let status = response.status();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(EXPORT_CACHE),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if status.is_success() {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-tar"),
        );
        let name = super::make::folder_name(export.as_of);
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.tar\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

async fn rows(state: &AppState, locale: Locale) -> Result<Vec<OpenDataRow>, AppError> {
    let offset = state.config.display_utc_offset_hours;
    Ok(store::latest(&state.db, super::KEEP)
        .await?
        .into_iter()
        .map(|row| OpenDataExport {
            made: display_date_time(locale, row.as_of, offset),
            trigger: row.trigger,
            stories: row.stories,
            cc_by: row.cc_by,
            cc_by_nc: row.cc_by_nc,
            photos: row.photos,
            recordings: row.recordings,
            bytes: row.bytes,
            href: format!("/data/{}", export_file_name(&row.object_key)),
            sha256: row.sha256,
        })
        .collect())
}
