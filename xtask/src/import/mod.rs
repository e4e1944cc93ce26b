//! `cargo xtask spec import`: bunq's published OpenAPI document → spec/bunq.json, by rule.
//!
//! Every operation of the document is bound unless spec/import.json excludes it with a reason.
//! The rules: paths keep bunq's URLs with every parameter typed as an id (`{itemId}` is the id
//! of the segment before it); responses become the envelope bunq sends (`Response`: a list of
//! one-key items named as on the wire, from spec/wire-facts.json; `Pagination` on listings; an
//! `Id` item on creates; nothing on deletes); request bodies are split from what is read back
//! (`New<Schema>` for creates, requiring what the document and bunq's SDK's `create()` require;
//! `<Schema>Update` with every field optional for updates; nested objects as their write shapes,
//! see schemas/write.rs); objects carry every field the wire carries (the document's plus those
//! in the facts); ids get their own types; method names are the resource after
//! `list_/get_/create_/update_/delete_`. spec/import.json holds only the exceptions, each with a `$why`. Same input,
//! same bytes out.

mod naming;
mod operations;
mod schemas;

use crate::json::{pretty, sha256_hex};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const SCHEMAS: &str = "#/components/schemas/";

/// A JSON file the import reads besides bunq's document (spec/import.json, spec/wire-facts.json).
pub struct Input(Value);

impl Input {
    pub fn parse(name: &str, text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map(Self).map_err(|e| format!("{name}: {e}"))
    }

    pub fn get(&self, key: &str) -> &Value {
        self.0.get(key).unwrap_or(&Value::Null)
    }

    /// An exception section: `{"<key>": {…, "$why": "…"}}`; every entry must say why.
    fn exceptions(&self, section: &str) -> Result<BTreeMap<String, Value>, String> {
        let mut out = BTreeMap::new();
        for (key, entry) in self.get(section).as_object().into_iter().flatten() {
            if key.starts_with('$') {
                continue;
            }
            if entry.get("$why").and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(format!("spec/import.json: {section}.{key} has no `$why`"));
            }
            out.insert(key.clone(), entry.clone());
        }
        Ok(out)
    }
}

/// The exceptions, read once.
pub struct Exceptions {
    pub excluded: BTreeMap<String, Value>,
    pub names: BTreeMap<String, Value>,
    pub auth: BTreeMap<String, Value>,
    pub items: BTreeMap<String, Value>,
    pub item_schemas: BTreeMap<String, Value>,
    pub resource_ids: BTreeMap<String, Value>,
    pub field_ids: BTreeMap<String, Value>,
    pub uploads: BTreeMap<String, Value>,
    pub corrections: BTreeMap<String, Value>,
    pub requests: BTreeMap<String, Value>,
    pub request_names: BTreeMap<String, Value>,
    pub added_schemas: BTreeMap<String, Value>,
    pub extra_schemas: BTreeMap<String, Value>,
}

impl Exceptions {
    fn read(config: &Input) -> Result<Self, String> {
        Ok(Self {
            excluded: config.exceptions("excluded")?,
            names: config.exceptions("names")?,
            auth: config.exceptions("auth")?,
            items: config.exceptions("items")?,
            item_schemas: config.exceptions("item_schemas")?,
            resource_ids: config.exceptions("resource_ids")?,
            field_ids: config.exceptions("field_ids")?,
            uploads: config.exceptions("uploads")?,
            corrections: config.exceptions("corrections")?,
            requests: config.exceptions("requests")?,
            request_names: config.exceptions("request_names")?,
            added_schemas: config.exceptions("added_schemas")?,
            extra_schemas: config.exceptions("extra_schemas")?,
        })
    }

    /// A string field of an exception entry.
    pub fn text<'a>(section: &'a BTreeMap<String, Value>, key: &str, field: &str) -> Option<&'a str> {
        section.get(key)?.get(field)?.as_str()
    }
}

