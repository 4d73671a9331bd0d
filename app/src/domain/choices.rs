use super::slug_enum::slug_enum;
use serde::{Deserialize, Serialize};

slug_enum!(
    /// What part of life a story is about.
    Theme in "theme" {
        Transport => "transport",
        Housing => "housing",
        Education => "education",
        WorkIndustry => "work-industry",
        Environment => "environment",
        Health => "health",
        Community => "community",
        Culture => "culture",
    }
);

slug_enum!(
    /// What others may do with a published story and its photos.
    Licence in "licence" {
        CcBy => "cc-by-4.0",
        CcByNc => "cc-by-nc-4.0",
        DisplayOnly => "display-only",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for theme in Theme::ALL {
            assert_eq!(Theme::from_slug(theme.slug()), Some(*theme));
        }
        for licence in Licence::ALL {
            assert_eq!(Licence::from_slug(licence.slug()), Some(*licence));
        }
        assert_eq!(Theme::from_slug("Transport"), None);
    }
}
