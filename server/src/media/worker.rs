//! The `server worker` role ([`start`]): only the photo workers (`jobs::spawn_workers`),
//! without HTTP, for an operator to run niced or on another machine. Each worker makes its
//! photos on its own lower-priority thread (`thread`).

use super::store::MediaStore;
use crate::config::Config;
use sqlx::PgPool;
use std::io;
use std::sync::Arc;
use tokio::sync::Notify;

/// The `server worker` role: prepares the media folder and starts `WORKER_CONCURRENCY`
/// workers (at least one) that make photos and run media deletions, without HTTP. Jobs queued
/// by the web instances are found by polling. Returns how many workers started.
pub async fn start(config: &Config, db: PgPool) -> io::Result<usize> {
    let store = MediaStore::from_config(config);
    store.prepare().await.map_err(io::Error::other)?;
    let count = config.worker_concurrency.max(1);
    super::jobs::spawn_workers(
        db,
        store,
        count,
        config.worker_nice,
        Arc::new(Notify::new()),
    )?;
    Ok(count)
}
