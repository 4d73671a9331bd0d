//! Residents submit "my ten years" stories, follow them through a private tracking link, edit
//! them while they wait for review, and withdraw them at any time.

pub mod contribute;
pub mod error;
pub mod photo_form;
pub mod recording_form;
mod routes;
pub mod store;
pub mod tokens;

use crate::state::AppState;
use crate::timeline::forget_cached_pages_after_changes;
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

pub fn routes(state: &AppState) -> Router<AppState> {
    // A new story is pending, so submitting changes no public page; editing or withdrawing
    // an approved one does.
    let changes_public_stories = Router::new()
        .route("/track/{token}", get(routes::track).post(routes::edit))
        .route("/track/{token}/withdraw", post(routes::withdraw))
        .route(
            "/track/{token}/recordings/{recording}/text",
            post(routes::edit_text),
        )
        .layer(from_fn_with_state(
            state.clone(),
            forget_cached_pages_after_changes,
        ));
    Router::new()
        .route("/submit", get(routes::form).post(routes::submit))
        .merge(changes_public_stories)
}
