//! OAuth, emulated for tests: apps registered as OAuth clients (with their callback URLs)
//! through the API, an authorization page that approves at once, a token endpoint, and sessions
//! of the access tokens that act as a `UserApiKey` within OAuth's limits.
//!
//! * `GET /oauth/auth?response_type=code&client_id=…&redirect_uri=…&state=…` answers 302 to
//!   `redirect_uri` with `code` and `state` added. Who approves: the sandbox user whose API key
//!   comes as `Authorization: Bearer <API key>`; without that header, a new sandbox user (one
//!   empty EUR account). An unknown or cancelled client, a `redirect_uri` that is not one of the
//!   client's callback URLs, or a `response_type` other than `code`: 400, and no redirect.
//! * `POST /v1/token?grant_type=authorization_code&code=…&redirect_uri=…&client_id=…&client_secret=…`
//!   answers `{"access_token":…,"token_type":"bearer","state":…}`. A code works once, for ten
//!   minutes, for its client and redirect URL only (400 otherwise); a client id and secret that
//!   do not match: 401. A refused exchange does not use the code up; presenting a used code
//!   again revokes the token it gave.
//! * The access token is an API key. Its session names a `UserApiKey` (requested by the client's
//!   owner, granted by the approving user) whose id goes in paths; the calls act on the granting
//!   user's accounts. Reads: the user, monetary accounts and everything below them, cards.
//!   Writes: payments and payment batches between the granting user's own accounts,
//!   request-inquiries (and revoking them), draft payments. Anything else: 403. Cancelling the
//!   client revokes its tokens and ends their sessions.

use super::access::{Caller, random_hex};
use super::bank::User;
use super::call::{Call, Failure, Output, Reply};
use super::router::PathId;
use super::spec::{Operation, Segment, Verb};
use super::store::Place;
use super::{Counters, Shared, World, generic, listing, lock, money, render, wire};
use bunq_api::api::types;
use http::header::AUTHORIZATION;
use http::request::Parts;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

/// How long a code can be exchanged.
const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// Codes kept before the expired ones are dropped.
const MAX_CODES: usize = 10_000;
/// The callback URLs of an OAuth client.
const CALLBACK_URLS: &str = "user/{}/oauth-client/{}/callback-url";
/// What an OAuth session may change besides payments (checked per counterparty).
const WRITES: [&str; 3] = ["create_request_inquiry", "update_request_inquiry", "create_draft_payment"];
/// How a refusal of an OAuth session starts.
const REFUSED: &str = "Insufficient authorisation for an OAuth app";

/// The OAuth state: clients by client id, codes, and the access tokens' `UserApiKey`s.
#[derive(Default)]
pub(crate) struct OAuth {
    clients: HashMap<String, Client>,
    codes: HashMap<String, Grant>,
    keys: HashMap<i64, Key>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Client ids, secrets and codes are not shown.
        f.debug_struct("OAuth")
            .field("clients", &self.clients.len())
            .field("codes", &self.codes.len())
            .field("keys", &self.keys.len())
            .finish()
    }
}

/// An OAuth client: the stored `OauthClient` object, its owner and its secret.
struct Client {
    object: i64,
    owner: i64,
    secret: String,
}

/// An approval waiting for its code to be exchanged.
struct Grant {
    client_id: String,
    redirect_uri: String,
    state: String,
    user: i64,
    issued: Instant,
    used: bool,
    /// The access token's `UserApiKey` once the code is exchanged.
    key: Option<i64>,
}

/// What an access token stands for.
struct Key {
    /// The OAuth client's object.
    client: i64,
    granting: i64,
    requested_by: i64,
    created: SystemTime,
}

/// A handler of one of the OAuth pages.
type Page = fn(&Shared, &Parts) -> Result<Reply, Failure>;

/// Answers the OAuth pages outside the API (`/oauth/auth`, `/v1/token`); `None` for any other path.
pub(crate) fn front(shared: &Shared, parts: &Parts) -> Option<Reply> {
    let path = parts.uri.path();
    let (method, page): (&str, Page) = match path {
        "/oauth/auth" | "/oauth/auth/" => ("GET", authorize),
        "/v1/token" | "/v1/token/" => ("POST", token),
        _ => return None,
    };
    if parts.method.as_str() != method {
        let mut reply: Reply = Failure::new(405, format!("{path} takes {method} only.")).into();
        reply.allow = Some(method.to_owned());
        return Some(reply);
    }
    Some(page(shared, parts).unwrap_or_else(Reply::from))
}

