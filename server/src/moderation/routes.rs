//! `/moderate…` (moderators and admins) and `/admin/audit` (admins). Every handler takes a
//! `Moderator` or `Admin` extractor: no session, no page.

use super::curate::{self, DecisionForm, Outcome, PostedWords, StoryEdit, TextOutcome};
use super::redactions::{self, StoredRedaction};
use super::review;
use super::store;
use crate::accounts::store::Account;
use crate::accounts::{Admin, Moderator};
use crate::audit::trail::{self, TrailQuery};
use crate::media::deletions;
use crate::media::recordings::rows::StoredRecording;
use crate::state::AppState;
use crate::web::form::PostedForm;
use crate::web::query::{Query, QueryForm};
use crate::web::render::{private_html, render_page};
use crate::web::time::display_date;
use crate::web::{AppError, RequestLocale};
use app::domain::transcript::RecordingTextErrors;
use app::domain::{
    AuditField, Decision, Field, FormErrors, PhotoId, PhotoWordsField, QueueField, REDACTABLE,
    RecordingId, RedactionDraft, RedactionField, RedactionId, RejectReason, ReviewField,
    ReviewInput, StoryDraft, StoryId, StoryStatus, StoryVersion, Theme, TrailAction, TrailCursor,
    TrailKind, TranscriptField, moderation_limits,
};
use app::locale::Locale;
use app::media::{OwnPhoto, OwnRecording};
use app::moderation::{
    AuditFilter, AuditPage, HistoryRow, QueueFilter, QueueItem, QueueNotice, QueuePage,
    RecordingRedactions, RedactionForm, RedactionRow, ReviewNotice, ReviewPage, ReviewRecording,
    ReviewStory, RevisionRow, TURN_LEFT, TURN_RIGHT, TrailRow,
};
use app::voice::transcript::TranscriptForm;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

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
#[derive(Default)]
struct Failed {
    edit: Option<StoryDraft>,
    errors: FormErrors<ReviewInput>,
    /// A refused transcript form: its recording, what was typed and why.
    text: Option<RefusedText>,
    /// A refused redaction: for which recording, as typed, and why.
    redaction: Option<(RecordingId, RedactionDraft, FormErrors<RedactionField>)>,
}

struct RefusedText {
    recording: RecordingId,
    transcript: String,
    index: String,
    errors: RecordingTextErrors,
}

async fn review_page(
    state: &AppState,
    locale: Locale,
    me: &Account,
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
        .map(|e| e.shown(|at| display_date(locale, at, offset)))
        .collect();
    let photos: Vec<OwnPhoto> = review
        .photos
        .into_iter()
        .map(|p| OwnPhoto {
            id: p.id,
            view: p.view,
        })
        .collect();
    let failed = failed.unwrap_or_default();
    let mut redactions = redaction_lists(
        locale,
        offset,
        (detail.id, detail.version, detail.status),
        &review.recordings,
        review.redactions,
        failed.redaction,
    );
    let recordings = review
        .recordings
        .into_iter()
        .map(|r| ReviewRecording {
            redactions: redactions.remove(&r.id).unwrap_or_default(),
            own: OwnRecording {
                id: r.id,
                view: r.view,
            },
            failure: r.failure,
        })
        .collect();
    let Failed {
        edit: edit_draft,
        errors,
        text,
        ..
    } = failed;
    let refused_text =
        text.map(|t| {
            let action = TranscriptForm::review_action(detail.id, t.recording);
            TranscriptForm::stored(t.recording, action, Some(detail.version), 0, None, None)
                .refused(t.transcript, t.index, t.errors)
        });
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
        recordings,
        history,
        revisions: revision_rows,
        changes_since_request: review.changes_since_request,
        refused_text,
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

fn decision_form(posted: &PostedForm) -> Result<DecisionForm<'_>, AppError> {
    Ok(DecisionForm {
        decision: Decision::parse(posted.text(ReviewField::Decision))
            .map_err(|_| AppError::BadRequest)?,
        reason: posted
            .get(ReviewField::Reason)
            .and_then(RejectReason::parse),
        words: posted.text(ReviewField::Message),
    })
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
    let form = decision_form(&posted)?;
    let version = posted_version(&posted)?;
    match curate::decide(&state.db, id, version, &form, locale, &me).await? {
        Outcome::Saved => {
            let back = queue_path(&[
                (QueueField::Done, "1".to_owned()),
                (QueueField::Status, queue_after(form.decision).to_owned()),
            ]);
            Ok(Redirect::to(&back).into_response())
        }
        Outcome::Invalid(edit, errors) => refused(&state, locale, &me, id, edit, errors).await,
    }
}

