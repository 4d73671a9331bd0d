//! The public side: the timeline, story pages, the Atom feed, the sitemap and the read API.
//! Only approved stories and their public fields appear here (see `store`).

pub mod api;
pub mod cache;
pub mod feed;
pub mod pages;
pub mod store;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/stories/{id}", get(pages::story))
        .route("/feed.atom", get(feed::atom))
        .route("/sitemap.xml", get(feed::sitemap))
        .route("/sitemaps/{n}", get(feed::sitemap_part))
        .route("/api/v1/stories", get(api::list))
        .route("/api/v1/stories/{id}", get(api::one))
}
