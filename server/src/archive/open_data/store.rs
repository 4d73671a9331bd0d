//! The open-data exports and admins' requests for one, as stored.

use crate::archive::bag::Tally;
use app::domain::{AccountId, OpenDataTrigger};
use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;

/// One export's row.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub object_key: String,
    pub trigger: OpenDataTrigger,
    pub as_of: OffsetDateTime,
    pub stories: i32,
    pub cc_by: i32,
    pub cc_by_nc: i32,
    pub photos: i32,
    pub recordings: i32,
    pub bytes: i64,
    pub sha256: String,
}

/// What a new export holds.
pub struct NewExport<'a> {
    pub object_key: &'a str,
    pub trigger: OpenDataTrigger,
    pub as_of: OffsetDateTime,
    pub tally: Tally,
    pub bytes: u64,
    pub sha256: &'a str,
}

/// The kept exports, newest first, but those superseded (see `forget_superseded`).
pub async fn latest(db: &PgPool, limit: i64) -> Result<Vec<ExportRow>, sqlx::Error> {
    sqlx::query_as!(
        ExportRow,
        r#"select object_key, trigger as "trigger: OpenDataTrigger", as_of, stories, cc_by,
                  cc_by_nc, photos, recordings, bytes, sha256
           from open_data_exports where not open_data_export_superseded(as_of)
           order by as_of desc, id desc limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// The export stored under `key`, if it is kept and not superseded.
pub async fn find(db: &PgPool, key: &str) -> Result<Option<ExportRow>, sqlx::Error> {
    sqlx::query_as!(
        ExportRow,
        r#"select object_key, trigger as "trigger: OpenDataTrigger", as_of, stories, cc_by,
                  cc_by_nc, photos, recordings, bytes, sha256
           from open_data_exports
           where object_key = $1 and not open_data_export_superseded(as_of)"#,
        key
    )
    .fetch_optional(db)
    .await
}

/// Whether an export is due, and why: an admin's request waits (`requests_met` deletes those an
/// export met), or (when `interval_hours` > 0) a story's public state changed after the latest
/// export and either that export is at least `interval_hours` old or the change superseded it
/// (a story it holds was withdrawn, unpublished or edited: `open_data_export_superseded`,
/// migration 20261208000000).
pub async fn due(db: &PgPool, interval_hours: u32) -> Result<Option<OpenDataTrigger>, sqlx::Error> {
    let hours = i32::try_from(interval_hours).unwrap_or(i32::MAX);
    let answer = sqlx::query!(
        r#"with latest as (
               select max(as_of) as as_of from open_data_exports
           )
           select exists (select 1 from open_data_requests) as "requested!",
                  ($1 > 0 and coalesce(
                      (select max(public_changed_at) from stories)
                          > coalesce(latest.as_of, '-infinity')
                      and (coalesce(latest.as_of, '-infinity') <= now() - make_interval(hours => $1)
                           or open_data_export_superseded(latest.as_of)),
                      false)) as "scheduled!"
           from latest"#,
        hours
    )
    .fetch_one(db)
    .await?;
    Ok(if answer.requested {
        Some(OpenDataTrigger::Admin)
    } else if answer.scheduled {
        Some(OpenDataTrigger::Schedule)
    } else {
        None
    })
}

/// Whether an admin's request waits for an export.
pub async fn requested(db: &PgPool) -> Result<bool, sqlx::Error> {
    Ok(due(db, 0).await? == Some(OpenDataTrigger::Admin))
}

pub async fn request(db: &PgPool, admin: AccountId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into open_data_requests (requested_by) values ($1)",
        admin.0
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The database's clock: an export's snapshot time is compared with `public_changed_at`.
pub async fn now(db: &PgPool) -> Result<OffsetDateTime, sqlx::Error> {
    sqlx::query_scalar!(r#"select now() as "now!""#)
        .fetch_one(db)
        .await
}

pub async fn insert(db: impl PgExecutor<'_>, new: &NewExport<'_>) -> Result<(), sqlx::Error> {
    let count = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
    let tally = new.tally;
    sqlx::query!(
        "insert into open_data_exports
             (object_key, trigger, as_of, stories, cc_by, cc_by_nc, photos, recordings, bytes, sha256)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        new.object_key,
        new.trigger as _,
        new.as_of,
        count(tally.cc_by + tally.cc_by_nc + tally.display_only),
        count(tally.cc_by),
        count(tally.cc_by_nc),
        count(tally.photos),
        count(tally.recordings),
        i64::try_from(new.bytes).unwrap_or(i64::MAX),
        new.sha256
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes the requests an export whose snapshot is `as_of` met (those made before it).
pub async fn requests_met(db: &PgPool, as_of: OffsetDateTime) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from open_data_requests where requested_at <= $1",
        as_of
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes the rows of the exports a later public change superseded (they are no longer listed
/// or served already); their keys, whose files are to go.
pub async fn forget_superseded(db: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "delete from open_data_exports where open_data_export_superseded(as_of)
         returning object_key"
    )
    .fetch_all(db)
    .await
}

/// Deletes the rows of all but the newest `keep` exports; their keys, whose files are to go.
pub async fn prune(db: &PgPool, keep: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "delete from open_data_exports
         where id not in (select id from open_data_exports order by as_of desc, id desc limit $1)
         returning object_key",
        keep
    )
    .fetch_all(db)
    .await
}
