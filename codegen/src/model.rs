//! The operations of spec/bunq.json: verb, typed path, body, and what the answer holds and how
//! it unwraps. The one model of the spec: the generators read it at build time, the sandbox
//! (bunq-sandbox) at run time to route and answer every operation.

pub use crate::words::Verb;
use serde_json::Value;
use std::collections::BTreeMap;

const SCHEMAS: &str = "#/components/schemas/";

/// One segment of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// An id, of the schema `ty`: an integer, or text (a UUID) when `uuid`.
    Id {
        name: String,
        ty: String,
        uuid: bool,
    },
}

/// What an operation sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    None,
    /// A JSON body of this type.
    Json(String),
    /// A file's bytes, with its MIME type and a description.
    Upload,
}

/// What an operation answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// bunq's envelope (its schema name), and what its items may be (none for `{"Response":[]}`).
    Envelope { schema: String, variants: Vec<Variant> },
    /// A file's bytes.
    Bytes,
}

/// One possible item of an answer: `{"<key>": <object of schema>}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub key: String,
    pub schema: String,
}

/// One operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The operationId: the name of progenitor's method.
    pub id: String,
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// The path as the spec writes it, e.g. `/user/{user_id}/card`.
    pub path: String,
    pub verb: Verb,
    pub segments: Vec<Segment>,
    pub body: Body,
    pub answer: Answer,
    /// Listings: the id type `older_id`/`newer_id` take.
    pub page_id: Option<String>,
    /// The cargo feature that builds it (`None`: core, always built).
    pub feature: Option<String>,
}

/// What one envelope's items unwrap to.
#[derive(Clone, Debug)]
pub struct Envelope {
    /// The type one item unwraps to.
    pub item: String,
    /// The one field an item unwraps through (`None`: the item is what it holds).
    pub field: Option<String>,
    /// Listings carry `Pagination`.
    pub listing: bool,
    /// Creates answering an id: its type, and the field of the unwrapped item holding it.
    pub created: Option<CreatedId>,
}

/// The id a create answers.
#[derive(Clone, Debug)]
pub struct CreatedId {
    pub ty: IdType,
    /// `id` or `uuid`.
    pub field: &'static str,
}

/// The type of an id.
#[derive(Clone, Debug)]
pub enum IdType {
    /// An id schema of the spec (`PaymentId`, …).
    Schema(String),
    /// A bare integer.
    Integer,
    /// A bare string.
    Text,
}

/// The spec, as the generators read it.
pub struct Model {
    pub operations: Vec<Operation>,
    pub envelopes: BTreeMap<String, Envelope>,
}

fn schema_name(reference: &Value) -> Option<String> {
    reference.as_str()?.strip_prefix(SCHEMAS).map(str::to_owned)
}

/// The schema name a schema's `$ref` points to.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(SCHEMAS)
}

/// Whether a schema is a polymorphic container: every property an UpperCamelCase reference
/// (`{"Payment": {…}}` or `{"RequestInquiry": {…}}`, one of many).
pub fn is_container(schema: &Value) -> bool {
    let props = schema.get("properties").and_then(Value::as_object);
    props.is_some_and(|props| {
        !props.is_empty()
            && props
                .iter()
                .all(|(key, prop)| key.starts_with(|c: char| c.is_ascii_uppercase()) && prop.get("$ref").is_some())
    })
}

/// `{}` for ids, `/` between segments, without the leading slash: `user/{}/card`.
pub fn template_of(segments: &[Segment]) -> String {
    let parts: Vec<&str> = segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => text.as_str(),
            Segment::Id { .. } => "{}",
        })
        .collect();
    parts.join("/")
}

impl Operation {
    /// The path template: `user/{}/card`.
    pub fn template(&self) -> String {
        template_of(&self.segments)
    }

    /// The collection the operation acts on: the template without a trailing id.
    pub fn collection(&self) -> String {
        match self.segments.split_last() {
            Some((Segment::Id { .. }, parents)) => template_of(parents),
            _ => self.template(),
        }
    }

    /// Whether the path ends with an id.
    pub fn ends_with_id(&self) -> bool {
        matches!(self.segments.last(), Some(Segment::Id { .. }))
    }

    /// What the answer's items may be (none for files).
    pub fn variants(&self) -> &[Variant] {
        match &self.answer {
            Answer::Envelope { variants, .. } => variants,
            Answer::Bytes => &[],
        }
    }

    /// The variant under `key`.
    pub fn variant(&self, key: &str) -> Option<&Variant> {
        self.variants().iter().find(|v| v.key == key)
    }
}

/// The items an envelope may hold: each property of its item, or of each alternative of a `oneOf` item.
fn variants(schemas: &serde_json::Map<String, Value>, envelope: &str) -> Vec<Variant> {
    let item = schemas.get(envelope).and_then(|e| e.pointer("/properties/Response/items")).and_then(ref_name);
    let item = item.and_then(|name| schemas.get(name));
    let alternatives = match item.and_then(|i| i.get("oneOf")).and_then(Value::as_array) {
        Some(all) => all.iter().collect(),
        None => item.into_iter().collect::<Vec<_>>(),
    };
    let properties = alternatives.into_iter().flat_map(|a| a.get("properties").and_then(Value::as_object)).flatten();
    properties
        .map(|(key, schema)| Variant { key: key.clone(), schema: ref_name(schema).unwrap_or_default().to_owned() })
        .collect()
}

