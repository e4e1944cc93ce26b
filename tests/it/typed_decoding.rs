//! Every generated answer type decodes a sample built from its schema in spec/bunq.json: once with
//! every field filled (every variant of a polymorphic item, one element in every list), once with
//! the required fields alone, and once with every other field `null` (bunq writes empty lists and
//! absent objects as `null`). The samples are built here from the document, independently of the
//! sandbox's own filling.

use serde_json::{Map, Value, json};

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/bunq.json")).expect("spec");
    serde_json::from_str(&text).expect("spec is JSON")
}

/// How much of a sample is there.
#[derive(Clone, Copy, PartialEq)]
enum Fill {
    /// Every field, every list with one element.
    Full,
    /// The required fields alone.
    Minimal,
    /// The required fields, and every other field `null`.
    Nulls,
}

/// A sample of `schema`.
fn sample(spec: &Value, schema: &Value, fill: Fill, depth: usize) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let target = spec.pointer(reference.trim_start_matches('#')).expect("references resolve");
        // Deep enough: a recursive type ends in its smallest form.
        let fill = if fill == Fill::Full && depth >= 6 { Fill::Minimal } else { fill };
        return sample(spec, target, fill, depth + 1);
    }
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        return sample(spec, &variants[0], fill, depth);
    }
    let full = fill == Fill::Full;
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!("text"),
        Some("integer") => json!(7),
        Some("number") => json!(7.5),
        Some("boolean") => json!(true),
        Some("array") if full => json!([sample(spec, &schema["items"], fill, depth + 1)]),
        Some("array") => json!([]),
        Some("object") | None => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut object = Map::new();
            for (field, inner) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if full || required.contains(&field.as_str()) {
                    object.insert(field.clone(), sample(spec, inner, fill, depth + 1));
                } else if fill == Fill::Nulls {
                    object.insert(field.clone(), Value::Null);
                }
            }
            Value::Object(object)
        }
        Some(other) => panic!("a schema of type {other}"),
    }
}

/// An envelope with one item per variant of its item type.
fn envelope_samples(spec: &Value, envelope: &Value, fill: Fill) -> Value {
    let full = fill == Fill::Full;
    let mut answer = sample(spec, envelope, fill, 0);
    let item_ref = envelope.pointer("/properties/Response/items/$ref").and_then(Value::as_str).expect("an envelope");
    let item = spec.pointer(item_ref.trim_start_matches('#')).expect("item");
    let variants: Vec<Value> = match item.get("oneOf").and_then(Value::as_array) {
        Some(variants) => variants.iter().map(|v| sample(spec, v, fill, 1)).collect(),
        None => vec![sample(spec, item, fill, 1)],
    };
    answer["Response"] = Value::Array(if full { variants } else { variants.into_iter().take(1).collect() });
    answer
}

#[test]
fn every_answer_type_decodes_full_minimal_and_null_samples() {
    let spec = spec();
    let (mut operations, mut files) = (0, 0);
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            let Some(reference) = operation.pointer("/responses/200/content/application~1json/schema/$ref") else {
                files += 1;
                assert!(bunq_api::api::decode_answer(id, b"").is_none(), "{id} answers a file");
                continue;
            };
            let envelope = spec.pointer(reference.as_str().unwrap().trim_start_matches('#')).unwrap();
            for fill in [Fill::Full, Fill::Minimal, Fill::Nulls] {
                let body = serde_json::to_vec(&envelope_samples(&spec, envelope, fill)).unwrap();
                let decoded = bunq_api::api::decode_answer(id, &body).expect("an envelope operation");
                if let Err(e) = decoded {
                    let fill = ["full", "minimal", "nulls"][fill as usize];
                    panic!("{method} {path} ({id}, {fill}): {e}\n{}", String::from_utf8_lossy(&body));
                }
            }
            operations += 1;
        }
    }
    println!("answers decoded, full, minimal and null: {operations} operations; {files} answer files");
    assert!(operations + files >= 480, "the whole document");
}

#[test]
fn a_wrong_sample_is_refused() {
    // The check can fail: an id that is text is not a PaymentId.
    let body = br#"{"Response":[{"Payment":{"id":"seven"}}]}"#;
    assert!(bunq_api::api::decode_answer("get_payment", body).unwrap().is_err());
    assert!(bunq_api::api::decode_answer("no_such_operation", body).is_none());
}
