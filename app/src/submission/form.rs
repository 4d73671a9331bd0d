use super::enhancer::FormEnhancer;
use super::fields::{error_id, field_hint, field_label, hint_id};
use super::photo_fields::PhotoFields;
use crate::domain::{Field, FieldError, FormErrors, Licence, StoryDraft, Theme};
use crate::locale::{self, Locale};
use crate::ui::{TextArea, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// The story form, used both to submit and (on the tracking page) to edit. Field names are the
/// public contract documented in docs/api.md.
#[component]
pub fn StoryForm(
    action: String,
    draft: StoryDraft,
    errors: FormErrors,
    latest_year: i32,
    submit_label: &'static str,
    /// Present on the public submission form: the hidden repeat-safe key and the honeypot.
    #[prop(optional)]
    idempotency_key: Option<String>,
    /// On the tracking page: the photos already stored.
    #[prop(optional)]
    stored_photos: Vec<crate::media::OwnPhoto>,
    /// On the tracking page: the recordings already stored.
    #[prop(optional)]
    stored_recordings: Vec<crate::media::OwnRecording>,
) -> impl IntoView {
    let locale = current_locale();
    let is_new = idempotency_key.is_some();
    let stored_recording_count = stored_recordings.len().to_string();
    let d = draft;
    let e = errors;
    // Folded until asked for; open when anything in it was typed or needs fixing.
    let optional = [
        (Field::NarratorName, &d.narrator_name),
        (Field::Role, &d.role),
        (Field::RealName, &d.real_name),
        (Field::Contact, &d.contact),
        (Field::AssistedBy, &d.assisted_by),
    ];
    let optional_open = optional
        .iter()
        .any(|(field, value)| !value.is_empty() || e.get(*field).is_some());
    view! {
        <FormEnhancer locale latest_year>
            <form class="story-form" method="post" action=action enctype="multipart/form-data" accept-charset="utf-8" novalidate
                data-stored-recordings=stored_recording_count>
                <ErrorSummary errors=e.clone() />
                <fieldset>
                    <legend>{td!(locale, submission.submit.section_story)}</legend>
                    <TextInput field=Field::Title value=d.title.clone() error=e.get(Field::Title) required=true />
                    <StoryText field=Field::Story value=d.story.clone() error=e.get(Field::Story) />
                    <TextInput field=Field::Place value=d.place.clone() error=e.get(Field::Place) required=true />
                </fieldset>
                <fieldset>
                    <legend>{td!(locale, submission.submit.section_years)}</legend>
                    <div class="year-row">
                        <TextInput field=Field::YearThen value=d.year_then.clone() error=e.get(Field::YearThen) required=true numeric=true />
                        <TextInput field=Field::YearNow value=d.year_now.clone() error=e.get(Field::YearNow) required=true numeric=true />
                    </div>
                    <Checkbox field=Field::YearThenApprox checked=d.year_then_approx />
                </fieldset>
                <ThemeChoices selected=d.themes.clone() error=e.get(Field::Themes) />
                {view! { <PhotoFields draft=d.clone() error_then=e.get(Field::PhotoThen) error_now=e.get(Field::PhotoNow) stored=stored_photos /> }.into_any()}
                {view! { <crate::voice::recorder::RecordingFields draft=d.clone() error=field_error_text(locale, &e, Field::Recording) /> }.into_any()}
                <details class="optional-details" open=optional_open>
                <summary>{td!(locale, submission.submit.optional_details)}</summary>
                <fieldset>
                    <legend>{td!(locale, submission.submit.section_narrator)}</legend>
                    <TextInput field=Field::NarratorName value=d.narrator_name.clone() error=e.get(Field::NarratorName) />
                    <TextInput field=Field::Role value=d.role.clone() error=e.get(Field::Role) />
                    <TextInput field=Field::RealName value=d.real_name.clone() error=e.get(Field::RealName) />
                </fieldset>
                <fieldset>
                    <legend>{td!(locale, submission.submit.section_contact)}</legend>
                    <TextInput field=Field::Contact value=d.contact.clone() error=e.get(Field::Contact) autocomplete="email" />
                    <TextInput field=Field::AssistedBy value=d.assisted_by.clone() error=e.get(Field::AssistedBy) />
                </fieldset>
                </details>
                {(!stored_recordings.is_empty()).then(|| view! { <StoredRecordings stored=stored_recordings /> })}
                <ConsentChoices draft=d.clone() errors=e.clone() />
                {is_new.then(|| view! { <Honeypot value=d.website.clone() /> })}
                {idempotency_key.map(|key| view! { <input type="hidden" name=Field::IdempotencyKey.name() value=key /> })}
                <div class="form-actions">
                    <button type="submit" class="primary" data-sending=td_string!(locale, submission.submit.sending)>{submit_label}</button>
                    <progress id="upload-progress" max="100" value="0" hidden></progress>
                </div>
            </form>
        </FormEnhancer>
    }
}

fn field_error_text(locale: Locale, errors: &FormErrors, field: Field) -> Option<String> {
    errors
        .get(field)
        .map(|error| locale::field_error(locale, error))
}

#[component]
fn ErrorSummary(errors: FormErrors) -> impl IntoView {
    let locale = current_locale();
    let count = errors.iter().count();
    let items = errors
        .iter()
        .map(|(field, error)| {
            let href = format!("#{}", field.name());
            let text = locale::summary_item(
                locale,
                field_label(locale, field),
                &locale::field_error(locale, error),
            );
            view! { <li><a href=href>{text}</a></li> }
        })
        .collect_view();
    view! {
        <div id="error-summary" class="error-summary" role="alert" tabindex="-1" hidden=count == 0>
            <p>{(count > 0).then(|| locale::error_summary(locale, count))}</p>
            <ul>{items}</ul>
        </div>
    }
}

/// Label, hint, control and error message of one field, wired together for screen readers.
#[component]
fn FieldShell(
    field: Field,
    required: bool,
    error: Option<FieldError>,
    children: Children,
) -> impl IntoView {
    let locale = current_locale();
    let name = field.name();
    let error = error.map(|e| locale::field_error(locale, e));
    let class = if error.is_some() {
        "field has-error"
    } else {
        "field"
    };
    view! {
        <div class=class id=format!("field-{name}")>
            <label for=name>
                {field_label(locale, field)}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {field_hint(locale, field).map(|hint| view! { <p class="hint" id=hint_id(field)>{hint}</p> })}
            {children()}
            <p class="field-error" id=error_id(field)>{error}</p>
        </div>
    }
}

fn described_by(field: Field) -> String {
    format!("{} {}", hint_id(field), error_id(field))
}

#[component]
fn TextInput(
    field: Field,
    value: String,
    error: Option<FieldError>,
    #[prop(optional)] required: bool,
    #[prop(optional)] numeric: bool,
    #[prop(optional)] autocomplete: &'static str,
) -> impl IntoView {
    let invalid = error.is_some();
    let name = field.name();
    view! {
        <FieldShell field required error>
            <input
                type="text"
                id=name
                name=name
                value=value
                inputmode=numeric.then_some("numeric")
                autocomplete=if autocomplete.is_empty() { "off" } else { autocomplete }
                aria-required=required.then_some("true")
                aria-invalid=invalid.then_some("true")
                aria-describedby=described_by(field)
            />
        </FieldShell>
    }
}

#[component]
fn StoryText(field: Field, value: String, error: Option<FieldError>) -> impl IntoView {
    let invalid = error.is_some();
    let name = field.name();
    view! {
        <FieldShell field required=true error>
            <TextArea
                id=name.to_owned()
                name=name.to_owned()
                value
                rows=5
                required=true
                invalid
                described_by=described_by(field)
            />
        </FieldShell>
    }
}

#[component]
fn Checkbox(field: Field, checked: bool) -> impl IntoView {
    let locale = current_locale();
    let name = field.name();
    view! {
        <div class="check">
            <input type="checkbox" id=name name=name checked=checked />
            <label for=name>{field_label(locale, field)}</label>
        </div>
    }
}

#[component]
fn ThemeChoices(selected: Vec<String>, error: Option<FieldError>) -> impl IntoView {
    let locale = current_locale();
    let name = Field::Themes.name();
    let error = error.map(|e| locale::field_error(locale, e));
    let class = if error.is_some() {
        "field choices has-error"
    } else {
        "field choices"
    };
    let boxes = Theme::ALL
        .iter()
        .map(|theme| {
            let id = format!("theme-{}", theme.slug());
            view! {
                <div class="check">
                    <input type="checkbox" id=id.clone() name=name value=theme.slug() checked=selected.iter().any(|s| s == theme.slug()) />
                    <label for=id>{locale::theme_name(locale, *theme)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class=class id=format!("field-{name}") aria-describedby=described_by(Field::Themes)>
            <legend>
                {td!(locale, submission.submit.section_themes)}
                <span class="required" aria-hidden="true">" *"</span>
            </legend>
            <p class="hint" id=hint_id(Field::Themes)>{field_hint(locale, Field::Themes)}</p>
            <span id=name tabindex="-1"></span>
            <div class="choice-grid">{boxes}</div>
            <p class="field-error" id=error_id(Field::Themes)>{error}</p>
        </fieldset>
    }
}

#[component]
fn ConsentChoices(draft: StoryDraft, errors: FormErrors) -> impl IntoView {
    let locale = current_locale();
    let consent_error = field_error_text(locale, &errors, Field::ConsentPublish);
    let licence_error = field_error_text(locale, &errors, Field::Licence);
    let chosen = Licence::from_slug(draft.licence.trim());
    let licence_name = Field::Licence.name();
    let consent = Field::ConsentPublish.name();
    let has_error = consent_error.is_some() || licence_error.is_some();
    let licences = Licence::ALL
        .iter()
        .map(|licence| {
            let id = format!("licence-{}", licence.slug());
            // Nothing chosen yet: preselect the most private choice.
            let checked = chosen.map_or(*licence == Licence::DisplayOnly, |c| c == *licence);
            view! {
                <div class="check">
                    <input type="radio" id=id.clone() name=Field::Licence.name() value=licence.slug() checked=checked />
                    <label for=id>
                        <strong>{locale::licence_name(locale, *licence)}</strong>
                        " — "
                        {locale::licence_description(locale, *licence)}
                    </label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class=if has_error { "consents has-error" } else { "consents" }>
            <legend>{td!(locale, submission.submit.section_consent)}</legend>
            <div class="field" id=format!("field-{consent}")>
                <div class="check">
                    <input type="checkbox" id=consent name=consent checked=draft.consent_publish
                        aria-required="true" aria-describedby=error_id(Field::ConsentPublish) />
                    <label for=consent>
                        {td!(locale, submission.field.consent_publish.label)}
                        <span class="required" aria-hidden="true">" *"</span>
                    </label>
                </div>
                <p class="field-error" id=error_id(Field::ConsentPublish)>{consent_error}</p>
            </div>
            <Checkbox field=Field::ConsentShowName checked=draft.consent_show_name />
            <Checkbox field=Field::ConsentFaces checked=draft.consent_faces />
            <Checkbox field=Field::ConsentVoice checked=draft.consent_voice />
            <Checkbox field=Field::ConsentInterviewerName checked=draft.consent_interviewer_name />
            <fieldset class="field" id=format!("field-{licence_name}")>
                <legend>{td!(locale, submission.field.licence.label)}</legend>
                <span id=licence_name tabindex="-1"></span>
                {licences}
                <p class="field-error" id=error_id(Field::Licence)>{licence_error}</p>
            </fieldset>
        </fieldset>
    }
}

/// The recordings already stored, each with a box to remove it when the edit is saved.
#[component]
fn StoredRecordings(stored: Vec<crate::media::OwnRecording>) -> impl IntoView {
    let locale = current_locale();
    let name = Field::RemoveRecording.name();
    let boxes = stored
        .into_iter()
        .enumerate()
        .map(|(i, recording)| {
            let id = format!("remove-recording-{}", recording.id);
            let label = td_string!(locale, submission.track.recording_title, number = i + 1).to_string();
            view! {
                <div class="check">
                    <input type="checkbox" id=id.clone() name=name value=recording.id.to_string() />
                    <label for=id>{label} " — " {td!(locale, submission.track.remove_recording)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="stored-recordings">
            <legend>{td!(locale, submission.track.recordings_heading)}</legend>
            {boxes}
        </fieldset>
    }
}

/// Hidden from people (off-screen, out of the tab order, hidden from screen readers); bots
/// that fill every field give themselves away.
#[component]
fn Honeypot(value: String) -> impl IntoView {
    let locale = current_locale();
    let name = Field::Website.name();
    view! {
        <div class="hp" aria-hidden="true">
            <label for=name>{field_label(locale, Field::Website)}</label>
            <input type="text" id=name name=name value=value tabindex="-1" autocomplete="off" />
        </div>
    }
}
