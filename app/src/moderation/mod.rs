//! The moderators' pages: the review queue, one story under review, and the audit log.
//! All of them are private (never cached, never indexed) and work without JavaScript.

mod audit;
mod nav;
mod queue;
mod redactions;
mod review;

pub use audit::{AuditFilter, AuditPage, TrailRow};
pub use nav::StaffNav;
pub use queue::{QueueFilter, QueueItem, QueueNotice, QueuePage};
pub use redactions::{
    RecordingRedactions, RedactionForm, RedactionRow, Redactions, lift_path, redactions_path,
};
pub use review::{
    FieldChange, HistoryRow, ReviewNotice, ReviewPage, ReviewRecording, ReviewStory, RevisionRow,
    TURN_LEFT, TURN_RIGHT,
};
