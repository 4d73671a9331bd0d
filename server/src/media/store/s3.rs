//! The object-storage backend (`MEDIA_STORE=s3`: Garage, MinIO, AWS, OSS, COS …), path-style
//! addressing, two buckets because Garage has neither ACLs nor bucket policies:
//!
//! - private bucket: `originals/{key}` — what residents sent, never served.
//! - public bucket: `derivatives/{public_key}/{width}.{jpg|webp}` and
//!   `derivatives/{public_key}/voice.mp3`, and open-data exports `exports/{key}.tar`, written
//!   with their `Content-Type` and `Cache-Control`, served through the app (same URLs and rules
//!   as the folder backend).
//!
//! Requests are signed by `rusty-s3` (presigned URLs, unsigned payload) and sent with
//! `reqwest`. Uploads spool to `MEDIA_DIR/tmp/` (hashed and inspected there, not synced: the
//! bucket keeps them) and stream from that file into the private bucket: one PUT up to
//! `PART_SIZE` once the upload is kept; above it a multipart upload whose parts go while the
//! upload still arrives, completed when it is kept, aborted when it is refused or fails.
//! Nothing is ever held whole in memory but derivatives (already in memory when made) and one
//! derivative being served.

use super::folder::{FileStore, VOICE_FILE};
use super::objects::{
    Area, EXPORT_CACHE, ExportTarget, LocalOriginal, ObjectReader, StoreError, StoredDerivative,
    StoredOriginal, VoiceTarget, export_file_name,
};
use super::spool::{Progress, Relay, Spool, Spooled};
use crate::config::S3Settings;
use crate::media::names::{DerivativeName, is_valid_key, random_key};
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use futures_util::TryStreamExt;
use rusty_s3::S3Action;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::sync::watch;

/// How long a signed request stays valid: enough for one part on a slow link.
const SIGNED_FOR: Duration = Duration::from_secs(15 * 60);
/// Multipart part size; files up to this size go in a single PUT.
const PART_SIZE: u64 = 8 * 1024 * 1024;
/// Bytes read from a file per chunk of a request body (each read is a hand-off to a blocking
/// thread).
const READ_BUFFER: usize = 256 * 1024;
/// `/readyz` must answer quickly even when the service hangs.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// The `Cache-Control` stored with public objects, for whoever serves the bucket directly.
/// Equal to the app's own for approved media (`routes::PUBLIC_MAX_AGE`, checked by a test).
pub const OBJECT_CACHE: &str = "public, max-age=300";
const ORIGINALS: &str = "originals/";
const DERIVATIVES: &str = "derivatives/";
const EXPORTS: &str = "exports/";
/// How the sweep names a multipart upload left unfinished (`older_than(Area::Spool)`).
const UNFINISHED: &str = "multipart:";

#[derive(Debug, Clone)]
pub struct S3Store {
    /// Shared: the state (and so this) is cloned for every request.
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: S3Settings,
    client: reqwest::Client,
    /// `MEDIA_DIR`, of which only `tmp/` is used: uploads being received, originals being read.
    local: FileStore,
}

/// The two buckets.
#[derive(Debug, Clone, Copy)]
enum Which {
    Private,
    Public,
}

impl S3Store {
    pub fn new(settings: S3Settings, media_dir: impl Into<PathBuf>) -> S3Store {
        let client = reqwest::Client::builder()
            .connect_timeout(CHECK_TIMEOUT)
            .read_timeout(Duration::from_secs(60))
            .build()
            .unwrap_or_default();
        S3Store {
            inner: Arc::new(Inner {
                settings,
                client,
                local: FileStore::new(media_dir),
            }),
        }
    }

    fn bucket(&self, which: Which) -> &rusty_s3::Bucket {
        match which {
            Which::Private => &self.inner.settings.private,
            Which::Public => &self.inner.settings.public,
        }
    }

    fn credentials(&self) -> Option<&rusty_s3::Credentials> {
        Some(&self.inner.settings.credentials)
    }

    fn client(&self) -> &reqwest::Client {
        &self.inner.client
    }

    pub(super) async fn prepare(&self) -> Result<(), StoreError> {
        tokio::fs::create_dir_all(self.inner.local.tmp_dir())
            .await
            .map_err(StoreError::new("creating tmp/"))
    }

    /// Both buckets answer `HEAD` with success.
    pub(super) async fn check_reachable(&self) -> Result<(), StoreError> {
        for which in [Which::Private, Which::Public] {
            let url = self
                .bucket(which)
                .head_bucket(self.credentials())
                .sign(SIGNED_FOR);
            let request = self.client().head(url).timeout(CHECK_TIMEOUT);
            send(request)
                .await
                .map_err(StoreError::new("reaching the buckets"))?;
        }
        Ok(())
    }

