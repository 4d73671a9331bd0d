//! Cross-site request refusal for signed-in actions and the language switch: a state-changing
//! request whose `Origin` is not `PUBLIC_URL`'s, or that the browser marks
//! `Sec-Fetch-Site: cross-site`, gets 403. Requests
//! without `Origin` (curl, older clients) pass: the SameSite=Lax cookie already keeps browsers
//! from sending the session on cross-site POSTs, this is the second lock.

use super::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Uri, header};
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

/// Cross-site unless the browser says otherwise and the single `Origin` (when sent) has the
/// scheme, host and port of `PUBLIC_URL`. Two `Origin` headers are refused: no browser sends
/// them, and a proxy could check one while we read the other.
pub fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if fetch_site.eq_ignore_ascii_case("cross-site") {
        return true;
    }
    let mut origins = headers.get_all(header::ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (None, _) => false,
        (Some(_), Some(_)) => true,
        (Some(origin), None) => {
            let site = SiteOrigin::parse(public_url);
            let origin = origin.to_str().ok().and_then(SiteOrigin::parse);
            site.is_none() || origin.is_none() || site != origin
        }
    }
}

/// Scheme, host and port of a URL, compared the way browsers compare origins.
#[derive(Debug, PartialEq, Eq)]
struct SiteOrigin {
    scheme: String,
    host: String,
    port: u16,
}

impl SiteOrigin {
    fn parse(url: &str) -> Option<SiteOrigin> {
        let uri: Uri = url.parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let authority = uri.authority()?;
        if authority.as_str().contains('@') {
            return None;
        }
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        Some(SiteOrigin {
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default_port),
            scheme,
        })
    }
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
    fn two_origin_headers_are_refused() {
        let mut map = HeaderMap::new();
        map.append(
            "origin",
            HeaderValue::from_static("https://shinian.example"),
        );
        map.append("origin", HeaderValue::from_static("https://evil.example"));
        assert!(is_cross_site(&map, SITE));
        let mut same_twice = HeaderMap::new();
        same_twice.append(
            "origin",
            HeaderValue::from_static("https://shinian.example"),
        );
        same_twice.append(
            "origin",
            HeaderValue::from_static("https://shinian.example"),
        );
        assert!(is_cross_site(&same_twice, SITE));
    }

    #[test]
    fn same_origin_and_no_origin_pass() {
        assert!(!is_cross_site(&headers(&[]), SITE));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://shinian.example")]),
            SITE
        ));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://shinian.example:443")]),
            SITE
        ));
        assert!(!is_cross_site(
            &headers(&[("origin", "HTTPS://Shinian.Example")]),
            "https://shinian.example/"
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
        // The page's own host under another scheme or port is another origin.
        assert!(is_cross_site(
            &headers(&[
                ("origin", "http://shinian.example"),
                ("host", "shinian.example")
            ]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "https://shinian.example:8443")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "https://shinian.example.evil.example")]),
            SITE
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            SITE
        ));
    }
}