/// The story's page again, with what was refused (422).
async fn refused(
    state: &AppState,
    locale: Locale,
    me: &Account,
    id: StoryId,
    edit: Option<Box<StoryDraft>>,
    errors: FormErrors<ReviewInput>,
) -> Result<Response, AppError> {
    let failed = Failed {
        edit: edit.map(|draft| *draft),
        errors,
        ..Failed::default()
    };
    refused_page(state, locale, me, id, failed).await
}

/// The story's page again (422) with whichever of its forms was refused.
async fn refused_page(
    state: &AppState,
    locale: Locale,
    me: &Account,
    id: StoryId,
    failed: Failed,
) -> Result<Response, AppError> {
    let page = review_page(state, locale, me, id, None, Some(failed)).await?;
    Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, page))
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
    Path((id, photo)): Path<(StoryId, PhotoId)>,
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

/// Each recording's redactions for the page, with its form when it may be redacted now (its
/// length is known and the story's status allows it), holding a refused attempt if there was
/// one.
fn redaction_lists(
    locale: Locale,
    offset: i8,
    (story, version, status): (StoryId, StoryVersion, StoryStatus),
    recordings: &[StoredRecording],
    stored: Vec<StoredRedaction>,
    refused: Option<(RecordingId, RedactionDraft, FormErrors<RedactionField>)>,
) -> HashMap<RecordingId, RecordingRedactions> {
    let mut lists: HashMap<RecordingId, RecordingRedactions> = recordings
        .iter()
        .map(|r| {
            let open = REDACTABLE.contains(&status) && r.view.duration_ms.is_some();
            let form = open.then(|| RedactionForm::new(story, version));
            (
                r.id,
                RecordingRedactions {
                    rows: Vec::new(),
                    form,
                },
            )
        })
        .collect();
    for redaction in stored {
        if let Some(list) = lists.get_mut(&redaction.recording) {
            list.rows.push(RedactionRow {
                id: redaction.id,
                range: redaction.range,
                reason: redaction.reason,
                by: redaction.by,
                on: display_date(locale, redaction.at, offset),
            });
        }
    }
    if let Some((recording, draft, errors)) = refused
        && let Some(form) = lists.get_mut(&recording).and_then(|l| l.form.as_mut())
    {
        form.draft = draft;
        form.errors = errors;
    }
    lists
}

/// `POST /moderate/stories/{id}/recordings/{recording}/redactions` with `version`, `start`,
/// `end` (`m:ss` or `h:mm:ss`) and `reason`: that range is silenced in the recording's public
/// copy, made again under a new key. Refused fields: the page again (422) with messages.
pub async fn redact(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Moderator(me): Moderator,
    Path((id, recording)): Path<(StoryId, RecordingId)>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let version = posted_version(&posted)?;
    let draft = RedactionDraft {
        start: posted.text(RedactionField::Start).to_owned(),
        end: posted.text(RedactionField::End).to_owned(),
        reason: posted.text(RedactionField::Reason).to_owned(),
    };
    match redactions::redact(&state.db, id, version, recording, &draft, &me).await? {
        redactions::Outcome::Saved { replaced_key } => redacted(&state, id, &replaced_key).await,
        redactions::Outcome::Invalid(errors) => {
            let failed = Failed {
                redaction: Some((recording, draft, errors)),
                ..Failed::default()
            };
            refused_page(&state, locale, &me, id, failed).await
        }
    }
}

/// `POST /moderate/stories/{id}/recordings/{recording}/redactions/{redaction}/lift` with
/// `version`: the recording's public copy is made again without that redaction, under a new key.
pub async fn lift_redaction(
    State(state): State<AppState>,
    Moderator(me): Moderator,
    Path((id, recording, redaction)): Path<(StoryId, RecordingId, RedactionId)>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let version = posted_version(&posted)?;
    let replaced_key = redactions::lift(&state.db, id, version, recording, redaction, &me).await?;
    redacted(&state, id, &replaced_key).await
}

/// After a redaction was added or lifted: the old copy's folder deleted, the job's workers
/// woken, and the story's page again.
async fn redacted(state: &AppState, id: StoryId, replaced_key: &str) -> Result<Response, AppError> {
    deletions::derivatives_now(&state.db, &state.media, replaced_key).await;
    state.jobs_queued.notify_one();
    Ok(Redirect::to(&format!("/moderate/stories/{id}?saved=1")).into_response())
}

