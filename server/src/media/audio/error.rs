//! Why a recording is refused (the contributor's file: a 4xx with a localized message once the
//! form is wired) and why processing failed (the server's fault, or a child that ran out of
//! wall time on a busy machine: retried by the job).

/// Why a recording was refused. Each is final: the same file is refused the same way again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AudioRefusal {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// Not M4A/AAC, MP3, WAV, Ogg, WebM/Matroska or AMR, judged by content, never by name.
    #[error("the file is not a recording in an accepted format")]
    UnknownFormat,
    /// HTML or script in the first bytes: a polyglot a browser could take for a page.
    #[error("the file contains HTML")]
    Markup,
    /// The container is accepted but what it holds is not (e.g. MP3 frames in a WAV).
    #[error("the container holds an unsupported codec")]
    UnsupportedCodec,
    #[error("the file has no audio")]
    NoAudio,
    /// The container cannot be read: truncated or corrupt.
    #[error("the file cannot be read (truncated or damaged)")]
    Unreadable,
    /// Declared by the header or found while decoding.
    #[error("the recording is longer than {max_seconds} s")]
    TooLong { max_seconds: u32 },
    #[error("the recording has {channels} channels (at most {max})")]
    Channels { channels: u32, max: u32 },
    #[error("the recording's sample rate is {hz} Hz (accepted: {min}–{max} Hz)")]
    SampleRate { hz: u32, min: u32, max: u32 },
    /// The decoder failed on the audio data.
    #[error("the audio cannot be decoded")]
    Undecodable,
    /// Decoding needed more CPU time than its length allows (a decompression bomb).
    #[error("the recording takes too much work to decode")]
    TooCostly,
}

/// Processing failed for a reason that is not the file's: the job is retried.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("cannot start {program} (is Debian's ffmpeg installed?): {source}")]
    Spawn {
        program: &'static str,
        source: std::io::Error,
    },
    #[error("{program} took longer than {seconds} s of wall time")]
    TimedOut { program: &'static str, seconds: u64 },
    #[error("unexpected output from {program}: {detail}")]
    Output {
        program: &'static str,
        detail: String,
    },
    #[error("reading or writing a recording: {0}")]
    Io(#[from] std::io::Error),
}

/// What a probe or a conversion gives: a result or a refusal, or a fault.
pub type Outcome<T> = Result<Result<T, AudioRefusal>, AudioError>;