    /// A new upload, spooled and relayed into the private bucket under a new key while it
    /// arrives; `keep_original` finishes it, a drop aborts it.
    pub(super) async fn spool(&self) -> Result<Spool, StoreError> {
        let spool = self.spool_copy().await?;
        let (progress, listener) = Relay::channel();
        let key = random_key();
        let relay = self.clone().relay(
            format!("{ORIGINALS}{key}"),
            spool.path().to_owned(),
            listener,
        );
        let relay = Relay::new(key, progress, tokio::spawn(relay), PART_SIZE);
        Ok(spool.relayed(relay))
    }

    /// A spool for a copy that `restore_original` puts whole (its key is known).
    pub(super) async fn spool_copy(&self) -> Result<Spool, StoreError> {
        Ok(self.inner.local.spool().await?.scratch())
    }

    /// Finishes storing an upload in the private bucket (its relay sent most of it while it
    /// arrived); the spool file is removed when `upload` drops, whatever happens.
    pub(super) async fn keep_original(
        &self,
        mut upload: Spooled,
    ) -> Result<StoredOriginal, StoreError> {
        let failed = StoreError::new("keeping an original");
        let Some(relay) = upload.take_relay() else {
            return self
                .put_original(upload, random_key())
                .await
                .map_err(failed);
        };
        let key = relay.key().to_owned();
        relay.keep().await.map_err(failed)?;
        Ok(self.guard_original(key))
    }

    /// Puts an upload into the private bucket under `key`, guarded until its row commits.
    async fn put_original(&self, upload: Spooled, key: String) -> io::Result<StoredOriginal> {
        let object = format!("{ORIGINALS}{key}");
        self.put_file(Which::Private, &object, upload.path(), &[])
            .await?;
        Ok(self.guard_original(key))
    }

    /// An original just put: deleted again unless its row commits.
    fn guard_original(&self, key: String) -> StoredOriginal {
        let store = self.clone();
        StoredOriginal::object(key, Box::new(move |key| store.delete_uncommitted(key)))
    }

    /// The private bucket's answer for an original; `None` on 404.
    async fn get_original(&self, key: &str) -> io::Result<Option<reqwest::Response>> {
        self.get(
            Which::Private,
            &format!("{ORIGINALS}{key}"),
            &HeaderMap::new(),
        )
        .await
    }

