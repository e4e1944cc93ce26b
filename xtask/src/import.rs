//! `cargo xtask spec import`: bunq's published OpenAPI document → spec/bunq.json.
//!
//! The import keeps only the operations listed in spec/import.json, rewrites their
//! responses to the envelope bunq actually sends, drops the protocol headers, splits
//! request bodies from response objects, types every id, applies the corrections
//! overlay and removes all of bunq's prose. Same input, same bytes out.

use crate::json::{Pointer, merge_patch, pretty, sha256_hex};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

const SCHEMAS: &str = "#/components/schemas/";

/// Everything the import needs besides bunq's document: spec/import.json.
pub struct Config(Value);

impl Config {
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("spec/import.json: {e}"))?;
        Ok(Self(value))
    }

    fn get(&self, key: &str) -> &Value {
        self.0.get(key).unwrap_or(&Value::Null)
    }

    fn map(&self, key: &str) -> Map<String, Value> {
        self.get(key).as_object().cloned().unwrap_or_default()
    }

    fn str_map(&self, key: &str) -> BTreeMap<String, String> {
        self.map(key).into_iter().filter_map(|(k, v)| Some((k, v.as_str()?.to_owned()))).collect()
    }
}

/// Runs the import. `source_bytes` is bunq's document as read from disk (hashed for provenance).
pub fn import(source_bytes: &[u8], config: &Config) -> Result<String, String> {
    let upstream: Value = serde_json::from_slice(source_bytes).map_err(|e| format!("the input is not JSON: {e}"))?;
    let mut importer = Importer::new(&upstream, config)?;
    let paths = importer.paths()?;
    let schemas = importer.schemas()?;
    for note in &importer.notes {
        eprintln!("note: {note}");
    }
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

/// What a schema is built as: a response object, or the body of a request.
#[derive(Clone, Copy, PartialEq)]
enum Form {
    Response,
    Request,
}

struct Importer<'a> {
    upstream: &'a Value,
    config: &'a Config,
    ids: BTreeMap<String, String>,
    path_ids: BTreeMap<String, String>,
    field_ids: BTreeMap<String, String>,
    object_ids: BTreeMap<String, String>,
    /// Schemas written so far, by name.
    out: BTreeMap<String, Value>,
    /// Response-form schemas still to pull in from bunq's document.
    queue: VecDeque<String>,
    /// What the import left out, for the maintainer to read.
    notes: BTreeSet<String>,
}

impl<'a> Importer<'a> {
    fn new(upstream: &'a Value, config: &'a Config) -> Result<Self, String> {
        if upstream.pointer("/components/schemas").and_then(Value::as_object).is_none() {
            return Err("the input has no /components/schemas: is it bunq's OpenAPI document?".into());
        }
        Ok(Self {
            upstream,
            config,
            ids: config.str_map("ids"),
            path_ids: config.str_map("path_ids"),
            field_ids: config.str_map("field_ids"),
            object_ids: config.str_map("object_ids"),
            out: BTreeMap::new(),
            queue: VecDeque::new(),
            notes: BTreeSet::new(),
        })
    }

