//! Under each recording on a story's review page: the ranges silenced in its public copy (range,
//! reason, who, when, a button to lift each) and a small form to silence another. Plain forms:
//! they work without JavaScript, and a refused one comes back with the typed values and a
//! message beside each field.

use crate::domain::{
    FormErrors, RecordingId, RedactedRange, RedactionDraft, RedactionField, RedactionId,
    ReviewField, StoryId, StoryVersion, limits,
};
use crate::locale;
use crate::ui::{current_locale, field_class};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// One redaction as the page lists it.
#[derive(Debug, Clone)]
pub struct RedactionRow {
    pub id: RedactionId,
    pub range: RedactedRange,
    pub reason: String,
    /// The moderator's display name.
    pub by: String,
    pub on: String,
}

/// One recording's redactions, and its form when it may be redacted now.
#[derive(Debug, Clone, Default)]
pub struct RecordingRedactions {
    pub rows: Vec<RedactionRow>,
    /// `None` while the recording's length is unknown or the story's status allows no
    /// redaction (`domain::REDACTABLE`): then there is nothing to press either.
    pub form: Option<RedactionForm>,
}

/// What the add and lift forms carry, and a refused attempt to add.
#[derive(Debug, Clone)]
pub struct RedactionForm {
    pub story: StoryId,
    pub version: StoryVersion,
    pub draft: RedactionDraft,
    pub errors: FormErrors<RedactionField>,
}

impl RedactionForm {
    /// A fresh form for the story at this version.
    pub fn new(story: StoryId, version: StoryVersion) -> RedactionForm {
        RedactionForm {
            story,
            version,
            draft: RedactionDraft::default(),
            errors: FormErrors::default(),
        }
    }
}

/// `POST` here adds a redaction to the recording.
pub fn redactions_path(story: StoryId, recording: RecordingId) -> String {
    format!("/moderate/stories/{story}/recordings/{recording}/redactions")
}

/// `POST` here lifts one redaction.
pub fn lift_path(story: StoryId, recording: RecordingId, redaction: RedactionId) -> String {
    format!("{}/{redaction}/lift", redactions_path(story, recording))
}

#[component]
pub fn Redactions(recording: RecordingId, redactions: RecordingRedactions) -> impl IntoView {
    let locale = current_locale();
    let form = redactions.form;
    let heading_id = format!("redactions-{recording}-heading");
    let empty = redactions.rows.is_empty();
    let rows = redactions
        .rows
        .into_iter()
        .map(|row| {
            let shown = row.range.shown();
            let lift = form.as_ref().map(|f| {
                let label =
                    td_string!(locale, moderation.redaction.lift_label, range = shown.clone())
                        .to_string();
                view! {
                    <form method="post" action=lift_path(f.story, recording, row.id) class="inline-form">
                        <input type="hidden" name=ReviewField::Version.name() value=f.version.to_string() />
                        <button type="submit" aria-label=label>{td!(locale, moderation.redaction.lift)}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td>{shown}</td>
                    <td>{row.reason}</td>
                    <td>{row.by}</td>
                    <td>{row.on}</td>
                    <td>{lift}</td>
                </tr>
            }
        })
        .collect_view();
    let table = (!empty).then(|| {
        view! {
            <div class="table-scroll">
                <table class="redactions">
                    <thead><tr>
                        <th scope="col">{td!(locale, moderation.redaction.range)}</th>
                        <th scope="col">{td!(locale, moderation.redaction.reason)}</th>
                        <th scope="col">{td!(locale, moderation.redaction.by)}</th>
                        <th scope="col">{td!(locale, moderation.redaction.when)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let labelled_by = heading_id.clone();
    view! {
        <section class="redactions" aria-labelledby=labelled_by>
            <h3 id=heading_id>{td!(locale, moderation.redaction.heading)}</h3>
            <p class="hint">{td!(locale, moderation.redaction.hint)}</p>
            {empty.then(|| view! { <p>{td!(locale, moderation.redaction.none)}</p> })}
            {table}
            {form.map(|form| view! { <AddRedaction recording form /> })}
        </section>
    }
}

#[component]
fn AddRedaction(recording: RecordingId, form: RedactionForm) -> impl IntoView {
    let locale = current_locale();
    let field = |field: RedactionField, value: String, label: String, size: u32| {
        let id = field.control_id(recording);
        let message = form
            .errors
            .get(field)
            .map(|error| locale::field_error(locale, error));
        let error_id = format!("err-{id}");
        let described = message.as_ref().map(|_| error_id.clone());
        let maxlength = (field == RedactionField::Reason)
            .then(|| u32::try_from(limits::REDACTION_REASON.1).unwrap_or(u32::MAX));
        let class = field_class(message.is_some());
        let invalid = message.is_some().then_some("true");
        view! {
            <div class=class>
                <label for=id.clone()>{label}</label>
                <input id=id name=field.name() type="text" value=value size=size maxlength=maxlength
                    required=true autocomplete="off"
                    aria-invalid=invalid aria-describedby=described />
                {message.map(|m| view! { <p id=error_id class="field-error" role="alert">{m}</p> })}
            </div>
        }
    };
    let draft = form.draft.clone();
    view! {
        <form method="post" action=redactions_path(form.story, recording) class="redaction-form">
            <h4>{td!(locale, moderation.redaction.add_heading)}</h4>
            <input type="hidden" name=ReviewField::Version.name() value=form.version.to_string() />
            <div class="redaction-range">
                {field(RedactionField::Start, draft.start, td_string!(locale, moderation.redaction.start).to_owned(), 9)}
                {field(RedactionField::End, draft.end, td_string!(locale, moderation.redaction.end).to_owned(), 9)}
            </div>
            {field(RedactionField::Reason, draft.reason, td_string!(locale, moderation.redaction.reason_label).to_owned(), 40)}
            <button type="submit">{td!(locale, moderation.redaction.add)}</button>
        </form>
    }
}
