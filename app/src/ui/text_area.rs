//! The only `<textarea>` in the code base.
//!
//! HTML parses `<textarea>` content as raw text: Leptos writes its children without escaping
//! (as for `<script>`, `<style>` and `<noscript>`), so text placed there by hand can close the
//! element and inject markup. This component takes the value as a prop and escapes it, and a
//! test below fails the build's tests if any other file writes one of those raw-text elements.

use leptos::prelude::*;

/// A multi-line text control whose initial value is always escaped.
#[component]
pub fn TextArea(
    id: String,
    name: String,
    /// What the person typed (or the stored text): escaped here, never by the caller.
    #[prop(into)]
    value: String,
    rows: u32,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] required: bool,
    #[prop(optional)] invalid: bool,
    #[prop(optional)] described_by: Option<String>,
) -> impl IntoView {
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            maxlength=maxlength
            required=required
            aria-required=required.then_some("true")
            aria-invalid=invalid.then_some("true")
            aria-describedby=described_by
        >
            {escape_raw_text(&value)}
        </textarea>
    }
}

/// Escapes text for a raw-text element: `<` and `&` cannot start markup or a reference.
fn escape_raw_text(value: &str) -> String {
    html_escape::encode_text(value).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn closing_tags_are_escaped() {
        let escaped = escape_raw_text("</textarea><script>alert(1)</script>&amp;");
        assert!(!escaped.contains('<'), "{escaped}");
        assert_eq!(
            escaped,
            "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;"
        );
    }

    /// Raw-text elements may appear only in this file: anywhere else a view could put user
    /// text into one unescaped.
    #[test]
    fn no_other_file_writes_raw_text_elements() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        visit(&src, &mut |path, text| {
            if path.ends_with("ui/text_area.rs") {
                return;
            }
            // The one script element: empty, loading a file, so it can never hold text.
            let text = text.replace(r#"<script type="module" src="/hydrate.js"></script>"#, "");
            for tag in [
                "<textarea",
                "<script",
                "<style",
                "<noscript",
                "<xmp",
                "<iframe",
            ] {
                if text.contains(tag) {
                    offenders.push(format!("{} writes {tag}", path.display()));
                }
            }
        });
        assert!(offenders.is_empty(), "use ui::TextArea: {offenders:?}");
    }

    fn visit(dir: &Path, check: &mut dyn FnMut(&Path, &str)) {
        for entry in std::fs::read_dir(dir)
            .expect("readable src folder")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, check);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable source");
                check(&path, &text);
            }
        }
    }
}
