//! A request body checked against its schema: required fields, JSON types (nested objects and
//! arrays included), the values `x-bunq-values` allows, and money amounts. Fields the schema
//! does not know are ignored, as bunq does.

use super::spec::{Spec, ref_name};
use serde_json::Value;

/// Why a body was refused: the field (`amount.value`, `entries[0].amount`) and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Checks `body` against the schema `name`.
pub(crate) fn validate(spec: &Spec, name: &str, body: &Value) -> Result<(), Problem> {
    match spec.schema(name) {
        Some(schema) => check(spec, schema, Some(name), body, ""),
        None => Ok(()),
    }
}

/// Whether `value` fits a schema (a property's, e.g.), by the same rules.
pub(crate) fn fits(spec: &Spec, schema: &Value, value: &Value) -> bool {
    value.is_null() || check(spec, schema, None, value, "").is_ok()
}

/// Whether `text` is a decimal amount: an optional minus, 1 to 12 digits, and at most two decimals.
pub(crate) fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (units, fraction) = match digits.split_once('.') {
        Some((units, fraction)) => (units, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (1..=12).contains(&units.len())
        && all_digits(units)
        && fraction.is_none_or(|f| (1..=2).contains(&f.len()) && all_digits(f))
}

fn refuse(field: &str, message: String) -> Result<(), Problem> {
    Err(Problem { field: field.to_owned(), message })
}

/// The name a field goes by in messages.
fn shown(field: &str) -> &str {
    if field.is_empty() { "The body" } else { field }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn check(spec: &Spec, schema: &Value, name: Option<&str>, value: &Value, field: &str) -> Result<(), Problem> {
    if let Some(target) = ref_name(schema) {
        if spec.is_polymorphic(target) {
            return Ok(());
        }
        let resolved = spec.schema(target).unwrap_or(&Value::Null);
        return check(spec, resolved, Some(target), value, field);
    }
    if name == Some("Amount") {
        return check_amount(value, field);
    }
    let expected = schema.get("type").and_then(Value::as_str);
    match (expected, value) {
        (None, _) => Ok(()),
        (Some("object"), Value::Object(object)) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let Some(required) = required.as_str() else { continue };
                if object.get(required).is_none_or(Value::is_null) {
                    let path = join(field, required);
                    return refuse(&path, format!("{path} is required."));
                }
            }
            for (key, item) in object {
                let Some(property) = properties.and_then(|p| p.get(key)) else { continue };
                if item.is_null() {
                    continue;
                }
                check(spec, property, None, item, &join(field, key))?;
            }
            Ok(())
        }
        (Some("array"), Value::Array(items)) => {
            let each = schema.get("items").unwrap_or(&Value::Null);
            for (index, item) in items.iter().enumerate() {
                check(spec, each, None, item, &format!("{field}[{index}]"))?;
            }
            Ok(())
        }
        (Some("string"), Value::String(text)) => {
            let allowed = schema.get("x-bunq-values").and_then(Value::as_array);
            match allowed {
                Some(allowed) if !allowed.iter().any(|a| a.as_str() == Some(text)) => {
                    let list: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                    refuse(field, format!("{} must be one of {}, not {text:?}.", shown(field), list.join(", ")))
                }
                _ => Ok(()),
            }
        }
        (Some("integer"), Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
        (Some("number"), Value::Number(_)) | (Some("boolean"), Value::Bool(_)) => Ok(()),
        (Some(expected), other) => {
            let wanted = match expected {
                "object" => "an object",
                "array" => "a list",
                "string" => "a string",
                "integer" => "a whole number",
                "number" => "a number",
                "boolean" => "true or false",
                _ => "something else",
            };
            refuse(field, format!("{} must be {wanted}, not {}.", shown(field), kind_of(other)))
        }
    }
}

/// `{"value": "12.50", "currency": "EUR"}`.
fn check_amount(value: &Value, field: &str) -> Result<(), Problem> {
    let Value::Object(amount) = value else {
        return refuse(
            field,
            format!("{} must be an amount like {{\"value\": \"12.50\", \"currency\": \"EUR\"}}.", shown(field)),
        );
    };
    match amount.get("value") {
        Some(Value::String(text)) if is_decimal(text) => {}
        Some(Value::String(text)) => {
            let path = join(field, "value");
            return refuse(
                &path,
                format!("{path} must be a decimal with at most two decimals, like \"12.50\", not {text:?}."),
            );
        }
        Some(other) if !other.is_null() => {
            let path = join(field, "value");
            return refuse(&path, format!("{path} must be a string like \"12.50\", not {}.", kind_of(other)));
        }
        _ => {
            let path = join(field, "value");
            return refuse(&path, format!("{path} is required."));
        }
    }
    match amount.get("currency") {
        Some(Value::String(code)) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) => Ok(()),
        Some(Value::String(code)) => {
            let path = join(field, "currency");
            refuse(&path, format!("{path} must be a currency code like \"EUR\", not {code:?}."))
        }
        _ => {
            let path = join(field, "currency");
            refuse(&path, format!("{path} is required."))
        }
    }
}

