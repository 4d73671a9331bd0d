//! The recordings of a story on its public page: what each is about, who asked the questions
//! (when they agreed), a native `<audio controls>` player (it works without JavaScript and seeks
//! with HTTP range requests) when the narrator agreed that their voice is heard, and its
//! transcript. A recording whose voice stays private shows only its transcript.

use crate::locale::Locale;
use crate::media::{RecordingFigure, RecordingStage, RecordingView};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

#[component]
pub fn StoryRecordings(locale: Locale, recordings: Vec<RecordingView>) -> impl IntoView {
    let shown: Vec<RecordingView> = recordings
        .into_iter()
        .filter(|r| {
            r.stage == RecordingStage::Ready && (r.audio_src.is_some() || r.transcript.is_some())
        })
        .collect();
    (!shown.is_empty()).then(|| {
        let count = shown.len();
        let items = shown
            .into_iter()
            .enumerate()
            .map(|(i, recording)| {
                let title = recording_title(locale, i + 1, count, &recording);
                view! { <RecordingFigure locale title recording /> }
            })
            .collect_view();
        view! {
            <section class="recordings" aria-labelledby="recordings-heading">
                <h2 id="recordings-heading">{td!(locale, timeline.recording.heading)}</h2>
                {items}
            </section>
        }
    })
}

/// "Recording · 12 min", numbered when the story has two.
fn recording_title(
    locale: Locale,
    number: usize,
    count: usize,
    recording: &RecordingView,
) -> String {
    match (count, recording.length().map(|l| l.label(locale))) {
        (1, Some(length)) => td_string!(locale, timeline.recording.one, length).to_string(),
        (_, Some(length)) => {
            td_string!(locale, timeline.recording.numbered, number, length).to_string()
        }
        (_, None) => td_string!(locale, timeline.recording.untimed, number).to_string(),
    }
}
