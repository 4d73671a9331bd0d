//! A story as an OAI record: its header, and while it is public its simple Dublin Core
//! (`oai_dc`). The mapping is documented in docs/archive.md; a display-only story gives its
//! metadata and permalink but not its text.

use super::date::{datestamp, day};
use super::repository::Repository;
use super::request::set_spec;
use super::store::RecordRow;
use app::domain::{Licence, StoryId, Theme};
use app::locale::{Locale, theme_name};

pub struct Header {
    pub identifier: String,
    pub datestamp: String,
    pub sets: Vec<String>,
    pub deleted: bool,
}

/// The fifteen elements of simple Dublin Core that a story fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Title,
    Creator,
    Subject,
    Description,
    Publisher,
    Contributor,
    Date,
    Type,
    Identifier,
    Language,
    Coverage,
    Rights,
}

impl Element {
    /// Its name in the `dc` namespace.
    pub fn name(self) -> &'static str {
        match self {
            Element::Title => "dc:title",
            Element::Creator => "dc:creator",
            Element::Subject => "dc:subject",
            Element::Description => "dc:description",
            Element::Publisher => "dc:publisher",
            Element::Contributor => "dc:contributor",
            Element::Date => "dc:date",
            Element::Type => "dc:type",
            Element::Identifier => "dc:identifier",
            Element::Language => "dc:language",
            Element::Coverage => "dc:coverage",
            Element::Rights => "dc:rights",
        }
    }
}

/// One element with its value and, for words in a language, that language.
pub struct Field {
    pub element: Element,
    pub value: String,
    pub lang: Option<&'static str>,
}

pub struct Record {
    pub header: Header,
    /// `None` for a deleted record.
    pub metadata: Option<Vec<Field>>,
}

impl Record {
    pub fn of(row: RecordRow, repo: &Repository) -> Record {
        let header = header(&row, repo);
        let metadata = (!header.deleted).then(|| dublin_core(&row, repo));
        Record { header, metadata }
    }
}

pub fn header(row: &RecordRow, repo: &Repository) -> Header {
    Header {
        identifier: repo.identifier(StoryId(row.id)),
        datestamp: datestamp(row.changed),
        sets: row.themes.iter().map(|t| set_spec(*t)).collect(),
        deleted: !row.status.is_public(),
    }
}

fn field(element: Element, value: impl Into<String>) -> Field {
    Field {
        element,
        value: value.into(),
        lang: None,
    }
}

fn dublin_core(row: &RecordRow, repo: &Repository) -> Vec<Field> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let mut fields = vec![field(Element::Title, text(&row.title))];
    fields.extend(row.narrator.iter().map(|n| field(Element::Creator, n)));
    fields.extend(row.themes.iter().flat_map(|t| subjects(*t)));
    if row.licence != Licence::DisplayOnly {
        fields.push(field(Element::Description, text(&row.body)));
    }
    fields.push(field(Element::Publisher, repo.name.as_str()));
    fields.extend(
        row.interviewers
            .iter()
            .map(|n| field(Element::Contributor, n)),
    );
    fields.extend(row.published_at.map(|at| field(Element::Date, day(at))));
    fields.extend(types(row).into_iter().map(|t| field(Element::Type, t)));
    fields.push(field(Element::Identifier, repo.permalink(StoryId(row.id))));
    if is_chinese(row) {
        fields.push(field(Element::Language, "zh"));
    }
    fields.push(field(Element::Coverage, text(&row.place)));
    fields.push(field(Element::Coverage, temporal(row)));
    fields.push(field(Element::Rights, rights(row.licence)));
    fields
}

/// The theme's name in the site's two languages.
fn subjects(theme: Theme) -> [Field; 2] {
    [(Locale::zh_CN, "zh"), (Locale::en, "en")].map(|(locale, lang)| Field {
        element: Element::Subject,
        value: theme_name(locale, theme).to_string(),
        lang: Some(lang),
    })
}

