//! The `localize_errors` middleware: turns an `AppError`'s kind (carried as a response
//! extension, see `error`) and the bare errors of axum or tower layers (404, 405, 413) into a
//! page in the reader's language, or into JSON for scripts and `/api/`.

use super::error::{ErrorKind, wants_json};
use super::locale::RequestLocale;
use super::render::{private_html, render_page};
use crate::state::AppState;
use app::locale::Locale;
use app::ui::ErrorPage;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

/// Seconds a client is asked to wait when the server is busy.
const BUSY_RETRY_AFTER_SECS: u64 = 5;
/// Seconds an upload that found no turn is asked to wait before sending again.
const UPLOADS_BUSY_RETRY_AFTER_SECS: u64 = 30;

pub async fn localize_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let locale = RequestLocale::from_headers(request.headers());
    let json = wants_json(request.headers()) || request.uri().path().starts_with("/api/");
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let kind = response
        .extensions()
        .get::<ErrorKind>()
        .cloned()
        .or_else(|| from_bare_response(&response));
    let Some(kind) = kind else {
        return response;
    };
    let mut rendered = if json {
        json_error(&kind, locale)
    } else {
        let message = kind.message(locale);
        let status = kind.status().as_u16();
        let page = render_page(
            &state,
            locale,
            &path,
            move || view! { <ErrorPage status message /> },
        );
        private_html(kind.status(), page)
    };
    let retry_after = match &kind {
        ErrorKind::RateLimited {
            retry_after_secs, ..
        }
        | ErrorKind::LoginThrottled { retry_after_secs } => Some(*retry_after_secs),
        ErrorKind::Busy => Some(BUSY_RETRY_AFTER_SECS),
        ErrorKind::UploadsBusy => Some(UPLOADS_BUSY_RETRY_AFTER_SECS),
        _ => None,
    };
    if let Some(secs) = retry_after {
        rendered
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    // The rest of a too-slow body is not worth waiting for.
    if kind == ErrorKind::RequestTimeout {
        rendered
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if let Some(allow) = response.headers().get(header::ALLOW) {
        rendered.headers_mut().insert(header::ALLOW, allow.clone());
    }
    rendered
}

fn json_error(kind: &ErrorKind, locale: Locale) -> Response {
    let body = serde_json::json!({ "error": kind.code(), "message": kind.message(locale) });
    let mut response = (kind.status(), axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Errors produced outside our handlers (router, body limit, extractors) arrive as a bare
/// status with a plain-text body.
fn from_bare_response(response: &Response) -> Option<ErrorKind> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let is_ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"));
    if is_ours {
        return None;
    }
    Some(match status {
        StatusCode::NOT_FOUND => ErrorKind::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorKind::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::PayloadTooLarge,
        StatusCode::REQUEST_TIMEOUT => ErrorKind::RequestTimeout,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorKind::UnsupportedMediaType,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => ErrorKind::Unavailable,
        s if s.is_server_error() => ErrorKind::Internal,
        _ => ErrorKind::BadRequest,
    })
}
