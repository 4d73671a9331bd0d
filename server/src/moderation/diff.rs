//! What a moderator sees changed between two versions of a story.

use crate::revisions::RevisionContent;
use app::domain::ContentField;
use app::moderation::FieldChange;

/// What differs between two versions of a story, field by field.
pub fn diff(before: &RevisionContent, after: &RevisionContent) -> Vec<FieldChange> {
    let years = |c: &RevisionContent| {
        format!(
            "{}{} → {}",
            c.year_then,
            if c.year_then_approx { "~" } else { "" },
            c.year_now
        )
    };
    let themes = |c: &RevisionContent| {
        c.themes
            .iter()
            .map(|t| t.slug())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let optional = |v: &Option<String>| v.clone().unwrap_or_default();
    let pairs = [
        (
            ContentField::Title,
            before.title.clone(),
            after.title.clone(),
        ),
        (ContentField::Body, before.body.clone(), after.body.clone()),
        (
            ContentField::Place,
            before.place.clone(),
            after.place.clone(),
        ),
        (
            ContentField::NarratorName,
            optional(&before.narrator_name),
            optional(&after.narrator_name),
        ),
        (
            ContentField::Role,
            optional(&before.role),
            optional(&after.role),
        ),
        (ContentField::Years, years(before), years(after)),
        (ContentField::Themes, themes(before), themes(after)),
    ];
    pairs
        .into_iter()
        .filter(|(_, b, a)| b != a)
        .map(|(field, before, after)| FieldChange {
            field,
            before,
            after,
        })
        .collect()
}
