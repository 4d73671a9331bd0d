//! Removes media nobody should keep. Safe to run on several instances at once.
//!
//! - Uploads left in `tmp/` for over an hour (a request that died mid-way).
//! - Originals, derivative folders and open-data exports that no committed row names, once
//!   over an hour old (a crash between the rename and the commit).
//! - Photos and recordings of stories rejected more than `PHOTO_RETENTION_DAYS` ago (default 30: a moderator
//!   may reconsider), and any file still queued in `media_deletions`. Photos removed by an
//!   edit or a withdrawal do not wait for the sweep: see `deletions`.

use super::store::{Area, MediaStore};
use app::domain::StoryStatus;
use sqlx::PgPool;
use std::collections::HashSet;
use std::time::Duration;

/// Files younger than this are never touched: their request may still be running.
pub const MIN_AGE: Duration = Duration::from_secs(3600);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub expired_photos: u64,
    pub expired_recordings: u64,
    /// Orphaned files and folders, plus photos whose queued files were deleted.
    pub files: usize,
}

pub async fn run(
    db: &PgPool,
    store: &MediaStore,
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
    let expired_recordings = sqlx::query!(
        "delete from recordings r using stories s
         where s.id = r.story_id and s.status = $2 and s.updated_at < now() - make_interval(days => $1)",
        retention_days,
        StoryStatus::Rejected as _
    )
    .execute(db)
    .await?;
    let mut removed = super::deletions::run_due(db, store).await?;
    let uploads = store.older_than(Area::Spool, min_age).await;
    removed += remove(store, Area::Spool, uploads).await;
    for area in [Area::Originals, Area::Derivatives, Area::Exports] {
        let old = store.older_than(area, min_age).await;
        let orphans = unknown(db, old, area).await?;
        removed += remove(store, area, orphans).await;
    }
    Ok(Swept {
        expired_photos: expired.rows_affected(),
        expired_recordings: expired_recordings.rows_affected(),
        files: removed,
    })
}

/// Those names no photo or recording row names (`media_objects`): `original_key` for
/// originals, `public_key` for derivative folders; exports by `open_data_exports.object_key`.
async fn unknown(db: &PgPool, names: Vec<String>, area: Area) -> Result<Vec<String>, sqlx::Error> {
    let known: HashSet<String> =
        match area {
            Area::Originals => sqlx::query_scalar!(
                r#"select original_key as "key!" from media_objects where original_key = any($1)"#,
                &names
            )
            .fetch_all(db)
            .await?,
            Area::Derivatives => {
                sqlx::query_scalar!(
                    r#"select public_key as "key!" from media_objects where public_key = any($1)"#,
                    &names
                )
                .fetch_all(db)
                .await?
            }
            Area::Exports => {
                sqlx::query_scalar!(
                    r#"select object_key || '.tar' as "name!" from open_data_exports
                   where object_key || '.tar' = any($1)"#,
                    &names
                )
                .fetch_all(db)
                .await?
            }
            Area::Spool => Vec::new(),
        }
        .into_iter()
        .collect();
    Ok(names.into_iter().filter(|n| !known.contains(n)).collect())
}

async fn remove(store: &MediaStore, area: Area, names: Vec<String>) -> usize {
    let mut removed = 0;
    for name in names {
        if store.remove(area, &name).await {
            removed += 1;
        }
    }
    removed
}
