//! What lives inside every generated `Client`: key, tokens, bunq's key, settings.

use super::limits::Limiter;
use crate::saved::ContextFile;
use crate::session::{Session, Sessions};
use crate::{Error, Result};
use bunq_protocol::keys::{PrivateKey, PublicKey};
use bunq_protocol::{Environment, RetryPolicy, Secret, signing};
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, SystemTime};

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
    /// The `User-Agent` header of every request.
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
    /// Keep to bunq's rate limits on the client side (calls wait for their slot).
    pub rate_limits: bool,
    /// Retries of reads.
    pub retry: RetryPolicy,
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
            rate_limits: true,
            retry: RetryPolicy::default(),
        }
    }
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

struct Shared {
    /// `None` only for a client that makes token-less calls (e.g. creating a sandbox user).
    key: Option<PrivateKey>,
    empty_body_signature: Option<String>,
    settings: RequestSettings,
    credentials: RwLock<Credentials>,
    sessions: Sessions,
    limiter: Limiter,
}

/// The state inside every generated [`Client`](crate::Client). Cloning is cheap and clones share it.
#[derive(Clone)]
pub struct ClientState(Arc<Shared>);

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = self.credentials();
        f.debug_struct("ClientState")
            .field("key", &self.0.key)
            .field("installed", &credentials.installation_token.is_some())
            .field("session", &credentials.session.as_ref().map(|s| s.id))
            .field("limiter", &self.0.limiter)
            .finish_non_exhaustive()
    }
}

impl ClientState {
    pub(crate) fn new(
        key: Option<PrivateKey>,
        settings: RequestSettings,
        credentials: Credentials,
        limiter: Limiter,
        sessions: Sessions,
    ) -> Self {
        let empty_body_signature = key.as_ref().map(|key| signing::sign(key, b""));
        Self(Arc::new(Shared {
            key,
            empty_body_signature,
            settings,
            credentials: RwLock::new(credentials),
            sessions,
            limiter,
        }))
    }

    pub(crate) fn key(&self) -> Option<&PrivateKey> {
        self.0.key.as_ref()
    }

    /// The signature of the empty body, computed once per key.
    pub(crate) fn empty_body_signature(&self) -> Option<&str> {
        self.0.empty_body_signature.as_deref()
    }

    pub(crate) fn settings(&self) -> &RequestSettings {
        &self.0.settings
    }

    pub(crate) fn limiter(&self) -> &Limiter {
        &self.0.limiter
    }

    /// How sessions are renewed, one at a time.
    pub(crate) fn sessions(&self) -> &Sessions {
        &self.0.sessions
    }

    /// A poisoned lock only means another thread panicked mid-update of plain data: keep going.
    pub(crate) fn credentials(&self) -> RwLockReadGuard<'_, Credentials> {
        self.0.credentials.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn credentials_mut(&self) -> RwLockWriteGuard<'_, Credentials> {
        self.0.credentials.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The current session token, whatever its age.
    pub(crate) fn session_token(&self) -> Option<Secret> {
        self.credentials().session.as_ref().map(|s| s.token.clone())
    }

    /// How long the session stays fresh (before the refresh margin), if it is fresh now.
    pub(crate) fn fresh_time_left(&self) -> Option<Duration> {
        let credentials = self.credentials();
        let deadline = credentials.session.as_ref()?.expires_at.checked_sub(self.0.settings.refresh_margin)?;
        deadline.duration_since(SystemTime::now()).ok()
    }

    /// The session token, if a session is open and not about to expire.
    pub(crate) fn fresh_session_token(&self) -> Option<Secret> {
        let credentials = self.credentials();
        let session = credentials.session.as_ref()?;
        let deadline = session.expires_at.checked_sub(self.0.settings.refresh_margin)?;
        (SystemTime::now() < deadline).then(|| session.token.clone())
    }

    /// The saved form of what this client holds, for `environment`.
    pub(crate) fn saved(&self, environment: &Environment) -> Result<ContextFile> {
        let credentials = self.credentials();
        let missing = |what: &str| Error::Context(format!("nothing to save: no {what} yet"));
        let secret =
            |secret: &Option<Secret>, what| secret.as_ref().map(|s| s.expose().to_owned()).ok_or_else(|| missing(what));
        Ok(ContextFile::new(
            environment.clone(),
            secret(&credentials.api_key, "API key")?,
            self.key().ok_or_else(|| missing("key"))?.to_pem()?.to_string(),
            secret(&credentials.installation_token, "installation")?,
            credentials.server_key.as_ref().ok_or_else(|| missing("server key"))?.to_pem()?,
            credentials.device_id,
            credentials.session.as_ref().map(Into::into),
        ))
    }
}
