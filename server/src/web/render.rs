//! Server-side rendering of the Leptos pages in `app`. Each page is rendered to a string in
//! its own reactive owner, with the request's locale and path provided as context.

use crate::state::AppState;
use app::locale::Locale;
use app::ui::PageContext;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hydration_context::SsrSharedContext;
use leptos::prelude::*;
use std::sync::Arc;

/// Renders a page component to a complete HTML document.
pub fn render_page<V, F>(state: &AppState, locale: Locale, path: &str, page: F) -> String
where
    F: FnOnce() -> V,
    V: IntoView + 'static,
{
    let owner = Owner::new_root(Some(Arc::new(SsrSharedContext::new())));
    owner.with(|| {
        provide_context(PageContext {
            locale,
            path: path.to_owned(),
            options: (*state.leptos).clone(),
        });
        page().into_view().to_html()
    })
}

/// An HTML response that must never be stored by a browser or proxy: private pages and forms
/// carrying what a person typed.
pub fn private_html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // Not `no-referrer`: with it browsers send `Origin: null` on the page's own form posts,
    // which the cross-site check must refuse. `same-origin` still keeps private URLs (tracking
    // links) from reaching any other site.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

/// An HTML response for a public page.
pub fn public_html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