    fn paths(&mut self) -> Result<Map<String, Value>, String> {
        let mut paths = Map::new();
        let operations = self.config.get("operations").as_array().cloned().unwrap_or_default();
        for (index, op) in operations.iter().enumerate() {
            let at = format!("spec/import.json /operations/{index}");
            let field = |key: &str| op.get(key).and_then(Value::as_str);
            let name = field("name").ok_or(format!("{at}: no name"))?;
            let upstream_op = field("upstream").ok_or(format!("{at}: no upstream"))?;
            let (method, path) =
                upstream_op.split_once(' ').ok_or(format!("{at}: upstream must read `<method> <path>`"))?;
            let pointer = Pointer::root().push("paths").push(path).push(method);
            let source = self
                .upstream
                .pointer(&pointer.to_string())
                .ok_or(format!("operation `{upstream_op}` ({name}) is not in the input at {pointer}"))?;
            let (wire_path, mut parameters) = self.path_parameters(path, op, source, &pointer)?;
            if let Some(page_id) = field("page_id") {
                parameters.extend(self.page_parameters(page_id)?);
            }
            let mut operation = Map::new();
            operation.insert("operationId".into(), json!(name));
            if let Some(doc) = field("doc") {
                operation.insert("description".into(), json!(doc));
            }
            if !parameters.is_empty() {
                operation.insert("parameters".into(), Value::Array(parameters));
            }
            if let Some(body) = field("body") {
                let body_name = self.request_schema(body, &pointer)?;
                operation.insert(
                    "requestBody".into(),
                    json!({ "required": true, "content": { "application/json": { "schema": schema_ref(&body_name) } } }),
                );
            }
            let envelope = self.envelope(op, field("page_id").is_some(), &at)?;
            operation.insert(
                "responses".into(),
                json!({
                    "200": {
                        "description": "Success, in bunq's envelope.",
                        "content": { "application/json": { "schema": schema_ref(&envelope) } },
                    },
                    "4XX": { "$ref": "#/components/responses/Error" },
                    "5XX": { "$ref": "#/components/responses/Error" },
                }),
            );
            match field("auth") {
                None | Some("session") => {}
                Some("none") => {
                    operation.insert("security".into(), json!([]));
                }
                Some("installation") => {
                    operation.insert("security".into(), json!([{ "installationToken": [] }]));
                }
                Some(other) => return Err(format!("{at}: unknown auth `{other}`")),
            }
            let entry = paths.entry(wire_path).or_insert_with(|| json!({}));
            entry[method] = Value::Object(operation);
        }
        Ok(paths)
    }

    /// Renames the path's parameters after their id types and types them.
    fn path_parameters(
        &self,
        path: &str,
        op: &Value,
        source: &Value,
        pointer: &Pointer,
    ) -> Result<(String, Vec<Value>), String> {
        let declared: BTreeSet<String> = source
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
            .filter_map(|p| Some(p.get("name")?.as_str()?.to_owned()))
            .collect();
        let mut wire = String::new();
        let mut parameters = Vec::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let end = rest[start..]
                .find('}')
                .map(|e| start + e)
                .ok_or(format!("unbalanced braces in the path at {pointer}"))?;
            let name = &rest[start + 1..end];
            if !declared.contains(name) {
                return Err(format!("path parameter `{name}` is not declared at {pointer}/parameters"));
            }
            let id_type = match self.path_ids.get(name) {
                Some(id) => id.clone(),
                None => op
                    .get("item_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or(format!("no id type for path parameter `{name}` at {pointer}: add it to path_ids or give the operation an item_id"))?,
            };
            self.require_id(&id_type)?;
            let rust_name = snake_case(&id_type);
            wire.push_str(&rest[..start]);
            wire.push_str(&format!("{{{rust_name}}}"));
            parameters.push(json!({
                "in": "path", "name": rust_name, "required": true, "schema": schema_ref(&id_type),
            }));
            rest = &rest[end + 1..];
        }
        wire.push_str(rest);
        Ok((wire, parameters))
    }

    fn page_parameters(&self, page_id: &str) -> Result<Vec<Value>, String> {
        self.require_id(page_id)?;
        Ok(vec![
            json!({ "in": "query", "name": "count", "required": false,
                    "description": "How many items to answer with (bunq's default 10, at most 200).",
                    "schema": { "type": "integer", "format": "uint32" } }),
            json!({ "in": "query", "name": "newer_id", "required": false,
                    "description": "Only items newer than this one.", "schema": schema_ref(page_id) }),
            json!({ "in": "query", "name": "older_id", "required": false,
                    "description": "Only items older than this one.", "schema": schema_ref(page_id) }),
        ])
    }

    fn require_id(&self, id_type: &str) -> Result<(), String> {
        if self.ids.contains_key(id_type) {
            Ok(())
        } else {
            Err(format!("`{id_type}` is used as an id type but is not listed under ids in spec/import.json"))
        }
    }

