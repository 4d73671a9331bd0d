//! What a page shows of one recording: its view type and its figure (what it is about, who
//! asked the questions when they agreed, and a native `<audio controls>` player when the voice
//! may be heard — it works without JavaScript and seeks with HTTP range requests).

use crate::domain::RecordingId;
use crate::locale::Locale;
use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use serde::{Deserialize, Serialize};

/// Where a recording is in its processing, as pages tell it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordingStage {
    #[default]
    Processing,
    Ready,
    /// Refused while decoding, or given up: moderators see why.
    Failed,
}

/// One recording as a page shows it. `audio_src` is `None` unless it is ready and the listener
/// may hear the voice (the public only when the narrator agreed): then only its transcript (if
/// any) is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingView {
    pub stage: RecordingStage,
    pub summary: Option<String>,
    /// Shown only when the interviewer agreed (or to moderators).
    pub interviewer: Option<String>,
    pub duration_ms: Option<u32>,
    pub audio_src: Option<String>,
    /// The access copy's size in bytes, for feeds (`enclosure` length).
    pub audio_bytes: Option<u64>,
    /// The WebVTT download, when there is a transcript.
    pub vtt_href: Option<String>,
    /// The transcript (WebVTT) and the index (its editable text form), as stored.
    pub transcript: Option<String>,
    pub index_text: Option<String>,
}

impl RecordingView {
    /// Whole minutes, at least 1, for badges ("recording · 12 min").
    pub fn minutes(&self) -> Option<u32> {
        self.duration_ms.map(|ms| (ms / 60_000).max(1))
    }
}

/// A recording with its row id, as its contributor and moderators list it (to remove it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnRecording {
    pub id: RecordingId,
    pub view: RecordingView,
}

#[component]
pub fn RecordingFigure(locale: Locale, title: String, recording: RecordingView) -> impl IntoView {
    let interviewer = recording.interviewer.clone().map(|name| {
        view! { <p class="recording-interviewer">{td_string!(locale, timeline.recording.interviewer, name).to_string()}</p> }
    });
    let note = |text: &'static str| view! { <p class="hint">{text}</p> }.into_any();
    let player = match (recording.stage, &recording.audio_src) {
        (RecordingStage::Ready, Some(src)) => view! {
            <audio class="recording-player" controls preload="metadata" src=src.clone()></audio>
            <p class="hint"><a href=src.clone() download="">{td!(locale, timeline.recording.download)}</a></p>
        }
        .into_any(),
        (RecordingStage::Ready, None) => note(td_string!(locale, timeline.recording.private_voice)),
        (RecordingStage::Processing, _) => note(td_string!(locale, timeline.recording.processing)),
        (RecordingStage::Failed, _) => note(td_string!(locale, timeline.recording.failed)),
    };
    view! {
        <figure class="recording">
            <figcaption>
                <h3>{title}</h3>
                {recording.summary.clone().map(|s| view! { <p>{s}</p> })}
                {interviewer}
            </figcaption>
            {player}
        </figure>
    }
}
