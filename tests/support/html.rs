//! Reading rendered pages the way a person would: the message beside a field, the page title.

use scraper::{Html, Selector};

pub fn parse(body: &str) -> Html {
    Html::parse_document(body)
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e}"))
}

pub fn text_of(page: &Html, css: &str) -> Option<String> {
    page.select(&selector(css))
        .next()
        .map(|el| el.text().collect::<String>().trim().to_owned())
}

/// The message shown beside a field (`<p id="err-{field}">`), if any.
pub fn field_error(body: &str, field: impl std::fmt::Display) -> Option<String> {
    text_of(&parse(body), &format!("#err-{field}")).filter(|t| !t.is_empty())
}

/// The value of the (first) control named `name`: a form field, or its wire name.
pub fn input_value(body: &str, name: impl std::fmt::Display) -> Option<String> {
    let page = parse(body);
    let found = page
        .select(&selector(&format!("[name=\"{name}\"]")))
        .next()?;
    match found.value().name() {
        "textarea" => Some(found.text().collect()),
        _ => found.value().attr("value").map(str::to_owned),
    }
}

pub fn title(body: &str) -> String {
    text_of(&parse(body), "title").unwrap_or_default()
}

/// All text inside the first element matching `css` (empty when there is none).
pub fn text_in(body: &str, css: &str) -> String {
    text_of(&parse(body), css).unwrap_or_default()
}

/// The first `/media/…` URL on a page.
pub fn media_url_in(page: &str) -> String {
    let start = page.find("/media/").expect("a /media/ link on the page");
    let end = page[start..]
        .find(['"', ' ', ','])
        .map(|e| start + e)
        .expect("the end of the URL");
    page[start..end].to_owned()
}
