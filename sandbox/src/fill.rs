//! Every field by fact: an object the sandbox emits carries every field of its read schema
//! (and every field the wire facts know for its type), with plausible values where the sandbox
//! has none of its own — timestamps, UUIDs, IBANs, `EUR`, zero amounts, `false`, `0`, an
//! enum's first value, `""`, `[]`, nested objects filled a few levels deep, and `null` for
//! polymorphic containers.

use super::money;
use super::spec::{Operation, Spec, ref_name};
use serde_json::{Map, Value, json};

/// How deep nested objects are filled; below, an optional object is `null`.
const DEPTH: usize = 3;
/// How deep a required object is still filled below [`DEPTH`] (with its required fields only).
const REQUIRED_DEPTH: usize = 8;
/// The UUID in nested objects the sandbox has no UUID of its own for.
const PLACEHOLDER_UUID: &str = "00000000-0000-4000-8000-000000000000";

/// Fills with one spec at one moment.
pub(crate) struct Filler<'a> {
    spec: &'a Spec,
    /// A bunq timestamp, `2017-11-08 11:20:03.950184`.
    now: &'a str,
}

impl<'a> Filler<'a> {
    pub(crate) fn new(spec: &'a Spec, now: &'a str) -> Self {
        Filler { spec, now }
    }

    /// Completes every item of an answer of `operation` (`{"Response": [{"Payment": {…}}, …]}`).
    pub(crate) fn envelope(&self, operation: &Operation, envelope: &mut Value) {
        let Some(items) = envelope.get_mut("Response").and_then(Value::as_array_mut) else { return };
        for item in items {
            let Some(item) = item.as_object_mut() else { continue };
            for (key, object) in item.iter_mut() {
                let schema = operation.variant(key).map(|v| v.schema.as_str());
                self.item(key, schema, object);
            }
        }
    }

    /// Completes one wire object of type `key` (read schema `schema`): the schema's fields, then
    /// any the wire facts add.
    pub(crate) fn item(&self, key: &str, schema: Option<&str>, object: &mut Value) {
        let Value::Object(fields) = object else { return };
        if let Some(schema) = schema.and_then(|name| self.spec.schema(name)) {
            self.complete(schema, fields, 0);
        }
        for (name, fact) in self.spec.facts(key).into_iter().flatten() {
            if !fields.contains_key(name) {
                let value = self.by_fact(name, fact.get("type").and_then(Value::as_str).unwrap_or_default());
                fields.insert(name.clone(), value);
            }
        }
    }

    /// A whole object of a schema, every field filled.
    #[cfg(test)]
    pub(crate) fn object(&self, schema: &str) -> Value {
        let mut fields = Map::new();
        if let Some(schema) = self.spec.schema(schema) {
            self.complete(schema, &mut fields, 0);
        }
        Value::Object(fields)
    }

