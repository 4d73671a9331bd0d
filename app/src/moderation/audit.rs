//! `/admin/audit`: every story transition and edit and every account change, newest first,
//! filterable.

use super::nav::StaffNav;
use crate::domain::{
    AccountAuditAction, AccountAuditRecord, AuditAction, AuditField, AuditRecord, StoryStatus,
    TrailAction, TrailCursor, TrailEntry, TrailKind,
};
use crate::locale::{self, Locale};
use crate::ui::{Document, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// A trail entry as the page shows it.
pub type TrailRow = TrailEntry<String>;

/// The filters as typed, so the form shows them again.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub kind: Option<TrailKind>,
    pub story: String,
    pub action: Option<TrailAction>,
    pub account: String,
}

fn story_row(locale: Locale, r: AuditRecord<String>) -> impl IntoView {
    let status = |s: Option<StoryStatus>| s.map_or("–", |s| locale::status_name(locale, s));
    view! {
        <tr class="audit-story">
            <td>{r.at}</td>
            <td><a href=format!("/moderate/stories/{}", r.story)>{format!("#{}", r.story)}</a></td>
            <td>{locale::actor_name(locale, &r.actor)}</td>
            <td>{locale::audit_action_name(locale, r.action)}</td>
            <td>{format!("{} → {}", status(r.from), status(r.to))}</td>
            <td>{r.reason}</td>
        </tr>
    }
}

fn account_row(locale: Locale, r: AccountAuditRecord<String>) -> impl IntoView {
    let role = |r: Option<crate::domain::AccountRole>| r.map(|r| locale::role_name(locale, r));
    let change = match (role(r.from_role), role(r.to_role)) {
        (Some(from), Some(to)) => format!("{from} → {to}"),
        (None, Some(to)) => to.to_owned(),
        _ => "–".to_owned(),
    };
    view! {
        <tr class="audit-account">
            <td>{r.at}</td>
            <td>{td!(locale, moderation.audit.account_subject, name = r.account_name)}</td>
            <td>{locale::account_actor_name(locale, &r.actor)}</td>
            <td>{locale::account_action_name(locale, r.action)}</td>
            <td>{change}</td>
            <td></td>
        </tr>
    }
}

#[component]
pub fn AuditPage(
    rows: Vec<TrailRow>,
    filter: AuditFilter,
    /// (account id, display name) for the account filter.
    accounts: Vec<(i64, String)>,
    /// Where older entries continue, when there are more.
    older: Option<TrailCursor>,
) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(locale, moderation.audit.title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|row| match row {
            TrailEntry::Story(r) => story_row(locale, r).into_any(),
            TrailEntry::Account(r) => account_row(locale, r).into_any(),
        })
        .collect_view();
    let kinds = TrailKind::ALL
        .iter()
        .copied()
        .map(|k| view! { <option value=k.slug() selected=filter.kind == Some(k)>{locale::trail_kind_name(locale, k)}</option> })
        .collect_view();
    let story_actions = AuditAction::ALL
        .iter()
        .copied()
        .map(|a| view! { <option value=a.slug() selected=filter.action == Some(TrailAction::Story(a))>{locale::audit_action_name(locale, a)}</option> })
        .collect_view();
    let account_actions = AccountAuditAction::ALL
        .iter()
        .copied()
        .map(|a| view! { <option value=a.slug() selected=filter.action == Some(TrailAction::Account(a))>{locale::account_action_name(locale, a)}</option> })
        .collect_view();
    let account_options = accounts
        .into_iter()
        .map(|(id, name)| {
            let selected = filter.account.trim() == id.to_string();
            view! { <option value=id.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    let older_link = older.map(|before| {
        let before = before.to_string();
        let query = [
            (AuditField::Kind, filter.kind.map_or("", TrailKind::slug)),
            (AuditField::Story, filter.story.trim()),
            (
                AuditField::Action,
                filter.action.map_or("", TrailAction::slug),
            ),
            (AuditField::Account, filter.account.trim()),
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
                    <label>{td!(locale, moderation.audit.kind)} " "
                        <select name=AuditField::Kind.name()><option value="">{td!(locale, moderation.audit.any_kind)}</option>{kinds}</select>
                    </label>
                    <label>{td!(locale, moderation.audit.story)} " "
                        <input type="text" inputmode="numeric" name=AuditField::Story.name() value=filter.story.clone() size="6" />
                    </label>
                    <label>{td!(locale, moderation.audit.action)} " "
                        <select name=AuditField::Action.name()>
                            <option value="">{td!(locale, moderation.audit.any_action)}</option>
                            <optgroup label=td_string!(locale, moderation.audit.story_actions)>{story_actions}</optgroup>
                            <optgroup label=td_string!(locale, moderation.audit.account_actions)>{account_actions}</optgroup>
                        </select>
                    </label>
                    <label>{td!(locale, moderation.audit.account)} " "
                        <select name=AuditField::Account.name()><option value="">{td!(locale, moderation.audit.any_account)}</option>{account_options}</select>
                    </label>
                    <button type="submit">{td!(locale, moderation.audit.apply)}</button>
                </form>
                {empty.then(|| view! { <p>{td!(locale, moderation.audit.empty)}</p> })}
                <div class="table-scroll">
                    <table class="audit">
                        <thead><tr>
                            <th>{td!(locale, moderation.audit.when)}</th>
                            <th>{td!(locale, moderation.audit.subject)}</th>
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
