//! The XML of every answer, written through quick-xml's `Writer`: text and attributes are
//! escaped by the writer, and characters XML 1.0 cannot hold are dropped first, so any story
//! text makes a well-formed document.

use super::date::datestamp;
use super::dc::{Field, Header, Record};
use super::repository::Repository;
use super::request::{MetadataPrefix, OaiError, set_spec};
use super::token::ResumptionToken;
use app::domain::Theme;
use app::locale::{Locale, theme_name};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;
use time::OffsetDateTime;

pub type XmlWriter = Writer<Vec<u8>>;
type Written = io::Result<()>;

const OAI_NS: &str = "http://www.openarchives.org/OAI/2.0/";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

/// What precedes every answer: when it was made and what it answers.
pub struct Envelope<'a> {
    pub response_date: OffsetDateTime,
    pub base_url: &'a str,
    /// The request's arguments, or none after badVerb and badArgument.
    pub echo: &'a [(String, String)],
}

/// A whole document: the envelope, then what `body` writes inside `OAI-PMH`.
pub fn document(envelope: &Envelope, body: impl FnOnce(&mut XmlWriter) -> Written) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::with_capacity(16 * 1024), b' ', 1);
    write_document(&mut w, envelope, body).expect("writing to memory cannot fail");
    w.into_inner()
}

fn write_document(
    w: &mut XmlWriter,
    envelope: &Envelope,
    body: impl FnOnce(&mut XmlWriter) -> Written,
) -> Written {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let schema = format!("{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd");
    w.create_element("OAI-PMH")
        .with_attributes([
            ("xmlns", OAI_NS),
            ("xmlns:xsi", XSI_NS),
            ("xsi:schemaLocation", schema.as_str()),
        ])
        .write_inner_content(|w| {
            text(w, "responseDate", &datestamp(envelope.response_date))?;
            let echo: Vec<(&str, String)> = envelope
                .echo
                .iter()
                .map(|(name, value)| (name.as_str(), xml_chars(value)))
                .collect();
            w.create_element("request")
                .with_attributes(echo.iter().map(|(n, v)| (*n, v.as_str())))
                .write_text_content(BytesText::new(envelope.base_url))?;
            body(w)
        })?;
    Ok(())
}

/// `<name>text</name>`.
fn text(w: &mut XmlWriter, name: &str, value: &str) -> Written {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_chars(value)))?;
    Ok(())
}

/// The text without the characters XML 1.0 forbids: C0 controls other than tab and line
/// breaks, U+FFFE and U+FFFF (a `str` holds no lone surrogates).
pub(crate) fn xml_chars(value: &str) -> String {
    value
        .chars()
        .filter(|c| match *c {
            '\t' | '\n' | '\r' => true,
            '\u{FFFE}' | '\u{FFFF}' => false,
            c => c >= ' ',
        })
        .collect()
}

pub fn error(w: &mut XmlWriter, error: &OaiError) -> Written {
    w.create_element("error")
        .with_attribute(("code", error.code.code()))
        .write_text_content(BytesText::new(&error.message))?;
    Ok(())
}

