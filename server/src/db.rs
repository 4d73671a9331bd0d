use crate::config::Config;
use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

/// The migrations in `migrations/`, embedded in the binary and run at start-up.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

pub async fn connect(config: &Config) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        // Queries with optional filters (`$1 is null or …`) need the plan for the values at
        // hand; a cached generic plan would scan a million stories for a simple filter.
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::query("set plan_cache_mode = force_custom_plan")
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        })
        .acquire_timeout(Duration::from_secs(5))
        .connect(&config.database_url)
        .await
}
