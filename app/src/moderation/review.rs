//! `/moderate/stories/{id}`: one story in full with its private details, photos, consent,
//! claim, the decisions that can be taken now, the edit form, and its history.

use super::nav::StaffNav;
use super::redactions::{RecordingRedactions, Redactions};
use crate::domain::{
    ActorView, AuditRecord, Claim, ContentField, Decision, Field, FieldError, FormErrors, Licence,
    PhotoId, PhotoWordsField, RejectReason, ReviewField, ReviewInput, StoryDraft, StoryId,
    StoryStatus, StoryVersion, Theme,
};
use crate::locale::{self, Locale};
use crate::media::{OwnPhoto, OwnRecording, RecordingFigure};
use crate::submission::{PhotoFigure, field_label};
use crate::ui::{Document, PageMeta, TextArea, current_locale, field_class};
use crate::voice::transcript::{TranscriptEditor, TranscriptForm};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

#[derive(Debug, Clone)]
pub struct FieldChange {
    pub field: ContentField,
    pub before: String,
    pub after: String,
}

/// One entry of the story's history as the page shows it.
pub type HistoryRow = AuditRecord<String>;

#[derive(Debug, Clone)]
pub struct RevisionRow {
    pub version: StoryVersion,
    pub by: ActorView,
    pub on: String,
    /// Fields changed from the previous revision (empty for the first).
    pub changed: Vec<ContentField>,
}

#[derive(Debug, Clone)]
pub struct ReviewStory {
    pub id: StoryId,
    pub version: StoryVersion,
    pub status: StoryStatus,
    pub featured: bool,
    /// The story as stored, private details included.
    pub draft: StoryDraft,
    /// What the edit form shows: the stored story, or what was typed when an edit failed.
    pub edit: StoryDraft,
    pub licence: Licence,
    pub moderator_message: Option<String>,
    pub submitted_on: String,
    pub updated_on: String,
    pub claim: Claim,
    pub photos: Vec<OwnPhoto>,
    pub recordings: Vec<ReviewRecording>,
    pub history: Vec<HistoryRow>,
    pub revisions: Vec<RevisionRow>,
    /// After changes were requested and the contributor resubmitted: what they changed.
    pub changes_since_request: Option<Vec<FieldChange>>,
    /// A recording's transcript form that was refused, shown again under it.
    pub refused_text: Option<TranscriptForm>,
}

/// A recording as moderators see it: always audible once ready, and why processing failed.
#[derive(Debug, Clone)]
pub struct ReviewRecording {
    pub own: OwnRecording,
    /// Why the file was refused while decoding, or the last fault (English, from the server).
    pub failure: Option<String>,
    pub redactions: RecordingRedactions,
}

