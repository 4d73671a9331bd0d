//! Cross-site request refusal for signed-in actions: a state-changing request whose `Origin`
//! is another site, or that the browser marks `Sec-Fetch-Site: cross-site`, gets 403. Requests
//! without `Origin` (curl, older clients) pass: the SameSite=Lax cookie already keeps browsers
//! from sending the session on cross-site POSTs, this is the second lock.

use super::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn same_origin_only(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !request.method().is_safe() && is_cross_site(request.headers(), &state.config.public_url) {
        tracing::info!("cross-site request refused");
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

pub fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if fetch_site.eq_ignore_ascii_case("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let origin = origin.trim_end_matches('/');
    if origin.eq_ignore_ascii_case(public_url.trim_end_matches('/')) {
        return false;
    }
    // Served under another name than PUBLIC_URL (a test port, a LAN address): the page's own
    // host is same-origin too.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    host.is_empty() || !origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    const SITE: &str = "https://shinian.example";

    #[test]
    fn same_origin_and_no_origin_pass() {
        assert!(!is_cross_site(&headers(&[]), SITE));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://shinian.example")]),
            SITE
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:4000")
            ]),
            SITE
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            SITE
        ));
    }

    #[test]
    fn other_sites_are_refused() {
        assert!(is_cross_site(
            &headers(&[("origin", "https://evil.example")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "http://evil.example"),
                ("host", "127.0.0.1:4000")
            ]),
            SITE
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), SITE));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            SITE
        ));
    }
}
