//! Query strings: like `axum::extract::Query`, but a parameter given twice takes its last value
//! (as most web frameworks do) instead of failing the request with 400. A GET form's query is
//! read by its field enum (`QueryForm`).

use super::error::AppError;
use app::domain::{FormField, is_checked};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::convert::Infallible;

/// The parameters of a GET form, read by the form's field enum.
#[derive(Debug, Default)]
pub struct QueryForm(Vec<(String, String)>);

impl QueryForm {
    pub fn parse(query: &str) -> QueryForm {
        QueryForm(
            form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The last value of a field.
    pub fn get(&self, field: impl FormField) -> Option<&str> {
        let name = field.name();
        self.0
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last value of a field, or blank when it was not sent.
    pub fn text(&self, field: impl FormField) -> &str {
        self.get(field).unwrap_or("")
    }

    /// Whether a checkbox was ticked (`app::domain::is_checked`).
    pub fn checked(&self, field: impl FormField) -> bool {
        self.get(field).is_some_and(is_checked)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryForm {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(QueryForm::parse(parts.uri.query().unwrap_or("")))
    }
}

pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = last_values(parts.uri.query().unwrap_or(""));
        let uri = format!("/?{query}")
            .parse()
            .map_err(|_| AppError::BadRequest)?;
        axum::extract::Query::try_from_uri(&uri)
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|_| AppError::BadRequest)
    }
}

/// The query string with each name kept once, with its last value, in first-seen order.
fn last_values(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(pair) => pair.1 = value.into_owned(),
            None => pairs.push((name.into_owned(), value.into_owned())),
        }
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::{QueryForm, last_values};
    use app::domain::TimelineField;

    #[test]
    fn a_form_reads_the_last_value_by_field() {
        let query = QueryForm::parse("q=a&theme=x&q=%E5%9C%B0");
        assert_eq!(query.get(TimelineField::Q), Some("地"));
        assert_eq!(query.text(TimelineField::Place), "");
    }

    #[test]
    fn repeated_names_keep_the_last_value() {
        assert_eq!(last_values("q=a&theme=x&q=b"), "q=b&theme=x");
        assert_eq!(last_values("q=%E5%9C%B0&q="), "q=");
        assert_eq!(last_values(""), "");
    }
}
