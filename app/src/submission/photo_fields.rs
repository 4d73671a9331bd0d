//! The then/now photo inputs of the story form. Each side has up to `PHOTOS_PER_SIDE` groups
//! of a file input and its details, sent in the same order (docs/api.md). Only the first group
//! of a side is open: each further one is behind an "add another photo" that holds the next, and
//! a photo's optional details (year, caption, photographer) are folded too — `<details>`, so the
//! short form needs no JavaScript, and anything typed keeps its group open after an error. On
//! the tracking page the photos already stored are listed with a "remove" box, and only the free
//! groups remain.

use super::fields::{error_id, field_label};
use crate::domain::limits::PHOTOS_PER_SIDE;
use crate::domain::{Field, FieldError, PhotoColumns, PhotoPart, PhotoSlot, StoryDraft};
use crate::locale;
use crate::media::OwnPhoto;
use crate::ui::current_locale;
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

const ACCEPT: &str = "image/jpeg,image/png,image/webp,image/gif";

#[component]
pub fn PhotoFields(
    draft: StoryDraft,
    error_then: Option<FieldError>,
    error_now: Option<FieldError>,
    stored: Vec<OwnPhoto>,
) -> impl IntoView {
    let locale = current_locale();
    let side = |slot: PhotoSlot, error: Option<FieldError>| {
        let mine: Vec<OwnPhoto> = stored
            .iter()
            .filter(|p| p.view.slot == slot)
            .cloned()
            .collect();
        let free = PHOTOS_PER_SIDE.saturating_sub(mine.len());
        view! { <PhotoSide side=slot columns=draft.photos(slot).clone() error stored=mine free /> }
    };
    view! {
        <fieldset class="photos">
            <legend>{td!(locale, submission.submit.section_photos)}</legend>
            <p class="hint">{td!(locale, submission.submit.photos_hint)}</p>
            {side(PhotoSlot::Then, error_then)}
            {side(PhotoSlot::Now, error_now)}
        </fieldset>
    }
}

#[component]
fn PhotoSide(
    side: PhotoSlot,
    columns: PhotoColumns,
    error: Option<FieldError>,
    stored: Vec<OwnPhoto>,
    free: usize,
) -> impl IntoView {
    let locale = current_locale();
    let field = side.field();
    let name = field.name();
    let message = error.map(|e| locale::field_error(locale, e));
    let class = if message.is_some() {
        "photo-side has-error"
    } else {
        "photo-side"
    };
    let stored_view = stored
        .into_iter()
        .map(|photo| view! { <StoredPhoto photo /> })
        .collect_view();
    let groups = nested_groups(side, &columns, free);
    view! {
        <fieldset class=class id=format!("field-{name}")>
            <legend>{field_label(locale, field)}</legend>
            <span id=name tabindex="-1"></span>
            <p class="field-error" id=error_id(field)>{message}</p>
            {stored_view}
            {groups}
        </fieldset>
    }
}

/// The free groups of a side, each after the first inside an "add another photo" that also
/// holds the rest, so one more is offered at a time.
fn nested_groups(side: PhotoSlot, columns: &PhotoColumns, free: usize) -> AnyView {
    let locale = current_locale();
    let mut rest: Option<AnyView> = None;
    for index in (0..free).rev() {
        let details = columns.get(index);
        let typed = !(details.alt.is_empty()
            && details.year.is_empty()
            && details.caption.is_empty()
            && details.credit.is_empty());
        let group = view! { <PhotoGroup side index details /> };
        rest = Some(if index == 0 {
            view! { {group} {rest} }.into_any()
        } else {
            let number = index + 1;
            view! {
                <details class="photo-extra" open=typed>
                    <summary>{td!(locale, submission.submit.add_photo, number)}</summary>
                    {group}
                    {rest}
                </details>
            }
            .into_any()
        });
    }
    rest.unwrap_or_else(|| ().into_any())
}

/// The element id of one control (`file`, `alt`, …) of a side's photo group (`index` from 0),
/// for the markup here and the scripts that find it (`rephoto`).
pub fn photo_control_id(side: PhotoSlot, index: usize, part: &str) -> String {
    format!("{}-{}-{part}", side.field(), index + 1)
}

