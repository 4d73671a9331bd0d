//! What visitors see: the timeline of approved stories, and one story with its then/now
//! comparison. Only public fields ever reach these types.

mod home;
mod more;
mod slider;
mod story;

pub use home::{HomePage, StoryCard, StoryCards, TimelineFilters};
pub use more::MoreLoader;
pub use slider::CompareSlider;
pub use story::{RelatedStory, StoryPage, StoryView};

use crate::locale::{self, Locale};

/// "2011 → 2021" / "约2011年 → 2021年".
pub fn year_span(locale: Locale, then: i32, then_approx: bool, now: i32) -> String {
    format!(
        "{} → {}",
        locale::year(locale, then, then_approx),
        locale::year(locale, now, false)
    )
}
