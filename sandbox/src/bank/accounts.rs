//! Monetary accounts: `GET /user/{id}/monetary-account` lists every kind, each as its own wire
//! type; `…/monetary-account-bank`, `…-savings`, `…-joint`, … list, read, open (with a new IBAN)
//! and change (description, daily limit, status — `CANCELLED` closes an empty account) their
//! own kind.

use super::bank::{Account, AccountChange, User};
use super::call::{Call, Failure, Output};
use super::money;
use super::router::PathId;
use super::spec::Verb;
use super::store::Place;
use super::{Shared, World, generic, listing, lock, render, wire};
use serde_json::{Map, Value, json};
use std::time::SystemTime;

/// Fields of an account the sandbox keeps itself.
const MANAGED: [&str; 11] = [
    "id",
    "created",
    "updated",
    "balance",
    "alias",
    "currency",
    "description",
    "daily_limit",
    "status",
    "user_id",
    "public_uuid",
];

/// Runs any operation on `user/{id}/monetary-account…[/{id}]`.
pub(crate) fn handle(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user_id = call.path_user()?;
    // `None`: every kind (`…/monetary-account`).
    let kind = generic::resource(&call.operation.collection()).key.as_deref();
    let now = SystemTime::now();
    match call.operation.verb {
        Verb::List => {
            let page = call.page()?;
            let world = lock(&shared.world);
            let user = world.bank.user(user_id).ok_or_else(|| Failure::not_found("user"))?;
            let accounts = world.bank.accounts_of(user_id).into_iter().filter(|a| kind.is_none_or(|k| a.kind == k));
            let items = accounts.map(|a| (a.id, (a.kind.clone(), shown(&world, a, user)))).collect();
            let (mut items, pagination) = listing::paginate(&page, items, call.path);
            // bunq lists a user's accounts oldest first (see the README's sandbox section).
            items.reverse();
            Ok(Output::Json(wire::mixed_listing(items, &pagination)))
        }
        Verb::Get => {
            let world = lock(&shared.world);
            let account = world.bank.account(user_id, call.id(1))?;
            if kind.is_some_and(|k| account.kind != k) {
                return Err(Failure::not_found("monetary account of this kind"));
            }
            let user = world.bank.user(user_id).ok_or_else(|| Failure::not_found("user"))?;
            Ok(Output::Json(wire::items(&account.kind, [shown(&world, account, user)])))
        }
        Verb::Create => {
            let kind =
                kind.ok_or_else(|| Failure::new(405, "Open an account of a kind, e.g. monetary-account-bank."))?;
            let change = change(kind, &call.value()?)?;
            let mut world = lock(&shared.world);
            let world = &mut *world;
            let id = world.bank.open_account(&mut world.ids, user_id, kind, change, now)?;
            Ok(Output::Json(wire::id(id)))
        }
        Verb::Update => {
            let mut world = lock(&shared.world);
            let account = world.bank.account(user_id, call.id(1))?;
            let kind = kind.unwrap_or(&account.kind).to_owned();
            if account.kind != kind {
                return Err(Failure::not_found("monetary account of this kind"));
            }
            let change = change(&kind, &call.value()?)?;
            world.bank.change_account(user_id, call.id(1), change, now)?;
            Ok(Output::Json(wire::id(call.id(1))))
        }
        Verb::Delete => Err(Failure::new(405, "Accounts are closed with status CANCELLED, not deleted.")),
    }
}

/// An account as its owner reads it: the avatar it was given, if any, as `POST /avatar` made it.
fn shown(world: &World, account: &Account, user: &User) -> Value {
    let mut object = render::account(account, user);
    let avatar = account.avatar_uuid.as_ref().and_then(|uuid| {
        let place = Place { collection: "avatar".to_owned(), parents: Vec::new() };
        world.store.get(&place, &PathId::Text(uuid.clone()))
    });
    if let Some(avatar) = avatar {
        let mut shown = avatar.fields.clone();
        shown.insert("anchor_uuid".to_owned(), json!(account.public_uuid));
        object["avatar"] = Value::Object(shown);
    }
    object
}

/// What a create or update body asks of an account of `kind`.
fn change(kind: &str, body: &Value) -> Result<AccountChange, Failure> {
    let empty = Map::new();
    let body = body.as_object().unwrap_or(&empty);
    let text = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_owned);
    let daily_limit = match body.get("daily_limit").and_then(|a| a.get("value")).and_then(Value::as_str) {
        Some(value) => match money::parse_signed(value) {
            Some(cents) if cents >= 0 => Some(cents),
            _ => return Err(Failure::new(490, "daily_limit must not be negative.")),
        },
        None => None,
    };
    let resource = generic::Resource { key: Some(kind.to_owned()), schema: Some(kind.to_owned()), set_field: None };
    let mut extra = generic::mapped(&resource, body);
    extra.retain(|field, _| !MANAGED.contains(&field.as_str()));
    Ok(AccountChange {
        currency: text("currency"),
        description: text("description"),
        daily_limit,
        status: text("status"),
        avatar_uuid: text("avatar_uuid"),
        extra,
    })
}
