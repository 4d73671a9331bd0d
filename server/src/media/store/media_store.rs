//! `MediaStore`: the one interface to where photo files are kept. Intake puts originals,
//! jobs read them and put derivatives, the media route serves derivatives, deletions and the
//! sweep remove objects; none of them knows the backend. One backend today, the shared folder
//! (`FileStore`); object storage (S3/Garage) comes as another variant, and its arms are all
//! the code it needs.

use super::folder::{FileStore, StoredOriginal};
use super::objects::{Area, LocalOriginal, ObjectReader, StoreError, StoredDerivative};
use super::spool::{Spool, Spooled};
use crate::media::names::DerivativeName;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum MediaStore {
    File(FileStore),
}

impl MediaStore {
    /// The folder backend rooted at `root` (`MEDIA_DIR`).
    pub fn folder(root: impl Into<PathBuf>) -> MediaStore {
        MediaStore::File(FileStore::new(root))
    }

    /// Creates what the backend needs before the first request.
    pub async fn prepare(&self) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.prepare().await,
        }
    }

    /// Whether the store can be used now (`/readyz`): every folder is there and a directory.
    pub async fn check_reachable(&self) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.check_reachable().await,
        }
    }

    /// Put an original, first step: a new upload, spooled to local disk as it streams in.
    pub async fn spool(&self) -> Result<Spool, StoreError> {
        match self {
            MediaStore::File(files) => files.spool().await,
        }
    }

    /// Put an original, second step: keeps a complete, inspected upload under a new random
    /// key. The guard removes it again unless its row commits.
    pub async fn keep_original(&self, upload: Spooled) -> Result<StoredOriginal, StoreError> {
        match self {
            MediaStore::File(files) => files.keep_original(upload).await,
        }
    }

    /// Put an original under a given key (a restore from a bag: the key comes from the row).
    /// Like `keep_original`, the guard removes it again unless told its row committed; a key
    /// already taken is refused.
    pub async fn restore_original(
        &self,
        upload: Spooled,
        key: &str,
    ) -> Result<StoredOriginal, StoreError> {
        match self {
            MediaStore::File(files) => files.restore_original(upload, key).await,
        }
    }

    /// Whether the store keeps any original or derivative (a restore needs an empty store).
    pub async fn holds_objects(&self) -> Result<bool, StoreError> {
        match self {
            MediaStore::File(files) => files.holds_objects().await,
        }
    }

    /// Reads an original: a local file of it for the derive step.
    pub async fn original(&self, key: &str) -> Result<LocalOriginal, StoreError> {
        match self {
            MediaStore::File(files) => files.original(key),
        }
    }

    /// Streams an original (the fixity check reads every one); `None` when the store has no
    /// such object.
    pub async fn read_original(&self, key: &str) -> Result<Option<ObjectReader>, StoreError> {
        match self {
            MediaStore::File(files) => files.open_original(key).await,
        }
    }

    /// Puts a photo's derivatives, each whole or not at all, and removes any other it had.
    pub async fn put_derivatives(
        &self,
        public_key: &str,
        files: Vec<(DerivativeName, Vec<u8>)>,
    ) -> Result<(), StoreError> {
        match self {
            MediaStore::File(folder) => folder.put_derivatives(public_key, files).await,
        }
    }

    /// One derivative to serve; `None` when the photo has no such file.
    pub async fn derivative(
        &self,
        public_key: &str,
        name: DerivativeName,
    ) -> Result<Option<StoredDerivative>, StoreError> {
        match self {
            MediaStore::File(files) => files.derivative(public_key, name).await,
        }
    }

    /// Where a recording's access copy is to be written. Today a local path (the folder
    /// backend); object storage will write it locally and upload it.
    pub async fn voice_target(&self, public_key: &str) -> Result<PathBuf, StoreError> {
        match self {
            MediaStore::File(files) => files.voice_target(public_key).await,
        }
    }

    /// A recording's access copy, as a local file to serve with range requests.
    pub async fn voice_file(&self, public_key: &str) -> Option<PathBuf> {
        match self {
            MediaStore::File(files) => files.voice_file(public_key).await,
        }
    }

    /// Deletes every object of a removed photo or recording (its original and its derivative
    /// folder); what is already gone counts as deleted.
    pub async fn delete_photo(
        &self,
        original_key: &str,
        public_key: &str,
    ) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.delete_photo(original_key, public_key).await,
        }
    }

    /// Deletes a photo's derivatives only (made for a photo removed meanwhile).
    pub async fn delete_derivatives(&self, public_key: &str) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.delete_derivatives(public_key).await,
        }
    }

    /// For the sweep: the names in `area` last changed at least `min_age` ago.
    pub async fn older_than(&self, area: Area, min_age: Duration) -> Vec<String> {
        match self {
            MediaStore::File(files) => files.older_than(area, min_age).await,
        }
    }

    /// For the sweep: removes one name found by `older_than`; whether it was removed.
    pub async fn remove(&self, area: Area, name: &str) -> bool {
        match self {
            MediaStore::File(files) => files.remove(area, name).await,
        }
    }
}
