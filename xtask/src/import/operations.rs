//! Every operation of bunq's document, mapped by rule: its verb, typed path, method name, the
//! token it carries, its request body and the items bunq answers with.

use super::naming::{self, IdKind, Segment, Verb};
use super::schemas::{Body, Builder};
use super::{Exceptions, Input, schema_ref};
use crate::json::Pointer;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

/// One path parameter, typed.
#[derive(Clone, Debug)]
pub struct Param {
    /// The id type (`PaymentId`).
    pub id_type: String,
    pub kind: IdKind,
    /// The Rust name: `payment_id`, or after the resource (`company_id`) when an earlier
    /// parameter of the path has the same id type.
    pub rust_name: String,
}

/// What an item of a `Response` list holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A wire object type (`Payment`).
    Object(String),
    /// `{"id": <IdType>}` (a plain integer where the resource has no integer id).
    Id(Option<String>),
    /// `{"uuid": <UuidType or string>}`.
    Uuid(Option<String>),
}

/// What bunq answers with.
#[derive(Clone, Debug)]
pub enum Answer {
    /// `{"Response": [one of these (wire key, target)], "Pagination"?}`; `anchor` names the
    /// polymorphic type when the items are its variants.
    Envelope { items: Vec<(String, Target)>, anchor: Option<String> },
    /// `{"Response": [objects of a kind we cannot name]}`.
    Free,
    /// `{"Response": []}`.
    Empty,
    /// The raw bytes of a file.
    Bytes,
}

/// The token an operation is sent with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    Installation,
    Session,
}

/// One operation, mapped.
pub struct Operation {
    /// `get /user/{userID}/monetary-account/{monetary-accountID}/payment`.
    pub key: String,
    pub method: &'static str,
    pub verb: Verb,
    pub literals: Vec<String>,
    pub params: Vec<Param>,
    /// The path with our parameter names: `/user/{user_id}/…`.
    pub wire_path: String,
    pub name: String,
    pub auth: Auth,
    pub answer: Answer,
    /// Listings: the id type of their items (for `older_id`/`newer_id`).
    pub page_id: Option<String>,
    /// The body's schema in bunq's document, if the operation takes one.
    pub body: Option<String>,
    /// Where the operation is in bunq's document.
    pub pointer: Pointer,
    /// The schema bunq's document gives the answer (a read or listing's object), if any.
    pub answer_schema: Option<String>,
}

/// The facts file's key for a path: `user/{}/monetary-account/{}/payment`.
fn facts_key(segments: &[Segment]) -> String {
    let parts: Vec<&str> = segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.as_str(),
            Segment::Param(_) => "{}",
        })
        .collect();
    parts.join("/")
}

/// The facts' kind for a verb.
fn facts_kind(verb: Verb) -> &'static str {
    match verb {
        Verb::List => "list",
        Verb::Get => "read",
        Verb::Create => "create",
        Verb::Update => "update",
        Verb::Delete => "delete",
    }
}

/// The document's schema for a success answer: (name, answered as a list).
fn answer_schema(source: &Value) -> Option<(String, bool)> {
    let schema = source.pointer("/responses/200/content/application~1json/schema")?;
    let (reference, list) = match schema.get("items") {
        Some(items) if schema.get("type").and_then(Value::as_str) == Some("array") => (items.get("$ref")?, true),
        _ => (schema.get("$ref")?, false),
    };
    Some((reference.as_str()?.strip_prefix(super::SCHEMAS)?.to_owned(), list))
}

/// The variants of a polymorphic type, from the facts or the document (an object whose
/// properties all reference UpperCamelCase schemas of the same names).
pub fn anchor_variants(name: &str, upstream: &Value, facts: &Input) -> Option<Vec<String>> {
    if let Some(variants) = facts.get("anchors").get(name).and_then(Value::as_array) {
        return Some(variants.iter().filter_map(|v| Some(v.as_str()?.to_owned())).collect());
    }
    ["", "Read", "Listing"].iter().find_map(|suffix| {
        let schema = upstream.pointer(&format!("/components/schemas/{name}{suffix}"))?;
        let props = schema.get("properties")?.as_object()?;
        let all_refs = !props.is_empty()
            && props.iter().all(|(key, prop)| {
                key.starts_with(|c: char| c.is_ascii_uppercase())
                    && prop.get("$ref").and_then(Value::as_str) == Some(&format!("{}{key}", super::SCHEMAS))
            });
        all_refs.then(|| props.keys().cloned().collect())
    })
}

