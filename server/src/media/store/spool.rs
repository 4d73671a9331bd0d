//! Uploads are spooled to a local file while they stream in — never held in memory — and
//! inspected there before anything is kept. A spooled file is removed when its guard drops,
//! unless the store keeps it as an original.

use super::objects::StoreError;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// An upload being written.
#[derive(Debug)]
pub struct Spool {
    file: tokio::fs::File,
    temp: TempPath,
}

impl Spool {
    pub(super) fn new(file: tokio::fs::File, path: PathBuf) -> Spool {
        Spool {
            file,
            temp: TempPath(Some(path)),
        }
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), StoreError> {
        self.file
            .write_all(bytes)
            .await
            .map_err(StoreError::new("writing an upload"))
    }

    /// Makes the complete upload durable (fsync) before anything refers to it.
    pub async fn finish(mut self) -> Result<Spooled, StoreError> {
        let sync = StoreError::new("syncing an upload");
        self.file
            .flush()
            .await
            .map_err(StoreError::new("flushing an upload"))?;
        self.file.sync_all().await.map_err(sync)?;
        Ok(Spooled { temp: self.temp })
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

/// A complete, durable upload, to be inspected and perhaps kept.
#[derive(Debug)]
pub struct Spooled {
    temp: TempPath,
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
