//! `server create-admin --email EMAIL [--name NAME]`: the first admin. The password comes from
//! `ADMIN_PASSWORD` when set, else from a prompt that does not echo; never from an argument.

use super::{password, store};
use app::domain::{AccountId, DisplayName, Email, NewPassword};
use sqlx::PgPool;

pub async fn create_admin(
    db: &PgPool,
    email: &str,
    name: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let typed = match std::env::var("ADMIN_PASSWORD") {
        Ok(value) if !value.is_empty() => value,
        _ => rpassword::prompt_password("Password for the new admin (12 characters or more): ")?,
    };
    let (id, email) = create_admin_with_password(db, email, name, &typed).await?;
    println!(
        "admin account {id} ready: sign in at /login as {}",
        email.as_str()
    );
    Ok(())
}

/// What `create-admin` does once it has the password: the same rules as the admin's form.
pub async fn create_admin_with_password(
    db: &PgPool,
    email: &str,
    name: Option<&str>,
    typed: &str,
) -> Result<(AccountId, Email), Box<dyn std::error::Error>> {
    let email = Email::parse(email).map_err(|e| format!("--email: {e:?}"))?;
    let default_name = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or("admin")
        .to_owned();
    let name =
        DisplayName::parse(name.unwrap_or(&default_name)).map_err(|e| format!("--name: {e:?}"))?;
    let new_password =
        NewPassword::parse(typed, &[email.as_str(), name.as_str()]).map_err(|e| {
            format!(
                "password: {}",
                app::locale::field_error(app::locale::Locale::en, e)
            )
        })?;
    let hash = password::hash(&new_password).await?;
    let id = store::upsert_admin(db, &email, &name, &hash).await?;
    Ok((id, email))
}
