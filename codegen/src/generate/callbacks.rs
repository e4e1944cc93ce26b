//! `CallbackObject`: the objects a callback (`NotificationUrl`) can carry, by rule from the
//! variants of the spec's `NotificationAnchorObject`, plus an arm that keeps any other object as
//! bunq sent it, so that an object type this version does not know never loses its event.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// The enum and its impl, for a module that sees `types`.
pub fn generate(spec: &Value) -> Result<TokenStream, String> {
    let names: Vec<&str> = spec
        .pointer("/components/schemas/NotificationAnchorObject/oneOf")
        .and_then(Value::as_array)
        .ok_or("the spec has no NotificationAnchorObject (the import adds it with NotificationUrl)")?
        .iter()
        .filter_map(|v| v.get("required")?.as_array()?.first()?.as_str())
        .collect();
    let variants: Vec<syn::Ident> = names.iter().map(|name| format_ident!("{name}")).collect();
    let docs = names.iter().map(|name| format!(" A `{name}`."));
    Ok(quote! {
        /// The object a callback carries: one of the types bunq sends callbacks for, or one this
        /// version of the crate does not know (kept as bunq sent it).
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum CallbackObject {
            #(
                #[doc = #docs]
                #variants(::std::boxed::Box<types::#variants>),
            )*
            /// An object of a type this version does not know, or could not read: as bunq sent it.
            Unknown {
                /// Its wire type name (`"Payment"`, …).
                type_name: String,
                /// The object.
                object: serde_json::Value,
            },
        }
        impl CallbackObject {
            /// The wire type name: `Payment`, `RequestInquiry`, ….
            pub fn type_name(&self) -> &str {
                match self {
                    #( Self::#variants(_) => #names, )*
                    Self::Unknown { type_name, .. } => type_name,
                }
            }
            /// The object under its wire type name; an object it cannot read stays `Unknown`.
            pub fn from_wire(type_name: &str, object: serde_json::Value) -> Self {
                let read: Result<Self, serde_json::Error> = match type_name {
                    #(
                        #names => serde_json::from_value(object.clone())
                            .map(|o| Self::#variants(::std::boxed::Box::new(o))),
                    )*
                    _ => return Self::Unknown { type_name: type_name.to_owned(), object },
                };
                read.unwrap_or(Self::Unknown { type_name: type_name.to_owned(), object })
            }
        }
    })
}
