//! What the store hands out and takes, whatever the backend.

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
    /// Open-data exports, named `{open_data_exports.object_key}.tar`.
    Exports,
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

enum Pending {
    File(PathBuf),
    /// Removes the object with this key (object storage: a request, so it spawns one).
    Object(Box<dyn FnOnce(String) + Send + Sync>),
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pending::File(path) => f.debug_tuple("File").field(path).finish(),
            Pending::Object(_) => f.write_str("Object"),
        }
    }
}

impl StoredOriginal {
    pub(super) fn file(key: String, path: PathBuf) -> StoredOriginal {
        StoredOriginal {
            key,
            pending: Some(Pending::File(path)),
        }
    }

    pub(super) fn object(
        key: String,
        remove: Box<dyn FnOnce(String) + Send + Sync>,
    ) -> StoredOriginal {
        StoredOriginal {
            key,
            pending: Some(Pending::Object(remove)),
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
            Some(Pending::Object(remove)) => remove(std::mem::take(&mut self.key)),
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

/// An open-data export being made, as local files: the bag's folder and the .tar packed from
/// it, in a work folder that only the instance holding the export lock uses (emptied when an
/// export begins, so a crash leaves nothing for long). `MediaStore::keep_export` puts the .tar
/// in the `exports/` area; drop removes both local copies.
#[derive(Debug)]
pub struct ExportTarget {
    pub key: String,
    bag: PathBuf,
    tar: PathBuf,
}

impl ExportTarget {
    pub(super) async fn begin(work: PathBuf) -> Result<ExportTarget, StoreError> {
        let error = StoreError::new("preparing the open-data work folder");
        match tokio::fs::remove_dir_all(&work).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(error(e)),
            _ => {}
        }
        tokio::fs::create_dir_all(&work).await.map_err(error)?;
        let key = crate::media::names::random_key();
        Ok(ExportTarget {
            bag: work.join(format!("{key}.bag")),
            tar: work.join(format!("{key}.tar")),
            key,
        })
    }

    /// The folder the bag is written into (not there yet).
    pub fn bag(&self) -> &Path {
        &self.bag
    }

    /// The .tar packed from the bag.
    pub fn tar(&self) -> &Path {
        &self.tar
    }

    /// The name in the `exports/` area.
    pub fn file_name(&self) -> String {
        export_file_name(&self.key)
    }
}

impl Drop for ExportTarget {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.bag);
        let _ = std::fs::remove_file(&self.tar);
    }
}

/// How long an open-data export may be kept by browsers and caches: its key is new for every
/// export, so its bytes never change.
pub const EXPORT_CACHE: &str = "public, max-age=31536000, immutable";

/// An export's name in the `exports/` area.
pub fn export_file_name(key: &str) -> String {
    format!("{key}.tar")
}
