//! OAI-PMH at `/oai` (docs/archive.md): every verb, every error code, deleted records, sets,
//! `from`/`until`, resumption tokens (paging, expiry, a story approved mid-harvest), and a
//! real harvester from PyPI (Sickle, `tests/archive/oai-harvest.py`) over 1,050 stories.

use app::domain::{Field, StoryId, StoryStatus};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use reqwest::StatusCode;
use server::archive::oai::token::{ListKind, Position, ResumptionToken, Window};
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};
use tests::{TestApp, python};
use time::{Duration, OffsetDateTime};

const OAI_NS: &str = "http://www.openarchives.org/OAI/2.0/";

/// An element of an answer: its name, attributes, text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn text_of(&self, name: &str) -> String {
        self.child(name)
            .map(|c| c.text.trim().to_owned())
            .unwrap_or_else(|| panic!("no {name} in {}", self.name))
    }

    /// Every element of that name below this one.
    fn all(&self, name: &str) -> Vec<&Node> {
        let mut out = vec![];
        for child in &self.children {
            if child.name == name {
                out.push(child);
            }
            out.extend(child.all(name));
        }
        out
    }

    fn texts(&self, name: &str) -> Vec<String> {
        self.all(name)
            .into_iter()
            .map(|n| n.text.trim().to_owned())
            .collect()
    }
}

fn element(start: &BytesStart) -> Node {
    Node {
        name: start.name().as_ref().to_owned(),
        attrs: start
            .attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                let value = a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .expect("a well-formed value");
                (a.key.as_ref().to_owned(), value.into_owned())
            })
            .collect(),
        ..Node::default()
    }
}

/// The document's root element; panics unless the document is well-formed.
fn parse_xml(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Node::default()];
    loop {
        let top = stack.len() - 1;
        match reader.read_event().expect("well-formed XML") {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => stack[top].children.push(element(&start)),
            Event::End(_) => {
                let done = stack.pop().expect("an open element");
                stack
                    .last_mut()
                    .expect("an open element")
                    .children
                    .push(done);
            }
            Event::Text(text) => stack[top].text.push_str(&text.xml10_content()),
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    reference
                        .resolve_char_ref()
                        .expect("a character reference")
                        .expect("a character")
                        .to_string()
                } else {
                    let name = reference.xml10_content();
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .expect("only XML's own entities")
                        .to_owned()
                };
                stack[top].text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().expect("the document");
    assert!(stack.is_empty() && document.children.len() == 1, "one root");
    document.children.pop().expect("a root element")
}

