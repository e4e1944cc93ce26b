//! Requests for money: request-inquiries (sugardaddy pays up to 500 EUR at once; a sandbox
//! user asked gets a PENDING request-response on their account), their listing, revoking one,
//! and answering a request-response: `ACCEPTED` pays it, `REJECTED` declines; the inquiry's
//! status follows.

use super::bank::{Inquiry, Order};
use super::call::{Call, Failure, Output};
use super::payments::cents;
use super::router::PathId;
use super::store::{Place, Stored};
use super::{Counters, Shared, World, generic, listing, lock, render, wire};
use bunq_api::api::types;
use serde_json::{Map, Value, json};
use std::time::SystemTime;

/// Where a user's request-responses live.
const RESPONSES: &str = "user/{}/monetary-account/{}/request-response";

/// `POST …/request-inquiry`.
pub(crate) fn create_request_inquiry(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let order = request_order(call.json()?, "")?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let id = world.bank.request(&mut world.ids, user, call.id(1), order, now)?;
    let inquiry = world.bank.inquiry(call.id(1), id)?;
    if inquiry.payer.is_some() {
        open_response(world, id, now);
    }
    Ok(Output::Json(wire::id(id)))
}

/// What a request-inquiry asks for; `field` prefixes the names in messages (`request_inquiries[0].`).
fn request_order(request: types::NewRequestInquiry, field: &str) -> Result<Order, Failure> {
    Ok(Order {
        amount: cents(&request.amount_inquired, &format!("{field}amount_inquired"))?,
        currency: request.amount_inquired.currency,
        to: request.counterparty_alias,
        description: request.description,
        merchant_reference: request.merchant_reference,
    })
}

/// Puts a PENDING request-response for inquiry `id` on the account asked to pay.
fn open_response(world: &mut World, id: i64, now: SystemTime) {
    let Some((inquiry, requester)) =
        world.bank.inquiry_by_id(id).map(|i| (i.clone(), world.bank.party_of(i.account_id)))
    else {
        return;
    };
    let Some(payer) = inquiry.payer else { return };
    let Some(owner) = world.bank.owner_of(payer) else { return };
    let (response_id, stamp) = (world.ids.next(), render::timestamp(now));
    let mut fields = Map::new();
    fields.insert("id".into(), json!(response_id));
    fields.insert("created".into(), json!(stamp));
    fields.insert("updated".into(), json!(stamp));
    fields.insert("monetary_account_id".into(), json!(payer));
    fields.insert("amount_inquired".into(), render::amount(inquiry.amount, &inquiry.currency));
    fields.insert("counterparty_alias".into(), render::label(&requester));
    fields.insert("alias".into(), render::label(&world.bank.party_of(payer)));
    fields.insert("description".into(), json!(inquiry.description));
    fields.insert("status".into(), json!("PENDING"));
    fields.insert("type".into(), json!("INTERNAL"));
    fields.insert("sub_type".into(), json!("NONE"));
    world.store.insert(Stored {
        id: response_id,
        uuid: generic::new_uuid(),
        place: Place { collection: RESPONSES.to_owned(), parents: vec![PathId::Int(owner), PathId::Int(payer)] },
        owner: Some(owner),
        key: "RequestResponse".to_owned(),
        fields,
        private: json!({ "inquiry": id }),
        bytes: None,
    });
}

/// `GET …/request-inquiry/{id}`.
pub(crate) fn get_request_inquiry(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let request_inquiry = render::inquiry(world.bank.inquiry(account.id, call.id(2))?);
    Ok(Output::Json(wire::items("RequestInquiry", [request_inquiry])))
}

/// `GET …/request-inquiry`.
pub(crate) fn list_request_inquiries(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let page = call.page()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let inquiries =
        world.bank.inquiries_of(account).into_iter().map(|i: &Inquiry| (i.id, render::inquiry(i))).collect();
    let (items, pagination) = listing::paginate(&page, inquiries, call.path);
    Ok(Output::Json(wire::listing("RequestInquiry", items, &pagination)))
}

/// `PUT …/request-inquiry/{id}`: `status: REVOKED` withdraws a pending request.
pub(crate) fn update_request_inquiry(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let body = call.value()?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let (account, id) = (call.id(1), call.id(2));
    world.bank.account(user, account)?;
    world.bank.inquiry(account, id)?;
    match body.get("status").and_then(Value::as_str) {
        None => {}
        Some("REVOKED") => {
            world.bank.revoke(account, id, now)?;
            settle_response(world, id, "REVOKED", None, now);
        }
        Some(other) => {
            return Err(Failure::new(490, format!("A request can only be REVOKED by its sender, not {other}.")));
        }
    }
    let inquiry = render::inquiry(world.bank.inquiry(account, id)?);
    Ok(Output::Json(wire::items("RequestInquiry", [inquiry])))
}

