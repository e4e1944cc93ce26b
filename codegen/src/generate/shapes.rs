//! Two rules applied to progenitor's types after it wrote them, because the wire needs them:
//!
//! - Polymorphic containers (`{"Payment": {…}}` or `{"RequestInquiry": {…}}`, one of many) are
//!   structs with an optional field per possible object. Inline, such a struct is the sum of all
//!   its objects (40 KB for a split-the-bill reference), and decoding it in a debug build
//!   overflows a thread's stack. Their fields are boxed: the struct becomes a row of pointers.
//! - bunq writes an empty list as `null` as often as `[]` (recorded callbacks do both). Every
//!   list field reads `null` as empty.

use crate::model::is_container;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use std::collections::BTreeSet;

/// The schemas that are polymorphic containers: every property an UpperCamelCase reference.
pub fn containers(spec: &Value) -> BTreeSet<String> {
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten();
    schemas.filter(|(_, schema)| is_container(schema)).map(|(name, _)| name.clone()).collect()
}

/// The items of the generated file's module `name` (`types`, `handles`).
pub(super) fn module_items<'f>(file: &'f mut syn::File, name: &str) -> Option<&'f mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => module.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The items of progenitor's `types` module.
pub(super) fn types_items(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, String> {
    module_items(file, "types").ok_or_else(|| "progenitor's output has no `types` module".to_owned())
}

/// The last segment of a type path with its one type argument: `::std::option::Option<T>` → ("Option", T).
pub(super) fn wrapper(ty: &syn::Type) -> Option<(String, &syn::Type)> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some((last.ident.to_string(), inner)),
        _ => None,
    }
}

/// The wire name of a field or variant from its `#[serde(rename = "…")]` (the generated code's
/// readers share it: the passes here, `cargo xtask spec impact`).
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            } else if meta.input.peek(syn::token::Paren) {
                meta.parse_nested_meta(|_| Ok(()))?;
            }
            Ok(())
        });
    }
    name
}

/// The structs of progenitor's `types` module.
pub(super) fn structs(file: &mut syn::File) -> Result<impl Iterator<Item = &mut syn::ItemStruct>, String> {
    Ok(types_items(file)?.iter_mut().filter_map(|item| match item {
        syn::Item::Struct(item) => Some(item),
        _ => None,
    }))
}

/// `null_as_empty`, for the module holding `types`: reads a list that may be `null` as empty
/// (`deserialize_with` of every list field).
pub fn null_as_empty() -> TokenStream {
    quote! {
        /// Reads a list bunq may write as `null` as an empty list.
        #[doc(hidden)]
        pub fn null_as_empty<'de, D, T>(deserializer: D) -> ::std::result::Result<::std::vec::Vec<T>, D::Error>
        where
            D: ::serde::Deserializer<'de>,
            T: ::serde::Deserialize<'de>,
        {
            let list: ::std::option::Option<::std::vec::Vec<T>> = ::serde::Deserialize::deserialize(deserializer)?;
            ::std::result::Result::Ok(list.unwrap_or_default())
        }
    }
}

/// Every `Vec` field of `types` reads `null` as empty (with [`null_as_empty`], in the parent module).
pub fn null_lists(file: &mut syn::File) -> Result<(), String> {
    for item in structs(file)? {
        for field in item.fields.iter_mut() {
            let syn::Type::Path(path) = &field.ty else { continue };
            if path.path.segments.last().is_none_or(|s| s.ident != "Vec") {
                continue;
            }
            let attribute: syn::Attribute = syn::parse_quote!(#[serde(deserialize_with = "super::null_as_empty")]);
            field.attrs.push(attribute);
        }
    }
    Ok(())
}

/// Wraps the payload of every `Option<T>` field of the named structs in `types` in a `Box`.
pub fn box_fields(file: &mut syn::File, names: &BTreeSet<String>) -> Result<(), String> {
    for item in structs(file)? {
        if !names.contains(&item.ident.to_string()) {
            continue;
        }
        for field in item.fields.iter_mut() {
            let syn::Type::Path(path) = &mut field.ty else { continue };
            let Some(last) = path.path.segments.last_mut() else { continue };
            let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else { continue };
            if last.ident != "Option" {
                continue;
            }
            if let Some(syn::GenericArgument::Type(inner)) = args.args.first_mut() {
                let boxed: syn::Type = syn::parse_quote!(::std::boxed::Box<#inner>);
                *inner = boxed;
            }
        }
    }
    Ok(())
}
