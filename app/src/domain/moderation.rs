//! Moderators, their accounts and the decisions they take on stories.

use super::errors::FieldError;
use super::slug_enum::slug_enum;
use super::status::StoryStatus;
use super::text::{Lines, clean, required};
use serde::{Deserialize, Serialize};

/// Limits of the moderation and account forms, in characters.
pub mod moderation_limits {
    /// A rejection reason, change request or unpublishing reason.
    pub const MESSAGE: (usize, usize) = (2, 2000);
    pub const DISPLAY_NAME: (usize, usize) = (1, 50);
    /// Passwords: long rather than complex (NIST SP 800-63B); the upper bound keeps hashing cheap.
    pub const PASSWORD: (usize, usize) = (12, 256);
    /// How long opening an item keeps it "being reviewed by …", in minutes.
    pub const CLAIM_MINUTES: i32 = 15;
    /// Failed sign-ins allowed per client address (IPv6: per /64) within
    /// `LOGIN_WINDOW_MINUTES`; further tries are refused (429) without checking the password.
    pub const LOGIN_FAILURES: i32 = 10;
    pub const LOGIN_WINDOW_MINUTES: i32 = 15;
    /// Once an account has had `LOGIN_FAILURES` failed tries (from any addresses) within the
    /// window, every further try waits this long before its password is checked. It slows
    /// guessing down; it never refuses the owner's right password (docs/moderation.md).
    pub const LOGIN_SLOWDOWN_SECS: u64 = 2;
    /// Stories one bulk action may touch.
    pub const BULK_MAX: usize = 100;
}

use moderation_limits as limits;

/// A moderator's or admin's account number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct AccountId(pub i64);

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

slug_enum!(
    /// What an account may do. An admin has every moderator power and manages accounts.
    AccountRole in "account_role" {
        Moderator => "moderator",
        Admin => "admin",
    }
);

impl AccountRole {
    pub fn parse(input: &str) -> Result<AccountRole, FieldError> {
        AccountRole::from_slug(input.trim()).ok_or(FieldError::UnknownChoice)
    }
}

