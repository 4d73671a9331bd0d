//! The fields of every form but the story form (`field.rs`): sign-in, accounts, the moderation
//! pages, the audit log and the timeline filters; and the keys their refusals are shown under.

use super::errors::PhotoPart;
use super::field::Field;
use super::form::form_fields;
use super::ids::PhotoId;
use super::moderation::{AccountId, Decision};

form_fields! {
    /// `POST /login`.
    pub enum SignInField {
        Email = "email",
        Password = "password",
        /// Where to go once signed in.
        Next = "next",
    }
}

form_fields! {
    /// `POST /admin/accounts` (a new account) and `POST /admin/accounts/{id}/password`.
    pub enum AccountField {
        Email = "email",
        DisplayName = "display_name",
        Role = "role",
        Password = "password",
    }
}

/// Where a refused value on the accounts page belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountInput {
    /// A field of the new-account form.
    New(AccountField),
    /// The new password typed for one account.
    Password(AccountId),
}

form_fields! {
    /// The small forms of a story's moderation page: a decision, featuring, turning a photo;
    /// the edit form sends `Version` with the story's `Field`s and the `PhotoWordsField`s.
    pub enum ReviewField {
        Version = "version",
        Decision = "decision",
        /// A templated rejection reason (`RejectReason` slug).
        Reason = "reason",
        Message = "message",
        Featured = "featured",
        Direction = "direction",
    }
}

form_fields! {
    /// A stored photo's words in the moderator's edit form, sent as `photo_{id}_{name}`.
    pub enum PhotoWordsField {
        Caption = "caption",
        Alt = "alt",
    }
}

impl PhotoWordsField {
    /// The form field of this word of one stored photo.
    pub fn of_photo(self, photo: PhotoId) -> String {
        format!("photo_{photo}_{}", self.name())
    }

    pub fn part(self) -> PhotoPart {
        match self {
            PhotoWordsField::Caption => PhotoPart::Caption,
            PhotoWordsField::Alt => PhotoPart::Alt,
        }
    }
}

/// Where a refused value on a story's moderation page belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewInput {
    /// A story field of the edit form.
    Story(Field),
    /// A stored photo's caption or alt text (by photo id) in the edit form.
    Photo(PhotoId, PhotoWordsField),
    /// The message of one decision's form.
    Message(Decision),
}

form_fields! {
    /// `GET /moderate` (the filters) and `POST /moderate/bulk` (the selected `Story` values,
    /// with `ReviewField::Decision`, `Reason` and `Message`).
    pub enum QueueField {
        Status = "status",
        Theme = "theme",
        Place = "place",
        Photos = "photos",
        Assisted = "assisted",
        /// `{id}:{version}` of a selected item (repeated).
        Story = "story",
        /// After a bulk action: how many stories were decided, and how many skipped.
        Done = "done",
        Skipped = "skipped",
    }
}

form_fields! {
    /// `GET /admin/audit`.
    pub enum AuditField {
        Story = "story",
        Action = "action",
        Moderator = "moderator",
        /// The entry id to continue from, for older entries.
        Before = "before",
    }
}

form_fields! {
    /// `GET /` and `GET /api/v1/stories`.
    pub enum TimelineField {
        Q = "q",
        Theme = "theme",
        Place = "place",
        From = "from",
        To = "to",
        Cursor = "cursor",
        /// Only the cards (for the infinite-scroll island).
        Fragment = "fragment",
    }
}

form_fields! {
    /// `POST /track/{token}/withdraw`.
    pub enum WithdrawField {
        /// `yes` once the contributor has confirmed.
        Confirm = "confirm",
    }
}

form_fields! {
    /// `POST /locale`: the language switch in every page's header.
    pub enum LanguageField {
        /// The chosen language's tag.
        Lang = "lang",
        /// The page to go back to.
        Next = "next",
    }
}
