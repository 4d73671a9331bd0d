//! `GET /media/{public_key}/{width}.{jpg|webp}`: derivatives only, never originals. The random
//! public key is the capability: while a story is pending or changes are requested its photos
//! are shown to whoever holds the link (the contributor's tracking page, moderators) and never
//! cached; once approved they are cacheable for `PUBLIC_MAX_AGE` seconds and must then be
//! revalidated (strong `ETag`, `If-None-Match` → 304), so a withdrawal reaches caches that
//! respect our headers within minutes; otherwise they answer 404 at once. Only canonical file
//! names are served (`DerivativeName`): each file has exactly one URL, which a CDN can purge.

use super::names::{DerivativeName, is_valid_key};
use super::photos::{Derivatives, PhotoState};
use super::store::StoredDerivative;
use crate::state::AppState;
use crate::web::AppError;
use app::domain::StoryStatus;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::time::SystemTime;

pub fn routes() -> Router<AppState> {
    Router::new().route("/media/{public_key}/{file}", get(derivative))
}

/// How long a cache may show an approved photo without asking again (seconds): the longest a
/// withdrawn photo can stay visible in a cache that respects our headers.
pub const PUBLIC_MAX_AGE: u32 = 300;
const PUBLIC_CACHE: &str = "public, max-age=300";
const PRIVATE_CACHE: &str = "private, no-store";

async fn derivative(
    State(state): State<AppState>,
    Path((public_key, file)): Path<(String, String)>,
    request: HeaderMap,
) -> Result<Response, AppError> {
    let name = DerivativeName::parse(&file).ok_or(AppError::NotFound)?;
    if !is_valid_key(&public_key) {
        return Err(AppError::NotFound);
    }
    let row = sqlx::query!(
        r#"select s.status as "status: StoryStatus", p.derivatives as "derivatives: Derivatives"
           from photos p join stories s on s.id = p.story_id
           where p.public_key = $1 and p.state = $2"#,
        public_key,
        PhotoState::Ready as _
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    let cache = match row.status {
        StoryStatus::Approved => PUBLIC_CACHE,
        StoryStatus::Pending | StoryStatus::ChangesRequested => PRIVATE_CACHE,
        _ => return Err(AppError::NotFound),
    };
    if !row.derivatives.contains(name) {
        return Err(AppError::NotFound);
    }
    // A file that cannot be read is answered like a missing one, as it always was.
    let Ok(Some(StoredDerivative { bytes, modified })) =
        state.media.derivative(&public_key, name).await
    else {
        return Err(AppError::NotFound);
    };
    let etag = strong_etag(&bytes);
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(value) = modified.and_then(http_date) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    if none_match(&request, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(name.format.mime()),
    );
    Ok((headers, bytes).into_response())
}

/// The content's own hash: equal tags mean equal bytes, whichever instance answers.
fn strong_etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..18]);
    format!("\"{text}\"")
}

/// `If-None-Match` names this tag (weak comparison, as RFC 9110 asks for this header) or `*`.
fn none_match(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

fn http_date(at: SystemTime) -> Option<HeaderValue> {
    let at = time::OffsetDateTime::from(at);
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    HeaderValue::from_str(&at.format(&format).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_header_says_the_documented_age() {
        assert_eq!(PUBLIC_CACHE, format!("public, max-age={PUBLIC_MAX_AGE}"));
        assert_eq!(crate::media::store::OBJECT_CACHE, PUBLIC_CACHE);
    }

    #[test]
    fn if_none_match_lists_are_understood() {
        let etag = strong_etag(b"photo");
        for header in [
            etag.clone(),
            format!("W/{etag}"),
            format!("\"other\", {etag}"),
            "*".to_owned(),
        ] {
            let mut request = HeaderMap::new();
            request.insert(header::IF_NONE_MATCH, header.parse().unwrap());
            assert!(none_match(&request, &etag), "{header}");
        }
        let mut request = HeaderMap::new();
        request.insert(header::IF_NONE_MATCH, "\"other\"".parse().unwrap());
        assert!(!none_match(&request, &etag));
        assert!(!none_match(&HeaderMap::new(), &etag));
    }

    #[test]
    fn dates_are_imf_fixdate() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777);
        assert_eq!(http_date(at).unwrap(), "Sun, 06 Nov 1994 08:49:37 GMT");
    }
}
