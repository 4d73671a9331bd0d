//! Security headers on every response, set in this one place (`security_headers`, outermost
//! but for compression). HTML pages allow scripts from our own origin only: the islands are
//! started by a script file (`public/hydrate.js`, see `app::ui::IslandScripts`), never by an
//! inline script, so the policy needs no nonce and a cached page is sent exactly as rendered.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Stories may not be framed by other sites (click-jacking a moderator's buttons, or a
/// contributor's tracking page); embedding can be allowed later for `/stories/*` alone.
const HTML_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// JSON, feeds, media and assets never run anything when opened directly. Inline styles are
/// allowed, and data: images, so the browser's own XML viewer (feeds, sitemaps) can draw its tree.
const OTHER_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const PERMISSIONS_POLICY: &str = "camera=(self), microphone=(self), geolocation=()";
const HSTS: &str = "max-age=31536000";
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https = state.config.public_url.starts_with("https://");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if is_html(headers) {
        set_html_headers(headers);
    } else {
        set(headers, header::CONTENT_SECURITY_POLICY, OTHER_POLICY);
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if https {
        set(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"))
}

fn set_html_headers(headers: &mut HeaderMap) {
    set(headers, header::CONTENT_SECURITY_POLICY, HTML_POLICY);
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, "permissions-policy", PERMISSIONS_POLICY);
    // Private pages set `same-origin` themselves (see `render::private_html`).
    if !headers.contains_key(header::REFERRER_POLICY) {
        set(
            headers,
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        );
    }
}

fn set(
    headers: &mut HeaderMap,
    name: impl axum::http::header::IntoHeaderName,
    value: &'static str,
) {
    headers.insert(name, HeaderValue::from_static(value));
}
