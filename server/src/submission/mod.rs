//! Residents submit "my ten years" stories, follow them through a private tracking link, edit
//! them while they wait for review, and withdraw them at any time.

mod routes;
pub mod store;
pub mod tokens;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/submit", get(routes::form).post(routes::submit))
        .route("/track/{token}", get(routes::track).post(routes::edit))
        .route("/track/{token}/withdraw", post(routes::withdraw))
}
