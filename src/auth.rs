//! The hooks on the generated client: headers, the right token, body signatures on the way
//! out, server-signature verification on the way back (failing closed).

use crate::api::{Client, types};
use crate::headers;
use crate::keys::{PrivateKey, PublicKey};
use crate::secret::Secret;
use crate::signing::{self, SignatureError};
use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};
use tracing::Instrument;

/// Which token a call carries in `X-Bunq-Client-Authentication` (from the spec's `security`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// The token of `POST /installation`: device-server and session-server.
    Installation,
    /// The token of `POST /session-server`: every other call.
    Session,
}

/// Per-request settings, fixed when the context is built.
#[derive(Clone, Debug)]
pub struct RequestSettings {
    /// `User-Agent`.
    pub user_agent: String,
    /// `X-Bunq-Language`, e.g. `en_US`.
    pub language: String,
    /// `X-Bunq-Region`, e.g. `nl_NL`.
    pub region: String,
    /// `X-Bunq-Geolocation`: `longitude latitude altitude radius country`.
    pub geolocation: String,
    /// Responses with a larger body are discarded.
    pub max_response_bytes: usize,
    /// A new session is opened when less than this is left of the current one.
    pub refresh_margin: Duration,
}

impl Default for RequestSettings {
    fn default() -> Self {
        Self {
            user_agent: concat!("bunq-api-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            language: "en_US".to_owned(),
            region: "nl_NL".to_owned(),
            geolocation: "0 0 0 0 NL".to_owned(),
            max_response_bytes: 16 * 1024 * 1024,
            refresh_margin: Duration::from_secs(30),
        }
    }
}

/// An open session.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub token: Secret,
    pub id: i64,
    pub user_id: types::UserId,
    pub expires_at: SystemTime,
}

/// What the context knows, changing as installation and sessions happen.
#[derive(Clone, Debug, Default)]
pub(crate) struct Credentials {
    pub api_key: Option<Secret>,
    pub installation_token: Option<Secret>,
    pub server_key: Option<PublicKey>,
    pub device_id: Option<i64>,
    pub session: Option<Session>,
}

type RenewHook = dyn Fn(&Client) + Send + Sync;

struct Shared {
    /// `None` only for a client that makes token-less calls (e.g. creating a sandbox user).
    key: Option<PrivateKey>,
    empty_body_signature: Option<String>,
    settings: RequestSettings,
    credentials: RwLock<Credentials>,
    /// Held only while a new session is being opened: one opening at a time.
    renewing: tokio::sync::Mutex<()>,
    on_renew: RwLock<Option<Arc<RenewHook>>>,
}

/// The state inside every generated [`Client`]: key, tokens, server key, settings.
/// Cloning is cheap and clones share the state.
#[derive(Clone)]
pub struct ClientState(Arc<Shared>);

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = self.credentials();
        f.debug_struct("ClientState")
            .field("key", &self.0.key)
            .field("installed", &credentials.installation_token.is_some())
            .field("session", &credentials.session.as_ref().map(|s| s.id))
            .finish_non_exhaustive()
    }
}

impl ClientState {
    pub(crate) fn new(key: Option<PrivateKey>, settings: RequestSettings, credentials: Credentials) -> Self {
        let empty_body_signature = key.as_ref().map(|key| signing::sign(key, b""));
        Self(Arc::new(Shared {
            key,
            empty_body_signature,
            settings,
            credentials: RwLock::new(credentials),
            renewing: tokio::sync::Mutex::new(()),
            on_renew: RwLock::new(None),
        }))
    }

    pub(crate) fn key(&self) -> Option<&PrivateKey> {
        self.0.key.as_ref()
    }

    pub(crate) fn settings(&self) -> &RequestSettings {
        &self.0.settings
    }

    /// A poisoned lock only means another thread panicked mid-update of plain data: keep going.
    pub(crate) fn credentials(&self) -> RwLockReadGuard<'_, Credentials> {
        self.0.credentials.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn credentials_mut(&self) -> RwLockWriteGuard<'_, Credentials> {
        self.0.credentials.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_on_renew(&self, hook: Option<Arc<RenewHook>>) {
        *self.0.on_renew.write().unwrap_or_else(|e| e.into_inner()) = hook;
    }

