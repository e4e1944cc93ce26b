//! Write shapes: what a client sends where bunq's document refers to an object it answers with.
//!
//! The rules, applied at every depth of a request body:
//! - a party's label (`LabelMonetaryAccount`, `LabelUser`) is what bunq reports; a client names
//!   the party by its alias, a `Pointer` (bunq's SDK types those parameters as `Pointer`);
//! - an object whose write side differs from its read side (bunq marks fields of it, or of an
//!   object in it, read-only or write-only) is sent as its own shape, named like a create body:
//!   `New<Schema>` (`NewDraftPaymentEntry`), with the read-only fields dropped, the write-only ones
//!   kept, and the fields bunq needs required. A batch's items are so their create bodies
//!   (`NewPayment`, `NewRequestInquiry`);
//! - any other object (`Amount`), and one whose `New<Schema>` would be the name `request_names`
//!   gives another schema's body, is one type for both directions, and so is `Pointer` itself:
//!   the alias a client names a party with is the one bunq reports (its write-only `service`,
//!   for external accounts, is not carried).

use super::{Body, Builder, SCHEMAS};
use crate::json::Pointer;
use serde_json::Value;

/// The labels bunq reports a party with, which a client replaces by a `Pointer`.
const LABELS: [&str; 2] = ["LabelMonetaryAccount", "LabelUser"];

impl Builder<'_> {
    /// The schema a request refers to for bunq's `target`: `None` where it is the one read back.
    pub(super) fn write_shape(&mut self, target: &str, at: &Pointer) -> Result<Option<String>, String> {
        if LABELS.contains(&target) {
            self.enqueue("Pointer");
            return Ok(Some("Pointer".to_owned()));
        }
        if target == "Pointer" || !self.differs(target) {
            return Ok(None);
        }
        // A shape never takes the name another schema's body is given (`request_names`): it stays
        // the type read back.
        let name = format!("New{target}");
        let named = |(schema, entry): (&String, &Value)| {
            schema != target && entry.get("name").and_then(Value::as_str) == Some(name.as_str())
        };
        if self.exceptions.request_names.iter().any(named) {
            self.notes.push(format!("`{target}` is sent as it is read: `{name}` names another body"));
            return Ok(None);
        }
        self.request(target, Body::New, at).map(Some)
    }

    /// Whether bunq's schema `name` is written differently than it is read (memoised; a schema
    /// that contains itself counts as the same until shown otherwise).
    fn differs(&mut self, name: &str) -> bool {
        if let Some(&known) = self.differs.get(name) {
            return known;
        }
        self.differs.insert(name.to_owned(), false);
        let Ok((source, _)) = self.source_schema(name) else { return false };
        let properties = source.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        let answer = properties.values().any(|property| {
            let flag = |key: &str| property.get(key).and_then(Value::as_bool) == Some(true);
            flag("readOnly")
                || flag("writeOnly")
                || refs(property).iter().any(|target| LABELS.contains(&target.as_str()) || self.differs(target))
        });
        self.differs.insert(name.to_owned(), answer);
        answer
    }
}

/// The schemas a property refers to, directly or as list items.
fn refs(property: &Value) -> Vec<String> {
    let own = property.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(SCHEMAS));
    let items = property.get("items").map(refs).unwrap_or_default();
    own.map(str::to_owned).into_iter().chain(items).collect()
}

#[cfg(test)]
mod tests {
    use super::super::super::{Exceptions, Input};
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_are_written_as_their_write_shapes() {
        let refer = |name: &str| json!({ "$ref": format!("{SCHEMAS}{name}") });
        let upstream = json!({ "components": { "schemas": {
            "Draft": { "type": "object", "required": ["entries"], "properties": {
                "entries": { "type": "array", "items": refer("DraftEntry") },
                "note": { "type": "string" },
                "id": { "type": "integer", "readOnly": true },
            } },
            "DraftEntry": { "type": "object", "properties": {
                "id": { "type": "integer", "readOnly": true },
                "amount": refer("Amount"),
                "counterparty_alias": refer("LabelMonetaryAccount"),
            } },
            "Amount": { "type": "object", "properties": { "value": { "type": "string" } } },
            "LabelMonetaryAccount": { "type": "object", "properties": { "iban": { "type": "string", "readOnly": true } } },
            "Pointer": { "type": "object", "properties": {
                "type": { "type": "string" }, "service": { "type": "string", "writeOnly": true },
            } },
        } } });
        let facts = Input::parse("facts", "{}").unwrap();
        let exceptions = Exceptions::read(&Input::parse("exceptions", "{}").unwrap()).unwrap();
        let mut builder = Builder::new(&upstream, &facts, &exceptions);
        builder.require_on_create("Draft", ["note".to_owned(), "absent".to_owned()]);
        assert_eq!(builder.request("Draft", Body::New, &Pointer::root()).unwrap(), "NewDraft");
        let draft = &builder.out["NewDraft"];
        // Required by the document and by the SDK's facts; a fact the body has no field for is noted.
        assert_eq!(draft["required"], json!(["entries", "note"]));
        assert!(builder.notes.iter().any(|n| n.contains("`absent`")), "{:?}", builder.notes);
        assert_eq!(draft["properties"]["entries"]["items"], refer("NewDraftEntry"));
        assert!(draft["properties"].get("id").is_none());
        // The entry drops its read-only id, keeps Amount as it is and names its counterparty by a Pointer.
        let entry = &builder.out["NewDraftEntry"]["properties"];
        assert_eq!(entry.as_object().unwrap().keys().collect::<Vec<_>>(), ["amount", "counterparty_alias"]);
        assert_eq!((&entry["amount"], &entry["counterparty_alias"]), (&refer("Amount"), &refer("Pointer")));
        assert!(!builder.out.contains_key("NewAmount") && !builder.out.contains_key("NewPointer"));
        // An update's fields stay optional; its nested objects are the same write shapes.
        assert_eq!(builder.request("Draft", Body::Update, &Pointer::root()).unwrap(), "DraftUpdate");
        assert!(builder.out["DraftUpdate"].get("required").is_none());
        assert_eq!(builder.out["DraftUpdate"]["properties"]["entries"]["items"], refer("NewDraftEntry"));
    }

    #[test]
    fn a_shape_does_not_take_the_name_of_another_body() {
        let refer = |name: &str| json!({ "$ref": format!("{SCHEMAS}{name}") });
        let upstream = json!({ "components": { "schemas": {
            "FilterSet": { "type": "object", "properties": { "filters": { "type": "array", "items": refer("Filter") } } },
            "Filter": { "type": "object", "properties": {
                "category": { "type": "string" }, "id": { "type": "integer", "readOnly": true },
            } },
        } } });
        let facts = Input::parse("facts", "{}").unwrap();
        let config =
            json!({ "request_names": { "FilterSet": { "name": "NewFilter", "$why": "one name across editions" } } });
        let exceptions = Exceptions::read(&Input::parse("exceptions", &config.to_string()).unwrap()).unwrap();
        let mut builder = Builder::new(&upstream, &facts, &exceptions);
        assert_eq!(builder.request("FilterSet", Body::New, &Pointer::root()).unwrap(), "NewFilter");
        assert_eq!(builder.out["NewFilter"]["properties"]["filters"]["items"], refer("Filter"));
        assert!(builder.notes.iter().any(|n| n.contains("`NewFilter` names another body")), "{:?}", builder.notes);
    }
}
