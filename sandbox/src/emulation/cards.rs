//! Card batches (`POST /user/{id}/card-batch`): each entry changes the user's card with its `id`
//! like `PUT /user/{id}/card/{id}` would; the answer lists the cards changed. All or none: an
//! entry naming a card the user does not have changes nothing.

use super::call::{Call, Failure, Output};
use super::router::PathId;
use super::store::Place;
use super::{Shared, generic, lock, render, wire};
use serde_json::{Value, json};
use std::time::SystemTime;

/// `POST /user/{id}/card-batch`.
pub(crate) fn create_card_batch(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let body = call.value()?;
    let entries = body.get("cards").and_then(Value::as_array).cloned().unwrap_or_default();
    let place = Place { collection: "user/{}/card".to_owned(), parents: vec![PathId::Int(user)] };
    let resource = generic::resource(&place.collection);
    let mut world = lock(&shared.world);
    let mut changes = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let id = entry.get("id").and_then(Value::as_i64);
        let card = id.and_then(|id| world.store.get(&place, &PathId::Int(id))).filter(|c| generic::visible(c, call));
        let card = card.ok_or_else(|| Failure::new(404, format!("cards[{index}]: no such card for this user.")))?;
        let given = entry.as_object().cloned().unwrap_or_default();
        changes.push((card.id, generic::mapped(resource, &given)));
    }
    let stamp = json!(render::timestamp(SystemTime::now()));
    let mut updated = Vec::with_capacity(changes.len());
    for (id, fields) in changes {
        if let Some(card) = world.store.by_id_mut(id) {
            card.fields.extend(fields.into_iter().filter(|(field, _)| field != "id" && field != "created"));
            card.fields.insert("updated".to_owned(), stamp.clone());
            updated.push(json!({ "id": id }));
        }
    }
    Ok(Output::Json(wire::items("CardBatch", [json!({ "updated_card_ids": updated })])))
}
