//! Both forms, every limit at and past its edge, round trips and hostile input.

use super::TranscriptProblem::{self, *};
use super::limits;
use super::{Counted, Cue, Index, IndexSegment, TextPart, Transcript, TranscriptError};
use crate::domain::{InterviewMarkers, PromptNumber};

const HOUR: u32 = 3_600_000;
/// A script start tag, built at run time: no source file may hold a raw-text element
/// (ui::text_area::tests).
fn script_tag() -> String {
    format!("<{}>", "script")
}

fn parse(input: &str) -> Result<Transcript, TranscriptError> {
    Transcript::parse(input, HOUR)
}

fn refused(input: &str, duration_ms: u32) -> (Option<usize>, TranscriptProblem) {
    let error = Transcript::parse(input, duration_ms).expect_err(input);
    (error.line, error.problem)
}

fn cue(start_ms: u32, end_ms: u32, speaker: Option<&str>, text: &str) -> Cue {
    Cue {
        start_ms,
        end_ms,
        speaker: speaker.map(str::to_owned),
        text: text.to_owned(),
    }
}

/// Every transcript that parses reads back the same from both of its written forms.
fn assert_round_trips(transcript: &Transcript, duration_ms: u32) {
    let vtt = transcript.to_vtt();
    assert_eq!(
        Transcript::parse(&vtt, duration_ms).as_ref(),
        Ok(transcript),
        "{vtt}"
    );
    let editable = transcript.to_editable(duration_ms);
    assert_eq!(
        Transcript::parse(&editable, duration_ms).as_ref(),
        Ok(transcript),
        "{editable}"
    );
}

#[test]
fn reads_webvtt() {
    let input = "\u{FEFF}WEBVTT - 渡口\nKind: captions\n\nNOTE written by a volunteer\nacross lines\n\nSTYLE\n::cue { color: red }\n\n1\n00:00:00.000 --> 00:00:04.500 align:start position:10%\n<v 王阿姨>那时候渡口还在，\n<i>每天</i>早上&amp;晚上\n\nintro-2\n00:04.500 --> 00:09.000\n<v.loud Old Zhou>Tom &lt;3 &gt; &nbsp;x&lrm;</v>\n";
    let transcript = parse(input).unwrap();
    assert_eq!(
        transcript.cues,
        vec![
            cue(0, 4_500, Some("王阿姨"), "那时候渡口还在，\n每天早上&晚上"),
            cue(4_500, 9_000, Some("Old Zhou"), "Tom <3 > \u{A0}x\u{200E}"),
        ]
    );
    assert_round_trips(&transcript, HOUR);
}

#[test]
fn webvtt_details() {
    // Carriage returns, a header alone, tabs between the timings, unknown entities kept,
    // timestamp tags dropped, an unterminated tag dropping the rest of its line.
    let input = "WEBVTT\r\n\r\n00:01.000\t-->\t00:02.000\r\n&copy; a<00:01.500>b <c.x\r\n";
    let transcript = parse(input).unwrap();
    assert_eq!(transcript.cues, vec![cue(1_000, 2_000, None, "&copy; ab")]);
    // A cue line holding `-->` starts the next cue.
    let input = "WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:02.000 --> 00:03.000\nb";
    assert_eq!(parse(input).unwrap().cues.len(), 2);
    // Gaps and overlaps between cues are kept as they are.
    let input = "WEBVTT\n\n00:01.000 --> 00:05.000\na\n\n00:02.000 --> 00:03.000\nb\n\n00:10.000 --> 00:11.000\nc";
    let transcript = parse(input).unwrap();
    assert_eq!(transcript.cues[0].end_ms, 5_000);
    assert_round_trips(&transcript, 20_000);
    // `WEBVTTX` is not WebVTT: the simple form reads it as untimed text.
    assert_eq!(
        parse("WEBVTTX").unwrap().cues,
        vec![cue(0, HOUR, None, "WEBVTTX")]
    );
}

#[test]
fn webvtt_refusals() {
    let cases: [(&str, usize, TranscriptProblem); 6] = [
        ("WEBVTT\n\n00:01.000 -> 00:02.000\nx", 3, MissingTiming),
        ("WEBVTT\n\nid\nnot a timing\nx", 3, MissingTiming),
        ("WEBVTT\n\n00:01.000 --> 00:02.00\nx", 3, InvalidTime),
        ("WEBVTT\n\n1:01.000 --> 1:02.000\nx", 3, InvalidTime),
        ("WEBVTT\n\n00:02.000 --> 00:01.000\nx", 3, EndNotAfterStart),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n\n00:03.000 --> 00:04.000\nx",
            3,
            EmptyCue,
        ),
    ];
    for (input, line, problem) in cases {
        assert_eq!(refused(input, HOUR), (Some(line), problem), "{input}");
    }
    assert_eq!(refused("WEBVTT\n\nNOTE only", HOUR), (None, Empty));
    assert_eq!(
        refused("WEBVTT\n\nlonely id", HOUR),
        (Some(3), MissingTiming)
    );
}

