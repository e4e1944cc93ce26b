//! The HTTP side: accept connections, read a request within limits, check rate limit, token,
//! signature and request id, run the handler, then sign the answer and apply any faults.

use super::call::{Call, Failure, Reply};
use super::faults::{self, Plan, Substitute};
use super::router::{self, Miss};
use super::{Counters, Shared, dispatch, lock};
use bunq_api::api::operation_auth;
use bunq_protocol::headers;
use bunq_protocol::keys::PrivateKey;
use bunq_protocol::signing::{self, SignatureError};
use bytes::{Bytes, BytesMut};
use http::header::{ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION};
use http::request::Parts;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Largest request body accepted.
pub(crate) const MAX_BODY: usize = 1 << 20;
/// An oversized body is read and dropped up to this size, so the client gets to see the 400;
/// beyond it the connection is closed after the answer.
const MAX_DRAIN: usize = 16 << 20;
/// How long a graceful shutdown waits for calls in flight.
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// The service's error: the connection is closed without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed without an answer")
    }
}

impl std::error::Error for Dropped {}

/// Resolves once the server is told to stop (or its handle is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// Accepts connections until told to stop, then lets open connections finish.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(stream, peer, shared.clone(), stop.clone()));
                }
                // Out of file descriptors and the like: wait a little instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIME, async { while connections.join_next().await.is_some() {} }).await;
}

/// Serves one connection (HTTP/1.1, keep-alive) until it ends or the server stops.
async fn connection(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |request| answer(shared.clone(), peer.ip(), request));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(30)).title_case_headers(true);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// The body, or `None` when it is over [`MAX_BODY`]; `Err` when the client went away.
async fn read_body(mut body: Incoming, declared: Option<u64>) -> Result<Option<Bytes>, Dropped> {
    if declared.is_some_and(|n| n > MAX_DRAIN as u64) {
        return Ok(None);
    }
    let (mut kept, mut seen) = (BytesMut::new(), 0usize);
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| Dropped)?.into_data() else { continue };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_BODY {
            kept.extend_from_slice(&data);
        } else if seen > MAX_DRAIN {
            return Ok(None);
        }
    }
    Ok((seen <= MAX_BODY).then(|| kept.freeze()))
}

/// Answers one request.
async fn answer(shared: Arc<Shared>, ip: IpAddr, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
    Counters::bump(&shared.counters.requests, 1);
    let (parts, body) = request.into_parts();
    let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let body = read_body(body, declared).await?;
    let route = router::resolve(&parts.method, parts.uri.path());
    let operation = route.as_ref().ok().map(|r| r.operation);
    if operation.is_some_and(|o| o.id == "create_session_server") {
        Counters::bump(&shared.counters.session_server_calls, 1);
    }
    // Faults hit only calls that need a token.
    let plan = match operation.and_then(|o| operation_auth(&o.id)) {
        Some(_) => lock(&shared.faults).next(parts.method == http::Method::GET),
        None => Plan::default(),
    };
    let reply = match plan.instead {
        Some(substitute) => substitute_reply(substitute),
        None => {
            let reply = process(&shared, ip, &parts, route, body);
            plan.after.map_or(reply, substitute_reply)
        }
    };
    if let Some(delay) = plan.delay {
        tokio::time::sleep(delay).await;
    }
    if plan.reset {
        return Err(Dropped);
    }
    let request_id = parts.headers.get(headers::REQUEST_ID).cloned();
    Ok(respond(&shared, reply, request_id, &plan, body_was_refused(declared)).await)
}

/// The answer a fault puts in place of the real one.
fn substitute_reply(substitute: Substitute) -> Reply {
    let failure = |status: u16| {
        let status = StatusCode::from_u16(status).map_or(500, |s| s.as_u16());
        Failure::new(status, format!("The sandbox was told to fail this call with {status}."))
    };
    match substitute {
        Substitute::Signed(status) => failure(status).into(),
        Substitute::Unsigned(429) => Reply::rate_limited(),
        Substitute::Unsigned(status) => Reply { front_door: true, ..failure(status).into() },
        Substitute::Gateway(status) => Reply::gateway(status),
    }
}

/// Whether the client announced a body too large to drain (the connection is closed after the answer).
fn body_was_refused(declared: Option<u64>) -> bool {
    declared.is_some_and(|n| n > MAX_DRAIN as u64)
}

