//! Polymorphic containers (`{"Payment": {…}}` or `{"RequestInquiry": {…}}`, one of many) are
//! structs with an optional field per possible object. Inline, such a struct is the sum of all
//! its objects (40 KB for a split-the-bill reference), and decoding it in a debug build overflows
//! a thread's stack. Their fields are boxed: the struct becomes a row of pointers.

use serde_json::Value;
use std::collections::BTreeSet;

/// The schemas that are polymorphic containers: every property an UpperCamelCase reference.
pub fn containers(spec: &Value) -> BTreeSet<String> {
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten();
    schemas
        .filter(|(_, schema)| {
            let props = schema.get("properties").and_then(Value::as_object);
            props.is_some_and(|props| {
                !props.is_empty()
                    && props.iter().all(|(key, prop)| {
                        key.starts_with(|c: char| c.is_ascii_uppercase()) && prop.get("$ref").is_some()
                    })
            })
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Wraps the payload of every `Option<T>` field of the named structs in `types` in a `Box`.
pub fn box_fields(file: &mut syn::File, names: &BTreeSet<String>) -> Result<(), String> {
    let types = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut().map(|(_, items)| items),
        _ => None,
    });
    let types = types.ok_or("progenitor's output has no `types` module")?;
    for item in types {
        let syn::Item::Struct(item) = item else { continue };
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
