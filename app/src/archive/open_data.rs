//! `/data`: the open-data exports (the approved CC-licensed stories as BagIt bags), and for
//! admins (`/admin/open-data`) the same list with a button that asks for a new one.

use crate::domain::{OpenDataExport, OpenDataTrigger};
use crate::moderation::StaffNav;
use crate::ui::{Document, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// An export as the page shows it (its time as text).
pub type OpenDataRow = OpenDataExport<String>;

/// "12.3 MB", "840 KB": decimal units, as download sizes are usually given.
fn size_text(bytes: i64) -> String {
    if bytes >= 1_000_000 {
        format!("{}.{} MB", bytes / 1_000_000, (bytes % 1_000_000) / 100_000)
    } else {
        format!("{} KB", u64::try_from(bytes).unwrap_or(0).div_ceil(1000))
    }
}

/// One export as a list item of label/value pairs (a table of eight columns does not fit a phone).
fn export_item(export: OpenDataRow) -> impl IntoView {
    let locale = current_locale();
    let trigger = match export.trigger {
        OpenDataTrigger::Schedule => td_string!(locale, timeline.open_data.by_schedule),
        OpenDataTrigger::Admin => td_string!(locale, timeline.open_data.by_admin),
    };
    view! {
        <li>
            <dl>
                <dt>{td!(locale, timeline.open_data.made)}</dt>
                <dd>{export.made} <small>" · " {trigger}</small></dd>
                <dt>{td!(locale, timeline.open_data.stories)}</dt>
                <dd>{export.stories}</dd>
                <dt>{td!(locale, timeline.open_data.licences)}</dt>
                <dd>{format!("CC BY {} · CC BY-NC {}", export.cc_by, export.cc_by_nc)}</dd>
                <dt>{td!(locale, timeline.open_data.photos)}</dt>
                <dd>{export.photos}</dd>
                <dt>{td!(locale, timeline.open_data.recordings)}</dt>
                <dd>{export.recordings}</dd>
                <dt>{td!(locale, timeline.open_data.size)}</dt>
                <dd title=format!("{} B", export.bytes)>{size_text(export.bytes)}</dd>
                <dt>{td!(locale, timeline.open_data.sha256)}</dt>
                <dd><code class="hash">{export.sha256}</code></dd>
            </dl>
            <a href=export.href download="">{td!(locale, timeline.open_data.download)}</a>
        </li>
    }
}

/// `admin`: `None` on the public page; on the admins' page whether a request is waiting.
#[component]
pub fn OpenDataPage(
    exports: Vec<OpenDataRow>,
    /// `OPEN_DATA_INTERVAL_HOURS` (0: made only when an admin asks).
    interval_hours: u32,
    admin: Option<bool>,
) -> impl IntoView {
    let locale = current_locale();
    let title = if admin.is_some() {
        td_string!(locale, timeline.open_data.admin_title)
    } else {
        td_string!(locale, timeline.open_data.title)
    };
    let meta = PageMeta {
        title: title.to_owned(),
        noindex: admin.is_some(),
        ..PageMeta::default()
    };
    let schedule = if interval_hours == 0 {
        td_string!(locale, timeline.open_data.no_schedule).to_owned()
    } else {
        td_string!(locale, timeline.open_data.schedule, hours = interval_hours).to_string()
    };
    let latest = exports.first().map(|latest| {
        let label = format!(
            "{} ({})",
            td_string!(locale, timeline.open_data.latest),
            size_text(latest.bytes)
        );
        view! { <p><a class="button-link primary" href=latest.href.clone() download="">{label}</a></p> }
    });
    let empty = exports.is_empty();
    let items = exports.into_iter().map(export_item).collect_view();
    let nav = admin.map(|_| view! { <StaffNav is_admin=true /> });
    let controls = admin.map(|requested| {
        view! {
            <form method="post" action="/admin/open-data" class="inline-form">
                <button type="submit" class="primary">{td!(locale, timeline.open_data.make_now)}</button>
            </form>
            {requested.then(|| view! { <p class="notice" role="status">{td!(locale, timeline.open_data.requested)}</p> })}
            <p>{td!(locale, timeline.open_data.public_page)} <a href="/data">"/data"</a></p>
        }
    });
    view! {
        <Document meta>
            {nav}
            <section class="staff-page open-data">
                <h1>{title}</h1>
                {controls}
                <p>{td!(locale, timeline.open_data.intro)}</p>
                <p>{td!(locale, timeline.open_data.excluded)}</p>
                <p>{schedule}</p>
                {latest}
                {empty.then(|| view! { <p>{td!(locale, timeline.open_data.empty)}</p> })}
                <ul class="open-data-exports">{items}</ul>
                <p>{td!(locale, timeline.open_data.oai)} <a href="/oai?verb=Identify"><code>"/oai"</code></a></p>
            </section>
        </Document>
    }
}

#[cfg(test)]
mod tests {
    use super::size_text;

    #[test]
    fn sizes_read_as_downloads_are_given() {
        assert_eq!(size_text(999), "1 KB");
        assert_eq!(size_text(999_999), "1000 KB");
        assert_eq!(size_text(1_000_000), "1.0 MB");
        assert_eq!(size_text(12_345_678), "12.3 MB");
    }
}
