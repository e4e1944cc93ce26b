//! `Envelope`, `Listing` and `Created` for every envelope type of the spec: how its items unwrap.

use crate::model::{Envelope, IdType, Model};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The impls, for a module that sees `types`.
pub fn generate(model: &Model) -> TokenStream {
    let impls = model.envelopes.iter().map(|(name, envelope)| {
        let name = format_ident!("{name}");
        let item = format_ident!("{}", envelope.item);
        let unwrap = unwrap(envelope);
        let listing = envelope.listing.then(|| {
            quote! {
                impl crate::Listing for types::#name {
                    fn pagination(&self) -> Option<&types::Pagination> { self.pagination.as_ref() }
                }
            }
        });
        let created = envelope.created.as_ref().map(|created| {
            let (id, inner) = (created.ty.tokens(), format_ident!("{}", created.field));
            quote! {
                impl crate::Created for types::#name {
                    type Id = #id;
                    fn id(&self) -> crate::Result<#id> {
                        self.response.first().map(|x| #unwrap.#inner.clone()).ok_or_else(|| crate::Error::Decode(
                            "bunq accepted the call, but its answer holds no id".to_owned()))
                    }
                }
            }
        });
        quote! {
            impl crate::Envelope for types::#name {
                type Item = types::#item;
                fn into_items(self) -> Vec<types::#item> { self.response.into_iter().map(|x| #unwrap).collect() }
            }
            #listing
            #created
        }
    });
    quote!(#(#impls)*)
}

/// An item `x` of the envelope, unwrapped: `x` or `x.<field>`.
fn unwrap(envelope: &Envelope) -> TokenStream {
    match &envelope.field {
        Some(field) => {
            let field = format_ident!("{field}");
            quote!(x.#field)
        }
        None => quote!(x),
    }
}

impl IdType {
    /// The id's Rust type, in a module that sees `types`.
    pub fn tokens(&self) -> TokenStream {
        match self {
            IdType::Schema(name) => {
                let name = format_ident!("{name}");
                quote!(types::#name)
            }
            IdType::Integer => quote!(i64),
            IdType::Text => quote!(String),
        }
    }
}
