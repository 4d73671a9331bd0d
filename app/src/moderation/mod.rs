//! The moderators' pages: the review queue, one story under review, the audit log and the
//! fixity runs.
//! All of them are private (never cached, never indexed) and work without JavaScript.

mod audit;
mod fixity;
mod nav;
mod queue;
mod redactions;
mod review;

pub use audit::{AuditFilter, AuditPage, TrailRow};
pub use fixity::{FixityPage, FixityRunRow};
pub use nav::StaffNav;
pub use queue::{QueueFilter, QueueItem, QueueNotice, QueuePage};
pub use redactions::{
    RecordingRedactions, RedactionForm, RedactionRow, Redactions, lift_path, redactions_path,
};
pub use review::{
    FieldChange, HistoryRow, ReviewNotice, ReviewPage, ReviewRecording, ReviewStory, RevisionRow,
    TURN_LEFT, TURN_RIGHT,
};
