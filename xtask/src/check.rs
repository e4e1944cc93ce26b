//! `cargo xtask spec check`: the rules spec/bunq.json must keep, its operation groups, and
//! progenitor's verdict.

use crate::json::Pointer;
use serde_json::Value;
use std::path::Path;

/// The one header an operation may take itself: what an uploaded file shows.
const ATTACHMENT_DESCRIPTION: &str = "X-Bunq-Attachment-Description";

pub fn run(path: &Path) -> Result<(), String> {
    let text = crate::read_text(path)?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let problems = lint(&doc);
    if !problems.is_empty() {
        return Err(format!("{}: {} problem(s)\n  {}", path.display(), problems.len(), problems.join("\n  ")));
    }
    let groups_json = crate::root_text("spec/groups.json")?;
    let counts = crate::groups::check(&doc, &groups_json, &crate::root_text("Cargo.toml")?)?;
    let code = bunq_codegen::generate(&text, &groups_json, &crate::root_text("spec/docs.md")?, &|_| true)
        .map_err(|e| format!("{}: progenitor rejects it: {e}", path.display()))?;
    let bodies = crate::bodies::problems(&code, &doc)?;
    if !bodies.is_empty() {
        return Err(format!(
            "{}: {} create bod(ies) break the rule\n  {}",
            path.display(),
            bodies.len(),
            bodies.join("\n  ")
        ));
    }
    let operations = operations(&doc).count();
    println!("{}: {operations} operations, all rules hold, progenitor accepts it", path.display());
    let counts: Vec<String> = counts.iter().map(|(group, n)| format!("{group} {n}")).collect();
    println!("operations per group (spec/groups.json): {}", counts.join(", "));
    Ok(())
}

fn operations(doc: &Value) -> impl Iterator<Item = (Pointer, &Value)> {
    let operations = bunq_codegen::groups::operations(doc);
    operations.map(|(method, path, op)| (Pointer::root().push("paths").push(path).push(method), op))
}

/// Every broken rule, each naming its JSON pointer.
pub fn lint(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (at, op) in operations(doc) {
        if op.get("operationId").and_then(Value::as_str).is_none_or(str::is_empty) {
            problems.push(format!("{at}: no operationId"));
        }
        for (i, param) in op.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let param_at = at.push("parameters").push(&i.to_string());
            match param.get("in").and_then(Value::as_str) {
                Some("header") if param.get("name").and_then(Value::as_str) != Some(ATTACHMENT_DESCRIPTION) => {
                    problems.push(format!("{param_at}: header parameter (the auth layer owns headers)"))
                }
                Some("path") if !is_id_ref(doc, param.pointer("/schema/$ref")) => {
                    problems.push(format!("{param_at}: path parameter does not reference an id schema"))
                }
                _ => {}
            }
        }
        for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            let response_at = at.push("responses").push(status);
            if status == "default" {
                problems.push(format!("{response_at}: `default` response (progenitor cannot mix it with 200)"));
            }
            let file = response.pointer("/content/application~1octet-stream/schema/format") == Some(&"binary".into());
            if status.starts_with('2')
                && !file
                && !is_envelope(doc, response.pointer("/content/application~1json/schema/$ref"))
            {
                problems.push(format!("{response_at}: success is not a `Response` envelope"));
            }
        }
    }
    unresolved_refs(doc, doc, &Pointer::root(), &mut problems);
    problems
}

fn resolve<'a>(doc: &'a Value, reference: Option<&Value>) -> Option<&'a Value> {
    let target = reference?.as_str()?.strip_prefix('#')?;
    doc.pointer(target)
}

/// An integer id type (`…Id`) or a public UUID type (`…Uuid`).
fn is_id_ref(doc: &Value, reference: Option<&Value>) -> bool {
    let name = reference.and_then(Value::as_str).unwrap_or_default();
    resolve(doc, reference).is_some_and(|s| {
        let integer = s.get("type") == Some(&"integer".into()) && s.get("format") == Some(&"int64".into());
        (name.ends_with("Id") && integer) || (name.ends_with("Uuid") && s.get("type") == Some(&"string".into()))
    })
}

fn is_envelope(doc: &Value, reference: Option<&Value>) -> bool {
    resolve(doc, reference).is_some_and(|s| s.pointer("/properties/Response/type") == Some(&"array".into()))
}

fn unresolved_refs(doc: &Value, value: &Value, at: &Pointer, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref")
                && resolve(doc, Some(reference)).is_none()
            {
                problems.push(format!("{at}: $ref {reference} does not resolve"));
            }
            for (key, inner) in map {
                unresolved_refs(doc, inner, &at.push(key), problems);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                unresolved_refs(doc, inner, &at.push(&i.to_string()), problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_rule_can_fail() {
        let doc = json!({
            "paths": { "/x/{id}": { "get": {
                "parameters": [
                    { "in": "header", "name": "X-Bunq-Language", "schema": { "type": "string" } },
                    { "in": "path", "name": "id", "schema": { "type": "integer" } }
                ],
                "responses": {
                    "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Flat" } } } },
                    "default": { "$ref": "#/components/responses/Missing" }
                }
            } } },
            "components": { "schemas": { "Flat": { "type": "object", "properties": { "id": { "type": "integer" } } } } }
        });
        let problems = lint(&doc).join("\n");
        for expected in [
            "no operationId",
            "header parameter",
            "id schema",
            "`default`",
            "not a `Response` envelope",
            "does not resolve",
        ] {
            assert!(problems.contains(expected), "missing {expected:?} in:\n{problems}");
        }
    }
}
