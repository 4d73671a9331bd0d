//! The reader's language: a `lang` cookie set by the language switch, else `Accept-Language`,
//! else Chinese. Pages keep their URLs in every language (no locale prefix or redirect).

use super::error::AppError;
use super::form::PostedForm;
use super::redirect::LocalPath;
use app::domain::LanguageField;
use app::locale::{self, Locale};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use std::convert::Infallible;

pub const COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy)]
pub struct RequestLocale(pub Locale);

impl RequestLocale {
    pub fn from_headers(headers: &HeaderMap) -> Locale {
        let jar = CookieJar::from_headers(headers);
        let chosen = jar.get(COOKIE).map(Cookie::value);
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        locale::negotiate(chosen, accept)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestLocale {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLocale(RequestLocale::from_headers(&parts.headers)))
    }
}

/// `POST /locale`: remembers the chosen language for a year and goes back to the page.
pub async fn choose_language(jar: CookieJar, posted: PostedForm) -> Result<Response, AppError> {
    let chosen = locale::from_tag(posted.text(LanguageField::Lang)).ok_or(AppError::BadRequest)?;
    let cookie = Cookie::build((COOKIE, locale::tag(chosen)))
        .path("/")
        .max_age(time::Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .build();
    Ok((
        jar.add(cookie),
        LocalPath::or_home(posted.text(LanguageField::Next)).redirect(),
    )
        .into_response())
}
