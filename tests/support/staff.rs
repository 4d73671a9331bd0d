//! Moderator and admin accounts for tests, and clients signed in as them.

use super::{TestApp, location};
use app::domain::{
    AccountField, AccountId, AccountRole, DisplayName, Email, NewPassword, ReviewField,
    SignInField, StoryId, StoryStatus,
};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use server::accounts::store::{self, Created};
use server::audit::account::By;
use sqlx::PgPool;

pub const PASSWORD: &str = "a long test password 长";

pub async fn create_account(db: &PgPool, email: &str, name: &str, role: AccountRole) -> AccountId {
    let password = NewPassword::parse(PASSWORD, &[]).expect("valid password");
    let hash = server::accounts::password::hash(&password)
        .await
        .expect("hash");
    let email = Email::parse(email).expect("valid email");
    let name = DisplayName::parse(name).expect("valid name");
    match store::create(db, &email, &name, role, &hash, By::CommandLine)
        .await
        .expect("create")
    {
        Created::New(id) => id,
        Created::EmailTaken => panic!("email taken"),
    }
}

/// A client that keeps cookies and does not follow redirects.
pub fn browser_like_client() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

impl TestApp {
    /// Signs in and returns the client holding the session.
    pub async fn login_as(&self, email: &str) -> Client {
        let client = browser_like_client();
        let response = self.sign_in(&client, email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {email}"
        );
        client
    }

    /// Creates the moderator `mod@example.org` (审核员甲) and signs in as them.
    pub async fn moderator_signed_in(&self) -> Client {
        create_account(
            &self.db,
            "mod@example.org",
            "审核员甲",
            AccountRole::Moderator,
        )
        .await;
        self.login_as("mod@example.org").await
    }

    /// Posts the sign-in form as `client`; the response, whatever it is.
    pub async fn sign_in(&self, client: &Client, email: &str, password: &str) -> Response {
        self.post_form_with(client, "/login", &[], &sign_in_form(email, password))
            .await
    }

    /// Posts to `path` as `client` with no body (claim, deactivate, …).
    pub async fn post_action(&self, client: &Client, path: &str) -> Response {
        client.post(self.url(path)).send().await.expect("POST")
    }

    /// The body of `GET path` as `client`.
    pub async fn page_as(&self, client: &Client, path: &str) -> String {
        self.get_with(client, path, &[])
            .await
            .text()
            .await
            .expect("body")
    }

    /// Posts the admin's form that creates a moderator account.
    pub async fn add_moderator(
        &self,
        admin: &Client,
        email: &str,
        name: &str,
        password: &str,
    ) -> Response {
        let form = [
            (AccountField::Email.name(), email),
            (AccountField::DisplayName.name(), name),
            (AccountField::Role.name(), "moderator"),
            (AccountField::Password.name(), password),
        ];
        self.post_form_with(admin, "/admin/accounts", &[], &form)
            .await
    }

    /// Submits `valid_story()` with this title; its id and tracking path.
    pub async fn submit_story(&self, title: &str) -> (StoryId, String) {
        let created = self.story().titled(title).create().await;
        (created.id, created.tracking)
    }

    pub async fn story_status(&self, id: StoryId) -> StoryStatus {
        sqlx::query_scalar("select status from stories where id = $1")
            .bind(id)
            .fetch_one(&self.db)
            .await
            .expect("status")
    }

    pub async fn story_version(&self, id: StoryId) -> i32 {
        sqlx::query_scalar::<_, i32>("select version from stories where id = $1")
            .bind(id.0)
            .fetch_one(&self.db)
            .await
            .expect("version")
    }

    /// `(action, from, to, moderator)` of every audit entry of a story, oldest first.
    pub async fn audit_of(
        &self,
        id: StoryId,
    ) -> Vec<(String, Option<String>, Option<String>, Option<i64>)> {
        sqlx::query_as::<_, (String, Option<String>, Option<String>, Option<i64>)>(
            "select action::text, from_status::text, to_status::text, moderator_id
             from story_audit_log where story_id = $1 order by id",
        )
        .bind(id.0)
        .fetch_all(&self.db)
        .await
        .expect("audit")
    }
}

/// Posts a decision as `client` and returns the response.
pub async fn decide(
    app: &TestApp,
    client: &Client,
    id: StoryId,
    version: i32,
    decision: &str,
    message: &str,
) -> Response {
    client
        .post(app.url(&format!("/moderate/stories/{id}/decide")))
        .form(&[
            (ReviewField::Decision.name(), decision),
            (ReviewField::Version.name(), &version.to_string()),
            (ReviewField::Message.name(), message),
        ])
        .send()
        .await
        .expect("POST decide")
}

/// The sign-in form's fields.
pub fn sign_in_form(email: &str, password: &str) -> Vec<(&'static str, String)> {
    vec![
        (SignInField::Email.name(), email.to_owned()),
        (SignInField::Password.name(), password.to_owned()),
    ]
}

/// The `name=value` of the session cookie a response sets.
pub fn session_cookie(response: &Response) -> String {
    set_cookie(response)
        .split(';')
        .next()
        .expect("a cookie")
        .to_owned()
}

/// The whole `Set-Cookie` header of a response.
pub fn set_cookie(response: &Response) -> String {
    response.headers()["set-cookie"]
        .to_str()
        .expect("an ASCII cookie")
        .to_owned()
}

pub fn redirects_to_login(response: &Response) -> bool {
    response.status() == StatusCode::SEE_OTHER && location(response).starts_with("/login")
}