    fn on_renew(&self) -> Option<Arc<RenewHook>> {
        self.0.on_renew.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The session token, if a session is open and not about to expire.
    fn fresh_session_token(&self) -> Option<Secret> {
        let credentials = self.credentials();
        let session = credentials.session.as_ref()?;
        let deadline = session.expires_at.checked_sub(self.0.settings.refresh_margin)?;
        (SystemTime::now() < deadline).then(|| session.token.clone())
    }
}

/// A failure found by the hooks, carried through progenitor's `Error::Custom` and decoded
/// back into [`crate::Error`].
#[derive(Debug)]
pub(crate) enum HookFailure {
    Signature { problem: SignatureError, response_id: Option<String> },
    TooLarge { limit: usize },
    Context(String),
    Other(String),
}

const TAG: &str = "bunq-api/";

impl HookFailure {
    fn encode(&self) -> String {
        match self {
            Self::Signature { problem, response_id } => {
                let code = match problem {
                    SignatureError::Missing => "signature-missing",
                    SignatureError::Malformed => "signature-malformed",
                    _ => "signature-invalid",
                };
                format!("{TAG}{code} {}: server signature {problem}", response_id.as_deref().unwrap_or("-"))
            }
            Self::TooLarge { limit } => format!("{TAG}too-large {limit}: response body over {limit} bytes"),
            Self::Context(message) => format!("{TAG}context -: {message}"),
            Self::Other(message) => message.clone(),
        }
    }

    pub(crate) fn decode(message: &str) -> Self {
        let parsed = message.strip_prefix(TAG).and_then(|rest| {
            let (head, text) = rest.split_once(": ")?;
            let (code, argument) = head.split_once(' ')?;
            let response_id = (argument != "-").then(|| argument.to_owned());
            let signature = |problem| Self::Signature { problem, response_id: response_id.clone() };
            Some(match code {
                "signature-missing" => signature(SignatureError::Missing),
                "signature-malformed" => signature(SignatureError::Malformed),
                "signature-invalid" => signature(SignatureError::Invalid),
                "too-large" => Self::TooLarge { limit: argument.parse().ok()? },
                "context" => Self::Context(text.to_owned()),
                _ => return None,
            })
        });
        parsed.unwrap_or_else(|| Self::Other(message.to_owned()))
    }

