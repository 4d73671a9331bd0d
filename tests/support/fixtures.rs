//! Fixture builders. `app.story().with(Field::Place, "江北").with_photo_pair().approved()
//! .create().await` submits through the real `POST /submit` (every rule runs), then moves the
//! story on as a moderator's decision would, and returns typed ids.

use super::{TestApp, fixture, location, valid_story};
use app::domain::{Field, PhotoPart, PhotoSlot, StoryId, StoryStatus};
use reqwest::StatusCode;

/// A story being described; nothing is stored before `create`.
#[must_use]
pub struct StoryFixture<'a> {
    app: &'a TestApp,
    fields: Vec<(&'static str, String)>,
    photo_pair: bool,
    status: StoryStatus,
}

/// A story the builder stored.
pub struct Created {
    pub id: StoryId,
    /// `/track/{token}`.
    pub tracking: String,
}

impl TestApp {
    /// A valid story (`valid_story()`), pending until told otherwise.
    pub fn story(&self) -> StoryFixture<'_> {
        StoryFixture {
            app: self,
            fields: valid_story(),
            photo_pair: false,
            status: StoryStatus::Pending,
        }
    }

    /// Moves a story to `status` as a moderator's decision would (a new version; published
    /// once public), without the review pages.
    pub async fn set_status(&self, id: StoryId, status: StoryStatus) {
        sqlx::query(
            "update stories set status = $2, version = version + 1,
                    published_at = case when story_is_public($2) then coalesce(published_at, now()) end
             where id = $1",
        )
        .bind(id)
        .bind(status)
        .execute(&self.db)
        .await
        .expect("set the story's status");
    }

    /// The newest story's id.
    pub async fn last_story(&self) -> StoryId {
        sqlx::query_scalar("select max(id) from stories")
            .fetch_one(&self.db)
            .await
            .expect("a story")
    }
}

impl StoryFixture<'_> {
    /// Replaces one field's value.
    pub fn with(mut self, field: Field, value: &str) -> Self {
        self.fields.retain(|(name, _)| *name != field.name());
        self.fields.push((field.name(), value.to_owned()));
        self
    }

    pub fn titled(self, title: &str) -> Self {
        self.with(Field::Title, title)
    }

    /// A then photo (`camera_gray.jpg`, with every word filled in) and a now photo
    /// (`astronaut_2048.png`, only its description).
    pub fn with_photo_pair(mut self) -> Self {
        self.photo_pair = true;
        let then = PhotoSlot::Then;
        let now = PhotoSlot::Now;
        self.fields.extend(
            [
                (then.part(PhotoPart::Alt), "雾里的渡船停在老码头"),
                (then.part(PhotoPart::Year), "2012"),
                (then.part(PhotoPart::Caption), "停航的早晨"),
                (then.part(PhotoPart::Credit), "老周"),
                (now.part(PhotoPart::Alt), "过江隧道口的地铁站"),
                (now.part(PhotoPart::Year), ""),
                (now.part(PhotoPart::Caption), ""),
                (now.part(PhotoPart::Credit), ""),
            ]
            .map(|(field, value)| (field.name(), value.to_owned())),
        );
        self
    }

    pub fn approved(self) -> Self {
        self.in_status(StoryStatus::Approved)
    }

    pub fn in_status(mut self, status: StoryStatus) -> Self {
        self.status = status;
        self
    }

    /// Submits the story (running its photo jobs), then sets its status; its ids.
    pub async fn create(self) -> Created {
        let app = self.app;
        let response = if self.photo_pair {
            let files = [
                (
                    PhotoSlot::Then.field().name(),
                    "then.jpg",
                    fixture("camera_gray.jpg"),
                ),
                (
                    PhotoSlot::Now.field().name(),
                    "now.png",
                    fixture("astronaut_2048.png"),
                ),
            ];
            app.post_with_files("/submit", &self.fields, &files).await
        } else {
            app.post_form("/submit", &self.fields).await
        };
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "the fixture story is valid"
        );
        let tracking = location(&response);
        if self.photo_pair {
            app.run_photo_jobs().await;
        }
        let id = app.last_story().await;
        if self.status != StoryStatus::Pending {
            app.set_status(id, self.status).await;
        }
        Created { id, tracking }
    }
}
