//! A story's Dublin Core record in a bag (`dc.xml`): DCMI Metadata Terms (`dcterms`), richer
//! than OAI-PMH's simple `oai_dc` but from the same row (`story_records`) and the same mapping
//! helpers (`oai::dc`), so the consent rules and the display-only rule are the same.
//! The narrator and the interviewers are `dcterms:contributor`s, each also named with its MARC
//! relator role (`marcrel:ive`, `marcrel:ivr`: sub-properties of `dcterms:contributor`).

use crate::archive::oai::date::{datestamp, day};
use crate::archive::oai::dc::{is_chinese, rights, temporal, types};
use crate::archive::oai::repository::Repository;
use crate::archive::oai::store::RecordRow;
use crate::archive::oai::xml::xml_chars;
use app::domain::{Licence, StoryId};
use app::locale::{Locale, theme_name};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;
use time::OffsetDateTime;

const DCTERMS_NS: &str = "http://purl.org/dc/terms/";
const MARCREL_NS: &str = "http://id.loc.gov/vocabulary/relators/";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

type W = Writer<Vec<u8>>;

/// The record of a story that has content (not withdrawn); `modified` is its last public
/// change, if it was ever public.
pub fn record(row: &RecordRow, modified: Option<OffsetDateTime>, repo: &Repository) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::with_capacity(4096), b' ', 2);
    write(&mut w, row, modified, repo).expect("writing to memory cannot fail");
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

fn write(
    w: &mut W,
    row: &RecordRow,
    modified: Option<OffsetDateTime>,
    repo: &Repository,
) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("metadata")
        .with_attributes([
            ("xmlns:dcterms", DCTERMS_NS),
            ("xmlns:marcrel", MARCREL_NS),
            ("xmlns:xsi", XSI_NS),
        ])
        .write_inner_content(|w| {
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            element(w, "dcterms:title", &text(&row.title), &[])?;
            if row.licence != Licence::DisplayOnly {
                element(w, "dcterms:description", &text(&row.body), &[])?;
            }
            if let Some(narrator) = &row.narrator {
                element(w, "dcterms:contributor", narrator, &[])?;
                element(w, "marcrel:ive", narrator, &[])?;
            }
            for interviewer in &row.interviewers {
                element(w, "dcterms:contributor", interviewer, &[])?;
                element(w, "marcrel:ivr", interviewer, &[])?;
            }
            for theme in &row.themes {
                for (locale, lang) in [(Locale::zh_CN, "zh"), (Locale::en, "en")] {
                    let name = theme_name(locale, *theme);
                    element(w, "dcterms:subject", name, &[("xml:lang", lang)])?;
                }
            }
            element(w, "dcterms:publisher", &repo.name, &[])?;
            for kind in types(row) {
                element(w, "dcterms:type", kind, &[("xsi:type", "dcterms:DCMIType")])?;
            }
            if is_chinese(row) {
                element(
                    w,
                    "dcterms:language",
                    "zh",
                    &[("xsi:type", "dcterms:RFC5646")],
                )?;
            }
            element(w, "dcterms:spatial", &text(&row.place), &[])?;
            element(w, "dcterms:temporal", &temporal(row), &[])?;
            let licence = rights(row.licence);
            element(w, "dcterms:rights", licence, &[("xsi:type", "dcterms:URI")])?;
            let permalink = repo.permalink(StoryId(row.id));
            element(
                w,
                "dcterms:identifier",
                &permalink,
                &[("xsi:type", "dcterms:URI")],
            )?;
            if let Some(at) = row.published_at {
                element(
                    w,
                    "dcterms:issued",
                    &day(at),
                    &[("xsi:type", "dcterms:W3CDTF")],
                )?;
            }
            if let Some(at) = modified {
                element(
                    w,
                    "dcterms:modified",
                    &datestamp(at),
                    &[("xsi:type", "dcterms:W3CDTF")],
                )?;
            }
            Ok(())
        })?;
    Ok(())
}

fn element(w: &mut W, name: &str, value: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
    w.create_element(name)
        .with_attributes(attributes.iter().copied())
        .write_text_content(BytesText::new(&xml_chars(value)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::oai::dc::sample_row;
    use crate::config::Config;

    #[test]
    fn the_record_names_roles_and_the_decade() {
        let repo = Repository::of(&Config::for_database("postgres://unused"));
        let mut row = sample_row(Licence::CcBy);
        row.interviewers = vec!["小林".into()];
        let xml = String::from_utf8(record(&row, None, &repo)).expect("utf-8");
        for expected in [
            "<marcrel:ive>老周</marcrel:ive>",
            "<marcrel:ivr>小林</marcrel:ivr>",
            "<dcterms:temporal>2012~/2022</dcterms:temporal>",
            "<dcterms:spatial>临江街道老渡口</dcterms:spatial>",
            r#"<dcterms:subject xml:lang="en">Transport</dcterms:subject>"#,
            r#"<dcterms:rights xsi:type="dcterms:URI">https://creativecommons.org/licenses/by/4.0/</dcterms:rights>"#,
            "&lt;b&gt;&amp;&lt;/b&gt;",
        ] {
            assert!(xml.contains(expected), "{expected} in {xml}");
        }
        let hidden = record(&sample_row(Licence::DisplayOnly), None, &repo);
        let hidden = String::from_utf8(hidden).expect("utf-8");
        assert!(!hidden.contains("dcterms:description"));
    }
}