/// A new password, NFKC-normalized (what is hashed and what sign-in compares): 12 to 256
/// characters, not only blanks or invisible characters, and hard to guess (zxcvbn score 3 or
/// more, about 10^10 guesses, counting the account's own e-mail and name as known words).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// The strength estimate needs zxcvbn's dictionaries, kept out of the WebAssembly bundle:
    /// only the server parses new passwords.
    #[cfg(feature = "ssr")]
    pub fn parse(input: &str, user_inputs: &[&str]) -> Result<NewPassword, FieldError> {
        let text = normalize_password(input);
        let count = text.chars().count();
        let (min, max) = limits::PASSWORD;
        if text.is_empty() {
            return Err(FieldError::Required);
        }
        if count < min {
            return Err(FieldError::TooShort { min, actual: count });
        }
        if count > max {
            return Err(FieldError::TooLong { max, actual: count });
        }
        if text.chars().any(char::is_control) {
            return Err(FieldError::ControlCharacter);
        }
        if !text.chars().any(super::text::is_visible) {
            return Err(FieldError::PasswordBlank);
        }
        let mut words: Vec<&str> = Vec::new();
        for input in user_inputs {
            words.push(input);
            words.extend(
                input
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.len() > 2),
            );
        }
        if zxcvbn::zxcvbn(&text, &words).score() < zxcvbn::Score::Three {
            return Err(FieldError::PasswordWeak);
        }
        Ok(NewPassword(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The form of a password that is hashed and compared (NIST SP 800-63B: NFKC).
pub fn normalize_password(input: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    input.nfkc().collect()
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// The name other moderators and the audit log show, e.g. 王编辑.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, FieldError> {
        required(input, Lines::Single, limits::DISPLAY_NAME).map(DisplayName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a story was rejected or unpublished, or what the contributor should change. Shown to
/// the contributor on the tracking page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeratorMessage(String);

impl ModeratorMessage {
    pub fn parse(input: &str) -> Result<ModeratorMessage, FieldError> {
        required(input, Lines::Multi, limits::MESSAGE).map(ModeratorMessage)
    }

    /// A templated reason followed by the moderator's own words, either of which may be blank.
    pub fn compose(
        template: Option<&str>,
        free_text: &str,
    ) -> Result<ModeratorMessage, FieldError> {
        let free = clean(free_text, Lines::Multi)?;
        let text = match (template, free) {
            (Some(t), Some(f)) => format!("{t}\n\n{f}"),
            (Some(t), None) => t.to_owned(),
            (None, Some(f)) => f,
            (None, None) => String::new(),
        };
        ModeratorMessage::parse(&text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

slug_enum!(
    /// A decision that moves a story from one status to another.
    Decision {
        Approve => "approve",
        Reject => "reject",
        RequestChanges => "request_changes",
        Unpublish => "unpublish",
    }
);

impl Decision {
    pub fn parse(input: &str) -> Result<Decision, FieldError> {
        Decision::from_slug(input.trim()).ok_or(FieldError::UnknownChoice)
    }

    /// The statuses this decision can be taken from.
    pub fn allowed_from(self) -> &'static [StoryStatus] {
        match self {
            Decision::Approve => &[StoryStatus::Pending, StoryStatus::Unpublished],
            Decision::Reject => &[StoryStatus::Pending, StoryStatus::ChangesRequested],
            Decision::RequestChanges => &[StoryStatus::Pending],
            Decision::Unpublish => &[StoryStatus::Approved],
        }
    }

    pub fn leads_to(self) -> StoryStatus {
        match self {
            Decision::Approve => StoryStatus::Approved,
            Decision::Reject => StoryStatus::Rejected,
            Decision::RequestChanges => StoryStatus::ChangesRequested,
            Decision::Unpublish => StoryStatus::Unpublished,
        }
    }

    /// Rejecting, requesting changes and unpublishing must say why.
    pub fn needs_message(self) -> bool {
        self != Decision::Approve
    }
}

slug_enum!(
    /// What an audit log entry records.
    AuditAction in "audit_action" {
        Submitted => "submitted",
        Edited => "edited",
        Withdrawn => "withdrawn",
        Approved => "approved",
        Rejected => "rejected",
        ChangesRequested => "changes_requested",
        Unpublished => "unpublished",
        ModeratorEdited => "moderator_edited",
        Featured => "featured",
        Unfeatured => "unfeatured",
        /// A moderator silenced a stretch of a recording's public copy.
        RecordingRedacted => "recording_redacted",
        /// A moderator lifted such a redaction.
        RedactionLifted => "redaction_lifted",
        /// The fixity check found a story's original missing from the media store.
        FixityMissing => "fixity_missing",
        /// The fixity check found a story's original changed (another SHA-256).
        FixityChanged => "fixity_changed",
    }
);

impl From<Decision> for AuditAction {
    fn from(decision: Decision) -> AuditAction {
        match decision {
            Decision::Approve => AuditAction::Approved,
            Decision::Reject => AuditAction::Rejected,
            Decision::RequestChanges => AuditAction::ChangesRequested,
            Decision::Unpublish => AuditAction::Unpublished,
        }
    }
}

slug_enum!(
    /// Templated rejection reasons; the moderator may add their own words.
    RejectReason {
        OffTopic => "off_topic",
        PersonalData => "personal_data",
        NotOwnStory => "not_own_story",
        Duplicate => "duplicate",
        Offensive => "offensive",
    }
);

impl RejectReason {
    pub fn parse(input: &str) -> Option<RejectReason> {
        RejectReason::from_slug(input.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn new_passwords_are_long_visible_and_hard_to_guess() {
        let strong = "violet tractor harbour 1987";
        assert!(NewPassword::parse("x7#kQ9!v2L", &[]).is_err(), "too short");
        assert_eq!(
            NewPassword::parse(&" ".repeat(12), &[]),
            Err(FieldError::PasswordBlank)
        );
        assert_eq!(
            NewPassword::parse(&"\u{200B}".repeat(12), &[]),
            Err(FieldError::PasswordBlank)
        );
        assert_eq!(
            NewPassword::parse("password1234", &[]),
            Err(FieldError::PasswordWeak)
        );
        assert_eq!(
            NewPassword::parse("wangxiaoming@example.org", &["wangxiaoming@example.org"]),
            Err(FieldError::PasswordWeak)
        );
        assert!(NewPassword::parse(strong, &[]).is_ok());
        assert!(NewPassword::parse(&"长".repeat(257), &[]).is_err());
        // Full-width letters are hashed as their NFKC form.
        let wide = NewPassword::parse("ｖｉｏｌｅｔ tractor harbour 1987", &[]).unwrap();
        assert_eq!(wide.expose(), strong);
    }

    #[test]
    fn a_message_combines_template_and_free_text() {
        let m = ModeratorMessage::compose(Some("与主题无关"), " 请补充细节 ").unwrap();
        assert_eq!(m.as_str(), "与主题无关\n\n请补充细节");
        assert_eq!(
            ModeratorMessage::compose(None, " "),
            Err(FieldError::Required)
        );
        assert!(ModeratorMessage::compose(None, &"字".repeat(2001)).is_err());
    }

    #[test]
    fn decisions_follow_the_story_life() {
        assert!(
            Decision::Approve
                .allowed_from()
                .contains(&StoryStatus::Pending)
        );
        assert!(
            !Decision::Approve
                .allowed_from()
                .contains(&StoryStatus::Rejected)
        );
        assert!(
            !Decision::Unpublish
                .allowed_from()
                .contains(&StoryStatus::Pending)
        );
        assert_eq!(
            Decision::RequestChanges.leads_to(),
            StoryStatus::ChangesRequested
        );
    }
}
