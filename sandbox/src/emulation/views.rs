//! Listings bunq derives from other objects, shown from the state that holds them: an account's
//! schedules (from its scheduled payments, with the payment each made once it made one), the user's event feed (from the payments on the
//! user's accounts), the names a card can carry (the user's own), and the user's credentials
//! (one per device registered with an API key; the key itself is not shown).

use super::call::{Call, Failure, Output};
use super::router::PathId;
use super::store::Place;
use super::{Shared, listing, lock, render, wire};
use serde_json::{Value, json};

/// `GET …/monetary-account/{id}/schedule`: each scheduled payment's schedule and payment.
pub(crate) fn list_schedules(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let (user, account) = (call.path_user()?, call.id(1));
    let world = lock(&shared.world);
    let place = Place {
        collection: "user/{}/monetary-account/{}/schedule-payment".to_owned(),
        parents: vec![PathId::Int(user), PathId::Int(account)],
    };
    let schedules = world.store.list(&place).into_iter().map(|stored| {
        let mut schedule = stored.fields.get("schedule").cloned().unwrap_or_else(|| json!({}));
        if let Value::Object(fields) = &mut schedule {
            fields.insert("status".to_owned(), stored.fields.get("status").cloned().unwrap_or(Value::Null));
            // The payment it made, once it made one.
            let paid = stored.private.get("payment").and_then(Value::as_i64);
            let paid = paid.and_then(|id| world.bank.payment(account, id).ok()).map(render::payment);
            fields.insert("object".to_owned(), paid.map_or(Value::Null, |payment| json!({ "Payment": payment })));
        }
        (stored.id, schedule)
    });
    let (items, pagination) = listing::paginate(&call.page()?, schedules.collect(), call.path);
    Ok(Output::Json(wire::listing("Schedule", items, &pagination)))
}

/// `GET /user/{id}/event`: one `CREATE` event per payment on the user's accounts, newest first.
pub(crate) fn list_events(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let mut events = Vec::new();
    for account in world.bank.accounts_of(user) {
        for payment in world.bank.payments_of(account) {
            let created = render::timestamp(payment.created);
            let event = json!({
                "id": payment.id,
                "created": created,
                "updated": created,
                "action": "CREATE",
                "user_id": user.to_string(),
                "monetary_account_id": account.id.to_string(),
                "object": { "Payment": render::payment(payment) },
                "status": "FINALIZED",
            });
            events.push((payment.id, event));
        }
    }
    let (items, pagination) = listing::paginate(&call.page()?, events, call.path);
    Ok(Output::Json(wire::listing("Event", items, &pagination)))
}

/// `GET /user/{id}/card-name`: the names a card of the user can carry.
pub(crate) fn list_card_names(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let user = world.bank.user(user).ok_or_else(|| Failure::not_found("user"))?;
    let names = json!({ "possible_card_name_array": [user.display_name()] });
    let (items, pagination) = listing::paginate(&call.page()?, vec![(user.id, names)], call.path);
    Ok(Output::Json(wire::listing("CardUserNameArray", items, &pagination)))
}

/// `GET /user/{id}/credential-password-ip`: a credential per device registered with an API key
/// of the user, with the device it permits.
pub(crate) fn list_credentials(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let credentials = world.access.devices_of(user).into_iter().map(|device| {
        let created = render::timestamp(device.created);
        let credential = json!({
            "id": device.id,
            "created": created,
            "updated": created,
            "status": "ACTIVE",
            "permitted_device": { "description": device.description, "ip": device.ip },
        });
        (device.id, credential)
    });
    let (items, pagination) = listing::paginate(&call.page()?, credentials.collect(), call.path);
    Ok(Output::Json(wire::listing("CredentialPasswordIp", items, &pagination)))
}
