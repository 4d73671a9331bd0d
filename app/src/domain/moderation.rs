//! Moderators, their accounts and the decisions they take on stories.

use super::errors::FieldError;
use super::status::StoryStatus;
use super::text::{Lines, clean, required};
use serde::{Deserialize, Serialize};

/// Limits of the moderation and account forms, in characters.
pub mod moderation_limits {
    /// A rejection reason, change request or unpublishing reason.
    pub const MESSAGE: (usize, usize) = (2, 2000);
    pub const DISPLAY_NAME: (usize, usize) = (1, 50);
    pub const EMAIL_MAX: usize = 254;
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

/// What an account may do. An admin has every moderator power and manages accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "account_role", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    Moderator,
    Admin,
}

impl AccountRole {
    pub fn parse(input: &str) -> Result<AccountRole, FieldError> {
        match input.trim() {
            "moderator" => Ok(AccountRole::Moderator),
            "admin" => Ok(AccountRole::Admin),
            _ => Err(FieldError::UnknownChoice),
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            AccountRole::Moderator => "moderator",
            AccountRole::Admin => "admin",
        }
    }
}

/// A sign-in address in its one normalized form, used for lookup, uniqueness and the sign-in
/// throttle: NFKC, then lower case (`str::to_lowercase`, close to Unicode case folding for
/// addresses), then NFKC again so the result is stable. Full-width `ａｄｍｉｎ` is `admin`;
/// `İ` (U+0130) lower-cases to `i` + U+0307, which is another address than `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, FieldError> {
        let normalized = normalize_email(input);
        let text = required(&normalized, Lines::Single, (3, limits::EMAIL_MAX))?;
        let valid = text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        }) && !text.chars().any(char::is_whitespace);
        if !valid {
            return Err(FieldError::ContactFormat);
        }
        Ok(Email(text))
    }

    /// What someone typed to sign in, normalized like `parse` but not checked: a malformed
    /// address simply finds no account, and is still counted by the throttle.
    pub fn for_sign_in(input: &str) -> Email {
        Email(normalize_email(input).trim().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn normalize_email(input: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded = input.nfkc().collect::<String>().to_lowercase();
    folded.nfkc().collect()
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

/// A decision that moves a story from one status to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    RequestChanges,
    Unpublish,
}

impl Decision {
    pub fn parse(input: &str) -> Result<Decision, FieldError> {
        match input.trim() {
            "approve" => Ok(Decision::Approve),
            "reject" => Ok(Decision::Reject),
            "request_changes" => Ok(Decision::RequestChanges),
            "unpublish" => Ok(Decision::Unpublish),
            _ => Err(FieldError::UnknownChoice),
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::RequestChanges => "request_changes",
            Decision::Unpublish => "unpublish",
        }
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

/// What an audit log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "audit_action", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Submitted,
    Edited,
    Withdrawn,
    Approved,
    Rejected,
    ChangesRequested,
    Unpublished,
    ModeratorEdited,
    Featured,
    Unfeatured,
}

impl AuditAction {
    pub const ALL: [AuditAction; 10] = [
        AuditAction::Submitted,
        AuditAction::Edited,
        AuditAction::Withdrawn,
        AuditAction::Approved,
        AuditAction::Rejected,
        AuditAction::ChangesRequested,
        AuditAction::Unpublished,
        AuditAction::ModeratorEdited,
        AuditAction::Featured,
        AuditAction::Unfeatured,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AuditAction::Submitted => "submitted",
            AuditAction::Edited => "edited",
            AuditAction::Withdrawn => "withdrawn",
            AuditAction::Approved => "approved",
            AuditAction::Rejected => "rejected",
            AuditAction::ChangesRequested => "changes_requested",
            AuditAction::Unpublished => "unpublished",
            AuditAction::ModeratorEdited => "moderator_edited",
            AuditAction::Featured => "featured",
            AuditAction::Unfeatured => "unfeatured",
        }
    }

    pub fn from_slug(slug: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.slug() == slug)
    }
}

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

/// Templated rejection reasons; the moderator may add their own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectReason {
    OffTopic,
    PersonalData,
    NotOwnStory,
    Duplicate,
    Offensive,
}

impl RejectReason {
    pub const ALL: [RejectReason; 5] = [
        RejectReason::OffTopic,
        RejectReason::PersonalData,
        RejectReason::NotOwnStory,
        RejectReason::Duplicate,
        RejectReason::Offensive,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            RejectReason::OffTopic => "off_topic",
            RejectReason::PersonalData => "personal_data",
            RejectReason::NotOwnStory => "not_own_story",
            RejectReason::Duplicate => "duplicate",
            RejectReason::Offensive => "offensive",
        }
    }

    pub fn parse(input: &str) -> Option<RejectReason> {
        RejectReason::ALL
            .into_iter()
            .find(|r| r.slug() == input.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_compared_in_lower_case() {
        assert_eq!(
            Email::parse(" Admin@Example.ORG ").unwrap().as_str(),
            "admin@example.org"
        );
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b@c").is_err());
    }

    #[test]
    fn emails_have_one_normalized_form() {
        let plain = Email::parse("admin@example.org").unwrap();
        assert_eq!(
            Email::parse("ａｄｍｉｎ＠ＥＸＡＭＰＬＥ.ORG").unwrap(),
            plain
        );
        assert_eq!(Email::for_sign_in(" ADMIN@example.org "), plain);
        assert_ne!(Email::for_sign_in("admİn@example.org"), plain);
        let dotted = Email::for_sign_in("admİn@example.org");
        assert_eq!(Email::for_sign_in(dotted.as_str()), dotted, "stable");
    }

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