    /// Adds the missing fields of an object schema; completes the objects already there.
    fn complete(&self, schema: &Value, fields: &mut Map<String, Value>, depth: usize) {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return };
        for (name, property) in properties {
            match fields.get_mut(name) {
                None => {
                    let mut value = self.value(name, property, depth + 1);
                    if value.is_null() && is_required(schema, name) {
                        value = self.required_only(property, depth + 1);
                    }
                    fields.insert(name.clone(), value);
                }
                Some(Value::Object(inner)) if depth + 1 < DEPTH => {
                    if let Some(target) = self.object_schema(property) {
                        self.complete(target, inner, depth + 1);
                    }
                }
                Some(Value::Array(items)) if depth + 1 < DEPTH => {
                    let Some(target) = property.get("items").and_then(|i| self.object_schema(i)) else { continue };
                    for item in items.iter_mut() {
                        if let Value::Object(inner) = item {
                            self.complete(target, inner, depth + 1);
                        }
                    }
                }
                Some(_) => {}
            }
        }
    }

    /// The object schema behind `schema`, unless it is polymorphic or not an object.
    fn object_schema(&self, schema: &'a Value) -> Option<&'a Value> {
        if let Some(name) = ref_name(schema) {
            if self.spec.is_polymorphic(name) || name == "Amount" {
                return None;
            }
            return self.spec.schema(name).filter(|s| s.get("properties").is_some());
        }
        schema.get("properties").is_some().then_some(schema)
    }

    /// A plausible value for field `name` of `schema`, `depth` levels below the answer's object.
    fn value(&self, name: &str, schema: &Value, depth: usize) -> Value {
        if let Some(target) = ref_name(schema) {
            if target == "Amount" {
                return amount();
            }
            if self.spec.is_polymorphic(target) {
                return Value::Null;
            }
            let Some(resolved) = self.spec.schema(target) else { return Value::Null };
            return self.value(name, resolved, depth);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => {
                let first = schema.get("x-bunq-values").and_then(Value::as_array).and_then(|v| v.first());
                first.cloned().unwrap_or_else(|| Value::String(self.text(name)))
            }
            Some("integer") | Some("number") => json!(0),
            Some("boolean") => Value::Bool(false),
            Some("array") => json!([]),
            Some("object") if depth < DEPTH => {
                let mut fields = Map::new();
                self.complete(schema, &mut fields, depth);
                Value::Object(fields)
            }
            _ => Value::Null,
        }
    }

    /// An object with its required fields only, for a required field below [`DEPTH`].
    fn required_only(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.spec.resolve(schema);
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return Value::Null };
        if depth > REQUIRED_DEPTH {
            return Value::Null;
        }
        let mut fields = Map::new();
        for (name, property) in properties.iter().filter(|(name, _)| is_required(schema, name)) {
            let mut value = self.value(name, property, depth + 1);
            if value.is_null() {
                value = self.required_only(property, depth + 1);
            }
            fields.insert(name.clone(), value);
        }
        Value::Object(fields)
    }

    /// A value for a field the wire facts know but the schema does not.
    fn by_fact(&self, name: &str, fact: &str) -> Value {
        match fact {
            "string" => Value::String(self.text(name)),
            "integer" | "number" => json!(0),
            "boolean" => Value::Bool(false),
            "null" | "" => Value::Null,
            array if array.starts_with("array:") => json!([]),
            object => self.value(name, &json!({ "$ref": format!("#/components/schemas/{object}") }), 1),
        }
    }

    /// Text that fits a field's name.
    fn text(&self, name: &str) -> String {
        let sensible = match name {
            "created" | "updated" => self.now,
            "currency" => "EUR",
            "country" | "nationality" | "country_of_birth" => "NL",
            "language" => "en_US",
            "region" => "nl_NL",
            "status" => "ACTIVE",
            _ if name.starts_with("time_") || name.ends_with("_time") => self.now,
            _ if name.ends_with("uuid") => PLACEHOLDER_UUID,
            _ if name == "date" || name.ends_with("_date") || name.starts_with("date_") => {
                return self.now.get(..10).unwrap_or_default().to_owned();
            }
            _ if name == "iban" || name.ends_with("_iban") => return money::sandbox_iban(99_999_999),
            _ => "",
        };
        sensible.to_owned()
    }
}

/// Zero euros.
fn amount() -> Value {
    json!({ "value": "0.00", "currency": "EUR" })
}

fn is_required(schema: &Value, name: &str) -> bool {
    schema.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|f| f == name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;

    const NOW: &str = "2026-12-03 12:17:00.000000";

    /// Every wire item type of the spec, completed from nothing, has every field of its
    /// schema and of its wire facts.
    #[test]
    fn every_item_type_is_complete() {
        let spec = spec::get();
        let filler = Filler::new(spec, NOW);
        for operation in &spec.operations {
            for variant in operation.variants() {
                let mut object = json!({});
                filler.item(&variant.key, Some(&variant.schema), &mut object);
                let schema = spec.schema(&variant.schema).unwrap();
                let fields = schema.get("properties").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k);
                let facts = spec.facts(&variant.key).into_iter().flatten().map(|(k, _)| k);
                for field in fields.chain(facts) {
                    assert!(object.get(field).is_some(), "{} lacks {field}", variant.key);
                }
            }
        }
    }

    #[test]
    fn values_are_plausible() {
        let spec = spec::get();
        let filler = Filler::new(spec, NOW);
        let payment = filler.object("Payment");
        assert_eq!(payment["amount"], json!({"value": "0.00", "currency": "EUR"}));
        assert_eq!(payment["created"], NOW);
        assert_eq!(payment["type"], "BUNQ");
        assert_eq!(payment["attachment"], json!([]));
        assert_eq!(payment["alias"]["is_light"], false);
        assert!(money::iban_is_valid(payment["alias"]["iban"].as_str().unwrap()));
        assert_eq!(payment["payment_auto_allocate_instance"]["payment_id"], 0);
        assert!(payment["conversation"].is_null());
        let account = filler.object("MonetaryAccountBank");
        assert_eq!(account["status"], "ACTIVE");
        assert_eq!(account["currency"], "EUR");
        assert_eq!(account["public_uuid"], PLACEHOLDER_UUID);
        // What is there stays; what is missing inside it is added.
        let mut given = json!({"id": 5, "alias": {"display_name": "Chloé"}});
        filler.item("Payment", Some("Payment"), &mut given);
        assert_eq!((given["id"].clone(), given["alias"]["display_name"].clone()), (json!(5), json!("Chloé")));
        assert_eq!(given["alias"]["country"], "NL");
    }
}
