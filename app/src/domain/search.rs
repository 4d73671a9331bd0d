//! What a visitor types into the timeline's search box.

/// The longest search accepted, in characters; longer input is cut.
pub const SEARCH_MAX: usize = 50;

/// A search: lower-cased words (split at spaces and punctuation), each of which must appear in
/// a story's title or text. Words of one character are kept for that check but cannot be
/// looked up by the index, so a search needs at least one word of two characters or more (any
/// two Chinese characters will do: 地铁).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    text: String,
    words: Vec<String>,
}

impl SearchText {
    /// `None` for a blank search or one with no word of at least two characters.
    pub fn parse(input: &str) -> Option<SearchText> {
        let text = SearchText::clean(input);
        let words: Vec<String> = text
            .to_lowercase()
            .split(is_separator)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        words
            .iter()
            .any(|w| w.chars().count() >= 2)
            .then_some(SearchText { text, words })
    }

    /// The part of `input` a search uses: trimmed and cut to `SEARCH_MAX` characters (and
    /// trimmed again, so that the cut text is itself a fixed point).
    pub fn clean(input: &str) -> String {
        let cut: String = input.trim().chars().take(SEARCH_MAX).collect();
        cut.trim_end().to_owned()
    }

    /// As typed (trimmed, at most `SEARCH_MAX` characters), for the search box and URLs.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The words joined by spaces: what the database's `text_bigrams` indexes.
    pub fn indexed(&self) -> String {
        self.words.join(" ")
    }
}

/// The same separators as the database's `text_bigrams` (space, ASCII and CJK punctuation).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || "，。、；：？！“”‘’（）《》【】…—·".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_characters_make_a_search() {
        assert_eq!(SearchText::parse("  "), None);
        assert_eq!(SearchText::parse("铁"), None);
        let search = SearchText::parse(" 铁8号 ").unwrap();
        assert_eq!(search.words(), ["铁8号"]);
        let search = SearchText::parse("Metro，地铁").unwrap();
        assert_eq!(search.words(), ["metro", "地铁"]);
        assert_eq!(search.as_str(), "Metro，地铁");
    }

    #[test]
    fn long_input_is_cut() {
        let search = SearchText::parse(&"字".repeat(80)).unwrap();
        assert_eq!(search.as_str().chars().count(), SEARCH_MAX);
    }

    /// Found by fuzzing (fuzz/ target `search_query`): a cut ending in a space kept it, so the
    /// search's own text did not parse back to the same search.
    #[test]
    fn cut_text_is_a_fixed_point() {
        let input = format!("{} y", "x".repeat(SEARCH_MAX - 1));
        let search = SearchText::parse(&input).unwrap();
        assert_eq!(search.as_str(), "x".repeat(SEARCH_MAX - 1));
        assert_eq!(SearchText::parse(search.as_str()), Some(search));
    }
}
