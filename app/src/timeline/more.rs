//! Infinite scroll on top of the "more" link. Without JavaScript the link opens the next page;
//! with it, the next cards are fetched (the same URL with `fragment=1` answers only the cards,
//! and the following page's address in `X-Next-Page`) and appended when the link comes into
//! view or is followed.

use crate::locale::Locale;
use leptos::prelude::*;

#[island]
pub fn MoreLoader(locale: Locale, children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let _ = locale;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(element) = root.get() {
            client::watch(element, locale);
        }
    });
    view! {
        <div node_ref=root class="more-loader" on:click=move |ev| client::follow(ev, locale)>
            {children()}
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
mod client {
    use crate::locale::Locale;

    pub fn follow(_: leptos::ev::MouseEvent, _: Locale) {}
}

#[cfg(feature = "hydrate")]
mod client {
    use crate::domain::TimelineField;
    use crate::locale::Locale;
    use leptos::wasm_bindgen::{JsCast, closure::Closure};
    use leptos_i18n::td_string;
    use std::cell::Cell;
    use web_sys::{
        Element, HtmlAnchorElement, IntersectionObserver, IntersectionObserverEntry, XmlHttpRequest,
    };

    thread_local! {
        static LOADING: Cell<bool> = const { Cell::new(false) };
    }

    fn next_link(root: &Element) -> Option<HtmlAnchorElement> {
        root.query_selector("a[rel=next]").ok()??.dyn_into().ok()
    }

    /// Loads the next page when the link scrolls into view.
    pub fn watch(root: web_sys::HtmlDivElement, locale: Locale) {
        let element: Element = root.into();
        let target = element.clone();
        let callback = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let visible = entries.iter().any(|entry| {
                entry
                    .dyn_into::<IntersectionObserverEntry>()
                    .is_ok_and(|e| e.is_intersecting())
            });
            if visible {
                load(&target, locale);
            }
        });
        if let Ok(observer) = IntersectionObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(&element);
        }
        callback.forget();
    }

    pub fn follow(ev: leptos::ev::MouseEvent, locale: Locale) {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if target.closest("a[rel=next]").ok().flatten().is_none() {
            return;
        }
        let Some(root) = target.closest(".more-loader").ok().flatten() else {
            return;
        };
        ev.prevent_default();
        load(&root, locale);
    }

    fn load(root: &Element, locale: Locale) {
        if LOADING.get() {
            return;
        }
        let Some(link) = next_link(root) else {
            return;
        };
        let href = link.href();
        let separator = if href.contains('?') { '&' } else { '?' };
        let url = format!("{href}{separator}{}=1", TimelineField::Fragment);
        let Ok(request) = XmlHttpRequest::new() else {
            return;
        };
        if request.open("GET", &url).is_err() {
            return;
        }
        LOADING.set(true);
        link.set_text_content(Some(td_string!(locale, timeline.results.loading)));
        let done_request = request.clone();
        let done_root = root.clone();
        let on_load = Closure::<dyn Fn()>::new(move || {
            LOADING.set(false);
            let ok = done_request.status().is_ok_and(|s| s == 200);
            let list = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("timeline"));
            match (ok, list, done_request.response_text().ok().flatten()) {
                (true, Some(list), Some(cards)) => {
                    let _ = list.insert_adjacent_html("beforeend", &cards);
                    let next = done_request
                        .get_response_header("x-next-page")
                        .ok()
                        .flatten();
                    match (next, next_link(&done_root)) {
                        (Some(next), Some(link)) => {
                            link.set_href(&next);
                            link.set_text_content(Some(td_string!(locale, timeline.results.more)));
                        }
                        _ => done_root.remove(),
                    }
                }
                // Anything unexpected: let the link work as a plain link.
                _ => {
                    if let Some(link) = next_link(&done_root) {
                        link.set_text_content(Some(td_string!(locale, timeline.results.more)));
                    }
                }
            }
        });
        request.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        if request.send().is_err() {
            LOADING.set(false);
        }
    }
}