    /// Streams a complete upload into the private bucket under `key` (a restore puts each
    /// original back under the key its row names). Refuses a key that is not one of ours or
    /// is taken.
    pub(super) async fn restore_original(
        &self,
        upload: Spooled,
        key: &str,
    ) -> Result<StoredOriginal, StoreError> {
        let failed = StoreError::new("restoring an original");
        let refuse = |why: &'static str| {
            StoreError::new("restoring an original")(io::Error::new(
                io::ErrorKind::InvalidInput,
                why,
            ))
        };
        if !is_valid_key(key) {
            return Err(refuse("not a media key"));
        }
        let object = format!("{ORIGINALS}{key}");
        // Keys are all the same length: the only object under this prefix is this one.
        if self
            .any_under(Which::Private, &object)
            .await
            .map_err(failed)?
        {
            return Err(refuse("an original with this key is already there"));
        }
        self.put_original(upload, key.to_owned())
            .await
            .map_err(StoreError::new("restoring an original"))
    }

    /// Whether either bucket holds an original or a derivative (a restore needs empty ones).
    pub(super) async fn holds_objects(&self) -> Result<bool, StoreError> {
        for (which, prefix) in [(Which::Private, ORIGINALS), (Which::Public, DERIVATIVES)] {
            let any = self.any_under(which, prefix).await;
            if any.map_err(StoreError::new("listing the buckets"))? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Deleting takes a request: spawned. If it fails (or no runtime is left), the object is
    /// an orphan that the sweep removes after `sweep::MIN_AGE`.
    fn delete_uncommitted(self, key: String) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = self.delete_original(&key).await {
                    tracing::warn!(%error, "deleting an uncommitted original failed");
                }
            });
        }
    }

    pub(super) async fn delete_original(&self, key: &str) -> Result<(), StoreError> {
        self.delete(Which::Private, &format!("{ORIGINALS}{key}"))
            .await
            .map_err(StoreError::new("deleting an original"))
    }

    /// Downloads an original into `tmp/` (streamed), removed when the guard drops.
    pub(super) async fn original(&self, key: &str) -> Result<LocalOriginal, StoreError> {
        let error = StoreError::new("reading an original");
        if !is_valid_key(key) {
            return Err(error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a media key",
            )));
        }
        let response = self
            .get_original(key)
            .await
            .map_err(StoreError::new("reading an original"))?;
        let response = match response {
            Some(response) if response.status().is_success() => response,
            _ => return Err(error(io::ErrorKind::NotFound.into())),
        };
        let path = self
            .inner
            .local
            .tmp_dir()
            .join(format!("{}.part", random_key()));
        // The guard first, so a failed download leaves nothing behind.
        let local = LocalOriginal::temporary(path.clone());
        download(response, &path)
            .await
            .map_err(StoreError::new("downloading an original"))?;
        Ok(local)
    }

    /// Streams an original; `None` when the bucket has no such object.
    pub(super) async fn open_original(
        &self,
        key: &str,
    ) -> Result<Option<ObjectReader>, StoreError> {
        if !is_valid_key(key) {
            return Ok(None);
        }
        let response = self
            .get_original(key)
            .await
            .map_err(StoreError::new("opening an original"))?;
        Ok(response.map(streamed))
    }

    /// Puts each derivative (a PUT replaces an object whole), then removes any other object of
    /// the photo (a photo made again may have other widths).
    pub(super) async fn put_derivatives(
        &self,
        public_key: &str,
        files: Vec<(DerivativeName, Vec<u8>)>,
    ) -> Result<(), StoreError> {
        let prefix = derivative_prefix(public_key)?;
        let mut keep = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let object = format!("{prefix}{}", name.file_name());
            let headers = [
                (header::CONTENT_TYPE, name.format.mime()),
                (header::CACHE_CONTROL, OBJECT_CACHE),
            ];
            self.put(
                Which::Public,
                &object,
                reqwest::Body::from(bytes),
                None,
                &headers,
            )
            .await
            .map_err(StoreError::new("writing a derivative"))?;
            keep.push(object);
        }
        for object in self
            .list(Which::Public, &prefix)
            .await
            .map_err(StoreError::new("listing derivatives"))?
        {
            if !keep.contains(&object.key) {
                self.delete(Which::Public, &object.key)
                    .await
                    .map_err(StoreError::new("removing old derivatives"))?;
            }
        }
        Ok(())
    }

    pub(super) async fn derivative(
        &self,
        public_key: &str,
        name: DerivativeName,
    ) -> Result<Option<StoredDerivative>, StoreError> {
        let Ok(prefix) = derivative_prefix(public_key) else {
            return Ok(None);
        };
        let object = format!("{prefix}{}", name.file_name());
        let error = StoreError::new("reading a derivative");
        let Some(response) = self
            .get(Which::Public, &object, &HeaderMap::new())
            .await
            .map_err(StoreError::new("reading a derivative"))?
        else {
            return Ok(None);
        };
        let modified = response
            .headers()
            .get(header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| error(io::Error::other(e)))?;
        Ok(Some(StoredDerivative {
            bytes: bytes.to_vec(),
            modified,
        }))
    }

    /// The names of a photo's derivatives, listed.
    pub(super) async fn derivative_names(
        &self,
        public_key: &str,
    ) -> Result<Vec<DerivativeName>, StoreError> {
        let Ok(prefix) = derivative_prefix(public_key) else {
            return Ok(Vec::new());
        };
        let listed = self
            .list(Which::Public, &prefix)
            .await
            .map_err(StoreError::new("listing derivatives"))?;
        Ok(listed
            .iter()
            .filter_map(|object| object.key.strip_prefix(&prefix))
            .filter_map(DerivativeName::parse)
            .collect())
    }

    /// Streams a recording's access copy; `None` when there is none.
    pub(super) async fn read_voice(
        &self,
        public_key: &str,
    ) -> Result<Option<ObjectReader>, StoreError> {
        let Ok(prefix) = derivative_prefix(public_key) else {
            return Ok(None);
        };
        let response = self
            .get(
                Which::Public,
                &format!("{prefix}{VOICE_FILE}"),
                &HeaderMap::new(),
            )
            .await
            .map_err(StoreError::new("opening an access copy"))?;
        Ok(response.map(streamed))
    }

    pub(super) async fn delete_photo(
        &self,
        original_key: &str,
        public_key: &str,
    ) -> Result<(), StoreError> {
        if is_valid_key(original_key) {
            self.delete_original(original_key).await?;
        }
        self.delete_derivatives(public_key).await
    }

    /// A file in `tmp/` for the access copy; `keep_voice` uploads it.
    pub(super) async fn voice_target(&self, public_key: &str) -> Result<VoiceTarget, StoreError> {
        derivative_prefix(public_key)?;
        self.prepare().await?;
        let path = self
            .inner
            .local
            .tmp_dir()
            .join(format!("{}.mp3", random_key()));
        Ok(VoiceTarget::new(public_key, path, true))
    }

    pub(super) async fn keep_voice(&self, target: VoiceTarget) -> Result<(), StoreError> {
        let object = format!("{}{VOICE_FILE}", derivative_prefix(&target.public_key)?);
        let headers = [
            (header::CONTENT_TYPE, "audio/mpeg"),
            (header::CACHE_CONTROL, OBJECT_CACHE),
        ];
        self.put_file(Which::Public, &object, target.path(), &headers)
            .await
            .map_err(StoreError::new("writing an access copy"))
    }

    /// The access copy as S3 answers it (`serve_public`); `None` when it has none.
    pub(super) async fn serve_voice(
        &self,
        public_key: &str,
        request: &HeaderMap,
    ) -> Result<Option<Response>, StoreError> {
        let Ok(prefix) = derivative_prefix(public_key) else {
            return Ok(None);
        };
        self.serve_public(&format!("{prefix}{VOICE_FILE}"), request)
            .await
            .map_err(StoreError::new("serving an access copy"))
    }

    /// An open-data export as S3 answers it (`serve_public`); `None` when there is none.
    pub(super) async fn serve_export(
        &self,
        key: &str,
        request: &HeaderMap,
    ) -> Result<Option<Response>, StoreError> {
        if !is_valid_key(key) {
            return Ok(None);
        }
        self.serve_public(&format!("{EXPORTS}{}", export_file_name(key)), request)
            .await
            .map_err(StoreError::new("serving an open-data export"))
    }

    /// A public object as S3 answers it: `Range` and the conditional headers are forwarded, so
    /// 206 with `Content-Range`, 304 and 416 come from the service; `None` when there is none.
    async fn serve_public(
        &self,
        object: &str,
        request: &HeaderMap,
    ) -> io::Result<Option<Response>> {
        let mut forwarded = HeaderMap::new();
        for name in [
            header::RANGE,
            header::IF_RANGE,
            header::IF_NONE_MATCH,
            header::IF_MODIFIED_SINCE,
        ] {
            if let Some(value) = request.get(&name) {
                forwarded.insert(name, value.clone());
            }
        }
        let Some(answer) = self.get(Which::Public, object, &forwarded).await? else {
            return Ok(None);
        };
        let mut response = Response::builder().status(answer.status());
        for name in [
            header::CONTENT_LENGTH,
            header::CONTENT_RANGE,
            header::ACCEPT_RANGES,
            header::ETAG,
            header::LAST_MODIFIED,
        ] {
            if let Some(value) = answer.headers().get(&name) {
                response = response.header(name, value.clone());
            }
        }
        response
            .body(Body::from_stream(answer.bytes_stream()))
            .map_err(io::Error::other)
            .map(Some)
    }

    /// A work folder beside the spool for an open-data export.
    pub(super) async fn export_target(&self) -> Result<ExportTarget, StoreError> {
        self.inner.local.export_target().await
    }

    pub(super) async fn keep_export(&self, target: &ExportTarget) -> Result<(), StoreError> {
        let object = format!("{EXPORTS}{}", target.file_name());
        let headers = [
            (header::CONTENT_TYPE, "application/x-tar"),
            (header::CACHE_CONTROL, EXPORT_CACHE),
        ];
        self.put_file(Which::Public, &object, target.tar(), &headers)
            .await
            .map_err(StoreError::new("keeping an open-data export"))
    }

    pub(super) async fn delete_export(&self, key: &str) -> Result<(), StoreError> {
        if !is_valid_key(key) {
            return Ok(());
        }
        self.delete(
            Which::Public,
            &format!("{EXPORTS}{}", export_file_name(key)),
        )
        .await
        .map_err(StoreError::new("deleting an open-data export"))
    }

    pub(super) async fn delete_derivatives(&self, public_key: &str) -> Result<(), StoreError> {
        let Ok(prefix) = derivative_prefix(public_key) else {
            return Ok(());
        };
        self.delete_prefix(Which::Public, &prefix)
            .await
            .map_err(StoreError::new("deleting derivatives"))
    }

    /// Originals by key, derivative "folders" by public key (old when their newest object
    /// is); the spool is local, plus the multipart uploads of originals never completed or
    /// aborted (a crash while receiving). Listing errors give nothing, as an unreadable
    /// folder does.
    pub(super) async fn older_than(&self, area: Area, min_age: Duration) -> Vec<String> {
        let (which, prefix) = match area {
            Area::Spool => {
                let mut names = self.inner.local.older_than(area, min_age).await;
                names.extend(self.unfinished_older_than(min_age).await);
                return names;
            }
            Area::Originals => (Which::Private, ORIGINALS),
            Area::Derivatives => (Which::Public, DERIVATIVES),
            Area::Exports => (Which::Public, EXPORTS),
        };
        let objects = match self.list(which, prefix).await {
            Ok(objects) => objects,
            Err(error) => {
                tracing::warn!(%error, "listing the bucket for the sweep failed");
                return Vec::new();
            }
        };
        let mut newest: HashMap<String, SystemTime> = HashMap::new();
        for object in objects {
            let rest = object.key.strip_prefix(prefix).unwrap_or(&object.key);
            let name = match area {
                Area::Derivatives => rest.split_once('/').map_or(rest, |(name, _)| name),
                _ => rest,
            };
            let entry = newest.entry(name.to_owned()).or_insert(object.modified);
            *entry = (*entry).max(object.modified);
        }
        newest
            .into_iter()
            .filter(|(_, modified)| is_older(*modified, min_age))
            .map(|(name, _)| name)
            .collect()
    }

    /// Multipart uploads of originals begun at least `min_age` ago, named
    /// `multipart:{upload id}:{object}` (a spool file's name never starts so).
    async fn unfinished_older_than(&self, min_age: Duration) -> Vec<String> {
        match self.unfinished_uploads().await {
            Ok(uploads) => uploads
                .into_iter()
                .filter(|upload| is_older(upload.initiated, min_age))
                .map(|upload| format!("{UNFINISHED}{}:{}", upload.upload_id, upload.object))
                .collect(),
            Err(error) => {
                tracing::warn!(%error, "listing multipart uploads for the sweep failed");
                Vec::new()
            }
        }
    }

    pub(super) async fn remove(&self, area: Area, name: &str) -> bool {
        match area {
            Area::Spool => match name
                .strip_prefix(UNFINISHED)
                .and_then(|n| n.rsplit_once(':'))
            {
                Some((upload_id, object)) if object.starts_with(ORIGINALS) => self
                    .send_abort(Which::Private, object, upload_id)
                    .await
                    .is_ok(),
                _ => self.inner.local.remove(area, name).await,
            },
            Area::Originals => self
                .delete(Which::Private, &format!("{ORIGINALS}{name}"))
                .await
                .is_ok(),
            Area::Derivatives => self
                .delete_prefix(Which::Public, &format!("{DERIVATIVES}{name}/"))
                .await
                .is_ok(),
            Area::Exports => self
                .delete(Which::Public, &format!("{EXPORTS}{name}"))
                .await
                .is_ok(),
        }
    }

    /// The private bucket's multipart uploads under `originals/` not completed or aborted
    /// (ListMultipartUploads, which rusty-s3 has no action for: its object listing is signed
    /// with the query changed). One page: up to 1,000 per sweep.
    async fn unfinished_uploads(&self) -> io::Result<Vec<Unfinished>> {
        let mut list = self
            .bucket(Which::Private)
            .list_objects_v2(self.credentials());
        list.query_mut().remove("list-type");
        list.query_mut().insert("uploads", "");
        list.with_prefix(ORIGINALS);
        let url = list.sign(SIGNED_FOR);
        let body = self.text_of(url).await?;
        let page: UploadsPage = quick_xml::de::from_str(&body).map_err(io::Error::other)?;
        page.uploads
            .into_iter()
            .map(|upload| {
                let initiated = parse_rfc3339(&upload.initiated).ok_or_else(|| {
                    io::Error::other(format!("odd Initiated {:?}", upload.initiated))
                })?;
                Ok(Unfinished {
                    object: percent_decoded(&upload.key)?,
                    upload_id: upload.upload_id,
                    initiated,
                })
            })
            .collect()
    }

    // Requests.

    /// One PUT; `length` for a streamed body (S3 wants a `Content-Length`).
    async fn put(
        &self,
        which: Which,
        object: &str,
        body: reqwest::Body,
        length: Option<u64>,
        headers: &[(header::HeaderName, &'static str)],
    ) -> io::Result<reqwest::Response> {
        let url = self
            .bucket(which)
            .put_object(self.credentials(), object)
            .sign(SIGNED_FOR);
        let mut request = self.client().put(url).body(body);
        if let Some(length) = length {
            request = request.header(header::CONTENT_LENGTH, length);
        }
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        send(request).await
    }

    /// Streams a local file into `object`: one PUT, or a multipart upload above `PART_SIZE`.
    async fn put_file(
        &self,
        which: Which,
        object: &str,
        path: &Path,
        headers: &[(header::HeaderName, &'static str)],
    ) -> io::Result<()> {
        let size = tokio::fs::metadata(path).await?.len();
        if size <= PART_SIZE {
            let body = file_part(path, 0, size).await?;
            self.put(which, object, body, Some(size), headers).await?;
            return Ok(());
        }
        let mut upload = self.start_multipart(which, object, headers).await?;
        let sent = upload.send_parts_until(path, size, true).await;
        upload.end(sent).await
    }

    /// Starts a multipart upload of `object`.
    async fn start_multipart(
        &self,
        which: Which,
        object: &str,
        headers: &[(header::HeaderName, &'static str)],
    ) -> io::Result<Multipart> {
        let url = self
            .bucket(which)
            .create_multipart_upload(self.credentials(), object)
            .sign(SIGNED_FOR);
        let mut request = self.client().post(url);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let body = send(request)
            .await?
            .text()
            .await
            .map_err(io::Error::other)?;
        let created = rusty_s3::actions::CreateMultipartUpload::parse_response(&body)
            .map_err(io::Error::other)?;
        Ok(Multipart {
            store: self.clone(),
            which,
            object: object.to_owned(),
            upload_id: created.upload_id().to_owned(),
            etags: Vec::new(),
            sent: 0,
        })
    }

    /// Stores a spooled upload while it arrives: each whole part as soon as the spool file
    /// holds it, the rest (or the file in one PUT, when it stayed small) once `Keep` comes.
    /// Ends with an error, the multipart upload aborted, when the spool is dropped before.
    async fn relay(
        self,
        object: String,
        path: PathBuf,
        mut progress: watch::Receiver<Progress>,
    ) -> io::Result<()> {
        let mut multipart: Option<Multipart> = None;
        let relayed = self
            .relay_parts(&object, &path, &mut progress, &mut multipart)
            .await;
        match multipart {
            Some(upload) => upload.end(relayed).await,
            None => relayed,
        }
    }

    async fn relay_parts(
        &self,
        object: &str,
        path: &Path,
        progress: &mut watch::Receiver<Progress>,
        multipart: &mut Option<Multipart>,
    ) -> io::Result<()> {
        loop {
            let now = *progress.borrow_and_update();
            let (written, complete) = match now {
                Progress::Written(written) => (written, false),
                Progress::Complete(size) | Progress::Keep(size) => (size, true),
            };
            if multipart.is_none() && written > PART_SIZE {
                *multipart = Some(self.start_multipart(Which::Private, object, &[]).await?);
            }
            if let Some(upload) = multipart.as_mut() {
                upload.send_parts_until(path, written, complete).await?;
            }
            if let Progress::Keep(size) = now {
                if multipart.is_none() {
                    let body = file_part(path, 0, size).await?;
                    self.put(Which::Private, object, body, Some(size), &[])
                        .await?;
                }
                return Ok(());
            }
            if progress.changed().await.is_err() {
                return Err(io::Error::other("the upload was not kept"));
            }
        }
    }

    /// Aborts a multipart upload, so that its parts go; a failure is logged (the sweep aborts
    /// what is left after `sweep::MIN_AGE`).
    async fn abort_multipart(&self, which: Which, object: &str, upload_id: &str) {
        if let Err(error) = self.send_abort(which, object, upload_id).await {
            tracing::warn!(%error, object, "aborting a multipart upload failed");
        }
    }

    async fn send_abort(&self, which: Which, object: &str, upload_id: &str) -> io::Result<()> {
        let url = self
            .bucket(which)
            .abort_multipart_upload(self.credentials(), object, upload_id)
            .sign(SIGNED_FOR);
        send(self.client().delete(url)).await.map(drop)
    }

    /// `None` on 404; any other answer but 2xx, 304, 412 and 416 is an error.
    async fn get(
        &self,
        which: Which,
        object: &str,
        headers: &HeaderMap,
    ) -> io::Result<Option<reqwest::Response>> {
        let url = self
            .bucket(which)
            .get_object(self.credentials(), object)
            .sign(SIGNED_FOR);
        let response = self
            .client()
            .get(url)
            .headers(headers.clone())
            .send()
            .await
            .map_err(io::Error::other)?;
        match response.status() {
            StatusCode::NOT_FOUND => Ok(None),
            StatusCode::NOT_MODIFIED
            | StatusCode::PRECONDITION_FAILED
            | StatusCode::RANGE_NOT_SATISFIABLE => Ok(Some(response)),
            status if status.is_success() => Ok(Some(response)),
            _ => Err(status_error(response).await),
        }
    }

    /// Deletes one object; one already gone counts as deleted (S3 answers 204 either way).
    async fn delete(&self, which: Which, object: &str) -> io::Result<()> {
        let url = self
            .bucket(which)
            .delete_object(self.credentials(), object)
            .sign(SIGNED_FOR);
        let response = self
            .client()
            .delete(url)
            .send()
            .await
            .map_err(io::Error::other)?;
        if response.status().is_success() || response.status() == StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(status_error(response).await)
        }
    }

    async fn delete_prefix(&self, which: Which, prefix: &str) -> io::Result<()> {
        for object in self.list(which, prefix).await? {
            self.delete(which, &object.key).await?;
        }
        Ok(())
    }

    /// The body of a signed GET (a listing).
    async fn text_of(&self, url: reqwest::Url) -> io::Result<String> {
        send(self.client().get(url))
            .await?
            .text()
            .await
            .map_err(io::Error::other)
    }

    /// Whether any object lies under `prefix` (one ListObjectsV2 page of one key).
    async fn any_under(&self, which: Which, prefix: &str) -> io::Result<bool> {
        let mut list = self.bucket(which).list_objects_v2(self.credentials());
        list.with_prefix(prefix);
        list.with_max_keys(1);
        let url = list.sign(SIGNED_FOR);
        let body = self.text_of(url).await?;
        let page =
            rusty_s3::actions::ListObjectsV2::parse_response(&body).map_err(io::Error::other)?;
        Ok(!page.contents.is_empty())
    }

    /// Every object under `prefix` (ListObjectsV2, following continuation tokens).
    async fn list(&self, which: Which, prefix: &str) -> io::Result<Vec<Listed>> {
        let mut objects = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut list = self.bucket(which).list_objects_v2(self.credentials());
            list.with_prefix(prefix);
            if let Some(token) = &token {
                list.with_continuation_token(token.clone());
            }
            let url = list.sign(SIGNED_FOR);
            let body = self.text_of(url).await?;
            let page = rusty_s3::actions::ListObjectsV2::parse_response(&body)
                .map_err(io::Error::other)?;
            for object in page.contents {
                let modified = parse_rfc3339(&object.last_modified).ok_or_else(|| {
                    io::Error::other(format!("odd LastModified {:?}", object.last_modified))
                })?;
                let key = percent_decoded(&object.key)?;
                objects.push(Listed { key, modified });
            }
            match page.next_continuation_token {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(objects),
            }
        }
    }
}

struct Listed {
    key: String,
    modified: SystemTime,
}

/// A multipart upload neither completed nor aborted.
#[derive(Debug)]
struct Unfinished {
    object: String,
    upload_id: String,
    initiated: SystemTime,
}

/// A ListMultipartUploads answer, as much as is read of it.
#[derive(serde::Deserialize)]
struct UploadsPage {
    #[serde(rename = "Upload", default)]
    uploads: Vec<UploadEntry>,
}

#[derive(serde::Deserialize)]
struct UploadEntry {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "UploadId")]
    upload_id: String,
    #[serde(rename = "Initiated")]
    initiated: String,
}

/// rusty-s3 asks for `encoding-type=url`: keys come percent-encoded.
fn percent_decoded(key: &str) -> io::Result<String> {
    Ok(percent_encoding::percent_decode_str(key)
        .decode_utf8()
        .map_err(io::Error::other)?
        .into_owned())
}

fn is_older(modified: SystemTime, min_age: Duration) -> bool {
    SystemTime::now()
        .duration_since(modified)
        .is_ok_and(|age| age >= min_age)
}

/// A multipart upload under way: its parts go in order, `PART_SIZE` each but the last.
struct Multipart {
    store: S3Store,
    which: Which,
    object: String,
    upload_id: String,
    etags: Vec<String>,
    /// Bytes of the file already sent as parts.
    sent: u64,
}

impl Multipart {
    /// Sends the parts of the file's first `written` bytes not sent yet: whole parts only,
    /// and the last, shorter one too when `complete`.
    async fn send_parts_until(
        &mut self,
        path: &Path,
        written: u64,
        complete: bool,
    ) -> io::Result<()> {
        while written - self.sent >= PART_SIZE || (complete && written > self.sent) {
            let length = PART_SIZE.min(written - self.sent);
            self.send_part(path, length).await?;
        }
        Ok(())
    }

    async fn send_part(&mut self, path: &Path, length: u64) -> io::Result<()> {
        let number =
            u16::try_from(self.etags.len() + 1).map_err(|_| io::Error::other("too many parts"))?;
        let url = self
            .store
            .bucket(self.which)
            .upload_part(
                self.store.credentials(),
                &self.object,
                number,
                &self.upload_id,
            )
            .sign(SIGNED_FOR);
        let body = file_part(path, self.sent, length).await?;
        let request = self
            .store
            .client()
            .put(url)
            .header(header::CONTENT_LENGTH, length)
            .body(body);
        let response = send(request).await?;
        let etag = response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| io::Error::other("a part's answer has no ETag"))?;
        self.etags.push(etag.to_owned());
        self.sent += length;
        Ok(())
    }

    /// Completes the upload when every part went (`sent` is `Ok`), else aborts it, so that
    /// nothing of it stays in the bucket.
    async fn end(self, sent: io::Result<()>) -> io::Result<()> {
        let completed = match sent {
            Ok(()) => self.complete().await,
            Err(error) => Err(error),
        };
        if completed.is_err() {
            self.store
                .abort_multipart(self.which, &self.object, &self.upload_id)
                .await;
        }
        completed
    }

    async fn complete(&self) -> io::Result<()> {
        let complete = self.store.bucket(self.which).complete_multipart_upload(
            self.store.credentials(),
            &self.object,
            &self.upload_id,
            self.etags.iter().map(String::as_str),
        );
        let url = complete.sign(SIGNED_FOR);
        let body = complete.body();
        send(self.store.client().post(url).body(body)).await?;
        Ok(())
    }
}