/// `PUT …/request-response/{id}`: `ACCEPTED` pays the request, `REJECTED` declines it.
pub(crate) fn update_request_response(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let response = generic::find(world, call)?;
    let inquiry = response.private.get("inquiry").and_then(Value::as_i64).unwrap_or(-1);
    let accept = match body.get("status").and_then(Value::as_str) {
        Some("ACCEPTED") => true,
        Some("REJECTED") => false,
        Some(other) => {
            return Err(Failure::new(490, format!("Answer a request with ACCEPTED or REJECTED, not {other}.")));
        }
        None => return Err(Failure::new(400, "status is required: ACCEPTED or REJECTED.")),
    };
    let payment = world.bank.respond(&mut world.ids, inquiry, call.id(1), accept, now)?;
    if payment.is_some() {
        Counters::bump(&shared.counters.payments, 1);
    }
    let status = if accept { "ACCEPTED" } else { "REJECTED" };
    settle_response(world, inquiry, status, payment, now);
    let response = generic::find(world, call)?;
    Ok(Output::Json(generic::answer(call.operation, response)))
}

/// Gives the request-response of inquiry `inquiry` its final status.
fn settle_response(world: &mut World, inquiry: i64, status: &str, payment: Option<i64>, now: SystemTime) {
    let Some(payer) = world.bank.inquiry_by_id(inquiry).and_then(|i| i.payer) else { return };
    let Some(owner) = world.bank.owner_of(payer) else { return };
    let place = Place { collection: RESPONSES.to_owned(), parents: vec![PathId::Int(owner), PathId::Int(payer)] };
    let found = world.store.list(&place).into_iter().find(|o| o.private.get("inquiry") == Some(&json!(inquiry)));
    let Some(id) = found.map(|o| o.id) else { return };
    let amount = world.bank.inquiry_by_id(inquiry).map(|i| render::amount(i.amount, &i.currency));
    if let Some(response) = world.store.by_id_mut(id) {
        let stamp = json!(render::timestamp(now));
        response.fields.insert("status".into(), json!(status));
        response.fields.insert("time_responded".into(), stamp.clone());
        response.fields.insert("updated".into(), stamp);
        if let (Some(amount), Some(_)) = (amount, payment) {
            response.fields.insert("amount_responded".into(), amount);
        }
    }
}

/// `POST …/request-inquiry-batch`: every request of the batch, made like `POST …/request-inquiry`
/// (all checked first: all or none), kept with the batch.
pub(crate) fn create_request_inquiry_batch(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let body = call.value()?;
    let items = body.get("request_inquiries").and_then(Value::as_array).cloned().unwrap_or_default();
    if items.is_empty() {
        return Err(Failure::new(490, "A request-inquiry batch holds at least one request in request_inquiries."));
    }
    let mut orders = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let field = format!("request_inquiries[{index}]");
        let request: types::NewRequestInquiry = serde_json::from_value(item)
            .map_err(|e| Failure::new(400, format!("{field} is not a request-inquiry: {e}.")))?;
        orders.push(request_order(request, &format!("{field}."))?);
    }
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    for (index, order) in orders.iter().enumerate() {
        world.bank.check_payment(user, call.id(1), order).map_err(|e| {
            let failure = Failure::from(e);
            Failure::new(failure.status, format!("request_inquiries[{index}]: {}", failure.message))
        })?;
    }
    let mut shown = Vec::with_capacity(orders.len());
    for order in orders {
        let id = world.bank.request(&mut world.ids, user, call.id(1), order, now)?;
        let inquiry = world.bank.inquiry(call.id(1), id)?;
        let payer = inquiry.payer;
        shown.push(render::inquiry(inquiry));
        if payer.is_some() {
            open_response(world, id, now);
        }
    }
    let mut given = Map::new();
    given.insert("request_inquiries".into(), Value::Array(shown));
    given.insert("total_amount_inquired".into(), body.get("total_amount_inquired").cloned().unwrap_or(Value::Null));
    let id = generic::create_object(world, call, &given, now);
    let batch = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new batch is gone."))?;
    Ok(Output::Json(generic::answer(call.operation, batch)))
}
