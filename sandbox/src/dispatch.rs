//! Runs a routed call: the path's ids checked, the body checked against its schema, then the
//! hand-written handler where money or access is involved, else the generic rule; every JSON
//! answer completed field by field and written as bunq writes JSON.

use super::call::{Call, Failure, Output, Reply};
use super::fill::Filler;
use super::spec::{self, Body, Segment};
use super::{Shared, accounts, context_calls, drafts, exports, generic, lock, ownership, payments, render, requests};
use super::{oauth, schedules, tabs, validate};
use std::time::SystemTime;

/// Runs the call and makes its answer.
pub(crate) fn dispatch(shared: &Shared, call: &Call) -> Reply {
    match oauth::on_behalf(shared, call).and_then(|acting| acting.run(call, |call| run(shared, call))) {
        Ok(Output::Json(mut value)) => {
            let now = render::timestamp(SystemTime::now());
            Filler::new(spec::get(), &now).envelope(call.operation, &mut value);
            Reply::json(200, &value)
        }
        Ok(Output::File(bytes)) => Reply::file(bytes),
        Err(failure) => failure.into(),
    }
}

fn run(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    ownership::check(&lock(&shared.world), call)?;
    if let Body::Json(schema) = &call.operation.body {
        let body = call.value()?;
        validate::validate(spec::get(), schema, &body).map_err(|problem| Failure::new(400, problem.message))?;
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