/// Operations in bunq's document, sorted by path and method, minus the excluded ones.
pub fn collect(
    upstream: &Value,
    facts: &Input,
    exceptions: &Exceptions,
    notes: &mut Vec<String>,
) -> Result<Vec<Operation>, String> {
    let paths = upstream.get("paths").and_then(Value::as_object).ok_or("the input has no /paths")?;
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(source) = item.get(method) else { continue };
            let key = format!("{method} {path}");
            if exceptions.excluded.contains_key(&key) {
                continue;
            }
            found.push((key, method, path.as_str(), source));
        }
    }
    for key in exceptions.excluded.keys() {
        let (method, path) = key.split_once(' ').unwrap_or_default();
        if paths.get(path).and_then(|p| p.get(method)).is_none() {
            notes.push(format!("excluded `{key}` is not in this edition"));
        }
    }
    found.sort_by(|a, b| (a.2, a.1).cmp(&(b.2, b.1)));
    let resources = Resources::new(&found, upstream, facts, exceptions)?;
    let mut operations = Vec::new();
    for (key, method, path, source) in &found {
        operations.push(map(key, method, path, source, upstream, facts, exceptions, &resources)?);
    }
    let verbs_and_literals: Vec<(Verb, Vec<String>)> =
        operations.iter().map(|op| (op.verb, op.literals.clone())).collect();
    let names = naming::method_names(&verbs_and_literals);
    let mut taken = BTreeSet::new();
    for (operation, name) in operations.iter_mut().zip(names) {
        operation.name = Exceptions::text(&exceptions.names, &operation.key, "name").map_or(name, str::to_owned);
        if !taken.insert(operation.name.clone()) {
            return Err(format!("two operations are named `{}` (the second is `{}`)", operation.name, operation.key));
        }
    }
    Ok(operations)
}

/// The id type of every resource (a literal segment with its parents, as a facts key).
struct Resources {
    ids: BTreeMap<String, (String, IdKind)>,
}