/// A property name as a Rust field name, the way typify writes it.
pub fn field_name(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    match out.as_str() {
        "type" | "ref" | "self" | "match" | "move" | "use" | "loop" | "box" => format!("{out}_"),
        _ => out,
    }
}

impl Model {
    pub fn read(spec: &Value) -> Result<Self, String> {
        let schemas =
            spec.pointer("/components/schemas").and_then(Value::as_object).ok_or("the spec has no schemas")?;
        let integer = |ty: &str| schemas.get(ty).and_then(|s| s.get("type")).and_then(Value::as_str) == Some("integer");
        let mut operations = Vec::new();
        let mut envelopes = BTreeMap::new();
        for (path, item) in spec.get("paths").and_then(Value::as_object).ok_or("the spec has no paths")? {
            for (method, op) in item.as_object().into_iter().flatten() {
                let id =
                    op.get("operationId").and_then(Value::as_str).ok_or(format!("{method} {path}: no operationId"))?;
                let params: BTreeMap<&str, String> = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
                    .filter_map(|p| Some((p.get("name")?.as_str()?, schema_name(p.pointer("/schema/$ref")?)?)))
                    .collect();
                let mut segments = Vec::new();
                for part in path.trim_matches('/').split('/') {
                    match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                        Some(name) => {
                            let ty = params.get(name).ok_or(format!("{id}: path parameter `{name}` has no id type"))?;
                            segments.push(Segment::Id { name: name.to_owned(), uuid: !integer(ty), ty: ty.clone() });
                        }
                        None => segments.push(Segment::Literal(part.to_owned())),
                    }
                }
                let page_id = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find(|p| p.get("name").and_then(Value::as_str) == Some("older_id"))
                    .and_then(|p| schema_name(p.pointer("/schema/$ref")?));
                let body = if op.pointer("/requestBody/content/application~1octet-stream").is_some() {
                    Body::Upload
                } else {
                    match op.pointer("/requestBody/content/application~1json/schema/$ref").and_then(schema_name) {
                        Some(ty) => Body::Json(ty),
                        None => Body::None,
                    }
                };
                let answer =
                    match op.pointer("/responses/200/content/application~1json/schema/$ref").and_then(schema_name) {
                        Some(envelope) => {
                            if !envelopes.contains_key(&envelope) {
                                let unwrapped = Self::envelope(schemas, &envelope)?;
                                envelopes.insert(envelope.clone(), unwrapped);
                            }
                            Answer::Envelope { variants: variants(schemas, &envelope), schema: envelope }
                        }
                        None => Answer::Bytes,
                    };
                let verb = match (method.as_str(), &page_id) {
                    ("get", Some(_)) => Verb::List,
                    ("get", None) => Verb::Get,
                    ("post", _) => Verb::Create,
                    ("put", _) => Verb::Update,
                    _ => Verb::Delete,
                };
                operations.push(Operation {
                    id: id.to_owned(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    verb,
                    segments,
                    body,
                    answer,
                    page_id,
                    feature: op
                        .get(crate::groups::GROUP_EXTENSION)
                        .and_then(Value::as_str)
                        .filter(|g| *g != crate::groups::CORE)
                        .map(str::to_owned),
                });
            }
        }
        Ok(Self { operations, envelopes })
    }

    /// How the items of an envelope unwrap.
    fn envelope(schemas: &serde_json::Map<String, Value>, name: &str) -> Result<Envelope, String> {
        let schema = schemas.get(name).ok_or(format!("no schema `{name}`"))?;
        let item = schema
            .pointer("/properties/Response/items/$ref")
            .and_then(schema_name)
            .ok_or(format!("`{name}` is not an envelope"))?;
        let listing = schema.pointer("/properties/Pagination").is_some();
        let item_schema = schemas.get(&item).ok_or(format!("no schema `{item}`"))?;
        let single = item_schema
            .get("properties")
            .and_then(Value::as_object)
            .filter(|props| props.len() == 1 && item_schema.get("oneOf").is_none())
            .and_then(|props| props.iter().next());
        let Some((key, target)) = single else {
            return Ok(Envelope { item: item.clone(), field: None, listing, created: None });
        };
        let target = schema_name(target.get("$ref").ok_or(format!("`{item}`: the item is not a reference"))?)
            .ok_or(format!("`{item}`: bad reference"))?;
        let field = field_name(key);
        let created = match key.as_str() {
            "Id" | "Uuid" => {
                let inner = if key == "Id" { "id" } else { "uuid" };
                let id = schemas.get(&target).and_then(|s| s.pointer(&format!("/properties/{inner}")));
                let ty = match id.and_then(|s| s.get("$ref")).and_then(schema_name) {
                    Some(ty) => IdType::Schema(ty),
                    None if key == "Id" => IdType::Integer,
                    None => IdType::Text,
                };
                Some(CreatedId { ty, field: inner })
            }
            _ => None,
        };
        Ok(Envelope { item: target, field: Some(field), listing, created })
    }
}