/// Checks and runs a routed call.
fn process(
    shared: &Shared,
    ip: IpAddr,
    parts: &Parts,
    route: Result<router::Route, Miss>,
    body: Option<Bytes>,
) -> Reply {
    let path = parts.uri.path();
    if let Some(reply) = super::oauth::front(shared, parts) {
        return reply;
    }
    let route = match route {
        Ok(route) => route,
        Err(Miss::NotFound) => return Failure::new(404, format!("The sandbox has no endpoint {path}.")).into(),
        Err(Miss::Method(allowed)) => {
            let mut reply: Reply =
                Failure::new(405, format!("{path} does not take {}; it takes {}.", parts.method, allowed.join(", ")))
                    .into();
            reply.allow = Some(allowed.join(", "));
            return reply;
        }
    };
    let Some(body) = body else {
        return Failure::new(400, format!("The request body is larger than {} bytes.", MAX_BODY)).into();
    };
    let operation = route.operation;
    if shared.settings.rate_limits {
        let limit = bunq_protocol::rate_limit::bunq_limit(&operation.id, &parts.method);
        if !lock(&shared.world).access.admit(ip, &operation.id, limit, Instant::now()) {
            return Reply::rate_limited();
        }
    }
    let caller = match operation_auth(&operation.id) {
        None => None,
        Some(kind) => match check_caller(shared, parts, kind, &body) {
            Ok(caller) => Some(caller),
            Err(failure) => return failure.into(),
        },
    };
    let body = match super::encryption::open(&shared.server_key, &parts.headers, body) {
        Ok(body) => body,
        Err(failure) => return failure.into(),
    };
    let call = Call {
        operation,
        ids: &route.ids,
        path,
        query: parts.uri.query(),
        body: &body,
        headers: &parts.headers,
        caller,
        ip,
    };
    dispatch::dispatch(shared, &call)
}

/// Token (401), client signature (466) and request id (400) of a call that needs a token.
fn check_caller(
    shared: &Shared,
    parts: &Parts,
    kind: bunq_api::TokenKind,
    body: &[u8],
) -> Result<super::access::Caller, Failure> {
    let text = |name: &str| parts.headers.get(name).map(|v| v.to_str().map_err(|_| ()));
    let token = text(headers::AUTHENTICATION).and_then(Result::ok);
    let (caller, client_key) = {
        let world = lock(&shared.world);
        let caller = world.access.authenticate(kind, token, Instant::now()).map_err(|m| Failure::new(401, m))?;
        (caller, world.access.installation(caller.installation()).map(|i| i.client_key.clone()))
    };
    if shared.settings.require_signatures {
        let verdict = match (client_key, text(headers::CLIENT_SIGNATURE)) {
            (_, None) => Err(SignatureError::Missing),
            (Some(key), Some(Ok(signature))) => signing::verify(&key, body, signature),
            _ => Err(SignatureError::Invalid),
        };
        if let Err(problem) = verdict {
            Counters::bump(&shared.counters.rejected_signatures, 1);
            let message = match problem {
                SignatureError::Missing => "The request has no X-Bunq-Client-Signature.",
                _ => "X-Bunq-Client-Signature does not verify: sign the exact body bytes with the installed key.",
            };
            return Err(Failure::new(466, message));
        }
    }
    match text(headers::REQUEST_ID) {
        None => Ok(caller),
        Some(Ok(id)) if !id.is_empty() && id.len() <= super::access::MAX_REQUEST_ID_LEN => {
            if lock(&shared.world).access.remember_request_id(caller.installation(), id) {
                Ok(caller)
            } else {
                Err(Failure::new(400, format!("The request id {id} was used before; use a new one per request.")))
            }
        }
        Some(_) => Err(Failure::new(400, "X-Bunq-Client-Request-Id must be short printable text.")),
    }
}

/// A key other than the server's, for the wrong-key fault (the fault must never fall back to
/// the real key: without this one it sends no signature).
fn impostor_key() -> Option<&'static PrivateKey> {
    static IMPOSTOR: std::sync::OnceLock<Option<PrivateKey>> = std::sync::OnceLock::new();
    super::key_once(&IMPOSTOR)
}

/// The HTTP response: protocol headers, the signature (or not), and the body (maybe tampered).
async fn respond(
    shared: &Shared,
    reply: Reply,
    request_id: Option<HeaderValue>,
    plan: &Plan,
    close: bool,
) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    // The front door answers before the API: no response id, no echo, no signature.
    if !reply.front_door {
        if let Ok(id) = HeaderValue::from_str(&headers::new_request_id()) {
            headers.insert(HeaderName::from_static(headers::RESPONSE_ID), id);
        }
        if let Some(id) = request_id {
            headers.insert(HeaderName::from_static(headers::REQUEST_ID), id);
        }
    }
    if let Some(allow) = reply.allow.as_deref().and_then(|a| HeaderValue::from_str(a).ok()) {
        headers.insert(ALLOW, allow);
    }
    if let Some(location) = reply.location.as_deref().and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(LOCATION, location);
    }
    if close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    let mut body = reply.body;
    // Asked to sign with a wrong key but without one: send no signature rather than a valid one.
    let impostor = if plan.wrong_key { impostor_key() } else { None };
    if !reply.front_door && !plan.drop_signature && (impostor.is_some() || !plan.wrong_key) {
        let key = impostor.unwrap_or(&shared.server_key);
        let signature = if shared.settings.legacy_signatures {
            let pairs = headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
            signing::sign(key, &signing::legacy_signed_data(status.as_u16(), pairs, &body))
        } else {
            signing::sign(key, &body)
        };
        if let Ok(value) = HeaderValue::from_str(&signature) {
            headers.insert(HeaderName::from_static(headers::SERVER_SIGNATURE), value);
        }
    }
    if plan.tamper {
        faults::tamper(&mut body);
    }
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}
