//! The one error type of the HTTP layer, and the one place that maps each error to a status
//! code and a localized message. Handlers return `AppError`; the `localize_errors` middleware
//! (`error_page`) turns it (and errors produced by axum or tower layers, such as 404, 405 and
//! 413) into a page in the reader's language, or into JSON for scripts.

use crate::moderation::error::ModerationError;
use crate::submission::error::SubmissionError;
use app::locale::Locale;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos_i18n::td_string;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("malformed request")]
    BadRequest,
    #[error("text is not valid UTF-8")]
    InvalidUtf8,
    #[error("request body over the limit")]
    PayloadTooLarge,
    #[error("unsupported content type")]
    UnsupportedMediaType,
    #[error("honeypot field filled")]
    Honeypot,
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    LoginRequired { next: String },
    #[error("not allowed for this account")]
    Forbidden,
    #[error("cross-site request")]
    CrossSite,
    #[error("too many failed sign-ins")]
    LoginThrottled { retry_after_secs: u64 },
    #[error("request body arrived too slowly")]
    RequestTimeout,
    #[error("no turn to receive photos within the wait")]
    UploadsBusy,
    #[error(transparent)]
    Submission(#[from] SubmissionError),
    #[error(transparent)]
    Moderation(#[from] ModerationError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal: {0}")]
    Internal(String),
}

// The errors of the layers below, each answered here and nowhere else: a failed photo intake
// or password hash is a server fault (500, logged with its cause); a store's refusal is carried
// as it is (`Submission`, `Moderation`) and becomes the matching answer in `kind`.

impl From<crate::media::upload::IntakeError> for AppError {
    fn from(error: crate::media::upload::IntakeError) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl From<crate::accounts::password::HashError> for AppError {
    fn from(error: crate::accounts::password::HashError) -> Self {
        AppError::Internal(error.to_string())
    }
}

/// What the error page needs to know; carried from the handler to the middleware as a
/// response extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    InvalidUtf8,
    PayloadTooLarge,
    UnsupportedMediaType,
    Honeypot,
    RateLimited {
        limit: u32,
        retry_after_secs: u64,
    },
    IdempotencyConflict,
    AlreadyReceived,
    NotEditable,
    NotFound,
    Forbidden,
    CrossSite,
    LoginThrottled {
        retry_after_secs: u64,
    },
    AlreadyHandled {
        by: Option<String>,
    },
    BeingReviewed {
        by: String,
    },
    NotAllowedNow,
    MethodNotAllowed,
    Internal,
    Unavailable,
    RequestTimeout,
    /// A query ran into the statement timeout.
    Busy,
    /// An upload found no turn in time (`UPLOAD_WAIT_SECS`).
    UploadsBusy,
}

/// SQLSTATE `query_canceled`: the statement timeout (or a cancel request) stopped the query.
fn is_statement_timeout(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("57014"))
}

/// The database could not be reached or ended the connection — it is shutting down or
/// restarting (SQLSTATE class 57P, e.g. `admin_shutdown`), or the connection failed (class 08,
/// I/O): the request may succeed again in a moment, without anyone fixing anything.
fn is_database_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|code| code.starts_with("57P") || code.starts_with("08")),
        _ => false,
    }
}

