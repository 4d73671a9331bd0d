use crate::ui::current_locale;
use leptos::prelude::*;
use leptos_i18n::td;

/// The moderators' navigation: queue, and for admins accounts, audit log, fixity and open data;
/// sign out.
#[component]
pub fn StaffNav(is_admin: bool) -> impl IntoView {
    let locale = current_locale();
    view! {
        <nav class="staff-nav" aria-label=leptos_i18n::td_string!(locale, moderation.nav.queue)>
            <a href="/moderate">{td!(locale, moderation.nav.queue)}</a>
            {is_admin.then(|| view! {
                <a href="/admin/accounts">{td!(locale, moderation.nav.accounts)}</a>
                <a href="/admin/audit">{td!(locale, moderation.nav.audit)}</a>
                <a href="/admin/fixity">{td!(locale, moderation.nav.fixity)}</a>
                <a href="/admin/open-data">{td!(locale, moderation.nav.open_data)}</a>
            })}
            <form method="post" action="/logout" class="inline-form">
                <button type="submit">{td!(locale, moderation.nav.logout)}</button>
            </form>
        </nav>
    }
}
