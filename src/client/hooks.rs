//! The hooks on the generated client: headers, the right token and the body signature on the
//! way out; bunq's signature checked on the way back (failing closed); rate limits, retries of
//! reads, and one re-authentication when bunq says the session is gone.

use super::state::{ClientState, TokenKind};
use crate::Error;
use crate::api::Client;
use crate::error::pending;
use crate::session::{self, Want};
use bunq_protocol::retry::{self, Answer, CallKind, History, Next, jitter};
use bunq_protocol::signing::{self, SignatureError};
use bunq_protocol::{Secret, headers};
use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::future::Future;
use std::time::{Duration, Instant};
use tracing::Instrument;

tokio::task_local! {
    static PINNED_REQUEST_ID: String;
}

/// Runs `call` with `X-Bunq-Client-Request-Id` pinned to `request_id`.
///
/// bunq refuses a request id it has seen before, so a write retried under the same id can never
/// execute twice. Pin one id per write, and keep it until you know the write's outcome.
pub async fn with_request_id<F: Future>(request_id: impl Into<String>, call: F) -> F::Output {
    PINNED_REQUEST_ID.scope(request_id.into(), call).await
}

fn header_value(value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| Error::Context(format!("`{value}` is not a valid header value")))
}

fn sensitive(token: &Secret) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(token.expose())
        .map_err(|_| Error::Context("a token is not a valid header value".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

fn request_id_of(request: &reqwest::Request) -> String {
    let id = request.headers().get(headers::REQUEST_ID).and_then(|v| v.to_str().ok());
    id.unwrap_or_default().to_owned()
}

/// A fresh request id for a retry, unless the caller pinned one.
fn renew_request_id(request: &mut reqwest::Request) {
    if PINNED_REQUEST_ID.try_with(|_| ()).is_err()
        && let Ok(value) = HeaderValue::from_str(&headers::new_request_id())
    {
        request.headers_mut().insert(HeaderName::from_static(headers::REQUEST_ID), value);
    }
}

impl Client {
    /// The token for a call; opens a new session first when the current one is about to expire.
    async fn token_for(&self, kind: TokenKind) -> Result<Secret, Error> {
        let state = self.inner();
        match kind {
            TokenKind::Installation => state
                .credentials()
                .installation_token
                .clone()
                .ok_or_else(|| Error::Context("no installation yet: create the API context first".to_owned())),
            TokenKind::Session => {
                // A context shared through a store picks up a session another process opened early.
                state.sessions().sync_if_due(self).await;
                match state.fresh_session_token() {
                    Some(token) => Ok(token),
                    None => session::renew(self, Want::Fresh).await,
                }
            }
        }
    }

    /// Sets the protocol headers, the token and the body signature; waits for a rate-limit slot.
    async fn prepare(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), Error> {
        let state = self.inner();
        let settings = state.settings();
        let kind = crate::api::operation_auth(info.operation_id);
        let token = loop {
            let token = match kind {
                Some(kind) => Some(self.token_for(kind).await?),
                None => None,
            };
            if !settings.rate_limits {
                break token;
            }
            // The slot after the token: a call held up by a renewal books its slot only once it
            // can go, so calls that waited for a session do not all go at once.
            let limit = bunq_protocol::rate_limit::bunq_limit(info.operation_id, request.method());
            // A slot beyond the session's fresh time would be wasted: let the session renew first.
            if kind == Some(TokenKind::Session)
                && let Some(left) = state.fresh_time_left()
            {
                let next = state.limiter().time_to_slot(info.operation_id, limit).await.map_err(no_slot)?;
                if next > left {
                    state.limiter().wait(info.operation_id, limit, left).await;
                    continue;
                }
            }
            let booking = state.limiter().wait_for_slot(info.operation_id, limit).await.map_err(no_slot)?;
            if kind != Some(TokenKind::Session) {
                break token;
            }
            // A session that came close to its end during the wait: give the slot back (it
            // must not be used after the renewal, with the others'), renew, book again.
            if let Some(fresh) = state.fresh_session_token() {
                break Some(fresh);
            }
            state.limiter().cancel(info.operation_id, booking).await;
        };
        super::encryption::apply(state, request)?;
        let signature = match &token {
            None => None,
            Some(_) => {
                let no_key = || Error::Context("this client has no key to sign with".to_owned());
                Some(match request.body() {
                    None => state.empty_body_signature().ok_or_else(no_key)?.to_owned(),
                    Some(body) => {
                        let bytes = body.as_bytes().ok_or_else(|| {
                            Error::Context("a streamed body cannot be signed; pass the body as bytes".to_owned())
                        })?;
                        signing::sign(state.key().ok_or_else(no_key)?, bytes)
                    }
                })
            }
        };
        let request_id = PINNED_REQUEST_ID.try_with(String::clone).unwrap_or_else(|_| headers::new_request_id());
        let headers = request.headers_mut();
        headers.remove("api-version");
        let mut set = |name: &'static str, value: HeaderValue| {
            headers.insert(HeaderName::from_static(name), value);
        };
        set("cache-control", HeaderValue::from_static("no-cache"));
        if let Some(content_type) = super::files::upload_content_type() {
            set("content-type", header_value(&content_type)?);
        }
        set("user-agent", header_value(&settings.user_agent)?);
        set(headers::LANGUAGE, header_value(&settings.language)?);
        set(headers::REGION, header_value(&settings.region)?);
        set(headers::GEOLOCATION, header_value(&settings.geolocation)?);
        set(headers::REQUEST_ID, header_value(&request_id)?);
        if let Some(token) = &token {
            set(headers::AUTHENTICATION, sensitive(token)?);
        }
        if let Some(signature) = signature {
            set(headers::CLIENT_SIGNATURE, header_value(&signature)?);
        }
        Ok(())
    }

    /// Sends, verifies, and follows [`retry::decide`] until there is an answer for the caller.
    async fn send(&self, mut request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let policy = self.inner().settings().retry;
        let call = CallKind {
            read: request.method() == Method::GET,
            uses_session: crate::api::operation_auth(info.operation_id) == Some(TokenKind::Session),
        };
        let mut history = History::default();
        loop {
            let spare = request.try_clone();
            let request_id = request_id_of(&request);
            let sent_token =
                request.headers().get(headers::AUTHENTICATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let attempt = self.exchange(request, info).await;
            let (answer, retry_after) = match &attempt {
                Err(error) => (Answer::Nothing { maybe_sent: !error.is_connect() }, None),
                Ok(Attempt::Verified { status, .. }) => (Answer::Verified { status: status.as_u16() }, None),
                Ok(Attempt::Unverified { status, retry_after, .. }) => {
                    (Answer::Unverified { status: *status }, *retry_after)
                }
                Ok(Attempt::TooLarge { limit }) => return Ok(failed(Error::ResponseTooLarge { limit: *limit })),
            };
            let next = retry::decide(call, answer, history, &policy, retry_after, jitter());
            tracing::debug!(operation = info.operation_id, ?answer, ?next, retries = history.retries, "attempt");
            match (next, spare) {
                (Next::Retry { wait, same_request_id }, Some(mut again)) => {
                    tokio::time::sleep(wait).await;
                    // Every attempt counts at bunq: a retry books its own slot.
                    if let Err(failure) = self.slot_for_retry(&again, info).await {
                        return Ok(failed(failure));
                    }
                    if !same_request_id {
                        renew_request_id(&mut again);
                    }
                    history.retries += 1;
                    history.write_retried_unverified |= !call.read && matches!(answer, Answer::Unverified { .. });
                    request = again;
                }
                (Next::Reauthenticate, Some(mut again)) => {
                    let want = sent_token.map_or(Want::Fresh, Want::Other);
                    let Ok(token) = session::renew(self, want).await else { return deliver(attempt) };
                    let Ok(value) = sensitive(&token) else { return deliver(attempt) };
                    again.headers_mut().insert(HeaderName::from_static(headers::AUTHENTICATION), value);
                    renew_request_id(&mut again);
                    if let Err(failure) = self.slot_for_retry(&again, info).await {
                        return Ok(failed(failure));
                    }
                    tracing::debug!(operation = info.operation_id, "session rejected; renewed and replaying once");
                    history.reauthenticated = true;
                    request = again;
                }
                (Next::OutcomeUnknown, _) => {
                    let message = unknown_outcome_cause(&attempt);
                    return Ok(failed(Error::OutcomeUnknown { request_id, message }));
                }
                (Next::Refuse | Next::GiveUp, _) => match attempt {
                    Ok(Attempt::Unverified { status, problem, response_id, .. }) => {
                        let failure = if next == Next::Refuse {
                            Error::ServerSignature { problem, response_id }
                        } else {
                            Error::Unverified { status, problem, retries: history.retries }
                        };
                        return Ok(failed(failure));
                    }
                    other => return deliver(other),
                },
                _ => return deliver(attempt),
            }
        }
    }

    /// Waits for a rate-limit slot for another attempt of a call.
    async fn slot_for_retry(&self, request: &reqwest::Request, info: &OperationInfo) -> Result<(), Error> {
        let state = self.inner();
        if !state.settings().rate_limits {
            return Ok(());
        }
        let limit = bunq_protocol::rate_limit::bunq_limit(info.operation_id, request.method());
        state.limiter().wait_for_slot(info.operation_id, limit).await.map(drop).map_err(no_slot)
    }

    /// One exchange: the body read within the size limit and bunq's signature checked. An
    /// unverified body is dropped here; only its status and headers' hints go on.
    async fn exchange(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<Attempt> {
        let mut response = self.client().execute(request).await?;
        let state = self.inner();
        let status = response.status();
        let limit = state.settings().max_response_bytes;
        let Some(body) = read_body(&mut response, limit).await? else {
            return Ok(Attempt::TooLarge { limit });
        };
        let headers = std::mem::take(response.headers_mut());
        // Calls without a token (installation, sandbox user) come before there is a key to check with.
        let server_key = state.credentials().server_key.clone();
        let (Some(server_key), Some(_)) = (server_key, crate::api::operation_auth(info.operation_id)) else {
            return Ok(Attempt::Verified { status, headers, body });
        };
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let bunq_headers = headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
        let verdict = signing::verify_response(
            &server_key,
            status.as_u16(),
            bunq_headers,
            &body,
            text(headers::SERVER_SIGNATURE),
        );
        Ok(match verdict {
            Ok(_) => Attempt::Verified { status, headers, body },
            Err(problem) => Attempt::Unverified {
                status: status.as_u16(),
                problem,
                response_id: text(headers::RESPONSE_ID).map(str::to_owned),
                retry_after: text("retry-after").and_then(retry::parse_retry_after),
            },
        })
    }
}

/// What one exchange gave.
enum Attempt {
    /// Signed by bunq, or a call that needs no signature.
    Verified { status: reqwest::StatusCode, headers: HeaderMap, body: Bytes },
    /// The signature failed: the body is gone, the status and hints are kept.
    Unverified { status: u16, problem: SignatureError, response_id: Option<String>, retry_after: Option<Duration> },
    /// The body was over the limit and was dropped.
    TooLarge { limit: usize },
}

/// Hands an attempt to progenitor as it is.
fn deliver(attempt: reqwest::Result<Attempt>) -> reqwest::Result<reqwest::Response> {
    Ok(match attempt? {
        Attempt::Verified { status, headers, body } => rebuild(status, headers, body),
        Attempt::Unverified { problem, response_id, .. } => failed(Error::ServerSignature { problem, response_id }),
        Attempt::TooLarge { limit } => failed(Error::ResponseTooLarge { limit }),
    })
}

/// Why a write's outcome is unknown, in words.
fn unknown_outcome_cause(attempt: &reqwest::Result<Attempt>) -> String {
    match attempt {
        Err(error) => error.to_string(),
        Ok(Attempt::Unverified { status, .. }) => {
            format!("a load balancer in front of bunq answered {status} without a valid server signature")
        }
        Ok(Attempt::Verified { status, body, .. }) => {
            let said = serde_json::from_slice::<crate::api::types::ErrorResponse>(body)
                .map(|e| e.error.into_iter().map(|d| d.error_description).collect::<Vec<_>>().join("; "))
                .unwrap_or_default();
            format!(
                "an earlier attempt was answered without a valid server signature, and bunq refused the repeat \
                 under the same request id with status {}{}{said}",
                status.as_u16(),
                if said.is_empty() { "" } else { ": " }
            )
        }
        Ok(Attempt::TooLarge { limit }) => format!("the answer was over {limit} bytes"),
    }
}

/// Reads the whole body, refusing more than `limit` bytes.
async fn read_body(response: &mut reqwest::Response, limit: usize) -> reqwest::Result<Option<Bytes>> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok(None);
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body.freeze()))
}

