//! Handlers of the context calls: installation, device-server, session-server, session, users,
//! and the sandbox's own user factory.

use super::access::Caller;
use super::call::{Call, Failure, Output};
use super::{Counters, Shared, generic, listing, lock, render, wire};
use bunq_api::api::types;
use bunq_protocol::keys::{KeyError, MIN_KEY_BITS, PublicKey};
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime};

/// A new user with an empty EUR account; returns its API key.
pub(crate) fn create_user(shared: &Shared, company: bool) -> String {
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let user = world.bank.create_user(&mut world.ids, shared.settings.session_timeout, company, SystemTime::now());
    world.access.issue_api_key(user)
}

/// `POST /sandbox-user-person` and `POST /sandbox-user-company`.
pub(crate) fn create_sandbox_user(shared: &Shared, company: bool) -> Output {
    let api_key = create_user(shared, company);
    Output::Json(wire::items("ApiKey", [json!({ "api_key": api_key })]))
}

/// A token object: id, timestamps and the token itself.
fn token(id: i64, at: SystemTime, token: &str) -> Value {
    let created = render::timestamp(at);
    json!({ "id": id, "created": created, "updated": created, "token": token })
}

/// `POST /installation`.
pub(crate) fn create_installation(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body: types::NewInstallation = call.json()?;
    let key = PublicKey::from_pem(&body.client_public_key).map_err(|e| match e {
        KeyError::TooSmall(bits) => {
            Failure::new(400, format!("The client public key has {bits} bits; at least {MIN_KEY_BITS} are needed."))
        }
        _ => Failure::new(400, "client_public_key is not an RSA public key in PEM (BEGIN PUBLIC KEY)."),
    })?;
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let token_id = world.ids.next();
    let installation = world.access.install(&mut world.ids, key, body.client_public_key, now);
    Counters::bump(&shared.counters.installations, 1);
    Ok(Output::Json(json!({
        "Response": [
            { "Id": { "id": installation.id } },
            { "Token": token(token_id, installation.created, &installation.token) },
            { "ServerPublicKey": { "server_public_key": shared.server_public_pem } },
        ],
    })))
}

/// `GET /installation`: the caller's installation.
pub(crate) fn list_installations(call: &Call) -> Result<Output, Failure> {
    let installation = call.installation()?;
    let (items, pagination) = listing::paginate(&call.page()?, vec![(installation, installation)], call.path);
    let ids = items.into_iter().map(|id| json!({ "id": id }));
    Ok(Output::Json(wire::listing("Id", ids, &pagination)))
}

/// The path's installation id, which must be the caller's.
fn own_installation(call: &Call) -> Result<i64, Failure> {
    let installation = call.installation()?;
    if call.id(0) == installation { Ok(installation) } else { Err(Failure::new(404, "No such installation.")) }
}

/// `GET /installation/{id}`.
pub(crate) fn get_installation(call: &Call) -> Result<Output, Failure> {
    let installation = own_installation(call)?;
    Ok(Output::Json(wire::id(installation)))
}

/// `GET /installation/{id}/server-public-key`.
pub(crate) fn list_server_public_keys(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    own_installation(call)?;
    let key = json!({ "server_public_key": shared.server_public_pem });
    let (keys, pagination) = listing::paginate(&call.page()?, vec![(0, key)], call.path);
    Ok(Output::Json(wire::listing("ServerPublicKey", keys, &pagination)))
}

/// `POST /device-server`.
pub(crate) fn create_device_server(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let installation = call.installation()?;
    let body: types::NewDeviceServer = call.json()?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let now = SystemTime::now();
    let before = world.access.device_count();
    let id = world
        .access
        .register_device(&mut world.ids, installation, &body.secret, body.description, body.permitted_ips, call.ip, now)
        .map_err(|m| Failure::new(400, m))?;
    if world.access.device_count() > before {
        Counters::bump(&shared.counters.devices, 1);
    }
    Ok(Output::Json(wire::id(id)))
}

/// `GET /device-server` (and `GET /device`): the devices of the session's user.
pub(crate) fn list_device_servers(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.session_user()?;
    let world = lock(&shared.world);
    let devices = world.access.devices_of(user).into_iter().map(|d| (d.id, render::device(d))).collect();
    let (items, pagination) = listing::paginate(&call.page()?, devices, call.path);
    Ok(Output::Json(wire::listing("DeviceServer", items, &pagination)))
}

