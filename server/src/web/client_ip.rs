//! The address a request came from, for the per-address limits (sign-in, submissions). Behind a reverse proxy
//! (`TRUST_PROXY=true`) it is the last address in `X-Forwarded-For` — the one the proxy itself
//! saw; addresses further left are whatever the client claimed and are ignored.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The key of every per-address limit: a hash of the address's limit bucket (IPv6 by /64).
pub fn ip_hash(ip: IpAddr) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"shinian/client-ip\0");
    hasher.update(limit_bucket(ip).to_string().as_bytes());
    hasher.finalize().to_vec()
}

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

/// The address every per-address limit counts under: an IPv4 address as it is, an IPv6
/// address by its /64 (one subscriber's network: rotating addresses within it must not bypass
/// a limit). IPv4-mapped IPv6 addresses count as IPv4.
pub fn limit_bucket(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
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

    #[test]
    fn ipv6_counts_by_its_64() {
        let bucket = |s: &str| limit_bucket(s.parse().unwrap()).to_string();
        assert_eq!(bucket("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(bucket("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::");
        assert_ne!(bucket("2001:db8:1:3::1"), bucket("2001:db8:1:2::1"));
        assert_eq!(bucket("203.0.113.7"), "203.0.113.7");
        assert_eq!(bucket("::ffff:203.0.113.7"), "203.0.113.7");
    }
}
