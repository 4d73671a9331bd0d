//! `MediaStore`: the one interface to where photo files are kept. Intake puts originals,
//! jobs read them and put derivatives, the media route serves derivatives, deletions and the
//! sweep remove objects; none of them knows the backend: the shared folder (`FileStore`,
//! `MEDIA_STORE=file`) or two buckets of an S3-compatible service (`S3Store`, `MEDIA_STORE=s3`).

use super::folder::FileStore;
use super::objects::{
    Area, ExportTarget, LocalOriginal, ObjectReader, StoreError, StoredDerivative, StoredOriginal,
    VoiceTarget,
};
use super::s3::S3Store;
use super::spool::{Spool, Spooled};
use crate::config::{Config, MediaStoreKind};
use crate::media::names::DerivativeName;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use std::path::PathBuf;
use std::time::Duration;
use tower::ServiceExt;

#[derive(Debug, Clone)]
pub enum MediaStore {
    File(FileStore),
    S3(S3Store),
}

impl MediaStore {
    /// The folder backend rooted at `root` (`MEDIA_DIR`).
    pub fn folder(root: impl Into<PathBuf>) -> MediaStore {
        MediaStore::File(FileStore::new(root))
    }

    /// The backend `MEDIA_STORE` names.
    pub fn from_config(config: &Config) -> MediaStore {
        match &config.media_store {
            MediaStoreKind::File => MediaStore::folder(&config.media_dir),
            MediaStoreKind::S3(settings) => {
                MediaStore::S3(S3Store::new(settings.as_ref().clone(), &config.media_dir))
            }
        }
    }

