//! Runs a routed call: the path's ids checked, the body checked against its schema, then the
//! hand-written handler where money or access is involved, else the generic rule; every JSON
//! answer completed field by field and written as bunq writes JSON; then the callbacks the
//! call set off are queued.

use super::access::Caller;
use super::call::{Call, Failure, Output, Reply};
use super::deliver::Delivery;
use super::events::{self, Event};
use super::spec::{self, Body, Operation, Segment};
use super::{
    Shared, accounts, cards, context_calls, drafts, exports, fill, generic, lock, ownership, payments, requests,
};
use super::{media, oauth, psd2, router, schedules, shares, tabs, validate, views};
use http::Method;
use serde_json::{Value, json};

/// Runs the call and makes its answer.
pub(crate) fn dispatch(shared: &Shared, call: &Call) -> Reply {
    // An OAuth session acts for its granting user, or is answered (or refused) here.
    let (ids, acting);
    let call = match oauth::on_behalf(shared, call) {
        Ok(oauth::Acting::Own) => call,
        Ok(oauth::Acting::Answer(output)) => return reply(call, Ok(output)),
        Ok(oauth::Acting::For { caller, ids: granting }) => {
            ids = granting;
            acting = Call { caller: Some(caller), ids: &ids, ..*call };
            &acting
        }
        Err(failure) => return failure.into(),
    };
    let result = run(shared, call);
    if call.operation.method != Method::GET.as_str() {
        let answer = match &result {
            Ok(Output::Json(answer)) => Some(answer),
            _ => None,
        };
        notify(shared, call, answer);
    }
    reply(call, result)
}

/// The answer on the wire.
fn reply(call: &Call, result: Result<Output, Failure>) -> Reply {
    match result {
        Ok(Output::Json(mut value)) => {
            complete(call.operation, &mut value);
            Reply::json(200, &value)
        }
        Ok(Output::File(bytes)) => Reply::file(bytes),
        Err(failure) => failure.into(),
    }
}

/// Every field of every item of an answer of `operation`.
fn complete(operation: &Operation, answer: &mut Value) {
    fill::envelope(spec::get(), operation, answer);
}

fn run(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    ownership::check(&lock(&shared.world), call)?;
    if let Body::Json(schema) = &call.operation.body {
        let body = call.value()?;
        validate::validate(spec::get(), schema, &body).map_err(|problem| Failure::new(400, problem.message))?;
        if events::is_url_filter(call)
            && let Some(refusal) = events::refused_target(&body)
        {
            return Err(Failure::new(400, refusal));
        }
    }
    if let Some(answer) = oauth::manage_clients(shared, call) {
        return answer;
    }
    if is_account_path(call) {
        return accounts::handle(shared, call);
    }
    match call.op() {
        "create_installation" => context_calls::create_installation(shared, call),
        "list_installations" => context_calls::list_installations(call),
        "get_installation" => context_calls::get_installation(call),
        "list_server_public_keys" => context_calls::list_server_public_keys(shared, call),
        "create_device_server" => context_calls::create_device_server(shared, call),
        "list_device_servers" | "list_devices" => context_calls::list_device_servers(shared, call),
        "get_device_server" | "get_device" => context_calls::get_device_server(shared, call),
        "create_session_server" => context_calls::create_session_server(shared, call),
        "delete_session" => context_calls::delete_session(shared, call),
        "create_sandbox_user_person" => Ok(context_calls::create_sandbox_user(shared, false)),
        "create_sandbox_user_company" => Ok(context_calls::create_sandbox_user(shared, true)),
        "list_users" => context_calls::list_users(shared, call),
        "get_user" | "get_user_person" | "get_user_company" | "get_user_payment_service_provider" => {
            context_calls::get_user(shared, call)
        }
        "update_user_person" | "update_user_company" => context_calls::update_user(shared, call),
        "create_payment_service_provider_credential" => psd2::create_credential(shared, call),
        "create_payment" => payments::create_payment(shared, call),
        "list_payments" => payments::list_payments(shared, call),
        "get_payment" => payments::get_payment(shared, call),
        "create_payment_batch" => payments::create_payment_batch(shared, call),
        "list_payment_batches" => payments::list_payment_batches(shared, call),
        "get_payment_batch" => payments::get_payment_batch(shared, call),
        "create_request_inquiry" => requests::create_request_inquiry(shared, call),
        "list_request_inquiries" => requests::list_request_inquiries(shared, call),
        "get_request_inquiry" => requests::get_request_inquiry(shared, call),
        "update_request_inquiry" => requests::update_request_inquiry(shared, call),
        "update_request_response" => requests::update_request_response(shared, call),
        "create_draft_payment" => drafts::create_draft_payment(shared, call),
        "update_draft_payment" => drafts::update_draft_payment(shared, call),
        "create_bunqme_tab" => tabs::create_bunqme_tab(shared, call),
        "create_schedule_payment" => schedules::create_schedule_payment(shared, call),
        "create_customer_statement" | "create_export_rib" => exports::create_export(shared, call),
        "create_request_inquiry_batch" => requests::create_request_inquiry_batch(shared, call),
        "list_monetary_account_schedules" => views::list_schedules(shared, call),
        "list_events" => views::list_events(shared, call),
        "list_card_names" => views::list_card_names(shared, call),
        "list_credential_password_ips" => views::list_credentials(shared, call),
        "create_card_batch" => cards::create_card_batch(shared, call),
        "create_avatar" => media::create_avatar(shared, call),
        "create_share_invite_monetary_account_inquiry" => shares::create_inquiry(shared, call),
        "update_share_invite_monetary_account_response" => shares::update_response(shared, call),
        op if op.starts_with("create_") && op.ends_with("_note_attachment") && call.ids.len() >= 3 => {
            media::create_note_attachment(shared, call)
        }
        _ => generic::handle(&mut lock(&shared.world), call),
    }
}

