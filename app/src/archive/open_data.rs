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

fn export_row(export: OpenDataRow) -> impl IntoView {
    let locale = current_locale();
    let trigger = match export.trigger {
        OpenDataTrigger::Schedule => td_string!(locale, timeline.open_data.by_schedule),
        OpenDataTrigger::Admin => td_string!(locale, timeline.open_data.by_admin),
    };
    view! {
        <tr>
            <td>{export.made} <small>" · " {trigger}</small></td>
            <td>{export.stories}</td>
            <td>{format!("CC BY {} · CC BY-NC {}", export.cc_by, export.cc_by_nc)}</td>
            <td>{export.photos}</td>
            <td>{export.recordings}</td>
            <td title=format!("{} B", export.bytes)>{size_text(export.bytes)}</td>
            <td><code class="hash">{export.sha256}</code></td>
            <td><a href=export.href download="">{td!(locale, timeline.open_data.download)}</a></td>
        </tr>
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
    let rows = exports.into_iter().map(export_row).collect_view();
    let admin_part = admin.map(|requested| {
        view! {
            <StaffNav is_admin=true />
            <form method="post" action="/admin/open-data" class="inline-form">
                <button type="submit">{td!(locale, timeline.open_data.make_now)}</button>
            </form>
            {requested.then(|| view! { <p class="notice" role="status">{td!(locale, timeline.open_data.requested)}</p> })}
            <p>{td!(locale, timeline.open_data.public_page)} <a href="/data">"/data"</a></p>
        }
    });
    view! {
        <Document meta>
            <section class="staff-page open-data">
                {admin_part}
                <h1>{title}</h1>
                <p>{td!(locale, timeline.open_data.intro)}</p>
                <p>{td!(locale, timeline.open_data.excluded)}</p>
                <p>{schedule}</p>
                {latest}
                {empty.then(|| view! { <p>{td!(locale, timeline.open_data.empty)}</p> })}
                {(!empty).then(|| view! {
                    <div class="table-scroll">
                        <table class="audit">
                            <thead><tr>
                                <th>{td!(locale, timeline.open_data.made)}</th>
                                <th>{td!(locale, timeline.open_data.stories)}</th>
                                <th>{td!(locale, timeline.open_data.licences)}</th>
                                <th>{td!(locale, timeline.open_data.photos)}</th>
                                <th>{td!(locale, timeline.open_data.recordings)}</th>
                                <th>{td!(locale, timeline.open_data.size)}</th>
                                <th>{td!(locale, timeline.open_data.sha256)}</th>
                                <th>{td!(locale, timeline.open_data.download)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                })}
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