/// Checks what every answer shares: 200, XML, the OAI-PMH namespace, a responseDate.
async fn answer_of(response: reqwest::Response) -> Node {
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()["content-type"]
        .to_str()
        .expect("an ASCII content type")
        .to_owned();
    assert_eq!(kind, "text/xml; charset=utf-8");
    let body = response.text().await.expect("a body");
    assert!(body.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    let root = parse_xml(&body);
    assert_eq!(root.name, "OAI-PMH");
    assert_eq!(root.attr("xmlns"), Some(OAI_NS));
    let date = root.text_of("responseDate");
    assert!(date.len() == 20 && date.ends_with('Z'), "{date}");
    root
}

async fn oai(app: &TestApp, query: &str) -> Node {
    answer_of(app.get(&format!("/oai?{query}")).await).await
}

async fn oai_text(app: &TestApp, query: &str) -> String {
    app.get_text(&format!("/oai?{query}")).await
}

fn error_code(root: &Node) -> Option<&str> {
    root.child("error").and_then(|e| e.attr("code"))
}

fn identifier(app: &TestApp, id: StoryId) -> String {
    format!("oai:{}:story/{}", app.addr.ip(), id.0)
}

fn id_of(identifier: &str) -> i64 {
    identifier
        .rsplit('/')
        .next()
        .expect("a path")
        .parse()
        .expect("a story id")
}

/// `(identifier id, deleted)` of every header in an answer.
fn headers(root: &Node) -> Vec<(i64, bool)> {
    root.all("header")
        .into_iter()
        .map(|h| {
            let deleted = h.attr("status") == Some("deleted");
            (id_of(&h.text_of("identifier")), deleted)
        })
        .collect()
}

fn ids(root: &Node) -> BTreeSet<i64> {
    headers(root).into_iter().map(|(id, _)| id).collect()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn identify_formats_and_sets_by_get_and_post(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let root = oai(&app, "verb=Identify").await;
    let request = root.child("request").unwrap();
    assert_eq!(request.text.trim(), app.url("/oai"));
    assert_eq!(request.attr("verb"), Some("Identify"));
    let identify = root.child("Identify").unwrap();
    assert_eq!(identify.text_of("baseURL"), app.url("/oai"));
    assert_eq!(identify.text_of("protocolVersion"), "2.0");
    assert_eq!(identify.text_of("deletedRecord"), "persistent");
    assert_eq!(identify.text_of("granularity"), "YYYY-MM-DDThh:mm:ssZ");
    assert_eq!(identify.text_of("adminEmail"), "webmaster@127.0.0.1");
    assert!(!identify.text_of("repositoryName").is_empty());
    assert_eq!(identify.text_of("earliestDatestamp").len(), 20);

    let formats = oai(&app, "verb=ListMetadataFormats").await;
    assert_eq!(formats.texts("metadataPrefix"), ["oai_dc"]);
    assert_eq!(
        formats.texts("metadataNamespace"),
        ["http://www.openarchives.org/OAI/2.0/oai_dc/"]
    );

    let sets = oai(&app, "verb=ListSets").await;
    let specs = sets.texts("setSpec");
    assert_eq!(specs.len(), 8);
    assert!(specs.contains(&"theme:work-industry".to_owned()));
    assert!(sets.texts("setName").iter().all(|n| n.contains(" / ")));

    let posted = app
        .client
        .post(app.url("/oai"))
        .form(&[("verb", "ListSets")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer_of(posted).await.texts("setSpec"), specs);
    let not_a_form = app
        .client
        .post(app.url("/oai"))
        .header("content-type", "application/json")
        .body(r#"{"verb":"Identify"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(&answer_of(not_a_form).await),
        Some("badArgument")
    );
}

fn token(kind: ListKind, issued: OffsetDateTime) -> String {
    ResumptionToken {
        kind,
        window: Window {
            set: None,
            from: OffsetDateTime::UNIX_EPOCH,
            upto: OffsetDateTime::now_utc(),
        },
        after: Position {
            at: OffsetDateTime::UNIX_EPOCH,
            id: 0,
        },
        cursor: 0,
        issued,
    }
    .encode()
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn every_protocol_error_has_its_code(db: PgPool) {
    let app = TestApp::spawn(db).await;
    let public = app.story().approved().create().await.id;
    let pending = app.story().create().await.id;
    let now = OffsetDateTime::now_utc();
    let expired = token(ListKind::Records, now - Duration::hours(25));
    let of_identifiers = token(ListKind::Identifiers, now);
    let (public_id, pending_id) = (identifier(&app, public), identifier(&app, pending));
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "badVerb"),
        ("verb=Harvest".into(), "badVerb"),
        ("verb=identify".into(), "badVerb"),
        ("verb=Identify&verb=ListSets".into(), "badVerb"),
        ("metadataPrefix=oai_dc".into(), "badVerb"),
        ("verb=Identify&metadataPrefix=oai_dc".into(), "badArgument"),
        ("verb=ListRecords".into(), "badArgument"),
        ("verb=ListIdentifiers&from=2026-01-01".into(), "badArgument"),
        ("verb=GetRecord&metadataPrefix=oai_dc".into(), "badArgument"),
        (
            format!("verb=GetRecord&identifier={public_id}"),
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc".into(),
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&colour=red".into(),
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2026-13-01".into(),
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&until=yesterday".into(),
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2026-12-02&until=2026-12-01".into(),
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2026-12-01&until=2026-12-02T00:00:00Z"
                .into(),
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&set=transport".into(),
            "badArgument",
        ),
        (
            format!("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken={expired}"),
            "badArgument",
        ),
        (
            format!("verb=GetRecord&identifier={public_id}&metadataPrefix=mods"),
            "cannotDisseminateFormat",
        ),
        (
            "verb=ListIdentifiers&metadataPrefix=marc21".into(),
            "cannotDisseminateFormat",
        ),
        (
            format!("verb=GetRecord&identifier={pending_id}&metadataPrefix=oai_dc"),
            "idDoesNotExist",
        ),
        (
            "verb=GetRecord&identifier=oai:example.org:story/1&metadataPrefix=oai_dc".into(),
            "idDoesNotExist",
        ),
        (
            format!("verb=ListMetadataFormats&identifier={pending_id}"),
            "idDoesNotExist",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01".into(),
            "noRecordsMatch",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&set=theme:health".into(),
            "noRecordsMatch",
        ),
        (
            "verb=ListIdentifiers&resumptionToken=bm9wZQ".into(),
            "badResumptionToken",
        ),
        (
            format!("verb=ListRecords&resumptionToken={expired}"),
            "badResumptionToken",
        ),
        (
            format!("verb=ListRecords&resumptionToken={of_identifiers}"),
            "badResumptionToken",
        ),
        (
            "verb=ListSets&resumptionToken=x".into(),
            "badResumptionToken",
        ),
    ];
    for (query, expected) in &cases {
        let root = oai(&app, query).await;
        assert_eq!(error_code(&root), Some(*expected), "{query}");
        let request = root.child("request").unwrap();
        let echoed = !request.attrs.is_empty();
        let bad_request = ["badVerb", "badArgument"].contains(expected);
        assert_eq!(echoed, !bad_request, "{query}: arguments echoed");
    }
    // A token lasts 24 hours.
    let old = token(ListKind::Records, now - Duration::hours(23));
    let root = oai(&app, &format!("verb=ListRecords&resumptionToken={old}")).await;
    assert_eq!(error_code(&root), None);
    assert_eq!(ids(&root), BTreeSet::from([public.0]));
}

/// Sets a story's datestamp as a test fixture (the trigger leaves an explicit one alone).
async fn stamp(db: &PgPool, id: StoryId, at: &str) {
    sqlx::query("update stories set public_changed_at = $2::timestamptz where id = $1")
        .bind(id.0)
        .bind(at)
        .execute(db)
        .await
        .expect("the database answers");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn records_deletions_sets_and_dates(db: PgPool) {
    let app = TestApp::spawn(db.clone()).await;
    let live = app
        .story()
        .titled("渡口的早晨")
        .approved()
        .create()
        .await
        .id;
    let display_only = app
        .story()
        .titled("老房子的院子")
        .with(Field::Themes, "housing")
        .with(Field::Licence, "display-only")
        .approved()
        .create()
        .await
        .id;
    app.story().titled("还在等审核的故事").create().await;
    let unpublished = app
        .story()
        .titled("后来下线的故事")
        .approved()
        .create()
        .await
        .id;
    app.set_status(unpublished, StoryStatus::Unpublished).await;
    let withdrawn = app
        .story()
        .titled("后来撤回的故事")
        .approved()
        .create()
        .await;
    assert_eq!(
        app.withdraw(&withdrawn.tracking).await.status(),
        StatusCode::SEE_OTHER
    );
    let withdrawn = withdrawn.id;

    let body = oai_text(&app, "verb=ListRecords&metadataPrefix=oai_dc").await;
    for private in [
        "周建国",
        "13800138000",
        "还在等审核",
        "后来下线",
        "后来撤回",
    ] {
        assert!(!body.contains(private), "{private} is not public");
    }
    let root = parse_xml(&body);
    let expected = BTreeMap::from([
        (live.0, false),
        (display_only.0, false),
        (unpublished.0, true),
        (withdrawn.0, true),
    ]);
    assert_eq!(
        headers(&root).into_iter().collect::<BTreeMap<_, _>>(),
        expected
    );
    let records = root.all("record");
    assert!(records.iter().all(|r| {
        let deleted = r.child("header").unwrap().attr("status") == Some("deleted");
        deleted == r.child("metadata").is_none()
    }));
    assert!(
        root.child("ListRecords")
            .unwrap()
            .child("resumptionToken")
            .is_none()
    );

    let get = |id: StoryId| {
        let identifier = identifier(&app, id);
        let app = &app;
        async move {
            let query = format!("verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}");
            oai(app, &query).await
        }
    };
    let record = get(live).await;
    let dc = record.all("oai_dc:dc");
    assert_eq!(dc.len(), 1);
    assert_eq!(
        dc[0].attr("xmlns:dc"),
        Some("http://purl.org/dc/elements/1.1/")
    );
    assert_eq!(record.texts("dc:title"), ["渡口的早晨"]);
    assert_eq!(record.texts("dc:creator"), ["老周"]);
    assert_eq!(
        record.texts("dc:identifier"),
        [app.url(&format!("/stories/{live}"))]
    );
    assert_eq!(record.texts("dc:coverage"), ["临江街道", "2012/2022"]);
    assert_eq!(record.texts("dc:type"), ["Text"]);
    assert_eq!(record.texts("dc:language"), ["zh"]);
    assert_eq!(record.texts("dc:subject"), ["交通出行", "Transport"]);
    assert_eq!(
        record.texts("dc:rights"),
        ["https://creativecommons.org/licenses/by/4.0/"]
    );
    assert!(record.texts("dc:description")[0].starts_with("二〇一二年我每天坐渡船"));
    assert_eq!(record.texts("setSpec"), ["theme:transport"]);

    let shown_only = get(display_only).await;
    assert!(shown_only.texts("dc:description").is_empty());
    assert_eq!(
        shown_only.texts("dc:rights"),
        ["http://rightsstatements.org/vocab/InC/1.0/"]
    );
    let gone = get(withdrawn).await;
    let header = gone.all("header");
    assert_eq!(header[0].attr("status"), Some("deleted"));
    assert!(gone.all("metadata").is_empty() && gone.all("setSpec").is_empty());
    assert_eq!(get(unpublished).await.texts("setSpec"), ["theme:transport"]);

    // Sets: a withdrawn story's themes were erased with it, so it is in every set's deletions.
    let in_set = |set: &str| format!("verb=ListIdentifiers&metadataPrefix=oai_dc&set=theme:{set}");
    let housing = BTreeSet::from([display_only.0, withdrawn.0]);
    assert_eq!(ids(&oai(&app, &in_set("housing")).await), housing);
    let transport = BTreeSet::from([live.0, unpublished.0, withdrawn.0]);
    assert_eq!(ids(&oai(&app, &in_set("transport")).await), transport);

    // Dates: inclusive bounds, at either granularity.
    stamp(&db, live, "2026-01-10T08:00:00Z").await;
    stamp(&db, display_only, "2026-01-20T08:00:00.5Z").await;
    stamp(&db, unpublished, "2026-02-01T00:00:00Z").await;
    stamp(&db, withdrawn, "2026-02-01T00:00:01Z").await;
    let between = |range: &str| format!("verb=ListIdentifiers&metadataPrefix=oai_dc&{range}");
    let cases: [(&str, &[StoryId]); 6] = [
        ("from=2026-01-15", &[display_only, unpublished, withdrawn]),
        ("until=2026-01-20", &[live, display_only]),
        (
            "from=2026-01-20T08:00:00Z&until=2026-01-20T08:00:00Z",
            &[display_only],
        ),
        (
            "from=2026-02-01T00:00:00Z&until=2026-02-01T00:00:00Z",
            &[unpublished],
        ),
        ("from=2026-02-01T00:00:01Z", &[withdrawn]),
        ("from=2026-01-01&until=2026-01-31", &[live, display_only]),
    ];
    for (range, expected) in cases {
        let expected: BTreeSet<i64> = expected.iter().map(|id| id.0).collect();
        assert_eq!(ids(&oai(&app, &between(range)).await), expected, "{range}");
    }
    let before = oai(&app, &between("until=2026-01-10T07:59:59Z")).await;
    assert_eq!(error_code(&before), Some("noRecordsMatch"));
    let datestamps = oai(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc").await;
    assert_eq!(
        datestamps.texts("datestamp"),
        [
            "2026-01-10T08:00:00Z",
            "2026-01-20T08:00:00Z",
            "2026-02-01T00:00:00Z",
            "2026-02-01T00:00:01Z"
        ]
    );
    let identify = oai(&app, "verb=Identify").await;
    assert_eq!(
        identify
            .child("Identify")
            .unwrap()
            .text_of("earliestDatestamp"),
        "2026-01-10T08:00:00Z"
    );
}

/// The story with the latest datestamp, or the earliest.
async fn by_datestamp(db: &PgPool, latest: bool) -> StoryId {
    let order = if latest { "desc" } else { "asc" };
    let sql = format!(
        "select id from stories where public_changed_at is not null
         order by public_changed_at {order}, id {order} limit 1"
    );
    StoryId(
        sqlx::query_scalar(&sql)
            .fetch_one(db)
            .await
            .expect("a story"),
    )
}

/// Withdrawn as the contributor's withdrawal leaves it (for stories made by `generate`, which
/// have no tracking link).
async fn withdraw_quietly(db: &PgPool, id: StoryId) {
    sqlx::query(
        "update stories set status = 'withdrawn', title = null, body = null, place = null,
                narrator_name = null, role = null, published_at = null, withdrawn_at = now()
         where id = $1",
    )
    .bind(id.0)
    .execute(db)
    .await
    .expect("the database answers");
    sqlx::query("delete from story_themes where story_id = $1")
        .bind(id.0)
        .execute(db)
        .await
        .expect("the database answers");
}

fn token_of(root: &Node) -> (&Node, Option<String>) {
    let list = root
        .child("ListIdentifiers")
        .or_else(|| root.child("ListRecords"))
        .expect("a list");
    let token = list.child("resumptionToken").expect("a paged list");
    let text = Some(token.text.trim().to_owned()).filter(|t| !t.is_empty());
    (token, text)
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn pages_resume_where_they_stopped_while_stories_change(db: PgPool) {
    server::generate::generate(&db, 250).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    let approved_later = app.story().titled("收割途中通过的故事").create().await.id;
    let first = oai(&app, "verb=ListIdentifiers&metadataPrefix=oai_dc").await;
    let since = first.text_of("responseDate");
    let (token, mut next) = token_of(&first);
    assert_eq!(token.attr("cursor"), Some("0"));
    let expires = token.attr("expirationDate").unwrap();
    assert!(expires > since.as_str(), "{expires} after {since}");
    let mut seen = headers(&first);
    assert_eq!(seen.len(), 100);

    // During the harvest: a story approved, one already sent unpublished, one not yet sent
    // withdrawn. The harvest keeps its end; the next harvest gets all three.
    let already_sent = StoryId(seen[0].0);
    let not_yet_sent = by_datestamp(&db, true).await;
    app.set_status(approved_later, StoryStatus::Approved).await;
    app.set_status(already_sent, StoryStatus::Unpublished).await;
    withdraw_quietly(&db, not_yet_sent).await;

    let mut pages = 1;
    let mut second_token = None;
    while let Some(token) = next {
        second_token.get_or_insert_with(|| token.clone());
        let root = oai(
            &app,
            &format!("verb=ListIdentifiers&resumptionToken={token}"),
        )
        .await;
        let (element, text) = token_of(&root);
        assert_eq!(
            element.attr("cursor"),
            Some((pages * 100).to_string().as_str())
        );
        seen.extend(headers(&root));
        next = text;
        pages += 1;
    }
    assert_eq!(pages, 3);
    let unique: BTreeSet<i64> = seen.iter().map(|(id, _)| *id).collect();
    assert_eq!(unique.len(), seen.len(), "no record twice");
    assert_eq!(
        seen.len(),
        249,
        "all but the one withdrawn before it was reached"
    );
    assert!(!unique.contains(&approved_later.0) && !unique.contains(&not_yet_sent.0));
    assert!(seen.iter().all(|(_, deleted)| !deleted));

    // A token can be used again: keyset positions do not move.
    let again = second_token.unwrap();
    let query = format!("verb=ListIdentifiers&resumptionToken={again}");
    assert_eq!(headers(&oai(&app, &query).await), seen[100..200]);

    // Stories generated in the second of `since` come again: the incremental list may page.
    let mut root = oai(
        &app,
        &format!("verb=ListIdentifiers&metadataPrefix=oai_dc&from={since}"),
    )
    .await;
    let mut changes: BTreeMap<i64, bool> = BTreeMap::new();
    loop {
        changes.extend(headers(&root));
        let list = root.child("ListIdentifiers").unwrap();
        let Some(token) = list
            .child("resumptionToken")
            .map(|t| t.text.trim().to_owned())
        else {
            break;
        };
        if token.is_empty() {
            break;
        }
        root = oai(
            &app,
            &format!("verb=ListIdentifiers&resumptionToken={token}"),
        )
        .await;
    }
    assert_eq!(changes.get(&approved_later.0), Some(&false));
    assert_eq!(changes.get(&already_sent.0), Some(&true));
    assert_eq!(changes.get(&not_yet_sent.0), Some(&true));
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn a_real_harvester_gets_every_record_once_and_the_deletions(db: PgPool) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    server::generate::generate(&db, 1_050).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    let generated: BTreeSet<i64> = sqlx::query_scalar("select id from stories")
        .fetch_all(&db)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let withdrawn = app
        .story()
        .titled("收割途中撤回的故事")
        .approved()
        .create()
        .await;
    let mut approved_later = vec![];
    for n in 0..3 {
        let title = format!("收割途中通过的故事{n}");
        approved_later.push(app.story().titled(&title).create().await.id.0);
    }
    let unpublished = by_datestamp(&db, false).await;

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/archive/oai-harvest.py");
    let mut harvester = tokio::process::Command::new(python())
        .arg(script)
        .arg(app.url("/oai"))
        .arg("300")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 with sickle (./dev.sh test installs it)");
    let mut lines = BufReader::new(harvester.stdout.take().unwrap()).lines();
    let wait = std::time::Duration::from_secs(120);
    let paused = tokio::time::timeout(wait, lines.next_line()).await.unwrap();
    assert_eq!(
        paused.unwrap().as_deref(),
        Some("paused"),
        "the harvester stopped early"
    );

    for id in &approved_later {
        app.set_status(StoryId(*id), StoryStatus::Approved).await;
    }
    assert_eq!(
        app.withdraw(&withdrawn.tracking).await.status(),
        StatusCode::SEE_OTHER
    );
    app.set_status(unpublished, StoryStatus::Unpublished).await;
    let mut stdin = harvester.stdin.take().unwrap();
    stdin.write_all(b"go\n").await.unwrap();
    drop(stdin);

    let summary = tokio::time::timeout(wait, lines.next_line()).await.unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary.unwrap().unwrap()).unwrap();
    let status = tokio::time::timeout(wait, harvester.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "the harvester ended with {status}");

    let records = |name: &str| -> Vec<(i64, bool, String)> {
        summary[name]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let id = id_of(r[0].as_str().unwrap());
                (
                    id,
                    r[1].as_bool().unwrap(),
                    r[2].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let first = records("first");
    let first_ids: BTreeSet<i64> = first.iter().map(|r| r.0).collect();
    assert_eq!(first_ids.len(), first.len(), "every record exactly once");
    assert_eq!(
        first_ids, generated,
        "every story public when the harvest began"
    );
    assert!(first.iter().all(|r| !r.1));

    let second = records("second");
    let since = summary["since"].as_str().unwrap();
    assert!(second.iter().all(|r| r.2.as_str() >= since));
    let second_ids: BTreeSet<i64> = second.iter().map(|r| r.0).collect();
    assert_eq!(second_ids.len(), second.len());
    let changes: BTreeMap<i64, bool> = second.iter().map(|r| (r.0, r.1)).collect();
    assert_eq!(changes.get(&withdrawn.id.0), Some(&true), "the withdrawal");
    assert_eq!(changes.get(&unpublished.0), Some(&true));
    for id in &approved_later {
        assert_eq!(changes.get(id), Some(&false), "approved during the harvest");
    }

    // The harvester's copy after both harvests is the repository as it is now.
    let mut copy = BTreeMap::new();
    for (id, deleted, _) in first.into_iter().chain(second) {
        copy.insert(id, deleted);
    }
    let public: BTreeSet<i64> =
        sqlx::query_scalar("select id from stories where status = 'approved'")
            .fetch_all(&db)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let live: BTreeSet<i64> = copy
        .iter()
        .filter(|(_, d)| !**d)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(live, public);
}