impl Resources {
    fn new(
        found: &[(String, &'static str, &str, &Value)],
        upstream: &Value,
        facts: &Input,
        exceptions: &Exceptions,
    ) -> Result<Self, String> {
        // The id each resource's parameter names by rule.
        let mut by_name: BTreeMap<String, (String, IdKind)> = BTreeMap::new();
        // What each resource serves (a wire type or an anchor), from reads and listings.
        let mut serves: BTreeMap<String, String> = BTreeMap::new();
        for (key, method, path, source) in found {
            let segments = naming::segments(path);
            for (i, segment) in segments.iter().enumerate() {
                let Segment::Param(param) = segment else { continue };
                let previous = match i.checked_sub(1).map(|p| &segments[p]) {
                    Some(Segment::Literal(literal)) => literal.as_str(),
                    _ => return Err(format!("`{key}`: parameter `{param}` does not follow a resource name")),
                };
                let id = naming::param_id_type(param, Some(previous))
                    .ok_or(format!("`{key}`: the rule finds no id type for path parameter `{param}`"))?;
                by_name.entry(facts_key(&segments[..i])).or_insert(id);
            }
            if *method == "get" {
                let (resource, kind) = match segments.last() {
                    Some(Segment::Param(_)) => (facts_key(&segments[..segments.len() - 1]), "read"),
                    _ => (facts_key(&segments), "list"),
                };
                let full = facts_key(&segments);
                let fact = facts.get("endpoints")[full.as_str()][kind].as_str().map(str::to_owned);
                let served = fact.or_else(|| answer_schema(source).map(|(name, _)| base_name(&name)));
                if let Some(served) = served {
                    serves.entry(resource).or_insert(served);
                }
            }
        }
        let mut ids = BTreeMap::new();
        for (resource, id) in &by_name {
            let literal = resource.rsplit('/').next().unwrap_or_default();
            let chosen = match Exceptions::text(&exceptions.resource_ids, literal, "id") {
                // An id type named `…Uuid` is a UUID, like the rule's own.
                Some(id) => (id.to_owned(), if id.ends_with("Uuid") { IdKind::Uuid } else { IdKind::Integer }),
                None => Self::anchored(resource, &serves, &by_name, upstream, facts)
                    .or_else(|| Self::qualified(literal, id.1, serves.get(resource)))
                    .unwrap_or_else(|| id.clone()),
            };
            ids.insert(resource.clone(), chosen);
        }
        Ok(Self { ids })
    }

    /// A resource that serves one variant of a polymorphic type shares the id of the resource
    /// serving the polymorphic type (`monetary-account-bank` → `MonetaryAccountId`).
    fn anchored(
        resource: &str,
        serves: &BTreeMap<String, String>,
        by_name: &BTreeMap<String, (String, IdKind)>,
        upstream: &Value,
        facts: &Input,
    ) -> Option<(String, IdKind)> {
        let served = serves.get(resource)?;
        for (other, anchor) in serves {
            if other != resource
                && anchor_variants(anchor, upstream, facts).is_some_and(|variants| variants.contains(served))
            {
                return by_name.get(other).cloned();
            }
        }
        None
    }

    /// A resource whose segment is the tail of the wire type it serves takes that type's name:
    /// `callback-url` serving `OauthCallbackUrl` → `OauthCallbackUrlId`.
    fn qualified(literal: &str, kind: IdKind, served: Option<&String>) -> Option<(String, IdKind)> {
        let served = served?;
        let tail = naming::pascal(literal);
        (kind == IdKind::Integer && served.len() > tail.len() && served.ends_with(&tail))
            .then(|| (format!("{served}Id"), kind))
    }

    /// The id type of a resource; resources no path addresses by id get `<Resource>Id`.
    fn id(&self, segments: &[Segment]) -> (String, IdKind) {
        self.ids.get(&facts_key(segments)).cloned().unwrap_or_else(|| {
            let literal = naming::literals(segments).last().copied().unwrap_or("root");
            (format!("{}Id", naming::pascal(literal)), IdKind::Integer)
        })
    }
}

/// `PaymentListing` → `Payment`.
fn base_name(schema: &str) -> String {
    for suffix in ["Listing", "Read", "Create", "Update", "Delete"] {
        if let Some(base) = schema.strip_suffix(suffix) {
            return base.to_owned();
        }
    }
    schema.to_owned()
}

#[allow(clippy::too_many_arguments)]
fn map(
    key: &str,
    method: &'static str,
    path: &str,
    source: &Value,
    upstream: &Value,
    facts: &Input,
    exceptions: &Exceptions,
    resources: &Resources,
) -> Result<Operation, String> {
    let pointer = Pointer::root().push("paths").push(path).push(method);
    let segments = naming::segments(path);
    let answered = answer_schema(source);
    let verb = match method {
        "get" if answered.as_ref().is_some_and(|(_, list)| *list) => Verb::List,
        "get" => Verb::Get,
        "post" => Verb::Create,
        "put" => Verb::Update,
        _ => Verb::Delete,
    };
    let declared: BTreeSet<&str> = source
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name")?.as_str())
        .collect();
    let mut params = Vec::new();
    let mut wire_path = String::new();
    for (i, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Literal(literal) => wire_path.push_str(&format!("/{literal}")),
            Segment::Param(name) => {
                if !declared.contains(name.as_str()) {
                    return Err(format!("`{key}`: path parameter `{name}` is not declared at {pointer}/parameters"));
                }
                let (id_type, kind) = resources.id(&segments[..i]);
                let mut rust_name = naming::snake_of_pascal(&id_type);
                if params.iter().any(|p: &Param| p.rust_name == rust_name) {
                    let literal = naming::literals(&segments[..i]).last().copied().unwrap_or_default();
                    rust_name =
                        format!("{}_{}", naming::snake(literal), if kind == IdKind::Uuid { "uuid" } else { "id" });
                }
                wire_path.push_str(&format!("/{{{rust_name}}}"));
                params.push(Param { id_type, kind, rust_name });
            }
        }
    }
    let rust_names: BTreeSet<&str> = params.iter().map(|p| p.rust_name.as_str()).collect();
    if rust_names.len() != params.len() {
        return Err(format!("`{key}`: two path parameters have the same id type"));
    }
    let literals: Vec<String> = naming::literals(&segments).into_iter().map(str::to_owned).collect();
    // The resource this operation acts on: the path up to its last literal.
    let last_literal = segments.iter().rposition(|s| matches!(s, Segment::Literal(_))).unwrap_or(0);
    let resource = &segments[..=last_literal];
    let (resource_id, resource_kind) = resources.id(resource);
    let answered_name = answered.as_ref().map(|(name, _)| name.as_str());
    let answer = answer(key, verb, &segments, answered_name, &resource_id, resource_kind, upstream, facts, exceptions)?;
    // A file is read, not listed, whatever the document calls it.
    let verb = if matches!(answer, Answer::Bytes) { Verb::Get } else { verb };
    let auth = match Exceptions::text(&exceptions.auth, key, "token") {
        None | Some("session") => Auth::Session,
        Some("none") => Auth::None,
        Some("installation") => Auth::Installation,
        Some(other) => return Err(format!("spec/import.json: auth.{key}: unknown token `{other}`")),
    };
    let body = match source.pointer("/requestBody/content/application~1json/schema/$ref") {
        Some(reference) => Some(
            reference
                .as_str()
                .and_then(|r| r.strip_prefix(super::SCHEMAS))
                .ok_or(format!("`{key}`: unsupported request body reference at {pointer}/requestBody"))?
                .to_owned(),
        ),
        None if source.get("requestBody").is_some() => {
            return Err(format!("`{key}`: the request body at {pointer}/requestBody is not a schema reference"));
        }
        None => None,
    };
    Ok(Operation {
        key: key.to_owned(),
        method,
        verb,
        literals,
        params,
        wire_path,
        name: String::new(),
        auth,
        answer,
        page_id: (verb == Verb::List).then_some(resource_id),
        body,
        pointer,
        answer_schema: answered.map(|(name, _)| name),
    })
}

/// The items bunq answers an operation with: the exception, else the facts, else the document.
#[allow(clippy::too_many_arguments)]
fn answer(
    key: &str,
    verb: Verb,
    segments: &[Segment],
    answered: Option<&str>,
    resource_id: &str,
    resource_kind: IdKind,
    upstream: &Value,
    facts: &Input,
    exceptions: &Exceptions,
) -> Result<Answer, String> {
    if verb == Verb::Delete {
        return Ok(Answer::Empty);
    }
    let from_exception = exceptions.items.get(key).and_then(|e| e.get("items")).cloned();
    let from_facts = || Some(facts.get("endpoints")[facts_key(segments).as_str()][facts_kind(verb)].clone());
    let named = from_exception.or_else(|| from_facts().filter(|v| !v.is_null()));
    let named = match named {
        Some(named) => named,
        None => match (verb, answered) {
            (Verb::Create | Verb::Update, _) => json!("Id"),
            (_, Some(schema)) => json!(base_name(schema)),
            _ => return Err(format!("`{key}`: neither spec/wire-facts.json nor bunq's document names its items")),
        },
    };
    let id_item = |name: &str| -> Option<(String, Target)> {
        match name {
            "Id" => Some(("Id".into(), Target::Id((resource_kind == IdKind::Integer).then(|| resource_id.to_owned())))),
            "Uuid" => {
                let typed = (resource_kind == IdKind::Uuid).then(|| resource_id.to_owned());
                Some(("Uuid".into(), Target::Uuid(typed)))
            }
            _ => None,
        }
    };
    let mut items = Vec::new();
    let mut anchor = None;
    let entries: Vec<Value> = match &named {
        Value::Array(list) => list.clone(),
        other => vec![other.clone()],
    };
    for entry in entries {
        let names: Vec<String> = match entry {
            Value::String(name) => vec![name],
            Value::Array(variants) => variants.iter().filter_map(|v| Some(v.as_str()?.to_owned())).collect(),
            _ => return Err(format!("`{key}`: items must be names or lists of names")),
        };
        for name in names {
            match name.as_str() {
                "bytes" => return Ok(Answer::Bytes),
                "" => return Ok(Answer::Free),
                _ => {}
            }
            if let Some(item) = id_item(&name) {
                items.push(item);
            } else if let Some(variants) = anchor_variants(&name, upstream, facts) {
                items.extend(variants.into_iter().map(|v| (v.clone(), Target::Object(v))));
                anchor = Some(name);
            } else {
                items.push((name.clone(), Target::Object(name)));
            }
        }
    }
    // An anchor names the items only when they are its variants alone.
    let anchor = anchor.filter(|_| items.iter().all(|(_, t)| matches!(t, Target::Object(_))));
    Ok(Answer::Envelope { items, anchor })
}

impl Operation {
    /// The facts file's key for the operation's path: `user/{}/monetary-account/{}/payment`.
    pub fn facts_key(&self) -> String {
        let segments = self.wire_path.trim_start_matches('/').split('/');
        segments.map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
    }

