//! `/admin/audit`: every transition and edit, newest first, filterable.

use super::nav::StaffNav;
use crate::domain::{AuditAction, AuditField, AuditRecord, StoryStatus};
use crate::locale;
use crate::ui::{Document, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// An audit log entry as the page shows it.
pub type AuditRow = AuditRecord<String>;

/// The filters as typed, so the form shows them again.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub story: String,
    pub action: Option<AuditAction>,
    pub moderator: String,
}

#[component]
pub fn AuditPage(
    rows: Vec<AuditRow>,
    filter: AuditFilter,
    /// (account id, display name) for the moderator filter.
    accounts: Vec<(i64, String)>,
    /// The id to continue from for older entries, when there are more.
    older: Option<i64>,
) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(locale, moderation.audit.title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    let status = |s: Option<StoryStatus>| s.map_or("–", |s| locale::status_name(locale, s));
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|r| view! {
            <tr>
                <td>{r.at}</td>
                <td><a href=format!("/moderate/stories/{}", r.story)>{format!("#{}", r.story)}</a></td>
                <td>{locale::actor_name(locale, &r.actor)}</td>
                <td>{locale::audit_action_name(locale, r.action)}</td>
                <td>{format!("{} → {}", status(r.from), status(r.to))}</td>
                <td>{r.reason}</td>
            </tr>
        })
        .collect_view();
    let actions = AuditAction::ALL
        .iter()
        .copied()
        .map(|a| view! { <option value=a.slug() selected=filter.action == Some(a)>{locale::audit_action_name(locale, a)}</option> })
        .collect_view();
    let moderators = accounts
        .into_iter()
        .map(|(id, name)| {
            let selected = filter.moderator.trim() == id.to_string();
            view! { <option value=id.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    let older_link = older.map(|before| {
        let before = before.to_string();
        let query = [
            (AuditField::Story, filter.story.trim()),
            (
                AuditField::Action,
                filter.action.map_or("", AuditAction::slug),
            ),
            (AuditField::Moderator, filter.moderator.trim()),
            (AuditField::Before, before.as_str()),
        ]
        .map(|(field, value)| format!("{field}={value}"))
        .join("&");
        let href = format!("/admin/audit?{query}");
        view! { <p><a href=href>{td!(locale, moderation.audit.older)}</a></p> }
    });
    view! {
        <Document meta>
            <StaffNav is_admin=true />
            <section class="staff-page">
                <h1>{td!(locale, moderation.audit.title)}</h1>
                <form method="get" action="/admin/audit" class="queue-filters">
                    <label>{td!(locale, moderation.audit.story)} " "
                        <input type="text" inputmode="numeric" name=AuditField::Story.name() value=filter.story.clone() size="6" />
                    </label>
                    <label>{td!(locale, moderation.audit.action)} " "
                        <select name=AuditField::Action.name()><option value="">{td!(locale, moderation.audit.any_action)}</option>{actions}</select>
                    </label>
                    <label>{td!(locale, moderation.audit.moderator)} " "
                        <select name=AuditField::Moderator.name()><option value="">{td!(locale, moderation.audit.any_moderator)}</option>{moderators}</select>
                    </label>
                    <button type="submit">{td!(locale, moderation.audit.apply)}</button>
                </form>
                {empty.then(|| view! { <p>{td!(locale, moderation.audit.empty)}</p> })}
                <div class="table-scroll">
                    <table class="audit">
                        <thead><tr>
                            <th>{td!(locale, moderation.audit.when)}</th>
                            <th>"#"</th>
                            <th>{td!(locale, moderation.audit.who)}</th>
                            <th>{td!(locale, moderation.audit.action)}</th>
                            <th>{td!(locale, moderation.audit.change)}</th>
                            <th>{td!(locale, moderation.audit.reason)}</th>
                        </tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
                {older_link}
            </section>
        </Document>
    }
}
