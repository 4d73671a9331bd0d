//! Uploads are spooled to a local file while they stream in — never held in memory — and
//! inspected there before anything is kept. A spooled file is removed when its guard drops,
//! unless the store keeps it as an original. Object storage also relays the file on while it
//! grows (`Relay`), so receiving and storing overlap.

use super::objects::StoreError;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Bytes gathered before each write to the spool file: each write is a hand-off to a blocking
/// thread, and the network delivers far smaller chunks.
const WRITE_BUFFER: usize = 256 * 1024;

/// An upload being written.
#[derive(Debug)]
pub struct Spool {
    file: BufWriter<tokio::fs::File>,
    temp: TempPath,
    written: u64,
    /// Whether `finish` syncs the file: only where the file itself becomes the original.
    durable: bool,
    relay: Option<Relay>,
}

impl Spool {
    pub(super) fn new(file: tokio::fs::File, path: PathBuf) -> Spool {
        Spool {
            file: BufWriter::with_capacity(WRITE_BUFFER, file),
            temp: TempPath(Some(path)),
            written: 0,
            durable: true,
            relay: None,
        }
    }

    /// A spool whose file is only a step on the way to another store: not synced.
    pub(super) fn scratch(self) -> Spool {
        Spool {
            durable: false,
            ..self
        }
    }

    pub(super) fn relayed(self, relay: Relay) -> Spool {
        Spool {
            relay: Some(relay),
            ..self
        }
    }

    pub(super) fn path(&self) -> &Path {
        self.temp.path()
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), StoreError> {
        self.file
            .write_all(bytes)
            .await
            .map_err(StoreError::new("writing an upload"))?;
        self.written += u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if let Some(relay) = &mut self.relay
            && self.written >= relay.reported + relay.every
        {
            // The relay reads the file: what was written must have reached it.
            self.file
                .flush()
                .await
                .map_err(StoreError::new("flushing an upload"))?;
            relay.report(Progress::Written(self.written));
        }
        Ok(())
    }

    /// Makes the complete upload durable (fsync, where the file is kept) before anything
    /// refers to it.
    pub async fn finish(mut self) -> Result<Spooled, StoreError> {
        self.file
            .flush()
            .await
            .map_err(StoreError::new("flushing an upload"))?;
        if self.durable {
            let sync = StoreError::new("syncing an upload");
            self.file.get_ref().sync_all().await.map_err(sync)?;
        }
        if let Some(relay) = &mut self.relay {
            relay.size = self.written;
            relay.report(Progress::Complete(self.written));
        }
        Ok(Spooled {
            temp: self.temp,
            relay: self.relay,
        })
    }

    /// Writes all of `source`, 64 KiB at a time, and makes it durable: the complete file and
    /// its SHA-256 (an original copied from a bag or from another store).
    pub async fn copy_from(
        mut self,
        source: &mut (impl AsyncRead + Unpin),
    ) -> Result<(Spooled, [u8; 32]), CopyError> {
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = source.read(&mut buffer).await.map_err(CopyError::Reading)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            self.write(&buffer[..read]).await?;
        }
        Ok((self.finish().await?, hasher.finalize().into()))
    }
}

/// Why `Spool::copy_from` failed: reading its source, or the spool itself.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("reading: {0}")]
    Reading(io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How far a relayed upload has come, as its relay task is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Progress {
    /// This many bytes are in the file, and more are coming.
    Written(u64),
    /// The whole upload is in the file: this many bytes.
    Complete(u64),
    /// The upload passed inspection and is to be kept: finish storing it.
    Keep(u64),
}

/// A task that stores a spooled upload while it is still arriving (object storage: the parts
/// of a multipart upload). It is told the `Progress`; dropping this handle before `keep`
/// (a refused or failed upload) tells it to abandon what it sent.
#[derive(Debug)]
pub(super) struct Relay {
    /// The key the upload is stored under.
    key: String,
    progress: watch::Sender<Progress>,
    task: JoinHandle<io::Result<()>>,
    /// How many new bytes make a report worth sending (a part's size).
    every: u64,
    reported: u64,
    size: u64,
}

impl Relay {
    /// The receiving end goes to `task`, spawned by the caller.
    pub(super) fn channel() -> (watch::Sender<Progress>, watch::Receiver<Progress>) {
        watch::channel(Progress::Written(0))
    }

    pub(super) fn new(
        key: String,
        progress: watch::Sender<Progress>,
        task: JoinHandle<io::Result<()>>,
        every: u64,
    ) -> Relay {
        Relay {
            key,
            progress,
            task,
            every,
            reported: 0,
            size: 0,
        }
    }

    pub(super) fn key(&self) -> &str {
        &self.key
    }

    fn report(&mut self, progress: Progress) {
        if let Progress::Written(written) = progress {
            self.reported = written;
        }
        // A task that ended (it failed) no longer listens; `keep` reports its error.
        self.progress.send_replace(progress);
    }

    /// Tells the task to finish storing the upload, and waits for it.
    pub(super) async fn keep(mut self) -> io::Result<()> {
        self.report(Progress::Keep(self.size));
        match (&mut self.task).await {
            Ok(stored) => stored,
            Err(failed) => Err(io::Error::other(failed)),
        }
    }
}

/// A complete upload (durable where it is kept as it is), to be inspected and perhaps kept.
#[derive(Debug)]
pub struct Spooled {
    temp: TempPath,
    relay: Option<Relay>,
}

impl Spooled {
    /// Its content and size, read through a 64 KB buffer (blocking: call it off the runtime).
    pub fn reader(&self) -> io::Result<(BufReader<File>, u64)> {
        let file = File::open(self.temp.path())?;
        let size = file.metadata()?.len();
        Ok((BufReader::with_capacity(64 * 1024, file), size))
    }

    /// Where the file is on local disk, for a child process to read (`audio::probe`).
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// The file, no longer removed on drop: whoever takes it keeps or removes it.
    pub(super) fn into_path(mut self) -> Option<PathBuf> {
        self.temp.0.take()
    }

    /// The task storing this upload while it arrived, if the store started one.
    pub(super) fn take_relay(&mut self) -> Option<Relay> {
        self.relay.take()
    }
}

/// A spooled file, removed on drop unless taken.
#[derive(Debug)]
struct TempPath(Option<PathBuf>);

impl TempPath {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}
