//! Draft payments: created PENDING (no money moves); accepting one through the API
//! (`PUT …/draft-payment/{id}` with `status: ACCEPTED`) books its payments once, all or none;
//! `REJECTED` or `CANCELLED` drop it.

use super::bank::Order;
use super::call::{Call, Failure, Output};
use super::payments::order_of;
use super::{Counters, Shared, World, generic, lock, render};
use serde_json::{Map, Value, json};
use std::time::SystemTime;

/// The payments a draft's entries stand for, each checked against the account (not its balance).
fn orders(world: &World, call: &Call, entries: &[Value]) -> Result<Vec<Order>, Failure> {
    if entries.is_empty() {
        return Err(Failure::new(490, "A draft payment holds at least one payment in entries."));
    }
    let (user, account) = (call.id(0), call.id(1));
    let mut orders = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let order = order_of(entry, &format!("entries[{index}]"))?;
        world.bank.check_payment(user, account, &order).map_err(|e| {
            let failure = Failure::from(e);
            Failure::new(failure.status, format!("entries[{index}]: {}", failure.message))
        })?;
        orders.push(order);
    }
    Ok(orders)
}

/// The entries as the draft shows them.
fn shown_entries(world: &mut World, account: i64, entries: &[Value]) -> Vec<Value> {
    let own = render::label(&world.bank.party_of(account));
    entries
        .iter()
        .map(|entry| {
            let alias = entry.get("counterparty_alias").cloned().unwrap_or_default();
            let name = alias.get("name").or(alias.get("display_name")).cloned().unwrap_or(json!(""));
            let iban = alias.get("iban").cloned().or_else(|| {
                (alias.get("type").and_then(Value::as_str) == Some("IBAN")).then(|| alias["value"].clone())
            });
            json!({
                "id": world.ids.next(),
                "amount": entry.get("amount"),
                "alias": own,
                "counterparty_alias": { "iban": iban, "display_name": name },
                "description": entry.get("description").cloned().unwrap_or(json!("")),
                "merchant_reference": entry.get("merchant_reference"),
                "type": "BUNQ",
            })
        })
        .collect()
}

/// `POST …/draft-payment`.
pub(crate) fn create_draft_payment(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let entries = body.get("entries").and_then(Value::as_array).cloned().unwrap_or_default();
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    orders(world, call, &entries)?;
    let mut given = body.as_object().cloned().unwrap_or_default();
    given.insert("entries".into(), Value::Array(shown_entries(world, call.id(1), &entries)));
    given.insert("status".into(), json!("PENDING"));
    given.insert("type".into(), json!("DRAFT_PAYMENT"));
    let label = render::label(&world.bank.party_of(call.id(1)));
    given.insert("user_alias_created".into(), label["label_user"].clone());
    let id = generic::create_object(world, call, &given, now);
    if let Some(draft) = world.store.by_id_mut(id) {
        draft.private = json!({ "entries": entries });
    }
    let draft = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new draft is gone."))?;
    Ok(Output::Json(generic::answer(call.operation, draft)))
}

/// `PUT …/draft-payment/{id}`.
pub(crate) fn update_draft_payment(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let draft = generic::find(world, call)?;
    let current = draft.fields.get("status").and_then(Value::as_str).unwrap_or("PENDING").to_owned();
    let mut entries = draft.private.get("entries").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut given: Map<String, Value> = body.as_object().cloned().unwrap_or_default();
    if current != "PENDING" {
        return Err(Failure::new(490, format!("The draft payment is {} already.", current.to_ascii_lowercase())));
    }
    if let Some(new_entries) = given.get("entries").and_then(Value::as_array).cloned() {
        orders(world, call, &new_entries)?;
        given.insert("entries".into(), Value::Array(shown_entries(world, call.id(1), &new_entries)));
        entries = new_entries;
    }
    match given.get("status").and_then(Value::as_str) {
        Some("ACCEPTED") => {
            let mut orders = orders(world, call, &entries)?;
            let count = orders.len() as u64;
            let (user, account) = (call.id(0), call.id(1));
            if orders.len() == 1 {
                let order = orders.remove(0);
                world.bank.pay(&mut world.ids, user, account, order, now)?;
            } else {
                world.bank.pay_batch(&mut world.ids, user, account, orders, now)?;
            }
            Counters::bump(&shared.counters.payments, count);
        }
        None | Some("PENDING") | Some("REJECTED") | Some("CANCELLED") => {}
        Some(other) => {
            return Err(Failure::new(490, format!("A draft payment is ACCEPTED, REJECTED or CANCELLED, not {other}.")));
        }
    }
    generic::update_object(world, call, &given, now)?;
    if let Some(draft) = call.last_id().and_then(|id| id.int()).and_then(|id| world.store.by_id_mut(id)) {
        draft.private = json!({ "entries": entries });
    }
    let draft = generic::find(world, call)?;
    Ok(Output::Json(generic::answer(call.operation, draft)))
}