#[test]
fn reads_the_simple_form() {
    let input = "[0:00 王阿姨] 那时候渡口还在，\n每天早上六点第一班船。\n\n1:05后来修了隧道\n\n【1：30-1：40】 \\10:30 we left\n\\\\back\n01:02:03.5 end";
    let transcript = Transcript::parse(input, 2 * HOUR).unwrap();
    assert_eq!(
        transcript.cues,
        vec![
            cue(
                0,
                65_000,
                Some("王阿姨"),
                "那时候渡口还在，\n每天早上六点第一班船。"
            ),
            cue(65_000, 90_000, None, "后来修了隧道"),
            cue(90_000, 100_000, None, "\\10:30 we left\n\\back"),
            cue(3_723_500, 2 * HOUR, None, "end"),
        ]
    );
    assert_round_trips(&transcript, 2 * HOUR);
    assert_eq!(
        transcript.to_editable(2 * HOUR),
        "[0:00 王阿姨] 那时候渡口还在，\n每天早上六点第一班船。\n\n[1:05] 后来修了隧道\n\n[1:30-1:40] \\10:30 we left\n\\\\back\n\n[1:02:03.500] end\n"
    );
}

#[test]
fn text_on_the_lines_after_a_time() {
    let transcript = parse("[0:05 Mrs  Wang]\n  first\n\n  second  \n[0:09]\n\\1:00 said").unwrap();
    assert_eq!(
        transcript.cues,
        vec![
            cue(5_000, 9_000, Some("Mrs Wang"), "first\nsecond"),
            cue(9_000, HOUR, None, "1:00 said"),
        ]
    );
    assert_round_trips(&transcript, HOUR);
}

#[test]
fn untimed_text_is_one_cue_for_the_whole_recording() {
    let transcript = Transcript::parse("\n  我 1990 年来到这里。\n\n后来……\n", 90_000).unwrap();
    assert_eq!(
        transcript.cues,
        vec![cue(0, 90_000, None, "我 1990 年来到这里。\n后来……")]
    );
    assert_eq!(transcript.plain_text(), "我 1990 年来到这里。\n后来……");
    assert_round_trips(&transcript, 90_000);
}

#[test]
fn simple_form_refusals() {
    let cases: [(&str, usize, TranscriptProblem); 10] = [
        ("intro\n0:05 a", 1, TextBeforeFirstTime),
        ("0:05 a\n1:60 b", 2, InvalidTime),
        ("0:05 a\n1:5 b", 2, InvalidTime),
        ("99999999:00 a", 1, InvalidTime),
        ("[0:05 a", 1, Unclosed),
        ("0:05 a\n0:05 b", 2, NotAscending),
        ("0:05 a\n0:04 b", 2, NotAscending),
        ("0:05 a\n0:06", 2, EmptyCue),
        ("[0:05-0:05] a", 1, EndNotAfterStart),
        ("[0:05 [Wang]] a", 1, SpeakerCharacter),
    ];
    for (input, line, problem) in cases {
        assert_eq!(refused(input, HOUR), (Some(line), problem), "{input}");
    }
}

#[test]
fn blank_input_is_empty() {
    for blank in ["", " \n\t\n", "\u{FEFF}", "\u{200B}\n\u{3000}"] {
        assert_eq!(refused(blank, HOUR), (None, Empty), "{blank:?}");
    }
}

#[test]
fn times_stay_within_the_recording() {
    assert_eq!(
        refused("0:10 a", 10_000),
        (Some(1), StartPastEnd { end_ms: 10_000 })
    );
    assert_eq!(
        refused("0:11 a", 10_000),
        (Some(1), StartPastEnd { end_ms: 10_000 })
    );
    assert_eq!(refused("a", 0), (Some(1), StartPastEnd { end_ms: 0 }));
    // The last start just before the end; an end past it is cut to it.
    let transcript = Transcript::parse("[0:09.999-0:30] a", 10_000).unwrap();
    assert_eq!(transcript.cues, vec![cue(9_999, 10_000, None, "a")]);
    let transcript = Transcript::parse("WEBVTT\n\n00:01.000 --> 99:00:00.000\na", 10_000).unwrap();
    assert_eq!(transcript.cues[0].end_ms, 10_000);
    assert_round_trips(&transcript, 10_000);
}

