//! `GET /metrics`: what the recorder holds, plus gauges read at the moment of the scrape (the
//! job queues, shared by every instance, and this instance's connection pool).

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
    if let Err(error) = queue_gauges(&scrape.db).await {
        // The rest is still worth having; the queue gauges keep their last values.
        tracing::warn!(%error, "metrics: reading the job queues failed");
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
