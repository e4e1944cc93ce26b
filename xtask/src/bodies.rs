//! The rule for create bodies, checked on the generated code: every `New<Thing>` the spec gives
//! required fields has `New<Thing>::new(…)` and no `Default` (a body built from `Default` would
//! leave out what bunq needs).

use serde_json::Value;
use std::collections::BTreeSet;

/// Each `New*` body of `spec` that breaks the rule in `code` (the generated source), by name.
pub fn problems(code: &str, spec: &Value) -> Result<Vec<String>, String> {
    let file: syn::File = syn::parse_str(code).map_err(|e| format!("the generated code does not parse: {e}"))?;
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or("the generated code has no `types` module")?;
    let (mut structs, mut defaults, mut constructors) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for item in types {
        match item {
            syn::Item::Struct(s) => {
                structs.insert(s.ident.to_string());
                if derives_default(&s.attrs) {
                    defaults.insert(s.ident.to_string());
                }
            }
            syn::Item::Impl(i) => {
                let Some(name) = self_name(i) else { continue };
                let is_default = i
                    .trait_
                    .as_ref()
                    .and_then(|(_, path, _)| path.segments.last())
                    .is_some_and(|s| s.ident == "Default");
                if is_default {
                    defaults.insert(name);
                } else if i.trait_.is_none()
                    && i.items.iter().any(|f| matches!(f, syn::ImplItem::Fn(f) if f.sig.ident == "new"))
                {
                    constructors.insert(name);
                }
            }
            _ => {}
        }
    }
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten();
    let mut problems = Vec::new();
    for (name, schema) in schemas.filter(|(name, _)| name.starts_with("New") && structs.contains(*name)) {
        if schema.get("required").and_then(Value::as_array).is_none_or(Vec::is_empty) {
            continue;
        }
        if !constructors.contains(name) {
            problems.push(format!("{name} has required fields but no `{name}::new(…)`"));
        }
        if defaults.contains(name) {
            problems.push(format!("{name} has required fields but implements `Default`"));
        }
    }
    Ok(problems)
}

fn derives_default(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            found |= meta.path.segments.last().is_some_and(|s| s.ident == "Default");
            Ok(())
        });
        found
    })
}

/// `X` of `impl … for X` / `impl X`.
fn self_name(i: &syn::ItemImpl) -> Option<String> {
    match &*i.self_ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_create_body_with_required_fields_has_a_constructor_and_no_default() {
        let spec_text = include_str!("../../spec/bunq.json");
        let groups = include_str!("../../spec/groups.json");
        let code = bunq_codegen::generate(spec_text, groups, include_str!("../../spec/docs.md"), &|_| true).unwrap();
        let spec: Value = serde_json::from_str(spec_text).unwrap();
        assert_eq!(problems(&code, &spec).unwrap(), Vec::<String>::new());
        // Bodies with required fields there are, beyond the two the crate once wrote by hand.
        let built = ["NewMonetaryAccountSavings", "NewDraftPaymentEntry", "NewPayment"];
        for name in built {
            assert!(spec["components"]["schemas"][name]["required"].is_array(), "{name}");
        }
    }

    #[test]
    fn a_body_that_breaks_the_rule_is_named() {
        let spec = json!({ "components": { "schemas": {
            "NewThing": { "type": "object", "required": ["a"] },
            "NewOther": { "type": "object", "required": ["a"] },
            "NewFree": { "type": "object" },
        } } });
        let code = "pub mod types {
            #[derive(Clone, Default)] pub struct NewThing { pub a: String }
            pub struct NewOther { pub a: String }
            impl NewOther { pub fn new(a: String) -> Self { Self { a } } }
            impl ::std::default::Default for NewOther { fn default() -> Self { todo!() } }
            #[derive(Default)] pub struct NewFree { pub a: Option<String> }
        }";
        assert_eq!(
            problems(code, &spec).unwrap(),
            [
                "NewOther has required fields but implements `Default`",
                "NewThing has required fields but no `NewThing::new(…)`",
                "NewThing has required fields but implements `Default`",
            ]
        );
    }
}
