use super::form::StoryForm;
use super::photo_fields::PhotoFigure;
use crate::domain::{
    FormErrors, Licence, StoryBody, StoryDraft, StoryStatus, Theme, WithdrawField,
};
use crate::locale::{self, Locale};
use crate::media::RecordingFigure;
use crate::ui::{Document, PageMeta, current_locale};
use crate::voice::transcript::{TranscriptEditor, TranscriptForm};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

#[component]
pub fn SubmitPage(
    draft: StoryDraft,
    errors: FormErrors,
    latest_year: i32,
    idempotency_key: String,
) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(locale, submission.submit.page_title).to_owned(),
        islands: true,
        ..PageMeta::default()
    };
    view! {
        <Document meta>
            <article class="submit-page">
                <h1>{td!(locale, submission.submit.page_title)}</h1>
                <p class="lead">{td!(locale, submission.submit.intro)}</p>
                <StoryForm
                    action="/submit".to_owned()
                    draft
                    errors
                    latest_year
                    submit_label=td_string!(locale, submission.submit.button)
                    idempotency_key
                />
            </article>
        </Document>
    }
}

/// A one-off message shown at the top of the tracking page after an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Created,
    Saved,
}

/// What the contributor sees of their own story. `draft` is `None` once the story has been
/// withdrawn and its content erased.
#[derive(Debug, Clone)]
pub struct TrackedStory {
    pub status: StoryStatus,
    pub submitted_on: String,
    pub updated_on: String,
    pub moderator_message: Option<String>,
    pub draft: Option<StoryDraft>,
    /// Derivatives only; shown through their unguessable links while the story is pending.
    pub photos: Vec<crate::media::OwnPhoto>,
    /// Heard here only when the narrator agreed that their voice is published.
    pub recordings: Vec<crate::media::OwnRecording>,
}

#[component]
pub fn TrackPage(
    story: TrackedStory,
    /// Root-relative tracking path (`/track/{token}`), the contributor's key.
    track_path: String,
    /// The full address, shown so the contributor can save it.
    track_url: String,
    notice: Option<Notice>,
    edit_errors: FormErrors,
    edit_draft: Option<StoryDraft>,
    /// A recording's transcript form that was refused, shown again under it.
    refused_text: Option<TranscriptForm>,
    latest_year: i32,
) -> impl IntoView {
    let locale = current_locale();
    let editable = story.status.editable_by_contributor() && story.draft.is_some();
    let meta = PageMeta {
        title: td_string!(locale, submission.track.page_title).to_owned(),
        noindex: true,
        islands: editable || story.recordings.iter().any(|r| r.view.needs_islands()),
        ..PageMeta::default()
    };
    let status = story.status;
    let form_draft = edit_draft.or_else(|| story.draft.clone());
    let stored_photos = story.photos.clone();
    let stored_recordings = story.recordings.clone();
    let edit_open = !edit_errors.is_empty();
    view! {
        <Document meta>
            <article class="track-page">
                <h1>{td!(locale, submission.track.page_title)}</h1>
                {notice.map(|n| view! { <p class="notice" role="status">{notice_text(locale, n)}</p> })}
                <p class="keep-link">{td!(locale, submission.track.keep_link)}<br /><code class="track-url">{track_url}</code></p>
                <section class="status-box" aria-labelledby="status-heading">
                    <h2 id="status-heading">{td!(locale, submission.track.status_heading)}</h2>
                    <p class=format!("status status-{}", status_class(status))>{locale::status_name(locale, status)}</p>
                    <p>{locale::status_explanation(locale, status)}</p>
                    {story.moderator_message.map(|m| view! {
                        <div class="moderator-message">
                            <h3>{td!(locale, submission.track.moderator_message)}</h3>
                            <p>{m}</p>
                        </div>
                    })}
                    <dl class="dates">
                        <dt>{td!(locale, submission.track.submitted_at)}</dt><dd>{story.submitted_on}</dd>
                        <dt>{td!(locale, submission.track.updated_at)}</dt><dd>{story.updated_on}</dd>
                    </dl>
                </section>
                {story.draft.map(|draft| view! { <SubmittedContent draft /> })}
                {(!story.photos.is_empty()).then(|| {
                    let figures = story.photos.iter().map(|p| view! { <PhotoFigure photo=p.view.clone() /> }).collect_view();
                    view! {
                        <section class="submitted-photos" aria-labelledby="photos-heading">
                            <h2 id="photos-heading">{td!(locale, submission.track.photos_heading)}</h2>
                            <div class="photo-grid">{figures}</div>
                        </section>
                    }
                })}
                {(!story.recordings.is_empty()).then(|| {
                    let figures = story.recordings.iter().enumerate().map(|(i, r)| {
                        let title = td_string!(locale, submission.track.recording_title, number = i + 1).to_string();
                        let action = TranscriptForm::track_action(&track_path, r.id);
                        let editor = editable
                            .then(|| r.transcript_form(action, None, refused_text.as_ref()))
                            .flatten()
                            .map(|form| view! { <TranscriptEditor locale form /> });
                        view! { <RecordingFigure locale title recording=r.view.clone() />{editor} }
                    }).collect_view();
                    view! {
                        <section class="submitted-recordings" aria-labelledby="recordings-heading">
                            <h2 id="recordings-heading">{td!(locale, submission.track.recordings_heading)}</h2>
                            {figures}
                        </section>
                    }
                })}
                {editable.then(|| form_draft.map(|draft| view! {
                    <details class="edit-story" open=edit_open>
                        <summary><h2>{td!(locale, submission.track.edit_heading)}</h2></summary>
                        <StoryForm
                            action=track_path.clone()
                            draft
                            errors=edit_errors
                            latest_year
                            submit_label=td_string!(locale, submission.track.save)
                            stored_photos=stored_photos.clone()
                            stored_recordings=stored_recordings.clone()
                        />
                    </details>
                }))}
                {status.withdrawable().then(|| view! {
                    <section class="withdraw" aria-labelledby="withdraw-heading">
                        <h2 id="withdraw-heading">{td!(locale, submission.track.withdraw_heading)}</h2>
                        <p>{td!(locale, submission.track.withdraw_explain)}</p>
                        <form method="post" action=format!("{track_path}/withdraw")>
                            <button type="submit" class="danger">{td!(locale, submission.track.withdraw_button)}</button>
                        </form>
                    </section>
                })}
            </article>
        </Document>
    }
}

