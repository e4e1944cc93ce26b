//! bunq.me tabs: created with a share URL and the account's label, readable and listable,
//! cancelled with `PUT …/bunqme-tab/{id}` and `status: CANCELLED` (the generic update).

use super::call::{Call, Failure, Output};
use super::{Shared, generic, lock, render};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

/// How long a tab can be paid.
const LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// `POST …/bunqme-tab`.
pub(crate) fn create_bunqme_tab(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let label = render::label(&world.bank.party_of(call.id(1)));
    let mut given = body.as_object().cloned().unwrap_or_default();
    given.insert("status".into(), json!("WAITING_FOR_PAYMENT"));
    let id = generic::create_object(world, call, &given, now);
    let tab = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new tab is gone."))?;
    let uuid = tab.uuid.clone();
    tab.fields.insert("bunqme_tab_share_url".into(), json!(format!("https://bunq.me/t/{uuid}")));
    tab.fields.insert("alias_monetary_account".into(), label.clone());
    tab.fields.insert("time_expiry".into(), json!(render::timestamp(now + LIFETIME)));
    tab.fields.insert("type".into(), json!("BUNQ_ME"));
    if let Some(Value::Object(entry)) = tab.fields.get_mut("bunqme_tab_entry") {
        entry.insert("uuid".into(), json!(uuid));
        entry.insert("alias".into(), label);
        entry.insert("status".into(), json!("WAITING_FOR_PAYMENT"));
    }
    Ok(Output::Json(generic::answer(call.operation, tab)))
}
