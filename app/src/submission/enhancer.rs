use crate::locale::Locale;
use leptos::prelude::*;

/// Wraps the server-rendered story form (its children are never re-rendered in the browser).
/// With JavaScript on it validates each field as the person leaves it, validates everything
/// before sending, shows upload progress and sends the form without a page reload. With
/// JavaScript off the form posts normally and the server answers with the same messages.
#[island]
pub fn FormEnhancer(locale: Locale, latest_year: i32, children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    // Marks the form as enhanced once hydrated (browser tests and CSS can tell).
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(element) = root.get() {
            let _ = element.set_attribute("data-enhanced", "true");
        }
    });
    // A message appearing or disappearing while a mouse button or finger is still down moves
    // the page under it and the tap lands elsewhere; such updates wait until it is released.
    let pressing = StoredValue::new(false);
    let deferred = StoredValue::new(None::<leptos::ev::FocusEvent>);
    view! {
        <div
            node_ref=root
            class="form-enhancer"
            on:submit=move |ev| client::submit(ev, locale, latest_year)
            on:change=move |ev| {
                client::preview_photo(ev.clone(), locale);
                super::rephoto::photo_changed(&ev);
            }
            on:click=move |ev| super::rephoto::click(&ev, locale)
            on:input=move |ev| super::rephoto::input(&ev)
            on:pointerdown=move |_| pressing.set_value(true)
            on:pointerup=move |_| {
                pressing.set_value(false);
                if let Some(ev) = deferred.try_update_value(Option::take).flatten() {
                    set_timeout(move || client::check_left_field(ev, locale, latest_year), std::time::Duration::ZERO);
                }
            }
            on:focusout=move |ev| {
                if pressing.get_value() {
                    deferred.set_value(Some(ev));
                } else {
                    client::check_left_field(ev, locale, latest_year);
                }
            }
        >
            {children()}
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
mod client {
    use crate::locale::Locale;
    use leptos::ev::{FocusEvent, SubmitEvent};

    pub fn submit(_: SubmitEvent, _: Locale, _: i32) {}
    pub fn preview_photo(_: leptos::ev::Event, _: Locale) {}
    pub fn check_left_field(_: FocusEvent, _: Locale, _: i32) {}
}

#[cfg(feature = "hydrate")]
mod client {
    use crate::domain::{Field, FieldError, FormErrors, NewStory, StoryDraft, Telling};
    use crate::locale::{self, Locale};
    use crate::submission::fields::{error_id, field_label};
    use leptos::ev::{FocusEvent, SubmitEvent};
    use leptos::wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use leptos_i18n::td_string;
    use web_sys::{Document, Element, FormData, HtmlElement, HtmlFormElement, XmlHttpRequest};

    fn document() -> Option<Document> {
        web_sys::window()?.document()
    }

    fn read_draft(form: &HtmlFormElement) -> Option<StoryDraft> {
        let data = FormData::new_with_form(form).ok()?;
        let mut draft = StoryDraft::default();
        // Every value the server will see; files are not text and are skipped.
        for field in Field::ALL {
            for value in data.get_all(field.name()).iter() {
                if let Some(value) = value.as_string() {
                    draft.set_field(*field, &value);
                }
            }
        }
        Some(draft)
    }

    fn validate(form: &HtmlFormElement, latest_year: i32) -> FormErrors {
        let telling = Telling::with_recordings(recordings(form));
        read_draft(form)
            .map(|draft| {
                NewStory::parse_told(&draft, latest_year, telling)
                    .err()
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    }

    /// Recordings the story will have: files chosen or recorded in the form, and those stored
    /// before (the tracking page's form says how many in `data-stored-recordings`).
    fn recordings(form: &HtmlFormElement) -> usize {
        let chosen = FormData::new_with_form(form)
            .map(|data| {
                data.get_all(Field::Recording.name())
                    .iter()
                    .filter(|v| v.dyn_ref::<web_sys::File>().is_some_and(|f| f.size() > 0.0))
                    .count()
            })
            .unwrap_or(0);
        let stored = form
            .get_attribute("data-stored-recordings")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        chosen + stored
    }

    /// Shows or clears one field's message, in the same places the server puts it.
    fn show_message(doc: &Document, field: Field, message: Option<&str>) {
        let name = field.name();
        if let Some(slot) = doc.get_element_by_id(&error_id(field)) {
            slot.set_text_content(message);
        }
        if let Some(wrapper) = doc.get_element_by_id(&format!("field-{name}")) {
            let _ = wrapper
                .class_list()
                .toggle_with_force("has-error", message.is_some());
        }
        if let Some(control) = doc.get_element_by_id(name) {
            set_invalid(&control, message.is_some());
        }
    }

    fn show_field(doc: &Document, locale: Locale, field: Field, error: Option<FieldError>) {
        show_message(
            doc,
            field,
            error.map(|e| locale::field_error(locale, e)).as_deref(),
        );
    }

    fn set_invalid(control: &Element, invalid: bool) {
        let _ = if invalid {
            control.set_attribute("aria-invalid", "true")
        } else {
            control.remove_attribute("aria-invalid")
        };
    }

    fn show_all(doc: &Document, locale: Locale, errors: &FormErrors) {
        for field in Field::ALL.iter().copied() {
            show_field(doc, locale, field, errors.get(field));
        }
        let lines: Vec<(Field, String)> = errors
            .iter()
            .map(|(f, e)| (f, locale::field_error(locale, e)))
            .collect();
        show_summary(doc, locale, &lines, None);
    }

    /// Fills the error summary at the top of the form and moves focus to it.
    fn show_summary(
        doc: &Document,
        locale: Locale,
        lines: &[(Field, String)],
        message: Option<&str>,
    ) {
        let Some(summary) = doc.get_element_by_id("error-summary") else {
            return;
        };
        let empty = lines.is_empty() && message.is_none();
        let _ = if empty {
            summary.set_attribute("hidden", "")
        } else {
            summary.remove_attribute("hidden")
        };
        let heading = message
            .map(str::to_owned)
            .or_else(|| (!lines.is_empty()).then(|| locale::error_summary(locale, lines.len())));
        let items: String = lines
            .iter()
            .map(|(field, text)| {
                let label = field_label(locale, *field);
                format!(
                    "<li><a href=\"#{}\">{}</a></li>",
                    field.name(),
                    escape(&locale::summary_item(locale, label, text))
                )
            })
            .collect();
        summary.set_inner_html(&format!(
            "<p>{}</p><ul>{items}</ul>",
            escape(heading.as_deref().unwrap_or(""))
        ));
        if !empty && let Some(el) = summary.dyn_ref::<HtmlElement>() {
            let _ = el.focus();
        }
    }

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    pub fn check_left_field(ev: FocusEvent, locale: Locale, latest_year: i32) {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Some(form) = target
            .closest("form")
            .ok()
            .flatten()
            .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let Some(name) = target.get_attribute("name") else {
            return;
        };
        let Some(field) = Field::from_name(&name) else {
            return;
        };
        let Some(doc) = document() else { return };
        let errors = validate(&form, latest_year);
        show_field(&doc, locale, field, errors.get(field));
        if matches!(field, Field::YearThen | Field::YearNow) {
            show_field(&doc, locale, Field::YearThen, errors.get(Field::YearThen));
            show_field(&doc, locale, Field::YearNow, errors.get(Field::YearNow));
        }
    }

    pub fn submit(ev: SubmitEvent, locale: Locale, latest_year: i32) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        let Some(doc) = document() else { return };
        ev.prevent_default();
        let errors = validate(&form, latest_year);
        show_all(&doc, locale, &errors);
        if errors.is_empty() {
            send(&form, &doc, locale);
        }
    }

    /// A chosen photo is shown at once (before upload), and a file over the size limit is
    /// flagged straight away instead of after a long upload.
    pub fn preview_photo(ev: leptos::ev::Event, locale: Locale) {
        use crate::domain::limits::PHOTO_MAX_BYTES;
        use crate::domain::{PhotoPart, PhotoProblem, PhotoRefusal};
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if !input.class_list().contains("photo-file") {
            return;
        }
        let Some(preview) = input.next_element_sibling() else {
            return;
        };
        preview.set_inner_html("");
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let field = if input.name() == Field::PhotoNow.name() {
            Field::PhotoNow
        } else {
            Field::PhotoThen
        };
        let Some(doc) = document() else { return };
        // The 25 MiB limit is exact as a u32 (and so as an f64).
        let max_bytes = f64::from(u32::try_from(PHOTO_MAX_BYTES).unwrap_or(u32::MAX));
        if file.size() > max_bytes {
            let index = input
                .id()
                .split('-')
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let error = FieldError::Photo {
                index,
                part: PhotoPart::File,
                problem: PhotoProblem::Refused(PhotoRefusal::TooLarge {
                    max_bytes: PHOTO_MAX_BYTES,
                }),
            };
            show_field(&doc, locale, field, Some(error));
            input.set_value("");
            return;
        }
        show_field(&doc, locale, field, None);
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(&file)
            && let Ok(img) = doc.create_element("img")
        {
            let _ = img.set_attribute("src", &url);
            let _ = img.set_attribute("alt", "");
            let _ = preview.append_child(&img);
        }
    }

    fn send(form: &HtmlFormElement, doc: &Document, locale: Locale) {
        let (Ok(xhr), Ok(data)) = (XmlHttpRequest::new(), FormData::new_with_form(form)) else {
            return;
        };
        if xhr.open("POST", &form.action()).is_err() {
            return;
        }
        let _ = xhr.set_request_header("Accept", "application/json");
        set_sending(doc, true);
        watch_progress(&xhr, doc);
        let on_done = {
            let xhr = xhr.clone();
            let doc = doc.clone();
            Closure::<dyn FnMut()>::new(move || handle_response(&xhr, &doc, locale))
        };
        xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
        on_done.forget();
        if xhr.send_with_opt_form_data(Some(&data)).is_err() {
            set_sending(doc, false);
        }
    }

    fn watch_progress(xhr: &XmlHttpRequest, doc: &Document) {
        let Some(bar) = doc.get_element_by_id("upload-progress") else {
            return;
        };
        let Ok(upload) = xhr.upload() else { return };
        let _ = bar.remove_attribute("hidden");
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let percent = (ev.loaded() / ev.total() * 100.0).round();
                    let _ = bar.set_attribute("value", &percent.to_string());
                }
            });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }

    fn set_sending(doc: &Document, sending: bool) {
        let Some(button) = doc
            .query_selector(".story-form button[type=submit]")
            .ok()
            .flatten()
        else {
            return;
        };
        let label_attr = if sending {
            "data-sending"
        } else {
            "data-label"
        };
        if sending {
            let _ = button.set_attribute("data-label", &button.text_content().unwrap_or_default());
            let _ = button.set_attribute("disabled", "");
        } else {
            let _ = button.remove_attribute("disabled");
            if let Some(bar) = doc.get_element_by_id("upload-progress") {
                let _ = bar.set_attribute("hidden", "");
            }
        }
        if let Some(label) = button.get_attribute(label_attr) {
            button.set_text_content(Some(&label));
        }
    }

    /// The server answers JSON to this request: `{"location"}` on success, `{"errors"}` for
    /// refused fields, `{"message"}` for anything else (size, rate, network).
    fn handle_response(xhr: &XmlHttpRequest, doc: &Document, locale: Locale) {
        let body = xhr.response_text().ok().flatten().unwrap_or_default();
        let json = js_sys::JSON::parse(&body).unwrap_or(JsValue::NULL);
        if let Some(location) = string_at(&json, "location")
            && let Some(window) = web_sys::window()
        {
            let _ = window.location().assign(&location);
            return;
        }
        set_sending(doc, false);
        let lines = field_lines(&json);
        for field in Field::ALL.iter().copied() {
            let message = lines
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, m)| m.as_str());
            show_message(doc, field, message);
        }
        let fallback = td_string!(locale, submission.submit.network_error).to_owned();
        let message = string_at(&json, "message").or_else(|| lines.is_empty().then_some(fallback));
        show_summary(doc, locale, &lines, message.as_deref());
    }

    fn string_at(json: &JsValue, key: &str) -> Option<String> {
        js_sys::Reflect::get(json, &JsValue::from_str(key))
            .ok()?
            .as_string()
    }

    fn field_lines(json: &JsValue) -> Vec<(Field, String)> {
        let Ok(errors) = js_sys::Reflect::get(json, &JsValue::from_str("errors")) else {
            return Vec::new();
        };
        let Ok(array) = errors.dyn_into::<js_sys::Array>() else {
            return Vec::new();
        };
        array
            .iter()
            .filter_map(|item| {
                let field = Field::from_name(&string_at(&item, "field")?)?;
                Some((field, string_at(&item, "message")?))
            })
            .collect()
    }
}
