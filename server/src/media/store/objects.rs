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
}

/// An original as a local file, for the derive step to read.
#[derive(Debug)]
pub struct LocalOriginal {
    path: PathBuf,
}

impl LocalOriginal {
    pub(super) fn new(path: PathBuf) -> LocalOriginal {
        LocalOriginal { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
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
