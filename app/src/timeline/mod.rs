//! What visitors see: the timeline of approved stories, and one story with its then/now
//! comparison. Only public fields ever reach these types.

mod heading;
mod home;
mod more;
mod recordings;
mod slider;
mod story;

pub use heading::StoryHeading;
pub use home::{HomePage, StoryCard, StoryCards, TimelineFilters};
pub use more::MoreLoader;
pub use recordings::StoryRecordings;
pub use slider::CompareSlider;
pub use story::{RelatedStory, StoryPage, StoryView};
