//! Objects by state, fields by fact: every item the sandbox answers carries every field bunq's
//! wire carries for its type (the read schema's fields and the wire facts'), with the value the
//! sandbox's state gave it; where the state has nothing, `[]` for a list and `null` for anything
//! else, as bunq's recorded objects show (`"monetary_account_profile": null`,
//! `"notification_filters": []`), and `null` for the few lists bunq's recordings only ever show as
//! `null` (the wire facts' `"empty": "null"`: a request response's `attachment`). Nothing is made up here: no nested objects, UUIDs, IBANs,
//! amounts or names. This is the one place that decides what a field the state is silent
//! about holds.

use super::spec::{Operation, Spec};
use serde_json::{Value, json};

/// Completes every item of an answer of `operation` (`{"Response": [{"Payment": {…}}, …]}`).
pub(crate) fn envelope(spec: &Spec, operation: &Operation, envelope: &mut Value) {
    let Some(items) = envelope.get_mut("Response").and_then(Value::as_array_mut) else { return };
    for item in items {
        let Some(item) = item.as_object_mut() else { continue };
        for (key, object) in item.iter_mut() {
            let schema = operation.variant(key).map(|v| v.schema.as_str());
            self::item(spec, key, schema, object);
        }
    }
}

/// Completes one wire object of type `key` (read schema `schema`): each field of the schema and
/// of the wire facts that the state did not give is added as nothing (`[]` or `null`).
pub(crate) fn item(spec: &Spec, key: &str, schema: Option<&str>, object: &mut Value) {
    let Value::Object(fields) = object else { return };
    let facts = spec.facts(key);
    // A list bunq sends as `null` when it holds nothing (its recordings say so: `"empty": "null"`).
    let null_when_empty = |name: &str| {
        facts.and_then(|f| f.get(name)).and_then(|f| f.get("empty")).and_then(Value::as_str) == Some("null")
    };
    let properties = schema.and_then(|name| spec.schema(name)).and_then(|s| s.get("properties"));
    for (name, property) in properties.and_then(Value::as_object).into_iter().flatten() {
        if !fields.contains_key(name) {
            let list = spec.resolve(property).get("type").and_then(Value::as_str) == Some("array");
            fields.insert(name.clone(), nothing(list && !null_when_empty(name)));
        }
    }
    for (name, fact) in facts.into_iter().flatten() {
        if !fields.contains_key(name) {
            let list = fact.get("type").and_then(Value::as_str).is_some_and(|t| t.starts_with("array"));
            fields.insert(name.clone(), nothing(list && !null_when_empty(name)));
        }
    }
}

/// What a field holds when the state has nothing for it: `[]` for a list bunq sends empty, else `null`.
fn nothing(empty_list: bool) -> Value {
    if empty_list { json!([]) } else { Value::Null }
}

/// A whole object of a schema from nothing: every field empty.
#[cfg(test)]
pub(crate) fn empty(spec: &Spec, key: &str, schema: &str) -> serde_json::Map<String, Value> {
    let mut object = Value::Object(serde_json::Map::new());
    item(spec, key, Some(schema), &mut object);
    match object {
        Value::Object(fields) => fields,
        _ => serde_json::Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;

    /// Every wire item type of the spec, completed from nothing, has every field of its
    /// schema and of its wire facts.
    #[test]
    fn every_item_type_is_complete() {
        let spec = spec::get();
        for operation in &spec.operations {
            for variant in operation.variants() {
                let object = empty(spec, &variant.key, &variant.schema);
                let schema = spec.schema(&variant.schema).unwrap();
                let fields = schema.get("properties").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k);
                let facts = spec.facts(&variant.key).into_iter().flatten().map(|(k, _)| k);
                for field in fields.chain(facts) {
                    assert!(object.get(field).is_some(), "{} lacks {field}", variant.key);
                }
            }
        }
    }

    /// Where the state has nothing, a field is `null`, or `[]` for a list: never a made-up value.
    #[test]
    fn nothing_is_invented() {
        let spec = spec::get();
        let account = empty(spec, "MonetaryAccountBank", "MonetaryAccountBank");
        assert_eq!(account["monetary_account_profile"], Value::Null);
        assert_eq!(account["setting"], Value::Null);
        assert_eq!(account["avatar"], Value::Null);
        assert_eq!(account["public_uuid"], Value::Null);
        assert_eq!(account["notification_filters"], json!([]));
        assert_eq!(account["alias"], json!([]));
        for (field, value) in empty(spec, "Payment", "Payment") {
            assert!(value.is_null() || value == json!([]), "Payment.{field} is {value}");
        }
        // What is there stays as it is, nested objects included.
        let mut given = json!({"id": 5, "alias": {"display_name": "Chloé"}});
        item(spec, "Payment", Some("Payment"), &mut given);
        assert_eq!(given["id"], 5);
        assert_eq!(given["alias"], json!({"display_name": "Chloé"}));
        assert_eq!(given["counterparty_alias"], Value::Null);
    }
}
