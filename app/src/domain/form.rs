//! Form contracts. Each form's field names are declared once, as a `form_fields!` enum; views
//! write `name=Field::Title.name()`, the server reads values by variant and tests post by
//! variant, so a name is spelled in exactly one place.

/// A field of one form: its name on the wire, and the way back from it.
pub trait FormField: Copy + Eq + 'static {
    const ALL: &'static [Self];

    fn name(self) -> &'static str;

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|field| field.name() == name)
    }
}

/// A fieldless enum whose variants are a form's fields, each with its wire name:
/// `form_fields! { pub enum SignInField { Email = "email", Password = "password" } }`.
macro_rules! form_fields {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $wire:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            pub fn from_name(name: &str) -> Option<$name> {
                <$name as $crate::domain::form::FormField>::from_name(name)
            }
        }

        impl $crate::domain::form::FormField for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn name(self) -> &'static str {
                $name::name(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub(crate) use form_fields;

/// A checkbox counts as ticked when it sends `on` (what browsers send), `true`, `1` or `yes`;
/// every form reads its boxes this way.
pub fn is_checked(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "on" | "true" | "1" | "yes"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    form_fields! {
        /// Two fields, to check what the macro makes.
        pub enum Sample {
            First = "first",
            Second = "second_field",
        }
    }

    #[test]
    fn names_round_trip_and_display() {
        for field in Sample::ALL {
            assert_eq!(Sample::from_name(field.name()), Some(*field));
        }
        assert_eq!(Sample::from_name("First"), None);
        assert_eq!(Sample::Second.to_string(), "second_field");
    }

    #[test]
    fn checkboxes_read_alike() {
        for ticked in ["on", "true", "1", "yes", " ON "] {
            assert!(is_checked(ticked));
        }
        for unticked in ["", "off", "0", "no"] {
            assert!(!is_checked(unticked));
        }
    }
}
