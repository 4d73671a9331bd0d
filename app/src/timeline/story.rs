//! `/stories/{id}`: one approved story, its then/now comparison, captions, credits, licence,
//! a QR code of its permalink, and related stories.

use super::heading::StoryHeading;
use super::recordings::StoryRecordings;
use super::slider::CompareSlider;
use crate::domain::{Licence, PhotoSlot, StoryId};
use crate::locale;
use crate::media::{PhotoView, Picture, RecordingView};

const COMPARE_SIZES: &str = "(min-width: 48rem) 46rem, 100vw";
use crate::submission::PhotoFigure;
use crate::ui::{Document, OpenGraph, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

#[derive(Debug, Clone)]
pub struct StoryView {
    pub heading: StoryHeading,
    pub body: String,
    pub licence: Licence,
    pub published_on: String,
    /// Ready photos, then before now, in order.
    pub photos: Vec<PhotoView>,
    pub recordings: Vec<RecordingView>,
}

#[derive(Debug, Clone)]
pub struct RelatedStory {
    pub id: StoryId,
    pub title: String,
    pub place: String,
}

#[component]
pub fn StoryPage(
    story: StoryView,
    related: Vec<RelatedStory>,
    /// Absolute address of this page.
    permalink: String,
    /// Absolute address of the share image (the "now" photo), if any.
    share_image: Option<String>,
) -> impl IntoView {
    let locale = current_locale();
    let h = story.heading.clone();
    let description: String = story.body.chars().take(120).collect();
    let pair =
        first_of(&story.photos, PhotoSlot::Then).zip(first_of(&story.photos, PhotoSlot::Now));
    let meta = PageMeta {
        title: h.title.clone(),
        description: Some(description.clone()),
        islands: pair.is_some() || story.recordings.iter().any(RecordingView::needs_islands),
        open_graph: Some(OpenGraph {
            title: h.title.clone(),
            description,
            url: permalink.clone(),
            image: share_image,
        }),
        ..PageMeta::default()
    };
    let paragraphs = story
        .body
        .split("\n\n")
        .map(|p| view! { <p>{p.to_owned()}</p> })
        .collect_view();
    let themes = h
        .themes
        .iter()
        .map(|t| view! { <li><a href=format!("/?theme={}", t.slug())>{locale::theme_name(locale, *t)}</a></li> })
        .collect_view();
    let years = h.years(locale);
    let others: Vec<PhotoView> = story
        .photos
        .iter()
        .filter(|p| {
            pair.as_ref()
                .is_none_or(|(then, now)| *p != then && *p != now)
        })
        .cloned()
        .collect();
    let place_href = format!("/?place={}", url_encode(&h.place));
    view! {
        <Document meta>
            <article class="story-page">
                <p><a href="/">{td!(locale, timeline.story.back)}</a></p>
                <h1>{h.title.clone()}</h1>
                <p class="card-years">{years}</p>
                <p class="card-credit">
                    {h.credit.clone()}{h.role.clone().map(|r| format!(" · {r}"))}
                    " · " <a href=place_href>{h.place.clone()}</a>
                </p>
                {pair.map(|(then, now)| view! { <Comparison then now /> })}
                <StoryRecordings locale recordings=story.recordings.clone() />
                <div class="story-body">{paragraphs}</div>
                {(!others.is_empty()).then(|| view! {
                    <section aria-labelledby="more-photos">
                        <h2 id="more-photos">{td!(locale, timeline.story.photos)}</h2>
                        <div class="photo-grid">{others.into_iter().map(|p| view! { <PhotoFigure photo=p /> }).collect_view()}</div>
                    </section>
                })}
                <dl class="details">
                    <dt>{td!(locale, timeline.story.themes)}</dt><dd><ul class="theme-list">{themes}</ul></dd>
                    <dt>{td!(locale, timeline.story.licence)}</dt>
                    <dd><span class="licence-badge">{locale::licence_name(locale, story.licence)}</span> " "
                        {locale::licence_description(locale, story.licence)}</dd>
                    <dt>{td!(locale, timeline.story.permalink)}</dt><dd><a href=permalink.clone()>{permalink.clone()}</a></dd>
                </dl>
                <p class="hint">{td_string!(locale, timeline.story.published, date = story.published_on).to_string()}</p>
                <figure class="qr">
                    <img class="qr-code" src=format!("/stories/{}/qr.svg", h.id)
                        alt="" width="160" height="160" loading="lazy"/>
                    <figcaption>{td!(locale, timeline.story.qr)}</figcaption>
                </figure>
                {(!related.is_empty()).then(|| view! {
                    <section class="related" aria-labelledby="related-heading">
                        <h2 id="related-heading">{td!(locale, timeline.story.related)}</h2>
                        <ul>
                            {related.into_iter().map(|r| view! {
                                <li><a href=format!("/stories/{}", r.id)>{r.title}</a> " · " {r.place}</li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
            </article>
        </Document>
    }
}

fn first_of(photos: &[PhotoView], slot: PhotoSlot) -> Option<PhotoView> {
    photos.iter().find(|p| p.slot == slot).cloned()
}

/// Percent-encodes a query value (places are free text).
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn Comparison(then: PhotoView, now: PhotoView) -> impl IntoView {
    let locale = current_locale();
    let label = td_string!(
        locale,
        timeline.story.compare_label,
        then = then.alt.clone(),
        now = now.alt.clone()
    )
    .to_string();
    let ratio = format!("--ratio:{} / {}", then.width.max(1), then.height.max(1));
    let caption = |p: &PhotoView, side: &'static str| {
        let words = [
            p.year.map(|y| locale::year(locale, y, false)),
            p.caption.clone(),
            p.credit.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        view! { <p><strong>{side}</strong> " " {words}</p> }
    };
    let then_caption = caption(&then, td_string!(locale, timeline.story.then));
    let now_caption = caption(&now, td_string!(locale, timeline.story.now));
    view! {
        <section class="comparison" aria-label=td_string!(locale, timeline.story.compare)>
            <CompareSlider locale label>
                <div class="compare-pair" style=ratio>
                    <figure class="compare-then"><Picture photo=then min_width=800 sizes=COMPARE_SIZES /></figure>
                    <figure class="compare-now"><Picture photo=now min_width=800 sizes=COMPARE_SIZES /></figure>
                </div>
            </CompareSlider>
            <div class="compare-captions">{then_caption}{now_caption}</div>
        </section>
    }
}