/// A response rebuilt from its verified parts.
fn rebuild(status: reqwest::StatusCode, headers: HeaderMap, body: Bytes) -> reqwest::Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}

/// A failure filed for `post` (see `crate::error::pending`): the text progenitor carries.
#[derive(Clone)]
struct Filed(String);

/// An empty stand-in response that carries a failure to `post`.
fn failed(failure: Error) -> reqwest::Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = reqwest::StatusCode::BAD_GATEWAY;
    response.extensions_mut().insert(Filed(pending::file(failure)));
    reqwest::Response::from(response)
}

/// A rate-limit failure: a store's stays what it is; anything else is the context's problem.
fn no_slot(error: Error) -> Error {
    match error {
        error @ Error::Store { .. } => error,
        other => Error::Context(format!("no rate-limit slot: {other}")),
    }
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.prepare(request, info).await.map_err(|failure| progenitor_client::Error::Custom(pending::file(failure)))
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "bunq",
            operation = %info.operation_id,
            status = tracing::field::Empty,
            response_id = tracing::field::Empty
        );
        let started = Instant::now();
        let result = self.send(request, info).instrument(span.clone()).await;
        let _entered = span.enter();
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                if let Some(id) = response.headers().get(headers::RESPONSE_ID).and_then(|v| v.to_str().ok()) {
                    span.record("response_id", tracing::field::display(id));
                }
                match response.extensions().get::<Filed>() {
                    Some(Filed(failure)) => tracing::debug!(elapsed_ms, failure, "refused"),
                    None => tracing::debug!(elapsed_ms, "answered"),
                }
                // Errors carry it in `ApiError::warning`; on success it is in the headers and here.
                if let Some(warning) = response.headers().get(headers::WARNING).and_then(|v| v.to_str().ok()) {
                    tracing::warn!(warning, "bunq attached a warning");
                }
            }
            Err(error) => tracing::debug!(elapsed_ms, %error, "no answer"),
        }
        result
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        match result.as_ref().ok().and_then(|r| r.extensions().get::<Filed>()) {
            Some(Filed(failure)) => Err(progenitor_client::Error::Custom(failure.clone())),
            None => Ok(()),
        }
    }
}
