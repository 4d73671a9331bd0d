//! Fixity runs and problems in PostgreSQL (`fixity_runs`, `fixity_problems`), the originals to
//! check, and new problems written to the story's audit trail.

use crate::audit::{Action, Entry};
use app::domain::{
    FixityProblem, FixityProblemKind, FixityRun, FixityTrigger, MediaObjectKind, StoryId,
    StoryStatus,
};
use sqlx::PgPool;
use time::OffsetDateTime;

/// An original with what its row says about it.
#[derive(Debug, Clone)]
pub struct Original {
    pub object: MediaObjectKind,
    pub id: i64,
    pub story: StoryId,
    pub status: StoryStatus,
    pub key: String,
    pub sha256: Vec<u8>,
}

/// Up to `limit` originals of `object` rows with an id above `after`, by id.
pub async fn originals_after(
    db: &PgPool,
    object: MediaObjectKind,
    after: i64,
    limit: i64,
) -> Result<Vec<Original>, sqlx::Error> {
    let rows = match object {
        MediaObjectKind::Photo => sqlx::query!(
            r#"select p.id, p.story_id, s.status as "status: StoryStatus", p.original_key, p.sha256
                   from photos p join stories s on s.id = p.story_id
                   where p.id > $1 order by p.id limit $2"#,
            after,
            limit
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.story_id, r.status, r.original_key, r.sha256))
        .collect::<Vec<_>>(),
        MediaObjectKind::Recording => sqlx::query!(
            r#"select r.id, r.story_id, s.status as "status: StoryStatus", r.original_key, r.sha256
                   from recordings r join stories s on s.id = r.story_id
                   where r.id > $1 order by r.id limit $2"#,
            after,
            limit
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.story_id, r.status, r.original_key, r.sha256))
        .collect(),
    };
    Ok(rows
        .into_iter()
        .map(|(id, story, status, key, sha256)| Original {
            object,
            id,
            story: StoryId(story),
            status,
            key,
            sha256,
        })
        .collect())
}

/// Whether the row still names this original (it may have been removed while the pass ran:
/// then its file going is no problem).
pub async fn still_kept(db: &PgPool, original: &Original) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from media_objects where original_key = $1) as "kept!""#,
        original.key
    )
    .fetch_one(db)
    .await
}

pub async fn start_run(db: &PgPool, trigger: FixityTrigger) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "insert into fixity_runs (trigger) values ($1) returning id",
        trigger as _
    )
    .fetch_one(db)
    .await
}

/// The counts of a run so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: i64,
    pub bytes: i64,
    pub missing: i32,
    pub changed: i32,
}

/// Writes the counts so far; `finished` also stamps the end.
pub async fn save_totals(
    db: &PgPool,
    run: i64,
    totals: Totals,
    finished: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update fixity_runs set files_checked = $2, bytes_checked = $3, missing_count = $4,
                changed_count = $5, finished_at = case when $6 then now() end
         where id = $1",
        run,
        totals.files,
        totals.bytes,
        totals.missing,
        totals.changed,
        finished
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records a problem of `run`; one that the previous finished run did not have also goes to
/// the story's audit trail, in the same transaction (a problem that stays is in every run's
/// list but enters the trail once).
pub async fn record_problem(
    db: &PgPool,
    run: i64,
    original: &Original,
    kind: FixityProblemKind,
    found: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let known = sqlx::query_scalar!(
        r#"select exists (
             select 1 from fixity_problems p
             where p.original_key = $2 and p.kind = $3
               and p.run_id = (select max(id) from fixity_runs where id < $1 and finished_at is not null)
           ) as "known!""#,
        run,
        original.key,
        kind as _
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into fixity_problems (run_id, kind, object, object_id, story_id, original_key, found_sha256)
         values ($1, $2, $3, $4, $5, $6, $7)",
        run,
        kind as _,
        original.object as _,
        original.id,
        original.story.0,
        original.key,
        found
    )
    .execute(&mut *tx)
    .await?;
    if !known {
        let action = match kind {
            FixityProblemKind::Missing => Action::FixityMissing,
            FixityProblemKind::Changed => Action::FixityChanged,
        };
        let note = format!("{} {}: {}", original.object, original.id, original.key);
        Entry::by_system(original.story, action, original.status, &note)
            .record(&mut tx)
            .await?;
    }
    tx.commit().await
}

/// When the latest run began, if any did.
pub async fn last_started(db: &PgPool) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    sqlx::query_scalar!("select max(started_at) from fixity_runs")
        .fetch_one(db)
        .await
}

/// The latest `limit` runs, newest first, each with its problems (at most `PROBLEMS_SHOWN`).
pub async fn latest_runs(
    db: &PgPool,
    limit: i64,
) -> Result<Vec<FixityRun<OffsetDateTime>>, sqlx::Error> {
    let runs = sqlx::query!(
        r#"select id, started_at, finished_at, trigger as "trigger: FixityTrigger", files_checked,
                  bytes_checked, missing_count, changed_count
           from fixity_runs order by started_at desc, id desc limit $1"#,
        limit
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<i64> = runs.iter().map(|r| r.id).collect();
    let problems = sqlx::query!(
        r#"select run_id, kind as "kind: FixityProblemKind", object as "object: MediaObjectKind",
                  object_id, story_id, original_key
           from (select p.*, row_number() over (partition by run_id order by id) as n
                 from fixity_problems p where run_id = any($1)) p
           where n <= $2 order by run_id, id"#,
        &ids,
        PROBLEMS_SHOWN
    )
    .fetch_all(db)
    .await?;
    Ok(runs
        .into_iter()
        .map(|r| FixityRun {
            id: r.id,
            started: r.started_at,
            finished: r.finished_at,
            trigger: r.trigger,
            files: r.files_checked,
            bytes: r.bytes_checked,
            missing: r.missing_count,
            changed: r.changed_count,
            problems: problems
                .iter()
                .filter(|p| p.run_id == r.id)
                .map(|p| FixityProblem {
                    kind: p.kind,
                    object: p.object,
                    object_id: p.object_id,
                    story: p.story_id,
                    original_key: p.original_key.clone(),
                })
                .collect(),
        })
        .collect())
}

/// Problems listed per run on the admins' page (the table holds them all).
pub const PROBLEMS_SHOWN: i64 = 50;
