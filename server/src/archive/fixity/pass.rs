//! Reading one original and comparing its SHA-256, in small chunks (never the whole file in
//! memory), at no more than the configured bytes per second over the whole pass.

use crate::media::store::{MediaStore, StoreError};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

const CHUNK: usize = 64 * 1024;

/// Keeps a pass at or under `bytes_per_sec` (0: no limit): after each chunk it sleeps until the
/// bytes read so far could have been read at that rate since the pass began.
#[derive(Debug)]
pub struct Throttle {
    bytes_per_sec: u64,
    started: Instant,
    bytes: u64,
}

impl Throttle {
    pub fn new(bytes_per_sec: u64) -> Throttle {
        Throttle {
            bytes_per_sec,
            started: Instant::now(),
            bytes: 0,
        }
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    async fn read(&mut self, count: usize) {
        self.bytes += u64::try_from(count).unwrap_or(u64::MAX);
        if self.bytes_per_sec == 0 {
            return;
        }
        let nanos = u128::from(self.bytes) * 1_000_000_000 / u128::from(self.bytes_per_sec);
        let due = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        if let Some(wait) = due.checked_sub(self.started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
    }
}

/// What reading an original found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Intact,
    Missing,
    /// Its bytes hash to `found`.
    Changed {
        found: Vec<u8>,
    },
}

/// Reads the original `key` and compares its SHA-256 with `expected`.
pub async fn check(
    media: &MediaStore,
    key: &str,
    expected: &[u8],
    throttle: &mut Throttle,
) -> Result<Outcome, StoreError> {
    let Some(mut reader) = media.read_original(key).await? else {
        return Ok(Outcome::Missing);
    };
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let count = reader
            .read(&mut buffer)
            .await
            .map_err(StoreError::reading_original())?;
        if count == 0 {
            break;
        }
        hasher.update(&buffer[..count]);
        throttle.read(count).await;
    }
    let found = hasher.finalize().to_vec();
    Ok(if found == expected {
        Outcome::Intact
    } else {
        Outcome::Changed { found }
    })
}
