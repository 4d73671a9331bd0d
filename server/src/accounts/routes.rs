//! `GET /login`, `POST /login`, `POST /logout`.

use super::session::{current_account, sign_in, sign_out};
use super::{password, store};
use crate::state::AppState;
use crate::submission::tokens::ip_hash;
use crate::web::client_ip::ClientIp;
use crate::web::form::read_form;
use crate::web::query::Query;
use crate::web::redirect::LocalPath;
use crate::web::render::{private_html, render_page};
use crate::web::{AppError, RequestLocale};
use app::accounts::{LoginFailure, LoginPage};
use app::locale::Locale;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only our own moderation and admin pages may be the destination after signing in.
fn safe_next(next: &str) -> String {
    LocalPath::parse(next)
        .filter(|path| path.is_under("/moderate") || path.is_under("/admin"))
        .map_or_else(|| "/moderate".to_owned(), |path| path.as_str().to_owned())
}

pub async fn form(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    session: Session,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(&query.next);
    if current_account(&session, &state.db).await?.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(login_page(
        &state,
        locale,
        String::new(),
        next,
        None,
        StatusCode::OK,
    ))
}

fn login_page(
    state: &AppState,
    locale: Locale,
    email: String,
    next: String,
    failure: Option<LoginFailure>,
    status: StatusCode,
) -> Response {
    let page = render_page(state, locale, "/login", move || {
        view! { <LoginPage email next failure /> }
    });
    private_html(status, page)
}

pub async fn login(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    ClientIp(ip): ClientIp,
    session: Session,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let posted = read_form(&headers, body).await?;
    let email = posted.get("email").unwrap_or("").trim().to_owned();
    let typed = posted.get("password").unwrap_or("").to_owned();
    let next = safe_next(posted.get("next").unwrap_or(""));
    let email_hash = store::email_hash(&email);
    let ip_hash = ip_hash(ip);
    if let Some(retry_after_secs) = store::login_throttled(&state.db, &email_hash, &ip_hash).await?
    {
        return Err(AppError::LoginThrottled { retry_after_secs });
    }
    let found = store::find_for_login(&state.db, &email).await?;
    let (account, hash) = match found {
        Some((account, hash)) => (Some(account), Some(hash)),
        None => (None, None),
    };
    let matches = password::verify(typed, hash).await;
    match account {
        Some(account) if matches && account.active => {
            store::clear_login_failures(&state.db, &email_hash).await?;
            sign_in(&session, &account).await?;
            tracing::info!(account = %account.id, "signed in");
            Ok(Redirect::to(&next).into_response())
        }
        Some(_) if matches => Ok(login_page(
            &state,
            locale,
            email,
            next,
            Some(LoginFailure::Deactivated),
            StatusCode::FORBIDDEN,
        )),
        _ => {
            store::record_login_failure(&state.db, &email_hash, &ip_hash).await?;
            Ok(login_page(
                &state,
                locale,
                email,
                next,
                Some(LoginFailure::WrongCredentials),
                StatusCode::UNAUTHORIZED,
            ))
        }
    }
}

pub async fn logout(session: Session) -> Result<Response, AppError> {
    sign_out(&session).await?;
    Ok(Redirect::to("/").into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_our_pages_follow_sign_in() {
        assert_eq!(safe_next("/moderate/stories/3"), "/moderate/stories/3");
        assert_eq!(safe_next("/admin/accounts"), "/admin/accounts");
        assert_eq!(safe_next("https://evil.example/"), "/moderate");
        assert_eq!(safe_next("//evil.example/moderate"), "/moderate");
        assert_eq!(safe_next("/moderate//evil"), "/moderate");
        assert_eq!(safe_next("/moderateX"), "/moderate");
        assert_eq!(safe_next("/moderate/\nx"), "/moderate");
        assert_eq!(safe_next("/\t/evil.example/"), "/moderate");
    }
}