/// `user/{}/monetary-account…` with at most an account id after it: the accounts themselves.
fn is_account_path(call: &Call) -> bool {
    match call.operation.segments.as_slice() {
        [Segment::Literal(user), Segment::Id { .. }, Segment::Literal(kind), rest @ ..] => {
            user == "user" && kind.starts_with("monetary-account") && matches!(rest, [] | [Segment::Id { .. }])
        }
        _ => false,
    }
}

/// Queues a callback for each event of the call (its own object, and every payment it booked)
/// to each target subscribed to the event's category.
fn notify(shared: &Shared, call: &Call, answer: Option<&Value>) {
    let pending: Vec<(Event, Vec<String>)> = {
        let mut world = lock(&shared.world);
        let bookings = world.bank.take_bookings();
        let mut happened: Vec<Event> = bookings.into_iter().flat_map(|b| events::of_booking(&world, b)).collect();
        happened.extend(answer.and_then(|answer| events::of_call(call, answer)));
        happened
            .into_iter()
            .map(|event| {
                let targets = events::targets(&world, &event);
                (event, targets)
            })
            .filter(|(_, targets)| !targets.is_empty())
            .collect()
    };
    for (mut event, targets) in pending {
        let Some((key, object)) = read_object(shared, call, &event) else { continue };
        if event.event_type.ends_with('_') {
            event.event_type.push_str(object.get("status").and_then(Value::as_str).unwrap_or("UPDATED"));
        }
        for target in targets {
            let payload = json!({ "NotificationUrl": {
                "target_url": target,
                "category": event.category,
                "event_type": event.event_type,
                "object": { key.as_str(): object },
            } });
            if let Ok(body) = bunq_protocol::json::to_vec(&payload) {
                shared.outbox.send(Delivery { target, body });
            }
        }
    }
}

/// The event's object as its owner's session reads it: its wire type and fields.
fn read_object(shared: &Shared, call: &Call, event: &Event) -> Option<(String, Value)> {
    let route = router::resolve(&Method::GET, &event.read_path).ok()?;
    let read = Call {
        operation: route.operation,
        ids: &route.ids,
        path: &event.read_path,
        query: None,
        body: b"",
        headers: call.headers,
        caller: Some(Caller::Session { session: 0, installation: 0, user: event.user }),
        ip: call.ip,
    };
    let Ok(Output::Json(mut envelope)) = run(shared, &read) else { return None };
    complete(route.operation, &mut envelope);
    let item = envelope.pointer_mut("/Response/0")?.as_object_mut()?;
    let key = item.keys().next()?.clone();
    let object = item.remove(&key)?;
    Some((key, object))
}
