//! Handing a recording to the form (browser only): the group's file input, its hidden
//! `recording_markers` input and the listen-back player.

use super::media_type;
use super::session::Ui;
use js_sys::Array;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use web_sys::{Blob, DataTransfer, File, FilePropertyBag, HtmlInputElement};

/// One control of the group (`file`, `markers`).
fn input(ui: Ui, part: &str) -> Option<HtmlInputElement> {
    let doc = web_sys::window()?.document()?;
    doc.get_element_by_id(&ui.id(part))?.dyn_into().ok()
}

pub fn write_markers(ui: Ui, value: &str) {
    if let Some(markers) = input(ui, "markers") {
        markers.set_value(value);
    }
}

/// Puts the recording into the group's file input, as if it had been chosen.
pub fn to_file(ui: Ui, chunks: &[Blob], mime: &str) -> Option<File> {
    let options = FilePropertyBag::new();
    options.set_type(mime);
    let parts: Array = chunks.iter().collect();
    let name = media_type::file_name(ui.index, mime);
    let file = File::new_with_blob_sequence_and_options(&parts, &name, &options).ok()?;
    let transfer = DataTransfer::new().ok()?;
    transfer.items().add_with_file(&file).ok()?;
    input(ui, "file")?.set_files(transfer.files().as_ref());
    Some(file)
}

/// Shows the listen-back player for `file`, letting go of the previous one.
pub fn listen_to(ui: Ui, file: Option<&File>) {
    if let Some(old) = ui.listen.get_untracked() {
        let _ = web_sys::Url::revoke_object_url(&old);
    }
    let url = file.and_then(|f| web_sys::Url::create_object_url_with_blob(f).ok());
    ui.listen.set(url);
}

/// Empties the group's file input and markers (the recording is no longer wanted).
pub fn forget(ui: Ui) {
    if let Some(file) = input(ui, "file") {
        file.set_value("");
    }
    write_markers(ui, "");
    listen_to(ui, None);
}
