use crate::config::Config;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// What every request handler shares. Holds no per-user state: that lives in PostgreSQL, so
/// several instances can serve the same site.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: PgPool,
    pub leptos: LeptosOptions,
}

impl AppState {
    pub fn new(config: Config, db: PgPool) -> AppState {
        let leptos = LeptosOptions::builder()
            .output_name("shinian")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .build();
        AppState {
            config: Arc::new(config),
            db,
            leptos,
        }
    }
}