    /// Builds `{"Response": [item…]}` (plus `Pagination` for listings) and its item type.
    fn envelope(&mut self, op: &Value, listing: bool, at: &str) -> Result<String, String> {
        let name = op.get("response").and_then(Value::as_str).ok_or(format!("{at}: no response name"))?;
        let item = op.get("item").and_then(Value::as_str).ok_or(format!("{at}: no item name"))?;
        let items = op.get("items").and_then(Value::as_object).ok_or(format!("{at}: no items"))?;
        let mut variants = Vec::new();
        for (key, schema) in items {
            let schema = schema.as_str().ok_or(format!("{at}: items.{key} must name a schema"))?;
            // A position that can hold several types keeps the ones this edition has.
            if items.len() > 1 && !self.ids.contains_key(schema) && self.source_schema(schema).is_err() {
                self.notes.insert(format!("`{schema}` is not in this edition: {item} is built without it"));
                continue;
            }
            let target = if self.ids.contains_key(schema) {
                self.id_object(schema)
            } else {
                self.enqueue(schema);
                schema.to_owned()
            };
            variants.push(json!({
                "type": "object",
                "required": [key],
                "additionalProperties": false,
                "properties": { key: schema_ref(&target) },
            }));
        }
        let item_schema = match variants.len() {
            0 => json!({ "type": "object" }),
            1 => variants.remove(0),
            _ => json!({ "oneOf": variants }),
        };
        self.define(item, item_schema)?;
        let mut properties = Map::new();
        properties.insert("Response".into(), json!({ "type": "array", "items": schema_ref(item) }));
        if listing {
            properties.insert("Pagination".into(), schema_ref("Pagination"));
        }
        self.define(name, json!({ "type": "object", "required": ["Response"], "properties": properties }))?;
        Ok(name.to_owned())
    }

    /// `{"id": <IdType>}`: the object a create answers with.
    fn id_object(&mut self, id_type: &str) -> String {
        let name = format!("{id_type}Object");
        self.out.insert(
            name.clone(),
            json!({ "type": "object", "required": ["id"], "properties": { "id": schema_ref(id_type) } }),
        );
        name
    }

    /// Defines a schema; the same name may be defined twice only with the same content.
    fn define(&mut self, name: &str, schema: Value) -> Result<(), String> {
        match self.out.get(name) {
            Some(existing) if *existing != schema => {
                Err(format!("schema `{name}` is defined twice with different content in spec/import.json"))
            }
            _ => {
                self.out.insert(name.to_owned(), schema);
                Ok(())
            }
        }
    }

    fn enqueue(&mut self, name: &str) {
        if !self.out.contains_key(name) && !self.queue.iter().any(|q| q == name) {
            self.queue.push_back(name.to_owned());
        }
    }

    /// bunq's schema with our correction merged in, or one we add ourselves.
    fn source_schema(&self, name: &str) -> Result<(Value, Pointer), String> {
        let added = self.config.get("added_schemas").get(name);
        if let Some(schema) = added {
            return Ok((strip_comments(schema), Pointer::root().push("added_schemas").push(name)));
        }
        let pointer = Pointer::root().push("components").push("schemas").push(name);
        let mut schema = self
            .upstream
            .pointer(&pointer.to_string())
            .cloned()
            .ok_or(format!("schema `{name}` is not in the input at {pointer}"))?;
        if let Some(patch) = self.config.get("corrections").get(name) {
            merge_patch(&mut schema, &strip_comments(patch));
        }
        Ok((schema, pointer))
    }

    /// The body of a request: writable fields only, named `New<Schema>`.
    fn request_schema(&mut self, name: &str, pointer: &Pointer) -> Result<String, String> {
        let (source, at) = self.source_schema(name)?;
        let mut schema = self.object(&source, &at, Form::Request, name)?;
        let new_name = format!("New{name}");
        if let Some(patch) = self.config.get("requests").get(&new_name) {
            merge_patch(&mut schema, &strip_comments(patch));
            self.collect_refs(&schema.clone());
        }
        check_required(&schema, &new_name, pointer)?;
        self.define(&new_name, schema)?;
        Ok(new_name)
    }

