//! Statement exports (`customer-statement`, `export-rib`): created ready, readable, listable,
//! deletable; their `…/content` answers a small document (the generic rule).

use super::call::{Call, Failure, Output};
use super::{Shared, generic, lock, render};
use serde_json::json;
use std::time::SystemTime;

/// `POST …/customer-statement` and `POST …/export-rib`.
pub(crate) fn create_export(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let label = render::label(&world.bank.party_of(call.id(1)));
    let place = generic::place(call);
    let number = world.store.list(&place).len() + 1;
    let mut given = body.as_object().cloned().unwrap_or_default();
    given.insert("status".into(), json!("DONE"));
    given.insert("alias_monetary_account".into(), label);
    given.insert("statement_number".into(), json!(number));
    let id = generic::create_object(world, call, &given, now);
    let export = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new export is gone."))?;
    Ok(Output::Json(generic::answer(call.operation, export)))
}
