//! A story told aloud: the recorder and interview mode on the story form, and the time-coded
//! transcript and index on the public story page (issue 14).

pub mod capture;
pub mod clock;
#[cfg(feature = "hydrate")]
pub mod handover;
pub mod interview;
pub mod media_type;
pub mod recorder;
pub mod session;
pub mod transcript;

pub use interview::interview_prompt;
