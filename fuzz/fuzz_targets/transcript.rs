//! Transcripts and indexes as typed or pasted (`Transcript::parse`, `Index::parse`, and
//! interview markers through `Index::from_markers`): reading never panics, what is read keeps
//! every rule, and reads back the same from each of its written forms (WebVTT and the simple
//! form) unless that form is over the input limit (escaping lengthens text).
//!
//! Input: the recording's length in milliseconds as 3 little-endian bytes (up to about 4.6
//! hours), then the text.
#![no_main]

#[path = "alloc_guard.rs"]
mod alloc_guard;

use app::domain::InterviewMarkers;
use app::domain::transcript::{Index, Transcript, TranscriptError, TranscriptProblem, limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&[a, b, c], text)) = data.split_first_chunk::<3>() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let duration_ms = u32::from_le_bytes([a, b, c, 0]);
    check_transcript(text, duration_ms);
    check_index(text, duration_ms);
    check_markers(text, duration_ms);
});

fn check_transcript(text: &str, duration_ms: u32) {
    let Ok(transcript) = Transcript::parse(text, duration_ms) else {
        return;
    };
    check_cues(&transcript, duration_ms);
    let _ = transcript.plain_text();
    let vtt = transcript.to_vtt();
    assert_eq!(vtt.matches("-->").count(), transcript.cues.len(), "{vtt}");
    assert!(!vtt.contains("\n\n\n"), "{vtt}");
    reads_back(Transcript::parse(&vtt, duration_ms), &transcript, &vtt);
    let editable = transcript.to_editable(duration_ms);
    reads_back(
        Transcript::parse(&editable, duration_ms),
        &transcript,
        &editable,
    );
}

fn check_cues(transcript: &Transcript, duration_ms: u32) {
    let cues = &transcript.cues;
    assert!(!cues.is_empty() && cues.len() <= limits::CUES);
    for pair in cues.windows(2) {
        assert!(pair[0].start_ms < pair[1].start_ms, "{pair:?}");
    }
    for cue in cues {
        assert!(
            cue.start_ms < cue.end_ms && cue.end_ms <= duration_ms,
            "{cue:?}"
        );
        let chars = cue.text.chars().count();
        assert!(chars > 0 && chars <= limits::CUE_TEXT, "{cue:?}");
        assert!(
            cue.text
                .split('\n')
                .all(|line| line.trim() == line && !line.is_empty())
        );
        assert!(!cue.text.contains(|c: char| c.is_control() && c != '\n'));
        if let Some(speaker) = &cue.speaker {
            let chars = speaker.chars().count();
            assert!(chars > 0 && chars <= limits::SPEAKER, "{cue:?}");
            assert!(!speaker.contains(['[', ']', '【', '】']) && !speaker.contains("  "));
        }
    }
}

/// The same value again, or, only for a written form past the input limit, that refusal.
fn reads_back<T: PartialEq + std::fmt::Debug>(
    again: Result<T, TranscriptError>,
    original: &T,
    written: &str,
) {
    match again {
        Ok(value) => assert_eq!(&value, original, "{written}"),
        Err(TranscriptError {
            line: None,
            problem: TranscriptProblem::TooLong { .. },
        }) => {}
        Err(error) => panic!("{error:?} reading back {written:?} from {original:?}"),
    }
}

fn check_index(text: &str, duration_ms: u32) {
    let Ok(index) = Index::parse(text, duration_ms) else {
        return;
    };
    check_segments(&index, duration_ms);
    let editable = index.to_editable();
    reads_back(Index::parse(&editable, duration_ms), &index, &editable);
}

fn check_segments(index: &Index, duration_ms: u32) {
    let segments = &index.segments;
    assert!(!segments.is_empty() && segments.len() <= limits::SEGMENTS);
    for pair in segments.windows(2) {
        assert!(pair[0].start_ms < pair[1].start_ms);
    }
    for segment in segments {
        assert!(segment.start_ms < duration_ms);
        let title = segment.title.chars().count();
        assert!(title > 0 && title <= limits::TITLE && !segment.title.contains('\n'));
        assert!(segment.keywords.len() <= limits::KEYWORDS);
        for keyword in &segment.keywords {
            let chars = keyword.chars().count();
            assert!(chars > 0 && chars <= limits::KEYWORD, "{keyword:?}");
        }
        if let Some(summary) = &segment.summary {
            let chars = summary.chars().count();
            assert!(chars > 0 && chars <= limits::SUMMARY);
        }
    }
}

/// Interview mode's markers make an index that reads back from its written form.
fn check_markers(text: &str, duration_ms: u32) {
    let Ok(markers) = InterviewMarkers::parse(text) else {
        return;
    };
    let markers = markers.within(duration_ms);
    let index = Index::from_markers(markers.as_slice(), |prompt| {
        format!(
            "问题 {}\n{}",
            prompt.get(),
            "长".repeat(usize::from(prompt.get()) * 20)
        )
    });
    if index.segments.is_empty() {
        return;
    }
    check_segments(&index, duration_ms);
    let editable = index.to_editable();
    reads_back(Index::parse(&editable, duration_ms), &index, &editable);
}
