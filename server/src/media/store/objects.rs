//! What the store hands out and takes, whatever the backend.

use super::s3::S3Store;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A backend could not do what was asked: a server fault.
#[derive(Debug, thiserror::Error)]
#[error("media store: {action}: {source}")]
pub struct StoreError {
    action: &'static str,
    #[source]
    source: io::Error,
}

impl StoreError {
    pub(super) fn new(action: &'static str) -> impl FnOnce(io::Error) -> StoreError {
        move |source| StoreError { action, source }
    }

    /// Reading an object handed out as an `ObjectReader` failed.
    pub fn reading_original() -> impl FnOnce(io::Error) -> StoreError {
        StoreError::new("reading an original")
    }
}

/// Where the sweep looks for objects that nothing should keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Uploads being received (`Spool`): no row ever names them.
    Spool,
    /// Originals, named by `photos.original_key`.
    Originals,
    /// A photo's derivatives, together, named by `photos.public_key`.
    Derivatives,
}

/// An original as a local file, for the derive step to read: the file itself (folder backend)
/// or a downloaded copy in `tmp/`, removed on drop (object storage).
#[derive(Debug)]
pub struct LocalOriginal {
    path: PathBuf,
    temporary: bool,
}

impl LocalOriginal {
    pub(super) fn new(path: PathBuf) -> LocalOriginal {
        LocalOriginal {
            path,
            temporary: false,
        }
    }

    pub(super) fn temporary(path: PathBuf) -> LocalOriginal {
        LocalOriginal {
            path,
            temporary: true,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LocalOriginal {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where a recording's access copy is written, as a local file: in place (folder backend), or
/// in `tmp/` until `MediaStore::keep_voice` uploads it (object storage; removed on drop).
#[derive(Debug)]
pub struct VoiceTarget {
    pub(super) public_key: String,
    path: PathBuf,
    temporary: bool,
}

impl VoiceTarget {
    pub(super) fn new(public_key: &str, path: PathBuf, temporary: bool) -> VoiceTarget {
        VoiceTarget {
            public_key: public_key.to_owned(),
            path,
            temporary,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for VoiceTarget {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// An original whose row has not committed yet: removed on drop unless `committed` is called
/// (once COMMIT is sent: see `submission::store::commit_keeping`).
#[derive(Debug)]
pub struct StoredOriginal {
    pub key: String,
    pending: Option<Pending>,
}

#[derive(Debug)]
enum Pending {
    File(PathBuf),
    Object(S3Store),
}

impl StoredOriginal {
    pub(super) fn file(key: String, path: PathBuf) -> StoredOriginal {
        StoredOriginal {
            key,
            pending: Some(Pending::File(path)),
        }
    }

    pub(super) fn object(key: String, store: S3Store) -> StoredOriginal {
        StoredOriginal {
            key,
            pending: Some(Pending::Object(store)),
        }
    }

    pub fn committed(mut self) {
        self.pending = None;
    }
}

impl Drop for StoredOriginal {
    fn drop(&mut self) {
        match self.pending.take() {
            None => {}
            Some(Pending::File(path)) => {
                let _ = std::fs::remove_file(path);
            }
            // Deleting takes a request: spawned. If it fails (or no runtime is left), the
            // object is an orphan that the sweep removes after `sweep::MIN_AGE`.
            Some(Pending::Object(store)) => {
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    let key = std::mem::take(&mut self.key);
                    runtime.spawn(async move {
                        if let Err(error) = store.delete_original(&key).await {
                            tracing::warn!(%error, "deleting an uncommitted original failed");
                        }
                    });
                }
            }
        }
    }
}

/// One derivative as served: its bytes and when they were written.
#[derive(Debug)]
pub struct StoredDerivative {
    pub bytes: Vec<u8>,
    pub modified: Option<SystemTime>,
}

/// An object read as a stream (never whole in memory), whatever the backend.
pub type ObjectReader = Box<dyn tokio::io::AsyncRead + Send + Unpin>;
