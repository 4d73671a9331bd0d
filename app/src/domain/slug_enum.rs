//! The one way an enum of fixed choices is declared: each variant has a slug, which is its
//! form value, its JSON name and, when the enum is stored, its PostgreSQL enum label.

/// `slug_enum!(/// doc\n Name in "pg_type" { Variant => "slug", … })` declares the enum with
/// `ALL`, `slug()`, `from_slug()`, serde by slug and, with `in "pg_type"` and the `ssr`
/// feature, `sqlx` encoding as that PostgreSQL enum (and arrays of it). A test in
/// `tests/api_snapshots.rs` checks every stored enum against the database's labels.
macro_rules! slug_enum {
    (
        $(#[$meta:meta])*
        $name:ident $(in $db:literal)? {
            $($(#[$variant_meta:meta])* $variant:ident => $slug:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                #[serde(rename = $slug)]
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.slug())
            }
        }

        $($crate::domain::slug_enum::stored_as!($name, $db);)?
    };
}

/// `sqlx` encoding of a `slug_enum!` as the PostgreSQL enum `$db`, through its slugs.
#[cfg(feature = "ssr")]
macro_rules! stored_as {
    ($name:ident, $db:literal) => {
        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                sqlx::postgres::PgTypeInfo::with_name($db)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                sqlx::postgres::PgTypeInfo::with_name(concat!("_", $db))
            }
        }

        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode_by_ref(&self.slug(), buf)
            }
        }

        impl sqlx::Decode<'_, sqlx::Postgres> for $name {
            fn decode(
                value: sqlx::postgres::PgValueRef<'_>,
            ) -> Result<$name, sqlx::error::BoxDynError> {
                let label = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                $name::from_slug(label)
                    .ok_or_else(|| format!("{} has no label {label:?}", $db).into())
            }
        }
    };
}

#[cfg(not(feature = "ssr"))]
macro_rules! stored_as {
    ($name:ident, $db:literal) => {};
}

pub(crate) use {slug_enum, stored_as};
