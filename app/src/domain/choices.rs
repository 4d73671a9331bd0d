use serde::{Deserialize, Serialize};

macro_rules! slug_enum {
    ($(#[$meta:meta])* $name:ident, $db:literal { $($variant:ident => $slug:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = $db))]
        pub enum $name {
            $(
                #[serde(rename = $slug)]
                #[cfg_attr(feature = "ssr", sqlx(rename = $slug))]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn slug(self) -> &'static str {
                match self {
                    $($name::$variant => $slug),+
                }
            }

            pub fn from_slug(slug: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|value| value.slug() == slug)
            }
        }
    };
}

slug_enum!(
    /// What part of life a story is about.
    Theme, "theme" {
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
    Licence, "licence" {
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
