//! Originals copied from the bag into the media store under the keys their rows name, through
//! `MediaStore` (spooled in 64 KiB steps, hashed on the way), and removed again when the
//! restore fails.

use super::check::BagDir;
use super::document::{self, Original};
use super::error::ImportError;
use crate::media::store::{CopyError, MediaStore};

/// Copies one original into the store. A file whose SHA-256 differs from the one its row
/// recorded when it was received was already changed in the exported store (the bag's own
/// manifest was checked): it is restored as it is, with a warning, so that `server
/// fixity-check` reports it on the restored copy as it did on the first.
pub async fn put(store: &MediaStore, bag: &BagDir, original: &Original) -> Result<(), ImportError> {
    let path = bag.payload(&format!("data/{}", original.file))?;
    let mut file = tokio::fs::File::open(&path)
        .await
        .map_err(ImportError::io(&path))?;
    let (spooled, sha256) = match store.spool_copy().await?.copy_from(&mut file).await {
        Ok(copied) => copied,
        Err(CopyError::Reading(error)) => return Err(ImportError::io(&path)(error)),
        Err(CopyError::Store(error)) => return Err(error.into()),
    };
    if sha256.as_slice() != original.sha256.as_slice() {
        eprintln!(
            "warning: {} {}: the original {} does not have the SHA-256 recorded when it was received (it was changed before the export); restored as it is",
            original.object, original.id, original.file
        );
    }
    // Released at once: a failed restore removes what it put by reading the bag again
    // (`remove_all`), since a guard per original would grow with the collection.
    store
        .restore_original(spooled, &original.key)
        .await?
        .committed();
    Ok(())
}

/// After a failure: removes every original the bag names from the store (the store was empty
/// when the restore began, so each one there was put by it). What is left, in words.
pub async fn remove_all(store: &MediaStore, bag: &BagDir) -> String {
    let mut failures = 0u64;
    let mut removed = 0u64;
    let stories = bag.root.join("data/stories");
    let Ok(mut entries) = tokio::fs::read_dir(&stories).await else {
        return format!(
            "{} could not be read to remove the originals put so far: empty MEDIA_DIR (originals/) before running import again",
            stories.display()
        );
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let Ok(bytes) = tokio::fs::read(entry.path().join("story.json")).await else {
            failures += 1;
            continue;
        };
        let Ok(story) = serde_json::from_slice(&bytes)
            .map_err(|_| ())
            .and_then(|doc| document::split(doc).map_err(|_| ()))
        else {
            failures += 1;
            continue;
        };
        for original in story.originals {
            match store.delete_photo(&original.key, "").await {
                Ok(()) => removed += 1,
                Err(_) => failures += 1,
            }
        }
    }
    if failures == 0 {
        format!(
            "The database is unchanged (its transaction was rolled back) and the media store holds none of the bag's originals again ({removed} looked for); fix the cause and run import again"
        )
    } else {
        format!(
            "The database is unchanged (its transaction was rolled back), but {failures} originals or documents could not be removed or read: empty MEDIA_DIR (originals/) before running import again"
        )
    }
}
