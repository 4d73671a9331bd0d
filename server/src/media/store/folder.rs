//! The folder backend (`MEDIA_DIR`), shared by every instance; the only code that touches the
//! files of the media store:
//!
//! - `tmp/` — uploads being received (`Spool`); never referenced by a row.
//! - `originals/{key}` — what residents sent, private, never served.
//! - `derivatives/{public_key}/{width}.{jpg|webp}` — re-encoded copies without metadata.
//! - `exports/{key}.tar` — open-data exports (`/data`), made in `open-data-work/`.
//!
//! A file moves from `tmp/` to `originals/` (fsync, then an atomic rename) before the row that
//! names it commits; guards delete what a failed request leaves, and the sweep removes anything
//! left by a crash (see `sweep`). Keys that did not come from `random_key` never reach a path.

use super::objects::{
    Area, ExportTarget, LocalOriginal, ObjectReader, StoreError, StoredDerivative, StoredOriginal,
    VoiceTarget, export_file_name,
};
use super::spool::{Spool, Spooled};
use crate::media::names::{DerivativeName, is_valid_key, random_key};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone)]
pub struct FileStore {
    /// Shared: the state (and so this) is cloned for every request.
    root: Arc<Path>,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> FileStore {
        FileStore {
            root: Arc::from(root.into()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub fn originals_dir(&self) -> PathBuf {
        self.root.join("originals")
    }

    pub fn derivatives_dir(&self) -> PathBuf {
        self.root.join("derivatives")
    }

    pub fn exports_dir(&self) -> PathBuf {
        self.root.join("exports")
    }

    /// Where the instance holding the export lock makes an open-data export (not shared work:
    /// emptied whenever one begins).
    pub(super) fn open_data_work_dir(&self) -> PathBuf {
        self.root.join("open-data-work")
    }

    pub fn original_path(&self, key: &str) -> PathBuf {
        self.originals_dir().join(key)
    }

    pub fn derivative_dir(&self, public_key: &str) -> PathBuf {
        self.derivatives_dir().join(public_key)
    }

    fn area_dir(&self, area: Area) -> PathBuf {
        match area {
            Area::Spool => self.tmp_dir(),
            Area::Originals => self.originals_dir(),
            Area::Derivatives => self.derivatives_dir(),
            Area::Exports => self.exports_dir(),
        }
    }

    fn folders(&self) -> [PathBuf; 4] {
        [
            self.tmp_dir(),
            self.originals_dir(),
            self.derivatives_dir(),
            self.exports_dir(),
        ]
    }

    pub(super) async fn prepare(&self) -> Result<(), StoreError> {
        for dir in self.folders() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(StoreError::new("creating the media folders"))?;
        }
        Ok(())
    }

    pub(super) async fn check_reachable(&self) -> Result<(), StoreError> {
        for dir in self.folders() {
            let metadata = tokio::fs::metadata(&dir)
                .await
                .map_err(StoreError::new("reaching the media folders"))?;
            if !metadata.is_dir() {
                return Err(StoreError::new("reaching the media folders")(
                    std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
                ));
            }
        }
        Ok(())
    }

    /// A new empty file under `tmp/`.
    pub(super) async fn spool(&self) -> Result<Spool, StoreError> {
        let error = StoreError::new("creating an upload file");
        tokio::fs::create_dir_all(self.tmp_dir())
            .await
            .map_err(StoreError::new("creating tmp/"))?;
        let path = self.tmp_dir().join(format!("{}.part", random_key()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(error)?;
        Ok(Spool::new(file, path))
    }

    /// Moves a complete upload into `originals/`: the rename is atomic and the folder is
    /// synced so the name survives a crash.
    pub(super) async fn keep_original(
        &self,
        upload: Spooled,
    ) -> Result<StoredOriginal, StoreError> {
        tokio::fs::create_dir_all(self.originals_dir())
            .await
            .map_err(StoreError::new("creating originals/"))?;
        let key = random_key();
        let target = self.original_path(&key);
        let source = upload.into_path().ok_or_else(|| {
            StoreError::new("keeping an original")(io::Error::other("already moved"))
        })?;
        if let Err(error) = tokio::fs::rename(&source, &target).await {
            let _ = tokio::fs::remove_file(&source).await;
            return Err(StoreError::new("keeping an original")(error));
        }
        let guard = StoredOriginal::file(key, target);
        sync_dir(self.originals_dir())
            .await
            .map_err(StoreError::new("syncing originals/"))?;
        Ok(guard)
    }

    /// Keeps a complete upload as the original under `key` (a restore puts each original back
    /// under the key its row names). Refuses a key that is not one of ours or is taken.
    pub(super) async fn restore_original(
        &self,
        upload: Spooled,
        key: &str,
    ) -> Result<StoredOriginal, StoreError> {
        let refuse = |why: &'static str| {
            StoreError::new("restoring an original")(io::Error::new(
                io::ErrorKind::InvalidInput,
                why,
            ))
        };
        if !is_valid_key(key) {
            return Err(refuse("not a media key"));
        }
        tokio::fs::create_dir_all(self.originals_dir())
            .await
            .map_err(StoreError::new("creating originals/"))?;
        let target = self.original_path(key);
        if tokio::fs::try_exists(&target).await.unwrap_or(true) {
            return Err(refuse("an original with this key is already there"));
        }
        let source = upload.into_path().ok_or_else(|| refuse("already moved"))?;
        if let Err(error) = tokio::fs::rename(&source, &target).await {
            let _ = tokio::fs::remove_file(&source).await;
            return Err(StoreError::new("restoring an original")(error));
        }
        let guard = StoredOriginal::file(key.to_owned(), target);
        sync_dir(self.originals_dir())
            .await
            .map_err(StoreError::new("syncing originals/"))?;
        Ok(guard)
    }

    /// Whether any original or derivative is kept (uploads in `tmp/` do not count).
    pub(super) async fn holds_objects(&self) -> Result<bool, StoreError> {
        for dir in [self.originals_dir(), self.derivatives_dir()] {
            match tokio::fs::read_dir(&dir).await {
                Ok(mut entries) => {
                    let first = entries
                        .next_entry()
                        .await
                        .map_err(StoreError::new("reading the media folders"))?;
                    if first.is_some() {
                        return Ok(true);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::new("reading the media folders")(e)),
            }
        }
        Ok(false)
    }

    pub(super) fn original(&self, key: &str) -> Result<LocalOriginal, StoreError> {
        if !is_valid_key(key) {
            let error = io::Error::new(io::ErrorKind::InvalidInput, "not a media key");
            return Err(StoreError::new("reading an original")(error));
        }
        Ok(LocalOriginal::new(self.original_path(key)))
    }

    /// Opens an original to read it as a stream; `None` when there is no such file.
    pub(super) async fn open_original(
        &self,
        key: &str,
    ) -> Result<Option<ObjectReader>, StoreError> {
        let path = self.original(key)?.path().to_path_buf();
        match tokio::fs::File::open(path).await {
            Ok(file) => Ok(Some(Box::new(file))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::new("opening an original")(e)),
        }
    }

    /// Writes each derivative atomically (temp file, fsync, rename): a reader sees either
    /// nothing or the whole file, and writing the same twice is harmless. Then removes any other
    /// of the photo (a photo made again may have other widths).
    pub(super) async fn put_derivatives(
        &self,
        public_key: &str,
        files: Vec<(DerivativeName, Vec<u8>)>,
    ) -> Result<(), StoreError> {
        let dir = self.derivative_dir(public_key);
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)
                .map_err(StoreError::new("creating a derivative folder"))?;
            for (name, bytes) in &files {
                write_atomically(&dir, &name.file_name(), bytes)
                    .map_err(StoreError::new("writing a derivative"))?;
            }
            let keep: Vec<String> = files.iter().map(|(name, _)| name.file_name()).collect();
            remove_others(&dir, &keep).map_err(StoreError::new("removing old derivatives"))
        })
        .await
        .map_err(|e| StoreError::new("writing derivatives")(io::Error::other(e)))?
    }

    pub(super) async fn derivative(
        &self,
        public_key: &str,
        name: DerivativeName,
    ) -> Result<Option<StoredDerivative>, StoreError> {
        if !is_valid_key(public_key) {
            return Ok(None);
        }
        let path = self.derivative_dir(public_key).join(name.file_name());
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(StoreError::new("reading a derivative")(error)),
        };
        let modified = tokio::fs::metadata(&path)
            .await
            .and_then(|m| m.modified())
            .ok();
        Ok(Some(StoredDerivative { bytes, modified }))
    }

