//! The `server worker` role ([`start`]): only the photo workers (`jobs::spawn_workers`),
//! without HTTP, for an operator to run niced or on another machine. Each worker makes its
//! photos on its own lower-priority thread (`thread`).

use super::files::MediaFiles;
use crate::config::Config;
use sqlx::PgPool;
use std::io;
use std::sync::Arc;
use tokio::sync::Notify;

/// The `server worker` role: prepares the media folder and starts `WORKER_CONCURRENCY`
/// workers (at least one) that make photos and run media deletions, without HTTP. Jobs queued
/// by the web instances are found by polling. Returns how many workers started.
pub async fn start(config: &Config, db: PgPool) -> io::Result<usize> {
    let files = MediaFiles::new(&config.media_dir);
    files.prepare().await?;
    let count = config.worker_concurrency.max(1);
    super::jobs::spawn_workers(
        db,
        files,
        count,
        config.worker_nice,
        Arc::new(Notify::new()),
    )?;
    Ok(count)
}
