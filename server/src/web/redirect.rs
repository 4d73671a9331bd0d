//! Where a person may be sent back to after a form (`next=`): parsed once into a path on this
//! site, so a crafted link can neither leave the site nor break the `Location` header.

use axum::response::Redirect;

/// A path (with optional query) on this site, safe to put in a `Location` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// Accepts only a single leading `/` followed by printable characters: no `//` (anywhere) or `/\`
    /// (browsers read both as another host), no tabs, line breaks or other controls (browsers
    /// drop them, turning `/\t/evil` into `//evil`), no spaces. Non-ASCII text is
    /// percent-encoded. Anything else is `None`.
    pub fn parse(input: &str) -> Option<LocalPath> {
        let rest = input.strip_prefix('/')?;
        if rest.starts_with(['/', '\\']) || input.contains("//") {
            return None;
        }
        if input
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        {
            return None;
        }
        let encoded = percent_encoding::utf8_percent_encode(input, NON_ASCII_ONLY).to_string();
        Some(LocalPath(encoded))
    }

    /// The parsed path, or the home page for anything that is not a local path.
    pub fn or_home(input: &str) -> LocalPath {
        LocalPath::parse(input).unwrap_or_else(|| LocalPath("/".to_owned()))
    }

    /// Whether this path is `prefix` itself or below it (`prefix/…` or `prefix?…`).
    pub fn is_under(&self, prefix: &str) -> bool {
        self.0
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A 303 to this path. Cannot fail: every character is valid in a header.
    pub fn redirect(&self) -> Redirect {
        Redirect::to(&self.0)
    }
}

/// Percent-encodes only bytes outside printable ASCII (the path is already free of controls).
const NON_ASCII_ONLY: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b' ');

#[cfg(test)]
mod tests {
    use super::LocalPath;

    #[test]
    fn keeps_local_paths() {
        assert_eq!(
            LocalPath::parse("/submit?x=1").map(|p| p.0),
            Some("/submit?x=1".into())
        );
        assert_eq!(
            LocalPath::parse("/?q=地铁").map(|p| p.0),
            Some("/?q=%E5%9C%B0%E9%93%81".into())
        );
    }

    #[test]
    fn everything_else_goes_home() {
        for hostile in [
            "",
            "evil.example",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example/",
            "\t//evil.example",
            "/\n/x",
            "/moderate/\nx",
            "/a b",
            "/\u{7f}",
            " /x",
            "/x\\y",
            "/\u{2028}x",
            "/moderate//evil",
        ] {
            assert_eq!(LocalPath::parse(hostile), None, "{hostile:?}");
            assert_eq!(LocalPath::or_home(hostile).as_str(), "/");
        }
    }

    #[test]
    fn encoded_controls_stay_encoded() {
        assert_eq!(LocalPath::or_home("/%0A/x").as_str(), "/%0A/x");
    }

    #[test]
    fn prefixes_match_whole_segments() {
        let p = LocalPath::or_home("/moderate/stories/3");
        assert!(p.is_under("/moderate"));
        assert!(LocalPath::or_home("/moderate?status=pending").is_under("/moderate"));
        assert!(!LocalPath::or_home("/moderateX").is_under("/moderate"));
    }

    #[test]
    fn every_result_is_a_valid_header() {
        for input in ["/x\u{0}", "/é", "/%0A/x", "/\u{2028}"] {
            let path = LocalPath::or_home(input);
            assert!(
                axum::http::HeaderValue::from_str(path.as_str()).is_ok(),
                "{input:?}"
            );
        }
    }
}