pub fn identify(w: &mut XmlWriter, repo: &Repository, earliest: OffsetDateTime) -> Written {
    w.create_element("Identify").write_inner_content(|w| {
        text(w, "repositoryName", &repo.name)?;
        text(w, "baseURL", &repo.base_url)?;
        text(w, "protocolVersion", "2.0")?;
        text(w, "adminEmail", &repo.admin_email)?;
        text(w, "earliestDatestamp", &datestamp(earliest))?;
        text(w, "deletedRecord", "persistent")?;
        text(w, "granularity", "YYYY-MM-DDThh:mm:ssZ")?;
        if repo.declares_identifier_scheme() {
            identifier_scheme(w, repo)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn identifier_scheme(w: &mut XmlWriter, repo: &Repository) -> Written {
    let ns = "http://www.openarchives.org/OAI/2.0/oai-identifier";
    let schema = format!("{ns} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd");
    w.create_element("description").write_inner_content(|w| {
        w.create_element("oai-identifier")
            .with_attributes([
                ("xmlns", ns),
                ("xmlns:xsi", XSI_NS),
                ("xsi:schemaLocation", schema.as_str()),
            ])
            .write_inner_content(|w| {
                text(w, "scheme", "oai")?;
                text(w, "repositoryIdentifier", &repo.host)?;
                text(w, "delimiter", ":")?;
                text(
                    w,
                    "sampleIdentifier",
                    &repo.identifier(app::domain::StoryId(1)),
                )
            })?;
        Ok(())
    })?;
    Ok(())
}

pub fn metadata_formats(w: &mut XmlWriter) -> Written {
    w.create_element("ListMetadataFormats")
        .write_inner_content(|w| {
            for prefix in MetadataPrefix::ALL {
                w.create_element("metadataFormat")
                    .write_inner_content(|w| {
                        text(w, "metadataPrefix", prefix.name())?;
                        text(w, "schema", prefix.schema())?;
                        text(w, "metadataNamespace", prefix.namespace())
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

/// One set per theme, named in Chinese and English.
pub fn sets(w: &mut XmlWriter) -> Written {
    w.create_element("ListSets").write_inner_content(|w| {
        for theme in Theme::ALL {
            let name = format!(
                "{} / {}",
                theme_name(Locale::zh_CN, *theme),
                theme_name(Locale::en, *theme)
            );
            w.create_element("set").write_inner_content(|w| {
                text(w, "setSpec", &set_spec(*theme))?;
                text(w, "setName", &name)
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

pub fn header(w: &mut XmlWriter, header: &Header) -> Written {
    let element = w.create_element("header");
    let element = if header.deleted {
        element.with_attribute(("status", "deleted"))
    } else {
        element
    };
    element.write_inner_content(|w| {
        text(w, "identifier", &header.identifier)?;
        text(w, "datestamp", &header.datestamp)?;
        for set in &header.sets {
            text(w, "setSpec", set)?;
        }
        Ok(())
    })?;
    Ok(())
}

pub fn record(w: &mut XmlWriter, record: &Record) -> Written {
    w.create_element("record").write_inner_content(|w| {
        header(w, &record.header)?;
        if let Some(fields) = &record.metadata {
            w.create_element("metadata")
                .write_inner_content(|w| dublin_core(w, fields))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn dublin_core(w: &mut XmlWriter, fields: &[Field]) -> Written {
    let prefix = MetadataPrefix::OaiDc;
    let schema = format!("{} {}", prefix.namespace(), prefix.schema());
    w.create_element("oai_dc:dc")
        .with_attributes([
            ("xmlns:oai_dc", prefix.namespace()),
            ("xmlns:dc", DC_NS),
            ("xmlns:xsi", XSI_NS),
            ("xsi:schemaLocation", schema.as_str()),
        ])
        .write_inner_content(|w| {
            for field in fields {
                let element = w.create_element(field.element.name());
                let element = match field.lang {
                    Some(lang) => element.with_attribute(("xml:lang", lang)),
                    None => element,
                };
                element.write_text_content(BytesText::new(&xml_chars(&field.value)))?;
            }
            Ok(())
        })?;
    Ok(())
}

/// The list's last element: the next page's token, or an empty one on the last page of a
/// list that had several (none when it all fitted in one).
pub fn resumption_token(w: &mut XmlWriter, next: Option<&ResumptionToken>, cursor: u64) -> Written {
    let cursor = cursor.to_string();
    let element = w
        .create_element("resumptionToken")
        .with_attribute(("cursor", cursor.as_str()));
    match next {
        Some(token) => {
            let expires = datestamp(token.expires());
            element
                .with_attribute(("expirationDate", expires.as_str()))
                .write_text_content(BytesText::new(&token.encode()))?;
        }
        None => {
            element.write_empty()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_dropped_and_the_rest_escaped() {
        let body = document(
            &Envelope {
                response_date: OffsetDateTime::UNIX_EPOCH,
                base_url: "http://x/oai",
                echo: &[("identifier".into(), "a\u{1}\"<&>".into())],
            },
            |w| text(w, "t", "x\u{0}y\u{B}z\u{FFFF}<&>\u{85}\n\t"),
        );
        let body = String::from_utf8(body).unwrap();
        assert!(
            body.contains(r#"identifier="a&quot;&lt;&amp;&gt;""#),
            "{body}"
        );
        assert!(body.contains("<t>xyz&lt;&amp;&gt;\u{85}\n\t</t>"), "{body}");
        assert!(body.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    }
}