#[test]
fn full_width_digits_and_colons_are_times() {
    let transcript = parse("１：０５ 那时候\n【２:００ 王】后来").unwrap();
    assert_eq!(transcript.cues[0].start_ms, 65_000);
    assert_eq!(transcript.cues[1].start_ms, 120_000);
    assert_eq!(transcript.cues[1].speaker.as_deref(), Some("王"));
}

#[test]
fn whole_input_limit() {
    let at_limit = "字".repeat(limits::TRANSCRIPT_CHARS);
    // Within the size limit, so the cue's own limit speaks.
    assert_eq!(
        refused(&at_limit, HOUR),
        (
            Some(1),
            TooLong {
                part: TextPart::CueText,
                max: limits::CUE_TEXT,
                actual: limits::TRANSCRIPT_CHARS
            }
        )
    );
    let past = "字".repeat(limits::TRANSCRIPT_CHARS + 1);
    assert_eq!(
        refused(&past, HOUR),
        (
            None,
            TooLong {
                part: TextPart::Transcript,
                max: limits::TRANSCRIPT_CHARS,
                actual: limits::TRANSCRIPT_CHARS + 1
            }
        )
    );
}

#[test]
fn cue_count_limit() {
    let cues = |n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "[{}] x\n",
                    super::clock::exact(u32::try_from(i).unwrap() * 100)
                )
            })
            .collect()
    };
    assert_eq!(parse(&cues(limits::CUES)).unwrap().cues.len(), limits::CUES);
    let past = cues(limits::CUES + 1);
    assert_eq!(
        refused(&past, HOUR),
        (
            Some(limits::CUES + 1),
            TooMany {
                part: Counted::Cues,
                max: limits::CUES
            }
        )
    );
}

#[test]
fn cue_text_and_speaker_limits() {
    let at = format!(
        "[0:01 {}] {}",
        "名".repeat(limits::SPEAKER),
        "字".repeat(limits::CUE_TEXT)
    );
    let transcript = parse(&at).unwrap();
    assert_round_trips(&transcript, HOUR);
    // Line breaks count as one character each.
    let lines = format!(
        "0:01 {}\n{}",
        "字".repeat(limits::CUE_TEXT / 2),
        "字".repeat(limits::CUE_TEXT / 2 - 1)
    );
    assert!(parse(&lines).is_ok());
    let lines = format!(
        "0:01 {}\n{}",
        "字".repeat(limits::CUE_TEXT / 2),
        "字".repeat(limits::CUE_TEXT / 2)
    );
    assert_eq!(
        refused(&lines, HOUR),
        (
            Some(1),
            TooLong {
                part: TextPart::CueText,
                max: limits::CUE_TEXT,
                actual: limits::CUE_TEXT + 1
            }
        )
    );
    let speaker = format!("[0:01 {}] x", "名".repeat(limits::SPEAKER + 1));
    assert_eq!(
        refused(&speaker, HOUR),
        (
            Some(1),
            TooLong {
                part: TextPart::Speaker,
                max: limits::SPEAKER,
                actual: limits::SPEAKER + 1
            }
        )
    );
    let vtt = format!(
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v {}>x",
        "名".repeat(limits::SPEAKER + 1)
    );
    assert!(matches!(
        refused(&vtt, HOUR),
        (
            Some(4),
            TooLong {
                part: TextPart::Speaker,
                ..
            }
        )
    ));
}

#[test]
fn control_and_formatting_characters_are_refused_on_their_line() {
    for (input, line, problem) in [
        ("0:01 a\n0:02 b\u{0}c", 2, ControlCharacter),
        ("0:01 a\u{1b}[31m", 1, ControlCharacter),
        ("0:01 a\n\u{85}", 2, ControlCharacter),
        ("0:01 a\tb", 1, ControlCharacter),
        ("0:01 abc\u{202E}fed", 1, FormattingCharacter),
        ("0:01 a\n\u{2066}b", 2, FormattingCharacter),
        ("0:01 a\u{2028}b", 1, FormattingCharacter),
        (
            "WEBVTT\n\nNOTE \u{0}\n\n00:01.000 --> 00:02.000\nx",
            3,
            ControlCharacter,
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v a\u{202E}b>x",
            4,
            FormattingCharacter,
        ),
    ] {
        assert_eq!(refused(input, HOUR), (Some(line), problem), "{input:?}");
    }
    // A tab only separates: between WebVTT timings, and after a time.
    assert_eq!(parse("0:01\tx").unwrap().cues[0].text, "x");
    // Direction marks are not overrides.
    assert!(parse("0:01 a\u{200F}b").is_ok());
}

