//! `cargo xtask spec items`: for every endpoint bunq's Python SDK knows (spec/wire-facts.json,
//! made from the SDK by scripts/wire_facts.py), the item names spec/bunq.json expects on the wire
//! must be the SDK's.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

pub fn run(spec_path: &Path, facts_path: &Path) -> Result<(), String> {
    let (spec, facts) = (crate::read_json(spec_path)?, crate::read_json(facts_path)?);
    let (checked, problems, absent) = compare(&spec, &facts);
    for endpoint in &absent {
        println!("note: {endpoint}: the SDK has it, bunq's published document does not (nothing to bind)");
    }
    if !problems.is_empty() {
        return Err(format!(
            "{} of {checked} SDK endpoints disagree with {}:\n  {}",
            problems.len(),
            spec_path.display(),
            problems.join("\n  ")
        ));
    }
    println!("{checked} endpoints of bunq's SDK: the spec expects the same item names on the wire");
    Ok(())
}

/// (endpoints checked, disagreements, SDK endpoints the spec does not have).
pub fn compare(spec: &Value, facts: &Value) -> (usize, Vec<String>, Vec<String>) {
    let (mut checked, mut problems, mut absent) = (0, Vec::new(), Vec::new());
    let anchors = facts.get("anchors");
    for (url, kinds) in facts.get("endpoints").and_then(Value::as_object).into_iter().flatten() {
        for (kind, named) in kinds.as_object().into_iter().flatten() {
            let method = match kind.as_str() {
                "list" | "read" => "get",
                "create" => "post",
                "update" => "put",
                "delete" => "delete",
                _ => continue,
            };
            let Some(operation) = find(spec, url, method) else {
                absent.push(format!("{method} {url}"));
                continue;
            };
            checked += 1;
            let expected = expected_keys(named, anchors);
            let actual = item_keys(spec, operation);
            if expected != actual {
                problems.push(format!("{method} {url}: the SDK reads {expected:?}, the spec expects {actual:?}"));
            }
        }
    }
    (checked, problems, absent)
}

/// The operation at a facts URL (`user/{}/payment`) and method.
fn find<'a>(spec: &'a Value, url: &str, method: &str) -> Option<&'a Value> {
    let paths = spec.get("paths")?.as_object()?;
    paths.iter().find_map(|(path, item)| {
        let shape: Vec<&str> =
            path.trim_matches('/').split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect();
        (shape.join("/") == url).then(|| item.get(method)).flatten()
    })
}

/// The one-key item names a facts entry stands for ("" and "bytes" stand for no named item).
fn expected_keys(named: &Value, anchors: Option<&Value>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut add = |name: &str| match anchors.and_then(|a| a.get(name)).and_then(Value::as_array) {
        Some(variants) => keys.extend(variants.iter().filter_map(|v| Some(v.as_str()?.to_owned()))),
        None if name.is_empty() || name == "bytes" => {}
        None => {
            keys.insert(name.to_owned());
        }
    };
    match named {
        Value::String(name) => add(name),
        Value::Array(list) => {
            for entry in list {
                match entry {
                    Value::String(name) => add(name),
                    Value::Array(variants) => variants.iter().filter_map(Value::as_str).for_each(&mut add),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    keys
}

/// The one-key item names an operation's envelope accepts.
fn item_keys(spec: &Value, operation: &Value) -> BTreeSet<String> {
    let resolve =
        |reference: Option<&Value>| -> Option<&Value> { spec.pointer(reference?.as_str()?.strip_prefix('#')?) };
    let envelope = resolve(operation.pointer("/responses/200/content/application~1json/schema/$ref"));
    let Some(item) = resolve(envelope.and_then(|e| e.pointer("/properties/Response/items/$ref"))) else {
        return BTreeSet::new();
    };
    let variants: Vec<&Value> = match item.get("oneOf").and_then(Value::as_array) {
        Some(list) => list.iter().collect(),
        None => vec![item],
    };
    variants
        .iter()
        .filter_map(|v| v.get("required")?.as_array())
        .flatten()
        .filter_map(|k| Some(k.as_str()?.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_different_item_name_is_reported() {
        let spec = json!({
            "paths": { "/user/{user_id}/schedule-payment": { "get": { "responses": { "200": { "content": {
                "application/json": { "schema": { "$ref": "#/components/schemas/L" } } } } } } } },
            "components": { "schemas": {
                "L": { "properties": { "Response": { "items": { "$ref": "#/components/schemas/I" } } } },
                "I": { "required": ["SchedulePayment"], "properties": {} }
            } }
        });
        let facts =
            json!({ "endpoints": { "user/{}/schedule-payment": { "list": "ScheduledPayment" } }, "anchors": {} });
        let (checked, problems, absent) = compare(&spec, &facts);
        for endpoint in &absent {
            println!("note: {endpoint}: the SDK has it, bunq's published document does not (nothing to bind)");
        }
        assert_eq!(checked, 1);
        assert!(problems[0].contains("ScheduledPayment"), "{problems:?}");
        let facts =
            json!({ "endpoints": { "user/{}/schedule-payment": { "list": "SchedulePayment" } }, "anchors": {} });
        assert!(compare(&spec, &facts).1.is_empty());
    }
}
