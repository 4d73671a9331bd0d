//! Shinian's server: HTTP routes per feature, the database, background work and the
//! command-line tasks. The pages themselves are Leptos components in the `app` crate.

pub mod accounts;
pub mod archive;
pub mod audit;
pub mod config;
pub mod db;
pub mod demo;
pub mod generate;
pub mod health;
pub mod maintenance;
pub mod media;
pub mod moderation;
pub mod numeric;
pub mod revisions;
pub mod serve;
pub mod startup;
pub mod state;
pub mod submission;
pub mod telemetry;
pub mod timeline;
pub mod web;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use state::AppState;
use std::borrow::Cow;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// No request body may exceed this; each route enforces its own, smaller limits while reading.
pub const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;
/// The submission and edit forms carry photos and recordings: every file at its cap, plus the
/// text (8 × 25 MiB + 2 × 150 MiB + 4 MiB).
#[allow(
    clippy::as_conversions,
    reason = "TryFrom is not const; 150 MiB fits usize wherever the server runs"
)]
pub const MAX_UPLOAD_REQUEST_BYTES: usize = app::domain::limits::PHOTOS_PER_STORY
    * app::domain::limits::PHOTO_MAX_BYTES as usize
    + app::domain::limits::RECORDINGS_PER_STORY * app::domain::limits::RECORDING_MAX_BYTES as usize
    + MAX_REQUEST_BYTES;

/// Asset names carry no content hash, so browsers keep them for an hour and then revalidate
/// (`Last-Modified`); a new release reaches everyone within the hour.
const ASSET_CACHE: &str = "public, max-age=3600";

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    // WASM, JS, CSS and public files: gzip/brotli copies made at build time
    // (`cargo leptos build --release --precompress`) are sent to clients that accept them.
    let assets = ServeDir::new(&state.config.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(axum::routing::any(|| async { web::AppError::NotFound }).with_state(()));
    let assets = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(ASSET_CACHE),
        ))
        .service(assets);
    let small_bodies = Router::new()
        .merge(timeline::routes())
        .merge(archive::oai::routes::routes())
        .merge(archive::open_data::routes::routes())
        .merge(media::routes::routes())
        // A voice kept private is served to signed-in staff only: the route reads the session.
        .merge(
            media::recordings::routes::routes().layer(accounts::session::layer(
                state.db.clone(),
                state.config.secure_cookies(),
            )),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(language_switch(&state))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES));
    let staff = staff_routes(&state)
        .layer(from_fn_with_state(
            state.clone(),
            timeline::forget_cached_pages_after_changes,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES));
    let uploads =
        submission::routes(&state).layer(RequestBodyLimitLayer::new(MAX_UPLOAD_REQUEST_BYTES));
    Router::new()
        .merge(small_bodies)
        .merge(uploads)
        .merge(staff)
        .fallback_service(assets)
        .layer(axum::middleware::from_fn(telemetry::track_requests))
        .layer(from_fn_with_state(
            state.clone(),
            web::error_page::localize_errors,
        ))
        .layer(from_fn_with_state(
            state.clone(),
            web::headers::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::new(
            REQUEST_ID,
            web::request_id::MakeSequentialId::default(),
        ))
        .with_state(state)
}

/// `POST /locale` sets a cookie: refused cross-site like every other state change.
fn language_switch(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/locale", post(web::locale::choose_language))
        .layer(from_fn_with_state(
            state.clone(),
            web::origin::same_origin_only,
        ))
}

/// Sign-in, moderation and admin pages: the only routes with sessions, all refusing
/// cross-site state changes. Each handler requires its role through an extractor.
fn staff_routes(state: &AppState) -> Router<AppState> {
    use accounts::{admin, routes as login};
    use moderation::routes as moderate;
    Router::new()
        .route("/login", get(login::form).post(login::login))
        .route("/logout", post(login::logout))
        .route("/moderate", get(moderate::queue))
        .route("/moderate/bulk", post(moderate::bulk))
        .route("/moderate/stories/{id}", get(moderate::review))
        .route("/moderate/stories/{id}/claim", post(moderate::claim))
        .route("/moderate/stories/{id}/decide", post(moderate::decide))
        .route("/moderate/stories/{id}/edit", post(moderate::edit))
        .route("/moderate/stories/{id}/feature", post(moderate::feature))
        .route(
            "/moderate/stories/{id}/recordings/{recording}/text",
            post(moderate::edit_text),
        )
        .route(
            "/moderate/stories/{id}/photos/{photo}/turn",
            post(moderate::turn_photo),
        )
        .route(
            "/moderate/stories/{id}/recordings/{recording}/redactions",
            post(moderate::redact),
        )
        .route(
            "/moderate/stories/{id}/recordings/{recording}/redactions/{redaction}/lift",
            post(moderate::lift_redaction),
        )
        .route("/admin/accounts", get(admin::list).post(admin::create))
        .route("/admin/accounts/{id}/deactivate", post(admin::deactivate))
        .route("/admin/accounts/{id}/activate", post(admin::activate))
        .route("/admin/accounts/{id}/password", post(admin::reset_password))
        .route("/admin/audit", get(moderate::audit))
        .route("/admin/fixity", get(archive::fixity::routes::page))
        .route(
            "/admin/open-data",
            get(archive::open_data::routes::admin_page).post(archive::open_data::routes::request),
        )
        .layer(from_fn_with_state(
            state.clone(),
            web::origin::same_origin_only,
        ))
        .layer(accounts::session::layer(
            state.db.clone(),
            state.config.secure_cookies(),
        ))
}

fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id, method = %request.method(), path = %loggable_path(request.uri().path()))
}

/// Tracking links are capabilities: they must not end up in logs.
fn loggable_path(path: &str) -> Cow<'_, str> {
    match path.strip_prefix("/track/") {
        Some(rest) => {
            let tail = rest.split_once('/').map(|(_, tail)| tail).unwrap_or("");
            Cow::Owned(format!("/track/…/{tail}"))
        }
        None => Cow::Borrowed(path),
    }
}
