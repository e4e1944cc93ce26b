//! The schemas of spec/bunq.json: envelopes, the objects on the wire (with every field the wire
//! carries), request bodies, and id types — converted from bunq's document without its prose.

use super::naming::{self, IdKind, Verb};
use super::operations::{Answer, Operation, Target, anchor_variants};
use super::{Exceptions, Input, SCHEMAS, schema_ref, strip_comments};
use crate::json::{Pointer, merge_patch};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

mod write;

/// Which request body a schema becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// `New<Schema>`: what a create sends; the document's required fields are required.
    New,
    /// `<Schema>Update`: what an update sends; every field optional.
    Update,
}

/// Builds the schemas as the operations ask for them.
pub struct Builder<'a> {
    upstream: &'a Value,
    facts: &'a Input,
    exceptions: &'a Exceptions,
    /// Schemas defined so far.
    out: BTreeMap<String, Value>,
    /// Objects of bunq's document still to convert (nested in what is defined).
    queue: VecDeque<String>,
    /// Id types in use.
    ids: BTreeMap<String, IdKind>,
    /// Wire object types answered by operations, with the document's schemas of those answers.
    wire: BTreeMap<String, Vec<String>>,
    /// Candidate id types of each wire object, from the resources that serve it.
    object_ids: BTreeMap<String, BTreeSet<String>>,
    /// Polymorphic types whose enum is defined.
    anchors: BTreeSet<String>,
    /// Per bunq schema, the fields bunq's SDK makes a create give (spec/wire-facts.json).
    create_required: BTreeMap<String, BTreeSet<String>>,
    /// Request bodies being built (a write shape may contain itself).
    writing: BTreeSet<String>,
    /// Whether a schema's write shape differs from what is read back (see `write.rs`).
    differs: BTreeMap<String, bool>,
    /// Notes for the import's report.
    notes: Vec<String>,
}

