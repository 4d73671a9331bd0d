//! The address a request came from, for the submission rate limit. Behind a reverse proxy
//! (`TRUST_PROXY=true`) it is the last address in `X-Forwarded-For` — the one the proxy itself
//! saw; addresses further left are whatever the client claimed and are ignored.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let forwarded = state
            .config
            .trust_proxy
            .then(|| last_forwarded(&parts.headers))
            .flatten();
        Ok(ClientIp(forwarded.unwrap_or(peer)))
    }
}

fn last_forwarded(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_address_the_proxy_saw() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "6.6.6.6, 10.0.0.1".parse().unwrap());
        headers.append("x-forwarded-for", "203.0.113.7".parse().unwrap());
        assert_eq!(
            last_forwarded(&headers),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(last_forwarded(&HeaderMap::new()), None);
    }
}
