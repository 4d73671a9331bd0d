//! `/moderate…` (moderators and admins) and `/admin/audit` (admins). Every handler takes a
//! `Moderator` or `Admin` extractor: no session, no page.

use super::error::ModerationError;
use super::review;
use super::store::{self, PhotoWords};
use crate::accounts::{Admin, Moderator};
use crate::audit::{self, AuditQuery};
use crate::media::photos;
use crate::state::AppState;
use crate::web::form::PostedForm;
use crate::web::query::{Query, QueryForm};
use crate::web::render::{private_html, render_page};
use crate::web::time::{display_date, latest_allowed_year};
use crate::web::{AppError, RequestLocale};
use app::domain::{
    AuditAction, AuditField, Decision, Field, FieldError, FormErrors, ModeratorMessage, NewStory,
    PhotoDetails, PhotoDraft, PhotoWordsField, QueueField, RejectReason, ReviewField, ReviewInput,
    StoryDraft, StoryId, StoryStatus, StoryVersion, Theme, moderation_limits,
};
use app::locale::{self, Locale};
use app::media::OwnPhoto;
use app::moderation::{
    AuditFilter, AuditPage, AuditRow, HistoryRow, QueueFilter, QueueItem, QueueNotice, QueuePage,
    ReviewNotice, ReviewPage, ReviewStory, RevisionRow, TURN_LEFT, TURN_RIGHT,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;

const QUEUE_PAGE: i64 = 200;
const AUDIT_PAGE: i64 = 100;

fn status_from_slug(slug: &str) -> Option<StoryStatus> {
    StoryStatus::from_slug(slug).filter(|s| *s != StoryStatus::Withdrawn)
}

fn queue_filter(query: &QueryForm) -> QueueFilter {
    QueueFilter {
        status: status_from_slug(query.text(QueueField::Status)).unwrap_or(StoryStatus::Pending),
        theme: Theme::from_slug(query.text(QueueField::Theme)),
        place: query.text(QueueField::Place).chars().take(100).collect(),
        has_photos: query.checked(QueueField::Photos),
        assisted: query.checked(QueueField::Assisted),
    }
}

/// A count the queue's notice shows after a bulk action; one that is not a number is a 400.
fn count(query: &QueryForm, field: QueueField) -> Result<Option<usize>, AppError> {
    query
        .get(field)
        .map(|n| n.parse().map_err(|_| AppError::BadRequest))
        .transpose()
}

/// `/moderate` with these parameters.
fn queue_path(params: &[(QueueField, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(field, value)| format!("{field}={value}"))
        .collect();
    format!("/moderate?{}", query.join("&"))
}

/// `GET /moderate`: the queue, oldest first, with counts per status and filters.
pub async fn queue(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Moderator(me): Moderator,
    query: QueryForm,
) -> Result<Response, AppError> {
    let filter = queue_filter(&query);
    let (done, skipped) = (
        count(&query, QueueField::Done)?,
        count(&query, QueueField::Skipped)?,
    );
    let offset = state.config.display_utc_offset_hours;
    let items: Vec<QueueItem> = store::queue(&state.db, &filter, me.id, QUEUE_PAGE)
        .await?
        .into_iter()
        .map(|r| QueueItem {
            id: r.id,
            version: r.version,
            excerpt: r.body.chars().take(140).collect(),
            title: r.title,
            place: r.place,
            submitted_on: display_date(locale, r.submitted_at, offset),
            themes: r.themes,
            photos: r.photos,
            assisted: r.assisted,
            claim: r.claim,
        })
        .collect();
    let counts = store::counts(&state.db).await?;
    let notice = done.map(|done| QueueNotice {
        done,
        skipped: skipped.unwrap_or(0),
    });
    let me_name = me.display_name.clone();
    let is_admin = me.is_admin();
    let page = render_page(&state, locale, "/moderate", move || {
        view! { <QueuePage items counts filter notice me_name is_admin /> }
    });
    Ok(private_html(StatusCode::OK, page))
}

/// `POST /moderate/stories/{id}/claim`: "I am reviewing this", then the item page.
pub async fn claim(
    State(state): State<AppState>,
    Moderator(me): Moderator,
    Path(id): Path<StoryId>,
) -> Result<Response, AppError> {
    store::claim(&state.db, id, me.id).await?;
    Ok(Redirect::to(&format!("/moderate/stories/{id}")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /moderate/stories/{id}`: the whole story, private details, photos, history.
pub async fn review(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Moderator(me): Moderator,
    Path(id): Path<StoryId>,
    Query(query): Query<ReviewQuery>,
) -> Result<Response, AppError> {
    let notice = query.saved.is_some().then_some(ReviewNotice::Saved);
    let page = review_page(&state, locale, &me, id, notice, None).await?;
    Ok(private_html(StatusCode::OK, page))
}

/// A failed form on the item page: what was typed, and what was wrong.
struct Failed {
    edit: Option<StoryDraft>,
    errors: FormErrors<ReviewInput>,
}

async fn review_page(
    state: &AppState,
    locale: Locale,
    me: &crate::accounts::store::Account,
    id: StoryId,
    notice: Option<ReviewNotice>,
    failed: Option<Failed>,
) -> Result<String, AppError> {
    let review = review::load(&state.db, id, me.id).await?;
    let detail = review.detail;
    let offset = state.config.display_utc_offset_hours;
    let revision_rows: Vec<RevisionRow> = review
        .revisions
        .into_iter()
        .map(|(r, changed)| RevisionRow {
            version: r.version,
            by: r.by,
            on: display_date(locale, r.at, offset),
            changed,
        })
        .collect();
    let history: Vec<HistoryRow> = review
        .history
        .into_iter()
        .map(|e| HistoryRow {
            actor: e.actor,
            action: e.action,
            to: e.to,
            reason: e.reason,
            on: display_date(locale, e.at, offset),
        })
        .collect();
    let photos: Vec<OwnPhoto> = review
        .photos
        .into_iter()
        .map(|p| OwnPhoto {
            id: p.id,
            view: p.view,
        })
        .collect();
    let (edit_draft, errors) = match failed {
        Some(f) => (f.edit, f.errors),
        None => (None, FormErrors::default()),
    };
    let story = ReviewStory {
        id: detail.id,
        version: detail.version,
        status: detail.status,
        featured: detail.featured,
        edit: edit_draft.unwrap_or_else(|| detail.draft.clone()),
        draft: detail.draft,
        licence: detail.licence,
        moderator_message: detail.moderator_message,
        submitted_on: display_date(locale, detail.submitted_at, offset),
        updated_on: display_date(locale, detail.updated_at, offset),
        claim: detail.claim,
        photos,
        history,
        revisions: revision_rows,
        changes_since_request: review.changes_since_request,
    };
    let path = format!("/moderate/stories/{id}");
    let is_admin = me.is_admin();
    Ok(render_page(state, locale, &path, move || {
        view! { <ReviewPage story notice errors is_admin /> }
    }))
}

fn posted_version(posted: &PostedForm) -> Result<StoryVersion, AppError> {
    posted
        .get(ReviewField::Version)
        .and_then(StoryVersion::parse)
        .ok_or(AppError::BadRequest)
}

/// The message a decision carries: a templated reason (reject only) and the moderator's words.
fn decision_message(
    locale: Locale,
    decision: Decision,
    posted: &PostedForm,
) -> Result<Option<ModeratorMessage>, FieldError> {
    if !decision.needs_message() {
        return Ok(None);
    }
    let template = posted
        .get(ReviewField::Reason)
        .and_then(RejectReason::parse)
        .filter(|_| decision == Decision::Reject)
        .map(|r| locale::reject_reason(locale, r));
    ModeratorMessage::compose(template, posted.text(ReviewField::Message)).map(Some)
}

/// `POST /moderate/stories/{id}/decide`: `decision` (approve, reject, request_changes,
/// unpublish), `version`, and for all but approve a `message` (and for reject an optional
/// templated `reason`). The message goes to the contributor's tracking page, in the language
/// the moderator works in.
pub async fn decide(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Moderator(me): Moderator,
    Path(id): Path<StoryId>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let decision =
        Decision::parse(posted.text(ReviewField::Decision)).map_err(|_| AppError::BadRequest)?;
    let version = posted_version(&posted)?;
    let message = match decision_message(locale, decision, &posted) {
        Ok(message) => message,
        Err(error) => {
            let mut errors = FormErrors::default();
            errors.add(ReviewInput::Message(decision), error);
            let failed = Failed { edit: None, errors };
            let page = review_page(&state, locale, &me, id, None, Some(failed)).await?;
            return Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };
    store::decide(&state.db, id, version, decision, message.as_ref(), &me).await?;
    let back = queue_path(&[
        (QueueField::Done, "1".to_owned()),
        (QueueField::Status, queue_after(decision).to_owned()),
    ]);
    Ok(Redirect::to(&back).into_response())
}

/// Back to the list the story came from.
fn queue_after(decision: Decision) -> &'static str {
    match decision {
        Decision::Unpublish => StoryStatus::Approved.slug(),
        _ => StoryStatus::Pending.slug(),
    }
}

/// `POST /moderate/stories/{id}/feature` with `featured=true|false` (approved stories only).
pub async fn feature(
    State(state): State<AppState>,
    Moderator(me): Moderator,
    Path(id): Path<StoryId>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let featured = posted.get(ReviewField::Featured) == Some("true");
    store::set_featured(&state.db, id, featured, &me).await?;
    Ok(Redirect::to(&format!("/moderate/stories/{id}?saved=1")).into_response())
}

/// `POST /moderate/stories/{id}/photos/{photo}/turn` with `version` and `direction`
/// (`clockwise` or `counterclockwise`): the photo is made again, turned.
pub async fn turn_photo(
    State(state): State<AppState>,
    Moderator(me): Moderator,
    Path((id, photo)): Path<(StoryId, app::domain::PhotoId)>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let version = posted_version(&posted)?;
    let clockwise = match posted.get(ReviewField::Direction) {
        Some(TURN_RIGHT) => true,
        Some(TURN_LEFT) => false,
        _ => return Err(AppError::BadRequest),
    };
    store::turn_photo(&state.db, id, version, photo, clockwise, &me).await?;
    state.jobs_queued.notify_one();
    Ok(Redirect::to(&format!("/moderate/stories/{id}?saved=1")).into_response())
}

/// `POST /moderate/stories/{id}/edit`: the public content corrected before publishing, with
/// `version`, the story fields of the submission form (title, story, place, narrator_name,
/// role, year_then, year_then_approx, year_now, themes) and `photo_{id}_caption` /
/// `photo_{id}_alt` per photo.
pub async fn edit(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Moderator(me): Moderator,
    Path(id): Path<StoryId>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let story = id;
    let version = posted_version(&posted)?;
    let current = store::detail(&state.db, story, me.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let draft = edited_draft(current.draft, &posted);
    let latest = latest_allowed_year();
    let parsed = NewStory::parse(&draft, latest);
    let stored_photos = photos::of_story(&state.db, story).await?;
    let photo_words = parse_photo_words(&posted, &stored_photos, latest);
    let (edited, words) = match (parsed, photo_words) {
        (Ok(edited), Ok(words)) => (edited, words),
        (parsed, words) => {
            let mut errors = parsed.err().unwrap_or_default().map(ReviewInput::Story);
            for (input, error) in words.err().unwrap_or_default().iter() {
                errors.add(input, error);
            }
            let failed = Failed {
                edit: Some(draft),
                errors,
            };
            let page = review_page(&state, locale, &me, story, None, Some(failed)).await?;
            return Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };
    store::edit(&state.db, story, version, &edited, &words, &me).await?;
    Ok(Redirect::to(&format!("/moderate/stories/{id}?saved=1")).into_response())
}

/// The stored story with the public fields replaced by what the moderator posted; private
/// details and consents stay as the contributor gave them.
fn edited_draft(mut draft: StoryDraft, posted: &PostedForm) -> StoryDraft {
    draft.themes.clear();
    for field in MODERATOR_EDITS {
        match field {
            Field::YearThenApprox => draft.year_then_approx = posted.checked(field),
            Field::Themes => posted
                .all(field)
                .for_each(|theme| draft.set_field(field, theme)),
            _ => draft.set_field(field, posted.text(field)),
        }
    }
    draft
}

/// The story fields of the submission form a moderator may correct.
const MODERATOR_EDITS: [Field; 9] = [
    Field::Title,
    Field::Story,
    Field::Place,
    Field::NarratorName,
    Field::Role,
    Field::YearThen,
    Field::YearThenApprox,
    Field::YearNow,
    Field::Themes,
];

fn parse_photo_words(
    posted: &PostedForm,
    stored: &[photos::StoredPhoto],
    latest: i32,
) -> Result<Vec<PhotoWords>, FormErrors<ReviewInput>> {
    let mut words = Vec::new();
    let mut errors = FormErrors::default();
    for photo in stored {
        let sent = |field: PhotoWordsField| posted.named(&field.of_photo(photo.id));
        let (Some(caption), Some(alt)) =
            (sent(PhotoWordsField::Caption), sent(PhotoWordsField::Alt))
        else {
            continue;
        };
        let draft = PhotoDraft {
            year: String::new(),
            caption: caption.to_owned(),
            credit: String::new(),
            alt: alt.to_owned(),
        };
        match PhotoDetails::parse(&draft, None, latest) {
            Ok(details) => words.push(PhotoWords {
                id: photo.id,
                caption: details.caption,
                alt: details.alt,
            }),
            Err((part, error)) => {
                let field = if part == PhotoWordsField::Alt.part() {
                    PhotoWordsField::Alt
                } else {
                    PhotoWordsField::Caption
                };
                errors.add(ReviewInput::Photo(photo.id, field), error);
            }
        }
    }
    if errors.is_empty() {
        Ok(words)
    } else {
        Err(errors)
    }
}

/// `POST /moderate/bulk`: `decision` (approve or reject), `story` values `{id}:{version}` for
/// each selected item (at most `BULK_MAX`), and for reject a `reason` and/or `message`. Each
/// story is decided on its own; those handled meanwhile are counted as skipped.
pub async fn bulk(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Moderator(me): Moderator,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let decision = match Decision::parse(posted.text(ReviewField::Decision)) {
        Ok(d @ (Decision::Approve | Decision::Reject)) => d,
        _ => return Err(AppError::BadRequest),
    };
    let selected: Vec<(StoryId, StoryVersion)> = posted
        .all(QueueField::Story)
        .filter_map(|value| {
            let (id, version) = value.split_once(':')?;
            Some((
                StoryId(id.trim().parse().ok()?),
                StoryVersion::parse(version)?,
            ))
        })
        .collect();
    if selected.is_empty() || selected.len() > moderation_limits::BULK_MAX {
        return Err(AppError::BadRequest);
    }
    let message = decision_message(locale, decision, &posted).map_err(|_| AppError::BadRequest)?;
    let (mut done, mut skipped) = (0, 0);
    for (story, version) in selected {
        match store::decide(&state.db, story, version, decision, message.as_ref(), &me).await {
            Ok(()) => done += 1,
            Err(
                ModerationError::AlreadyHandled { .. }
                | ModerationError::BeingReviewed { .. }
                | ModerationError::NotFound,
            ) => skipped += 1,
            Err(other) => return Err(other.into()),
        }
    }
    let back = queue_path(&[
        (QueueField::Done, done.to_string()),
        (QueueField::Skipped, skipped.to_string()),
    ]);
    Ok(Redirect::to(&back).into_response())
}

/// `GET /admin/audit`: the audit log, newest first, filterable by story, action and moderator.
pub async fn audit(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(_): Admin,
    params: QueryForm,
) -> Result<Response, AppError> {
    let before = params
        .get(AuditField::Before)
        .map(|text| text.parse().map_err(|_| AppError::BadRequest))
        .transpose()?;
    let query = AuditQuery {
        story: params.text(AuditField::Story).trim().parse().ok(),
        action: AuditAction::from_slug(params.text(AuditField::Action).trim()),
        moderator: params.text(AuditField::Moderator).trim().parse().ok(),
        before,
        limit: AUDIT_PAGE,
    };
    let offset = state.config.display_utc_offset_hours;
    let entries = audit::audit(&state.db, &query).await?;
    let older = (i64::try_from(entries.len()) == Ok(AUDIT_PAGE))
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let rows: Vec<AuditRow> = entries
        .into_iter()
        .map(|e| AuditRow {
            story: e.story,
            actor: e.actor,
            action: e.action,
            from: e.from,
            to: e.to,
            reason: e.reason,
            at: display_date(locale, e.at, offset),
        })
        .collect();
    let accounts = crate::accounts::store::list(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id.0, a.display_name))
        .collect();
    let filter = AuditFilter {
        story: params.text(AuditField::Story).to_owned(),
        action: query.action,
        moderator: params.text(AuditField::Moderator).to_owned(),
    };
    let page = render_page(&state, locale, "/admin/audit", move || {
        view! { <AuditPage rows filter accounts older /> }
    });
    Ok(private_html(StatusCode::OK, page))
}
