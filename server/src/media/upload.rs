//! Receiving one photo file from a stream of its bytes (a multipart part, read by
//! `web::form`): spooled by the store (`MediaStore::spool`, never held in memory), hashed while
//! streaming, capped at `PHOTO_MAX_BYTES`, made durable, then inspected (format by content,
//! dimensions from the header) before anything else happens with it. Knows nothing about HTTP:
//! a stream that fails is given back as `ReceiveError::Read`, for its reader to answer.

use super::format::Inspected;
use super::inspect::inspect;
use super::store::{MediaStore, Spooled, StoreError};
use app::domain::limits::{PHOTO_MAX_BYTES, PHOTOS_PER_SIDE};
use app::domain::{PhotoRefusal, PhotoSlot};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The media store could not take an upload (a write, the fsync or a blocking task failed):
/// a server fault, answered by the HTTP layer (`web::error`).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("receiving a photo: {0}")]
    Store(#[from] StoreError),
    #[error("inspecting a photo: {0}")]
    Inspect(#[from] tokio::task::JoinError),
    #[error("probing a recording: {0}")]
    Probe(#[from] super::audio::AudioError),
}

/// Why a photo could not be received: its stream failed with `E` (the client's body), or the
/// store failed.
#[derive(Debug)]
pub enum ReceiveError<E> {
    Read(E),
    Intake(IntakeError),
}

impl<E> From<IntakeError> for ReceiveError<E> {
    fn from(error: IntakeError) -> Self {
        ReceiveError::Intake(error)
    }
}

/// Turns for receiving photos: at most `UPLOAD_CONCURRENCY` forms with files are read at once
/// on this instance. Receiving (multipart parsing, hashing, writing, fsync) runs on the cores
/// that answer readers; a waiting upload costs nothing, its bytes held back by TCP, so a
/// burst of uploads cannot take every core from readers (P8 in docs/performance.md).
#[derive(Debug, Clone)]
pub struct UploadGate {
    turns: Arc<Semaphore>,
    wait: Duration,
}

impl UploadGate {
    pub fn new(concurrency: usize, wait: Duration) -> UploadGate {
        UploadGate {
            turns: Arc::new(Semaphore::new(concurrency.max(1))),
            wait,
        }
    }

    /// Waits for a turn; `None` when none came within the configured wait.
    pub async fn turn(&self) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(self.wait, Arc::clone(&self.turns).acquire_owned())
            .await
            .ok()?
            .ok()
    }
}

/// A complete, inspected upload, spooled.
#[derive(Debug)]
pub struct UploadedPhoto {
    pub file: Spooled,
    pub sha256: [u8; 32],
    pub size: u64,
    pub inspected: Inspected,
}

/// One non-empty file part: `index` is its place among the file parts of its side (empty
/// parts included), which pairs it with the details sent in the same order.
#[derive(Debug)]
pub struct ReceivedPhoto {
    pub slot: PhotoSlot,
    pub index: usize,
    pub outcome: Result<UploadedPhoto, PhotoRefusal>,
}

/// Counts file parts per side while a form is read.
#[derive(Debug, Default)]
pub struct SideCounts {
    parts: [usize; 2],
    photos: [usize; 2],
}

/// Reads one photo file of `slot` from `part`, the stream of its bytes, to its end. A file
/// with an empty name (`empty_name`) and no content means "no photo" and gives `None`.
pub async fn receive<S, E>(
    part: &mut S,
    empty_name: bool,
    slot: PhotoSlot,
    store: &MediaStore,
    counts: &mut SideCounts,
) -> Result<Option<ReceivedPhoto>, ReceiveError<E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let side = slot.index();
    let index = counts.parts[side];
    counts.parts[side] += 1;
    let first = next_chunk(part).await?;
    if empty_name && first.as_ref().is_none_or(|b| b.is_empty()) {
        drain(part).await?;
        return Ok(None);
    }
    counts.photos[side] += 1;
    let outcome = match first {
        _ if counts.photos[side] > PHOTOS_PER_SIDE => {
            drain(part).await?;
            Err(PhotoRefusal::TooMany {
                max: PHOTOS_PER_SIDE,
            })
        }
        None => Err(PhotoRefusal::Empty),
        Some(first) => spool(part, first, store).await?,
    };
    Ok(Some(ReceivedPhoto {
        slot,
        index,
        outcome,
    }))
}