#[test]
fn hostile_text_is_kept_as_text_and_written_safely() {
    let script = script_tag();
    let input =
        format!("[0:01 {script}] {script}alert(1)</b> --> &amp;\n1 --> 2\n\n[0:02 a&b<c>] x");
    let transcript = parse(&input).unwrap();
    assert_eq!(transcript.cues[0].speaker.as_deref(), Some(script.as_str()));
    assert_eq!(
        transcript.cues[0].text,
        format!("{script}alert(1)</b> --> &amp;\n1 --> 2")
    );
    let vtt = transcript.to_vtt();
    assert!(
        vtt.match_indices('<')
            .all(|(i, _)| vtt[i..].starts_with("<v ")),
        "{vtt}"
    );
    assert!(!vtt.contains(&script), "{vtt}");
    let arrows = vtt.matches("-->").count();
    assert_eq!(arrows, transcript.cues.len(), "{vtt}");
    assert!(
        vtt.contains("<v &lt;script&gt;>&lt;script&gt;alert(1)&lt;/b&gt; --&gt; &amp;amp;"),
        "{vtt}"
    );
    assert_round_trips(&transcript, HOUR);
}

#[test]
fn to_vtt_is_safe_for_transcripts_built_by_hand() {
    let transcript = Transcript {
        cues: vec![cue(
            0,
            1_000,
            Some("a\n\nb>"),
            "line\n\n\r\n  \nnext --> \r<i>",
        )],
    };
    let vtt = transcript.to_vtt();
    assert_eq!(
        vtt,
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v a b&gt;>line\nnext --&gt;\n&lt;i&gt;\n"
    );
}

#[test]
fn numbers_are_no_trouble() {
    for input in [
        "-1:05 a",
        "4294967296:00 a",
        "WEBVTT\n\n99999999999:00:00.000 --> 99999999999:00:01.000\nx",
        "WEBVTT\n\n-00:01.000 --> 00:02.000\nx",
    ] {
        let result = parse(input);
        assert!(
            result.is_err() || result.as_ref().is_ok_and(|t| t.cues.len() == 1),
            "{input}: {result:?}"
        );
    }
    // `-1:05` is not a time, so it is text; without any time, one cue.
    assert_eq!(parse("-1:05 a").unwrap().cues[0].text, "-1:05 a");
    assert_eq!(refused("4294967296:00 a", HOUR), (Some(1), InvalidTime));
    assert_eq!(
        refused("1193:02:47.295 a", u32::MAX),
        (Some(1), StartPastEnd { end_ms: u32::MAX })
    );
    let last = Transcript::parse("1193:02:47.294 a", u32::MAX).unwrap();
    assert_eq!(last.cues, vec![cue(u32::MAX - 1, u32::MAX, None, "a")]);
    assert_round_trips(&last, u32::MAX);
}

// --- Index --------------------------------------------------------------------------------

fn index_refused(input: &str) -> (Option<usize>, TranscriptProblem) {
    let error = Index::parse(input, HOUR).expect_err(input);
    (error.line, error.problem)
}

