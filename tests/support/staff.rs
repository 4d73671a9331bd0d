//! Moderator and admin accounts for tests, and clients signed in as them.

use super::{TestApp, location};
use app::domain::{
    AccountId, AccountRole, DisplayName, Email, NewPassword, ReviewField, SignInField, StoryId,
    StoryStatus,
};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use server::accounts::store::{self, Created};
use sqlx::PgPool;

pub const PASSWORD: &str = "a long test password 长";

pub async fn create_account(db: &PgPool, email: &str, name: &str, role: AccountRole) -> AccountId {
    let password = NewPassword::parse(PASSWORD, &[]).expect("valid password");
    let hash = server::accounts::password::hash(&password)
        .await
        .expect("hash");
    let email = Email::parse(email).expect("valid email");
    let name = DisplayName::parse(name).expect("valid name");
    match store::create(db, &email, &name, role, &hash)
        .await
        .expect("create")
    {
        Created::New(id) => id,
        Created::EmailTaken => panic!("email taken"),
    }
}

/// A client that keeps cookies and does not follow redirects.
pub fn browser_like_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .cookie_store(true)
        .build()
        .expect("client")
}

impl TestApp {
    /// Signs in and returns the client holding the session.
    pub async fn login_as(&self, email: &str) -> reqwest::Client {
        let client = browser_like_client();
        let response = client
            .post(self.url("/login"))
            .form(&[
                (SignInField::Email.name(), email),
                (SignInField::Password.name(), PASSWORD),
            ])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {email}"
        );
        client
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
    client: &reqwest::Client,
    id: StoryId,
    version: i32,
    decision: &str,
    message: &str,
) -> reqwest::Response {
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

pub fn redirects_to_login(response: &reqwest::Response) -> bool {
    response.status() == StatusCode::SEE_OTHER && location(response).starts_with("/login")
}