fn join(field: &str, key: &str) -> String {
    if field.is_empty() { key.to_owned() } else { format!("{field}.{key}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;
    use serde_json::json;

    fn check(name: &str, body: Value) -> Result<(), String> {
        validate(spec::get(), name, &body).map_err(|p| p.field)
    }

    #[test]
    fn good_bodies_pass() {
        let payment = json!({"amount": {"value": "12.50", "currency": "EUR"},
            "counterparty_alias": {"type": "EMAIL", "value": "a@b.c"}, "description": "x", "unknown": [1]});
        assert_eq!(check("NewPayment", payment), Ok(()));
        assert_eq!(check("NewMonetaryAccountSavings", json!({"currency": "EUR", "status": "ACTIVE"})), Ok(()));
        assert_eq!(check("NewExportRib", json!({})), Ok(()));
    }

    #[test]
    fn bad_bodies_name_the_field() {
        let amount = |value: Value| json!({"amount": value, "counterparty_alias": {"type": "EMAIL", "value": "a"}, "description": "x"});
        assert_eq!(check("NewPayment", json!([])), Err("".into()));
        assert_eq!(
            check("NewPayment", json!({"amount": {"value": "1.00", "currency": "EUR"}})),
            Err("counterparty_alias".into())
        );
        assert_eq!(
            check("NewPayment", amount(json!({"value": "1.005", "currency": "EUR"}))),
            Err("amount.value".into())
        );
        assert_eq!(check("NewPayment", amount(json!({"value": 1, "currency": "EUR"}))), Err("amount.value".into()));
        assert_eq!(
            check("NewPayment", amount(json!({"value": "1", "currency": "euro"}))),
            Err("amount.currency".into())
        );
        assert_eq!(check("NewPayment", amount(json!("1.00"))), Err("amount".into()));
        let batch = json!({"payments": [{"amount": {"value": "1.00", "currency": "EUR"}, "counterparty_alias": {"type": "EMAIL"}, "description": "x"}]});
        assert_eq!(check("NewPaymentBatch", batch), Err("payments[0].counterparty_alias.value".into()));
        assert_eq!(
            check("NewMonetaryAccountSavings", json!({"currency": "EUR", "status": "OPEN"})),
            Err("status".into())
        );
        assert_eq!(
            check("NewDraftPayment", json!({"entries": [], "number_of_required_accepts": 1.5})),
            Err("number_of_required_accepts".into())
        );
    }

    #[test]
    fn required_fields_and_write_shapes_are_the_spec_s() {
        // bunq's SDK makes a savings account's create take its currency.
        assert_eq!(check("NewMonetaryAccountSavings", json!({"description": "rainy day"})), Err("currency".into()));
        let entry = |entry: Value| json!({"entries": [entry], "number_of_required_accepts": 1});
        let to = json!({"type": "IBAN", "value": "NL91ABNA0417164300", "name": "Elsewhere"});
        let amount = json!({"value": "1.00", "currency": "EUR"});
        assert_eq!(check("NewDraftPayment", entry(json!({"amount": amount, "counterparty_alias": to}))), Ok(()));
        assert_eq!(check("NewDraftPayment", entry(json!({"counterparty_alias": to}))), Err("entries[0].amount".into()));
        // A draft's counterparty is a pointer, not the label bunq answers with.
        let label = json!({"iban": "NL91ABNA0417164300", "display_name": "Elsewhere"});
        assert_eq!(
            check("NewDraftPayment", entry(json!({"amount": amount, "counterparty_alias": label}))),
            Err("entries[0].counterparty_alias.type".into())
        );
    }

    #[test]
    fn decimals() {
        for good in ["0", "0.5", "12.50", "-3.00", "999999999999.99"] {
            assert!(is_decimal(good), "{good}");
        }
        for bad in ["", ".5", "1.", "1.234", "1e3", "+1", "1,00", " 1", "9999999999999", "--1", "-"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }
}