    /// Pulls in every response-form schema reachable from the operations.
    fn schemas(&mut self) -> Result<Map<String, Value>, String> {
        while let Some(name) = self.queue.pop_front() {
            if self.out.contains_key(&name) {
                continue;
            }
            let (source, at) = self.source_schema(&name)?;
            let schema = if source.get("type").and_then(Value::as_str) == Some("object") {
                self.object(&source, &at, Form::Response, &name)?
            } else {
                self.property(&source, &at)?
            };
            self.out.insert(name, schema);
        }
        for (id, doc) in self.ids.clone() {
            self.out.insert(id, json!({ "type": "integer", "format": "int64", "description": doc }));
        }
        self.out.insert(
            "Pagination".into(),
            json!({
                "type": "object",
                "description": "Relative URLs of the neighbouring pages; null where there is none.",
                "required": ["future_url", "newer_url", "older_url"],
                "properties": {
                    "future_url": { "type": "string", "nullable": true },
                    "newer_url": { "type": "string", "nullable": true },
                    "older_url": { "type": "string", "nullable": true },
                },
            }),
        );
        self.out.insert(
            "ErrorResponse".into(),
            json!({
                "type": "object",
                "required": ["Error"],
                "properties": { "Error": { "type": "array", "items": schema_ref("ErrorDetail") } },
            }),
        );
        self.out.insert(
            "ErrorDetail".into(),
            json!({
                "type": "object",
                "required": ["error_description"],
                "properties": {
                    "error_description": { "type": "string" },
                    "error_description_translated": { "type": "string" },
                },
            }),
        );
        Ok(self.out.clone().into_iter().collect())
    }

    /// A top-level object schema in the given form.
    fn object(&mut self, source: &Value, at: &Pointer, form: Form, name: &str) -> Result<Value, String> {
        if source.get("type").and_then(Value::as_str) != Some("object") {
            return Err(format!("schema `{name}` at {at} is not an object"));
        }
        let mut properties = Map::new();
        let props = source.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        for (field, prop) in &props {
            let flag = |key: &str| prop.get(key).and_then(Value::as_bool).unwrap_or(false);
            let keep = match form {
                Form::Response => !flag("writeOnly"),
                Form::Request => !flag("readOnly"),
            };
            if !keep {
                continue;
            }
            let prop_at = at.push("properties").push(field);
            let typed_id = match form {
                Form::Response if field == "id" => self.object_ids.get(name),
                Form::Response => self.field_ids.get(field),
                Form::Request => None,
            };
            let schema = match typed_id {
                Some(id) if prop.get("type").and_then(Value::as_str) == Some("integer") => schema_ref(id),
                _ => self.property(prop, &prop_at)?,
            };
            properties.insert(field.clone(), schema);
        }
        let listed = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_array).into_iter().flatten().filter_map(|s| Some(s.as_str()?.to_owned())).collect()
        };
        let mut required: BTreeSet<String> = match form {
            Form::Request => listed(source.get("required")),
            Form::Response => {
                let corrected = self.config.get("corrections").get(name).and_then(|c| c.get("required"));
                let added = self.config.get("added_schemas").get(name).and_then(|c| c.get("required"));
                listed(corrected.or(added))
            }
        };
        if form == Form::Response && self.object_ids.contains_key(name) && properties.contains_key("id") {
            required.insert("id".into());
        }
        required.retain(|r| properties.contains_key(r));
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        if !required.is_empty() {
            schema.insert("required".into(), json!(required));
        }
        schema.insert("properties".into(), Value::Object(properties));
        Ok(Value::Object(schema))
    }

    /// One property's schema, with bunq's prose and flags removed.
    fn property(&mut self, prop: &Value, at: &Pointer) -> Result<Value, String> {
        if let Some(reference) = prop.get("$ref") {
            let target = reference
                .as_str()
                .and_then(|r| r.strip_prefix(SCHEMAS))
                .ok_or(format!("unsupported $ref {reference} at {at}"))?;
            self.enqueue(target);
            return Ok(schema_ref(target));
        }
        match prop.get("type").and_then(Value::as_str) {
            Some("string") => Ok(json!({ "type": "string" })),
            Some("boolean") => Ok(json!({ "type": "boolean" })),
            Some("integer") => Ok(json!({ "type": "integer", "format": "int64" })),
            Some("number") => Ok(json!({ "type": "number", "format": "double" })),
            Some("array") => {
                let items = prop.get("items").ok_or(format!("array without items at {at}"))?;
                Ok(json!({ "type": "array", "items": self.property(items, &at.push("items"))? }))
            }
            Some("object") => {
                let mut properties = Map::new();
                let props = prop.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
                for (field, inner) in &props {
                    let inner_at = at.push("properties").push(field);
                    properties.insert(field.clone(), self.property(inner, &inner_at)?);
                }
                if properties.is_empty() {
                    Ok(json!({ "type": "object" }))
                } else {
                    Ok(json!({ "type": "object", "properties": properties }))
                }
            }
            Some(other) => Err(format!("unsupported type `{other}` at {at}")),
            None => Err(format!("a schema without type or $ref at {at}")),
        }
    }

    fn collect_refs(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(SCHEMAS))
                    && !self.ids.contains_key(target)
                    && !target.starts_with("New")
                {
                    self.enqueue(target);
                }
                map.values().for_each(|v| self.collect_refs(v));
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect_refs(v)),
            _ => {}
        }
    }
}

