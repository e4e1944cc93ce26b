//! `docs check <rustdoc.json>`: every public item and field of bunq-api has a doc line that says
//! more than its name, counted from rustdoc's JSON output; and every section of spec/docs.md names
//! a schema of the spec (a handwritten doc for a type that is gone would go unread).
//!
//! What counts: the crate's own items (not re-exports of other crates) that rustdoc documents —
//! modules, types, traits, functions, constants, statics, macros, named fields, enum variants, and
//! the items of traits and inherent impls. Trait impls are left out (rustdoc shows the trait's
//! docs), and so are positional fields (`PaymentId(pub i64)`: the type's doc is the field's).

use bunq_codegen::docs::says_more;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Kinds of item a user reads a doc line for.
const KINDS: [&str; 12] = [
    "module",
    "struct",
    "enum",
    "union",
    "trait",
    "function",
    "type_alias",
    "constant",
    "static",
    "macro",
    "struct_field",
    "variant",
];

pub fn run(json: &Path, spec: &Path, handwritten: &Path) -> Result<(), String> {
    let doc = crate::read_json(json)?;
    let missing = undocumented(&doc)?;
    let stale = stale_sections(&crate::read_json(spec)?, &crate::read_text(handwritten)?)?;
    for path in &missing {
        println!("no doc beyond its name: {path}");
    }
    for name in &stale {
        println!("{}: section `{name}` names no schema of the spec", handwritten.display());
    }
    println!("{} public items and fields without a doc line beyond their name", missing.len());
    match missing.is_empty() && stale.is_empty() {
        true => Ok(()),
        false => Err(format!("docs check failed: {} undocumented, {} stale sections", missing.len(), stale.len())),
    }
}

/// The public items of the crate whose docs are missing or only repeat the name, as paths.
pub fn undocumented(doc: &Value) -> Result<Vec<String>, String> {
    let index = doc.get("index").and_then(Value::as_object).ok_or("not rustdoc JSON: no `index`")?;
    let root = doc.get("root").ok_or("not rustdoc JSON: no `root`")?;
    let local = index.get(&id_key(root)).and_then(|r| r.get("crate_id")).cloned().unwrap_or(Value::from(0));
    // Items of trait impls inherit the trait's docs; items of traits and inherent impls need their own.
    let (mut skipped, mut owned) = (BTreeSet::new(), BTreeSet::new());
    for item in index.values() {
        let inner = item.get("inner");
        if let Some(block) = inner.and_then(|i| i.get("impl")) {
            let ids = block.get("items").and_then(Value::as_array).into_iter().flatten().map(id_key);
            match block.get("trait").or_else(|| block.get("trait_")).is_some_and(|t| !t.is_null()) {
                true => skipped.extend(ids),
                false => owned.extend(ids),
            }
        }
        if let Some(block) = inner.and_then(|i| i.get("trait")) {
            owned.extend(block.get("items").and_then(Value::as_array).into_iter().flatten().map(id_key));
        }
    }
    // Fields and variants have no path of their own: theirs is their parent's and their name.
    let mut parent = std::collections::BTreeMap::new();
    for (id, item) in index {
        let inner = item.get("inner");
        let children = [
            inner.and_then(|i| i.pointer("/struct/kind/plain/fields")),
            inner.and_then(|i| i.pointer("/enum/variants")),
            inner.and_then(|i| i.pointer("/variant/kind/struct/fields")),
        ];
        for child in children.into_iter().flatten().filter_map(Value::as_array).flatten() {
            parent.insert(id_key(child), id.clone());
        }
    }
    let path_of = |id: &str, name: &str| -> String {
        match parent.get(id) {
            Some(owner) => {
                let owner_name = index[owner].get("name").and_then(Value::as_str).unwrap_or_default();
                let owner_path = match parent.get(owner) {
                    Some(grand) => format!("{}::{owner_name}", path_of(doc, grand, "")),
                    None => path_of(doc, owner, owner_name),
                };
                format!("{owner_path}::{name}")
            }
            None => path_of(doc, id, name),
        }
    };
    let mut missing = Vec::new();
    for (id, item) in index {
        if item.get("crate_id") != Some(&local) || skipped.contains(id) {
            continue;
        }
        let Some(kind) = item.get("inner").and_then(Value::as_object).and_then(|i| i.keys().next()) else { continue };
        let public = item.get("visibility").and_then(Value::as_str) == Some("public");
        let counted = KINDS.contains(&kind.as_str()) && (public || kind == "variant" || owned.contains(id));
        let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
        if !counted || name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if !says_more(item.get("docs").and_then(Value::as_str).unwrap_or_default(), name) {
            missing.push(path_of(id, name));
        }
    }
    missing.sort();
    Ok(missing)
}

