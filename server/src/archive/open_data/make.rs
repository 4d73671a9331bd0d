//! Making one open-data export: the open bag written into a local work folder, packed into a
//! .tar (hashed as it is written), put in the media store, then recorded; older exports pruned.

use super::store::{self, NewExport};
use crate::archive::bag::writer::Hashing;
use crate::archive::bag::{self, ExportError, Kind, Tally};
use crate::config::Config;
use crate::media::store::{MediaStore, StoreError};
use app::domain::OpenDataTrigger;
use sqlx::PgPool;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum OpenDataError {
    #[error("writing the open bag: {0}")]
    Export(#[from] ExportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("open data: {0}")]
    Database(#[from] sqlx::Error),
    #[error("packing the open bag: {0}")]
    Pack(#[from] io::Error),
}

/// What was made.
#[derive(Debug, Clone)]
pub struct Made {
    pub key: String,
    pub tally: Tally,
    pub bytes: u64,
    pub sha256: String,
}

/// Makes an export now. The caller holds the export lock (`schedule`).
pub async fn make(
    db: &PgPool,
    config: &Config,
    media: &MediaStore,
    trigger: OpenDataTrigger,
) -> Result<Made, OpenDataError> {
    let as_of = store::now(db).await?;
    let target = media.export_target().await?;
    let (db_, config_) = (db.clone(), config.clone());
    let (bag_dir, tar, top) = (
        target.bag().to_path_buf(),
        target.tar().to_path_buf(),
        folder_name(as_of),
    );
    // The bag and the .tar are written with blocking file calls: on a blocking thread, not on
    // one of the runtime's workers that serve requests.
    let runtime = tokio::runtime::Handle::current();
    let written = tokio::task::spawn_blocking(move || {
        let exported = runtime.block_on(bag::export(&db_, &config_, &bag_dir, Kind::Open))?;
        let packed = pack(&bag_dir, &tar, &top)?;
        Ok::<_, OpenDataError>((exported, packed))
    });
    let (exported, (sha256, bytes)) = written.await.map_err(io::Error::other)??;
    media.keep_export(&target).await?;
    let new = NewExport {
        object_key: &target.key,
        trigger,
        as_of,
        tally: exported.tally,
        bytes,
        sha256: &sha256,
    };
    if let Err(error) = store::insert(db, &new).await {
        let _ = media.delete_export(&target.key).await;
        return Err(error.into());
    }
    store::requests_met(db, as_of).await?;
    let old = store::prune(db, super::KEEP).await?;
    delete_files(media, old).await;
    Ok(Made {
        key: target.key.clone(),
        tally: exported.tally,
        bytes,
        sha256,
    })
}

/// Deletes the exports a public change superseded since they were made (withdrawn, unpublished
/// or edited stories: they are no longer listed or served); how many.
pub async fn forget_superseded(db: &PgPool, media: &MediaStore) -> Result<usize, sqlx::Error> {
    let keys = store::forget_superseded(db).await?;
    let count = keys.len();
    delete_files(media, keys).await;
    Ok(count)
}

async fn delete_files(media: &MediaStore, keys: Vec<String>) {
    for key in keys {
        // A file not deleted now has no row any more: the sweep removes it.
        if let Err(error) = media.delete_export(&key).await {
            tracing::warn!(%error, %key, "deleting an open-data export failed");
        }
    }
}

/// The bag's folder inside the .tar, and the name the download is saved under (with `.tar`).
pub fn folder_name(as_of: OffsetDateTime) -> String {
    format!(
        "shinian-open-data-{}",
        crate::archive::oai::date::day(as_of)
    )
}

/// Packs `bag` into a new .tar at `out` under the folder `top`, without the server's owners,
/// modes or times (`HeaderMode::Deterministic`); the .tar's SHA-256 and length.
fn pack(bag: &Path, out: &Path, top: &str) -> io::Result<(String, u64)> {
    let file = std::fs::File::create(out)?;
    let mut builder = tar::Builder::new(Hashing::new(BufWriter::with_capacity(256 * 1024, file)));
    builder.mode(tar::HeaderMode::Deterministic);
    builder.follow_symlinks(false);
    builder.append_dir_all(PathBuf::from(top), bag)?;
    let (_, sha256, bytes) = builder.into_inner()?.finish()?;
    Ok((sha256, bytes))
}
