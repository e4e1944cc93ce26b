//! `cargo xtask spec diff`: what changed between two editions of bunq's document (or two of our specs).

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::Path;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

pub fn run(old: &Path, new: &Path) -> Result<(), String> {
    print!("{}", report(&crate::read_json(old)?, &crate::read_json(new)?));
    Ok(())
}

/// The differences, one per line, grouped under headings.
pub fn report(old: &Value, new: &Value) -> String {
    let mut out = String::new();
    let (old_ops, new_ops) = (operations(old), operations(new));
    section(&mut out, "operations added", new_ops.difference(&old_ops));
    section(&mut out, "operations removed", old_ops.difference(&new_ops));
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    let old_names: BTreeSet<&String> = old_schemas.keys().collect();
    let new_names: BTreeSet<&String> = new_schemas.keys().collect();
    section(&mut out, "schemas added", new_names.difference(&old_names));
    section(&mut out, "schemas removed", old_names.difference(&new_names));
    let changed = field_changes(old, new);
    section(&mut out, "schema fields changed", changed.iter());
    if out.is_empty() {
        out.push_str("no differences in operations or schema fields\n");
    }
    out
}

/// A field of a schema both documents have, added, removed or of another type.
pub struct FieldChange {
    pub schema: String,
    pub field: String,
    /// `added (Amount)`, `removed`, `integer → number`.
    pub what: String,
}

impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}: {}", self.schema, self.field, self.what)
    }
}

/// The field changes of the schemas both documents have, by schema and field.
pub fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    let mut changed = Vec::new();
    let names: BTreeSet<&String> = old_schemas.keys().collect();
    for name in names {
        let (old_schema, Some(new_schema)) = (&old_schemas[name], new_schemas.get(name)) else { continue };
        let (before, after) = (fields(old_schema), fields(new_schema));
        let mut push = |field: &String, what: String| {
            changed.push(FieldChange { schema: name.clone(), field: field.clone(), what })
        };
        for (field, schema) in &after {
            match before.get(field) {
                None => push(field, format!("added ({})", shape(schema))),
                Some(old) if shape(old) != shape(schema) => push(field, format!("{} → {}", shape(old), shape(schema))),
                Some(_) => {}
            }
        }
        for field in before.keys().filter(|f| !after.contains_key(*f)) {
            push(field, "removed".to_owned());
        }
    }
    changed
}

fn section<T: std::fmt::Display>(out: &mut String, heading: &str, lines: impl Iterator<Item = T>) {
    let lines: Vec<String> = lines.map(|l| l.to_string()).collect();
    if !lines.is_empty() {
        out.push_str(&format!("{heading} ({}):\n", lines.len()));
        for line in lines {
            out.push_str(&format!("  {line}\n"));
        }
    }
}

fn operations(doc: &Value) -> BTreeSet<String> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("-");
                ops.insert(format!("{} {path} ({id})", method.to_uppercase()));
            }
        }
    }
    ops
}

fn schemas(doc: &Value) -> Map<String, Value> {
    doc.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default()
}

fn fields(schema: &Value) -> Map<String, Value> {
    schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default()
}

/// A field's type in a few words: `string`, `integer`, `array of Pointer`, `Amount`.
fn shape(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!("array of {}", schema.get("items").map(shape).unwrap_or_else(|| "?".into())),
        Some(kind) => kind.to_owned(),
        None => "untyped".to_owned(),
    }
}

/// A short account of how two texts differ, for `--check`.
pub fn line_summary(current: &str, wanted: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (current.lines().collect(), wanted.lines().collect());
    let first = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let mut out = format!("  {} lines now, {} wanted; first difference at line {}", a.len(), b.len(), first + 1);
    if let Some(line) = a.get(first) {
        out.push_str(&format!("\n  - {}", line.trim()));
    }
    if let Some(line) = b.get(first) {
        out.push_str(&format!("\n  + {}", line.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_field_changes() {
        let old = json!({ "paths": { "/a": { "get": { "operationId": "a" } } },
            "components": { "schemas": { "Payment": { "properties": { "x": { "type": "integer" }, "gone": { "type": "string" } } } } } });
        let new = json!({ "paths": { "/b": { "post": { "operationId": "b" } } },
            "components": { "schemas": { "Payment": { "properties": { "x": { "type": "number" }, "y": { "$ref": "#/c/Amount" } } } } } });
        let text = report(&old, &new);
        for expected in [
            "POST /b (b)",
            "GET /a (a)",
            "Payment.x: integer → number",
            "Payment.y: added (Amount)",
            "Payment.gone: removed",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }
}
