//! What the spec says of each type and field, as doc text written by rule: a field's type in
//! words, its listed values, its unit, whether a create needs it, whether bunq alone sets it; a
//! type's place (what answers it, what sends it, where it is nested) and bunq's page on it.
//! bunq's own prose never enters: only facts of the spec, in our words.

use crate::docs::Handwritten;
use crate::model::{Body, Model, Operation, Verb, is_container, ref_name};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// bunq's timestamp format, as its recorded objects write every `created`/`updated`/`time_*`.
const TIMESTAMP: &str = "a timestamp in bunq's format `YYYY-MM-DD hh:mm:ss.ssssss`, UTC";
/// How many places a type's doc names before "and N more".
const SHOWN: usize = 3;

/// The facts of one spec, indexed for the doc pass.
pub struct Facts<'s> {
    schemas: &'s Map<String, Value>,
    handwritten: &'s Handwritten,
    /// Schema → the operations answering it (as an item).
    answered_by: BTreeMap<&'s str, Vec<&'s Operation>>,
    /// Schema → the operations sending it as their body.
    sent_by: BTreeMap<&'s str, Vec<&'s Operation>>,
    /// Envelope schema → the operations answering with it.
    envelope_of: BTreeMap<&'s str, Vec<&'s Operation>>,
    /// Read schema → the create bodies of its collections.
    creates: BTreeMap<&'s str, BTreeSet<&'s str>>,
    /// Read schema → every property any create or update body of its resource carries.
    writable: BTreeMap<&'s str, BTreeSet<&'s str>>,
    /// Schema → the (schema, property) pairs that hold it.
    held_by: BTreeMap<&'s str, Vec<(&'s str, &'s str)>>,
}

impl<'s> Facts<'s> {
    pub fn read(spec: &'s Value, model: &'s Model, handwritten: &'s Handwritten) -> Result<Self, String> {
        let schemas =
            spec.pointer("/components/schemas").and_then(Value::as_object).ok_or("the spec has no schemas")?;
        let mut facts = Self {
            schemas,
            handwritten,
            answered_by: BTreeMap::new(),
            sent_by: BTreeMap::new(),
            envelope_of: BTreeMap::new(),
            creates: BTreeMap::new(),
            writable: BTreeMap::new(),
            held_by: BTreeMap::new(),
        };
        let mut read_of: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for op in &model.operations {
            for variant in op.variants() {
                facts.answered_by.entry(&variant.schema).or_default().push(op);
                if matches!(op.verb, Verb::Get | Verb::List) {
                    read_of.entry(op.collection()).or_default().insert(&variant.schema);
                }
            }
            if let crate::model::Answer::Envelope { schema, .. } = &op.answer {
                facts.envelope_of.entry(schema).or_default().push(op);
            }
            if let Body::Json(body) = &op.body {
                facts.sent_by.entry(body).or_default().push(op);
            }
        }
        for op in &model.operations {
            let Body::Json(body) = &op.body else { continue };
            for read in read_of.get(&op.collection()).into_iter().flatten() {
                if op.verb == Verb::Create {
                    facts.creates.entry(read).or_default().insert(body);
                }
                let keys = properties(schemas.get(body.as_str())).map(|(k, _)| k.as_str());
                facts.writable.entry(read).or_default().extend(keys);
            }
        }
        for (name, schema) in schemas {
            for (key, prop) in properties(Some(schema)) {
                let target = ref_name(prop).or_else(|| prop.get("items").and_then(ref_name));
                if let Some(target) = target {
                    facts.held_by.entry(target).or_default().push((name, key));
                }
            }
        }
        Ok(facts)
    }

