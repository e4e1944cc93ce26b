//! bunq's envelopes around wire objects: `{"Response": [{"<Type>": {…}}, …]}`, with
//! `Pagination` on listings and `{"Id": {"id": …}}` for what a create made.

use bunq_api::types::Pagination;
use serde_json::{Value, json};

/// One item per object, each under its wire type name.
pub(crate) fn items(key: &str, objects: impl IntoIterator<Item = Value>) -> Value {
    let response: Vec<Value> = objects.into_iter().map(|object| json!({ key: object })).collect();
    json!({ "Response": response })
}

/// A listing: the page's items and the links to its neighbours.
pub(crate) fn listing(key: &str, objects: impl IntoIterator<Item = Value>, pagination: &Pagination) -> Value {
    let mut envelope = items(key, objects);
    envelope["Pagination"] = json!(pagination);
    envelope
}

/// A listing whose items each name their own type (`MonetaryAccountBank`, `UserPerson`, …).
pub(crate) fn mixed_listing<K: AsRef<str>>(
    objects: impl IntoIterator<Item = (K, Value)>,
    pagination: &Pagination,
) -> Value {
    let response: Vec<Value> = objects.into_iter().map(|(key, object)| json!({ key.as_ref(): object })).collect();
    json!({ "Response": response, "Pagination": pagination })
}

/// What a create answers: the new object's id.
pub(crate) fn id(id: i64) -> Value {
    json!({ "Response": [{ "Id": { "id": id } }] })
}

/// What a delete answers.
pub(crate) fn empty() -> Value {
    json!({ "Response": [] })
}
