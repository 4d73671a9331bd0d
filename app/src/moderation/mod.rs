//! The moderators' pages: the review queue, one story under review, and the audit log.
//! All of them are private (never cached, never indexed) and work without JavaScript.

mod audit;
mod queue;
mod review;

pub use audit::{AuditFilter, AuditPage, AuditRow};
pub use queue::{QueueFilter, QueueItem, QueueNotice, QueuePage};
pub use review::{FieldChange, HistoryRow, ReviewNotice, ReviewPage, ReviewStory, RevisionRow};

use crate::ui::current_locale;
use leptos::prelude::*;
use leptos_i18n::td;

/// Who holds the 15-minute review claim on a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    Free,
    Mine,
    Other(String),
}

/// Who did something, as the history and audit log name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorView {
    Contributor,
    Moderator(String),
    System,
}

/// A public field of a story, as diffs and revisions name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentField {
    Title,
    Body,
    Place,
    NarratorName,
    Role,
    Years,
    Themes,
}

/// The moderators' navigation: queue, and for admins accounts and audit log; sign out.
#[component]
pub fn StaffNav(is_admin: bool) -> impl IntoView {
    let locale = current_locale();
    view! {
        <nav class="staff-nav" aria-label=leptos_i18n::td_string!(locale, moderation.nav.queue)>
            <a href="/moderate">{td!(locale, moderation.nav.queue)}</a>
            {is_admin.then(|| view! {
                <a href="/admin/accounts">{td!(locale, moderation.nav.accounts)}</a>
                <a href="/admin/audit">{td!(locale, moderation.nav.audit)}</a>
            })}
            <form method="post" action="/logout" class="inline-form">
                <button type="submit">{td!(locale, moderation.nav.logout)}</button>
            </form>
        </nav>
    }
}
