//! Removes media nobody should keep. Safe to run on several instances at once.
//!
//! - Uploads left in `tmp/` for over an hour (a request that died mid-way).
//! - Originals and derivative folders that no committed row names, once over an hour old (a
//!   crash between the rename and the commit).
//! - Photos of stories rejected more than `PHOTO_RETENTION_DAYS` ago (default 30: a moderator
//!   may reconsider), and any file still queued in `media_deletions`. Photos removed by an
//!   edit or a withdrawal do not wait for the sweep: see `deletions`.

use super::files::MediaFiles;
use app::domain::StoryStatus;
use sqlx::PgPool;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Files younger than this are never touched: their request may still be running.
pub const MIN_AGE: Duration = Duration::from_secs(3600);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub expired_photos: u64,
    /// Orphaned files and folders, plus photos whose queued files were deleted.
    pub files: usize,
}

pub async fn run(
    db: &PgPool,
    files: &MediaFiles,
    retention_days: i32,
    min_age: Duration,
) -> Result<Swept, sqlx::Error> {
    let expired = sqlx::query!(
        "delete from photos p using stories s
         where s.id = p.story_id and s.status = $2 and s.updated_at < now() - make_interval(days => $1)",
        retention_days,
        StoryStatus::Rejected as _
    )
    .execute(db)
    .await?;
    let mut removed = super::deletions::run_due(db, files).await?;
    removed += remove_old(list(&files.tmp_dir(), min_age).await, false).await;
    let originals = list(&files.originals_dir(), min_age).await;
    let orphans = unknown(db, originals, Named::Original).await?;
    removed += remove_old(orphans, false).await;
    let folders = list(&files.derivatives_dir(), min_age).await;
    let orphans = unknown(db, folders, Named::Derivatives).await?;
    removed += remove_old(orphans, true).await;
    Ok(Swept {
        expired_photos: expired.rows_affected(),
        files: removed,
    })
}

/// Entries of a folder older than `min_age`.
async fn list(dir: &Path, min_age: Duration) -> Vec<PathBuf> {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return Vec::new();
    };
    let now = SystemTime::now();
    let mut old = Vec::new();
    while let Ok(Some(entry)) = entries.next_entry().await {
        let modified = entry.metadata().await.and_then(|m| m.modified());
        let age = modified.ok().and_then(|m| now.duration_since(m).ok());
        if age.is_some_and(|age| age >= min_age) {
            old.push(entry.path());
        }
    }
    old
}

/// What a media file name is to a photo row.
#[derive(Clone, Copy)]
enum Named {
    /// `photos.original_key`
    Original,
    /// `photos.public_key`
    Derivatives,
}

/// Those paths whose file name no photo row names.
async fn unknown(
    db: &PgPool,
    paths: Vec<PathBuf>,
    named: Named,
) -> Result<Vec<PathBuf>, sqlx::Error> {
    let names: Vec<String> = paths
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .collect();
    let known: HashSet<String> = if matches!(named, Named::Original) {
        sqlx::query_scalar!(
            "select original_key from photos where original_key = any($1)",
            &names
        )
        .fetch_all(db)
        .await?
    } else {
        sqlx::query_scalar!(
            "select public_key from photos where public_key = any($1)",
            &names
        )
        .fetch_all(db)
        .await?
    }
    .into_iter()
    .collect();
    Ok(paths
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !known.contains(n))
        })
        .collect())
}

async fn remove_old(paths: Vec<PathBuf>, folders: bool) -> usize {
    let mut removed = 0;
    for path in paths {
        let result = if folders {
            tokio::fs::remove_dir_all(&path).await
        } else {
            tokio::fs::remove_file(&path).await
        };
        if result.is_ok() {
            removed += 1;
        }
    }
    removed
}
