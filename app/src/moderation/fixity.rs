//! `/admin/fixity`: the latest fixity passes over the originals and what they found.

use super::nav::StaffNav;
use crate::domain::{FixityProblem, FixityRun};
use crate::locale;
use crate::ui::{Document, PageMeta, current_locale};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};

/// A run as the page shows it (dates as text).
pub type FixityRunRow = FixityRun<String>;

fn problem_item(problem: FixityProblem) -> impl IntoView {
    let locale = current_locale();
    let href = format!("/moderate/stories/{}", problem.story);
    view! {
        <li>
            {locale::fixity_problem_name(locale, problem.kind)} " · "
            {locale::media_object_name(locale, problem.object)} {format!(" {} · ", problem.object_id)}
            <a href=href>{format!("#{}", problem.story)}</a> " · "
            <code>{format!("originals/{}", problem.original_key)}</code>
        </li>
    }
}

#[component]
pub fn FixityPage(
    runs: Vec<FixityRunRow>,
    /// `FIXITY_INTERVAL_HOURS` (0: no scheduled pass).
    interval_hours: u32,
) -> impl IntoView {
    let locale = current_locale();
    let meta = PageMeta {
        title: td_string!(locale, moderation.fixity.title).to_owned(),
        noindex: true,
        ..PageMeta::default()
    };
    let schedule = if interval_hours == 0 {
        td_string!(locale, moderation.fixity.no_schedule).to_owned()
    } else {
        td_string!(locale, moderation.fixity.schedule, hours = interval_hours).to_string()
    };
    let empty = runs.is_empty();
    let rows = runs
        .into_iter()
        .map(|run| {
            let finished = run
                .finished
                .unwrap_or_else(|| td_string!(locale, moderation.fixity.not_finished).to_owned());
            let problems = (!run.problems.is_empty()).then(|| {
                let items = run.problems.into_iter().map(problem_item).collect_view();
                view! { <tr class="fixity-problems"><td colspan="7"><ul>{items}</ul></td></tr> }
            });
            let trouble = run.missing > 0 || run.changed > 0;
            view! {
                <tr class:fixity-trouble=trouble>
                    <td>{run.started}</td>
                    <td>{finished}</td>
                    <td>{locale::fixity_trigger_name(locale, run.trigger)}</td>
                    <td>{run.files}</td>
                    <td title=format!("{} B", run.bytes)>{format!("{} MB", run.bytes / 1_000_000)}</td>
                    <td>{run.missing}</td>
                    <td>{run.changed}</td>
                </tr>
                {problems}
            }
        })
        .collect_view();
    view! {
        <Document meta>
            <StaffNav is_admin=true />
            <section class="staff-page">
                <h1>{td!(locale, moderation.fixity.title)}</h1>
                <p>{td!(locale, moderation.fixity.intro)} " " {schedule}</p>
                {empty.then(|| view! { <p>{td!(locale, moderation.fixity.empty)}</p> })}
                <div class="table-scroll">
                    <table class="audit fixity">
                        <thead><tr>
                            <th>{td!(locale, moderation.fixity.started)}</th>
                            <th>{td!(locale, moderation.fixity.finished)}</th>
                            <th>{td!(locale, moderation.fixity.trigger)}</th>
                            <th>{td!(locale, moderation.fixity.files)}</th>
                            <th>{td!(locale, moderation.fixity.bytes)}</th>
                            <th>{td!(locale, moderation.fixity.missing)}</th>
                            <th>{td!(locale, moderation.fixity.changed)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        </Document>
    }
}