/// Ids are strings in older formats and numbers in newer ones: both as one key.
fn id_key(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `bunq_api::types::Payment` for items rustdoc gives a path; the name and the id otherwise.
fn path_of(doc: &Value, id: &str, name: &str) -> String {
    let path = doc.pointer(&format!("/paths/{id}/path")).and_then(Value::as_array);
    let parts: Option<Vec<&str>> = path.map(|p| p.iter().filter_map(Value::as_str).collect());
    match parts {
        Some(parts) if !parts.is_empty() => parts.join("::"),
        _ => format!("{name} (item {id})"),
    }
}

/// The `## Name` sections of spec/docs.md that name no schema of the spec.
pub fn stale_sections(spec: &Value, handwritten: &str) -> Result<Vec<String>, String> {
    let docs = bunq_codegen::docs::Handwritten::parse(handwritten)?;
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).ok_or("the spec has no schemas")?;
    Ok(docs.types().filter(|name| !schemas.contains_key(*name)).map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A crate of three items in rustdoc's JSON shape: a struct with one documented field, one
    /// field whose doc is its name, a trait impl's method (never counted) and a positional field.
    fn crate_json(struct_doc: &str) -> Value {
        json!({
            "root": 0,
            "index": {
                "0": {"crate_id": 0, "name": "demo", "visibility": "public", "docs": "A demo.",
                      "inner": {"module": {"items": [1]}}},
                "1": {"crate_id": 0, "name": "Payment", "visibility": "public", "docs": struct_doc,
                      "inner": {"struct": {"kind": {"plain": {"fields": [2, 3, 6]}}, "impls": [4]}}},
                "2": {"crate_id": 0, "name": "amount", "visibility": "public", "docs": "Money, as a decimal string.",
                      "inner": {"struct_field": {}}},
                "3": {"crate_id": 0, "name": "created", "visibility": "public", "docs": "`created`",
                      "inner": {"struct_field": {}}},
                "4": {"crate_id": 0, "name": null, "visibility": "default", "docs": null,
                      "inner": {"impl": {"trait": {"path": "Clone"}, "items": [5]}}},
                "5": {"crate_id": 0, "name": "clone", "visibility": "default", "docs": null,
                      "inner": {"function": {}}},
                "6": {"crate_id": 0, "name": "0", "visibility": "public", "docs": null,
                      "inner": {"struct_field": {}}},
                "7": {"crate_id": 1, "name": "Other", "visibility": "public", "docs": null,
                      "inner": {"struct": {}}}
            },
            "paths": {"1": {"path": ["demo", "Payment"]}}
        })
    }

    #[test]
    fn counts_missing_and_name_only_docs() {
        let missing = undocumented(&crate_json("`Payment`")).unwrap();
        assert_eq!(missing, vec!["demo::Payment".to_owned(), "demo::Payment::created".to_owned()]);
        let missing = undocumented(&crate_json("A payment bunq made or received.")).unwrap();
        assert_eq!(missing, vec!["demo::Payment::created".to_owned()]);
    }

    /// The generator's own check, on the client of every group: what rustdoc would count, before
    /// a build (it names the generated items a pass left without a doc).
    #[test]
    fn every_generated_item_has_a_doc() {
        let text = |name: &str| crate::root_text(name).unwrap();
        let code =
            bunq_codegen::generate(&text("spec/bunq.json"), &text("spec/groups.json"), &text("spec/docs.md"), &|_| {
                true
            })
            .unwrap();
        let missing = bunq_codegen::undocumented(&code).unwrap();
        assert!(missing.is_empty(), "{} generated items without a doc:\n{}", missing.len(), missing.join("\n"));
    }

    #[test]
    fn the_handwritten_docs_name_schemas_of_the_spec() {
        let spec = crate::read_json(&crate::root().join("spec/bunq.json")).unwrap();
        assert_eq!(stale_sections(&spec, &crate::root_text("spec/docs.md").unwrap()).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn sections_must_name_schemas() {
        let spec = json!({"components": {"schemas": {"Payment": {}}}});
        let docs = "# Types\n\n## Payment\n\nMoney moved.\n\n## Gone\n\nA type the spec lost.\n";
        assert_eq!(stale_sections(&spec, docs).unwrap(), vec!["Gone".to_owned()]);
    }
}