/// The story's recordings; `editable` (a pending story) adds each ready one's transcript form,
/// `refused` being the one just refused.
#[component]
fn Recordings(
    id: StoryId,
    version: StoryVersion,
    editable: bool,
    recordings: Vec<ReviewRecording>,
    refused: Option<TranscriptForm>,
) -> impl IntoView {
    let locale = current_locale();
    let figures = recordings
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let title =
                td_string!(locale, moderation.review.recording_title, number = i + 1).to_string();
            let action = TranscriptForm::review_action(id, r.own.id);
            let editor = editable
                .then(|| {
                    r.own
                        .transcript_form(action, Some(version), refused.as_ref())
                })
                .flatten()
                .map(|form| view! { <TranscriptEditor locale form /> });
            view! {
                <RecordingFigure locale title recording=r.own.view />
                {r.failure.map(|why| view! { <p class="error-text">{why}</p> })}
                <Redactions recording=r.own.id redactions=r.redactions />
                {editor}
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="recordings-heading">
            <h2 id="recordings-heading">{td!(locale, moderation.review.recordings)}</h2>
            <p class="hint">{td!(locale, moderation.review.recordings_private)}</p>
            {figures}
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewNotice {
    Saved,
}

#[component]
pub fn ReviewPage(
    story: ReviewStory,
    notice: Option<ReviewNotice>,
    /// What a refused form on this page got wrong.
    errors: FormErrors<ReviewInput>,
    is_admin: bool,
) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(
            locale,
            moderation.review.title,
            title = story.draft.title.clone()
        )
        .to_string(),
        noindex: true,
        islands: story.recordings.iter().any(|r| r.own.view.needs_islands()),
        ..PageMeta::default()
    };
    let id = story.id;
    let d = story.draft.clone();
    let yes_no = move |b: bool| {
        if b {
            td_string!(locale, moderation.review.yes)
        } else {
            td_string!(locale, moderation.review.no)
        }
    };
    let themes = d
        .themes
        .iter()
        .filter_map(|t| Theme::from_slug(t))
        .map(|t| view! { <li>{locale::theme_name(locale, t)}</li> })
        .collect_view();
    let years = format!(
        "{} → {}",
        d.year_then.clone() + if d.year_then_approx { "~" } else { "" },
        d.year_now
    );
    let paragraphs = d
        .story
        .split("\n\n")
        .map(|p| view! { <p>{p.to_owned()}</p> })
        .collect_view();
    let can_turn = story.status == StoryStatus::Pending;
    let version = story.version;
    let figures = story
        .photos
        .iter()
        .map(|p| {
            let turn = can_turn.then(|| view! { <TurnButtons id photo=p.id version /> });
            view! { <div class="review-photo"><PhotoFigure photo=p.view.clone() />{turn}</div> }
        })
        .collect_view();
    let no_photos = story.photos.is_empty();
    view! {
        <Document meta>
            <StaffNav is_admin />
            <article class="staff-page review">
                <p><a href="/moderate">{td!(locale, moderation.review.back)}</a></p>
                {notice.map(|_| view! { <p class="notice" role="status">{td!(locale, moderation.review.saved)}</p> })}
                <h1>{d.title.clone()}</h1>
                <p class=format!("status status-{}", story.status.slug().replace('_', "-"))>
                    {locale::status_name(locale, story.status)}
                    " · " {td_string!(locale, moderation.review.version, version = story.version).to_string()}
                    {story.featured.then(|| format!(" · {}", td_string!(locale, moderation.review.featured)))}
                </p>
                <ClaimBox id claim=story.claim.clone() />
                {story.changes_since_request.clone().map(|changes| view! { <ChangesBox changes /> })}
                <dl class="details">
                    <dt>{td!(locale, moderation.review.narrator)}</dt><dd>{d.narrator_name.clone()}</dd>
                    <dt>{td!(locale, moderation.review.role)}</dt><dd>{d.role.clone()}</dd>
                    <dt>{td!(locale, moderation.review.place)}</dt><dd>{d.place.clone()}</dd>
                    <dt>{td!(locale, moderation.review.years)}</dt><dd>{years}</dd>
                    <dt>{td!(locale, moderation.review.themes)}</dt><dd><ul class="theme-list">{themes}</ul></dd>
                    <dt>{td!(locale, moderation.review.licence)}</dt><dd>{locale::licence_name(locale, story.licence)}</dd>
                </dl>
                <div class="story-body">{paragraphs}</div>
                <section class="private" aria-labelledby="private-heading">
                    <h2 id="private-heading">{td!(locale, moderation.review.private)}</h2>
                    <dl class="details">
                        <dt>{td!(locale, moderation.review.real_name)}</dt><dd>{d.real_name.clone()}</dd>
                        <dt>{td!(locale, moderation.review.contact)}</dt><dd>{d.contact.clone()}</dd>
                        <dt>{td!(locale, moderation.review.assisted_by)}</dt><dd>{d.assisted_by.clone()}</dd>
                        <dt>{td!(locale, moderation.review.consent_publish)}</dt><dd>{yes_no(d.consent_publish)}</dd>
                        <dt>{td!(locale, moderation.review.consent_show_name)}</dt><dd>{yes_no(d.consent_show_name)}</dd>
                        <dt>{td!(locale, moderation.review.consent_faces)}</dt><dd>{yes_no(d.consent_faces)}</dd>
                    </dl>
                    {story.moderator_message.clone().map(|m| view! {
                        <h3>{td!(locale, moderation.review.message_sent)}</h3>
                        <p class="moderator-message">{m}</p>
                    })}
                </section>
                <section aria-labelledby="photos-heading">
                    <h2 id="photos-heading">{td!(locale, moderation.review.photos)}</h2>
                    {no_photos.then(|| view! { <p>{td!(locale, moderation.review.no_photos)}</p> })}
                    <div class="photo-grid">{figures}</div>
                </section>
                {(!story.recordings.is_empty()).then(|| view! {
                    <Recordings id version=story.version editable=story.status == StoryStatus::Pending
                        recordings=story.recordings.clone() refused=story.refused_text.clone() />
                })}
                <Decisions id version=story.version status=story.status featured=story.featured errors=errors.clone() />
                {(story.status == StoryStatus::Pending).then(|| view! {
                    <EditForm id version=story.version draft=story.edit.clone() photos=story.photos.clone() errors=errors.clone() />
                })}
                <History history=story.history.clone() revisions=story.revisions.clone() />
            </article>
        </Document>
    }
}

