//! The player island around the panel. A time link seeks the panel's `<audio>` and plays
//! (instead of opening the recording on its own); while it plays, the cue and the index segment
//! being heard are marked (`is-current`, `aria-current="true"`). The page is never scrolled: a
//! reader scrolling the transcript stays where they are.

use leptos::prelude::*;

#[island]
pub fn TranscriptPlayer(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(element) = root.get() {
            // Tests (and styles) can tell that clicks now seek in the page.
            let _ = element.set_attribute("data-hydrated", "true");
            client::follow(element);
        }
    });
    view! {
        <div node_ref=root class="transcript-player" on:click=client::seek>
            {children()}
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
mod client {
    pub fn seek(_: leptos::ev::MouseEvent) {}
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::wasm_bindgen::{JsCast, closure::Closure};
    use std::cell::Cell;
    use web_sys::{Element, HtmlMediaElement, MouseEvent};

    const CURRENT: &str = "is-current";

    /// A cue or index segment and its times in seconds, from its `data-*-ms` attributes.
    struct Mark {
        start: f64,
        end: Option<f64>,
        element: Element,
    }

    fn seconds(element: &Element, name: &str) -> Option<f64> {
        let ms = element.get_attribute(name)?.parse::<f64>().ok()?;
        Some(ms / 1000.0)
    }

    fn marks(root: &Element, selector: &str) -> Vec<Mark> {
        let Ok(list) = root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .filter_map(|element| {
                Some(Mark {
                    start: seconds(&element, "data-start-ms")?,
                    end: seconds(&element, "data-end-ms"),
                    element,
                })
            })
            .collect()
    }

    fn audio(root: &Element) -> Option<HtmlMediaElement> {
        root.query_selector("audio").ok()??.dyn_into().ok()
    }

    /// Marks what is heard as the recording plays or is moved.
    pub fn follow(root: web_sys::HtmlDivElement) {
        let root: Element = root.into();
        let Some(audio) = audio(&root) else {
            return;
        };
        let cues = marks(&root, ".cue");
        let segments = marks(&root, ".index-segment");
        let (shown_cue, shown_segment) = (Cell::new(None), Cell::new(None));
        let media = audio.clone();
        let on_time = Closure::<dyn Fn()>::new(move || {
            let now = media.current_time();
            show(&cues, heard(&cues, now), &shown_cue);
            show(&segments, heard(&segments, now), &shown_segment);
        });
        for event in ["timeupdate", "seeked"] {
            let _ = audio.add_event_listener_with_callback(event, on_time.as_ref().unchecked_ref());
        }
        on_time.forget();
    }

    /// The last mark started at `now`, unless it has ended (starts ascend).
    fn heard(marks: &[Mark], now: f64) -> Option<usize> {
        let i = marks.partition_point(|m| m.start <= now).checked_sub(1)?;
        marks[i].end.is_none_or(|end| now < end).then_some(i)
    }

    fn show(marks: &[Mark], now: Option<usize>, shown: &Cell<Option<usize>>) {
        let before = shown.replace(now);
        if before == now {
            return;
        }
        if let Some(mark) = before.and_then(|i| marks.get(i)) {
            let _ = mark.element.class_list().remove_1(CURRENT);
            let _ = mark.element.remove_attribute("aria-current");
        }
        if let Some(mark) = now.and_then(|i| marks.get(i)) {
            let _ = mark.element.class_list().add_1(CURRENT);
            let _ = mark.element.set_attribute("aria-current", "true");
        }
    }

    /// A plain click on a time link plays from there; other clicks (a new tab, a download)
    /// keep the link's own meaning.
    pub fn seek(ev: MouseEvent) {
        if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Some(link) = target.closest("a[data-seek-ms]").ok().flatten() else {
            return;
        };
        let Some(at) = seconds(&link, "data-seek-ms") else {
            return;
        };
        let Some(audio) = link
            .closest(".transcript-player")
            .ok()
            .flatten()
            .and_then(|root| audio(&root))
        else {
            return;
        };
        ev.prevent_default();
        audio.set_current_time(at);
        let _ = audio.play();
    }
}
