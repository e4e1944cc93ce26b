//! Sharing an account: a share invite (`…/share-invite-monetary-account-inquiry`) to another
//! sandbox user puts a PENDING `ShareInviteMonetaryAccountResponse` under that user; their
//! answer (`PUT /user/{id}/share-invite-monetary-account-response/{id}`) sets the invite's status.

use super::call::{Call, Failure, Output};
use super::router::PathId;
use super::store::{Place, Stored};
use super::{Shared, generic, lock, render};
use bunq_api::api::types::Pointer;
use serde_json::{Value, json};
use std::time::SystemTime;

/// Where a user's answers to invites live.
const RESPONSES: &str = "user/{}/share-invite-monetary-account-response";

/// `POST …/share-invite-monetary-account-inquiry`.
pub(crate) fn create_inquiry(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let (user, account) = (call.path_user()?, call.id(1));
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let pointer = body.get("counter_user_alias").cloned().and_then(|p| serde_json::from_value::<Pointer>(p).ok());
    let other = pointer.as_ref().and_then(|p| world.bank.user_by_alias(p)).filter(|other| *other != user);
    let other =
        other.ok_or_else(|| Failure::new(490, "Invite another sandbox user by their email or phone number."))?;
    let mut given = body.as_object().cloned().unwrap_or_default();
    let own = render::label(&world.bank.party_of(account));
    let (me, them) = (world.bank.user(user), world.bank.user(other));
    given.insert("counter_user_alias".into(), them.map(render::label_user).unwrap_or_default());
    given.insert("user_alias_created".into(), me.map(render::label_user).unwrap_or_default());
    given.insert("alias".into(), own.clone());
    let id = generic::create_object(world, call, &given, now);
    // Waiting for the answer, as bunq's recorded invites show (the document lists final states only).
    if let Some(inquiry) = world.store.by_id_mut(id) {
        inquiry.fields.insert("status".into(), json!("PENDING"));
    }
    let description = world.bank.account(user, account).map(|a| a.description.clone()).unwrap_or_default();
    let stamp = render::timestamp(now);
    let response_id = world.ids.next();
    let field = |name: &str| body.get(name).cloned().unwrap_or(Value::Null);
    let fields = json!({
        "id": response_id,
        "created": stamp,
        "updated": stamp,
        "counter_alias": own,
        "description": description,
        "share_detail": field("share_detail"),
        "share_type": field("share_type"),
        "access_type": field("access_type"),
        "start_date": field("start_date"),
        "end_date": field("end_date"),
        "status": "PENDING",
    });
    world.store.insert(Stored {
        id: response_id,
        uuid: generic::new_uuid(),
        place: Place { collection: RESPONSES.to_owned(), parents: vec![PathId::Int(other)] },
        owner: Some(other),
        key: "ShareInviteMonetaryAccountResponse".to_owned(),
        fields: fields.as_object().cloned().unwrap_or_default(),
        private: json!({ "inquiry": id, "account": account }),
        bytes: None,
    });
    let inquiry = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new invite is gone."))?;
    Ok(Output::Json(generic::answer(call.operation, inquiry)))
}

/// `PUT /user/{id}/share-invite-monetary-account-response/{id}`: the answer, which the invite
/// then shows (`ACCEPTED` once answered `ACCEPTED` or `ACTIVE`).
pub(crate) fn update_response(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let given = body.as_object().cloned().unwrap_or_default();
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let response = generic::update_object(world, call, &given, now)?;
    let (inquiry, account) = (response.private.get("inquiry"), response.private.get("account"));
    let (inquiry, account) = (inquiry.and_then(Value::as_i64), account.and_then(Value::as_i64).unwrap_or(-1));
    let response_id = response.id;
    let status = match body.get("status").and_then(Value::as_str) {
        Some("ACCEPTED" | "ACTIVE") => Some("ACCEPTED"),
        Some(other) => Some(other),
        None => None,
    };
    if let (Some(status), Some(inquiry)) = (status, inquiry.and_then(|id| world.store.by_id_mut(id))) {
        inquiry.fields.insert("status".into(), json!(status));
        inquiry.fields.insert("updated".into(), json!(render::timestamp(now)));
    }
    if status == Some("ACCEPTED")
        && let Some(response) = world.store.by_id_mut(response_id)
    {
        response.fields.insert("monetary_account_id".into(), json!(account));
    }
    let response = generic::find(world, call)?;
    Ok(Output::Json(generic::answer(call.operation, response)))
}
