use crate::config::Config;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// The migrations in `migrations/`, embedded in the binary and run at start-up.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// The pool that serves requests (and background work): every query on it runs under
/// `DATABASE_STATEMENT_TIMEOUT_MS`, so no request can hold a connection for long.
pub async fn connect(config: &Config) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(&config.database_url)?;
    serving_pool(options, config).await
}

/// `connect` with the connection details given (tests pass their database's).
pub async fn serving_pool(
    options: PgConnectOptions,
    config: &Config,
) -> Result<PgPool, sqlx::Error> {
    let timeout = config.database_statement_timeout_ms.to_string();
    pool_options(config.database_max_connections)
        .connect_with(options.options([("statement_timeout", timeout.as_str())]))
        .await
}

/// A pool without a statement timeout, for migrations and command-line tasks (`generate`
/// inserts a million stories in long statements).
pub async fn connect_for_tasks(config: &Config) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(&config.database_url)?;
    pool_options(2).connect_with(options).await
}

fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
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
}

/// A transaction whose statements may run for at most `timeout_ms` (tighter than the pool's,
/// for queries whose cost depends on what a visitor typed, like searches).
pub async fn begin_with_timeout(
    db: &PgPool,
    timeout_ms: u64,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("select set_config('statement_timeout', $1, true)")
        .bind(timeout_ms.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Numbers for integer columns, converted without truncation.
pub mod column {
    use std::fmt::Display;

    /// A number for a `smallint` column. Values come from checked domain types, so one that
    /// does not fit is a bug: the query fails (an encoding error) instead of storing a
    /// truncated value.
    pub fn smallint<T: Copy + Display>(value: T) -> Result<i16, sqlx::Error>
    where
        i16: TryFrom<T>,
    {
        fit(value, "smallint")
    }

    /// A number for an `integer` column; see [`smallint`].
    pub fn int<T: Copy + Display>(value: T) -> Result<i32, sqlx::Error>
    where
        i32: TryFrom<T>,
    {
        fit(value, "integer")
    }

    /// A number for a `bigint` column; see [`smallint`].
    pub fn bigint<T: Copy + Display>(value: T) -> Result<i64, sqlx::Error>
    where
        i64: TryFrom<T>,
    {
        fit(value, "bigint")
    }

    fn fit<T: Copy + Display, U: TryFrom<T>>(value: T, column: &str) -> Result<U, sqlx::Error> {
        U::try_from(value).map_err(|_| {
            sqlx::Error::Encode(format!("{value} does not fit a {column} column").into())
        })
    }
}