fn segment(start_ms: u32, title: &str, keywords: &[&str], summary: Option<&str>) -> IndexSegment {
    IndexSegment {
        start_ms,
        title: title.to_owned(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        summary: summary.map(str::to_owned),
    }
}

fn assert_index_round_trips(index: &Index) {
    let editable = index.to_editable();
    assert_eq!(
        Index::parse(&editable, HOUR).as_ref(),
        Ok(index),
        "{editable}"
    );
}

#[test]
fn reads_an_index() {
    let input = "0:00 渡口的早晨\n关键词：轮渡，早班船、码头\n每天六点第一班船。\n满船是上班的人。\n\n[12:30] The tunnel opens\nKeywords: tunnel, metro,\n\\keywords: not these\n\n1:00:00.5 Last\n";
    let index = Index::parse(input, 2 * HOUR).unwrap();
    assert_eq!(
        index.segments,
        vec![
            segment(
                0,
                "渡口的早晨",
                &["轮渡", "早班船", "码头"],
                Some("每天六点第一班船。\n满船是上班的人。")
            ),
            segment(
                750_000,
                "The tunnel opens",
                &["tunnel", "metro"],
                Some("keywords: not these")
            ),
            segment(3_600_500, "Last", &[], None),
        ]
    );
    let editable = index.to_editable();
    assert_eq!(
        editable,
        "0:00 渡口的早晨\nkeywords: 轮渡, 早班船, 码头\n每天六点第一班船。\n满船是上班的人。\n\n12:30 The tunnel opens\nkeywords: tunnel, metro\n\\keywords: not these\n\n1:00:00.500 Last\n"
    );
    assert_eq!(Index::parse(&editable, 2 * HOUR), Ok(index));
}

#[test]
fn index_refusals() {
    for (input, line, problem) in [
        ("intro\n0:00 a", 1, TextBeforeFirstTime),
        ("0:00", 1, MissingTitle),
        ("[0:00]   ", 1, MissingTitle),
        ("0:05 a\n0:05 b", 2, NotAscending),
        ("1:00:00 a", 1, StartPastEnd { end_ms: HOUR }),
        ("[0:05-0:10] a", 1, InvalidTime),
        ("[0:05 who] a", 1, InvalidTime),
        ("0:05 a\n1:60 b", 2, InvalidTime),
        ("0:05 a\u{202E}", 1, FormattingCharacter),
        ("0:05 a\nkeywords: a\tb", 2, ControlCharacter),
    ] {
        assert_eq!(index_refused(input), (Some(line), problem), "{input:?}");
    }
    assert_eq!(index_refused(" \n"), (None, Empty));
}

#[test]
fn index_limits() {
    let title = format!("0:00 {}", "题".repeat(limits::TITLE));
    assert!(Index::parse(&title, HOUR).is_ok());
    let title = format!("0:00 {}", "题".repeat(limits::TITLE + 1));
    assert_eq!(
        index_refused(&title).1,
        TooLong {
            part: TextPart::Title,
            max: limits::TITLE,
            actual: limits::TITLE + 1
        }
    );
    let keywords = |n: usize, len: usize| {
        let list: Vec<String> = (0..n)
            .map(|i| format!("{i}{}", "k".repeat(len - 1)))
            .collect();
        format!("0:00 t\nkeywords: {}", list.join(", "))
    };
    let index = Index::parse(&keywords(limits::KEYWORDS, limits::KEYWORD), HOUR).unwrap();
    assert_index_round_trips(&index);
    assert_eq!(
        index_refused(&keywords(limits::KEYWORDS + 1, 3)),
        (
            Some(2),
            TooMany {
                part: Counted::Keywords,
                max: limits::KEYWORDS
            }
        )
    );
    assert_eq!(
        index_refused(&keywords(1, limits::KEYWORD + 1)),
        (
            Some(2),
            TooLong {
                part: TextPart::Keyword,
                max: limits::KEYWORD,
                actual: limits::KEYWORD + 1
            }
        )
    );
    let summary = |len: usize| format!("0:00 t\n{}", "字".repeat(len));
    assert!(Index::parse(&summary(limits::SUMMARY), HOUR).is_ok());
    assert_eq!(
        index_refused(&summary(limits::SUMMARY + 1)).1,
        TooLong {
            part: TextPart::Summary,
            max: limits::SUMMARY,
            actual: limits::SUMMARY + 1
        }
    );
    let segments = |n: u32| {
        (0..n)
            .map(|i| format!("{} t\n", super::clock::exact(i * 1000)))
            .collect::<String>()
    };
    let max = u32::try_from(limits::SEGMENTS).unwrap();
    assert_eq!(
        Index::parse(&segments(max), HOUR).unwrap().segments.len(),
        limits::SEGMENTS
    );
    assert_eq!(
        index_refused(&segments(max + 1)),
        (
            Some(limits::SEGMENTS + 1),
            TooMany {
                part: Counted::Segments,
                max: limits::SEGMENTS
            }
        )
    );
    let at = "字".repeat(limits::INDEX_CHARS);
    assert_eq!(index_refused(&at).1, TextBeforeFirstTime);
    let past = "字".repeat(limits::INDEX_CHARS + 1);
    assert_eq!(
        index_refused(&past),
        (
            None,
            TooLong {
                part: TextPart::Index,
                max: limits::INDEX_CHARS,
                actual: limits::INDEX_CHARS + 1
            }
        )
    );
}

#[test]
fn hostile_index_text_round_trips() {
    let script = script_tag();
    let input = format!(
        "0:00 {script} --> \nkeywords: {script}, &amp;\n\\0:30 not a time\n\\\\x\n\\关键词：no"
    );
    let index = Index::parse(&input, HOUR).unwrap();
    assert_eq!(index.segments[0].title, format!("{script} -->"));
    assert_eq!(
        index.segments[0].summary.as_deref(),
        Some("0:30 not a time\n\\x\n关键词：no")
    );
    assert_index_round_trips(&index);
}

#[test]
fn index_from_interview_markers() {
    let markers = InterviewMarkers::parse("0:1 65230:2 65230:3 130400:4").unwrap();
    let title = |prompt: PromptNumber| match prompt.get() {
        4 => " \n ".to_owned(),
        n => format!("问题 {n}\n第二行 {}", "长".repeat(200)),
    };
    let index = Index::from_markers(markers.as_slice(), title);
    let starts: Vec<u32> = index.segments.iter().map(|s| s.start_ms).collect();
    assert_eq!(starts, vec![0, 65_230]);
    assert!(index.segments[1].title.starts_with("问题 3 第二行 长"));
    assert_eq!(index.segments[1].title.chars().count(), limits::TITLE);
    assert_index_round_trips(&index);
}

// --- Generated input ----------------------------------------------------------------------

/// Pieces that matter to the parsers, strung together at random (a small, repeatable stand-in
/// for the fuzz target `fuzz/fuzz_targets/transcript.rs`, run by every `cargo test`).
#[rustfmt::skip]
const PIECES: [&str; 48] = [
    "0:05", "1:05.25", "0:00", "59:59", "1:00:00", "[", "]", "【", "】", "-", "\n", "\n\n", " ",
    "\\", "WEBVTT", "-->", " --> ", "00:00:01.000", "00:02.500", "<v A>", "<v.x Bo  b>", "<i>",
    "</v>", "&amp;", "&lt;", "&", "<", ">", "王", "a", "keywords:", "关键词：", ",", "，", "、",
    "NOTE", "\t", "\r", "１", "：", "\u{200B}", "\u{A0}", "1:60", "99999:00", ":", ".", "9",
    "Name:",
];

struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }
}