impl AppError {
    fn kind(&self) -> ErrorKind {
        match self {
            AppError::BadRequest => ErrorKind::BadRequest,
            AppError::InvalidUtf8 => ErrorKind::InvalidUtf8,
            AppError::PayloadTooLarge => ErrorKind::PayloadTooLarge,
            AppError::UnsupportedMediaType => ErrorKind::UnsupportedMediaType,
            AppError::Honeypot => ErrorKind::Honeypot,
            AppError::NotFound => ErrorKind::NotFound,
            // Answered with a redirect before a kind is needed (see `into_response`).
            AppError::LoginRequired { .. } | AppError::Forbidden => ErrorKind::Forbidden,
            AppError::CrossSite => ErrorKind::CrossSite,
            AppError::LoginThrottled { retry_after_secs } => ErrorKind::LoginThrottled {
                retry_after_secs: *retry_after_secs,
            },
            AppError::RequestTimeout => ErrorKind::RequestTimeout,
            AppError::UploadsBusy => ErrorKind::UploadsBusy,
            AppError::Submission(refusal) => submission_kind(refusal),
            AppError::Moderation(refusal) => moderation_kind(refusal),
            AppError::Database(error) => database_kind(error),
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }
}

fn submission_kind(refusal: &SubmissionError) -> ErrorKind {
    match refusal {
        SubmissionError::RateLimited {
            limit,
            retry_after_secs,
        } => ErrorKind::RateLimited {
            limit: *limit,
            retry_after_secs: *retry_after_secs,
        },
        SubmissionError::IdempotencyConflict => ErrorKind::IdempotencyConflict,
        SubmissionError::AlreadyReceived => ErrorKind::AlreadyReceived,
        SubmissionError::NotFound => ErrorKind::NotFound,
        SubmissionError::NotEditable => ErrorKind::NotEditable,
        SubmissionError::Database(error) => database_kind(error),
    }
}

fn moderation_kind(refusal: &ModerationError) -> ErrorKind {
    match refusal {
        ModerationError::NotFound => ErrorKind::NotFound,
        ModerationError::AlreadyHandled { by } => ErrorKind::AlreadyHandled { by: by.clone() },
        ModerationError::BeingReviewed { by } => ErrorKind::BeingReviewed { by: by.clone() },
        ModerationError::NotAllowedNow => ErrorKind::NotAllowedNow,
        ModerationError::Database(error) => database_kind(error),
    }
}

fn database_kind(error: &sqlx::Error) -> ErrorKind {
    if is_database_unavailable(error) {
        ErrorKind::Unavailable
    } else if is_statement_timeout(error) {
        ErrorKind::Busy
    } else {
        ErrorKind::Internal
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::LoginRequired { next } = &self {
            let target = format!(
                "/login?next={}",
                percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
            );
            return Redirect::to(&target).into_response();
        }
        let kind = self.kind();
        match kind {
            ErrorKind::Busy => {
                tracing::warn!(error = %self, "query ran into the statement timeout")
            }
            ErrorKind::Unavailable => tracing::warn!(error = %self, "database unavailable"),
            ErrorKind::Internal => tracing::error!(error = %self, "request failed"),
            _ => tracing::info!(error = %self, "request refused"),
        }
        let mut response = kind.status().into_response();
        response.extensions_mut().insert(kind);
        response
    }
}

impl ErrorKind {
    pub fn status(&self) -> StatusCode {
        match self {
            ErrorKind::BadRequest | ErrorKind::InvalidUtf8 | ErrorKind::Honeypot => {
                StatusCode::BAD_REQUEST
            }
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::RateLimited { .. } | ErrorKind::LoginThrottled { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ErrorKind::IdempotencyConflict
            | ErrorKind::AlreadyReceived
            | ErrorKind::NotEditable
            | ErrorKind::AlreadyHandled { .. }
            | ErrorKind::BeingReviewed { .. }
            | ErrorKind::NotAllowedNow => StatusCode::CONFLICT,
            ErrorKind::Forbidden | ErrorKind::CrossSite => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Unavailable | ErrorKind::Busy | ErrorKind::UploadsBusy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ErrorKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// A short stable name for scripts (`"error"` in JSON answers).
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::InvalidUtf8 => "invalid_utf8",
            ErrorKind::PayloadTooLarge => "too_large",
            ErrorKind::UnsupportedMediaType => "unsupported_media_type",
            ErrorKind::Honeypot => "honeypot",
            ErrorKind::RateLimited { .. } => "rate_limited",
            ErrorKind::IdempotencyConflict => "idempotency_conflict",
            ErrorKind::AlreadyReceived => "already_received",
            ErrorKind::NotEditable => "not_editable",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::CrossSite => "cross_site",
            ErrorKind::LoginThrottled { .. } => "login_throttled",
            ErrorKind::AlreadyHandled { .. } => "already_handled",
            ErrorKind::BeingReviewed { .. } => "being_reviewed",
            ErrorKind::NotAllowedNow => "not_allowed_now",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::Internal => "server_error",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::RequestTimeout => "request_timeout",
            ErrorKind::Busy => "busy",
            ErrorKind::UploadsBusy => "uploads_busy",
        }
    }

    pub fn message(&self, locale: Locale) -> String {
        match self {
            ErrorKind::BadRequest => {
                td_string!(locale, common.request_error.bad_request).to_owned()
            }
            ErrorKind::InvalidUtf8 => {
                td_string!(locale, common.request_error.invalid_utf8).to_owned()
            }
            ErrorKind::PayloadTooLarge => {
                td_string!(locale, common.request_error.too_large).to_owned()
            }
            ErrorKind::UnsupportedMediaType => {
                td_string!(locale, common.request_error.unsupported_media_type).to_owned()
            }
            ErrorKind::Honeypot => td_string!(locale, common.request_error.honeypot).to_owned(),
            ErrorKind::RateLimited { limit, .. } => {
                td_string!(locale, common.request_error.rate_limited, limit).to_string()
            }
            ErrorKind::IdempotencyConflict => {
                td_string!(locale, common.request_error.idempotency_conflict).to_owned()
            }
            ErrorKind::AlreadyReceived => {
                td_string!(locale, common.request_error.already_received).to_owned()
            }
            ErrorKind::NotEditable => {
                td_string!(locale, common.request_error.not_editable).to_owned()
            }
            ErrorKind::NotFound => td_string!(locale, common.request_error.not_found).to_owned(),
            ErrorKind::Forbidden => td_string!(locale, common.request_error.forbidden).to_owned(),
            ErrorKind::CrossSite => td_string!(locale, common.request_error.cross_site).to_owned(),
            ErrorKind::LoginThrottled { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60);
                td_string!(locale, common.request_error.login_throttled, minutes).to_string()
            }
            ErrorKind::AlreadyHandled { by: Some(by) } => {
                td_string!(locale, common.request_error.already_handled, by).to_string()
            }
            ErrorKind::AlreadyHandled { by: None } => {
                td_string!(locale, common.request_error.changed_by_contributor).to_owned()
            }
            ErrorKind::BeingReviewed { by } => {
                td_string!(locale, common.request_error.being_reviewed, by).to_string()
            }
            ErrorKind::NotAllowedNow => {
                td_string!(locale, common.request_error.not_allowed_now).to_owned()
            }
            ErrorKind::MethodNotAllowed => {
                td_string!(locale, common.request_error.method_not_allowed).to_owned()
            }
            ErrorKind::Internal => td_string!(locale, common.request_error.server_error).to_owned(),
            ErrorKind::Unavailable => {
                td_string!(locale, common.request_error.unavailable).to_owned()
            }
            ErrorKind::RequestTimeout => {
                td_string!(locale, common.request_error.request_timeout).to_owned()
            }
            ErrorKind::Busy => td_string!(locale, common.request_error.busy).to_owned(),
            ErrorKind::UploadsBusy => {
                td_string!(locale, common.request_error.uploads_busy).to_owned()
            }
        }
    }
}

/// Does the client want JSON rather than a page (the form island, the API, scripts)?
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

/// `wants_json` as an extractor, for handlers that answer a form with a page or with JSON.
#[derive(Debug, Clone, Copy)]
pub struct WantsJson(pub bool);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for WantsJson {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(WantsJson(wants_json(&parts.headers)))
    }
}