    /// Creates what the backend needs before the first request.
    pub async fn prepare(&self) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.prepare().await,
            MediaStore::S3(bucket) => bucket.prepare().await,
        }
    }

    /// Whether the store can be used now (`/readyz`): every folder is there and a directory.
    pub async fn check_reachable(&self) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.check_reachable().await,
            MediaStore::S3(bucket) => bucket.check_reachable().await,
        }
    }

    /// Put an original, first step: a new upload, spooled to local disk as it streams in (and,
    /// for object storage, sent on into the bucket at the same time).
    pub async fn spool(&self) -> Result<Spool, StoreError> {
        match self {
            MediaStore::File(files) => files.spool().await,
            MediaStore::S3(bucket) => bucket.spool().await,
        }
    }

    /// A spool for an original that already has its key (a restore, `media migrate`):
    /// `restore_original` then puts it whole.
    pub async fn spool_copy(&self) -> Result<Spool, StoreError> {
        match self {
            MediaStore::File(files) => files.spool().await,
            MediaStore::S3(bucket) => bucket.spool_copy().await,
        }
    }

    /// Put an original, second step: keeps a complete, inspected upload under a new random
    /// key. The guard removes it again unless its row commits.
    pub async fn keep_original(&self, upload: Spooled) -> Result<StoredOriginal, StoreError> {
        match self {
            MediaStore::File(files) => files.keep_original(upload).await,
            MediaStore::S3(bucket) => bucket.keep_original(upload).await,
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
            MediaStore::S3(bucket) => bucket.restore_original(upload, key).await,
        }
    }

    /// Whether the store keeps any original or derivative (a restore needs an empty store).
    pub async fn holds_objects(&self) -> Result<bool, StoreError> {
        match self {
            MediaStore::File(files) => files.holds_objects().await,
            MediaStore::S3(bucket) => bucket.holds_objects().await,
        }
    }

    /// Reads an original: a local file of it for the derive step (for object storage a
    /// downloaded copy, removed when the guard drops).
    pub async fn original(&self, key: &str) -> Result<LocalOriginal, StoreError> {
        match self {
            MediaStore::File(files) => files.original(key),
            MediaStore::S3(bucket) => bucket.original(key).await,
        }
    }

    /// Streams an original (the fixity check reads every one); `None` when the store has no
    /// such object.
    pub async fn read_original(&self, key: &str) -> Result<Option<ObjectReader>, StoreError> {
        match self {
            MediaStore::File(files) => files.open_original(key).await,
            MediaStore::S3(bucket) => bucket.open_original(key).await,
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
            MediaStore::S3(bucket) => bucket.put_derivatives(public_key, files).await,
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
            MediaStore::S3(bucket) => bucket.derivative(public_key, name).await,
        }
    }

    /// The names of a photo's derivatives (`media migrate` copies each).
    pub async fn derivative_names(
        &self,
        public_key: &str,
    ) -> Result<Vec<DerivativeName>, StoreError> {
        match self {
            MediaStore::File(files) => files.derivative_names(public_key).await,
            MediaStore::S3(bucket) => bucket.derivative_names(public_key).await,
        }
    }

    /// Streams a recording's access copy; `None` when there is none.
    pub async fn read_voice(&self, public_key: &str) -> Result<Option<ObjectReader>, StoreError> {
        match self {
            MediaStore::File(files) => files.read_voice(public_key).await,
            MediaStore::S3(bucket) => bucket.read_voice(public_key).await,
        }
    }

    /// Where a recording's access copy is to be written, as a local file; `keep_voice` then
    /// makes it the one served.
    pub async fn voice_target(&self, public_key: &str) -> Result<VoiceTarget, StoreError> {
        match self {
            MediaStore::File(files) => files.voice_target(public_key).await,
            MediaStore::S3(bucket) => bucket.voice_target(public_key).await,
        }
    }

    /// Keeps an access copy written to its `voice_target` (the folder backend wrote it in place).
    pub async fn keep_voice(&self, target: VoiceTarget) -> Result<(), StoreError> {
        match self {
            MediaStore::File(_) => Ok(()),
            MediaStore::S3(bucket) => bucket.keep_voice(target).await,
        }
    }

    /// A recording's access copy as an answer to `request`, with range and conditional
    /// requests handled; `None` when there is none.
    pub async fn serve_voice(
        &self,
        public_key: &str,
        request: Request,
    ) -> Result<Option<Response>, StoreError> {
        match self {
            MediaStore::File(files) => match files.voice_file(public_key).await {
                Some(path) => Ok(Some(serve_file(path, request).await)),
                None => Ok(None),
            },
            MediaStore::S3(bucket) => bucket.serve_voice(public_key, request.headers()).await,
        }
    }

    /// Local files for a new open-data export (the instance must hold the export lock: the
    /// work folder is emptied); `keep_export` then puts its .tar in the `exports/` area.
    pub async fn export_target(&self) -> Result<ExportTarget, StoreError> {
        match self {
            MediaStore::File(files) => files.export_target().await,
            MediaStore::S3(bucket) => bucket.export_target().await,
        }
    }

    /// Puts a packed export in the `exports/` area, under its key, whole or not at all.
    pub async fn keep_export(&self, target: &ExportTarget) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.keep_export(target).await,
            MediaStore::S3(bucket) => bucket.keep_export(target).await,
        }
    }

    /// An open-data export as an answer to `request`, with range and conditional requests
    /// handled; `None` when there is none.
    pub async fn serve_export(
        &self,
        key: &str,
        request: Request,
    ) -> Result<Option<Response>, StoreError> {
        match self {
            MediaStore::File(files) => match files.export_file(key).await {
                Some(path) => Ok(Some(serve_file(path, request).await)),
                None => Ok(None),
            },
            MediaStore::S3(bucket) => bucket.serve_export(key, request.headers()).await,
        }
    }

    /// Deletes an open-data export; one already gone counts as deleted.
    pub async fn delete_export(&self, key: &str) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.delete_export(key).await,
            MediaStore::S3(bucket) => bucket.delete_export(key).await,
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
            MediaStore::S3(bucket) => bucket.delete_photo(original_key, public_key).await,
        }
    }

    /// Deletes a photo's derivatives only (made for a photo removed meanwhile).
    pub async fn delete_derivatives(&self, public_key: &str) -> Result<(), StoreError> {
        match self {
            MediaStore::File(files) => files.delete_derivatives(public_key).await,
            MediaStore::S3(bucket) => bucket.delete_derivatives(public_key).await,
        }
    }

    /// For the sweep: the names in `area` last changed at least `min_age` ago.
    pub async fn older_than(&self, area: Area, min_age: Duration) -> Vec<String> {
        match self {
            MediaStore::File(files) => files.older_than(area, min_age).await,
            MediaStore::S3(bucket) => bucket.older_than(area, min_age).await,
        }
    }

    /// For the sweep: removes one name found by `older_than`; whether it was removed.
    pub async fn remove(&self, area: Area, name: &str) -> bool {
        match self {
            MediaStore::File(files) => files.remove(area, name).await,
            MediaStore::S3(bucket) => bucket.remove(area, name).await,
        }
    }
}

/// A local file as an answer to `request`: range and conditional requests handled by
/// tower-http.
async fn serve_file(path: PathBuf, request: Request) -> Response {
    let Ok(served) = tower_http::services::ServeFile::new(path)
        .oneshot(request)
        .await;
    served.map(Body::new)
}
