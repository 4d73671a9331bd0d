//! `server media migrate --to s3|file` (issue 16): copies every object the database names from
//! one media store to the other — originals (photos, recordings), photo derivatives and
//! recordings' access copies — while the site is stopped (no `serve` or `worker` running: an
//! upload or a job during the copy would be missed). Each copy is read back from the target
//! and its SHA-256 compared: with the one stored when the original was received, with the
//! stored access copy's, or with the source's for derivatives. An object already in the target
//! with the right hash is left as it is, so an interrupted migration is simply run again.
//! Nothing is deleted from the source: switch `MEDIA_STORE`, check the site, then remove it.

use super::names::DerivativeName;
use super::store::{CopyError, MediaStore, ObjectReader, StoreError};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::fmt;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// What a migration did, by kind of object.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Migration {
    pub originals: Tally,
    pub derivatives: Tally,
    pub access_copies: Tally,
    /// Objects not copied, and why; the command exits non-zero when there is any.
    pub problems: Vec<Problem>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub copied: u64,
    /// Already in the target with the right SHA-256 (an earlier, interrupted run).
    pub already_there: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `originals/{key}` or `derivatives/{public_key}/{file}`.
    pub object: String,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The row names it; the source store does not have it.
    MissingInSource,
    /// The source's SHA-256 is not the one stored (`server fixity-check` reports it too).
    ChangedInSource,
    /// The target already holds a different object under this name, or the copy read back
    /// differs.
    DiffersInTarget,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            ProblemKind::MissingInSource => "missing in the source store",
            ProblemKind::ChangedInSource => {
                "changed in the source store (its SHA-256 is not the one recorded)"
            }
            ProblemKind::DiffersInTarget => "the target holds different bytes under this name",
        };
        write!(f, "{}: {why}", self.object)
    }
}

impl Problem {
    fn new(object: &str, kind: ProblemKind) -> Problem {
        Problem {
            object: object.to_owned(),
            kind,
        }
    }
}

impl Migration {
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("reading {object}: {source}")]
    Reading {
        object: String,
        source: std::io::Error,
    },
}

/// Copies what `db` names from `from` to `to`, printing progress every `PROGRESS_EVERY`
/// objects to standard error.
pub async fn migrate(
    db: &PgPool,
    from: &MediaStore,
    to: &MediaStore,
) -> Result<Migration, MigrateError> {
    to.prepare().await?;
    let mut migration = Migration::default();
    // Rows are streamed, not collected: memory stays flat whatever the collection's size.
    let mut rows = sqlx::query!(
        r#"select original_key as "key!", sha256 as "sha256!" from photos
           union all
           select original_key, sha256 from recordings"#
    )
    .fetch(db);
    while let Some(row) = rows.try_next().await? {
        copy_original(from, to, &row.key, &row.sha256, &mut migration).await?;
        progress(&migration);
    }
    let mut rows = sqlx::query_scalar!("select public_key from photos").fetch(db);
    while let Some(public_key) = rows.try_next().await? {
        copy_derivatives(from, to, &public_key, &mut migration).await?;
        progress(&migration);
    }
    let mut rows = sqlx::query!(
        r#"select public_key, access_sha256 as "sha256!" from recordings
           where access_sha256 is not null"#
    )
    .fetch(db);
    while let Some(row) = rows.try_next().await? {
        copy_access_copy(from, to, &row.public_key, &row.sha256, &mut migration).await?;
        progress(&migration);
    }
    Ok(migration)
}

const PROGRESS_EVERY: u64 = 500;

fn progress(migration: &Migration) {
    let tallies = [
        migration.originals,
        migration.derivatives,
        migration.access_copies,
    ];
    let done: u64 = tallies.iter().map(|t| t.copied + t.already_there).sum();
    if done > 0 && done.is_multiple_of(PROGRESS_EVERY) {
        let bytes: u64 = tallies.iter().map(|t| t.bytes).sum();
        eprintln!("{done} objects copied or already there, {bytes} bytes copied");
    }
}

async fn copy_original(
    from: &MediaStore,
    to: &MediaStore,
    key: &str,
    sha256: &[u8],
    migration: &mut Migration,
) -> Result<(), MigrateError> {
    let object = format!("originals/{key}");
    let there = to.read_original(key).await?;
    if already_there(
        there,
        &object,
        sha256,
        &mut migration.originals,
        &mut migration.problems,
    )
    .await?
    {
        return Ok(());
    }
    let mut problem = |kind| migration.problems.push(Problem::new(&object, kind));
    let Some(mut source) = from.read_original(key).await? else {
        problem(ProblemKind::MissingInSource);
        return Ok(());
    };
    let (spooled, found) = match to.spool_copy().await?.copy_from(&mut source).await {
        Ok(copied) => copied,
        Err(CopyError::Reading(source)) => return Err(MigrateError::Reading { object, source }),
        Err(CopyError::Store(error)) => return Err(error.into()),
    };
    if found.as_slice() != sha256 {
        problem(ProblemKind::ChangedInSource);
        return Ok(());
    }
    let bytes = std::fs::metadata(spooled.path()).map_or(0, |m| m.len());
    let stored = to.restore_original(spooled, key).await?;
    if holds(to.read_original(key).await?, &object, sha256).await? {
        stored.committed();
        migration.originals.copied += 1;
        migration.originals.bytes += bytes;
    } else {
        // `stored` drops: the copy is removed again.
        problem(ProblemKind::DiffersInTarget);
    }
    Ok(())
}

