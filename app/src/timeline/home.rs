//! `/`: approved stories along the years, newest "now" first, with filters, search and a
//! "more" link (keyset pagination; the `MoreLoader` island turns it into infinite scroll).

use super::heading::StoryHeading;
use super::more::MoreLoader;
use crate::domain::{Theme, TimelineField};
use crate::locale;
use crate::media::{PhotoView, Picture, SpokenLength};
use crate::ui::{Document, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// One approved story as a timeline card shows it.
#[derive(Debug, Clone)]
pub struct StoryCard {
    pub heading: StoryHeading,
    pub excerpt: String,
    pub featured: bool,
    pub then_photo: Option<PhotoView>,
    pub now_photo: Option<PhotoView>,
    /// How long the recordings the public may hear last ("recording · 12 min").
    pub recording_length: Option<SpokenLength>,
}

/// The filters as typed, so the form shows them again.
#[derive(Debug, Clone, Default)]
pub struct TimelineFilters {
    pub theme: Option<Theme>,
    pub place: String,
    pub from: String,
    pub to: String,
    pub q: String,
    /// A search was typed but had no word of two characters.
    pub search_too_short: bool,
    /// Only stories with a recording the public may hear.
    pub voice: bool,
    pub active: bool,
    /// The search stopped at this many candidates before it filled the page.
    pub truncated_at: Option<u32>,
}

/// The years the span bars are drawn against.
const SCALE_START: i32 = 1980;

#[component]
pub fn HomePage(
    stories: Vec<StoryCard>,
    filters: TimelineFilters,
    places: Vec<String>,
    /// The next page (root-relative, filters kept), when there is one.
    more_href: Option<String>,
    latest_year: i32,
) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: String::new(),
        description: Some(td_string!(locale, timeline.home.intro).to_owned()),
        islands: more_href.is_some(),
        alternate: Some(("application/atom+xml", "/feed.atom".to_owned())),
        ..PageMeta::default()
    };
    let truncated_at = filters.truncated_at;
    let empty = stories.is_empty() && truncated_at.is_none();
    view! {
        <Document meta>
            <section class="hero">
                <h1>{td!(locale, timeline.home.title)}</h1>
                <p class="lead">{td!(locale, timeline.home.intro)}</p>
                <p><a class="button-link primary" href="/submit">{td!(locale, timeline.home.cta)}</a></p>
            </section>
            <FilterForm filters places />
            {empty.then(|| view! { <p class="empty">{td!(locale, timeline.results.empty)}</p> })}
            {truncated_at.map(|n| view! {
                <p class="empty truncated">{td_string!(locale, timeline.results.truncated, n = n).to_string()}</p>
            })}
            <ol class="timeline" id="timeline">
                <StoryCards stories latest_year />
            </ol>
            {more_href.map(|href| view! {
                <MoreLoader locale>
                    <p class="more"><a rel="next" href=href>{td!(locale, timeline.results.more)}</a></p>
                </MoreLoader>
            })}
        </Document>
    }
}

/// The cards alone: the page's list, and what `MoreLoader` appends.
#[component]
pub fn StoryCards(stories: Vec<StoryCard>, latest_year: i32) -> impl IntoView {
    stories
        .into_iter()
        .map(|card| view! { <Card card latest_year /> })
        .collect_view()
}

#[component]
fn FilterForm(filters: TimelineFilters, places: Vec<String>) -> impl IntoView {
    let locale = current_locale();
    let themes = Theme::ALL
        .iter()
        .map(|t| view! { <option value=t.slug() selected=filters.theme == Some(*t)>{locale::theme_name(locale, *t)}</option> })
        .collect_view();
    let place_options = places
        .into_iter()
        .map(|p| view! { <option value=p></option> })
        .collect_view();
    let [q, theme, place, from, to, voice] = [
        TimelineField::Q,
        TimelineField::Theme,
        TimelineField::Place,
        TimelineField::From,
        TimelineField::To,
        TimelineField::Voice,
    ]
    .map(TimelineField::name);
    let q_error = format!("{q}-error");
    view! {
        <form class="timeline-filters" method="get" action="/" role="search">
            <div class="field search-field">
                <label for=q>{td!(locale, timeline.filters.search)}</label>
                <input id=q name=q type="search" value=filters.q maxlength="50"
                    placeholder=td_string!(locale, timeline.filters.search_hint) aria-describedby=q_error.clone() />
                <p id=q_error class="field-error" role="alert">
                    {filters.search_too_short.then(|| td_string!(locale, timeline.filters.search_too_short))}
                </p>
            </div>
            <div class="field">
                <label for=theme>{td!(locale, timeline.filters.theme)}</label>
                <select id=theme name=theme>
                    <option value="">{td!(locale, timeline.filters.any_theme)}</option>
                    {themes}
                </select>
            </div>
            <div class="field">
                <label for=place>{td!(locale, timeline.filters.place)}</label>
                <input id=place name=place type="text" list="places" value=filters.place maxlength="100" />
                <datalist id="places">{place_options}</datalist>
            </div>
            <div class="field year-range">
                <label for=from>{td!(locale, timeline.filters.from)}</label>
                <input id=from name=from type="number" inputmode="numeric" min="1900" max="2100" value=filters.from />
                <label for=to>{td!(locale, timeline.filters.to)}</label>
                <input id=to name=to type="number" inputmode="numeric" min="1900" max="2100" value=filters.to />
            </div>
            <div class="field check voice-filter">
                <input id=voice name=voice type="checkbox" value="1" checked=filters.voice />
                <label for=voice>{td!(locale, timeline.filters.voice)}</label>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">{td!(locale, timeline.filters.apply)}</button>
                {filters.active.then(|| view! { <a href="/">{td!(locale, timeline.filters.clear)}</a> })}
            </div>
        </form>
    }
}

#[component]
fn Card(card: StoryCard, latest_year: i32) -> impl IntoView {
    let locale = current_locale();
    let h = card.heading;
    let years = h.years(locale);
    let themes = h
        .themes
        .iter()
        .map(|t| view! { <li>{locale::theme_name(locale, *t)}</li> })
        .collect_view();
    let range = f64::from((latest_year - SCALE_START).max(1));
    let left = f64::from((h.year_then - SCALE_START).max(0)) / range * 100.0;
    let width = (f64::from(h.year_now - h.year_then) / range * 100.0).max(2.0);
    let bar = format!("margin-left:{left:.1}%;width:{width:.1}%");
    let thumbs = [card.then_photo, card.now_photo]
        .into_iter()
        .flatten()
        .map(|p| view! { <Picture photo=p min_width=400 sizes="(min-width: 40rem) 12rem, 45vw" /> })
        .collect_view();
    view! {
        <li class="story-card" class:featured=card.featured>
            <p class="card-years">{years}</p>
            <div class="span-bar" aria-hidden="true"><span style=bar></span></div>
            <div class="card-thumbs">{thumbs}</div>
            <h2><a href=format!("/stories/{}", h.id)>{h.title}</a></h2>
            <p class="card-credit">{h.credit}{h.role.map(|r| format!(" · {r}"))} " · " {h.place}</p>
            {card.recording_length.map(|length| view! {
                <p class="recording-badge">{td_string!(locale, timeline.recording.badge, length = length.label(locale)).to_string()}</p>
            })}
            <p class="card-excerpt">{card.excerpt}</p>
            <ul class="theme-list">{themes}</ul>
        </li>
    }
}