    /// The names of a photo's derivatives (none when it has no folder).
    pub(super) async fn derivative_names(
        &self,
        public_key: &str,
    ) -> Result<Vec<DerivativeName>, StoreError> {
        if !is_valid_key(public_key) {
            return Ok(Vec::new());
        }
        let mut names = Vec::new();
        let mut entries = match tokio::fs::read_dir(self.derivative_dir(public_key)).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(names),
            Err(e) => return Err(StoreError::new("listing derivatives")(e)),
        };
        while let Some(entry) = entries
            .next_entry()
            .await
            .map_err(StoreError::new("listing derivatives"))?
        {
            if let Some(name) = entry.file_name().to_str().and_then(DerivativeName::parse) {
                names.push(name);
            }
        }
        Ok(names)
    }

    /// Removes an original and a derivative folder; what is already gone counts as deleted.
    pub(super) async fn delete_photo(
        &self,
        original_key: &str,
        public_key: &str,
    ) -> Result<(), StoreError> {
        if is_valid_key(original_key) {
            gone(tokio::fs::remove_file(self.original_path(original_key)).await)
                .map_err(StoreError::new("deleting an original"))?;
        }
        self.delete_derivatives(public_key).await
    }

    /// Where a recording's access copy is written (its folder created): the copy is written
    /// beside it and renamed into place, so a reader sees the whole file or none.
    pub(super) async fn voice_target(&self, public_key: &str) -> Result<VoiceTarget, StoreError> {
        if !is_valid_key(public_key) {
            let error = io::Error::new(io::ErrorKind::InvalidInput, "not a media key");
            return Err(StoreError::new("writing an access copy")(error));
        }
        let dir = self.derivative_dir(public_key);
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(StoreError::new("creating a derivative folder"))?;
        Ok(VoiceTarget::new(public_key, dir.join(VOICE_FILE), false))
    }

    /// A recording's access copy on disk, if it is there (served with range requests).
    pub(super) async fn voice_file(&self, public_key: &str) -> Option<PathBuf> {
        if !is_valid_key(public_key) {
            return None;
        }
        let path = self.derivative_dir(public_key).join(VOICE_FILE);
        tokio::fs::metadata(&path)
            .await
            .ok()?
            .is_file()
            .then_some(path)
    }

    /// Streams a recording's access copy; `None` when there is none.
    pub(super) async fn read_voice(
        &self,
        public_key: &str,
    ) -> Result<Option<ObjectReader>, StoreError> {
        if !is_valid_key(public_key) {
            return Ok(None);
        }
        let path = self.derivative_dir(public_key).join(VOICE_FILE);
        match tokio::fs::File::open(path).await {
            Ok(file) => Ok(Some(Box::new(file))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::new("opening an access copy")(e)),
        }
    }

    pub(super) async fn export_target(&self) -> Result<ExportTarget, StoreError> {
        ExportTarget::begin(self.open_data_work_dir()).await
    }

    /// Moves a packed export into `exports/` (synced first: its row commits after this).
    pub(super) async fn keep_export(&self, target: &ExportTarget) -> Result<(), StoreError> {
        let error = StoreError::new("keeping an open-data export");
        let tar = target.tar().to_path_buf();
        tokio::task::spawn_blocking(move || std::fs::File::open(tar)?.sync_all())
            .await
            .map_err(io::Error::other)
            .and_then(|synced| synced)
            .map_err(StoreError::new("syncing an open-data export"))?;
        tokio::fs::create_dir_all(self.exports_dir())
            .await
            .map_err(StoreError::new("creating exports/"))?;
        tokio::fs::rename(target.tar(), self.exports_dir().join(target.file_name()))
            .await
            .map_err(error)
    }

    /// An export on disk, if it is there (served with range requests).
    pub(super) async fn export_file(&self, key: &str) -> Option<PathBuf> {
        if !is_valid_key(key) {
            return None;
        }
        let path = self.exports_dir().join(export_file_name(key));
        tokio::fs::metadata(&path)
            .await
            .ok()?
            .is_file()
            .then_some(path)
    }

    pub(super) async fn delete_export(&self, key: &str) -> Result<(), StoreError> {
        if !is_valid_key(key) {
            return Ok(());
        }
        gone(tokio::fs::remove_file(self.exports_dir().join(export_file_name(key))).await)
            .map_err(StoreError::new("deleting an open-data export"))
    }

    pub(super) async fn delete_derivatives(&self, public_key: &str) -> Result<(), StoreError> {
        if !is_valid_key(public_key) {
            return Ok(());
        }
        gone(tokio::fs::remove_dir_all(self.derivative_dir(public_key)).await)
            .map_err(StoreError::new("deleting derivatives"))
    }

    /// The names in `area` last changed at least `min_age` ago (none if it cannot be read).
    pub(super) async fn older_than(&self, area: Area, min_age: Duration) -> Vec<String> {
        let Ok(mut entries) = tokio::fs::read_dir(self.area_dir(area)).await else {
            return Vec::new();
        };
        let now = SystemTime::now();
        let mut old = Vec::new();
        while let Ok(Some(entry)) = entries.next_entry().await {
            let modified = entry.metadata().await.and_then(|m| m.modified());
            let age = modified.ok().and_then(|m| now.duration_since(m).ok());
            let name = entry.file_name().into_string();
            if let (Some(age), Ok(name)) = (age, name)
                && age >= min_age
            {
                old.push(name);
            }
        }
        old
    }

    /// Removes one entry of `area` found by `older_than`; whether it was removed.
    pub(super) async fn remove(&self, area: Area, name: &str) -> bool {
        let path = self.area_dir(area).join(name);
        let removed = match area {
            Area::Derivatives => tokio::fs::remove_dir_all(&path).await,
            Area::Spool | Area::Originals | Area::Exports => tokio::fs::remove_file(&path).await,
        };
        removed.is_ok()
    }
}

/// The access copy's name in its derivative folder.
pub(super) const VOICE_FILE: &str = "voice.mp3";

fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let partial = dir.join(format!(".{}.part", random_key()));
    let result = (|| {
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Keeps only `keep` in a derivative folder. Files being written (`.…part`) are left alone.
fn remove_others(dir: &Path, keep: &[String]) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && !keep.contains(&name) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// A file that is already gone counts as deleted.
fn gone(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

async fn sync_dir(dir: PathBuf) -> io::Result<()> {
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(io::Error::other)?
}