#[component]
fn PhotoGroup(side: PhotoSlot, index: usize, details: crate::domain::PhotoDraft) -> impl IntoView {
    let locale = current_locale();
    let name = side.field().name();
    let detail = |part: PhotoPart| side.part(part).name();
    let id = |part: &str| photo_control_id(side, index, part);
    let number = index + 1;
    let details_typed =
        !(details.year.is_empty() && details.caption.is_empty() && details.credit.is_empty());
    view! {
        <div class="photo-group" data-slot=name>
            // The first photo of a side needs no number; a further one was asked for by it.
            {(index > 0).then(|| view! { <p class="photo-number">{td!(locale, submission.submit.photo_number, number)}</p> })}
            <label for=id("file")>{td!(locale, submission.field.photo_file.label)}</label>
            <input type="file" id=id("file") name=name accept=ACCEPT class="photo-file" />
            <div class="photo-preview" aria-hidden="true"></div>
            {(side == PhotoSlot::Now && index == 0).then(|| view! { <Rephoto /> })}
            <label for=id("alt")>{td!(locale, submission.field.photo_alt.label)}</label>
            <p class="hint" id=id("alt-hint")>{td!(locale, submission.field.photo_alt.hint)}</p>
            <input type="text" id=id("alt") name=detail(PhotoPart::Alt) value=details.alt aria-describedby=id("alt-hint") />
            <details class="photo-more" open=details_typed>
            <summary>{td!(locale, submission.submit.photo_details)}</summary>
            <div class="photo-details">
                <span>
                    <label for=id("year")>{td!(locale, submission.field.photo_year.label)}</label>
                    <input type="text" inputmode="numeric" id=id("year") name=detail(PhotoPart::Year) value=details.year />
                </span>
                <span>
                    <label for=id("caption")>{td!(locale, submission.field.photo_caption.label)}</label>
                    <input type="text" id=id("caption") name=detail(PhotoPart::Caption) value=details.caption />
                </span>
                <span>
                    <label for=id("credit")>{td!(locale, submission.field.photo_credit.label)}</label>
                    <input type="text" id=id("credit") name=detail(PhotoPart::Credit) value=details.credit />
                </span>
            </div>
            </details>
        </div>
    }
}

/// "Retake from the same spot" for the first "now" photo: the camera's live view with the
/// chosen "then" photo laid over it. Server-rendered but hidden (a closed `<dialog>` shows
/// nothing), so without JavaScript the plain file input above is all there is; the form
/// enhancer shows the button once a "then" photo is chosen on a phone with a camera API.
#[component]
fn Rephoto() -> impl IntoView {
    let locale = current_locale();
    view! {
        <div class="rephoto" id="rephoto" hidden>
            <button type="button" class="rephoto-open" id="rephoto-open">{td!(locale, submission.rephoto.open)}</button>
            <p class="rephoto-status" id="rephoto-status" role="status"></p>
        </div>
        <dialog class="rephoto-dialog" id="rephoto-dialog" aria-label=td_string!(locale, submission.rephoto.open) aria-describedby="rephoto-hint">
            <div class="rephoto-stage">
                <video id="rephoto-video" playsinline muted autoplay></video>
                <img id="rephoto-then" class="rephoto-then" alt="" />
            </div>
            <div class="rephoto-controls">
                <p class="rephoto-hint" id="rephoto-hint">{td!(locale, submission.rephoto.hint)}</p>
                <p class="rephoto-status" id="rephoto-dialog-status" role="status"></p>
                <label for="rephoto-fade">{td!(locale, submission.rephoto.fade)}</label>
                <input type="range" id="rephoto-fade" min="0" max="100" step="5" value="50" />
                <div class="rephoto-actions">
                    <button type="button" class="primary" id="rephoto-take">{td!(locale, submission.rephoto.take)}</button>
                    <button type="button" class="rephoto-cancel" id="rephoto-cancel">{td!(locale, submission.rephoto.cancel)}</button>
                </div>
            </div>
        </dialog>
    }
}

/// A photo already stored, on the tracking page: its derivative when ready, and a box to
/// remove it with the next save.
#[component]
fn StoredPhoto(photo: OwnPhoto) -> impl IntoView {
    let locale = current_locale();
    let id = format!("remove-photo-{}", photo.id);
    view! {
        <div class="stored-photo">
            <PhotoFigure photo=photo.view.clone() />
            <div class="check">
                <input type="checkbox" id=id.clone() name=Field::RemovePhoto.name() value=photo.id.to_string() />
                <label for=id>{td_string!(locale, submission.track.remove_photo)}</label>
            </div>
        </div>
    }
}

/// One photo as a `<picture>` (WebP with a JPEG fallback), or a note while it is processed.
#[component]
pub fn PhotoFigure(photo: crate::media::PhotoView) -> impl IntoView {
    let locale = current_locale();
    let caption = [
        photo.year.map(|y| locale::year(locale, y, false)),
        photo.caption.clone(),
        photo.credit.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let image = if photo.is_ready() {
        view! { <crate::media::Picture photo=photo.clone() min_width=800 sizes="(min-width: 40rem) 20rem, 100vw" /> }
            .into_any()
    } else {
        view! { <p class="photo-processing">{td!(locale, submission.track.photo_processing)}</p> }
            .into_any()
    };
    view! {
        <figure class="photo">
            {image}
            <figcaption>{caption}</figcaption>
        </figure>
    }
}
