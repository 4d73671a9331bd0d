//! Requests and their latency, by route pattern.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// Middleware: counts every request and times it to its response head.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // The pattern (`/stories/{id}`), not the path: one series per route, whatever the ids.
    // Static files and unknown paths share one label.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let status = status_class(response.status().as_u16());
    metrics::counter!(
        "http_requests_total",
        "method" => method.clone(),
        "route" => route.clone(),
        "status" => status
    )
    .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::status_class;

    #[test]
    fn statuses_are_grouped_by_class() {
        assert_eq!(status_class(200), "2xx");
        assert_eq!(status_class(303), "3xx");
        assert_eq!(status_class(429), "4xx");
        assert_eq!(status_class(503), "5xx");
    }
}
