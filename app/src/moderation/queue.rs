//! `/moderate`: pending stories oldest first, with counts per status, filters and bulk actions.

use super::nav::StaffNav;
use crate::domain::{
    Claim, Decision, QueueField, ReviewField, StoryId, StoryStatus, StoryVersion, Theme,
};
use crate::locale;
use crate::ui::{Document, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

#[derive(Debug, Clone)]
pub struct QueueFilter {
    pub status: StoryStatus,
    pub theme: Option<Theme>,
    pub place: String,
    pub has_photos: bool,
    pub assisted: bool,
}

#[derive(Debug, Clone)]
pub struct QueueItem {
    pub id: StoryId,
    pub version: StoryVersion,
    pub title: String,
    pub place: String,
    pub excerpt: String,
    pub submitted_on: String,
    pub themes: Vec<Theme>,
    pub photos: i64,
    pub assisted: bool,
    pub claim: Claim,
}

#[derive(Debug, Clone, Copy)]
pub struct QueueNotice {
    pub done: usize,
    pub skipped: usize,
}

const LISTED: [StoryStatus; 5] = [
    StoryStatus::Pending,
    StoryStatus::ChangesRequested,
    StoryStatus::Approved,
    StoryStatus::Unpublished,
    StoryStatus::Rejected,
];

#[component]
pub fn QueuePage(
    items: Vec<QueueItem>,
    counts: Vec<(StoryStatus, i64)>,
    filter: QueueFilter,
    notice: Option<QueueNotice>,
    me_name: String,
    is_admin: bool,
) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(locale, moderation.queue.title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    let count_of = |status| {
        counts
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    };
    let tabs = LISTED
        .into_iter()
        .map(|status| {
            let current = status == filter.status;
            view! {
                <li>
                    <a href=format!("/moderate?status={}", status.slug()) aria-current=current.then_some("page")>
                        {locale::status_name(locale, status)} " (" {count_of(status)} ")"
                    </a>
                </li>
            }
        })
        .collect_view();
    let pending = filter.status == StoryStatus::Pending;
    let theme_options = Theme::ALL
        .iter()
        .map(|t| view! { <option value=t.slug() selected=filter.theme == Some(*t)>{locale::theme_name(locale, *t)}</option> })
        .collect_view();
    let empty = items.is_empty();
    let list = items
        .into_iter()
        .map(|item| view! { <QueueRow item selectable=pending /> })
        .collect_view();
    view! {
        <Document meta>
            <StaffNav is_admin />
            <section class="staff-page queue">
                <h1>{td!(locale, moderation.queue.title)}</h1>
                <p class="hint">{td_string!(locale, moderation.nav.signed_in_as, name = me_name).to_string()}</p>
                {notice.map(|n| view! {
                    <p class="notice" role="status">{td_string!(locale, moderation.queue.done, done = n.done, skipped = n.skipped).to_string()}</p>
                })}
                <ul class="status-tabs">{tabs}</ul>
                <form method="get" action="/moderate" class="queue-filters">
                    <input type="hidden" name=QueueField::Status.name() value=filter.status.slug() />
                    <label>{td!(locale, moderation.queue.theme)} " "
                        <select name=QueueField::Theme.name()>
                            <option value="">{td!(locale, moderation.queue.any_theme)}</option>
                            {theme_options}
                        </select>
                    </label>
                    <label>{td!(locale, moderation.queue.place)} " "
                        <input type="search" name=QueueField::Place.name() value=filter.place.clone() maxlength="100" />
                    </label>
                    <label class="check"><input type="checkbox" name=QueueField::Photos.name() value="1" checked=filter.has_photos />{td!(locale, moderation.queue.has_photos)}</label>
                    <label class="check"><input type="checkbox" name=QueueField::Assisted.name() value="1" checked=filter.assisted />{td!(locale, moderation.queue.assisted)}</label>
                    <button type="submit">{td!(locale, moderation.queue.apply)}</button>
                </form>
                {empty.then(|| view! { <p>{td!(locale, moderation.queue.empty)}</p> })}
                <ol class="queue-list">{list}</ol>
                {(pending && !empty).then(|| view! { <BulkForm /> })}
            </section>
        </Document>
    }
}

#[component]
fn QueueRow(item: QueueItem, selectable: bool) -> impl IntoView {
    let locale = current_locale();
    let id = item.id;
    let claim = match &item.claim {
        Claim::Free => None,
        Claim::Mine => Some(td_string!(locale, moderation.queue.yours).to_owned()),
        Claim::Other(name) => Some(
            td_string!(locale, moderation.queue.being_reviewed, name = name.clone()).to_string(),
        ),
    };
    let themes = item
        .themes
        .iter()
        .map(|t| view! { <li>{locale::theme_name(locale, *t)}</li> })
        .collect_view();
    let select_id = format!("select-{id}");
    view! {
        <li class="queue-item">
            {selectable.then(|| view! {
                <input type="checkbox" id=select_id.clone() name=QueueField::Story.name() form="bulk" value=format!("{}:{}", id, item.version) />
                <label for=select_id.clone() class="visually-hidden">{td!(locale, moderation.queue.select)}</label>
            })}
            <div class="queue-body">
                <h2><a href=format!("/moderate/stories/{id}")>{item.title}</a></h2>
                <p class="queue-meta">
                    {item.place} " · " {td_string!(locale, moderation.queue.submitted, date = item.submitted_on).to_string()}
                    {(item.photos > 0).then(|| format!(" · {}", td_string!(locale, moderation.queue.photos, count = item.photos)))}
                    {item.assisted.then(|| format!(" · {}", td_string!(locale, moderation.queue.assisted_badge)))}
                </p>
                <ul class="theme-list">{themes}</ul>
                <p class="excerpt">{item.excerpt}</p>
                {claim.map(|c| view! { <p class="claim">{c}</p> })}
            </div>
            <form method="post" action=format!("/moderate/stories/{id}/claim")>
                <button type="submit">{td!(locale, moderation.queue.review)}</button>
            </form>
        </li>
    }
}

/// The selected items' checkboxes belong to this form through their `form` attribute, so the
/// per-item "review" forms need no nesting.
#[component]
fn BulkForm() -> impl IntoView {
    let locale = current_locale();
    view! {
        <form id="bulk" method="post" action="/moderate/bulk" class="bulk">
            <h2>{td!(locale, moderation.queue.bulk_heading)}</h2>
            <button type="submit" name=ReviewField::Decision.name() value=Decision::Approve.slug() class="primary">{td!(locale, moderation.queue.bulk_approve)}</button>
            <super::review::RejectFields prefix="bulk" />
            <button type="submit" name=ReviewField::Decision.name() value=Decision::Reject.slug() class="danger">{td!(locale, moderation.queue.bulk_reject)}</button>
        </form>
    }
}
