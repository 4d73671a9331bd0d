//! The server-rendered panel: the player, the index and the transcript. Without JavaScript each
//! time is a link to the recording at that moment (a media fragment, `#t=65.25`: the browser
//! opens the audio there); with it, `TranscriptPlayer` seeks the page's player instead and
//! follows the playback. A private recording (no `audio_src`) shows no player, and its times
//! as plain text.

use super::player::TranscriptPlayer;
use crate::domain::transcript::{Cue, Index, IndexSegment, Transcript, clock};
use crate::locale::Locale;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// The address of the recording at `ms`: `{audio_src}#t={seconds}`, with up to three decimals.
pub fn media_fragment(audio_src: &str, ms: u32) -> String {
    let (seconds, fraction) = (ms / 1000, ms % 1000);
    if fraction == 0 {
        return format!("{audio_src}#t={seconds}");
    }
    let fraction = format!("{fraction:03}");
    format!("{audio_src}#t={seconds}.{}", fraction.trim_end_matches('0'))
}

/// One recording's player, index and transcript. Pages that show it with `audio_src` load the
/// islands (`PageMeta::islands`).
#[component]
pub fn TranscriptPanel(
    locale: Locale,
    /// The public recording; `None` when the voice is private: no player, times as plain text.
    audio_src: Option<String>,
    duration_ms: u32,
    transcript: Option<Transcript>,
    index: Option<Index>,
    /// The transcript as a WebVTT file, offered for download.
    vtt_href: Option<String>,
) -> impl IntoView {
    let with_player = audio_src.is_some();
    let body = move || {
        view! {
            <PanelBody locale audio_src duration_ms transcript index vtt_href />
        }
    };
    if with_player {
        Either::Left(view! { <TranscriptPlayer>{body()}</TranscriptPlayer> })
    } else {
        Either::Right(body())
    }
}

#[component]
fn PanelBody(
    locale: Locale,
    audio_src: Option<String>,
    duration_ms: u32,
    transcript: Option<Transcript>,
    index: Option<Index>,
    vtt_href: Option<String>,
) -> impl IntoView {
    let time = clock(duration_ms);
    let player = audio_src.clone().map(|src| {
        view! {
            <audio
                class="transcript-audio"
                controls
                preload="metadata"
                src=src
                aria-label=td_string!(locale, transcript.panel.recording)
            >
                {td!(locale, transcript.panel.audio_fallback)}
            </audio>
        }
    });
    let audio = audio_src.as_deref();
    let index = index
        .filter(|i| !i.segments.is_empty())
        .map(|i| index_view(locale, audio, i.segments));
    let transcript = transcript
        .filter(|t| !t.cues.is_empty())
        .map(|t| transcript_view(locale, audio, t.cues));
    let download = vtt_href.map(|href| {
        view! {
            <p class="transcript-download">
                <a href=href download="">{td!(locale, transcript.panel.download_vtt)}</a>
            </p>
        }
    });
    view! {
        <div class="transcript-panel">
            {player}
            <p class="recording-length">
                {td_string!(locale, transcript.panel.length, time).to_string()}
            </p>
            {index}
            {transcript}
            {download}
        </div>
    }
}

/// A time: a link to that moment of the recording, or plain text when it is private.
fn time_link(locale: Locale, audio_src: Option<&str>, ms: u32) -> impl IntoView + use<> {
    let time = clock(ms);
    match audio_src {
        Some(src) => {
            let label = td_string!(locale, transcript.panel.play_from, time = time.clone());
            Either::Left(view! {
                <a
                    class="seek"
                    href=media_fragment(src, ms)
                    data-seek-ms=ms.to_string()
                    aria-label=label.to_string()
                >
                    {time}
                </a>
            })
        }
        None => Either::Right(view! { <span class="seek">{time}</span> }),
    }
}

fn index_view(
    locale: Locale,
    audio_src: Option<&str>,
    segments: Vec<IndexSegment>,
) -> impl IntoView + use<> {
    let items = segments
        .into_iter()
        .map(|segment| segment_view(locale, audio_src, segment))
        .collect_view();
    let heading = td_string!(locale, transcript.panel.index_heading);
    view! {
        <nav class="transcript-index" aria-label=heading>
            <h2>{heading}</h2>
            <ol class="segments">{items}</ol>
        </nav>
    }
}

fn segment_view(
    locale: Locale,
    audio_src: Option<&str>,
    segment: IndexSegment,
) -> impl IntoView + use<> {
    let keywords = (!segment.keywords.is_empty()).then(|| {
        let items = segment
            .keywords
            .into_iter()
            .map(|keyword| view! { <li>{keyword}</li> })
            .collect_view();
        view! {
            <div class="segment-keywords">
                <span>{td!(locale, transcript.panel.keywords)}</span>
                <ul>{items}</ul>
            </div>
        }
    });
    let summary = segment
        .summary
        .map(|summary| view! { <p class="segment-summary">{summary}</p> });
    view! {
        <li class="index-segment" data-start-ms=segment.start_ms.to_string()>
            {time_link(locale, audio_src, segment.start_ms)}
            <div class="segment-body">
                <h3 class="segment-title">{segment.title}</h3>
                {keywords}
                {summary}
            </div>
        </li>
    }
}

fn transcript_view(
    locale: Locale,
    audio_src: Option<&str>,
    cues: Vec<Cue>,
) -> impl IntoView + use<> {
    let items = cues
        .into_iter()
        .map(|cue| cue_view(locale, audio_src, cue))
        .collect_view();
    view! {
        <section class="transcript">
            <h2>{td!(locale, transcript.panel.heading)}</h2>
            <ol class="cues">{items}</ol>
        </section>
    }
}

fn cue_view(locale: Locale, audio_src: Option<&str>, cue: Cue) -> impl IntoView + use<> {
    let speaker = cue.speaker.map(|name| {
        let name = td_string!(locale, transcript.panel.speaker, name).to_string();
        view! { <b class="cue-speaker">{name}</b> " " }
    });
    view! {
        <li
            class="cue"
            data-start-ms=cue.start_ms.to_string()
            data-end-ms=cue.end_ms.to_string()
        >
            {time_link(locale, audio_src, cue.start_ms)}
            <p class="cue-text">{speaker}{cue.text}</p>
        </li>
    }
}

// Rendering attributes to HTML needs the `ssr` feature (`cargo test --workspace` has it).
#[cfg(all(test, feature = "ssr"))]
mod tests;