/// The `direction` values of the turn buttons.
pub const TURN_LEFT: &str = "counterclockwise";
pub const TURN_RIGHT: &str = "clockwise";

/// Turning a photo makes its derivatives again; it shows as processing meanwhile.
#[component]
fn TurnButtons(id: StoryId, photo: PhotoId, version: StoryVersion) -> impl IntoView {
    let locale = current_locale();
    view! {
        <form method="post" action=format!("/moderate/stories/{id}/photos/{photo}/turn") class="inline-form turn">
            <input type="hidden" name=ReviewField::Version.name() value=version.to_string() />
            <button type="submit" name=ReviewField::Direction.name() value=TURN_LEFT>{td!(locale, moderation.review.turn_left)}</button>
            <button type="submit" name=ReviewField::Direction.name() value=TURN_RIGHT>{td!(locale, moderation.review.turn_right)}</button>
        </form>
    }
}

#[component]
fn ClaimBox(id: StoryId, claim: Claim) -> impl IntoView {
    let locale = current_locale();
    match claim {
        Claim::Mine => view! { <p class="claim mine">{td!(locale, moderation.review.claim_mine)}</p> }.into_any(),
        Claim::Other(name) => view! {
            <p class="claim other" role="status">{td_string!(locale, moderation.review.claim_other, name = name).to_string()}</p>
        }
        .into_any(),
        Claim::Free => view! {
            <form method="post" action=format!("/moderate/stories/{id}/claim") class="claim free">
                <span>{td!(locale, moderation.review.claim_free)}</span> " "
                <button type="submit">{td!(locale, moderation.review.claim_button)}</button>
            </form>
        }
        .into_any(),
    }
}