/// The query's parameters, decoded (the first of a repeated name counts).
fn params(query: Option<&str>) -> HashMap<String, String> {
    let mut params = HashMap::new();
    for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        params.entry(decode(name)).or_insert_with(|| decode(value));
    }
    params
}

/// Form decoding: `+` is a space, `%XX` a byte; anything malformed stays as it is.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 2;
            }
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes all but unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `url` with `pairs` added to its query (before any fragment); bytes a header cannot carry
/// are percent-encoded.
fn with_params(url: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, format!("#{fragment}")),
        None => (url, String::new()),
    };
    let safe = |text: &str| -> String {
        text.bytes()
            .map(|b| if (0x21..0x7f).contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
            .collect()
    };
    let added: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let separator = match base.contains('?') {
        false => "?",
        true if base.ends_with('?') || base.ends_with('&') => "",
        true => "&",
    };
    format!("{}{separator}{}{}", safe(base), added.join("&"), safe(&fragment))
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

fn callback_place(owner: i64, client: i64) -> Place {
    Place { collection: CALLBACK_URLS.to_owned(), parents: vec![PathId::Int(owner), PathId::Int(client)] }
}

fn client_place(owner: i64) -> Place {
    Place { collection: "user/{}/oauth-client".to_owned(), parents: vec![PathId::Int(owner)] }
}

/// Whether the client is usable: its object exists and is not cancelled.
fn active(world: &World, client: &Client) -> bool {
    let object = world.store.get(&client_place(client.owner), &PathId::Int(client.object));
    object.is_some_and(|o| o.fields.get("status").and_then(Value::as_str).is_none_or(|s| s == "ACTIVE"))
}

/// `GET /oauth/auth`: approves at once and sends the browser back with a code.
fn authorize(shared: &Shared, parts: &Parts) -> Result<Reply, Failure> {
    let params = params(parts.uri.query());
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    if get("response_type") != "code" {
        return Err(Failure::new(400, "response_type must be code."));
    }
    let (client_id, redirect_uri, state) = (get("client_id"), get("redirect_uri"), get("state"));
    let bearer = parts.headers.get(AUTHORIZATION).map(|v| v.to_str().unwrap_or_default());
    let bearer = bearer.map(|v| v.strip_prefix("Bearer ").unwrap_or_default().trim());
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let client = world.oauth.clients.get(client_id).filter(|c| active(world, c));
    let client = client.ok_or_else(|| Failure::new(400, "No active OAuth client has this client_id."))?;
    let registered = world.store.list(&callback_place(client.owner, client.object));
    if redirect_uri.is_empty()
        || !registered.iter().any(|o| o.fields.get("url").and_then(Value::as_str) == Some(redirect_uri))
    {
        return Err(Failure::new(400, "redirect_uri is not one of the OAuth client's callback URLs."));
    }
    let user = match bearer {
        Some(key) => world
            .access
            .api_key_user(key)
            .filter(|u| world.bank.user(*u).is_some())
            .ok_or_else(|| Failure::new(401, "The Authorization bearer is not the API key of a sandbox user."))?,
        None => world.bank.create_user(&mut world.ids, shared.settings.session_timeout, false, SystemTime::now()),
    };
    let now = Instant::now();
    if world.oauth.codes.len() >= MAX_CODES {
        world.oauth.codes.retain(|_, g| !g.used && now.duration_since(g.issued) < CODE_LIFETIME);
    }
    let code = random_hex();
    let grant = Grant {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        state: state.to_owned(),
        user,
        issued: now,
        used: false,
        key: None,
    };
    world.oauth.codes.insert(code.clone(), grant);
    let location = with_params(redirect_uri, &[("code", &code), ("state", state)]);
    Ok(Reply {
        status: 302,
        body: Vec::new(),
        content_type: "text/plain",
        allow: None,
        location: Some(location),
        front_door: false,
    })
}

/// `POST /v1/token`: a code for an access token.
fn token(shared: &Shared, parts: &Parts) -> Result<Reply, Failure> {
    let params = params(parts.uri.query());
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    if get("grant_type") != "authorization_code" {
        return Err(Failure::new(400, "grant_type must be authorization_code."));
    }
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let client = world.oauth.clients.get(get("client_id")).filter(|c| same(&c.secret, get("client_secret")));
    let client =
        client.ok_or_else(|| Failure::new(401, "The client_id and client_secret are not those of an OAuth client."))?;
    if !active(world, client) {
        return Err(Failure::new(400, "The OAuth client is cancelled."));
    }
    let (owner, client) = (client.owner, client.object);
    let grant = world.oauth.codes.get_mut(get("code")).filter(|g| g.client_id == get("client_id"));
    let grant = grant.ok_or_else(|| Failure::new(400, "The authorization code is not known."))?;
    if grant.used {
        // A code presented twice may have been stolen: what it gave is taken back (RFC 6749, 4.1.2).
        if let Some(key) = grant.key.take() {
            revoke(world, key);
        }
        return Err(Failure::new(400, "The authorization code was used already; its access token is revoked."));
    }
    if grant.issued.elapsed() >= CODE_LIFETIME {
        return Err(Failure::new(400, "The authorization code has expired."));
    }
    if grant.redirect_uri != get("redirect_uri") {
        return Err(Failure::new(400, "redirect_uri is not the one the authorization code was given for."));
    }
    grant.used = true;
    let (granting, state) = (grant.user, grant.state.clone());
    let id = world.ids.next();
    grant.key = Some(id);
    let access_token = world.access.issue_api_key(id);
    world.oauth.keys.insert(id, Key { client, granting, requested_by: owner, created: SystemTime::now() });
    Ok(Reply::json(200, &json!({ "access_token": access_token, "token_type": "bearer", "state": state })))
}

/// How a call of an OAuth session runs.
pub(crate) enum Acting {
    /// Not an OAuth session: as it is.
    Own,
    /// Answered here.
    Answer(Output),
    /// For the granting user: this caller, these path ids.
    For { caller: Caller, ids: Vec<PathId> },
}

/// A user as the item a `UserApiKey` anchors.
fn anchored(world: &World, user: i64) -> Result<Value, Failure> {
    let user: &User =
        world.bank.user(user).ok_or_else(|| Failure::new(404, "The user of this OAuth grant is gone."))?;
    Ok(json!({ render::user_key(user): render::user(user, &world.bank) }))
}

/// The `UserApiKey` of an access token.
fn api_key_user(world: &World, id: i64, key: &Key) -> Result<Value, Failure> {
    let stamp = render::timestamp(key.created);
    Ok(json!({
        "id": id,
        "created": stamp,
        "updated": stamp,
        "requested_by_user": anchored(world, key.requested_by)?,
        "granted_by_user": anchored(world, key.granting)?,
    }))
}

/// Decides how a call runs when it comes from an OAuth session (or opens one).
pub(crate) fn on_behalf(shared: &Shared, call: &Call) -> Result<Acting, Failure> {
    if call.op() == "create_session_server" {
        return open_session(shared, call);
    }
    let Some(Caller::Session { session, installation, user }) = call.caller else { return Ok(Acting::Own) };
    let world = lock(&shared.world);
    let Some(key) = world.oauth.keys.get(&user) else { return Ok(Acting::Own) };
    let granting = key.granting;
    match call.op() {
        "list_users" => {
            let items = vec![(user, ("UserApiKey", api_key_user(&world, user, key)?))];
            let (items, pagination) = listing::paginate(&call.page()?, items, call.path);
            return Ok(Acting::Answer(Output::Json(wire::mixed_listing(items, &pagination))));
        }
        "get_user" | "get_user_person" | "get_user_company" | "get_user_payment_service_provider" => {
            if call.id(0) != user {
                return Err(Failure::new(404, "No such user for this session."));
            }
            if call.operation.variant("UserApiKey").is_none() {
                return Err(Failure::new(404, "The user is a UserApiKey, not what this path reads."));
            }
            return Ok(Acting::Answer(Output::Json(wire::items("UserApiKey", [api_key_user(&world, user, key)?]))));
        }
        _ => {}
    }
    // The UserApiKey's id in the path stands for the granting user; the granting user's own id does not.
    let mut ids = call.ids.to_vec();
    let names = call.operation.segments.iter().filter_map(|s| match s {
        Segment::Id { name, .. } => Some(name.as_str()),
        Segment::Literal(_) => None,
    });
    for (id, name) in ids.iter_mut().zip(names) {
        if name == "user_id" {
            if *id != PathId::Int(user) {
                return Err(Failure::new(404, "No such user for this session."));
            }
            *id = PathId::Int(granting);
        }
    }
    permitted(&world, granting, call)?;
    Ok(Acting::For { caller: Caller::Session { session, installation, user: granting }, ids })
}

/// OAuth's limits (403 beyond them).
fn permitted(world: &World, granting: i64, call: &Call) -> Result<(), Failure> {
    let operation: &Operation = call.operation;
    let collection = operation.collection();
    let readable = !collection.starts_with("user")
        || collection == "user"
        || collection.starts_with("user/{}/monetary-account")
        || collection == "user/{}/card"
        || collection.starts_with("user/{}/card/");
    match (operation.verb, operation.id.as_str()) {
        (Verb::Get | Verb::List, _) if readable => Ok(()),
        (_, "delete_session") => Ok(()),
        (_, "create_payment") => match call.json::<types::NewPayment>() {
            Ok(payment) => own(world, granting, &payment.counterparty_alias),
            // The handler refuses what does not parse.
            Err(_) => Ok(()),
        },
        (_, "create_payment_batch") => match call.json::<types::NewPaymentBatch>() {
            Ok(batch) => batch.payments.iter().try_for_each(|p| own(world, granting, &p.counterparty_alias)),
            Err(_) => Ok(()),
        },
        (_, id) if WRITES.contains(&id) => Ok(()),
        (verb, id) => {
            let what = if matches!(verb, Verb::Get | Verb::List) { "read" } else { "change" };
            Err(Failure::new(403, format!("{REFUSED}: it cannot {what} this ({id}).")))
        }
    }
}

/// A payment's counterparty must be one of the granting user's own accounts.
fn own(world: &World, user: i64, to: &types::Pointer) -> Result<(), Failure> {
    let is_own = world.bank.user(user).is_some_and(|u| match to.type_.as_str().to_ascii_uppercase().as_str() {
        "IBAN" => {
            let iban = money::normalize_iban(&to.value);
            world.bank.accounts_of(user).iter().any(|a| a.iban == iban)
        }
        "EMAIL" => to.value.trim().eq_ignore_ascii_case(&u.email),
        "PHONE_NUMBER" => to.value.chars().filter(|c| !c.is_whitespace()).collect::<String>() == u.phone,
        _ => false,
    });
    if is_own {
        Ok(())
    } else {
        Err(Failure::new(403, format!("{REFUSED}: payments go only between the granting user's own accounts.")))
    }
}

/// `POST /session-server` with an access token: a session as its `UserApiKey`.
fn open_session(shared: &Shared, call: &Call) -> Result<Acting, Failure> {
    let (Ok(installation), Ok(body)) = (call.installation(), call.json::<types::NewSessionServer>()) else {
        return Ok(Acting::Own);
    };
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let Ok(id) = world.access.device_user(installation, &body.secret) else { return Ok(Acting::Own) };
    let Some(key) = world.oauth.keys.get(&id) else { return Ok(Acting::Own) };
    let user = api_key_user(world, id, key)?;
    // The session lasts as long as the requesting user's do.
    let timeout = world.bank.user(key.requested_by).map_or(shared.settings.session_timeout, |u| u.session_timeout);
    let session =
        world.access.open_session(&mut world.ids, installation, id, Duration::from_secs(timeout), Instant::now());
    let token_id = world.ids.next();
    let created = render::timestamp(SystemTime::now());
    Counters::bump(&shared.counters.sessions_opened, 1);
    Ok(Acting::Answer(Output::Json(json!({
        "Response": [
            { "Id": { "id": session.id } },
            { "Token": { "id": token_id, "created": created, "updated": created, "token": session.token } },
            { "UserApiKey": user },
        ],
    }))))
}

/// The calls on OAuth clients and their callback URLs: the generic rule, plus a real client id
/// and secret, and the client's `callback_url` kept up to date. `None` for other calls.
pub(crate) fn manage_clients(shared: &Shared, call: &Call) -> Option<Result<Output, Failure>> {
    let op = call.op();
    let managed = ["create_oauth_client", "update_oauth_client", "create_callback_url", "update_callback_url"];
    if !managed.contains(&op) && op != "delete_callback_url" {
        return None;
    }
    Some(manage(shared, call))
}

fn manage(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let owner = call.session_user()?;
    let mut given = call.value()?.as_object().cloned().unwrap_or_default();
    if let Some(url) = given.get("url") {
        let url = url.as_str().unwrap_or_default();
        let scheme = url.starts_with("https://") || url.starts_with("http://");
        if !scheme || url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Failure::new(400, "url must be an http(s) URL without spaces."));
        }
    }
    let now = SystemTime::now();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let (client, output) = match call.op() {
        "create_oauth_client" => {
            for own in ["id", "client_id", "secret", "callback_url"] {
                given.remove(own);
            }
            let id = generic::create_object(world, call, &given, now);
            let client = Client { object: id, owner, secret: random_hex() };
            world.oauth.clients.insert(random_hex(), client);
            (id, Output::Json(wire::id(id)))
        }
        "create_callback_url" => {
            let id = generic::create_object(world, call, &given, now);
            if let Some(object) = world.store.by_id_mut(id) {
                let stamp = json!(render::timestamp(now));
                object.fields.insert("id".to_owned(), json!(id));
                object.fields.insert("created".to_owned(), stamp.clone());
                object.fields.insert("updated".to_owned(), stamp);
            }
            (call.id(1), Output::Json(wire::id(id)))
        }
        _ => (call.id(1), generic::handle(world, call)?),
    };
    sync(world, client);
    // A cancelled client's access tokens stop working, and so do the sessions opened with them.
    if world.oauth.clients.values().any(|c| c.object == client && !active(world, c)) {
        let keys: Vec<i64> = world.oauth.keys.iter().filter(|(_, k)| k.client == client).map(|(id, _)| *id).collect();
        for key in keys {
            revoke(world, key);
        }
    }
    Ok(output)
}

