//! Query strings: like `axum::extract::Query`, but a parameter given twice takes its last value
//! (as most web frameworks do) instead of failing the request with 400.

use super::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

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
    use super::last_values;

    #[test]
    fn repeated_names_keep_the_last_value() {
        assert_eq!(last_values("q=a&theme=x&q=b"), "q=b&theme=x");
        assert_eq!(last_values("q=%E5%9C%B0&q="), "q=");
        assert_eq!(last_values(""), "");
    }
}