/// A photo's derivatives, all or none: `put_derivatives` writes the set a photo has.
async fn copy_derivatives(
    from: &MediaStore,
    to: &MediaStore,
    public_key: &str,
    migration: &mut Migration,
) -> Result<(), MigrateError> {
    let names = from.derivative_names(public_key).await?;
    let mut files: Vec<(DerivativeName, Vec<u8>)> = Vec::with_capacity(names.len());
    let mut all_there = true;
    for name in names {
        let Some(source) = from.derivative(public_key, name).await? else {
            continue;
        };
        let there = to.derivative(public_key, name).await?;
        all_there &= there.is_some_and(|t| t.bytes == source.bytes);
        files.push((name, source.bytes));
    }
    if files.is_empty() {
        return Ok(());
    }
    if all_there {
        migration.derivatives.already_there += count(files.len());
        return Ok(());
    }
    let sums: Vec<(DerivativeName, [u8; 32])> = files
        .iter()
        .map(|(name, bytes)| (*name, Sha256::digest(bytes).into()))
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    to.put_derivatives(public_key, files).await?;
    for (name, sum) in sums {
        let back = to.derivative(public_key, name).await?;
        if back.is_some_and(|b| <[u8; 32]>::from(Sha256::digest(&b.bytes)) == sum) {
            migration.derivatives.copied += 1;
        } else {
            let object = format!("derivatives/{public_key}/{}", name.file_name());
            migration
                .problems
                .push(Problem::new(&object, ProblemKind::DiffersInTarget));
        }
    }
    migration.derivatives.bytes += u64::try_from(bytes).unwrap_or(u64::MAX);
    Ok(())
}

async fn copy_access_copy(
    from: &MediaStore,
    to: &MediaStore,
    public_key: &str,
    sha256: &[u8],
    migration: &mut Migration,
) -> Result<(), MigrateError> {
    let object = format!("derivatives/{public_key}/voice.mp3");
    let there = to.read_voice(public_key).await?;
    let tally = &mut migration.access_copies;
    if already_there(there, &object, sha256, tally, &mut migration.problems).await? {
        return Ok(());
    }
    let mut problem = |kind| migration.problems.push(Problem::new(&object, kind));
    let Some(mut source) = from.read_voice(public_key).await? else {
        problem(ProblemKind::MissingInSource);
        return Ok(());
    };
    let target = to.voice_target(public_key).await?;
    // Written beside its place and renamed, so a reader never sees part of it (the folder
    // store's target is the served file itself).
    let partial = target.path().with_extension("mp3.partial");
    let written = write_hashed(&mut source, &partial).await;
    let (found, bytes) = match written {
        Ok(written) => written,
        Err(source) => {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(MigrateError::Reading { object, source });
        }
    };
    if found.as_slice() != sha256 {
        let _ = tokio::fs::remove_file(&partial).await;
        problem(ProblemKind::ChangedInSource);
        return Ok(());
    }
    tokio::fs::rename(&partial, target.path())
        .await
        .map_err(|source| MigrateError::Reading {
            object: object.clone(),
            source,
        })?;
    to.keep_voice(target).await?;
    if holds(to.read_voice(public_key).await?, &object, sha256).await? {
        migration.access_copies.copied += 1;
        migration.access_copies.bytes += bytes;
    } else {
        problem(ProblemKind::DiffersInTarget);
    }
    Ok(())
}

/// Writes `source` into a new file at `path`, made durable: its SHA-256 and size.
async fn write_hashed(
    source: &mut ObjectReader,
    path: &std::path::Path,
) -> std::io::Result<([u8; 32], u64)> {
    let mut file = tokio::fs::File::create(path).await?;
    let written = copy_hashed(source, &mut file).await?;
    file.sync_all().await?;
    Ok(written)
}

/// Whether the target already holds the object (read as `there`): counted when it has this
/// SHA-256, a problem when it has other bytes.
async fn already_there(
    there: Option<ObjectReader>,
    object: &str,
    sha256: &[u8],
    tally: &mut Tally,
    problems: &mut Vec<Problem>,
) -> Result<bool, MigrateError> {
    let Some(there) = there else {
        return Ok(false);
    };
    if hash(there, object).await?.as_slice() == sha256 {
        tally.already_there += 1;
    } else {
        problems.push(Problem::new(object, ProblemKind::DiffersInTarget));
    }
    Ok(true)
}

/// Whether an object was read back (`Some`) with this SHA-256.
async fn holds(
    back: Option<ObjectReader>,
    object: &str,
    sha256: &[u8],
) -> Result<bool, MigrateError> {
    Ok(match back {
        Some(back) => hash(back, object).await?.as_slice() == sha256,
        None => false,
    })
}

/// The SHA-256 of a whole object, read as a stream.
async fn hash(mut reader: ObjectReader, object: &str) -> Result<[u8; 32], MigrateError> {
    let (sha256, _) = copy_hashed(&mut reader, &mut tokio::io::sink())
        .await
        .map_err(|source| MigrateError::Reading {
            object: object.to_owned(),
            source,
        })?;
    Ok(sha256)
}

/// Copies all of `source` into `sink`, hashing on the way: the SHA-256 and the size.
async fn copy_hashed(
    source: &mut ObjectReader,
    sink: &mut (impl AsyncWrite + Unpin),
) -> std::io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = source.read(&mut buffer).await?;
        if read == 0 {
            return Ok((hasher.finalize().into(), bytes));
        }
        hasher.update(&buffer[..read]);
        sink.write_all(&buffer[..read]).await?;
        bytes += u64::try_from(read).unwrap_or(u64::MAX);
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
