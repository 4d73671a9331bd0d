//! The public side: the timeline, story pages, the Atom feed, the sitemap and the read API.
//! Only approved stories and their public fields appear here (see `store`).

pub mod api;
pub mod cache;
pub mod feed;
pub mod pages;
pub mod store;

use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/stories/{id}", get(pages::story))
        .route("/stories/{id}/qr.svg", get(pages::qr_code))
        .route("/feed.atom", get(feed::atom))
        .route("/sitemap.xml", get(feed::sitemap))
        .route("/sitemaps/{n}", get(feed::sitemap_part))
        .route("/api/v1/stories", get(api::list))
        .route("/api/v1/stories/{id}", get(api::one))
}

/// Layered on the routes that can change a public story (withdrawal, moderation): once such a
/// request has succeeded, this instance forgets its cached pages at once, so the person who
/// made the change sees it on their next page even before the database's notification (which
/// clears every instance) has arrived.
pub async fn forget_cached_pages_after_changes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let changes = !request.method().is_safe();
    let response = next.run(request).await;
    let status = response.status();
    if changes && (status.is_success() || status.is_redirection()) {
        state.pages.clear();
    }
    response
}