/// `POST /moderate/stories/{id}/recordings/{recording}/text` with `version`, `transcript` and
/// `index` (docs/api.md, "Transcripts and indexes"): a pending story's ready recording.
pub async fn edit_text(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Moderator(me): Moderator,
    Path((id, recording)): Path<(StoryId, RecordingId)>,
    posted: PostedForm,
) -> Result<Response, AppError> {
    let version = posted_version(&posted)?;
    let (transcript, index) = (
        posted.text(TranscriptField::Transcript),
        posted.text(TranscriptField::Index),
    );
    let outcome =
        curate::edit_recording_text(&state.db, id, version, recording, (transcript, index), &me)
            .await?;
    match outcome {
        TextOutcome::Saved => {
            Ok(Redirect::to(&format!("/moderate/stories/{id}?saved=1")).into_response())
        }
        TextOutcome::Invalid(errors) => {
            let text = RefusedText {
                recording,
                transcript: transcript.to_owned(),
                index: index.to_owned(),
                errors,
            };
            let failed = Failed {
                text: Some(text),
                ..Failed::default()
            };
            refused_page(&state, locale, &me, id, failed).await
        }
    }
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
    let edit = StoryEdit {
        version: posted_version(&posted)?,
        apply: |stored| edited_draft(stored, &posted),
        photo_words: posted_photo_words(&posted),
    };
    match curate::edit_story(&state.db, id, edit, &me).await? {
        Outcome::Saved => {
            Ok(Redirect::to(&format!("/moderate/stories/{id}?saved=1")).into_response())
        }
        Outcome::Invalid(edit, errors) => refused(&state, locale, &me, id, edit, errors).await,
    }
}

/// The stored story with the public fields replaced by what the moderator posted.
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

/// The `photo_{id}_caption` / `photo_{id}_alt` values, the first of each.
fn posted_photo_words(posted: &PostedForm) -> BTreeMap<PhotoId, PostedWords> {
    let mut words: BTreeMap<PhotoId, PostedWords> = BTreeMap::new();
    for (name, value) in posted.pairs() {
        let Some((photo, word)) = PhotoWordsField::of_name(name) else {
            continue;
        };
        let entry = words.entry(photo).or_default();
        let slot = match word {
            PhotoWordsField::Caption => &mut entry.caption,
            PhotoWordsField::Alt => &mut entry.alt,
        };
        slot.get_or_insert_with(|| value.to_owned());
    }
    words
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
    let form = decision_form(&posted)?;
    if !matches!(form.decision, Decision::Approve | Decision::Reject) {
        return Err(AppError::BadRequest);
    }
    let selected = selected_stories(&posted);
    if selected.is_empty() || selected.len() > moderation_limits::BULK_MAX {
        return Err(AppError::BadRequest);
    }
    let message = form.message(locale).map_err(|_| AppError::BadRequest)?;
    let tally =
        curate::decide_each(&state.db, &selected, form.decision, message.as_ref(), &me).await?;
    let back = queue_path(&[
        (QueueField::Done, tally.done.to_string()),
        (QueueField::Skipped, tally.skipped.to_string()),
    ]);
    Ok(Redirect::to(&back).into_response())
}

/// The `{id}:{version}` values of the selected queue items; malformed ones are left out.
fn selected_stories(posted: &PostedForm) -> Vec<(StoryId, StoryVersion)> {
    posted
        .all(QueueField::Story)
        .filter_map(|value| {
            let (id, version) = value.split_once(':')?;
            Some((
                StoryId(id.trim().parse().ok()?),
                StoryVersion::parse(version)?,
            ))
        })
        .collect()
}

/// `GET /admin/audit`: the audit trail (story and account entries), newest first, filterable
/// by kind, story, action and account.
pub async fn audit(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
    Admin(_): Admin,
    params: QueryForm,
) -> Result<Response, AppError> {
    let before = params
        .get(AuditField::Before)
        .map(|text| TrailCursor::parse(text).ok_or(AppError::BadRequest))
        .transpose()?;
    let account_text = params
        .get(AuditField::Account)
        .or_else(|| params.get(AuditField::Moderator))
        .unwrap_or_default();
    let query = TrailQuery {
        kind: TrailKind::from_slug(params.text(AuditField::Kind).trim()),
        story: params.text(AuditField::Story).trim().parse().ok(),
        action: TrailAction::from_slug(params.text(AuditField::Action).trim()),
        account: account_text.trim().parse().ok(),
        before,
        limit: AUDIT_PAGE,
    };
    let offset = state.config.display_utc_offset_hours;
    let entries = trail::trail(&state.db, &query).await?;
    let older = (i64::try_from(entries.len()) == Ok(AUDIT_PAGE))
        .then(|| entries.last().map(trail::cursor_of))
        .flatten();
    let rows: Vec<TrailRow> = entries
        .into_iter()
        .map(|e| e.shown(|at| display_date(locale, at, offset)))
        .collect();
    let accounts = crate::accounts::store::list(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id.0, a.display_name))
        .collect();
    let filter = AuditFilter {
        kind: query.kind,
        story: params.text(AuditField::Story).to_owned(),
        action: query.action,
        account: account_text.to_owned(),
    };
    let page = render_page(&state, locale, "/admin/audit", move || {
        view! { <AuditPage rows filter accounts older /> }
    });
    Ok(private_html(StatusCode::OK, page))
}
