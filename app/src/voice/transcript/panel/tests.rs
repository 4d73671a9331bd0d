//! Server rendering of the panel: hostile text stays text, times link into the recording, a
//! private recording has no player.

use super::*;

const HOUR: u32 = 3_600_000;
const AUDIO: &str = "/media/voice/abc.mp3";

/// A script start tag, built at run time: no source file may hold a raw-text element
/// (ui::text_area::tests).
fn script() -> String {
    format!("<{}>", "script")
}

fn hostile_transcript() -> Transcript {
    let s = script();
    let input = format!(
        "[0:00 {s}\"'&amp;] {s}alert(1)</p> -->\n\"quoted\" & more\n[1:05.250] 第二段 <b>bold</b>"
    );
    Transcript::parse(&input, HOUR).expect("a valid transcript")
}

fn hostile_index() -> Index {
    let s = script();
    let input = format!("0:00 {s}title\"\nkeywords: {s}k, <i>\n{s}summary\n\n12:30 下一段");
    Index::parse(&input, HOUR).expect("a valid index")
}

fn body(audio_src: Option<&str>, vtt_href: Option<&str>) -> String {
    let (transcript, index) = (hostile_transcript(), hostile_index());
    let (audio_src, vtt_href) = (audio_src.map(str::to_owned), vtt_href.map(str::to_owned));
    Owner::new().with(|| {
        view! {
            <PanelBody
                locale=Locale::en
                audio_src
                duration_ms=HOUR
                transcript=Some(transcript)
                index=Some(index)
                vtt_href
            />
        }
        .to_html()
    })
}

#[test]
fn hostile_text_is_escaped() {
    let html = body(Some(AUDIO), None);
    assert!(!html.contains("<scr"), "{html}");
    assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
    assert!(!html.contains("-->"), "{html}");
    for text in [
        "&lt;script&gt;alert(1)&lt;/p&gt; --&gt;",
        "&lt;script&gt;title",
        "&lt;script&gt;k",
        "&lt;script&gt;summary",
        "第二段 &lt;b&gt;bold&lt;/b&gt;",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    // The speaker, with its quote and ampersand, is text too.
    assert!(html.contains("&lt;script&gt;\"'&amp;amp;:"), "{html}");
}

#[test]
fn times_link_into_the_recording() {
    let html = body(Some(AUDIO), Some("/stories/1/recordings/1.vtt"));
    assert!(
        html.contains(r#"<audio controls preload="metadata" src="/media/voice/abc.mp3""#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/media/voice/abc.mp3#t=0""#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"href="/media/voice/abc.mp3#t=65.25" data-seek-ms="65250" aria-label="Play from 1:05" class="seek">1:05</a>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/media/voice/abc.mp3#t=750""#),
        "{html}"
    );
    assert!(
        html.contains(r#"data-start-ms="65250" data-end-ms="3600000""#),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/stories/1/recordings/1.vtt" download="">Download the transcript (WebVTT)</a>"#), "{html}");
    assert!(html.contains("Length: 1:00:00"), "{html}");
}

#[test]
fn a_private_recording_has_no_player_and_no_links() {
    let html = body(None, None);
    assert!(!html.contains("<audio"), "{html}");
    assert!(!html.contains("#t="), "{html}");
    assert!(!html.contains("<a "), "{html}");
    assert!(html.contains(r#"<span class="seek">1:05</span>"#), "{html}");
    // The same through the panel: no player, so no island either.
    let html = Owner::new().with(|| {
        view! {
            <TranscriptPanel
                locale=Locale::zh_CN
                audio_src=None
                duration_ms=HOUR
                transcript=Some(hostile_transcript())
                index=None
                vtt_href=None
            />
        }
        .to_html()
    });
    assert!(
        !html.contains("<audio") && !html.contains("island"),
        "{html}"
    );
    assert!(
        html.contains("文字稿") && html.contains("时长：1:00:00"),
        "{html}"
    );
    assert!(!html.contains("<scr"), "{html}");
}

#[test]
fn nothing_to_show_but_the_player() {
    let html = Owner::new().with(|| {
        view! {
            <PanelBody
                locale=Locale::en
                audio_src=Some(AUDIO.to_owned())
                duration_ms=90_000
                transcript=None
                index=Some(Index::default())
                vtt_href=None
            />
        }
        .to_html()
    });
    assert!(html.contains("<audio"), "{html}");
    assert!(!html.contains("<nav") && !html.contains("<ol"), "{html}");
}

#[test]
fn media_fragments_name_seconds() {
    assert_eq!(media_fragment("/a.mp3", 0), "/a.mp3#t=0");
    assert_eq!(media_fragment("/a.mp3", 65_000), "/a.mp3#t=65");
    assert_eq!(media_fragment("/a.mp3", 65_250), "/a.mp3#t=65.25");
    assert_eq!(media_fragment("/a.mp3", 65_001), "/a.mp3#t=65.001");
    assert_eq!(media_fragment("/a.mp3", 3_600_500), "/a.mp3#t=3600.5");
}
