//! The contributor's private tracking token, and the hashes that let the database hold it
//! (and client addresses, and idempotency keys) without holding them in the clear.

use crate::web::AppError;
use crate::web::client_ip::limit_bucket;
use app::domain::{IdempotencyKey, NewStory};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;

const TOKEN_BYTES: usize = 32;

/// 256 random bits, written as 43 URL-safe base64 characters. Only its SHA-256 is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingToken([u8; TOKEN_BYTES]);

impl TrackingToken {
    pub fn generate() -> TrackingToken {
        TrackingToken(rand::random())
    }

    pub fn parse(text: &str) -> Option<TrackingToken> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Some(TrackingToken(bytes.try_into().ok()?))
    }

    pub fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0).to_vec()
    }

    pub fn path(&self) -> String {
        format!("/track/{}", URL_SAFE_NO_PAD.encode(self.0))
    }

    /// The token masked with a pad only someone holding the idempotency key, the same content
    /// and the same client binding can rebuild.
    pub fn seal(
        &self,
        key: &IdempotencyKey,
        fingerprint: &[u8],
        client: &ClientBinding,
    ) -> Vec<u8> {
        xor(&self.0, &pad(key, fingerprint, client))
    }

    pub fn unseal(
        sealed: &[u8],
        key: &IdempotencyKey,
        fingerprint: &[u8],
        client: &ClientBinding,
    ) -> Option<TrackingToken> {
        let bytes = xor(sealed, &pad(key, fingerprint, client));
        Some(TrackingToken(bytes.try_into().ok()?))
    }
}

/// The `{token}` of a `/track/{token}…` route; one that does not parse is a 404, as an
/// unknown one is.
impl<S: Send + Sync> FromRequestParts<S> for TrackingToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // By name: routes under the tracking path have more parameters than the token.
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let text = params.get("token").ok_or(AppError::NotFound)?;
        TrackingToken::parse(text).ok_or(AppError::NotFound)
    }
}

impl std::fmt::Debug for TrackingToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrackingToken(…)")
    }
}

fn pad(key: &IdempotencyKey, fingerprint: &[u8], client: &ClientBinding) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"shinian/idempotency-pad\0");
    hasher.update(key.as_str().as_bytes());
    hasher.update(b"\0");
    hasher.update(fingerprint);
    hasher.update(b"\0");
    hasher.update(&client.0);
    hasher.finalize().into()
}

/// The secret of the `submitter` cookie: 256 random bits the submitting browser or kiosk
/// keeps, so that only it can land on a story's tracking page again by repeating a submit.
#[derive(Clone, PartialEq, Eq)]
pub struct SubmitterSecret([u8; TOKEN_BYTES]);

impl SubmitterSecret {
    pub fn generate() -> SubmitterSecret {
        SubmitterSecret(rand::random())
    }

    pub fn parse(text: &str) -> Option<SubmitterSecret> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Some(SubmitterSecret(bytes.try_into().ok()?))
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }
}

impl std::fmt::Debug for SubmitterSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubmitterSecret(…)")
    }
}

/// What a repeated submit must share with the first one to be answered with its tracking
/// link: the submitter cookie's secret, or — for a client that sent no cookie — its address
/// bucket (an IPv4 address, or the /64 of an IPv6 address). Stored only as `hash()`.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientBinding(Vec<u8>);

impl ClientBinding {
    /// The binding a new submission records: the cookie when the client sent one.
    pub fn of(secret: Option<&SubmitterSecret>, ip: IpAddr) -> ClientBinding {
        secret.map_or_else(|| ClientBinding::address(ip), ClientBinding::cookie)
    }

    /// The bindings a repeat may prove: its cookie, and its address (which matches only a
    /// first submit that came without a cookie).
    pub fn candidates(secret: Option<&SubmitterSecret>, ip: IpAddr) -> Vec<ClientBinding> {
        secret
            .map(ClientBinding::cookie)
            .into_iter()
            .chain([ClientBinding::address(ip)])
            .collect()
    }

    fn cookie(secret: &SubmitterSecret) -> ClientBinding {
        ClientBinding([b"cookie\0".as_slice(), &secret.0].concat())
    }

    fn address(ip: IpAddr) -> ClientBinding {
        ClientBinding(format!("address\0{}", limit_bucket(ip)).into_bytes())
    }

    pub fn hash(&self) -> Vec<u8> {
        let mut hasher = Sha256::new();
        hasher.update(b"shinian/idempotency-client\0");
        hasher.update(&self.0);
        hasher.finalize().to_vec()
    }
}

fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

pub fn idempotency_key_hash(key: &IdempotencyKey) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(b"shinian/idempotency-key\0");
    hasher.update(key.as_str().as_bytes());
    hasher.finalize().to_vec()
}

/// Identifies the content of a submission, so a repeated key with different content is
/// recognised as a different story rather than silently answered with the first one.
pub fn fingerprint(story: &NewStory) -> Vec<u8> {
    let canonical = serde_json::to_vec(story).unwrap_or_default();
    Sha256::digest(canonical).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips_through_its_path() {
        let token = TrackingToken::generate();
        let path = token.path();
        let text = path.strip_prefix("/track/").unwrap();
        assert_eq!(text.len(), 43);
        assert_eq!(TrackingToken::parse(text), Some(token));
        assert_eq!(TrackingToken::parse("short"), None);
    }

    #[test]
    fn seal_needs_the_same_key_content_and_client() {
        let token = TrackingToken::generate();
        let key = IdempotencyKey::parse("k1").unwrap().unwrap();
        let other = IdempotencyKey::parse("k2").unwrap().unwrap();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let secret = SubmitterSecret::generate();
        let client = ClientBinding::of(Some(&secret), ip);
        let sealed = token.seal(&key, b"content", &client);
        assert_ne!(sealed, token.0.to_vec());
        assert_eq!(
            TrackingToken::unseal(&sealed, &key, b"content", &client),
            Some(token.clone())
        );
        assert_ne!(
            TrackingToken::unseal(&sealed, &other, b"content", &client),
            Some(token.clone())
        );
        assert_ne!(
            TrackingToken::unseal(&sealed, &key, b"changed", &client),
            Some(token.clone())
        );
        let by_address = ClientBinding::of(None, ip);
        assert_ne!(
            TrackingToken::unseal(&sealed, &key, b"content", &by_address),
            Some(token)
        );
    }
}
