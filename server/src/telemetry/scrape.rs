//! `GET /metrics`: what the recorder holds, plus gauges read at the moment of the scrape (the
//! job queues and the last fixity pass, shared by every instance, and this instance's
//! connection pool).

use crate::numeric::{f64_from_i64, f64_from_usize};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    db: PgPool,
}

pub(super) fn router(handle: PrometheusHandle, db: PgPool) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .with_state(Scrape { handle, db })
}

async fn render(State(scrape): State<Scrape>) -> impl IntoResponse {
    pool_gauges(&scrape.db);
    let read = queue_gauges(&scrape.db).await;
    let read = match read {
        Ok(()) => fixity_gauges(&scrape.db).await,
        failed => failed,
    };
    if let Err(error) = read {
        // The rest is still worth having; the gauges read keep their last values.
        tracing::warn!(%error, "metrics: reading the job queues or fixity runs failed");
        metrics::counter!("metrics_scrape_errors_total").increment(1);
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        scrape.handle.render(),
    )
}

fn pool_gauges(db: &PgPool) {
    let size = f64::from(db.size());
    let idle = f64_from_usize(db.num_idle());
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(size - idle);
    metrics::gauge!("db_pool_max_connections").set(f64::from(db.options().get_max_connections()));
}

/// Jobs waiting or running, and how long the oldest has existed, per kind.
async fn queue_gauges(db: &PgPool) -> Result<(), sqlx::Error> {
    let rows = sqlx::query!(
        r#"select 'photo' as "kind!", count(*) as "depth!",
                  coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as "oldest!"
           from photo_jobs
           union all
           select 'recording', count(*),
                  coalesce(extract(epoch from now() - min(created_at)), 0)::float8
           from recording_jobs"#
    )
    .fetch_all(db)
    .await?;
    for row in rows {
        metrics::gauge!("job_queue_depth", "kind" => row.kind.clone()).set(f64_from_i64(row.depth));
        metrics::gauge!("job_queue_oldest_seconds", "kind" => row.kind).set(row.oldest);
    }
    Ok(())
}

/// The last finished fixity pass: when it ended, how many originals it read, and what it found
/// missing or changed (an alert on `fixity_last_pass_problems > 0`, or on an old pass).
async fn fixity_gauges(db: &PgPool) -> Result<(), sqlx::Error> {
    let last = sqlx::query!(
        r#"select extract(epoch from finished_at)::float8 as "finished!", files_checked,
                  missing_count, changed_count
           from fixity_runs
           where finished_at is not null
           order by started_at desc
           limit 1"#
    )
    .fetch_optional(db)
    .await?;
    if let Some(pass) = last {
        metrics::gauge!("fixity_last_pass_finished_seconds").set(pass.finished);
        metrics::gauge!("fixity_last_pass_files").set(f64_from_i64(pass.files_checked));
        metrics::gauge!("fixity_last_pass_problems", "kind" => "missing")
            .set(f64::from(pass.missing_count));
        metrics::gauge!("fixity_last_pass_problems", "kind" => "changed")
            .set(f64::from(pass.changed_count));
    }
    Ok(())
}