/// Runs the import. `source_bytes` is bunq's document as read from disk (hashed for provenance).
pub fn import(source_bytes: &[u8], config: &Input, facts: &Input) -> Result<String, String> {
    let upstream: Value = serde_json::from_slice(source_bytes).map_err(|e| format!("the input is not JSON: {e}"))?;
    if upstream.pointer("/components/schemas").and_then(Value::as_object).is_none() {
        return Err("the input has no /components/schemas: is it bunq's OpenAPI document?".into());
    }
    let exceptions = Exceptions::read(config)?;
    let mut notes = Vec::new();
    let operations = operations::collect(&upstream, facts, &exceptions, &mut notes)?;
    let mut builder = schemas::Builder::new(&upstream, facts, &exceptions);
    // Every path id first, so that fields named after them are typed wherever they appear.
    for operation in &operations {
        for param in &operation.params {
            builder.use_id(&param.id_type, param.kind);
        }
    }
    // What bunq's SDK makes each create give, by the body's schema (several creates may share one).
    for operation in operations.iter().filter(|o| o.verb == naming::Verb::Create) {
        let Some(body) = &operation.body else { continue };
        let required = &facts.get("endpoints")[operation.facts_key().as_str()]["create_required"];
        let fields = required.as_array().into_iter().flatten().filter_map(|f| Some(f.as_str()?.to_owned()));
        builder.require_on_create(body, fields);
    }
    let mut paths = Map::new();
    for operation in &operations {
        let (method, item) = operation.to_openapi(&mut builder)?;
        let entry = paths.entry(operation.wire_path.clone()).or_insert_with(|| json!({}));
        entry[method] = item;
    }
    let schemas = builder.finish(&mut notes)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    eprintln!(
        "{} operations bound, {} excluded, {} schemas",
        operations.len(),
        exceptions.excluded.len(),
        schemas.len()
    );
    let info = upstream.get("info").unwrap_or(&Value::Null);
    let text = |ptr: &str| info.pointer(ptr).and_then(Value::as_str).unwrap_or("");
    let doc = json!({
        "openapi": "3.0.3",
        "info": {
            "title": config.get("title"),
            "version": text("/version"),
            "x-upstream": {
                "title": text("/title"),
                "version": text("/version"),
                "sha256": sha256_hex(source_bytes),
            },
        },
        "servers": config.get("servers").as_array().into_iter().flatten()
            .map(|url| json!({ "url": url })).collect::<Vec<_>>(),
        "security": [{ "sessionToken": [] }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "An error, as bunq reports it.",
                    "content": { "application/json": { "schema": { "$ref": format!("{SCHEMAS}ErrorResponse") } } },
                },
            },
            "securitySchemes": {
                "installationToken": {
                    "type": "apiKey", "in": "header", "name": "X-Bunq-Client-Authentication",
                    "description": "The token from POST /installation.",
                },
                "sessionToken": {
                    "type": "apiKey", "in": "header", "name": "X-Bunq-Client-Authentication",
                    "description": "The token from POST /session-server.",
                },
            },
        },
    });
    Ok(pretty(&doc))
}

/// `{"$ref": "#/components/schemas/<name>"}`.
pub fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("{SCHEMAS}{name}") })
}

/// Removes our own `$comment`/`$why` notes from an overlay before it is applied.
pub fn strip_comments(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "$comment" | "$why"))
                .map(|(k, v)| (k.clone(), strip_comments(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_comments).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> (Input, Input) {
        let config = Input::parse("import.json", include_str!("../../../spec/import.json")).unwrap();
        let facts = Input::parse("wire-facts.json", include_str!("../../../spec/wire-facts.json")).unwrap();
        (config, facts)
    }

    #[test]
    fn bad_input_is_named() {
        let (config, facts) = inputs();
        let err = import(b"[1,2", &config, &facts).unwrap_err();
        assert!(err.contains("not JSON"), "{err}");
        let err = import(b"{}", &config, &facts).unwrap_err();
        assert!(err.contains("/components/schemas"), "{err}");
    }

    #[test]
    fn an_operation_the_rule_cannot_map_fails_by_name() {
        let (config, facts) = inputs();
        let doc = json!({
            "paths": { "/thing/{whatever}": { "get": {
                "operationId": "READ_Thing",
                "parameters": [ { "in": "path", "name": "whatever", "schema": { "type": "integer" } } ],
                "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ThingRead" } } } } }
            } } },
            "components": { "schemas": { "ThingRead": { "type": "object", "properties": {} } } }
        });
        let err = import(doc.to_string().as_bytes(), &config, &facts).unwrap_err();
        assert!(err.contains("get /thing/{whatever}"), "{err}");
    }

    #[test]
    fn unmappable_schemas_name_their_pointer() {
        let (config, facts) = inputs();
        let doc = |schema: Value| {
            json!({
                "paths": { "/thing": { "get": {
                    "operationId": "List_all_Thing",
                    "responses": { "200": { "content": { "application/json": { "schema": {
                        "type": "array", "items": { "$ref": "#/components/schemas/ThingListing" } } } } } }
                } } },
                "components": { "schemas": { "ThingListing": schema } }
            })
        };
        let err = import(
            doc(json!({ "type": "object", "properties": { "k": { "type": "tuple" } } })).to_string().as_bytes(),
            &config,
            &facts,
        )
        .unwrap_err();
        assert!(err.contains("/components/schemas/ThingListing/properties/k"), "{err}");
        let err = import(
            doc(json!({ "type": "object", "properties": { "k": { "type": "array" } } })).to_string().as_bytes(),
            &config,
            &facts,
        )
        .unwrap_err();
        assert!(err.contains("array without items"), "{err}");
        let err = import(
            doc(json!({ "type": "object", "properties": { "k": { "$ref": "https://elsewhere" } } }))
                .to_string()
                .as_bytes(),
            &config,
            &facts,
        )
        .unwrap_err();
        assert!(err.contains("unsupported $ref"), "{err}");
    }
}
