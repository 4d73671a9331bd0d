//! What every public view of a story starts with: its title, and who, where and when.

use crate::domain::{StoryId, Theme};
use crate::locale::{self, Locale};

#[derive(Debug, Clone)]
pub struct StoryHeading {
    pub id: StoryId,
    pub title: String,
    /// The narrator's name when they agreed to show it, else "a resident of {place}".
    pub credit: String,
    pub role: Option<String>,
    pub place: String,
    pub year_then: i32,
    pub year_then_approx: bool,
    pub year_now: i32,
    pub themes: Vec<Theme>,
}

impl StoryHeading {
    /// "2012 → 2022" (the first year marked when approximate) in the reader's language.
    pub fn years(&self, locale: Locale) -> String {
        locale::year_span(locale, self.year_then, self.year_then_approx, self.year_now)
    }
}
