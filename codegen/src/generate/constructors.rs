//! Constructors of create bodies, by rule: every `New<Thing>` (a create's body, or a write shape
//! nested in one) that has required fields gets `New<Thing>::new(required…)`, taking them in
//! the order of the spec's `required` list (text as `impl Into<String>`); progenitor derives no
//! `Default` for it. Every `New<Thing>` gets a `with_<field>(value)` per optional field, to chain.
//! Update bodies (`<Thing>Update`) have only optional fields: `Default` and the public fields.

use super::shapes::{serde_rename, structs, types_items, wrapper};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Adds the constructors and `with_` methods of every `New*` struct to progenitor's `types`.
pub fn add(file: &mut syn::File, spec: &Value) -> Result<(), String> {
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    let mut impls = Vec::new();
    for item in structs(file)? {
        let name = item.ident.to_string();
        let Some(schema) = name.strip_prefix("New").and(schemas.and_then(|s| s.get(&name))) else { continue };
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        impls.push(body_impl(item, &required)?);
    }
    let items: Vec<syn::Item> = impls
        .into_iter()
        .map(|tokens| syn::parse2(tokens).map_err(|e| format!("a generated constructor is not valid Rust: {e}")))
        .collect::<Result<_, _>>()?;
    types_items(file)?.extend(items);
    Ok(())
}

/// One field: its Rust name, its wire name, and its type.
struct Field<'a> {
    ident: &'a syn::Ident,
    wire: String,
    ty: &'a syn::Type,
}

/// `impl New<Thing> { new(…), with_<field>(…)… }`.
fn body_impl(item: &syn::ItemStruct, required: &[&str]) -> Result<TokenStream, String> {
    let name = &item.ident;
    let fields: Vec<Field> = item
        .fields
        .iter()
        .filter_map(|f| {
            let ident = f.ident.as_ref()?;
            let wire = serde_rename(&f.attrs).unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
            Some(Field { ident, wire, ty: &f.ty })
        })
        .collect();
    let find = |wire: &str| fields.iter().find(|f| f.wire == wire);
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for wire in required {
        let field = find(wire).ok_or(format!("`{name}` requires `{wire}`, which it has no field for"))?;
        let ident = field.ident;
        let (ty, value) = taken(field.ty, quote!(#ident));
        params.push(quote!(#ident: #ty));
        inits.push(if *ident == value.to_string() { quote!(#ident) } else { quote!(#ident: #value) });
    }
    let optional: Vec<&Field> = fields.iter().filter(|f| !required.contains(&f.wire.as_str())).collect();
    let constructor = (!required.is_empty()).then(|| {
        let defaults = optional.iter().map(|f| f.ident);
        let names = required.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
        let doc =
            format!("A `{name}` from the fields bunq requires ({names}); set the others with the `with_` methods.");
        quote! {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #(#defaults: ::std::default::Default::default(),)* }
            }
        }
    });
    let setters = optional.iter().map(|field| {
        let ident = field.ident;
        let method = format_ident!("with_{}", field.wire);
        let (inner, wrap) = match wrapper(field.ty) {
            Some((outer, inner)) if outer == "Option" => (inner, true),
            _ => (field.ty, false),
        };
        let (ty, value) = taken(inner, quote!(value));
        let value = if wrap { quote!(::std::option::Option::Some(#value)) } else { value };
        let doc = format!("Sets `{}`.", field.wire);
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #method(mut self, value: #ty) -> Self {
                self.#ident = #value;
                self
            }
        }
    });
    Ok(quote! {
        impl #name {
            #constructor
            #(#setters)*
        }
    })
}

/// The parameter type for a field of type `ty`, and the expression that turns `value` into it:
/// text is taken as `impl Into<String>`.
fn taken(ty: &syn::Type, value: TokenStream) -> (TokenStream, TokenStream) {
    if last_segment(ty).is_some_and(|s| s.ident == "String") {
        (quote!(impl ::std::convert::Into<::std::string::String>), quote!(#value.into()))
    } else {
        (quote!(#ty), value)
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last(),
        _ => None,
    }
}
