//! The doc pass over progenitor's `types`: every type, field and variant whose doc is missing or
//! only repeats its name gets the doc [`Facts`] writes; and [`undocumented`], which lists every
//! public item of a generated file still without one (whoever generated it).
//!
//! A pass over the syn tree rather than `description`s in the JSON handed to progenitor: typify
//! reads descriptions of schemas and properties only, while this one place sees every item —
//! typify's, progenitor's and ours — so the same rule that writes the docs checks them.

use super::facts::Facts;
use super::shapes::{module_items, serde_rename, types_items};
use crate::docs::says_more;

/// Writes the docs of the types, fields and variants of progenitor's `types` module.
pub fn document(file: &mut syn::File, facts: &Facts) -> Result<(), String> {
    for item in types_items(file)? {
        match item {
            syn::Item::Struct(item) if facts.has(&item.ident.to_string()) => {
                let name = item.ident.to_string();
                set_doc(&mut item.attrs, &item.ident.to_string(), || facts.type_doc(&name));
                for field in item.fields.iter_mut() {
                    let Some(ident) = &field.ident else { continue };
                    let field_name = ident.to_string().trim_start_matches("r#").to_owned();
                    let key =
                        serde_rename(&field.attrs).or_else(|| facts.property(&name, &field_name).map(str::to_owned));
                    let key = key.unwrap_or_else(|| field_name.clone());
                    set_doc(&mut field.attrs, &field_name, || facts.field_doc(&name, &key));
                }
            }
            syn::Item::Enum(item) if facts.has(&item.ident.to_string()) => {
                let name = item.ident.to_string();
                set_doc(&mut item.attrs, &name, || facts.type_doc(&name));
                for variant in item.variants.iter_mut() {
                    let key = serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
                    let target = variant.fields.iter().next().and_then(|f| last_ident(&f.ty));
                    let target = target.filter(|t| facts.has(t));
                    let doc = facts.variant_doc(&key, target.as_deref());
                    set_doc(&mut variant.attrs, &variant.ident.to_string(), || Some(doc));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Ends the doc of every operation method of the `handles` module (a doc naming its HTTP method
/// and path) with what it answers, read from its return type.
pub fn answers(file: &mut syn::File) {
    let blocks = module_items(file, "handles").into_iter().flatten().filter_map(|item| match item {
        syn::Item::Impl(block) if block.trait_.is_none() => Some(block),
        _ => None,
    });
    for method in blocks.flat_map(|block| block.items.iter_mut()) {
        let syn::ImplItem::Fn(method) = method else { continue };
        let is_operation =
            ["GET", "POST", "PUT", "DELETE"].iter().any(|m| doc_text(&method.attrs).contains(&format!("`{m} /")));
        let syn::ReturnType::Type(_, ty) = &method.sig.output else { continue };
        let Some(answer) = is_operation.then(|| answer(ty)).flatten() else { continue };
        let line = format!(" Answers {answer}.");
        let position = method.attrs.iter().rposition(|a| a.path().is_ident("doc")).map_or(0, |i| i + 1);
        method.attrs.insert(position, syn::parse_quote!(#[doc = ""]));
        method.attrs.insert(position + 1, syn::parse_quote!(#[doc = #line]));
    }
}

/// What a method returning `ty` answers, in words: `crate::Result<types::Payment>` → `Payment`, linked.
fn answer(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let Some(syn::GenericArgument::Type(inner)) = args.args.iter().find(|a| matches!(a, syn::GenericArgument::Type(_)))
    else {
        return None;
    };
    let link = |ty: &syn::Type| {
        let name = last_ident(ty)?;
        let text = quote::ToTokens::to_token_stream(ty).to_string().replace(' ', "");
        text.starts_with("types::").then(|| format!("[`{name}`]({text})"))
    };
    match (last.ident.to_string().as_str(), inner) {
        ("Result", syn::Type::Tuple(t)) if t.elems.is_empty() => Some("`()` once bunq accepted it".to_owned()),
        ("Result", syn::Type::Path(p)) if p.path.segments.last().is_some_and(|s| s.ident == "Vec") => {
            let item = match &p.path.segments.last()?.arguments {
                syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
                    syn::GenericArgument::Type(t) => t,
                    _ => return None,
                },
                _ => return None,
            };
            // `Vec<u8>`: a file, which the doc says already.
            link(item).map(|item| format!("every {item} bunq gave back"))
        }
        ("Result", other) => link(other),
        _ => None,
    }
}

/// Replaces a doc that says no more than `name` with `doc()`, one `#[doc]` per line.
fn set_doc(attrs: &mut Vec<syn::Attribute>, name: &str, doc: impl FnOnce() -> Option<String>) {
    if says_more(&doc_text(attrs), name) {
        return;
    }
    let Some(doc) = doc() else { return };
    attrs.retain(|a| !a.path().is_ident("doc"));
    let lines = doc.lines().map(|line| match line.is_empty() {
        true => String::new(),
        false => format!(" {line}"),
    });
    let docs: Vec<syn::Attribute> = lines.map(|line| syn::parse_quote!(#[doc = #line])).collect();
    attrs.splice(0..0, docs);
}

/// The text of an item's doc attributes.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    let lines = attrs.iter().filter(|a| a.path().is_ident("doc")).filter_map(|a| match &a.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }),
            ..
        }) => Some(text.value()),
        _ => None,
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// `Payment` of `Payment`, `types::Payment` or `Box<Payment>`.
fn last_ident(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return last_ident(inner);
    }
    Some(last.ident.to_string())
}

/// Every public item, field, variant and inherent method of `file` whose doc says no more than
/// its name, as a path (`types::Payment::created`).
pub fn undocumented(file: &syn::File) -> Vec<String> {
    let mut out = Vec::new();
    walk(&file.items, "", &mut out);
    out
}

fn walk(items: &[syn::Item], parent: &str, out: &mut Vec<String>) {
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    let check = |out: &mut Vec<String>, attrs: &[syn::Attribute], name: String, path: String| {
        if !hidden(attrs) && !says_more(&doc_text(attrs), &name) {
            out.push(path);
        }
    };
    let path = |name: &dyn std::fmt::Display| format!("{parent}{name}");
    for item in items {
        match item {
            syn::Item::Mod(m) if public(&m.vis) && !hidden(&m.attrs) => {
                check(out, &m.attrs, m.ident.to_string(), path(&m.ident));
                if let Some((_, content)) = &m.content {
                    walk(content, &format!("{}::", path(&m.ident)), out);
                }
            }
            syn::Item::Struct(s) if public(&s.vis) && !hidden(&s.attrs) => {
                check(out, &s.attrs, s.ident.to_string(), path(&s.ident));
                for field in s.fields.iter().filter(|f| public(&f.vis)) {
                    if let Some(ident) = &field.ident {
                        check(out, &field.attrs, ident.to_string(), format!("{}::{ident}", path(&s.ident)));
                    }
                }
            }
            syn::Item::Enum(e) if public(&e.vis) && !hidden(&e.attrs) => {
                check(out, &e.attrs, e.ident.to_string(), path(&e.ident));
                for v in &e.variants {
                    check(out, &v.attrs, v.ident.to_string(), format!("{}::{}", path(&e.ident), v.ident));
                }
            }
            syn::Item::Fn(f) if public(&f.vis) => check(out, &f.attrs, f.sig.ident.to_string(), path(&f.sig.ident)),
            syn::Item::Trait(t) if public(&t.vis) => check(out, &t.attrs, t.ident.to_string(), path(&t.ident)),
            syn::Item::Type(t) if public(&t.vis) => check(out, &t.attrs, t.ident.to_string(), path(&t.ident)),
            syn::Item::Const(c) if public(&c.vis) => check(out, &c.attrs, c.ident.to_string(), path(&c.ident)),
            syn::Item::Static(s) if public(&s.vis) => check(out, &s.attrs, s.ident.to_string(), path(&s.ident)),
            syn::Item::Impl(block) if block.trait_.is_none() && !hidden(&block.attrs) => {
                let owner = match &*block.self_ty {
                    syn::Type::Path(p) => {
                        p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::")
                    }
                    _ => "impl".to_owned(),
                };
                for inner in &block.items {
                    if let syn::ImplItem::Fn(f) = inner
                        && public(&f.vis)
                    {
                        check(out, &f.attrs, f.sig.ident.to_string(), format!("{parent}{owner}::{}", f.sig.ident));
                    }
                }
            }
            _ => {}
        }
    }
}

/// `#[doc(hidden)]`.
fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc") && matches!(&a.meta, syn::Meta::List(list) if list.tokens.to_string() == "hidden")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_what_says_no_more_than_its_name() {
        let file: syn::File = syn::parse_quote! {
            /// The types.
            pub mod types {
                ///`NewPayment`
                pub struct NewPayment {
                    /// An amount of money.
                    pub amount: Amount,
                    pub description: String,
                    private: u8,
                }
                /// One of two.
                pub enum Kind { /// The first.
                    A, B }
                #[doc(hidden)]
                pub fn hidden() {}
                impl NewPayment { pub fn new() -> Self { todo!() } fn private() {} }
                impl Clone for NewPayment { fn clone(&self) -> Self { todo!() } }
            }
        };
        assert_eq!(
            undocumented(&file),
            ["types::NewPayment", "types::NewPayment::description", "types::Kind::B", "types::NewPayment::new"]
        );
    }

    #[test]
    fn says_what_an_operation_answers() {
        let words = |ty: syn::Type| answer(&ty);
        assert_eq!(
            words(syn::parse_quote!(crate::Result<types::Payment>)).as_deref(),
            Some("[`Payment`](types::Payment)")
        );
        assert_eq!(words(syn::parse_quote!(crate::Result<()>)).as_deref(), Some("`()` once bunq accepted it"));
        assert_eq!(words(syn::parse_quote!(crate::Result<Vec<u8>>)), None);
        let every = words(syn::parse_quote!(crate::Result<Vec<types::Card>>));
        assert_eq!(every.as_deref(), Some("every [`Card`](types::Card) bunq gave back"));
        assert_eq!(words(syn::parse_quote!(MonetaryAccountPayments<'a>)), None);
    }

    #[test]
    fn reads_wire_names_and_wrapped_types() {
        let field: syn::Field =
            syn::parse_quote!(#[serde(default, rename = "type", skip_serializing_if = "x")] pub type_: u8);
        assert_eq!(serde_rename(&field.attrs).as_deref(), Some("type"));
        let ty: syn::Type = syn::parse_quote!(::std::option::Option<::std::boxed::Box<Payment>>);
        assert_eq!(last_ident(&ty).as_deref(), Some("Payment"));
    }
}
