//! What visitors see: the timeline of approved stories.

use crate::domain::{StoryId, Theme};
use crate::locale;
use crate::ui::{Document, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// One approved story as a timeline card shows it. Holds only public fields.
#[derive(Debug, Clone)]
pub struct StoryCard {
    pub id: StoryId,
    pub title: String,
    /// The narrator's name when they agreed to show it, else "a resident of {place}".
    pub credit: String,
    pub role: Option<String>,
    pub place: String,
    pub year_then: i32,
    pub year_then_approx: bool,
    pub year_now: i32,
    pub themes: Vec<Theme>,
}

#[component]
pub fn HomePage(stories: Vec<StoryCard>) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: String::new(),
        description: Some(td_string!(locale, timeline.home.intro).to_owned()),
        ..PageMeta::default()
    };
    view! {
        <Document meta>
            <section class="hero">
                <h1>{td!(locale, timeline.home.title)}</h1>
                <p class="lead">{td!(locale, timeline.home.intro)}</p>
                <p><a class="button-link primary" href="/submit">{td!(locale, timeline.home.cta)}</a></p>
            </section>
            <ol class="timeline">
                {stories.into_iter().map(|card| view! { <Card card /> }).collect_view()}
            </ol>
        </Document>
    }
}

#[component]
fn Card(card: StoryCard) -> impl IntoView {
    let locale = current_locale();
    let years = format!(
        "{} → {}",
        locale::year(locale, card.year_then, card.year_then_approx),
        locale::year(locale, card.year_now, false)
    );
    let themes = card
        .themes
        .iter()
        .map(|t| view! { <li>{locale::theme_name(locale, *t)}</li> })
        .collect_view();
    view! {
        <li class="story-card">
            <p class="card-years">{years}</p>
            <h2><a href=format!("/stories/{}", card.id)>{card.title}</a></h2>
            <p class="card-credit">{card.credit}{card.role.map(|r| format!(" · {r}"))} " · " {card.place}</p>
            <ul class="theme-list">{themes}</ul>
        </li>
    }
}
