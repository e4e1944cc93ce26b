//! Shared accessors: a polymorphic answer (`MonetaryAccount`, `User`, … — an enum of one object
//! per variant) gets a method per field every variant has, so reading a shared field needs no match.
//!
//! The rule, on progenitor's `types` as written:
//! - a field is shared when every variant's struct has it with one type, or with one type that
//!   some variants hold as `Option` (then the method answers an `Option`); a field some variants
//!   hold as a listed-value enum and the others as text answers that enum (it keeps any value);
//! - the method answers what reading the field gives: a copy of an id, a number or a flag; `&str`
//!   for a string, a slice for a list, a reference for anything else;
//! - an account (`MonetaryAccount…`, as read) whose aliases are `Pointer`s has `iban()`: the value of its
//!   IBAN alias.

use super::shapes::{types_items, wrapper};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// What reading a field of this type by `&self` gives.
#[derive(Clone, Copy, PartialEq)]
enum Read {
    /// A copy (ids, numbers, flags).
    Copy,
    /// `&str`, `&[T]` or `&T` for a `String`, `Vec<T>` or `Box<T>`.
    Deref,
    /// `&T`.
    Ref,
}

/// A field's type: whether it is optional, the type inside, and how it reads.
#[derive(Clone, Copy)]
struct Shape<'t> {
    optional: bool,
    inner: &'t syn::Type,
    read: Read,
}

/// Adds to progenitor's `types` the shared accessors of every polymorphic enum and `iban()` on
/// accounts. `copy` names the types that are `Copy` (the integer ids).
pub fn add(file: &mut syn::File, copy: &BTreeSet<String>) -> Result<(), String> {
    let items = types_items(file)?;
    let impls = impls(items, copy);
    let impls: syn::File = syn::parse2(impls).map_err(|e| format!("the shared accessors are not valid Rust: {e}"))?;
    items.extend(impls.items);
    Ok(())
}

fn impls(items: &[syn::Item], copy: &BTreeSet<String>) -> TokenStream {
    let structs: BTreeMap<String, &syn::ItemStruct> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    let listed = listed_enums(items);
    let mut out = TokenStream::new();
    for item in items {
        let syn::Item::Enum(item) = item else { continue };
        let Some(variants) = variants(item, &structs) else { continue };
        out.extend(enum_accessors(&item.ident, &variants, copy, &listed));
    }
    for (name, item) in &structs {
        if let Some(field) = iban_alias(name, item) {
            let ident = &item.ident;
            let field = format_ident!("{field}");
            out.extend(quote! {
                impl #ident {
                    /// The account's IBAN: the value of its alias of type `IBAN`, if it has one.
                    pub fn iban(&self) -> ::std::option::Option<&str> {
                        self.#field.iter().find(|alias| alias.type_.to_string() == "IBAN").map(|alias| alias.value.as_str())
                    }
                }
            });
        }
    }
    out
}

/// The names of the listed-value enums (`listed_values!` invocations, see values.rs).
fn listed_enums(items: &[syn::Item]) -> BTreeSet<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "listed_values") => {
                m.mac.tokens.clone().into_iter().find_map(|token| match token {
                    proc_macro2::TokenTree::Ident(ident) => Some(ident.to_string()),
                    _ => None,
                })
            }
            _ => None,
        })
        .collect()
}

/// The variants of an enum that holds one object per variant: (variant, its struct); `None` for
/// any other enum.
fn variants<'s>(
    item: &syn::ItemEnum,
    structs: &BTreeMap<String, &'s syn::ItemStruct>,
) -> Option<Vec<(syn::Ident, &'s syn::ItemStruct)>> {
    let mut out = Vec::new();
    for variant in &item.variants {
        let syn::Fields::Unnamed(fields) = &variant.fields else { return None };
        let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else { return None };
        let syn::Type::Path(path) = &field.ty else { return None };
        let name = path.path.get_ident()?.to_string();
        out.push((variant.ident.clone(), *structs.get(&name)?));
    }
    (out.len() > 1).then_some(out)
}

/// The field holding an account's aliases as `Pointer`s, if the struct is an account that has one.
fn iban_alias(name: &str, item: &syn::ItemStruct) -> Option<&'static str> {
    let pointers = |f: &syn::Field| f.ty.to_token_stream().to_string().replace(' ', "") == "::std::vec::Vec<Pointer>";
    let alias = item.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| i == "alias"))?;
    let read_object = !name.ends_with("Update");
    (name.starts_with("MonetaryAccount") && read_object && pointers(alias)).then_some("alias")
}

fn shape<'t>(ty: &'t syn::Type, copy: &BTreeSet<String>) -> Shape<'t> {
    let (optional, inner) = match wrapper(ty) {
        Some((outer, inner)) if outer == "Option" => (true, inner),
        _ => (false, ty),
    };
    let last = match inner {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        _ => String::new(),
    };
    let read = match last.as_str() {
        "String" | "Vec" | "Box" => Read::Deref,
        "bool" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64" => Read::Copy,
        name if copy.contains(name) => Read::Copy,
        _ => Read::Ref,
    };
    Shape { optional, inner, read }
}

