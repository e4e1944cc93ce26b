//! Handlers of the context calls: installation, device-server, session-server, session, users,
//! and the sandbox's own user factory.

use super::access::Caller;
use super::routes::{Call, Failure, Reply};
use super::{Counters, Shared, listing, lock, render};
use bunq_api::api::types;
use bunq_protocol::keys::{KeyError, MIN_KEY_BITS, PublicKey};
use std::time::{Duration, Instant, SystemTime};

/// A new user with an empty EUR account; returns its API key.
pub(crate) fn create_user(shared: &Shared) -> String {
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let user = world.bank.create_user(&mut world.ids, shared.settings.session_timeout, SystemTime::now());
    world.access.issue_api_key(user)
}

/// `POST /sandbox-user-person`.
pub(crate) fn create_sandbox_user_person(shared: &Shared) -> Reply {
    let api_key = create_user(shared);
    Reply::json(&types::SandboxUserPersonCreated {
        response: vec![types::SandboxApiKeyItem { api_key: types::SandboxApiKey { api_key } }],
    })
}

/// `POST /installation`.
pub(crate) fn create_installation(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
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
    let installation = world.access.install(&mut world.ids, key, now);
    Counters::bump(&shared.counters.installations, 1);
    let created = Some(render::timestamp(installation.created));
    Ok(Reply::json(&types::CreateInstallationResponse {
        response: vec![
            types::InstallationItem::Id(types::InstallationIdObject { id: installation.id.into() }),
            types::InstallationItem::Token(types::InstallationToken {
                id: Some(token_id),
                created: created.clone(),
                updated: created,
                token: installation.token.clone(),
            }),
            types::InstallationItem::ServerPublicKey(types::InstallationServerPublicKey {
                server_public_key: shared.server_public_pem.clone(),
            }),
        ],
    }))
}

fn installation_item(id: i64) -> types::InstallationIdItem {
    types::InstallationIdItem { id: types::InstallationIdObject { id: id.into() } }
}

/// `GET /installation`: the caller's installation.
pub(crate) fn list_installations(call: &Call) -> Result<Reply, Failure> {
    let installation = call.installation()?;
    let (items, pagination) = listing::paginate(&call.page()?, vec![(installation, installation)], call.path);
    let response = items.into_iter().map(installation_item).collect();
    Ok(Reply::json(&types::InstallationIdListing { response, pagination: Some(pagination) }))
}

/// The path's installation id, which must be the caller's.
fn own_installation(call: &Call) -> Result<i64, Failure> {
    let installation = call.installation()?;
    if call.id(0) == installation { Ok(installation) } else { Err(Failure::new(404, "No such installation.")) }
}

/// `GET /installation/{id}`.
pub(crate) fn get_installation(call: &Call) -> Result<Reply, Failure> {
    let installation = own_installation(call)?;
    Ok(Reply::json(&types::InstallationIdResponse { response: vec![installation_item(installation)] }))
}

/// `GET /installation/{id}/server-public-key`.
pub(crate) fn list_server_public_keys(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    own_installation(call)?;
    let key = types::InstallationServerPublicKey { server_public_key: shared.server_public_pem.clone() };
    Ok(Reply::json(&types::ServerPublicKeyListing {
        response: vec![types::ServerPublicKeyItem { server_public_key: key }],
    }))
}

/// `POST /device-server`.
pub(crate) fn create_device_server(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let installation = call.installation()?;
    let body: types::NewDeviceServer = call.json()?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let now = SystemTime::now();
    let id = world
        .access
        .register_device(&mut world.ids, installation, &body.secret, body.description, body.permitted_ips, call.ip, now)
        .map_err(|m| Failure::new(400, m))?;
    Ok(Reply::json(&types::DeviceServerCreated {
        response: vec![types::DeviceServerIdItem { id: types::DeviceServerIdObject { id: id.into() } }],
    }))
}

/// `GET /device-server`: the devices of the session's user.
pub(crate) fn list_device_servers(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.session_user()?;
    let world = lock(&shared.world);
    let devices = world.access.devices_of(user).into_iter().map(|d| (d.id, render::device(d))).collect();
    let (items, pagination) = listing::paginate(&call.page()?, devices, call.path);
    let response = items.into_iter().map(|device_server| types::DeviceServerItem { device_server }).collect();
    Ok(Reply::json(&types::DeviceServerListing { response, pagination: Some(pagination) }))
}

/// `GET /device-server/{id}`.
pub(crate) fn get_device_server(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.session_user()?;
    let world = lock(&shared.world);
    let device = world.access.devices_of(user).into_iter().find(|d| d.id == call.id(0));
    let device = device.ok_or_else(|| Failure::new(404, "No such device for this user."))?;
    Ok(Reply::json(&types::DeviceServerResponse {
        response: vec![types::DeviceServerItem { device_server: render::device(device) }],
    }))
}

/// `POST /session-server`.
pub(crate) fn create_session_server(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let installation = call.installation()?;
    let body: types::NewSessionServer = call.json()?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let user_id = world.access.device_user(installation, &body.secret).map_err(|m| Failure::new(400, m))?;
    let user = world.bank.user(user_id).ok_or_else(|| Failure::new(400, "The API key's user is gone."))?;
    let timeout = Duration::from_secs(user.session_timeout);
    let person = render::user_person(user, &world.bank);
    let session = world.access.open_session(&mut world.ids, installation, user_id, timeout, Instant::now());
    let token_id = world.ids.next();
    Counters::bump(&shared.counters.sessions_opened, 1);
    Ok(Reply::json(&types::CreateSessionServerResponse {
        response: vec![
            types::SessionServerItem::Id(types::SessionIdObject { id: session.id.into() }),
            types::SessionServerItem::Token(types::SessionServerToken { id: Some(token_id), token: session.token }),
            types::SessionServerItem::UserPerson(person),
        ],
    }))
}

/// `DELETE /session/{id}` (`0`: the caller's session).
pub(crate) fn delete_session(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let caller = call.caller.filter(|c| matches!(c, Caller::Session { .. }));
    let caller = caller.ok_or_else(|| Failure::new(401, "This call needs a session token."))?;
    if !lock(&shared.world).access.close_session(caller, call.id(0)) {
        return Err(Failure::new(404, "No such open session for this user."));
    }
    Ok(Reply::json(&types::EmptyResponse { response: Vec::new() }))
}

/// The session's user as a wire object.
fn session_user(shared: &Shared, user: i64) -> Result<types::User, Failure> {
    let world = lock(&shared.world);
    let user = world.bank.user(user).ok_or_else(|| Failure::new(404, "No such user."))?;
    Ok(types::User::UserPerson(render::user_person(user, &world.bank)))
}

/// `GET /user`.
pub(crate) fn list_users(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.session_user()?;
    let (response, pagination) = listing::paginate(&call.page()?, vec![(user, session_user(shared, user)?)], call.path);
    Ok(Reply::json(&types::UserListing { response, pagination: Some(pagination) }))
}

/// `GET /user/{id}`.
pub(crate) fn get_user(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    Ok(Reply::json(&types::UserResponse { response: vec![session_user(shared, user)?] }))
}
