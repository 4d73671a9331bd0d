//! What a page shows of one recording: its view type and its figure (what it is about, who
//! asked the questions when they agreed, and a native `<audio controls>` player when the voice
//! may be heard — it works without JavaScript and seeks with HTTP range requests).

use crate::domain::transcript::{Index, Transcript};
use crate::domain::{RecordingId, StoryVersion};
use crate::locale::Locale;
use crate::voice::transcript::{TranscriptForm, TranscriptPanel};
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
    /// For titles and badges ("recording · 12 min", "recording · 36 s").
    pub fn length(&self) -> Option<SpokenLength> {
        self.duration_ms
            .map(|ms| SpokenLength::of_ms(u64::from(ms)))
    }
}

/// A recording's length as people say it: seconds under a minute, else minutes, rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpokenLength {
    Seconds(u32),
    Minutes(u32),
}

impl SpokenLength {
    pub fn of_ms(ms: u64) -> SpokenLength {
        let rounded = |unit: u64| u32::try_from((ms + unit / 2) / unit).unwrap_or(u32::MAX);
        match rounded(1_000) {
            seconds @ 0..60 => SpokenLength::Seconds(seconds.max(1)),
            _ => SpokenLength::Minutes(rounded(60_000)),
        }
    }

    /// "36 秒", "12 分钟"; "36 s", "12 min".
    pub fn label(self, locale: Locale) -> String {
        match self {
            SpokenLength::Seconds(seconds) => {
                td_string!(locale, timeline.recording.seconds, seconds).to_string()
            }
            SpokenLength::Minutes(minutes) => {
                td_string!(locale, timeline.recording.minutes, minutes).to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SpokenLength::{self, Minutes, Seconds};

    #[test]
    fn under_a_minute_is_told_in_seconds_and_longer_in_rounded_minutes() {
        let cases = [
            (0, Seconds(1)),
            (400, Seconds(1)),
            (36_400, Seconds(36)),
            (59_499, Seconds(59)),
            (59_500, Minutes(1)),
            (89_999, Minutes(1)),
            (90_000, Minutes(2)),
            (12 * 60_000 + 10_000, Minutes(12)),
            (3_600_000, Minutes(60)),
        ];
        for (ms, told) in cases {
            assert_eq!(SpokenLength::of_ms(ms), told, "{ms} ms");
        }
    }
}

impl RecordingView {
    /// Whether a page showing it needs the islands (the transcript player follows the audio).
    pub fn needs_islands(&self) -> bool {
        self.stage == RecordingStage::Ready && self.audio_src.is_some()
    }
}

/// A recording with its row id, as its contributor and moderators list it (to remove it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnRecording {
    pub id: RecordingId,
    pub view: RecordingView,
}

impl OwnRecording {
    /// The form that edits its transcript and index once it is ready (its length known): the
    /// refused one again when it is this recording's, else its stored texts.
    pub fn transcript_form(
        &self,
        action: String,
        version: Option<StoryVersion>,
        refused: Option<&TranscriptForm>,
    ) -> Option<TranscriptForm> {
        if let Some(form) = refused.filter(|form| form.recording == self.id) {
            return Some(form.clone());
        }
        let duration_ms = self
            .view
            .duration_ms
            .filter(|_| self.view.stage == RecordingStage::Ready)?;
        Some(TranscriptForm::stored(
            self.id,
            action,
            version,
            duration_ms,
            self.view.transcript.as_deref(),
            self.view.index_text.as_deref(),
        ))
    }
}

#[component]
pub fn RecordingFigure(locale: Locale, title: String, recording: RecordingView) -> impl IntoView {
    let interviewer = recording.interviewer.clone().map(|name| {
        view! { <p class="recording-interviewer">{td_string!(locale, timeline.recording.interviewer, name).to_string()}</p> }
    });
    let note = |text: &'static str| view! { <p class="hint">{text}</p> }.into_any();
    let duration_ms = recording.duration_ms.unwrap_or(0);
    let transcript = recording
        .transcript
        .as_deref()
        .and_then(|vtt| Transcript::parse(vtt, duration_ms).ok());
    let index = recording
        .index_text
        .as_deref()
        .and_then(|text| Index::parse(text, duration_ms).ok());
    let player = match recording.stage {
        RecordingStage::Ready if recording.audio_src.is_none() && transcript.is_none() => {
            note(td_string!(locale, timeline.recording.private_voice))
        }
        RecordingStage::Ready => {
            let download = recording.audio_src.clone().map(|src| view! {
                <p class="hint"><a href=src download="">{td!(locale, timeline.recording.download)}</a></p>
            });
            view! {
                <TranscriptPanel locale audio_src=recording.audio_src.clone() duration_ms transcript
                    index vtt_href=recording.vtt_href.clone() />
                {download}
            }
            .into_any()
        }
        RecordingStage::Processing => note(td_string!(locale, timeline.recording.processing)),
        RecordingStage::Failed => note(td_string!(locale, timeline.recording.failed)),
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
