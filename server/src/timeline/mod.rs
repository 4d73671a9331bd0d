//! The public timeline of approved stories.

use crate::state::AppState;
use crate::web::render::{public_html, render_page};
use crate::web::{AppError, RequestLocale};
use app::domain::{StoryId, Theme};
use app::locale;
use app::timeline::{HomePage, StoryCard};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use leptos::prelude::*;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(
    State(state): State<AppState>,
    RequestLocale(locale): RequestLocale,
) -> Result<Response, AppError> {
    let rows = sqlx::query!(
        r#"select s.id, s.title as "title!", s.place as "place!", s.narrator_name, s.show_name, s.role,
                  s.year_then, s.year_then_approx, s.year_now,
                  array(select t.theme from story_themes t where t.story_id = s.id order by t.theme) as "themes!: Vec<Theme>"
           from stories s where s.status = 'approved'
           order by s.year_now desc, s.id desc limit 50"#
    )
    .fetch_all(&state.db)
    .await?;
    let stories: Vec<StoryCard> = rows
        .into_iter()
        .map(|r| StoryCard {
            id: StoryId(r.id),
            credit: match (r.show_name, r.narrator_name) {
                (true, Some(name)) => name,
                _ => locale::anonymous_credit(locale, &r.place),
            },
            title: r.title,
            role: r.role,
            place: r.place,
            year_then: i32::from(r.year_then),
            year_then_approx: r.year_then_approx,
            year_now: i32::from(r.year_now),
            themes: r.themes,
        })
        .collect();
    let page = render_page(&state, locale, "/", move || view! { <HomePage stories /> });
    Ok(public_html(StatusCode::OK, page))
}
