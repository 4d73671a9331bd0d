//! `GET /feed.atom` (the 50 most recently published stories) and `GET /sitemap.xml` (one
//! sitemap while every approved id is under 50,000, else a sitemap index of the
//! `/sitemaps/{n}.xml` parts, each the approved stories of one range of 50,000 ids). Sitemap
//! files are kept in the page cache until the next public change (a full part is 4.3 MB and
//! takes a range scan of 50,000 rows to build).

use crate::state::AppState;
use crate::web::AppError;
use app::domain::StoryId;
use app::locale::{self, Locale};
use app::media::RecordingView;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::format_description::well_known::Rfc3339;

const FEED_ENTRIES: i64 = 50;
/// The sitemap protocol's limit of URLs per file.
pub const SITEMAP_URLS: i64 = 50_000;

fn xml(kind: &'static str, body: String) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    response
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

pub async fn atom(State(state): State<AppState>) -> Result<Response, AppError> {
    let rows = sqlx::query!(
        r#"select id, title as "title!", body as "body!", place as "place!",
                  case when show_name then narrator_name end as narrator, role,
                  published_at as "published_at!", updated_at
           from stories where story_is_public(status)
           order by published_at desc, id desc limit $1"#,
        FEED_ENTRIES
    )
    .fetch_all(&state.db)
    .await?;
    let base = &state.config.public_url;
    // The feed is for readers of the campaign, in its default language.
    let feed_locale = Locale::zh_CN;
    let updated = rows
        .iter()
        .map(|r| r.published_at)
        .max()
        .unwrap_or_else(time::OffsetDateTime::now_utc);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n";
    out += &format!(
        "<title>{}</title>\n<subtitle>{}</subtitle>\n<id>{base}/feed.atom</id>\n<link rel=\"self\" href=\"{base}/feed.atom\"/>\n<link href=\"{base}/\"/>\n<updated>{}</updated>\n",
        escape(leptos_i18n::td_string!(feed_locale, timeline.feed.title)),
        escape(leptos_i18n::td_string!(feed_locale, timeline.feed.subtitle)),
        rfc3339(updated)
    );
    let ids: Vec<StoryId> = rows.iter().map(|r| StoryId(r.id)).collect();
    let recordings = super::store::recordings_of(&state.db, &ids).await?;
    for r in rows {
        let enclosures = enclosures(base, &recordings, StoryId(r.id));
        let author = r
            .narrator
            .clone()
            .unwrap_or_else(|| locale::anonymous_credit(feed_locale, &r.place));
        let summary: String = r.body.chars().take(200).collect();
        out += &format!(
            "<entry>\n<title>{}</title>\n<id>{base}/stories/{id}</id>\n<link href=\"{base}/stories/{id}\"/>\n<published>{}</published>\n<updated>{}</updated>\n<author><name>{}</name></author>\n<summary>{}</summary>\n{enclosures}</entry>\n",
            escape(&r.title),
            rfc3339(r.published_at),
            rfc3339(r.updated_at.max(r.published_at)),
            escape(&author),
            escape(&summary),
            id = r.id,
        );
    }
    out += "</feed>\n";
    Ok(xml("application/atom+xml; charset=utf-8", out))
}

/// A podcast app's way to the recordings the public may hear: one `enclosure` link each,
/// with its type and length (RFC 4287, 4.2.7.2).
fn enclosures(base: &str, recordings: &[(StoryId, RecordingView)], id: StoryId) -> String {
    recordings
        .iter()
        .filter(|(story, _)| *story == id)
        .filter_map(|(_, r)| {
            let src = r.audio_src.as_ref()?;
            let length = r
                .audio_bytes
                .map(|n| format!(" length=\"{n}\""))
                .unwrap_or_default();
            Some(format!(
                "<link rel=\"enclosure\" type=\"audio/mpeg\"{length} href=\"{}\"/>\n",
                escape(&format!("{base}{src}"))
            ))
        })
        .collect()
}

const SITEMAP_TYPE: &str = "application/xml; charset=utf-8";

pub async fn sitemap(State(state): State<AppState>) -> Result<Response, AppError> {
    cached_sitemap(&state, "/sitemap.xml", build_sitemap(&state)).await
}

/// The cached file at `path`, or the one `build` makes (then cached). A part past the last
/// is cached as empty and answers 404, so asking for it again costs no scan either.
async fn cached_sitemap(
    state: &AppState,
    path: &str,
    build: impl Future<Output = Result<String, AppError>>,
) -> Result<Response, AppError> {
    let ticket = state.pages.ticket();
    let body = match state.pages.sitemap(path) {
        Some(body) => body,
        None => {
            let body = match build.await {
                Ok(body) => Bytes::from(body),
                Err(AppError::NotFound) => Bytes::new(),
                Err(error) => return Err(error),
            };
            state.pages.put_sitemap(ticket, path, body.clone());
            body
        }
    };
    if body.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut response = (StatusCode::OK, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SITEMAP_TYPE));
    Ok(response)
}

async fn build_sitemap(state: &AppState) -> Result<String, AppError> {
    let last = sqlx::query_scalar!(
        r#"select max(id) as "last" from stories where story_is_public(status)"#
    )
    .fetch_one(&state.db)
    .await?;
    let last_part = last.unwrap_or(0) / SITEMAP_URLS;
    if last_part == 0 {
        return sitemap_of(state, 0).await;
    }
    // One index probe per possible part, so the index costs the same at any size.
    let parts = sqlx::query_scalar!(
        r#"select n as "n!" from generate_series(0::bigint, $1::bigint) as n
           where exists (select 1 from stories s
                         where story_is_public(s.status) and s.id >= n * $2 and s.id < (n + 1) * $2)
           order by n"#,
        last_part,
        SITEMAP_URLS
    )
    .fetch_all(&state.db)
    .await?;
    let base = &state.config.public_url;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in parts {
        out += &format!("<sitemap><loc>{base}/sitemaps/{n}.xml</loc></sitemap>\n");
    }
    out += "</sitemapindex>\n";
    Ok(out)
}

/// `GET /sitemaps/{n}.xml`: the approved stories whose ids are in the n-th range of 50,000
/// (`n × 50,000 ≤ id < (n + 1) × 50,000`), so a part is one bounded index range at any size.
pub async fn sitemap_part(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let n: i64 = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse().ok().filter(|p: &i64| p.to_string() == n))
        .filter(|n| *n >= 0 && *n < 1_000)
        .ok_or(AppError::NotFound)?;
    let path = format!("/sitemaps/{n}.xml");
    cached_sitemap(&state, &path, sitemap_of(&state, n)).await
}

async fn sitemap_of(state: &AppState, part: i64) -> Result<String, AppError> {
    let rows = sqlx::query!(
        r#"select id, updated_at from stories
           where story_is_public(status) and id >= $1::bigint * $2::bigint and id < ($1::bigint + 1) * $2::bigint
           order by id"#,
        part,
        SITEMAP_URLS
    )
    .fetch_all(&state.db)
    .await?;
    if rows.is_empty() && part > 0 {
        return Err(AppError::NotFound);
    }
    let base = &state.config.public_url;
    let mut out = String::with_capacity(rows.len() * 100 + 200);
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    if part == 0 {
        out += &format!("<url><loc>{base}/</loc></url>\n");
    }
    for r in rows {
        let day = r.updated_at.date();
        out += &format!(
            "<url><loc>{base}/stories/{}</loc><lastmod>{day}</lastmod></url>\n",
            r.id
        );
    }
    out += "</urlset>\n";
    Ok(out)
}
