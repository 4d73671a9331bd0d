//! Prometheus metrics (issue 16), served only on `METRICS_ADDR` — a listener of its own, on
//! loopback or a private network, never on the public site. What is measured:
//!
//! - `http_requests_total` and `http_request_duration_seconds` by method, route (the route's
//!   pattern, so ids do not multiply the series) and status class (`requests`);
//! - `jobs_total` and `job_duration_seconds` by kind (photo, recording) and outcome, recorded
//!   by the workers (`record_job`);
//! - at each scrape (`scrape`): the job queues' depth and oldest age, the connection pool.
//!
//! With no `METRICS_ADDR` no recorder is installed, and every measurement is a no-op.

mod requests;
mod scrape;

pub use requests::track_requests;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::net::TcpListener;

/// Latency buckets, seconds: from a cached page (under a millisecond) to a long recording.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0, 300.0,
];

/// How a background job ended.
#[derive(Debug, Clone, Copy)]
pub enum JobOutcome {
    Done,
    /// The input was refused while processing (a recording that decodes as too long).
    Refused,
    /// An error; the job will be tried again (or gives up after its attempts).
    Failed,
    /// Another worker finished it first.
    LeaseLost,
}

impl JobOutcome {
    fn label(self) -> &'static str {
        match self {
            JobOutcome::Done => "done",
            JobOutcome::Refused => "refused",
            JobOutcome::Failed => "failed",
            JobOutcome::LeaseLost => "lease_lost",
        }
    }
}

/// Counts one job of `kind` and how long it took.
pub fn record_job(kind: &'static str, outcome: JobOutcome, took: Duration) {
    let outcome = outcome.label();
    metrics::counter!("jobs_total", "kind" => kind, "outcome" => outcome).increment(1);
    metrics::histogram!("job_duration_seconds", "kind" => kind, "outcome" => outcome)
        .record(took.as_secs_f64());
}

/// The process's one recorder, installed on first use.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already; /metrics stays empty");
        }
        handle
    })
}

/// Installs the recorder and serves `GET /metrics` on `addr` for as long as the process runs.
/// Returns the bound address (`addr` may ask for port 0).
pub async fn serve(addr: SocketAddr, db: PgPool) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let router = scrape::router(recorder().clone(), db);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    tracing::info!("metrics on http://{bound}/metrics");
    Ok(bound)
}
