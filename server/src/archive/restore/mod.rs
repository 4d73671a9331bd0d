//! `server import DIR`: restores a **full** bag (`server export --full`) into an empty,
//! migrated database and an empty media store, losslessly (docs/archive.md, "Restoring a
//! full bag"). Everything is checked before anything is written: the bag's kind, that the
//! target is empty, every payload file against the manifest (`check`), every document against
//! this database's columns. Then one transaction restores every row (`rows`, by column name,
//! ids included; the plain indexes are built once at the end, `indexes`) while the originals
//! are copied into the media store (`originals`); on failure the transaction rolls back and
//! the originals are removed again. Memory is one
//! batch of stories whatever the bag's size; progress goes to stderr.

pub mod check;
pub mod document;
pub mod error;
pub mod indexes;
pub mod originals;
pub mod rows;
pub mod schema;

use crate::media::store::MediaStore;
use check::{BagDir, Counted};
pub use error::ImportError;
use rows::Batch;
use schema::{ACCOUNT_TABLES, LOG_TABLES, STORY_TABLES, Schema};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use std::path::Path;
use tokio::io::AsyncBufReadExt;

/// Stories per insert batch.
const BATCH: usize = 200;
/// Table rows (accounts, audit log) per insert batch.
const TABLE_BATCH: usize = 1000;
/// Stories between two progress lines on stderr.
const PROGRESS_EVERY: u64 = 1000;

/// What was restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub stories: u64,
    pub originals: u64,
    pub photo_jobs: u64,
    pub recording_jobs: u64,
}

pub async fn import(db: &PgPool, store: &MediaStore, dir: &Path) -> Result<Imported, ImportError> {
    let bag = BagDir::open(dir)?;
    let mut conn = db.acquire().await?;
    refuse_unless_empty(&mut conn, store).await?;
    let schema = Schema::read(&mut conn).await?;
    drop(conn);
    eprintln!(
        "checking {}: {} payload files, {} bytes",
        dir.display(),
        bag.oxum.files,
        bag.oxum.bytes
    );
    let (bag, schema, counted) = tokio::task::spawn_blocking(move || {
        let counted = bag.validate(&schema);
        (bag, schema, counted)
    })
    .await
    .map_err(|e| ImportError::Row(format!("checking the bag: {e}")))?;
    let counted = counted?;
    eprintln!(
        "the bag is valid: {} stories, {} originals; restoring",
        counted.stories, counted.originals
    );
    store.prepare().await?;
    match restore(db, store, &bag, &schema, counted).await {
        Ok(imported) => {
            eprintln!(
                "restored {} stories and {} originals; queued {} photo and {} recording jobs: the site's workers (or `server worker`) make the photo sizes and access copies",
                imported.stories, imported.originals, imported.photo_jobs, imported.recording_jobs
            );
            Ok(imported)
        }
        Err(cause) => {
            eprintln!("the restore failed ({cause}); removing the originals it put");
            let left = originals::remove_all(store, &bag).await;
            Err(ImportError::Failed {
                cause: Box::new(cause),
                left,
            })
        }
    }
}

/// A restore keeps the bag's ids, so the target must hold no story, account or audit entry,
/// and the media store no object.
async fn refuse_unless_empty(db: &mut PgConnection, store: &MediaStore) -> Result<(), ImportError> {
    let counts = sqlx::query!(
        r#"select (select count(*) from stories) as "stories!",
                  (select count(*) from accounts) as "accounts!",
                  (select count(*) from story_audit_log) as "story_audit!",
                  (select count(*) from account_audit_log) as "account_audit!""#
    )
    .fetch_one(db)
    .await?;
    if counts.stories + counts.accounts + counts.story_audit + counts.account_audit > 0 {
        return Err(ImportError::DatabaseNotEmpty(format!(
            "{} stories, {} accounts, {} + {} audit entries",
            counts.stories, counts.accounts, counts.story_audit, counts.account_audit
        )));
    }
    if store.holds_objects().await? {
        return Err(ImportError::MediaNotEmpty);
    }
    Ok(())
}

async fn restore(
    db: &PgPool,
    store: &MediaStore,
    bag: &BagDir,
    schema: &Schema,
    counted: Counted,
) -> Result<Imported, ImportError> {
    let mut tx = db.begin().await?;
    // Rows come back as stored: no trigger of these tables may stamp or recompute them
    // (`public_changed_at`, the recordings' summary on their story). Needs the tables' owner,
    // the role that runs migrations; rolled back with the transaction.
    for table in ["stories", "recordings"] {
        sqlx::query(&format!("alter table {table} disable trigger user"))
            .execute(&mut *tx)
            .await?;
    }
    let all: Vec<&str> = ACCOUNT_TABLES
        .iter()
        .chain(&STORY_TABLES)
        .chain(&LOG_TABLES)
        .copied()
        .collect();
    let dropped = indexes::drop_secondary(&mut tx, &all).await?;
    for table in ACCOUNT_TABLES {
        restore_table(&mut tx, schema, bag, table).await?;
    }
    let (stories, originals) = restore_stories(&mut tx, store, schema, bag).await?;
    for table in LOG_TABLES {
        restore_table(&mut tx, schema, bag, table).await?;
    }
    eprintln!("building the indexes");
    indexes::build_again(&mut tx, dropped).await?;
    for table in ["stories", "recordings"] {
        sqlx::query(&format!("alter table {table} enable trigger user"))
            .execute(&mut *tx)
            .await?;
    }
    if stories != counted.stories || originals != counted.originals {
        return Err(ImportError::Row(format!(
            "restored {stories} stories and {originals} originals, the bag's manifest lists {} and {}",
            counted.stories, counted.originals
        )));
    }
    set_sequences(&mut tx).await?;
    let (photo_jobs, recording_jobs) = queue_jobs(&mut tx).await?;
    tx.commit().await?;
    Ok(Imported {
        stories,
        originals,
        photo_jobs,
        recording_jobs,
    })
}