/// What the accessor answers for a field of `shape` (wrapped in `Option` when `optional`).
fn answer_type(shape: &Shape, optional: bool) -> TokenStream {
    let inner = shape.inner;
    let read = match (shape.read, wrapper(inner)) {
        (Read::Copy, _) => quote!(#inner),
        (Read::Deref, Some((outer, item))) if outer == "Vec" => quote!(&[#item]),
        (Read::Deref, Some((_, item))) => quote!(&#item),
        (Read::Deref, None) => quote!(&str),
        (Read::Ref, _) => quote!(&#inner),
    };
    match optional {
        true => quote!(::std::option::Option<#read>),
        false => read,
    }
}

/// Reading the field `name` of the variant's object `v`, as the accessor answers it.
fn read_field(name: &syn::Ident, shape: &Shape, optional: bool) -> TokenStream {
    let value = match (shape.optional, shape.read) {
        (_, Read::Copy) => quote!(v.#name),
        (true, Read::Deref) => quote!(v.#name.as_deref()),
        (true, Read::Ref) => quote!(v.#name.as_ref()),
        (false, Read::Deref) => quote!(&*v.#name),
        (false, Read::Ref) => quote!(&v.#name),
    };
    match optional && !shape.optional {
        true => quote!(::std::option::Option::Some(#value)),
        false => value,
    }
}

fn enum_accessors(
    ident: &syn::Ident,
    variants: &[(syn::Ident, &syn::ItemStruct)],
    copy: &BTreeSet<String>,
    listed: &BTreeSet<String>,
) -> TokenStream {
    let (first, rest) = variants.split_first().expect("an enum of objects has variants");
    let mut methods = Vec::new();
    let mut shared = Vec::new();
    'fields: for field in first.1.fields.iter() {
        let Some(name) = &field.ident else { continue };
        let mut shapes = vec![shape(&field.ty, copy)];
        for (_, other) in rest {
            let Some(theirs) = other.fields.iter().find(|f| f.ident.as_ref() == Some(name)) else { continue 'fields };
            shapes.push(shape(&theirs.ty, copy));
        }
        let optional = shapes.iter().any(|s| s.optional);
        let key = |s: &Shape| s.inner.to_token_stream().to_string().replace(' ', "");
        let kinds: BTreeSet<String> = shapes.iter().map(key).collect();
        let (answer, arms): (TokenStream, Vec<TokenStream>) = match kinds.len() {
            1 => {
                let arms = variants.iter().zip(&shapes).map(|((variant, _), shape)| {
                    let read = read_field(name, shape, optional);
                    quote!(Self::#variant(v) => #read,)
                });
                (answer_type(&shapes[0], optional), arms.collect())
            }
            // Some kinds list the values and some do not: the listed enum, which keeps any value.
            2 => {
                let Some(listed_name) = kinds.iter().find(|k| listed.contains(k.as_str())) else { continue 'fields };
                if !kinds.contains("::std::string::String") {
                    continue 'fields;
                }
                let listed_type = format_ident!("{listed_name}");
                let arms = variants.iter().zip(&shapes).map(|((variant, _), shape)| {
                    let read = match (key(shape) == "::std::string::String", shape.optional) {
                        (false, _) => quote!(v.#name.clone()),
                        (true, true) => quote!(v.#name.as_deref().map(#listed_type::from)),
                        (true, false) => quote!(#listed_type::from(v.#name.as_str())),
                    };
                    match optional && !shape.optional {
                        true => quote!(Self::#variant(v) => ::std::option::Option::Some(#read),),
                        false => quote!(Self::#variant(v) => #read,),
                    }
                });
                let answer = match optional {
                    true => quote!(::std::option::Option<#listed_type>),
                    false => quote!(#listed_type),
                };
                (answer, arms.collect())
            }
            _ => continue 'fields,
        };
        let doc = format!(" The `{name}` of the {}, whichever kind it is.", words(&ident.to_string()));
        methods.push(quote! {
            #[doc = #doc]
            pub fn #name(&self) -> #answer {
                match self { #(#arms)* }
            }
        });
        shared.push(name.to_string());
    }
    // Unless the variants have an `iban` field of their own: that has its accessor already.
    let iban = variants.iter().all(|(_, s)| iban_alias(&s.ident.to_string(), s).is_some())
        && shared.iter().any(|f| f == "alias")
        && !shared.iter().any(|f| f == "iban");
    if iban {
        let arms = variants.iter().map(|(variant, _)| quote!(Self::#variant(v) => v.iban(),));
        methods.push(quote! {
            /// The account's IBAN: the value of its alias of type `IBAN`, if it has one.
            pub fn iban(&self) -> ::std::option::Option<&str> {
                match self { #(#arms)* }
            }
        });
    }
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #ident {
            #(#methods)*
        }
    }
}

/// `MonetaryAccount` → `monetary account`.
fn words(pascal: &str) -> String {
    crate::words::snake_of_pascal(pascal).replace('_', " ")
}
