//! "Retake from the same spot": once a "then" photo is chosen, the first "now" photo can be
//! taken in the page, with the camera's live view under the old photo at an adjustable
//! transparency, so the resident lines up the same street corner. The captured frame (the
//! camera's full resolution, JPEG) is put into the ordinary "now" file input, so validation,
//! preview, upload progress and the form contract stay those of a chosen file.
//!
//! The markup is server-rendered and hidden (`photo_fields::Rephoto`); the form enhancer hands
//! its change, click and input events here. Without JavaScript, without a camera API, on a
//! desktop (no touch screen) or when the camera is refused, the file input is all there is.

#[cfg(not(feature = "hydrate"))]
use crate::locale::Locale;

#[cfg(not(feature = "hydrate"))]
pub fn photo_changed(_: &leptos::ev::Event) {}
#[cfg(not(feature = "hydrate"))]
pub fn click(_: &leptos::ev::MouseEvent, _: Locale) {}
#[cfg(not(feature = "hydrate"))]
pub fn input(_: &leptos::ev::Event) {}

#[cfg(feature = "hydrate")]
pub use client::{click, input, photo_changed};

#[cfg(feature = "hydrate")]
mod client {
    use crate::domain::PhotoSlot;
    use crate::locale::Locale;
    use js_sys::{Array, Object, Reflect};
    use leptos::wasm_bindgen::{JsCast, JsValue, closure::Closure};
    use leptos_i18n::td_string;
    use web_sys::{
        Blob, CanvasRenderingContext2d, DataTransfer, Document, Element, Event, EventInit, File,
        FilePropertyBag, HtmlCanvasElement, HtmlDialogElement, HtmlElement, HtmlInputElement,
        HtmlVideoElement, MediaStream, MediaStreamConstraints, MediaStreamTrack,
    };

    /// The file input of the first "then" or "now" photo.
    fn first_file_input(side: PhotoSlot) -> String {
        crate::submission::photo_fields::photo_control_id(side, 0, "file")
    }
    /// Asked of the camera as an ideal, so it answers with the largest frame it has up to this.
    const IDEAL_WIDTH: u32 = 4096;
    const IDEAL_HEIGHT: u32 = 3072;
    const JPEG_QUALITY: f64 = 0.92;

    fn document() -> Option<Document> {
        web_sys::window()?.document()
    }

    fn by_id<T: JsCast>(doc: &Document, id: &str) -> Option<T> {
        doc.get_element_by_id(id)?.dyn_into().ok()
    }

    fn set_text(doc: &Document, id: &str, text: &str) {
        if let Some(element) = doc.get_element_by_id(id) {
            element.set_text_content(Some(text));
        }
    }

    /// A camera API and a touch screen: phones and tablets. A desktop's webcam cannot be taken
    /// to the street corner, and pages served over plain http (other than localhost) have no
    /// `navigator.mediaDevices` at all.
    fn camera_possible() -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let devices = Reflect::get(&window.navigator(), &JsValue::from_str("mediaDevices"))
            .unwrap_or(JsValue::UNDEFINED);
        let has_api = devices.is_object()
            && Reflect::get(&devices, &JsValue::from_str("getUserMedia"))
                .is_ok_and(|f| f.is_function());
        let touch = window
            .match_media("(pointer: coarse)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches());
        has_api && touch
    }

    /// A change of any input in the form: the first "then" photo offers (or withdraws) the
    /// retake; a new "now" file replaces what the camera took.
    pub fn photo_changed(ev: &leptos::ev::Event) {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(doc) = document() else { return };
        let id = input.id();
        if id == first_file_input(PhotoSlot::Then) {
            offer(&doc, &input);
        } else if id == first_file_input(PhotoSlot::Now) {
            set_text(&doc, "rephoto-status", "");
        }
    }