/// An object's body as a stream.
fn streamed(response: reqwest::Response) -> ObjectReader {
    let stream = response.bytes_stream().map_err(io::Error::other);
    Box::new(tokio_util::io::StreamReader::new(stream))
}

/// `derivatives/{public_key}/`, for keys that came from `random_key` only.
fn derivative_prefix(public_key: &str) -> Result<String, StoreError> {
    if is_valid_key(public_key) {
        Ok(format!("{DERIVATIVES}{public_key}/"))
    } else {
        let error = io::Error::new(io::ErrorKind::InvalidInput, "not a media key");
        Err(StoreError::new("naming a derivative")(error))
    }
}

async fn send(request: reqwest::RequestBuilder) -> io::Result<reqwest::Response> {
    let response = request.send().await.map_err(io::Error::other)?;
    if response.status().is_success() {
        Ok(response)
    } else {
        Err(status_error(response).await)
    }
}

/// The status and the start of the service's error document (its `<Code>`).
async fn status_error(response: reqwest::Response) -> io::Error {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let excerpt: String = body.chars().take(300).collect();
    io::Error::other(format!("S3 answered {status}: {excerpt}"))
}

/// `length` bytes of a local file from `offset`, as a streamed request body.
async fn file_part(path: &Path, offset: u64, length: u64) -> io::Result<reqwest::Body> {
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(io::SeekFrom::Start(offset)).await?;
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(length), READ_BUFFER);
    Ok(reqwest::Body::wrap_stream(stream))
}

/// Writes a response body to a new local file, chunk by chunk.
async fn download(response: reqwest::Response, path: &Path) -> io::Result<()> {
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await?;
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.try_next().await.map_err(io::Error::other)? {
        file.write_all(&chunk).await?;
    }
    file.flush().await?;
    Ok(())
}

fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some(at.into())
}

fn parse_http_date(text: &str) -> Option<SystemTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(text, &format).ok()?;
    Some(at.assume_utc().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_and_http_dates_are_read() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(at));
        assert_eq!(parse_rfc3339("1994-11-06T08:49:37Z"), Some(at));
        assert_eq!(
            parse_rfc3339("1994-11-06T08:49:37.500Z"),
            Some(at + Duration::from_millis(500))
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn only_random_keys_name_objects() {
        assert!(derivative_prefix("AAAAAAAAAAAAAAAAAAAAAA").is_ok());
        assert!(derivative_prefix("../AAAAAAAAAAAAAAAAAAA").is_err());
        assert!(derivative_prefix("").is_err());
    }
}