    /// The schema typify named `name`: a schema of the spec, or the inline item type of a list
    /// schema (`ErrorItem` of `Error`).
    fn schema(&self, name: &str) -> Option<&'s Value> {
        let list = || self.schemas.get(name.strip_suffix("Item")?)?.get("items").filter(|i| ref_name(i).is_none());
        self.schemas.get(name).or_else(list)
    }

    /// Whether the spec has a schema for the type `name`.
    pub fn has(&self, name: &str) -> bool {
        self.schema(name).is_some()
    }

    /// The schema's property `key`, if the schema has one whose Rust field name is `field`.
    pub fn property(&self, schema: &str, field: &str) -> Option<&'s str> {
        let props = properties(self.schema(schema));
        props.map(|(key, _)| key.as_str()).find(|key| crate::model::field_name(key) == field)
    }

    /// The doc of a type: the handwritten text, or a sentence on its place; then bunq's page.
    pub fn type_doc(&self, name: &str) -> Option<String> {
        let schema = self.schema(name)?;
        let mut lines = Vec::new();
        if let Some(text) = self.handwritten.of(name) {
            lines.push(text.to_owned());
        }
        lines.push(self.place(name, schema));
        if let Some(page) = self.page(name) {
            lines.push(format!("bunq's documentation of the resource: <{page}>"));
        }
        Some(lines.join("\n\n"))
    }

    /// The doc of a field: its type in words, listed values, unit, and what create and update do with it.
    pub fn field_doc(&self, schema: &str, key: &str) -> Option<String> {
        let object = self.schema(schema)?;
        let prop = object.pointer(&format!("/properties/{}", key.replace('~', "~0").replace('/', "~1")))?;
        if is_container(object) {
            let target = ref_name(prop).unwrap_or(key);
            return Some(format!("`Some` when bunq sent a `{key}` object: a [`{target}`]."));
        }
        let mut text = words(key, prop);
        if let Some(values) = listed(prop) {
            text.push_str(&format!(" One of {values}."));
        }
        let required = |body: &str| {
            let schema = self.schemas.get(body);
            schema.and_then(|s| s.get("required")).and_then(Value::as_array).is_some_and(|r| r.iter().any(|k| k == key))
        };
        if self.sent_by.contains_key(schema) {
            text.push_str(if required(schema) { " Required." } else { " Optional." });
        } else if let Some(body) = self.creates.get(schema).into_iter().flatten().find(|body| required(body)) {
            text.push_str(&format!(" Required when creating one ([`{body}`])."));
        }
        let writable = self.writable.get(schema);
        if writable.is_some_and(|keys| !keys.contains(key)) {
            text.push_str(" Read-only: bunq sets it, no create or update sends it.");
        }
        if crate::model::field_name(key) != key {
            text.push_str(&format!(" On the wire: `{key}`."));
        }
        Some(text)
    }

    /// The doc of a variant of a tagged enum: the object under `key`.
    pub fn variant_doc(&self, key: &str, target: Option<&str>) -> String {
        match target {
            Some(target) => format!("The object under the key `{key}`: a [`{target}`]."),
            None => format!("The object under the key `{key}`."),
        }
    }

    /// One sentence on where a type stands: answered, sent, an envelope, a container, or nested.
    fn place(&self, name: &str, schema: &Value) -> String {
        let list = |ops: &[&Operation]| {
            // The shortest paths first: the resource's own before those it hangs under.
            let mut ops = ops.to_vec();
            ops.sort_by_key(|op| (op.segments.len(), op.path.clone()));
            let mut shown: Vec<String> =
                ops.iter().take(SHOWN).map(|op| format!("`{} {}`", op.method, op.path)).collect();
            if ops.len() > SHOWN {
                shown.push(format!("{} more", ops.len() - SHOWN));
            }
            join(&shown)
        };
        if let Some(list) = name.strip_suffix("Item").filter(|list| !self.schemas.contains_key(name) && self.has(list))
        {
            return format!("One item of a [`{list}`].");
        }
        if let Some(ops) = self.envelope_of.get(name) {
            let paging = if ops.iter().any(|op| op.verb == Verb::List) { ", a page at a time" } else { "" };
            return format!(
                "bunq's answer to {}: its `Response` holds the items{paging}; \
                 [`Envelope`](crate::Envelope) unwraps them.",
                list(ops)
            );
        }
        if let Some(ops) = self.sent_by.get(name) {
            let what = match ops[0].verb {
                Verb::Create => "the fields of the new one",
                Verb::Update => "the fields to change; what is left out stays as it is",
                _ => "its fields",
            };
            return format!("The body {} sends: {what}.", list(ops));
        }
        if let Some(ops) = self.answered_by.get(name) {
            return format!("An object bunq answers to {}.", list(ops));
        }
        if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
            return format!(
                "One of {} kinds of object, each under its own key (`{{\"<Kind>\": {{…}}}}`): the variant says which bunq sent.",
                alternatives.len()
            );
        }
        if is_container(schema) {
            return "An object under one of its keys (`{\"<Kind>\": {…}}`): the field of the kind bunq sent is `Some`."
                .to_owned();
        }
        if let Some(holders) = self.held_by.get(name) {
            let mut shown: Vec<String> =
                holders.iter().take(SHOWN).map(|(schema, key)| format!("[`{schema}`]`.{key}`")).collect();
            if holders.len() > SHOWN {
                shown.push(format!("{} more", holders.len() - SHOWN));
            }
            return format!("Part of {}.", join(&shown));
        }
        "A type of bunq's API that the spec defines and nothing of this build holds.".to_owned()
    }

    /// bunq's page on the resource of a type: the resource of the first operation that answers or sends it.
    fn page(&self, name: &str) -> Option<String> {
        let mut ops = self.answered_by.get(name).or_else(|| self.sent_by.get(name))?.clone();
        ops.sort_by_key(|op| op.segments.len());
        ops.iter().find_map(|op| {
            let resource =
                op.path.trim_end_matches('/').split('/').rev().find(|s| !s.is_empty() && !s.starts_with('{'))?;
            self.handwritten.page(resource)
        })
    }
}

