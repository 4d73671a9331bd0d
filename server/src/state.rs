use crate::config::Config;
use crate::media::store::MediaStore;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::Notify;

/// What every request handler shares. Holds no per-user state: that lives in PostgreSQL, so
/// several instances can serve the same site. Cloned for every request by each
/// `from_fn_with_state` layer and handler, so a clone is one reference count (`Shared`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub config: Arc<Config>,
    pub db: PgPool,
    pub leptos: Arc<LeptosOptions>,
    pub media: MediaStore,
    /// Wakes this instance's photo workers when it queues a job.
    pub jobs_queued: Arc<Notify>,
    /// Rendered public pages, dropped whenever public content changes (any instance).
    pub pages: crate::timeline::cache::PageCache,
    /// Turns for receiving photos (`UPLOAD_CONCURRENCY`).
    pub uploads: crate::media::upload::UploadGate,
}

impl AppState {
    pub fn new(config: Config, db: PgPool) -> AppState {
        crate::accounts::password::set_concurrency(config.password_hash_concurrency);
        let leptos = LeptosOptions::builder()
            .output_name("shinian")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .build();
        AppState(Arc::new(Shared {
            media: MediaStore::from_config(&config),
            jobs_queued: Arc::new(Notify::new()),
            pages: crate::timeline::cache::PageCache::new(
                config.page_cache_mb.saturating_mul(1024 * 1024),
            ),
            uploads: crate::media::upload::UploadGate::new(
                config.upload_concurrency,
                std::time::Duration::from_secs(config.upload_wait_secs),
            ),
            config: Arc::new(config),
            db,
            leptos: Arc::new(leptos),
        }))
    }
}
