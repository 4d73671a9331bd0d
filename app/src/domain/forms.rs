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

const PHOTO_WORDS_PREFIX: &str = "photo_";

impl PhotoWordsField {
    /// The form field of this word of one stored photo.
    pub fn of_photo(self, photo: PhotoId) -> String {
        format!("{PHOTO_WORDS_PREFIX}{photo}_{}", self.name())
    }

    /// The stored photo and word a posted name stands for (`photo_12_alt`), if it is one.
    pub fn of_name(name: &str) -> Option<(PhotoId, PhotoWordsField)> {
        let (id, word) = name.strip_prefix(PHOTO_WORDS_PREFIX)?.split_once('_')?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((PhotoId(id.parse().ok()?), PhotoWordsField::from_name(word)?))
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
        /// `story` or `account` entries only.
        Kind = "kind",
        Story = "story",
        Action = "action",
        /// Entries by or about this account (a story entry's moderator, an account entry's
        /// account or the admin who acted).
        Account = "account",
        /// The former name of `Account`, still read.
        Moderator = "moderator",
        /// Where to continue, for older entries (a `TrailCursor`).
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
        /// A checkbox: only stories with a recording the public may hear.
        Voice = "voice",
    }
}

form_fields! {
    /// A recording's transcript and index: `POST /track/{token}/recordings/{id}/text` (the
    /// contributor, while the story may be edited) and
    /// `POST /moderate/stories/{id}/recordings/{recording}/text` (with `ReviewField::Version`).
    pub enum TranscriptField {
        Transcript = "transcript",
        Index = "index",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photos_word_names_round_trip() {
        for word in PhotoWordsField::ALL {
            let name = word.of_photo(PhotoId(42));
            assert_eq!(PhotoWordsField::of_name(&name), Some((PhotoId(42), *word)));
        }
    }

    #[test]
    fn other_names_are_no_photos_words() {
        for name in [
            "photo_then",
            "photo_42_title",
            "photo__alt",
            "photo_+42_alt",
            "photo_-1_alt",
            "photo_4x_caption",
            "title",
            "photo_99999999999999999999_alt",
        ] {
            assert_eq!(PhotoWordsField::of_name(name), None, "{name}");
        }
    }
}