async fn spool<S, E>(
    part: &mut S,
    first: Bytes,
    store: &MediaStore,
) -> Result<Result<UploadedPhoto, PhotoRefusal>, ReceiveError<E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let Some(streamed) = stream_to_spool(part, first, store, PHOTO_MAX_BYTES).await? else {
        return Ok(Err(PhotoRefusal::TooLarge {
            max_bytes: PHOTO_MAX_BYTES,
        }));
    };
    Ok(inspect_spooled(streamed).await?)
}

/// A part streamed whole into the spool and made durable, with its SHA-256 and size.
#[derive(Debug)]
pub struct Streamed {
    pub file: Spooled,
    pub sha256: [u8; 32],
    pub size: u64,
}

/// Streams a part (its `first` chunk already read) into a new spool file, hashing as it goes.
/// `None` when it passes `max_bytes`: the rest is read and dropped, the spool file removed.
pub async fn stream_to_spool<S, E>(
    part: &mut S,
    first: Bytes,
    store: &MediaStore,
    max_bytes: u64,
) -> Result<Option<Streamed>, ReceiveError<E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut spool = store.spool().await.map_err(IntakeError::from)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut chunk = Some(first);
    while let Some(bytes) = chunk {
        size = size.saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        if size > max_bytes {
            drop(spool);
            drain(part).await?;
            return Ok(None);
        }
        hasher.update(&bytes);
        spool.write(&bytes).await.map_err(IntakeError::from)?;
        chunk = next_chunk(part).await?;
    }
    let file = spool.finish().await.map_err(IntakeError::from)?;
    Ok(Some(Streamed {
        file,
        sha256: hasher.finalize().into(),
        size,
    }))
}

/// Stores a photo that is already in memory (the demo content, `server seed-demo`) the way an
/// upload is stored: spooled, made durable, hashed and inspected, with the same size limit.
/// Keep it with `keep_all` like any upload.
pub async fn from_bytes(
    store: &MediaStore,
    bytes: &[u8],
) -> Result<Result<UploadedPhoto, PhotoRefusal>, IntakeError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size == 0 {
        return Ok(Err(PhotoRefusal::Empty));
    }
    if size > PHOTO_MAX_BYTES {
        return Ok(Err(PhotoRefusal::TooLarge {
            max_bytes: PHOTO_MAX_BYTES,
        }));
    }
    let mut spool = store.spool().await?;
    spool.write(bytes).await?;
    let streamed = Streamed {
        file: spool.finish().await?,
        sha256: Sha256::digest(bytes).into(),
        size,
    };
    inspect_spooled(streamed).await
}

/// Inspects a complete upload (off the runtime: it reads).
async fn inspect_spooled(
    streamed: Streamed,
) -> Result<Result<UploadedPhoto, PhotoRefusal>, IntakeError> {
    let Streamed { file, sha256, size } = streamed;
    let (file, inspected) = tokio::task::spawn_blocking(move || {
        let inspected = match file.reader() {
            Ok((reader, size)) => inspect(reader, size),
            Err(_) => Err(PhotoRefusal::Unreadable),
        };
        (file, inspected)
    })
    .await?;
    Ok(inspected.map(|inspected| UploadedPhoto {
        file,
        sha256,
        size,
        inspected,
    }))
}

pub async fn next_chunk<S, E>(part: &mut S) -> Result<Option<Bytes>, ReceiveError<E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    part.next().await.transpose().map_err(ReceiveError::Read)
}

pub async fn drain<S, E>(part: &mut S) -> Result<(), ReceiveError<E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    while next_chunk(part).await?.is_some() {}
    Ok(())
}

/// A received photo whose details parsed: ready to be kept.
#[derive(Debug)]
pub struct NewPhoto {
    pub slot: PhotoSlot,
    pub details: app::domain::PhotoDetails,
    pub upload: UploadedPhoto,
}

/// Moves each accepted upload into the originals store. If one move fails, those already
/// moved are removed again (their guards drop).
pub async fn keep_all(
    store: &MediaStore,
    photos: Vec<NewPhoto>,
) -> Result<Vec<super::photos::KeptPhoto>, IntakeError> {
    let mut kept = Vec::with_capacity(photos.len());
    for photo in photos {
        let original = store.keep_original(photo.upload.file).await?;
        kept.push(super::photos::KeptPhoto {
            slot: photo.slot,
            details: photo.details,
            original,
            sha256: photo.upload.sha256,
            size: photo.upload.size,
            inspected: photo.upload.inspected,
        });
    }
    Ok(kept)
}