/// The properties of a schema.
fn properties(schema: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    schema.and_then(|s| s.get("properties")).and_then(Value::as_object).into_iter().flatten()
}

/// `a`, `a and b`, `a, b and c`.
fn join(parts: &[String]) -> String {
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The values bunq lists for a field (`x-bunq-values` or `enum`), as code.
fn listed(prop: &Value) -> Option<String> {
    let values = prop.get("x-bunq-values").or_else(|| prop.get("enum")).and_then(Value::as_array)?;
    let values: Vec<String> = values.iter().filter_map(Value::as_str).map(|v| format!("`{v}`")).collect();
    (!values.is_empty()).then(|| join(&values))
}

/// A field's type in words, with its unit where it has one.
fn words(key: &str, prop: &Value) -> String {
    if let Some(target) = ref_name(prop) {
        return match target {
            "Amount" => {
                "Money, in the account's currency: [`Amount`], a decimal string and its currency code.".to_owned()
            }
            id if id.ends_with("Id") || id.ends_with("Uuid") => format!("Id: [`{id}`]."),
            other => format!("Type: [`{other}`]."),
        };
    }
    let ty = prop.get("type").and_then(Value::as_str);
    match ty {
        Some("array") => {
            let items = prop.get("items").map(|items| match ref_name(items) {
                Some(target) => format!("[`{target}`]"),
                None => format!("{} values", items.get("type").and_then(Value::as_str).unwrap_or("JSON")),
            });
            format!(
                "A list of {} (`null` from bunq reads as empty).",
                items.unwrap_or_else(|| "JSON values".to_owned())
            )
        }
        Some("string") if is_timestamp(key) => format!("Text: {TIMESTAMP}."),
        Some("string") if key.ends_with("_date") || key.starts_with("date_") => {
            "Text: a date, `YYYY-MM-DD`.".to_owned()
        }
        Some("string") => match code(key) {
            Some(code) => format!("Text: {code}."),
            None => "Text.".to_owned(),
        },
        Some("integer") => "A whole number.".to_owned(),
        Some("number") => "A number.".to_owned(),
        Some("boolean") => "`true` or `false`.".to_owned(),
        Some("object") => "A JSON object.".to_owned(),
        _ => "Any JSON value: the spec does not say which.".to_owned(),
    }
}

/// The standard code a text field holds, by its name (as bunq's recorded objects write them).
fn code(key: &str) -> Option<&'static str> {
    match key {
        "currency" => Some("an ISO 4217 currency code, like `EUR`"),
        "country" | "nationality" | "country_of_birth" | "country_iban" => {
            Some("an ISO 3166-1 alpha-2 country code, like `NL`")
        }
        "language" | "region" => Some("a language and a country code joined by `_`, like `en_US`"),
        "iban" => Some("an IBAN"),
        "uuid" | "public_uuid" => Some("a UUID"),
        _ => None,
    }
}