/// Takes back an access token: the key, and every session opened with it.
fn revoke(world: &mut World, key: i64) {
    world.oauth.keys.remove(&key);
    world.access.revoke(key);
}

/// Puts the client's id, secret and callback URLs (what the sandbox keeps) into its object.
fn sync(world: &mut World, object: i64) {
    let Some((client_id, client)) = world.oauth.clients.iter().find(|(_, c)| c.object == object) else { return };
    let urls: Vec<Value> = world
        .store
        .list(&callback_place(client.owner, object))
        .iter()
        .map(|o| Value::Object(o.fields.clone()))
        .collect();
    let fields = [("client_id", json!(client_id)), ("secret", json!(client.secret)), ("callback_url", json!(urls))];
    if let Some(stored) = world.store.by_id_mut(object) {
        for (name, value) in fields {
            stored.fields.insert(name.to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode_and_redirects_encode() {
        let p = params(Some("a=1+2&b=%2Fx%3Fy&c&a=later&d=%zz&e=%4"));
        assert_eq!(p["a"], "1 2");
        assert_eq!(p["b"], "/x?y");
        assert_eq!(p["c"], "");
        assert_eq!(p["d"], "%zz");
        assert_eq!(p["e"], "%4");
        assert_eq!(decode("%C3%A9"), "é");
        assert_eq!(
            with_params("https://a/b", &[("code", "c1"), ("state", "s t&")]),
            "https://a/b?code=c1&state=s%20t%26"
        );
        assert_eq!(with_params("https://a/b?x=1#f", &[("code", "c")]), "https://a/b?x=1&code=c#f");
        assert_eq!(with_params("https://a/é?", &[("code", "c")]), "https://a/%C3%A9?code=c");
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