    fn offer(doc: &Document, then_input: &HtmlInputElement) {
        let (Some(wrapper), Some(overlay)) = (
            doc.get_element_by_id("rephoto"),
            doc.get_element_by_id("rephoto-then"),
        ) else {
            return;
        };
        if let Some(old) = overlay.get_attribute("src") {
            let _ = web_sys::Url::revoke_object_url(&old);
            let _ = overlay.remove_attribute("src");
        }
        let file = then_input.files().and_then(|files| files.get(0));
        let url = file
            .filter(|_| camera_possible())
            .and_then(|file| web_sys::Url::create_object_url_with_blob(&file).ok());
        let _ = match url {
            Some(url) => {
                let _ = overlay.set_attribute("src", &url);
                wrapper.remove_attribute("hidden")
            }
            None => wrapper.set_attribute("hidden", ""),
        };
    }

    pub fn click(ev: &leptos::ev::MouseEvent, locale: Locale) {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button").ok().flatten())
        else {
            return;
        };
        let Some(doc) = document() else { return };
        match button.id().as_str() {
            "rephoto-open" => open(doc, button, locale),
            "rephoto-take" => take(&doc, locale),
            "rephoto-cancel" => {
                if let Some(dialog) = by_id::<HtmlDialogElement>(&doc, "rephoto-dialog") {
                    dialog.close();
                }
            }
            _ => {}
        }
    }

    /// The transparency slider: 0 shows the old photo fully, 100 hides it.
    pub fn input(ev: &leptos::ev::Event) {
        let Some(range) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .filter(|t| t.id() == "rephoto-fade")
        else {
            return;
        };
        if let Some(doc) = document() {
            apply_fade(&doc, &range);
        }
    }

    /// Through the CSSOM, which the Content-Security-Policy does not restrict.
    fn apply_fade(doc: &Document, range: &HtmlInputElement) {
        let transparency = range.value_as_number().clamp(0.0, 100.0);
        if let Some(overlay) = by_id::<HtmlElement>(doc, "rephoto-then") {
            let opacity = format!("{:.2}", 1.0 - transparency / 100.0);
            let _ = overlay.style().set_property("opacity", &opacity);
        }
    }

    fn open(doc: Document, button: Element, locale: Locale) {
        let Some(promise) = web_sys::window()
            .and_then(|w| w.navigator().media_devices().ok())
            .and_then(|devices| devices.get_user_media_with_constraints(&constraints()).ok())
        else {
            set_text(
                &doc,
                "rephoto-status",
                td_string!(locale, submission.rephoto.unavailable),
            );
            return;
        };
        // One request at a time: a second stream would keep the camera on after closing.
        let _ = button.set_attribute("disabled", "");
        set_text(
            &doc,
            "rephoto-status",
            td_string!(locale, submission.rephoto.opening),
        );
        leptos::task::spawn_local(async move {
            let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
            let _ = button.remove_attribute("disabled");
            match answer {
                Ok(stream) => show(&doc, stream.unchecked_into()),
                Err(error) => set_text(&doc, "rephoto-status", refusal(&error, locale)),
            }
        });
    }

    /// The back camera where there is one, at the largest resolution it offers; no sound.
    fn constraints() -> MediaStreamConstraints {
        let ideal = |value: u32| {
            let object = Object::new();
            let _ = Reflect::set(&object, &"ideal".into(), &value.into());
            object
        };
        let video = Object::new();
        let _ = Reflect::set(&video, &"facingMode".into(), &"environment".into());
        let _ = Reflect::set(&video, &"width".into(), &ideal(IDEAL_WIDTH));
        let _ = Reflect::set(&video, &"height".into(), &ideal(IDEAL_HEIGHT));
        let constraints = MediaStreamConstraints::new();
        constraints.set_video(&video);
        constraints.set_audio(&JsValue::FALSE);
        constraints
    }