impl<'a> Builder<'a> {
    pub fn new(upstream: &'a Value, facts: &'a Input, exceptions: &'a Exceptions) -> Self {
        Self {
            upstream,
            facts,
            exceptions,
            out: BTreeMap::new(),
            queue: VecDeque::new(),
            ids: BTreeMap::new(),
            wire: BTreeMap::new(),
            object_ids: BTreeMap::new(),
            anchors: BTreeSet::new(),
            create_required: BTreeMap::new(),
            writing: BTreeSet::new(),
            differs: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    pub fn exceptions(&self) -> &Exceptions {
        self.exceptions
    }

    /// Records an id type as used.
    pub fn use_id(&mut self, name: &str, kind: IdKind) {
        self.ids.entry(name.to_owned()).or_insert(kind);
    }

    /// Our schema name for a wire object type.
    fn object_name(&self, wire: &str) -> String {
        Exceptions::text(&self.exceptions.item_schemas, wire, "schema").unwrap_or(wire).to_owned()
    }

    /// Defines a schema; the same name may be defined twice only with the same content.
    fn define(&mut self, name: &str, schema: Value) -> Result<(), String> {
        match self.out.get(name) {
            Some(existing) if *existing != schema => {
                Err(format!("schema `{name}` would be defined twice with different content"))
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

    /// The envelope of an operation's answer; defines it and its item type, and notes the wire
    /// objects it carries.
    pub fn envelope(&mut self, op: &Operation, answer: &Answer) -> Result<String, String> {
        let resource = naming::pascal(op.literals.last().map(String::as_str).unwrap_or("Root"));
        let suffix = match op.verb {
            Verb::List => "Listing",
            Verb::Get => "Response",
            Verb::Create => "Created",
            Verb::Update => "Updated",
            Verb::Delete => "Deleted",
        };
        let (item, item_schema, envelope) = match answer {
            Answer::Bytes => return Err(format!("`{}`: a file has no envelope", op.key)),
            Answer::Empty => ("EmptyItem".to_owned(), json!({ "type": "object" }), "EmptyResponse".to_owned()),
            Answer::Free => ("FreeItem".to_owned(), json!({ "type": "object" }), format!("{resource}{suffix}")),
            Answer::Envelope { items, anchor } => {
                let mut variants = Vec::new();
                for (key, target) in items {
                    let schema = self.target(op, target)?;
                    variants.push(json!({
                        "type": "object", "required": [key], "additionalProperties": false,
                        "properties": { key: schema_ref(&schema) },
                    }));
                }
                let named = |single: &str| match op.verb {
                    Verb::List | Verb::Get => format!("{single}{suffix}"),
                    _ => format!("{resource}{suffix}"),
                };
                match (anchor, items.as_slice()) {
                    (Some(anchor), _) => {
                        self.anchors.insert(anchor.clone());
                        (anchor.clone(), json!({ "oneOf": variants }), named(anchor))
                    }
                    (None, [(_, target)]) => {
                        let single = self.target_name(target);
                        (format!("{single}Item"), variants.remove(0), named(&single))
                    }
                    (None, _) => {
                        (format!("{resource}{suffix}Item"), json!({ "oneOf": variants }), format!("{resource}{suffix}"))
                    }
                }
            }
        };
        self.define(&item, item_schema)?;
        let mut properties = Map::new();
        properties.insert("Response".into(), json!({ "type": "array", "items": schema_ref(&item) }));
        if op.verb == Verb::List {
            properties.insert("Pagination".into(), schema_ref("Pagination"));
        }
        self.define(&envelope, json!({ "type": "object", "required": ["Response"], "properties": properties }))?;
        Ok(envelope)
    }

    /// The name a target's type goes by in item and envelope names.
    fn target_name(&self, target: &Target) -> String {
        match target {
            Target::Object(wire) => self.object_name(wire),
            Target::Id(Some(id)) | Target::Uuid(Some(id)) => id.clone(),
            Target::Id(None) => "Id".to_owned(),
            Target::Uuid(None) => "Uuid".to_owned(),
        }
    }

    /// Defines what an item holds; returns its schema name.
    fn target(&mut self, op: &Operation, target: &Target) -> Result<String, String> {
        match target {
            Target::Object(wire) => {
                let sources = self.wire.entry(wire.clone()).or_default();
                let answers_it_alone =
                    matches!(&op.answer, Answer::Envelope { items, anchor: None } if items.len() == 1);
                if let (true, Some(schema)) = (answers_it_alone, &op.answer_schema)
                    && matches!(op.verb, Verb::List | Verb::Get)
                    && !sources.contains(schema)
                {
                    sources.push(schema.clone());
                }
                if matches!(op.verb, Verb::List | Verb::Get) {
                    let served = match (&op.page_id, op.params.last()) {
                        (Some(page), _) => Some(page.clone()),
                        (None, Some(param)) if param.kind == IdKind::Integer => Some(param.id_type.clone()),
                        _ => None,
                    };
                    if let Some(id) = served {
                        self.object_ids.entry(wire.clone()).or_default().insert(id);
                    }
                }
                Ok(self.object_name(wire))
            }
            Target::Id(id) => self.id_object(target, "id", id.as_deref(), IdKind::Integer),
            Target::Uuid(id) => self.id_object(target, "uuid", id.as_deref(), IdKind::Uuid),
        }
    }

    /// `{"<field>": <id type, or a bare integer/string>}`: what a create answers with.
    fn id_object(&mut self, target: &Target, field: &str, id: Option<&str>, kind: IdKind) -> Result<String, String> {
        let name = format!("{}Object", self.target_name(target));
        let schema = match (id, kind) {
            (Some(id), _) => {
                self.use_id(id, kind);
                schema_ref(id)
            }
            (None, IdKind::Integer) => json!({ "type": "integer", "format": "int64" }),
            (None, IdKind::Uuid) => json!({ "type": "string" }),
        };
        self.define(&name, json!({ "type": "object", "required": [field], "properties": { field: schema } }))?;
        Ok(name)
    }

    /// A request body from bunq's schema `name`: `New<name>` or `<name>Update`, unless renamed.
    /// A create body requires what bunq's document requires and what bunq's SDK makes a create give.
    pub fn request(&mut self, name: &str, form: Body, at: &Pointer) -> Result<String, String> {
        let out_name = match (Exceptions::text(&self.exceptions.request_names, name, "name"), form) {
            (Some(named), _) => named.to_owned(),
            (None, Body::New) => format!("New{name}"),
            (None, Body::Update) => format!("{name}Update"),
        };
        if !self.writing.insert(out_name.clone()) {
            return Ok(out_name);
        }
        let (source, source_at) = self.source_schema(name)?;
        let mut schema = self.convert(&source, &source_at, Form::Request(form), &out_name, None)?;
        let patch = self.exceptions.requests.get(&out_name).map(strip_comments);
        if let Some(patch) = &patch {
            merge_patch(&mut schema, patch);
            self.collect_refs(&schema.clone());
        }
        // An exception that lists `required` gives the whole list.
        if form == Body::New && patch.as_ref().is_none_or(|p| p.get("required").is_none()) {
            self.add_required_facts(&mut schema, name, &out_name);
        }
        self.writing.remove(&out_name);
        check_required(&schema, &out_name, at)?;
        self.define(&out_name, schema)?;
        Ok(out_name)
    }

    /// Notes that the create of bunq's schema `name` needs `fields` (bunq's SDK's facts).
    pub fn require_on_create(&mut self, name: &str, fields: impl IntoIterator<Item = String>) {
        self.create_required.entry(name.to_owned()).or_default().extend(fields);
    }

    /// Adds the fields bunq's SDK makes a create of `name` give to a body's `required`.
    fn add_required_facts(&mut self, schema: &mut Value, name: &str, out_name: &str) {
        let Some(fields) = self.create_required.get(name) else { return };
        let properties = schema.get("properties").and_then(Value::as_object);
        let mut required: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| Some(f.as_str()?.to_owned()))
            .collect();
        for field in fields {
            if properties.is_some_and(|p| p.contains_key(field)) {
                required.insert(field.clone());
            } else {
                self.notes.push(format!(
                    "bunq's SDK requires `{field}` on a create of `{name}`; `{out_name}` has no such field"
                ));
            }
        }
        if let Some(map) = schema.as_object_mut()
            && !required.is_empty()
        {
            let properties = map.remove("properties");
            map.insert("required".into(), json!(required));
            if let Some(properties) = properties {
                map.insert("properties".into(), properties);
            }
        }
    }

    /// bunq's schema (with our correction merged in), or one we add, or one only the facts know.
    fn source_schema(&self, name: &str) -> Result<(Value, Pointer), String> {
        if let Some(schema) = self.exceptions.added_schemas.get(name) {
            return Ok((strip_comments(schema), Pointer::root().push("added_schemas").push(name)));
        }
        let pointer = Pointer::root().push("components").push("schemas").push(name);
        let mut schema = match self.upstream.pointer(&pointer.to_string()) {
            Some(schema) => schema.clone(),
            None if self.facts.get("objects")[name].is_object() => json!({ "type": "object", "properties": {} }),
            None => return Err(format!("schema `{name}` is not in the input at {pointer}")),
        };
        if let Some(patch) = self.exceptions.corrections.get(name) {
            merge_patch(&mut schema, &strip_comments(patch));
        }
        Ok((schema, pointer))
    }

    /// Everything that is left: the wire objects, what they nest, ids, and the fixed schemas.
    pub fn finish(mut self, notes: &mut Vec<String>) -> Result<Map<String, Value>, String> {
        notes.append(&mut self.notes);
        // Objects a client meets that no operation answers (callback payloads).
        for extra in self.exceptions.extra_schemas.keys() {
            self.wire.entry(extra.clone()).or_default();
        }
        let wire: Vec<(String, Vec<String>)> = self.wire.clone().into_iter().collect();
        for (wire_name, sources) in wire {
            let name = self.object_name(&wire_name);
            let id = self.object_id(&wire_name, notes);
            let schema = self.wire_object(&wire_name, &name, &sources, id.as_deref())?;
            self.define(&name, schema)?;
        }
        while let Some(name) = self.queue.pop_front() {
            if self.out.contains_key(&name) {
                continue;
            }
            let (mut source, at) = self.source_schema(&name)?;
            let schema = if source.get("type").and_then(Value::as_str) == Some("object") {
                // Facts apply to a nested object unless its name is taken by a renamed wire object.
                if !self.exceptions.item_schemas.contains_key(&name) {
                    self.add_facts(&mut source, &name);
                }
                self.convert(&source, &at, Form::Response, &name, None)?
            } else {
                self.property(&source, &at, Form::Response)?
            };
            self.out.insert(name, schema);
        }
        for (id, kind) in self.ids.clone() {
            let stem = id.strip_suffix("Uuid").or_else(|| id.strip_suffix("Id")).unwrap_or(&id);
            let words = naming::snake_of_pascal(stem).replace('_', " ");
            let schema = match kind {
                IdKind::Integer => {
                    json!({ "type": "integer", "format": "int64", "description": format!("Identifies a {words}.") })
                }
                IdKind::Uuid => json!({ "type": "string", "description": format!("The public UUID of a {words}.") }),
            };
            self.out.insert(id, schema);
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
        Ok(self.out.into_iter().collect())
    }

    /// The id type of a wire object's `id`: the id of the resource that serves it (the one
    /// named after it when several do).
    fn object_id(&self, wire: &str, notes: &mut Vec<String>) -> Option<String> {
        let candidates = self.object_ids.get(wire)?;
        let own = format!("{wire}Id");
        if candidates.len() > 1 && !candidates.contains(&own) {
            notes.push(format!("`{wire}` is served under several ids ({candidates:?}); its id takes the first"));
        }
        if candidates.contains(&own) { Some(own) } else { candidates.iter().next().cloned() }
    }

    /// A wire object: the document's schemas of the answers that carry it, its schema of the same
    /// name, and the fields only the facts list.
    fn wire_object(&mut self, wire: &str, name: &str, sources: &[String], id: Option<&str>) -> Result<Value, String> {
        let mut merged = json!({ "type": "object", "properties": {} });
        let mut at = Pointer::root().push("components").push("schemas").push(name);
        for source in sources {
            let (schema, source_at) = self.source_schema(source)?;
            // A wrapper (`{"HealthResult": {$ref HealthCheckResult}}`) stands for what it wraps.
            match wrapped(&schema) {
                Some(inner) => {
                    for name in inner {
                        let (inner, at) = self.source_schema(&name)?;
                        merge_properties(&mut merged, &inner, &at);
                    }
                }
                None => merge_properties(&mut merged, &schema, &source_at),
            }
        }
        let own = self.source_schema(name).ok();
        if let Some((schema, pointer)) = &own {
            let theirs = property_names(schema);
            let ours = property_names(&merged);
            if !sources.is_empty() && !theirs.is_empty() && !ours.is_empty() && theirs.is_disjoint(&ours) {
                return Err(format!(
                    "the wire object `{wire}` and bunq's schema `{name}` share no field: they are different things; \
                     give the wire object another schema name under item_schemas in spec/import.json"
                ));
            }
            merge_properties(&mut merged, schema, pointer);
            if sources.is_empty() {
                at = pointer.clone();
            }
            if let Some(required) = schema.get("required") {
                merged["required"] = required.clone();
            }
        }
        if let Some(patch) = self.exceptions.corrections.get(name) {
            merge_patch(&mut merged, &strip_comments(patch));
        }
        self.add_facts(&mut merged, wire);
        self.convert(&merged, &at, Form::Response, name, id)
    }

    /// Adds the fields the facts list for `wire` that the schema lacks; widens integers the wire
    /// carries as fractions.
    fn add_facts(&mut self, schema: &mut Value, wire: &str) {
        let Some(fields) = self.facts.get("objects")[wire].as_object() else { return };
        let conflicts = self.facts.get("conflicts").as_array().cloned().unwrap_or_default();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
        for (field, fact) in fields {
            let fact_type = fact.get("type").and_then(Value::as_str).unwrap_or("object");
            if !properties.contains_key(field) {
                properties.insert(field.clone(), facts_schema(fact_type, self.upstream, self.facts));
            }
            let fractional = conflicts.iter().any(|c| {
                c.get("object").and_then(Value::as_str) == Some(wire)
                    && c.get("field").and_then(Value::as_str) == Some(field)
                    && [c.get("sdk"), c.get("recorded")].iter().any(|t| t.and_then(|t| t.as_str()) == Some("number"))
            });
            let is_id = field == "id" || field.ends_with("_id");
            if fractional && !is_id && properties[field].get("type").and_then(Value::as_str) == Some("integer") {
                properties.insert(field.clone(), json!({ "type": "number" }));
            }
        }
    }

    /// An object schema in a form, typed, without prose.
    fn convert(
        &mut self,
        source: &Value,
        at: &Pointer,
        form: Form,
        name: &str,
        id: Option<&str>,
    ) -> Result<Value, String> {
        if source.get("type").and_then(Value::as_str) != Some("object") {
            return Err(format!("schema `{name}` at {at} is not an object"));
        }
        let mut properties = Map::new();
        let props = source.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        for (field, prop) in &props {
            let flag = |key: &str| prop.get(key).and_then(Value::as_bool).unwrap_or(false);
            let keep = match form {
                Form::Response => !flag("writeOnly"),
                Form::Request(_) => !flag("readOnly"),
            };
            if !keep {
                continue;
            }
            let prop_at = match prop.get("$at").and_then(Value::as_str) {
                Some(origin) => Pointer::parse(origin),
                None => at.push("properties").push(field),
            };
            let integer = prop.get("type").and_then(Value::as_str) == Some("integer");
            let text = prop.get("type").and_then(Value::as_str) == Some("string");
            let typed = match field.as_str() {
                "id" if form == Form::Response && integer => id.map(str::to_owned),
                _ if integer || text => self.field_id(field, integer),
                _ => None,
            };
            let schema = match typed {
                Some(id_type) => schema_ref(&id_type),
                None => {
                    let mut schema = self.property(prop, &prop_at, form)?;
                    let described = prop.get("description").and_then(Value::as_str);
                    if text && let Some(values) = described.and_then(listed_values) {
                        schema["x-bunq-values"] = json!(values);
                    }
                    schema
                }
            };
            properties.insert(field.clone(), schema);
        }
        let listed = |v: Option<&Value>| -> BTreeSet<String> {
            v.and_then(Value::as_array).into_iter().flatten().filter_map(|s| Some(s.as_str()?.to_owned())).collect()
        };
        let mut required: BTreeSet<String> = match form {
            Form::Request(Body::New) => listed(source.get("required")),
            Form::Request(Body::Update) => BTreeSet::new(),
            Form::Response => {
                let corrected = self.exceptions.corrections.get(name).and_then(|c| c.get("required"));
                let added = self.exceptions.added_schemas.get(name).and_then(|c| c.get("required"));
                listed(corrected.or(added))
            }
        };
        if id.is_some() && properties.contains_key("id") {
            required.insert("id".into());
        }
        if form != Form::Request(Body::New) {
            required.retain(|r| properties.contains_key(r));
        }
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        if !required.is_empty() {
            schema.insert("required".into(), json!(required));
        }
        schema.insert("properties".into(), Value::Object(properties));
        Ok(Value::Object(schema))
    }

    /// The id type of a `<thing>_id` or `<thing>_uuid` field: the exception, else `<Thing>Id`
    /// when that id type exists.
    fn field_id(&mut self, field: &str, integer: bool) -> Option<String> {
        if let Some(id) = Exceptions::text(&self.exceptions.field_ids, field, "id") {
            return Some(id.to_owned());
        }
        let (stem, suffix, kind) = match (field.strip_suffix("_id"), field.strip_suffix("_uuid")) {
            (Some(stem), _) if integer => (stem, "Id", IdKind::Integer),
            (_, Some(stem)) if !integer => (stem, "Uuid", IdKind::Uuid),
            _ => return None,
        };
        let id = format!("{}{suffix}", naming::pascal(stem));
        (self.ids.get(&id) == Some(&kind)).then_some(id)
    }

    /// One property's schema, with bunq's prose and flags removed; in a request, objects are
    /// their write shapes.
    fn property(&mut self, prop: &Value, at: &Pointer, form: Form) -> Result<Value, String> {
        if let Some(reference) = prop.get("$ref") {
            let target = reference
                .as_str()
                .and_then(|r| r.strip_prefix(SCHEMAS))
                .ok_or(format!("unsupported $ref {reference} at {at}"))?;
            if form != Form::Response
                && let Some(shape) = self.write_shape(target, at)?
            {
                return Ok(schema_ref(&shape));
            }
            // A polymorphic type bunq's document has no schema for becomes the enum of its variants.
            let documented = self.upstream.pointer(&format!("/components/schemas/{target}")).is_some();
            if !documented
                && !self.out.contains_key(target)
                && let Some(variants) = anchor_variants(target, self.upstream, self.facts)
            {
                self.define_anchor(target, &variants)?;
                return Ok(schema_ref(target));
            }
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
                Ok(json!({ "type": "array", "items": self.property(items, &at.push("items"), form)? }))
            }
            Some("object") => {
                let mut properties = Map::new();
                let props = prop.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
                for (field, inner) in &props {
                    let read_only = inner.get("readOnly").and_then(Value::as_bool) == Some(true);
                    if form != Form::Response && read_only {
                        continue;
                    }
                    let inner_at = at.push("properties").push(field);
                    properties.insert(field.clone(), self.property(inner, &inner_at, form)?);
                }
                if properties.is_empty() {
                    Ok(json!({ "type": "object" }))
                } else {
                    Ok(json!({ "type": "object", "properties": properties }))
                }
            }
            None if prop.as_object().is_some_and(Map::is_empty) => Ok(json!({})),
            Some(other) => Err(format!("unsupported type `{other}` at {at}")),
            None => Err(format!("a schema without type or $ref at {at}")),
        }
    }

    /// The enum of a polymorphic type's variants, each a one-key object like an envelope item.
    fn define_anchor(&mut self, name: &str, variants: &[String]) -> Result<(), String> {
        // A variant that is itself polymorphic (`MonetaryAccount`) stands for its own variants:
        // on the wire the item is `{"MonetaryAccountBank": {…}}`.
        let mut flat = Vec::new();
        for variant in variants {
            match anchor_variants(variant, self.upstream, self.facts) {
                Some(inner) if inner.as_slice() != [variant.clone()] => flat.extend(inner),
                _ => flat.push(variant.clone()),
            }
        }
        flat.sort();
        flat.dedup();
        let variants: Vec<Value> = flat
            .iter()
            .map(|variant| {
                self.enqueue(variant);
                json!({
                    "type": "object", "required": [variant], "additionalProperties": false,
                    "properties": { variant: schema_ref(variant) },
                })
            })
            .collect();
        self.anchors.insert(name.to_owned());
        self.define(name, json!({ "oneOf": variants }))
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

/// What a schema is built as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Form {
    Response,
    Request(Body),
}

/// A facts type (`string`, `Amount`, `array:Pointer`, …) as a schema in bunq's document's form.
fn facts_schema(fact: &str, upstream: &Value, facts: &Input) -> Value {
    match fact {
        "string" | "integer" | "number" | "boolean" => json!({ "type": fact }),
        "object" | "null" => json!({}),
        _ => match fact.strip_prefix("array:") {
            Some(inner) => json!({ "type": "array", "items": facts_schema(inner, upstream, facts) }),
            None => {
                let known = upstream.pointer(&format!("/components/schemas/{fact}")).is_some()
                    || facts.get("objects")[fact].is_object()
                    || facts.get("anchors")[fact].is_array();
                if known { json!({ "$ref": format!("{SCHEMAS}{fact}") }) } else { json!({}) }
            }
        },
    }
}

/// The schemas a wrapper object refers to: one whose properties are all `$ref`s under
/// UpperCamelCase keys.
fn wrapped(schema: &Value) -> Option<Vec<String>> {
    let props = schema.get("properties")?.as_object()?;
    let targets: Option<Vec<String>> = props
        .iter()
        .map(|(key, prop)| {
            let target = prop.get("$ref")?.as_str()?.strip_prefix(SCHEMAS)?;
            key.starts_with(|c: char| c.is_ascii_uppercase()).then(|| target.to_owned())
        })
        .collect();
    targets.filter(|t| !t.is_empty())
}

/// The fields of a schema that are read back (not write-only).
fn property_names(schema: &Value) -> BTreeSet<String> {
    let props = schema.get("properties").and_then(Value::as_object).into_iter().flatten();
    props
        .filter(|(_, p)| p.get("writeOnly").and_then(Value::as_bool) != Some(true))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Adds the properties of `from` (at `at` in bunq's document) that `into` lacks; each keeps
/// where it came from under `$at`, for the errors that name it.
fn merge_properties(into: &mut Value, from: &Value, at: &Pointer) {
    let Some(theirs) = from.get("properties").and_then(Value::as_object) else { return };
    if let Some(ours) = into.get_mut("properties").and_then(Value::as_object_mut) {
        for (field, schema) in theirs {
            ours.entry(field.clone()).or_insert_with(|| {
                let mut schema = schema.clone();
                if let Some(map) = schema.as_object_mut() {
                    map.insert("$at".into(), json!(at.push("properties").push(field).to_string()));
                }
                schema
            });
        }
    }
}

/// The values a description lists for a string field (`Can be: ACTIVE, BLOCKED or CANCELLED`,
/// `can be: EMAIL|PHONE_NUMBER|IBAN`, `Allowed values: MT940, CSV, PDF`), a fact the sandbox checks
/// request bodies against and the client's enums are made of.
fn listed_values(description: &str) -> Option<Vec<String>> {
    let lead = [
        "options:",
        "Options:",
        "Can be:",
        "can be:",
        "Can be ",
        "can be ",
        "one of:",
        "one of ",
        "Allowed values:",
        "Possible choices are ",
        "Possible values are ",
        "either ",
        "Either ",
    ]
    .iter()
    .find_map(|lead| description.split_once(lead).map(|(_, rest)| rest))?;
    let mut values = Vec::new();
    for word in lead.split([',', ' ', '|']).filter(|w| !w.is_empty()) {
        let word = word.trim_end_matches(['.', ';', ')']);
        if word == "or" || word == "and" {
            continue;
        }
        let token = word.len() > 1
            && word.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            && word.bytes().next().is_some_and(|b| b.is_ascii_uppercase());
        if !token {
            break;
        }
        values.push(word.to_owned());
    }
    (values.len() >= 2).then_some(values)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_listed_in_descriptions() {
        assert_eq!(
            listed_values("The status. Can be: ACTIVE, BLOCKED, CANCELLED or PENDING_REOPEN"),
            Some(vec!["ACTIVE".into(), "BLOCKED".into(), "CANCELLED".into(), "PENDING_REOPEN".into()])
        );
        assert_eq!(
            listed_values("The schedule status, options: ACTIVE, FINISHED, CANCELLED."),
            Some(vec!["ACTIVE".into(), "FINISHED".into(), "CANCELLED".into()])
        );
        assert_eq!(
            listed_values("The alias type, can be: EMAIL|PHONE_NUMBER|IBAN."),
            Some(vec!["EMAIL".into(), "PHONE_NUMBER".into(), "IBAN".into()])
        );
        assert_eq!(
            listed_values("The format type of statement. Allowed values: MT940, CSV, PDF."),
            Some(vec!["MT940".into(), "CSV".into(), "PDF".into()])
        );
        assert_eq!(
            listed_values("The share type, either STANDARD or MUTUAL."),
            Some(vec!["STANDARD".into(), "MUTUAL".into()])
        );
        assert_eq!(listed_values("Pay either a person or a company"), None);
        assert_eq!(listed_values("The type of the bunq.me Tab. Should be BUNQ_ME"), None);
        assert_eq!(listed_values("Can be anything you like"), None);
    }
}
