//! Receiving one recording from the stream of its bytes (a `recording` part read by
//! `web::form`): spooled (never in memory), hashed, capped at `RECORDING_MAX_BYTES` while it
//! streams, made durable, then probed (`audio::probe`: content sniffing and ffprobe in a
//! limited child) before anything else happens with it. Knows nothing about HTTP or forms.

use super::rows::KeptRecording;
use crate::media::audio::{self, AudioFacts};
use crate::media::store::{MediaStore, Spooled};
use crate::media::upload::{
    IntakeError, ReceiveError, Streamed, drain, next_chunk, stream_to_spool,
};
use app::domain::AudioRefusal;
use app::domain::limits::{RECORDING_MAX_BYTES, RECORDINGS_PER_STORY};
use bytes::Bytes;
use futures_util::Stream;
use sha2::{Digest, Sha256};

/// A complete, probed recording, spooled.
#[derive(Debug)]
pub struct UploadedRecording {
    pub file: Spooled,
    pub sha256: [u8; 32],
    pub size: u64,
    pub facts: AudioFacts,
}

/// One non-empty `recording` part: `index` is its place among the recording parts (empty
/// parts included), which pairs it with the details sent in the same order.
#[derive(Debug)]
pub struct ReceivedRecording {
    pub index: usize,
    pub outcome: Result<UploadedRecording, AudioRefusal>,
}

/// Counts `recording` parts while a form is read.
#[derive(Debug, Default)]
pub struct RecordingCounts {
    parts: usize,
    files: usize,
}

/// Reads one recording from `part` to its end. A part with an empty file name
/// (`empty_name`) and no content means "no recording" and gives `None`.
pub async fn receive<S, E>(
    part: &mut S,
    empty_name: bool,
    store: &MediaStore,
    counts: &mut RecordingCounts,
) -> Result<Option<ReceivedRecording>, ReceiveError<E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let index = counts.parts;
    counts.parts += 1;
    let first = next_chunk(part).await?;
    if empty_name && first.as_ref().is_none_or(|b| b.is_empty()) {
        drain(part).await?;
        return Ok(None);
    }
    counts.files += 1;
    let outcome = match first {
        _ if counts.files > RECORDINGS_PER_STORY => {
            drain(part).await?;
            Err(AudioRefusal::TooMany {
                max: RECORDINGS_PER_STORY,
            })
        }
        None => Err(AudioRefusal::Empty),
        Some(first) => match stream_to_spool(part, first, store, RECORDING_MAX_BYTES).await? {
            None => Err(AudioRefusal::TooLarge {
                max_bytes: RECORDING_MAX_BYTES,
            }),
            Some(streamed) => probe(streamed).await?,
        },
    };
    Ok(Some(ReceivedRecording { index, outcome }))
}

/// A recording the server itself holds in memory (the demo's), spooled and probed exactly as an
/// uploaded one.
pub async fn from_bytes(
    store: &MediaStore,
    bytes: &[u8],
) -> Result<Result<UploadedRecording, AudioRefusal>, IntakeError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size == 0 {
        return Ok(Err(AudioRefusal::Empty));
    }
    if size > RECORDING_MAX_BYTES {
        return Ok(Err(AudioRefusal::TooLarge {
            max_bytes: RECORDING_MAX_BYTES,
        }));
    }
    let mut spool = store.spool().await?;
    spool.write(bytes).await?;
    let streamed = Streamed {
        file: spool.finish().await?,
        sha256: Sha256::digest(bytes).into(),
        size,
    };
    probe(streamed).await
}

async fn probe(streamed: Streamed) -> Result<Result<UploadedRecording, AudioRefusal>, IntakeError> {
    let facts = audio::probe(streamed.file.path()).await?;
    Ok(facts.map(|facts| UploadedRecording {
        file: streamed.file,
        sha256: streamed.sha256,
        size: streamed.size,
        facts,
    }))
}

/// A received recording whose details parsed: ready to be kept.
#[derive(Debug)]
pub struct NewRecording {
    pub details: app::domain::RecordingDetails,
    pub upload: UploadedRecording,
}

/// Moves each accepted recording into the originals store. If one move fails, those already
/// moved are removed again (their guards drop).
pub async fn keep_all(
    store: &MediaStore,
    recordings: Vec<NewRecording>,
) -> Result<Vec<KeptRecording>, IntakeError> {
    let mut kept = Vec::with_capacity(recordings.len());
    for recording in recordings {
        let original = store.keep_original(recording.upload.file).await?;
        kept.push(KeptRecording {
            details: recording.details,
            original,
            sha256: recording.upload.sha256,
            size: recording.upload.size,
            facts: recording.upload.facts,
        });
    }
    Ok(kept)
}