/// DCMI types: the text always, the photos and the voice when there are.
pub(crate) fn types(row: &RecordRow) -> Vec<&'static str> {
    let mut types = vec!["Text"];
    if row.has_photos {
        types.push("StillImage");
    }
    if row.has_voice {
        types.push("Sound");
    }
    types
}

/// The decade told, as an EDTF interval: `2012/2022`, `2012~/2022` when "then" is approximate.
pub(crate) fn temporal(row: &RecordRow) -> String {
    let approx = if row.year_then_approx { "~" } else { "" };
    format!("{}{approx}/{}", row.year_then, row.year_now)
}

/// The licence's URI; a display-only story is in copyright (RightsStatements.org).
pub(crate) fn rights(licence: Licence) -> &'static str {
    match licence {
        Licence::CcBy => "https://creativecommons.org/licenses/by/4.0/",
        Licence::CcByNc => "https://creativecommons.org/licenses/by-nc/4.0/",
        Licence::DisplayOnly => "http://rightsstatements.org/vocab/InC/1.0/",
    }
}

/// Stories carry no language; one written with Chinese characters is Chinese.
pub(crate) fn is_chinese(row: &RecordRow) -> bool {
    let han = |c: char| matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}');
    [&row.title, &row.body]
        .into_iter()
        .flatten()
        .any(|text| text.chars().any(han))
}

/// For tests: a public story's row as the store gives it.
#[cfg(test)]
pub(crate) fn sample_row(licence: Licence) -> RecordRow {
    RecordRow {
        id: 12,
        status: app::domain::StoryStatus::Approved,
        changed: time::OffsetDateTime::UNIX_EPOCH,
        title: Some("从轮渡到过江隧道".into()),
        body: Some("那时候渡口还在 <b>&</b>".into()),
        place: Some("临江街道老渡口".into()),
        narrator: Some("老周".into()),
        year_then: 2012,
        year_then_approx: true,
        year_now: 2022,
        licence,
        published_at: Some(time::OffsetDateTime::UNIX_EPOCH),
        themes: vec![Theme::Transport],
        has_photos: true,
        has_voice: false,
        interviewers: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn values(record: &Record, element: Element) -> Vec<String> {
        let fields = record.metadata.as_ref().unwrap();
        fields
            .iter()
            .filter(|f| f.element == element)
            .map(|f| f.value.clone())
            .collect()
    }

    #[test]
    fn a_public_story_fills_the_mapping() {
        let repo = Repository::of(&Config::for_database("postgres://unused"));
        let record = Record::of(sample_row(Licence::CcBy), &repo);
        assert!(!record.header.deleted);
        assert_eq!(record.header.sets, ["theme:transport"]);
        assert_eq!(
            values(&record, Element::Coverage),
            ["临江街道老渡口", "2012~/2022"]
        );
        assert_eq!(values(&record, Element::Type), ["Text", "StillImage"]);
        assert_eq!(values(&record, Element::Language), ["zh"]);
        assert_eq!(values(&record, Element::Date), ["1970-01-01"]);
        assert_eq!(
            values(&record, Element::Identifier),
            ["http://127.0.0.1:3000/stories/12"]
        );
        assert_eq!(values(&record, Element::Subject).len(), 2);
        assert_eq!(values(&record, Element::Description).len(), 1);
    }

    #[test]
    fn display_only_keeps_its_text_and_deleted_keeps_everything() {
        let repo = Repository::of(&Config::for_database("postgres://unused"));
        let record = Record::of(sample_row(Licence::DisplayOnly), &repo);
        assert!(values(&record, Element::Description).is_empty());
        assert_eq!(
            values(&record, Element::Rights),
            ["http://rightsstatements.org/vocab/InC/1.0/"]
        );
        let mut gone = sample_row(Licence::CcBy);
        gone.status = app::domain::StoryStatus::Withdrawn;
        let record = Record::of(gone, &repo);
        assert!(record.header.deleted);
        assert!(record.metadata.is_none());
    }
}
