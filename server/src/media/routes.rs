//! `GET /media/{public_key}/{width}.{jpg|webp}`: derivatives only, never originals. The random
//! public key is the capability: while a story is pending or changes are requested its photos
//! are shown to whoever holds the link (the contributor's tracking page, moderators) and never
//! cached; once approved they are cacheable for a day; otherwise they answer 404 at once.

use super::files::is_valid_key;
use super::photos::DerivativeEntry;
use crate::state::AppState;
use crate::web::AppError;
use app::domain::StoryStatus;
use app::media::ImageFormat;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/media/{public_key}/{file}", get(derivative))
}

const PUBLIC_CACHE: &str = "public, max-age=86400";
const PRIVATE_CACHE: &str = "private, no-store";

async fn derivative(
    State(state): State<AppState>,
    Path((public_key, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (width, format) = parse_file_name(&file).ok_or(AppError::NotFound)?;
    if !is_valid_key(&public_key) {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query!(
        r#"select s.status as "status: StoryStatus", p.derivatives
           from photos p join stories s on s.id = p.story_id
           where p.public_key = $1 and p.state = 'ready'"#,
        public_key
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    let cache = match row.status {
        StoryStatus::Approved => PUBLIC_CACHE,
        StoryStatus::Pending | StoryStatus::ChangesRequested => PRIVATE_CACHE,
        _ => return Err(AppError::NotFound),
    };
    let entries: Vec<DerivativeEntry> = serde_json::from_value(row.derivatives).unwrap_or_default();
    if !entries
        .iter()
        .any(|e| e.width == width && e.format == format)
    {
        return Err(AppError::NotFound);
    }
    let path = state.media.derivative_path(&public_key, width, format);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.mime()),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn parse_file_name(file: &str) -> Option<(u32, ImageFormat)> {
    let (width, extension) = file.split_once('.')?;
    let format = match extension {
        "jpg" => ImageFormat::Jpeg,
        "webp" => ImageFormat::Webp,
        _ => return None,
    };
    if width.is_empty() || width.len() > 5 || !width.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((width.parse().ok()?, format))
}