/// Fields bunq writes as timestamps (its recorded objects: `created`, `updated`, `time_*`,
/// and a schedule's `start_date`/`end_date`).
fn is_timestamp(key: &str) -> bool {
    matches!(key, "created" | "updated" | "start_date" | "end_date")
        || key.starts_with("time_")
        || key.ends_with("_time")
        || key.ends_with("_timestamp")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        let envelope = |item: &str| json!({"properties": {"Response": {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}}});
        json!({
            "paths": {
                "/payment": {
                    "post": {"operationId": "create_payment",
                             "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPayment"}}}},
                             "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PaymentCreated"}}}}}},
                    "get": {"operationId": "list_payments",
                            "parameters": [{"in": "query", "name": "older_id", "schema": {"$ref": "#/components/schemas/PaymentId"}}],
                            "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PaymentListing"}}}}}}
                }
            },
            "components": {"schemas": {
                "PaymentId": {"type": "integer"},
                "Amount": {"type": "object", "properties": {"value": {"type": "string"}}},
                "Payment": {"type": "object", "properties": {
                    "amount": {"$ref": "#/components/schemas/Amount"},
                    "created": {"type": "string"},
                    "status": {"type": "string", "x-bunq-values": ["PENDING", "DONE"]},
                    "type": {"type": "string"}
                }},
                "NewPayment": {"type": "object", "required": ["amount"], "properties": {
                    "amount": {"$ref": "#/components/schemas/Amount"},
                    "status": {"type": "string"}
                }},
                "PaymentItem": {"type": "object", "properties": {"Payment": {"$ref": "#/components/schemas/Payment"}}},
                "PaymentListing": envelope("PaymentItem"),
                "PaymentCreated": envelope("PaymentItem")
            }}
        })
    }

    #[test]
    fn fields_say_type_unit_values_and_what_writes_them() {
        let spec = spec();
        let model = Model::read(&spec).unwrap();
        let docs =
            Handwritten::parse("# Types\n## Payment\nMoney moved.\n# Pages\n- `payment`: payment/payment\n").unwrap();
        let facts = Facts::read(&spec, &model, &docs).unwrap();
        let amount = facts.field_doc("Payment", "amount").unwrap();
        assert!(
            amount.contains("account's currency") && amount.contains("Required when creating one ([`NewPayment`])")
        );
        assert!(!amount.contains("Read-only"), "{amount}");
        let created = facts.field_doc("Payment", "created").unwrap();
        assert!(created.contains("YYYY-MM-DD hh:mm:ss.ssssss") && created.contains("Read-only"), "{created}");
        let status = facts.field_doc("Payment", "status").unwrap();
        assert!(status.contains("One of `PENDING` and `DONE`.") && !status.contains("Required"), "{status}");
        assert!(facts.field_doc("Payment", "type").unwrap().contains("On the wire: `type`."));
        assert_eq!(words("currency", &json!({"type": "string"})), "Text: an ISO 4217 currency code, like `EUR`.");
        assert!(facts.field_doc("NewPayment", "amount").unwrap().ends_with("Required."));
        assert!(facts.field_doc("NewPayment", "status").unwrap().ends_with("Optional."));
        assert_eq!(facts.property("Payment", "type_"), Some("type"));
        let payment = facts.type_doc("Payment").unwrap();
        assert!(
            payment.starts_with("Money moved.\n\nAn object bunq answers to `GET /payment` and `POST /payment`."),
            "{payment}"
        );
        assert!(payment.ends_with("<https://doc.bunq.com/payment/payment>"), "{payment}");
        assert!(facts.type_doc("NewPayment").unwrap().starts_with("The body `POST /payment` sends"));
        assert!(facts.type_doc("PaymentListing").unwrap().contains("a page at a time"));
        let amount = facts.type_doc("Amount").unwrap();
        assert!(amount.contains("[`Payment`]`.amount`") && amount.contains("[`NewPayment`]`.amount`"), "{amount}");
    }
}
