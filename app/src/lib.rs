//! Shinian's user interface: the domain types shared with the browser, the localized messages,
//! the server-rendered pages and the few interactive islands that hydrate in the browser.

// The story form is one deeply nested view type; hydrating it needs more than the default 128.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod accounts;
pub mod archive;
pub mod domain;
pub mod locale;
pub mod media;
pub mod moderation;
pub mod submission;
pub mod timeline;
pub mod ui;
pub mod voice;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