fn notice_text(locale: Locale, notice: Notice) -> &'static str {
    match notice {
        Notice::Created => td_string!(locale, submission.track.created),
        Notice::Saved => td_string!(locale, submission.track.saved),
    }
}

fn status_class(status: StoryStatus) -> &'static str {
    match status {
        StoryStatus::Pending => "pending",
        StoryStatus::ChangesRequested => "changes-requested",
        StoryStatus::Approved => "approved",
        StoryStatus::Rejected => "rejected",
        StoryStatus::Unpublished => "unpublished",
        StoryStatus::Withdrawn => "withdrawn",
    }
}

/// The story as the contributor sent it, private fields included and marked as such.
#[component]
fn SubmittedContent(draft: StoryDraft) -> impl IntoView {
    let locale = current_locale();
    let body = StoryBody::from_trusted(draft.story.clone());
    let paragraphs = body
        .paragraphs()
        .map(|p| view! { <p>{p.to_owned()}</p> })
        .collect_view();
    let themes = draft
        .themes
        .iter()
        .filter_map(|slug| Theme::from_slug(slug))
        .map(|theme| view! { <li>{locale::theme_name(locale, theme)}</li> })
        .collect_view();
    let years = format!(
        "{} → {}",
        locale::year(
            locale,
            draft.year_then.parse().unwrap_or_default(),
            draft.year_then_approx
        ),
        locale::year(locale, draft.year_now.parse().unwrap_or_default(), false)
    );
    let credit = if draft.consent_show_name && !draft.narrator_name.trim().is_empty() {
        draft.narrator_name.clone()
    } else {
        locale::anonymous_credit(locale, &draft.place)
    };
    let licence = Licence::from_slug(&draft.licence).map(|l| locale::licence_name(locale, l));
    let yes_no = move |v: bool| {
        if v {
            td_string!(locale, submission.track.yes)
        } else {
            td_string!(locale, submission.track.no)
        }
    };
    let or_blank = move |v: &str| {
        if v.trim().is_empty() {
            td_string!(locale, submission.track.not_given).to_owned()
        } else {
            v.to_owned()
        }
    };
    view! {
        <section class="submitted" aria-labelledby="submitted-heading">
            <h2 id="submitted-heading">{td!(locale, submission.track.submitted_heading)}</h2>
            <h3 class="story-title">{draft.title.clone()}</h3>
            <p class="story-meta">{draft.place.clone()} " · " {years}</p>
            <ul class="theme-list">{themes}</ul>
            <div class="story-body">{paragraphs}</div>
            <dl class="details">
                <dt>{td!(locale, submission.track.narrator_credit)}</dt><dd>{credit}</dd>
                <dt>{td!(locale, submission.field.role.label)}</dt><dd>{or_blank(&draft.role)}</dd>
            </dl>
            <h3>{td!(locale, submission.track.private_note)}</h3>
            <dl class="details private">
                <dt>{td!(locale, submission.field.real_name.label)}</dt><dd>{or_blank(&draft.real_name)}</dd>
                <dt>{td!(locale, submission.field.contact.label)}</dt><dd>{or_blank(&draft.contact)}</dd>
                <dt>{td!(locale, submission.field.assisted_by.label)}</dt><dd>{or_blank(&draft.assisted_by)}</dd>
            </dl>
            <h3>{td!(locale, submission.track.consents_heading)}</h3>
            <dl class="details">
                <dt>{td!(locale, submission.field.consent_show_name.label)}</dt><dd>{yes_no(draft.consent_show_name)}</dd>
                <dt>{td!(locale, submission.field.consent_faces.label)}</dt><dd>{yes_no(draft.consent_faces)}</dd>
                <dt>{td!(locale, submission.field.licence.label)}</dt><dd>{licence}</dd>
            </dl>
        </section>
    }
}

/// The value of `confirm` that withdraws the story.
pub const WITHDRAW_CONFIRMED: &str = "yes";

#[component]
pub fn WithdrawConfirmPage(track_path: String) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(locale, submission.track.confirm_title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    view! {
        <Document meta>
            <article class="withdraw-confirm">
                <h1>{td!(locale, submission.track.confirm_title)}</h1>
                <p>{td!(locale, submission.track.withdraw_explain)}</p>
                <form method="post" action=format!("{track_path}/withdraw")>
                    <input type="hidden" name=WithdrawField::Confirm.name() value=WITHDRAW_CONFIRMED />
                    <button type="submit" class="danger">{td!(locale, submission.track.confirm_button)}</button>
                </form>
                <p><a href=track_path>{td!(locale, submission.track.cancel)}</a></p>
            </article>
        </Document>
    }
}