    /// The operation as it goes into spec/bunq.json: (method, operation object).
    pub fn to_openapi(&self, builder: &mut Builder) -> Result<(&'static str, Value), String> {
        let mut parameters: Vec<Value> = self
            .params
            .iter()
            .map(|p| {
                builder.use_id(&p.id_type, p.kind);
                json!({ "in": "path", "name": p.rust_name, "required": true, "schema": schema_ref(&p.id_type) })
            })
            .collect();
        if let Some(page_id) = &self.page_id {
            builder.use_id(page_id, IdKind::Integer);
            parameters.extend([
                json!({ "in": "query", "name": "count", "required": false,
                        "description": "How many items to answer with (bunq's default 10, at most 200).",
                        "schema": { "type": "integer", "format": "uint32" } }),
                json!({ "in": "query", "name": "newer_id", "required": false,
                        "description": "Only items newer than this one.", "schema": schema_ref(page_id) }),
                json!({ "in": "query", "name": "older_id", "required": false,
                        "description": "Only items older than this one.", "schema": schema_ref(page_id) }),
            ]);
        }
        let mut operation = Map::new();
        operation.insert("operationId".into(), json!(self.name));
        operation.insert("description".into(), json!(self.description()));
        let upload = builder.exceptions().uploads.contains_key(&self.key);
        if upload {
            parameters.push(json!({ "in": "header", "name": "X-Bunq-Attachment-Description", "required": true,
                "description": "What the file shows.", "schema": { "type": "string" } }));
            operation.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { "application/octet-stream": {
                    "schema": { "type": "string", "format": "binary" } } } }),
            );
        } else if let Some(body) = &self.body {
            let form = if self.verb == Verb::Update { Body::Update } else { Body::New };
            let name = builder.request(body, form, &self.pointer.push("requestBody"))?;
            let resource = self.literals.last().map(String::as_str).unwrap_or_default();
            if self.verb == Verb::Create && !naming::names_its_resource(&name, resource) {
                return Err(format!(
                    "{}: the create body `{name}` does not name what it creates, `{resource}`: rename bunq's `{body}` in request_names of spec/import.json",
                    self.pointer
                ));
            }
            operation.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { "application/json": { "schema": schema_ref(&name) } } }),
            );
        }
        if !parameters.is_empty() {
            operation.insert("parameters".into(), Value::Array(parameters));
        }
        let success = match &self.answer {
            Answer::Bytes => json!({
                "description": "The file's bytes.",
                "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } },
            }),
            answer => {
                let envelope = builder.envelope(self, answer)?;
                json!({
                    "description": "Success, in bunq's envelope.",
                    "content": { "application/json": { "schema": schema_ref(&envelope) } },
                })
            }
        };
        operation.insert(
            "responses".into(),
            json!({
                "200": success,
                "4XX": { "$ref": "#/components/responses/Error" },
                "5XX": { "$ref": "#/components/responses/Error" },
            }),
        );
        match self.auth {
            Auth::Session => {}
            Auth::None => {
                operation.insert("security".into(), json!([]));
            }
            Auth::Installation => {
                operation.insert("security".into(), json!([{ "installationToken": [] }]));
            }
        }
        Ok((self.method, Value::Object(operation)))
    }

    /// The resource, as words: `schedule-payment` → `schedule payment`.
    pub fn resource_words(&self) -> String {
        self.literals.last().map(|l| l.replace('-', " ")).unwrap_or_default()
    }

    /// A one-line description by rule.
    fn description(&self) -> String {
        let resource = self.resource_words();
        let parent = match self.literals.len() {
            0 | 1 => String::new(),
            n => format!(" of a {}", self.literals[n - 2].replace('-', " ")),
        };
        match self.verb {
            Verb::List => format!("Lists the {} items{parent}, newest first.", resource),
            Verb::Get => format!("Reads one {resource}{parent}."),
            Verb::Create => format!("Creates a {resource}{parent}."),
            Verb::Update => format!("Updates a {resource}{parent}."),
            Verb::Delete => format!("Deletes a {resource}{parent}."),
        }
    }
}
