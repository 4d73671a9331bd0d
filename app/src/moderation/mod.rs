//! The moderators' pages: the review queue, one story under review, and the audit log.
//! All of them are private (never cached, never indexed) and work without JavaScript.

mod audit;
mod nav;
mod queue;
mod review;

pub use audit::{AuditFilter, AuditPage, AuditRow};
pub use nav::StaffNav;
pub use queue::{QueueFilter, QueueItem, QueueNotice, QueuePage};
pub use review::{
    FieldChange, HistoryRow, ReviewNotice, ReviewPage, ReviewRecording, ReviewStory, RevisionRow,
    TURN_LEFT, TURN_RIGHT,
};
