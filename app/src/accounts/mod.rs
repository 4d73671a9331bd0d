//! Moderator sign-in and the admins' account management pages.

use crate::domain::{AccountField, AccountId, AccountInput, AccountRole, FormErrors, SignInField};
use crate::locale;
use crate::moderation::StaffNav;
use crate::ui::{Document, PageMeta, current_locale, field_class};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFailure {
    /// Deliberately one message for an unknown email, a wrong password and a deactivated
    /// account: the answer must not confirm that a password is right.
    WrongCredentials,
}

#[component]
pub fn LoginPage(email: String, next: String, failure: Option<LoginFailure>) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(locale, moderation.login.title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    let message = failure.map(|f| match f {
        LoginFailure::WrongCredentials => td_string!(locale, moderation.login.wrong),
    });
    let email_name = SignInField::Email.name();
    let password_name = SignInField::Password.name();
    view! {
        <Document meta>
            <section class="login narrow">
                <h1>{td!(locale, moderation.login.title)}</h1>
                {message.map(|m| view! { <p class="error-summary" role="alert">{m}</p> })}
                <form method="post" action="/login">
                    <input type="hidden" name=SignInField::Next.name() value=next />
                    <div class="field">
                        <label for=email_name>{td!(locale, moderation.login.email)}</label>
                        <input id=email_name name=email_name type="email" autocomplete="username" required value=email />
                    </div>
                    <div class="field">
                        <label for=password_name>{td!(locale, moderation.login.password)}</label>
                        <input id=password_name name=password_name type="password" autocomplete="current-password" required />
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="primary">{td!(locale, moderation.login.submit)}</button>
                    </div>
                </form>
            </section>
        </Document>
    }
}

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: AccountRole,
    pub active: bool,
    pub created_on: String,
    pub is_self: bool,
}

/// The new-account form as typed (the password is never sent back).
#[derive(Debug, Clone, Default)]
pub struct NewAccountDraft {
    pub email: String,
    pub display_name: String,
    pub role: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountsNotice {
    Created,
    Deactivated,
    Activated,
    PasswordSet,
}

#[component]
pub fn AccountsPage(
    accounts: Vec<AccountRow>,
    draft: NewAccountDraft,
    errors: FormErrors<AccountInput>,
    notice: Option<AccountsNotice>,
) -> impl IntoView {
    let locale = current_locale();
    let message_of = move |input| errors.get(input).map(|e| locale::field_error(locale, e));
    let meta = PageMeta {
        title: td_string!(locale, moderation.accounts.title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    let notice = notice.map(|n| match n {
        AccountsNotice::Created => td_string!(locale, moderation.accounts.done_created),
        AccountsNotice::Deactivated => td_string!(locale, moderation.accounts.done_deactivated),
        AccountsNotice::Activated => td_string!(locale, moderation.accounts.done_activated),
        AccountsNotice::PasswordSet => td_string!(locale, moderation.accounts.done_password),
    });
    let rows = accounts
        .into_iter()
        .map(|a| {
            let id = a.id;
            let reset_error = message_of(AccountInput::Password(id));
            let toggle = if a.active {
                (!a.is_self).then(|| view! {
                    <form method="post" action=format!("/admin/accounts/{id}/deactivate")>
                        <button type="submit" class="danger">{td!(locale, moderation.accounts.deactivate)}</button>
                    </form>
                }.into_any())
            } else {
                Some(view! {
                    <form method="post" action=format!("/admin/accounts/{id}/activate")>
                        <button type="submit">{td!(locale, moderation.accounts.activate)}</button>
                    </form>
                }.into_any())
            };
            let input_id = format!("{}-{id}", AccountField::Password);
            view! {
                <tr>
                    <td>{a.display_name}{a.is_self.then(|| td_string!(locale, moderation.accounts.you))}</td>
                    <td>{a.email}</td>
                    <td>{locale::role_name(locale, a.role)}</td>
                    <td>{if a.active { td_string!(locale, moderation.accounts.active) } else { td_string!(locale, moderation.accounts.inactive) }}</td>
                    <td>{a.created_on}</td>
                    <td class="account-actions">
                        {toggle}
                        <form method="post" action=format!("/admin/accounts/{id}/password") class="inline-form">
                            <label for=input_id.clone()>{td!(locale, moderation.accounts.new_password)}</label>
                            <input id=input_id type="password" name=AccountField::Password.name() autocomplete="new-password" minlength="12" required />
                            <button type="submit">{td!(locale, moderation.accounts.reset)}</button>
                            {reset_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let field = move |field: AccountField,
                      label: &'static str,
                      kind: &'static str,
                      value: String,
                      autocomplete: &'static str| {
        let name = field.name();
        let message = message_of(AccountInput::New(field));
        let class = field_class(message.is_some());
        view! {
            <div class=class>
                <label for=format!("new-{name}")>{label}</label>
                <input id=format!("new-{name}") name=name type=kind value=value autocomplete=autocomplete required />
                {message.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
        }
    };
    let is_admin = draft.role == AccountRole::Admin.slug();
    let role = AccountField::Role.name();
    view! {
        <Document meta>
            <StaffNav is_admin=true />
            <section class="staff-page">
                <h1>{td!(locale, moderation.accounts.title)}</h1>
                {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
                <div class="table-scroll">
                    <table class="accounts">
                        <thead><tr>
                            <th>{td!(locale, moderation.accounts.display_name)}</th>
                            <th>{td!(locale, moderation.accounts.email)}</th>
                            <th>{td!(locale, moderation.accounts.role)}</th>
                            <th>{td!(locale, moderation.accounts.active)}</th>
                            <th>{td!(locale, moderation.accounts.created)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <h2>{td!(locale, moderation.accounts.create_heading)}</h2>
                <form method="post" action="/admin/accounts" class="account-form">
                    {field(AccountField::Email, td_string!(locale, moderation.accounts.email), "email", draft.email, "off")}
                    {field(AccountField::DisplayName, td_string!(locale, moderation.accounts.display_name), "text", draft.display_name, "off")}
                    <div class="field">
                        <label for=format!("new-{role}")>{td!(locale, moderation.accounts.role)}</label>
                        <select id=format!("new-{role}") name=role>
                            <option value=AccountRole::Moderator.slug() selected=!is_admin>{td!(locale, moderation.accounts.moderator)}</option>
                            <option value=AccountRole::Admin.slug() selected=is_admin>{td!(locale, moderation.accounts.admin)}</option>
                        </select>
                    </div>
                    {field(AccountField::Password, td_string!(locale, moderation.accounts.password), "password", String::new(), "new-password")}
                    <div class="form-actions">
                        <button type="submit" class="primary">{td!(locale, moderation.accounts.create)}</button>
                    </div>
                </form>
            </section>
        </Document>
    }
}