fn generated(random: &mut Random) -> String {
    let mut text = String::new();
    if random.below(3) == 0 {
        text.push_str("WEBVTT\n\n");
    }
    for _ in 0..random.below(40) + 1 {
        text.push_str(PIECES[random.below(PIECES.len())]);
    }
    text
}

#[test]
fn whatever_parses_reads_back_the_same() {
    let durations = [1, 1_000, 5_000, 65_000, 90_250, HOUR, u32::MAX];
    let mut random = Random(0x0005_EED0_F511_1A11);
    let (mut transcripts, mut indexes) = (0, 0);
    for _ in 0..30_000 {
        let text = generated(&mut random);
        let duration_ms = durations[random.below(durations.len())];
        if let Ok(transcript) = Transcript::parse(&text, duration_ms) {
            transcripts += 1;
            assert_round_trips(&transcript, duration_ms);
        }
        if let Ok(index) = Index::parse(&text, duration_ms) {
            indexes += 1;
            let editable = index.to_editable();
            assert_eq!(
                Index::parse(&editable, duration_ms).as_ref(),
                Ok(&index),
                "{text:?} → {editable:?}"
            );
        }
    }
    // The pieces reach both parsers' happy paths often enough to mean something.
    assert!(
        transcripts > 3_000 && indexes > 300,
        "{transcripts} {indexes}"
    );
}

/// Found by the fuzzer: a speaker's name ending in `--` closed its voice span as `-->`, which a
/// WebVTT reader takes for a timing line.
#[test]
fn a_speaker_ending_in_dashes_cannot_make_a_timing_line() {
    let transcript = Transcript {
        cues: vec![
            cue(0, 10_000, Some("王阿姨--"), "4.500 -0"),
            cue(10_000, 20_000, None, "end"),
        ],
    };
    let vtt = transcript.to_vtt();
    assert_eq!(vtt.matches("-->").count(), 2, "{vtt}");
    assert_round_trips(&transcript, 20_000);
    let crash = "\u{80}\u{ee}6[0:00 王阿姨--]4.500 -0\n00:10.0-[0:  Wang] end\n";
    if let Ok(parsed) = Transcript::parse(crash, 3_600_000) {
        assert_round_trips(&parsed, 3_600_000);
    }
}