    fn into_progenitor<E>(self) -> progenitor_client::Error<E> {
        progenitor_client::Error::Custom(self.encode())
    }
}

impl From<HookFailure> for crate::Error {
    fn from(failure: HookFailure) -> Self {
        match failure {
            HookFailure::Signature { problem, response_id } => Self::ServerSignature { problem, response_id },
            HookFailure::TooLarge { limit } => Self::ResponseTooLarge { limit },
            HookFailure::Context(message) => Self::Context(message),
            HookFailure::Other(message) => Self::InvalidRequest(message),
        }
    }
}

fn header_value(value: &str) -> Result<HeaderValue, HookFailure> {
    HeaderValue::from_str(value).map_err(|_| HookFailure::Context(format!("`{value}` is not a valid header value")))
}

fn sensitive(value: &str) -> Result<HeaderValue, HookFailure> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| HookFailure::Context("a token is not a valid header value".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

impl Client {
    /// The token for a call; opens a new session first when the current one is about to expire.
    async fn token_for(&self, kind: TokenKind) -> Result<Secret, HookFailure> {
        let state = self.inner();
        match kind {
            TokenKind::Installation => state
                .credentials()
                .installation_token
                .clone()
                .ok_or_else(|| HookFailure::Context("no installation yet: create the API context first".to_owned())),
            TokenKind::Session => {
                if let Some(token) = state.fresh_session_token() {
                    return Ok(token);
                }
                let _one_at_a_time = state.0.renewing.lock().await;
                if let Some(token) = state.fresh_session_token() {
                    return Ok(token);
                }
                crate::session::open_boxed(self.clone())
                    .await
                    .map_err(|e| HookFailure::Context(format!("could not open a new session: {e}")))?;
                if let Some(hook) = state.on_renew() {
                    hook(self);
                }
                state
                    .fresh_session_token()
                    .ok_or_else(|| HookFailure::Context("the new session expires within the refresh margin".to_owned()))
            }
        }
    }

    /// Sets the protocol headers, the token and the body signature.
    async fn prepare(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), HookFailure> {
        let state = self.inner();
        let settings = state.settings();
        let token = match crate::api::operation_auth(info.operation_id) {
            Some(kind) => Some(self.token_for(kind).await?),
            None => None,
        };
        let signature = match (&token, request.body()) {
            (None, _) => None,
            (Some(_), body) => {
                let no_key = || HookFailure::Context("this client has no key to sign with".to_owned());
                match body {
                    None => Some(state.0.empty_body_signature.clone().ok_or_else(no_key)?),
                    Some(body) => {
                        let bytes = body.as_bytes().ok_or_else(|| {
                            HookFailure::Context("a streamed body cannot be signed; pass the body as bytes".to_owned())
                        })?;
                        Some(signing::sign(state.key().ok_or_else(no_key)?, bytes))
                    }
                }
            }
        };
        let headers = request.headers_mut();
        headers.remove("api-version");
        let mut set = |name: &'static str, value: HeaderValue| {
            headers.insert(HeaderName::from_static(name), value);
        };
        set("cache-control", HeaderValue::from_static("no-cache"));
        set("user-agent", header_value(&settings.user_agent)?);
        set(headers::LANGUAGE, header_value(&settings.language)?);
        set(headers::REGION, header_value(&settings.region)?);
        set(headers::GEOLOCATION, header_value(&settings.geolocation)?);
        set(headers::REQUEST_ID, header_value(&headers::new_request_id())?);
        if let Some(token) = &token {
            set(headers::AUTHENTICATION, sensitive(token.expose())?);
        }
        if let Some(signature) = signature {
            set(headers::CLIENT_SIGNATURE, header_value(&signature)?);
        }
        Ok(())
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

/// Rebuilds a response from its parts, optionally carrying a failure for `post`.
fn rebuild(
    status: reqwest::StatusCode,
    headers: HeaderMap,
    body: Bytes,
    failure: Option<Arc<HookFailure>>,
) -> reqwest::Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    if let Some(failure) = failure {
        response.extensions_mut().insert(failure);
    }
    reqwest::Response::from(response)
}

impl Client {
    /// Sends the request and verifies the answer's server signature; failures travel to `post`
    /// in the response's extensions, with the unverified body already dropped.
    async fn verified(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let mut response = self.client().execute(request).await?;
        let state = self.inner();
        let status = response.status();
        let limit = state.settings().max_response_bytes;
        let Some(body) = read_body(&mut response, limit).await? else {
            let failure = Arc::new(HookFailure::TooLarge { limit });
            return Ok(rebuild(status, HeaderMap::new(), Bytes::new(), Some(failure)));
        };
        let headers = std::mem::take(response.headers_mut());
        // Calls without a token (installation, sandbox user) happen before there is a context to sign for.
        let server_key = state.credentials().server_key.clone();
        let (Some(server_key), Some(_)) = (server_key, crate::api::operation_auth(info.operation_id)) else {
            return Ok(rebuild(status, headers, body, None));
        };
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let bunq_headers: Vec<(&str, &str)> =
            headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))).collect();
        let verdict = signing::verify_response(
            &server_key,
            status.as_u16(),
            bunq_headers.iter().copied(),
            &body,
            text(headers::SERVER_SIGNATURE),
        );
        match verdict {
            Ok(_) => Ok(rebuild(status, headers, body, None)),
            Err(problem) => {
                let response_id = text(headers::RESPONSE_ID).map(str::to_owned);
                let failure = Arc::new(HookFailure::Signature { problem, response_id });
                // The unverified body is dropped here: nothing of it reaches the caller.
                Ok(rebuild(status, HeaderMap::new(), Bytes::new(), Some(failure)))
            }
        }
    }
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.prepare(request, info).await.map_err(HookFailure::into_progenitor)
    }

    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        let span = tracing::debug_span!(
            "bunq",
            operation = info.operation_id,
            status = tracing::field::Empty,
            response_id = tracing::field::Empty
        );
        let started = std::time::Instant::now();
        let result = self.verified(request, info).instrument(span.clone()).await;
        let _entered = span.enter();
        match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                if let Some(id) = response.headers().get(headers::RESPONSE_ID).and_then(|v| v.to_str().ok()) {
                    span.record("response_id", id);
                }
                let failure = response.extensions().get::<Arc<HookFailure>>().map(|f| f.encode());
                tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, failure, "answered");
            }
            Err(error) => tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, %error, "no answer"),
        }
        result
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        match result.as_ref().ok().and_then(|r| r.extensions().get::<Arc<HookFailure>>()) {
            Some(failure) => Err(progenitor_client::Error::Custom(failure.encode())),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hook_failures_survive_the_round_trip() {
        let failure = HookFailure::Signature { problem: SignatureError::Invalid, response_id: Some("abc-1".into()) };
        match HookFailure::decode(&failure.encode()) {
            HookFailure::Signature { problem: SignatureError::Invalid, response_id } => {
                assert_eq!(response_id.as_deref(), Some("abc-1"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            HookFailure::decode(&HookFailure::TooLarge { limit: 7 }.encode()),
            HookFailure::TooLarge { limit: 7 }
        ));
        assert!(matches!(HookFailure::decode("something else"), HookFailure::Other(_)));
    }
}