    fn refusal(error: &JsValue, locale: Locale) -> &'static str {
        let name = Reflect::get(error, &"name".into())
            .ok()
            .and_then(|n| n.as_string());
        match name.as_deref() {
            Some("NotAllowedError" | "SecurityError") => {
                td_string!(locale, submission.rephoto.denied)
            }
            _ => td_string!(locale, submission.rephoto.unavailable),
        }
    }

    fn show(doc: &Document, stream: MediaStream) {
        let (Some(video), Some(dialog)) = (
            by_id::<HtmlVideoElement>(doc, "rephoto-video"),
            by_id::<HtmlDialogElement>(doc, "rephoto-dialog"),
        ) else {
            stop(&stream);
            return;
        };
        set_text(doc, "rephoto-status", "");
        set_text(doc, "rephoto-dialog-status", "");
        if let Some(range) = by_id::<HtmlInputElement>(doc, "rephoto-fade") {
            apply_fade(doc, &range);
        }
        // Cancel, Escape and a capture all close the dialog; closing turns the camera off.
        if dialog.onclose().is_none() {
            let on_close = Closure::<dyn FnMut()>::new(|| {
                if let Some(doc) = document() {
                    stop_camera(&doc);
                }
            });
            dialog.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            on_close.forget();
        }
        video.set_muted(true);
        video.set_src_object(Some(&stream));
        if dialog.show_modal().is_err() {
            stop_camera(doc);
            return;
        }
        if let Some(take) = by_id::<HtmlElement>(doc, "rephoto-take") {
            let _ = take.focus();
        }
    }

    fn stop(stream: &MediaStream) {
        for track in stream.get_tracks().iter() {
            track.unchecked_into::<MediaStreamTrack>().stop();
        }
    }

    fn stop_camera(doc: &Document) {
        if let Some(video) = by_id::<HtmlVideoElement>(doc, "rephoto-video") {
            if let Some(stream) = video.src_object() {
                stop(&stream);
            }
            video.set_src_object(None);
        }
    }

    /// Draws the current frame at the camera's own resolution and closes the camera; the JPEG
    /// is made in the background and becomes the "now" photo.
    fn take(doc: &Document, locale: Locale) {
        let Some(video) = by_id::<HtmlVideoElement>(doc, "rephoto-video") else {
            return;
        };
        let (width, height) = (video.video_width(), video.video_height());
        let Some(canvas) = (width > 0 && height > 0)
            .then(|| frame(doc, &video, width, height))
            .flatten()
        else {
            set_text(
                doc,
                "rephoto-dialog-status",
                td_string!(locale, submission.rephoto.not_ready),
            );
            return;
        };
        if let Some(dialog) = by_id::<HtmlDialogElement>(doc, "rephoto-dialog") {
            dialog.close();
        }
        let on_blob = Closure::once_into_js(move |blob: JsValue| {
            if let (Ok(blob), Some(doc)) = (blob.dyn_into::<Blob>(), document()) {
                use_capture(&doc, &blob, locale);
            }
        });
        let _ = canvas.to_blob_with_type_and_encoder_options(
            on_blob.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(JPEG_QUALITY),
        );
    }

    fn frame(
        doc: &Document,
        video: &HtmlVideoElement,
        width: u32,
        height: u32,
    ) -> Option<HtmlCanvasElement> {
        let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        canvas.set_width(width);
        canvas.set_height(height);
        let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        context
            .draw_image_with_html_video_element(video, 0.0, 0.0)
            .ok()?;
        Some(canvas)
    }

    /// Puts the JPEG into the "now" file input as if it had been chosen, and tells the form
    /// (preview, size check) with the same change event a choice fires.
    fn use_capture(doc: &Document, blob: &Blob, locale: Locale) {
        let Some(input) = by_id::<HtmlInputElement>(doc, &first_file_input(PhotoSlot::Now)) else {
            return;
        };
        let options = FilePropertyBag::new();
        options.set_type("image/jpeg");
        let Ok(file) =
            File::new_with_blob_sequence_and_options(&Array::of1(blob), "retake.jpg", &options)
        else {
            return;
        };
        let Ok(transfer) = DataTransfer::new() else {
            return;
        };
        if transfer.items().add_with_file(&file).is_err() {
            return;
        }
        input.set_files(transfer.files().as_ref());
        let init = EventInit::new();
        init.set_bubbles(true);
        if let Ok(change) = Event::new_with_event_init_dict("change", &init) {
            let _ = input.dispatch_event(&change);
        }
        set_text(
            doc,
            "rephoto-status",
            td_string!(locale, submission.rephoto.taken),
        );
    }
}
