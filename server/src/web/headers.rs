//! Security headers on every response, set in this one place (`security_headers`, outermost
//! but for compression). HTML pages get a Content-Security-Policy whose script nonce is fresh
//! for every response.
//!
//! Pages are rendered with a placeholder nonce (`render_page` provides it to Leptos'
//! `HydrationScripts`), so a rendered page may be cached and served to many people; this
//! middleware replaces the placeholder in each HTML body with a new nonce and sends the same
//! value in the policy. The placeholder is random per process and never leaves it.

use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use std::sync::OnceLock;

/// Stories may not be framed by other sites (click-jacking a moderator's buttons, or a
/// contributor's tracking page); embedding can be allowed later for `/stories/*` alone.
const HTML_POLICY: &str = "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// JSON, feeds, media and assets never run anything when opened directly. Inline styles are
/// allowed, and data: images, so the browser's own XML viewer (feeds, sitemaps) can draw its tree.
const OTHER_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const PERMISSIONS_POLICY: &str = "camera=(self), microphone=(self), geolocation=()";
const HSTS: &str = "max-age=31536000";
/// HTML bodies are rendered strings; anything larger than this is not ours to rewrite.
const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

/// The nonce every page is rendered with, replaced per response.
pub fn nonce_placeholder() -> &'static str {
    static PLACEHOLDER: OnceLock<String> = OnceLock::new();
    PLACEHOLDER.get_or_init(|| Nonce::new().to_string())
}

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let https = state.config.public_url.starts_with("https://");
    let mut response = if is_html(response.headers()) {
        with_fresh_nonce(response).await
    } else {
        let mut response = response;
        set(
            response.headers_mut(),
            header::CONTENT_SECURITY_POLICY,
            OTHER_POLICY,
        );
        response
    };
    let headers = response.headers_mut();
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

async fn with_fresh_nonce(response: Response) -> Response {
    let nonce = Nonce::new().to_string();
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_HTML_BYTES).await {
        Ok(bytes) => Body::from(replace_placeholder(bytes, &nonce)),
        Err(error) => {
            tracing::error!(%error, "reading an HTML body failed");
            parts.status = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            Body::empty()
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let headers = &mut parts.headers;
    if let Ok(policy) = HeaderValue::from_str(&HTML_POLICY.replace("{nonce}", &nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
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
    Response::from_parts(parts, body)
}

/// The page with every placeholder nonce replaced by `nonce`; the page itself when it holds
/// none. Both are ASCII, so the bytes are searched directly: validating a Chinese page as UTF-8
/// and rebuilding it as a `String` was a fifth of the time of serving a cached page.
fn replace_placeholder(page: Bytes, nonce: &str) -> Bytes {
    let placeholder = nonce_placeholder().as_bytes();
    let mut found = memchr::memmem::find_iter(&page, placeholder).peekable();
    if found.peek().is_none() {
        return page;
    }
    let mut out = Vec::with_capacity(page.len() + nonce.len());
    let mut copied = 0;
    for at in found {
        out.extend_from_slice(&page[copied..at]);
        out.extend_from_slice(nonce.as_bytes());
        copied = at + placeholder.len();
    }
    out.extend_from_slice(&page[copied..]);
    Bytes::from(out)
}

fn set(
    headers: &mut HeaderMap,
    name: impl axum::http::header::IntoHeaderName,
    value: &'static str,
) {
    headers.insert(name, HeaderValue::from_static(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_replaced_and_the_text_around_it_kept() {
        let placeholder = nonce_placeholder();
        let page = format!(
            "<p>十年，我们一起见证</p><script nonce=\"{placeholder}\"></script>尾<i nonce=\"{placeholder}\">"
        );
        let nonce = "N".repeat(placeholder.len());
        let replaced = replace_placeholder(Bytes::from(page.clone()), &nonce);
        assert_eq!(replaced, page.replace(placeholder, &nonce).into_bytes());
    }

    #[test]
    fn a_page_without_the_placeholder_is_sent_as_it_is() {
        let page = Bytes::from("<p>没有脚本的页面</p>");
        let sent = replace_placeholder(page.clone(), "nonce");
        assert_eq!(sent.as_ptr(), page.as_ptr());
    }
}
