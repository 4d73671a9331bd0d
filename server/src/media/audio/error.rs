//! Why a recording is refused (the contributor's file: a 4xx with a localized message once the
//! form is wired) and why processing failed (the server's fault, or a child that ran out of
//! wall time on a busy machine: retried by the job).

pub use app::domain::AudioRefusal;

/// Processing failed for a reason that is not the file's: the job is retried.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("cannot start {program} (are Debian's ffmpeg and lame installed?): {source}")]
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