/// Every `data/stories/{id}/story.json`, in batches; their originals copied as they come.
async fn restore_stories(
    db: &mut PgConnection,
    store: &MediaStore,
    schema: &Schema,
    bag: &BagDir,
) -> Result<(u64, u64), ImportError> {
    let folder = bag.root.join("data/stories");
    let mut entries = match tokio::fs::read_dir(&folder).await {
        Ok(entries) => Some(entries),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(ImportError::io(&folder)(e)),
    };
    let mut batch = Batch::new(&STORY_TABLES);
    let (mut stories, mut originals, mut in_batch) = (0u64, 0u64, 0usize);
    while let Some(entries) = entries.as_mut() {
        let Some(entry) = entries
            .next_entry()
            .await
            .map_err(ImportError::io(&folder))?
        else {
            break;
        };
        let path = entry.path().join("story.json");
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(ImportError::io(&path))?;
        let doc: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ImportError::Invalid(format!("{}: {e}", path.display())))?;
        let story = document::split(doc)?;
        for original in &story.originals {
            originals::put(store, bag, original).await?;
            originals += 1;
        }
        for (table, row) in story.rows {
            batch.push(table, row)?;
        }
        in_batch += 1;
        stories += 1;
        if in_batch == BATCH {
            batch.insert(db, schema).await?;
            in_batch = 0;
        }
        if stories.is_multiple_of(PROGRESS_EVERY) {
            eprintln!("restored {stories} stories");
        }
    }
    batch.insert(db, schema).await?;
    Ok((stories, originals))
}

/// `data/tables/{table}.jsonl`, one row a line, if the bag has it.
async fn restore_table(
    db: &mut PgConnection,
    schema: &Schema,
    bag: &BagDir,
    table: &'static str,
) -> Result<(), ImportError> {
    let path = bag.root.join(format!("data/tables/{table}.jsonl"));
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(ImportError::io(&path)(e)),
    };
    let mut lines = tokio::io::BufReader::with_capacity(64 * 1024, file).lines();
    let mut batch = Batch::new(&[table]);
    while let Some(line) = lines.next_line().await.map_err(ImportError::io(&path))? {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(&line) {
            Ok(Value::Object(row)) => batch.push(table, row)?,
            _ => {
                return Err(ImportError::Invalid(format!(
                    "{}: a line is not a JSON object",
                    path.display()
                )));
            }
        }
        if batch.rows() == TABLE_BATCH {
            batch.insert(db, schema).await?;
        }
    }
    batch.insert(db, schema).await
}

/// Identity sequences continue after the restored ids, so new stories and accounts work.
async fn set_sequences(db: &mut PgConnection) -> Result<(), ImportError> {
    for table in ACCOUNT_TABLES
        .iter()
        .chain(&STORY_TABLES)
        .chain(&LOG_TABLES)
    {
        // `table` is one of schema's constants. Tables without an identity `id` are skipped.
        let sql = format!(
            "select setval(s, coalesce((select max(id) from {table}), 0) + 1, false)
             from pg_get_serial_sequence('{table}', 'id') s where s is not null"
        );
        let has_id: bool = sqlx::query_scalar(
            "select exists (select 1 from pg_attribute
                            where attrelid = to_regclass($1) and attname = 'id' and attidentity <> '')",
        )
        .bind(table)
        .fetch_one(&mut *db)
        .await?;
        if has_id {
            sqlx::query(&sql).execute(&mut *db).await?;
        }
    }
    Ok(())
}

/// Derivatives are not in a bag: every photo and recording that is not failed is queued, so
/// the workers make its sizes or access copy again (a job that remakes exactly what the row
/// lists leaves the row as it is).
async fn queue_jobs(db: &mut PgConnection) -> Result<(u64, u64), ImportError> {
    let photos = sqlx::query!(
        "insert into photo_jobs (photo_id) select id from photos where state <> 'failed' order by id"
    )
    .execute(&mut *db)
    .await?
    .rows_affected();
    let recordings = sqlx::query!(
        "insert into recording_jobs (recording_id)
         select id from recordings where state <> 'failed' order by id"
    )
    .execute(&mut *db)
    .await?
    .rows_affected();
    Ok((photos, recordings))
}
