//! Which audio format the browser records in, and what the recorded file is called. The server
//! judges a file by its content, never by its name or type; the name is for the person who
//! downloads it later.

/// Asked of `MediaRecorder.isTypeSupported` in this order: Opus in WebM (Chrome, Edge, Firefox),
/// AAC in MP4 (Safari on iPhones), Opus in Ogg (older Firefox). None of them: the browser's own.
pub const PREFERRED: [&str; 3] = [
    "audio/webm;codecs=opus",
    "audio/mp4",
    "audio/ogg;codecs=opus",
];

/// The first preferred type the browser supports, or `None` for its default.
pub fn choose(supported: impl Fn(&str) -> bool) -> Option<&'static str> {
    PREFERRED.into_iter().find(|mime| supported(mime))
}

/// The file extension for a recorder's type (`audio/webm;codecs=opus` → `webm`).
pub fn extension(mime: &str) -> &'static str {
    let essence = mime
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "audio/webm" | "video/webm" => "webm",
        "audio/mp4" | "video/mp4" | "audio/x-m4a" | "audio/aac" => "m4a",
        "audio/ogg" | "application/ogg" => "ogg",
        "audio/wav" | "audio/wave" | "audio/x-wav" => "wav",
        "audio/mpeg" => "mp3",
        "audio/3gpp" | "video/3gpp" => "3gp",
        _ => "audio",
    }
}

/// `recording-1.webm` for the first group's recording.
pub fn file_name(index: usize, mime: &str) -> String {
    format!("recording-{}.{}", index + 1, extension(mime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_opus_in_webm_then_mp4_then_ogg() {
        assert_eq!(choose(|_| true), Some("audio/webm;codecs=opus"));
        assert_eq!(choose(|m| m == "audio/mp4"), Some("audio/mp4"));
        assert_eq!(
            choose(|m| m.starts_with("audio/ogg")),
            Some("audio/ogg;codecs=opus")
        );
        assert_eq!(choose(|_| false), None);
    }

    #[test]
    fn names_the_file_by_type() {
        assert_eq!(file_name(0, "audio/webm;codecs=opus"), "recording-1.webm");
        assert_eq!(
            file_name(1, "audio/mp4;codecs=mp4a.40.2"),
            "recording-2.m4a"
        );
        assert_eq!(file_name(0, "audio/mp4"), "recording-1.m4a");
        assert_eq!(file_name(0, "audio/ogg; codecs=opus"), "recording-1.ogg");
        assert_eq!(file_name(0, "Audio/WebM"), "recording-1.webm");
        assert_eq!(file_name(0, ""), "recording-1.audio");
        assert_eq!(file_name(0, "audio/x-unknown"), "recording-1.audio");
    }
}
