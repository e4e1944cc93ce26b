//! The enums of listed values (`types::PointerType`, `types::MonetaryAccountStatus`, …): the
//! generator writes one `listed_values!` per enum (codegen/src/generate/values.rs says which and
//! how they are named); this macro writes what every one of them does.

/// An enum of the values bunq lists for a field, plus `Other(String)` for a value bunq adds later.
///
/// Each value reads and writes as bunq's string (serde, `Display`, `FromStr`, `as_str`), and
/// compares by that string: `Other("IBAN".into()) == Iban`, and `PointerType::Iban == "IBAN"`.
macro_rules! listed_values {
    ($(#[$doc:meta])* $name:ident { $($(#[$value_doc:meta])* $variant:ident = $value:literal,)* }) => {
        $(#[$doc])*
        ///
        /// Reads and writes as bunq's string; a value this version does not list is kept in `Other`.
        #[derive(Clone, Debug)]
        pub enum $name {
            $($(#[$value_doc])* $variant,)*
            /// A value this version does not list, as bunq wrote it.
            Other(::std::string::String),
        }

        impl $name {
            /// The values bunq lists, in its order.
            pub const LISTED: &'static [Self] = &[$(Self::$variant),*];

            /// bunq's string for the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Other(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            /// Never fails: a value this version does not list is `Other`.
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::std::cmp::Eq for $name {}

        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl ::std::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl ::std::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::string::String {
                stringify!($name).to_owned()
            }
            fn is_referenceable() -> bool {
                false
            }
            fn json_schema(generator: &mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema {
                <::std::string::String as ::schemars::JsonSchema>::json_schema(generator)
            }
        }
    };
}

pub(crate) use listed_values;