/// `GET /device-server/{id}` (and `GET /device/{id}`).
pub(crate) fn get_device_server(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.session_user()?;
    let world = lock(&shared.world);
    let device = world.access.devices_of(user).into_iter().find(|d| d.id == call.id(0));
    let device = device.ok_or_else(|| Failure::not_found("device"))?;
    Ok(Output::Json(wire::items("DeviceServer", [render::device(device)])))
}

/// `POST /session-server`.
pub(crate) fn create_session_server(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let installation = call.installation()?;
    let body: types::NewSessionServer = call.json()?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let user_id = world.access.device_user(installation, &body.secret).map_err(|m| Failure::new(400, m))?;
    let user = world.bank.user(user_id).ok_or_else(|| Failure::new(400, "The API key's user is gone."))?;
    let timeout = Duration::from_secs(user.session_timeout);
    let (key, object) = (render::user_key(user), render::user(user, &world.bank));
    let session = world.access.open_session(&mut world.ids, installation, user_id, timeout, Instant::now());
    let token_id = world.ids.next();
    Counters::bump(&shared.counters.sessions_opened, 1);
    Ok(Output::Json(json!({
        "Response": [
            { "Id": { "id": session.id } },
            { "Token": token(token_id, SystemTime::now(), &session.token) },
            { key: object },
        ],
    })))
}

/// `DELETE /session/{id}` (`0`: the caller's session).
pub(crate) fn delete_session(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let caller = call.caller.filter(|c| matches!(c, Caller::Session { .. }));
    let caller = caller.ok_or_else(|| Failure::new(401, "This call needs a session token."))?;
    if !lock(&shared.world).access.close_session(caller, call.id(0)) {
        return Err(Failure::new(404, "No such open session for this user."));
    }
    Ok(Output::Json(wire::empty()))
}

/// The session's user as its wire type and object.
fn session_user(shared: &Shared, user: i64) -> Result<(&'static str, Value), Failure> {
    let world = lock(&shared.world);
    let user = world.bank.user(user).ok_or_else(|| Failure::new(404, "No such user."))?;
    Ok((render::user_key(user), render::user(user, &world.bank)))
}

/// `GET /user`.
pub(crate) fn list_users(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.session_user()?;
    let (response, pagination) = listing::paginate(&call.page()?, vec![(user, session_user(shared, user)?)], call.path);
    Ok(Output::Json(wire::mixed_listing(response, &pagination)))
}

/// `GET /user/{id}`, and `GET /user-person/{id}` (or `-company`, …) when the user is of that kind.
pub(crate) fn get_user(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let (key, user) = session_user(shared, call.path_user()?)?;
    if call.operation.variant(key).is_none() {
        return Err(Failure::new(404, format!("The user is a {key}, not what this path reads.")));
    }
    Ok(Output::Json(wire::items(key, [user])))
}

/// `PUT /user-person/{id}` (or `-company`): the fields given that the user's type has.
pub(crate) fn update_user(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user_id = call.path_user()?;
    let given = call.value()?;
    let mut world = lock(&shared.world);
    let user = world.bank.user_mut(user_id).ok_or_else(|| Failure::new(404, "No such user."))?;
    let key = render::user_key(user);
    if !call.operation.path.starts_with(if user.company { "/user-company" } else { "/user-person" }) {
        return Err(Failure::new(404, format!("The user is a {key}, not what this path changes.")));
    }
    let resource = generic::Resource { key: Some(key.to_owned()), schema: Some(key.to_owned()), set_field: None };
    let given = generic::mapped(&resource, given.as_object().unwrap_or(&Default::default()));
    // What the sandbox keeps itself (names, aliases, session) is not changed this way.
    for (field, value) in given {
        if !matches!(field.as_str(), "id" | "created" | "updated" | "alias" | "session_timeout" | "public_uuid") {
            user.extra.insert(field, value);
        }
    }
    user.updated = SystemTime::now();
    Ok(Output::Json(wire::id(user_id)))
}
