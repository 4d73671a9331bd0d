//! Domain types shared by the server and the browser: input is parsed into these once, at the
//! edge, and the rest of the code trusts them. The same parsing runs in WebAssembly for inline
//! validation, so the browser and the server can never disagree about what is valid.
//!
//! This file only declares the modules and re-exports their types. The files name each other by
//! file (`super::errors::FieldError`), never through these re-exports, so their dependencies
//! point one way; the domain names nothing outside itself.

mod choices;
mod draft;
mod email;
mod errors;
mod field;
mod fixity;
mod form;
mod forms;
mod ids;
mod moderation;
mod new_story;
mod open_data;
mod photo;
mod recording;
mod redaction;
mod review;
mod search;
mod slug_enum;
mod status;
mod text;
mod trail;
pub mod transcript;
mod year;

pub use choices::{Licence, Theme};
pub use draft::{PhotoColumns, StoryDraft};
pub use email::{Email, has_email_shape};
pub use errors::{
    AudioRefusal, FieldError, FormErrors, PhotoPart, PhotoProblem, PhotoRefusal, RecordingPart,
    RecordingProblem, RedactionProblem, TextProblem,
};
pub use field::Field;
pub use fixity::{FixityProblem, FixityProblemKind, FixityRun, FixityTrigger, MediaObjectKind};
pub use form::{FormField, is_checked};
pub use forms::{
    AccountField, AccountInput, AuditField, LanguageField, PhotoWordsField, QueueField,
    ReviewField, ReviewInput, SignInField, TimelineField, TranscriptField, WithdrawField,
};
pub use ids::{PhotoId, RecordingId, StoryId, StoryVersion};
pub use moderation::{
    AccountId, AccountRole, AuditAction, Decision, DisplayName, ModeratorMessage, NewPassword,
    RejectReason, moderation_limits, normalize_password,
};
pub use new_story::{
    AssistedBy, CONSENT_TEXT_VERSION, ConsentKind, Consents, Contact, IdempotencyKey, NarratorName,
    NewStory, Place, RealName, Role, StoryBody, StoryTitle, Telling, Themes,
};
pub use open_data::{OpenDataExport, OpenDataTrigger};
pub use photo::{PhotoDetails, PhotoDraft, PhotoSlot};
pub use recording::{InterviewMarkers, Marker, PromptNumber, RecordingDetails, RecordingDraft};
pub use redaction::{
    REDACTABLE, RedactedRange, Redaction, RedactionContext, RedactionDraft, RedactionField,
    RedactionId,
};
pub use review::{Actor, ActorView, AuditRecord, Claim, ContentField, RevisionAuthor};
pub use search::{SEARCH_MAX, SearchText};
pub use status::StoryStatus;
pub use text::limits;
pub use trail::{
    AccountActor, AccountAuditAction, AccountAuditRecord, TrailAction, TrailCursor, TrailEntry,
    TrailKind,
};
pub use year::{EARLIEST_YEAR, Year, YearSpan};
