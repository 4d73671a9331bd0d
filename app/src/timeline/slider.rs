//! The then/now comparison. Without JavaScript the two photos stand side by side; once the
//! island hydrates they are stacked and a range input (keyboard: arrows, Page Up/Down, Home,
//! End) reveals one over the other. The range input carries the label and a spoken value.

use crate::locale::Locale;
use leptos::prelude::*;
use leptos_i18n::td_string;

#[island]
pub fn CompareSlider(locale: Locale, label: String, children: Children) -> impl IntoView {
    let (split, set_split) = signal(50u8);
    let (enhanced, set_enhanced) = signal(false);
    Effect::new(move |_| set_enhanced.set(true));
    let value_text = move || {
        let percent = split.get();
        td_string!(locale, timeline.story.compare_value, percent).to_string()
    };
    view! {
        <div
            class=move || if enhanced.get() { "compare enhanced" } else { "compare" }
            style=move || format!("--split:{}%", split.get())
            data-enhanced=move || enhanced.get().then_some("true")
        >
            {children()}
            <div class="compare-control" hidden=move || !enhanced.get()>
                <input
                    type="range"
                    min="0"
                    max="100"
                    step="1"
                    prop:value=move || split.get().to_string()
                    aria-label=label
                    aria-valuetext=value_text
                    on:input=move |ev| set_split.set(event_target_value(&ev).parse().unwrap_or(50))
                />
            </div>
        </div>
    }
}
