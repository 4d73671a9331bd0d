//! A story told aloud: the recorder and interview mode on the story form, and the time-coded
//! transcript and index on the public story page (issue 14).

pub mod recorder;
pub mod transcript;