#[component]
fn ChangesBox(changes: Vec<FieldChange>) -> impl IntoView {
    let locale = current_locale();
    let empty = changes.is_empty();
    let rows = changes
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{locale::content_field_name(locale, c.field)}</th>
                    <td><del>{c.before}</del></td>
                    <td><ins>{c.after}</ins></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="changes" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{td!(locale, moderation.review.changes_heading_diff)}</h2>
            {empty.then(|| view! { <p>{td!(locale, moderation.review.no_changes)}</p> })}
            <div class="table-scroll">
                <table class="diff">
                    <thead><tr><th></th><th>{td!(locale, moderation.review.before)}</th><th>{td!(locale, moderation.review.after)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Reason template and free text for a rejection (also used by the bulk form).
#[component]
pub fn RejectFields(prefix: &'static str) -> impl IntoView {
    let locale = current_locale();
    let reasons = RejectReason::ALL
        .iter()
        .copied()
        .map(|r| view! { <option value=r.slug()>{locale::reject_reason(locale, r)}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for=format!("{prefix}-reason")>{td!(locale, moderation.review.reject_reason)}</label>
            <select id=format!("{prefix}-reason") name=ReviewField::Reason.name()>
                <option value="">{td!(locale, moderation.review.reject_reason_none)}</option>
                {reasons}
            </select>
        </div>
        <div class="field">
            <label for=format!("{prefix}-message")>{td!(locale, moderation.review.message)}</label>
            <TextArea id=format!("{prefix}-message") name=ReviewField::Message.name().to_owned() value="" rows=3 maxlength=message_max() />
        </div>
    }
}

fn decision_form(
    locale: Locale,
    id: StoryId,
    version: StoryVersion,
    decision: Decision,
    errors: &FormErrors<ReviewInput>,
) -> AnyView {
    let action = format!("/moderate/stories/{id}/decide");
    let error = message_of(locale, errors, ReviewInput::Message(decision));
    let error_view = error.map(|m| view! { <p class="field-error" role="alert">{m}</p> });
    let (heading, button, class) = match decision {
        Decision::Approve => (
            None,
            td_string!(locale, moderation.review.approve),
            "primary",
        ),
        Decision::Reject => (
            Some(td_string!(locale, moderation.review.reject_heading)),
            td_string!(locale, moderation.review.reject),
            "danger",
        ),
        Decision::RequestChanges => (
            Some(td_string!(locale, moderation.review.changes_heading)),
            td_string!(locale, moderation.review.request_changes),
            "",
        ),
        Decision::Unpublish => (
            Some(td_string!(locale, moderation.review.unpublish_heading)),
            td_string!(locale, moderation.review.unpublish),
            "danger",
        ),
    };
    let message_id = format!("{}-message", decision.slug());
    let fields = match decision {
        Decision::Approve => None,
        Decision::Reject => Some(view! { <RejectFields prefix="reject" /> }.into_any()),
        _ => Some(
            view! {
                <div class="field">
                    <label for=message_id.clone()>{td!(locale, moderation.review.message)}</label>
                    <TextArea id=message_id name=ReviewField::Message.name().to_owned() value="" rows=3 maxlength=message_max() required=true />
                </div>
            }
            .into_any(),
        ),
    };
    view! {
        <form method="post" action=action class=format!("decision decision-{}", decision.slug())>
            {heading.map(|h| view! { <h3>{h}</h3> })}
            <input type="hidden" name=ReviewField::Version.name() value=version.to_string() />
            <input type="hidden" name=ReviewField::Decision.name() value=decision.slug() />
            {fields}
            {error_view}
            <button type="submit" class=class>{button}</button>
        </form>
    }
    .into_any()
}

#[component]
fn Decisions(
    id: StoryId,
    version: StoryVersion,
    status: StoryStatus,
    featured: bool,
    errors: FormErrors<ReviewInput>,
) -> impl IntoView {
    let locale = current_locale();
    let forms = [
        Decision::Approve,
        Decision::RequestChanges,
        Decision::Reject,
        Decision::Unpublish,
    ]
    .into_iter()
    .filter(|d| d.allowed_from().contains(&status))
    .map(|d| decision_form(locale, id, version, d, &errors))
    .collect_view();
    let feature = (status == StoryStatus::Approved).then(|| {
        let (value, label) = if featured {
            ("false", td_string!(locale, moderation.review.unfeature))
        } else {
            ("true", td_string!(locale, moderation.review.feature))
        };
        view! {
            <form method="post" action=format!("/moderate/stories/{id}/feature")>
                <input type="hidden" name=ReviewField::Featured.name() value=value />
                <button type="submit">{label}</button>
            </form>
        }
    });
    view! {
        <section class="decisions" aria-labelledby="decide-heading">
            <h2 id="decide-heading">{td!(locale, moderation.review.decide_heading)}</h2>
            {forms}
            {feature}
        </section>
    }
}

#[component]
fn EditForm(
    id: StoryId,
    version: StoryVersion,
    draft: StoryDraft,
    photos: Vec<OwnPhoto>,
    errors: FormErrors<ReviewInput>,
) -> impl IntoView {
    let locale = current_locale();
    let open = errors
        .iter()
        .any(|(input, _)| !matches!(input, ReviewInput::Message(_)));
    let story_error = |field: Field| message_of(locale, &errors, ReviewInput::Story(field));
    let input = |field: Field, value: String, multiline: bool| {
        let name = field.name();
        let message = story_error(field);
        let class = field_class(message.is_some());
        let input_id = format!("edit-{name}");
        let control = if multiline {
            view! { <TextArea id=input_id.clone() name=name.to_owned() value rows=12 /> }.into_any()
        } else {
            view! { <input id=input_id.clone() name=name type="text" value=value /> }.into_any()
        };
        view! {
            <div class=class>
                <label for=input_id>{field_label(locale, field)}</label>
                {control}
                {message.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
        }
    };
    let themes = Theme::ALL
        .iter()
        .map(|t| {
            let checked = draft.themes.iter().any(|s| s == t.slug());
            view! {
                <label class="check"><input type="checkbox" name=Field::Themes.name() value=t.slug() checked=checked />{locale::theme_name(locale, *t)}</label>
            }
        })
        .collect_view();
    let photo_inputs = photos
        .into_iter()
        .map(|p| {
            let caption = PhotoWordsField::Caption.of_photo(p.id);
            let alt = PhotoWordsField::Alt.of_photo(p.id);
            let words_error =
                |words| message_of(locale, &errors, ReviewInput::Photo(p.id, words));
            let caption_error = words_error(PhotoWordsField::Caption);
            let alt_error = words_error(PhotoWordsField::Alt);
            view! {
                <fieldset class="photo-words">
                    <legend>{locale::photo_slot_name(locale, p.view.slot)}</legend>
                    <div class="field">
                        <label for=caption.clone()>{td!(locale, moderation.review.photo_caption)}</label>
                        <input id=caption.clone() name=caption type="text" value=p.view.caption.clone().unwrap_or_default() />
                        {caption_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for=alt.clone()>{td!(locale, moderation.review.photo_alt)}</label>
                        <input id=alt.clone() name=alt type="text" value=p.view.alt.clone() />
                        {alt_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    </div>
                </fieldset>
            }
        })
        .collect_view();
    let themes_error = story_error(Field::Themes);
    let years_error = story_error(Field::YearThen).or_else(|| story_error(Field::YearNow));
    view! {
        <details class="edit-story" open=open>
            <summary><h2>{td!(locale, moderation.review.edit_heading)}</h2></summary>
            <form method="post" action=format!("/moderate/stories/{id}/edit") class="story-form">
                <input type="hidden" name=ReviewField::Version.name() value=version.to_string() />
                {input(Field::Title, draft.title.clone(), false)}
                {input(Field::Story, draft.story.clone(), true)}
                {input(Field::Place, draft.place.clone(), false)}
                {input(Field::NarratorName, draft.narrator_name.clone(), false)}
                {input(Field::Role, draft.role.clone(), false)}
                <div class="year-row">
                    {input(Field::YearThen, draft.year_then.clone(), false)}
                    <label class="check"><input type="checkbox" name=Field::YearThenApprox.name() value="on" checked=draft.year_then_approx />"~"</label>
                    {input(Field::YearNow, draft.year_now.clone(), false)}
                </div>
                {years_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                <fieldset>
                    <legend>{field_label(locale, Field::Themes)}</legend>
                    <div class="choice-grid">{themes}</div>
                    {themes_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </fieldset>
                {photo_inputs}
                <div class="form-actions">
                    <button type="submit" class="primary">{td!(locale, moderation.review.edit_save)}</button>
                </div>
            </form>
        </details>
    }
}

#[component]
fn History(history: Vec<HistoryRow>, revisions: Vec<RevisionRow>) -> impl IntoView {
    let locale = current_locale();
    let entries = history
        .into_iter()
        .map(|h| view! {
            <li>
                <span class="when">{h.at}</span> " · " {locale::actor_name(locale, &h.actor)} " · "
                {locale::audit_action_name(locale, h.action)}
                {h.to.map(|s| format!(" → {}", locale::status_name(locale, s)))}
                {h.reason.map(|r| view! { <p class="reason">{r}</p> })}
            </li>
        })
        .collect_view();
    let versions = revisions
        .into_iter()
        .map(|r| {
            let who = locale::actor_name(locale, &r.by);
            let changed = if r.changed.is_empty() {
                td_string!(locale, moderation.review.first_version).to_owned()
            } else {
                let names: Vec<&str> = r.changed.iter().map(|f| locale::content_field_name(locale, *f)).collect();
                format!("{}{}", td_string!(locale, moderation.review.changed), names.join(", "))
            };
            view! {
                <li>
                    {td_string!(locale, moderation.review.revision_by, version = r.version, who = who, date = r.on).to_string()}
                    <br /><span class="hint">{changed}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading">{td!(locale, moderation.review.history)}</h2>
            <ol>{entries}</ol>
            <h3>{td!(locale, moderation.review.revisions)}</h3>
            <ol>{versions}</ol>
        </section>
    }
}

/// The localized message of one refused input, if it was refused.
fn message_of(
    locale: Locale,
    errors: &FormErrors<ReviewInput>,
    input: ReviewInput,
) -> Option<String> {
    errors
        .get(input)
        .map(|error: FieldError| locale::field_error(locale, error))
}

/// The browser-side length cap of a moderator's message (the server checks it too).
fn message_max() -> u32 {
    u32::try_from(crate::domain::moderation_limits::MESSAGE.1).unwrap_or(u32::MAX)
}
