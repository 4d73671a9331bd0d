//! Resumption tokens: where the next page of a list starts, as a keyset position (the last
//! record's datestamp and id), with the list's arguments and its pinned end. Opaque to
//! harvesters (base64url of a small JSON document), not signed: it carries nothing private, and
//! a changed token can only ask for what a new request may ask for. Valid for
//! `LIFETIME` after it was issued.

use super::date::{from_micros, micros};
use app::domain::Theme;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// How long a token may be used after it was issued (each page issues a new one).
pub const LIFETIME: Duration = Duration::hours(24);

/// The wire format's version; a token of another version is a bad token.
const VERSION: u8 = 1;

/// Which list a token continues: ListIdentifiers or ListRecords (a token of one is refused
/// by the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListKind {
    #[serde(rename = "i")]
    Identifiers,
    #[serde(rename = "r")]
    Records,
}

/// A record's place in the lists' order: `(public_changed_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub at: OffsetDateTime,
    pub id: i64,
}

/// What a list is: its set and its bounds. `upto` is the request's `until` or the moment the
/// list's first page was asked for, whichever is earlier, so records changed during a harvest
/// wait for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub set: Option<Theme>,
    /// Inclusive.
    pub from: OffsetDateTime,
    /// Inclusive.
    pub upto: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumptionToken {
    pub kind: ListKind,
    pub window: Window,
    pub after: Position,
    /// Records sent before this page (the `cursor` attribute).
    pub cursor: u64,
    pub issued: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    Expired,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    v: u8,
    k: ListKind,
    s: Option<Theme>,
    f: i64,
    u: i64,
    a: (i64, i64),
    c: u64,
    i: i64,
}

impl ResumptionToken {
    pub fn expires(&self) -> OffsetDateTime {
        self.issued + LIFETIME
    }

    pub fn encode(&self) -> String {
        let wire = Wire {
            v: VERSION,
            k: self.kind,
            s: self.window.set,
            f: micros(self.window.from),
            u: micros(self.window.upto),
            a: (micros(self.after.at), self.after.id),
            c: self.cursor,
            i: self.issued.unix_timestamp(),
        };
        let json = serde_json::to_vec(&wire).expect("a token's fields always serialize");
        URL_SAFE_NO_PAD.encode(json)
    }

    /// The token, if it is one of ours and was issued within `LIFETIME` before `now`.
    pub fn decode(text: &str, now: OffsetDateTime) -> Result<ResumptionToken, TokenError> {
        let token = Self::read(text).ok_or(TokenError::Malformed)?;
        if token.issued > now + Duration::minutes(5) {
            return Err(TokenError::Malformed);
        }
        if now > token.expires() {
            return Err(TokenError::Expired);
        }
        Ok(token)
    }

    fn read(text: &str) -> Option<ResumptionToken> {
        let bytes = URL_SAFE_NO_PAD.decode(text.as_bytes()).ok()?;
        let wire: Wire = serde_json::from_slice(&bytes).ok()?;
        if wire.v != VERSION {
            return None;
        }
        let window = Window {
            set: wire.s,
            from: from_micros(wire.f)?,
            upto: from_micros(wire.u)?,
        };
        Some(ResumptionToken {
            kind: wire.k,
            window,
            after: Position {
                at: from_micros(wire.a.0)?,
                id: wire.a.1,
            },
            cursor: wire.c,
            issued: OffsetDateTime::from_unix_timestamp(wire.i).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(issued: OffsetDateTime) -> ResumptionToken {
        let at = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        ResumptionToken {
            kind: ListKind::Records,
            window: Window {
                set: Some(Theme::WorkIndustry),
                from: OffsetDateTime::UNIX_EPOCH,
                upto: at + Duration::microseconds(123_456),
            },
            after: Position {
                at: at + Duration::microseconds(7),
                id: 42,
            },
            cursor: 100,
            issued: OffsetDateTime::from_unix_timestamp(issued.unix_timestamp()).unwrap(),
        }
    }

    #[test]
    fn round_trip_and_lifetime() {
        let now = OffsetDateTime::now_utc();
        let fresh = token(now);
        let text = fresh.encode();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(ResumptionToken::decode(&text, now), Ok(fresh));
        let later = now + LIFETIME + Duration::SECOND;
        assert_eq!(
            ResumptionToken::decode(&text, later),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn anything_else_is_malformed() {
        let now = OffsetDateTime::now_utc();
        let from_the_future = token(now + Duration::hours(1)).encode();
        let text = token(now).encode();
        let cut = &text[..text.len() - 3];
        for bad in ["", "abc", "!!!", cut, from_the_future.as_str()] {
            assert_eq!(
                ResumptionToken::decode(bad, now),
                Err(TokenError::Malformed),
                "{bad}"
            );
        }
        let other_version =
            URL_SAFE_NO_PAD.encode(r#"{"v":2,"k":"r","s":null,"f":0,"u":0,"a":[0,1],"c":0,"i":0}"#);
        assert_eq!(
            ResumptionToken::decode(&other_version, now),
            Err(TokenError::Malformed)
        );
    }
}