fn check_required(schema: &Value, name: &str, pointer: &Pointer) -> Result<(), String> {
    let props = schema.get("properties").and_then(Value::as_object);
    for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
        let field = required.as_str().unwrap_or_default();
        if !props.is_some_and(|p| p.contains_key(field)) {
            return Err(format!("`{name}` (the body of {pointer}) requires `{field}`, which it does not have"));
        }
    }
    Ok(())
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("{SCHEMAS}{name}") })
}

/// Removes our own `$comment`/`$why` notes from an overlay before it is applied.
fn strip_comments(value: &Value) -> Value {
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

/// `MonetaryAccountId` → `monetary_account_id`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_id_types() {
        assert_eq!(snake_case("MonetaryAccountId"), "monetary_account_id");
        assert_eq!(snake_case("UserId"), "user_id");
    }

    #[test]
    fn bad_input_names_the_pointer() {
        let config = Config::parse(include_str!("../../spec/import.json")).unwrap();
        let err = import(br#"{"components":{"schemas":{}},"paths":{}}"#, &config).unwrap_err();
        assert!(err.contains("/paths/~1installation/post"), "{err}");
        let err = import(b"[1,2", &config).unwrap_err();
        assert!(err.contains("not JSON"), "{err}");
        let err = import(b"{}", &config).unwrap_err();
        assert!(err.contains("/components/schemas"), "{err}");
    }

    #[test]
    fn unmappable_schemas_name_their_pointer() {
        let config = Config::parse(include_str!("../../spec/import.json")).unwrap();
        let installation = |schema: Value| {
            let doc = json!({
                "paths": { "/installation": { "post": { "parameters": [] } } },
                "components": { "schemas": { "Installation": schema } },
            });
            import(doc.to_string().as_bytes(), &config).unwrap_err()
        };
        let err = installation(json!({ "type": "object", "properties": { "client_public_key": { "type": "tuple" } } }));
        assert!(err.contains("/components/schemas/Installation/properties/client_public_key"), "{err}");
        let err = installation(json!({ "type": "object", "properties": { "k": { "type": "array" } } }));
        assert!(err.contains("array without items at /components/schemas/Installation/properties/k"), "{err}");
        let err = installation(json!({ "type": "string" }));
        assert!(err.contains("not an object"), "{err}");
        let err = installation(json!({ "type": "object", "properties": { "k": { "$ref": "https://elsewhere" } } }));
        assert!(err.contains("unsupported $ref"), "{err}");
    }
}
