//! An embedded bunq sandbox: a local HTTP server on 127.0.0.1 that speaks bunq's wire protocol,
//! so code using [`bunq_api`] — or a bunq client in any language — can run offline.
//!
//! It serves every operation of `bunq-api`'s `spec/bunq.json` (480), routed from the document
//! itself. It keeps everything in memory: installations and their tokens, devices, API keys,
//! sessions (that expire), a small bank whose users pay each other for real, in integer cents, and
//! every other object created through the API. It checks tokens and request signatures like bunq
//! does (401, 466), refuses reused request ids, checks bodies against their schemas (400, naming
//! the field), answers 404 for ids that are not the caller's, signs every response (errors too)
//! with its own server key, paginates listings, can enforce bunq's rate limits (429), and can
//! misbehave on request through [`Faults`]. It writes JSON as bunq does (non-ASCII as `\uXXXX`,
//! `/` as `\/`), and every object it answers with carries every field its type has on bunq's wire,
//! with the value its state gives it and `null` (or `[]`) where the state has nothing.
//!
//! Money moves through payments, payment batches, request-inquiries (to sugardaddy or between
//! sandbox users, answered through their request-responses), draft payments once accepted, and
//! scheduled payments that are due; accounts can be opened (`monetary-account-bank`, `-savings`,
//! `-joint`, …), changed and closed. Any other operation follows one rule: a create stores what
//! it was given, reads, listings, updates and deletes act on what was stored.
//!
//! Add it as a dev-dependency next to `bunq-api`, and use [`Sandbox::environment`] wherever you
//! would say `Environment::Sandbox`:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use bunq_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start_with(SandboxConfig::default().rate_limits(true)).await?;
//! let api_key = sandbox.create_user().await; // a user with an empty EUR account
//! println!("{} with key {api_key}", sandbox.base_url());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Money comes from `sugardaddy@bunq.com`: a request-inquiry to it for at most 500.00 EUR is
//! accepted at once. Payments go to other sandbox users by email, phone number or IBAN, to
//! sugardaddy, or to any valid IBAN outside the sandbox (the money just leaves). A scheduled
//! payment that is due when created pays once, at once; it is not run again later.
//!
//! Sessions end `session_timeout` after they were opened; calls do not extend them.
//!
//! Callbacks: a notification filter (`notification-filter-url`, of the user or of one account)
//! makes the sandbox POST bunq's `NotificationUrl` payload to its target for the events of its
//! category: PAYMENT and MUTATION for every payment booked (the payer's `…_CREATED`, the
//! receiver's `…_RECEIVED`), REQUEST, DRAFT_PAYMENT, BUNQME_TAB and SCHEDULE_RESULT when such
//! an object is made or changes status. Targets must be https, or plain http to this machine.
//! Deliveries run in the background; a failed one is tried again by [`CallbackRetry`]
//! (bunq's rule by default; [`SandboxConfig::callback_retry`] makes tests fast).
//!
//! OAuth works as on bunq, for tests: OAuth clients and their callback URLs through the API,
//! `GET <origin>/oauth/auth` approving at once (as the user whose API key comes as
//! `Authorization: Bearer`, else a new sandbox user) with a 302 to the redirect URL, and
//! `POST <base>token` giving an access token whose sessions act as a `UserApiKey` for the
//! granting user, within OAuth's limits (own-account payments, request-inquiries, draft
//! payments, reads of accounts and cards; anything else 403).
//!
//! The package's binary, `sandbox_server`, runs it standalone for clients in other languages:
//! `cargo run -p bunq-sandbox -- --listen 127.0.0.1:0` prints the base URL, then serves.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

// HTTP and bunq's wire: the server, calls and answers, JSON as bunq writes it, pages, faults.
#[path = "http/call.rs"]
mod call;
#[path = "http/encryption.rs"]
mod encryption;
#[path = "http/faults.rs"]
mod faults;
#[path = "http/fill.rs"]
mod fill;
#[path = "http/listing.rs"]
mod listing;
#[path = "http/render.rs"]
mod render;
#[path = "http/server.rs"]
mod server;
#[path = "http/wire.rs"]
mod wire;
// Routing from the spec: the document, paths to operations, body checks, id ownership, dispatch.
#[path = "routing/dispatch.rs"]
mod dispatch;
#[path = "routing/ownership.rs"]
mod ownership;
#[path = "routing/router.rs"]
mod router;
#[path = "routing/spec.rs"]
mod spec;
#[path = "routing/validate.rs"]
mod validate;
// Generic emulation: stored objects, and what reads derive from them.
#[path = "emulation/cards.rs"]
mod cards;
#[path = "emulation/exports.rs"]
mod exports;
#[path = "emulation/generic.rs"]
mod generic;
#[path = "emulation/media.rs"]
mod media;
#[path = "emulation/shares.rs"]
mod shares;
#[path = "emulation/store.rs"]
mod store;
#[path = "emulation/tabs.rs"]
mod tabs;
#[path = "emulation/views.rs"]
mod views;
// The bank's money rules: users, accounts, payments, requests, drafts, schedules.
#[path = "bank/accounts.rs"]
mod accounts;
#[path = "bank/bank.rs"]
mod bank;
#[path = "bank/drafts.rs"]
mod drafts;
#[path = "bank/money.rs"]
mod money;
#[path = "bank/payments.rs"]
mod payments;
#[path = "bank/requests.rs"]
mod requests;
#[path = "bank/schedules.rs"]
mod schedules;
// Auth: installations, devices, sessions, API keys, OAuth.
#[path = "auth/access.rs"]
mod access;
#[path = "auth/context_calls.rs"]
mod context_calls;
#[path = "auth/oauth.rs"]
mod oauth;
#[path = "auth/psd2.rs"]
mod psd2;
// Events and their delivery as callbacks.
#[path = "events/deliver.rs"]
mod deliver;
#[path = "events/events.rs"]
mod events;

pub use deliver::CallbackRetry;
pub use faults::Faults;

use bunq_protocol::Environment;
use bunq_protocol::keys::PrivateKey;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How a [`Sandbox`] behaves. `SandboxConfig::default()` is bunq-like: one-week sessions,
/// signatures required, no rate limits, a port picked by the system on 127.0.0.1.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    session_timeout: Duration,
    legacy_signatures: bool,
    rate_limits: bool,
    require_signatures: bool,
    server_key: Option<PrivateKey>,
    listen: SocketAddr,
    callback_retry: CallbackRetry,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            session_timeout: Duration::from_secs(7 * 24 * 3600),
            legacy_signatures: false,
            rate_limits: false,
            require_signatures: true,
            server_key: None,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            callback_retry: CallbackRetry::default(),
        }
    }
}

impl SandboxConfig {
    /// How long sessions of users created from now on last (`session_timeout` on the user,
    /// in whole seconds, rounded up). Default one week.
    pub fn session_timeout(mut self, d: Duration) -> Self {
        self.session_timeout = d;
        self
    }

    /// Sign responses with bunq's older scheme (status line, `X-Bunq-*` headers and body).
    pub fn legacy_signatures(mut self, on: bool) -> Self {
        self.legacy_signatures = on;
        self
    }

    /// Refuse calls over bunq's rate limits with 429 (per client IP and endpoint). Default off.
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.rate_limits = on;
        self
    }

    /// Refuse token-carrying calls without a valid `X-Bunq-Client-Signature` with 466. Default on.
    pub fn require_signatures(mut self, on: bool) -> Self {
        self.require_signatures = on;
        self
    }

    /// The key the sandbox signs responses with. Without one, a key generated once per process
    /// is used (shared by all sandboxes in it that were given none).
    pub fn server_key(mut self, key: PrivateKey) -> Self {
        self.server_key = Some(key);
        self
    }

    /// Where to listen. Default `127.0.0.1:0` (a free port).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// How failed callback deliveries are tried again. Default bunq's: 6 attempts, a minute apart.
    pub fn callback_retry(mut self, retry: CallbackRetry) -> Self {
        self.callback_retry = retry;
        self
    }
}

/// Counters since the sandbox started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// HTTP requests received.
    pub requests: u64,
    /// Successful `POST /installation` calls.
    pub installations: u64,
    /// `POST /session-server` calls, successful or not.
    pub session_server_calls: u64,
    /// Sessions opened.
    pub sessions_opened: u64,
    /// Devices registered (`POST /device-server` again for the same installation and key: no new one).
    pub devices: u64,
    /// Payments made through the API (each payment of a batch counts).
    pub payments: u64,
    /// Calls refused with 466 for a missing or invalid signature.
    pub rejected_signatures: u64,
    /// Callbacks delivered (answered 2xx).
    pub callbacks_delivered: u64,
    /// Callbacks given up on after their last attempt.
    pub callbacks_failed: u64,
}

/// The live counters behind [`Stats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub installations: AtomicU64,
    pub session_server_calls: AtomicU64,
    pub sessions_opened: AtomicU64,
    pub devices: AtomicU64,
    pub payments: AtomicU64,
    pub rejected_signatures: AtomicU64,
    pub callbacks_delivered: AtomicU64,
    pub callbacks_failed: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64, by: u64) {
        counter.fetch_add(by, Ordering::Relaxed);
    }

    fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            requests: get(&self.requests),
            installations: get(&self.installations),
            session_server_calls: get(&self.session_server_calls),
            sessions_opened: get(&self.sessions_opened),
            devices: get(&self.devices),
            payments: get(&self.payments),
            rejected_signatures: get(&self.rejected_signatures),
            callbacks_delivered: get(&self.callbacks_delivered),
            callbacks_failed: get(&self.callbacks_failed),
        }
    }
}

/// The settings the server consults on every call.
#[derive(Debug)]
pub(crate) struct Settings {
    /// Whole seconds.
    pub session_timeout: u64,
    pub legacy_signatures: bool,
    pub rate_limits: bool,
    pub require_signatures: bool,
}

/// Everything that changes, behind one lock: bank, access and stored objects move together.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub ids: bank::Ids,
    pub bank: bank::Bank,
    pub access: access::Access,
    pub store: store::Store,
    pub oauth: oauth::OAuth,
}

/// State shared by the server, the [`Sandbox`] handle and [`Faults`].
pub(crate) struct Shared {
    pub settings: Settings,
    pub server_key: PrivateKey,
    pub server_public_pem: String,
    pub world: Mutex<World>,
    pub faults: Mutex<faults::FaultState>,
    pub counters: Counters,
    pub outbox: deliver::Outbox,
}

/// Locks a mutex; a panic elsewhere while it was held does not take the sandbox down.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A key generated once per process, on first use, into `cell`. A plain `OnceLock` (not a
/// runtime-bound cell), so a test runtime ending mid-generation cannot leave it broken.
pub(crate) fn key_once(cell: &'static OnceLock<Option<PrivateKey>>) -> Option<&'static PrivateKey> {
    cell.get_or_init(|| PrivateKey::generate().ok()).as_ref()
}

/// The default server key, shared by the sandboxes of one process.
fn default_server_key() -> std::io::Result<PrivateKey> {
    static SERVER_KEY: OnceLock<Option<PrivateKey>> = OnceLock::new();
    key_once(&SERVER_KEY).cloned().ok_or_else(|| std::io::Error::other("could not generate the server key"))
}

/// A running sandbox server. Dropping it stops the server; [`shutdown`](Self::shutdown)
/// stops it gracefully and waits.
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("base_url", &self.base_url()).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox with the default configuration.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox.
    pub async fn start_with(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let server_key = match config.server_key {
            Some(key) => key,
            None => default_server_key()?,
        };
        let server_public_pem = server_key.public_key().to_pem().map_err(std::io::Error::other)?;
        // Read the spec now rather than on the first call.
        spec::get();
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let millis = config.session_timeout.as_millis();
        let shared = Arc::new_cyclic(|shared| Shared {
            settings: Settings {
                session_timeout: u64::try_from(millis.div_ceil(1000)).unwrap_or(u64::MAX).max(1),
                legacy_signatures: config.legacy_signatures,
                rate_limits: config.rate_limits,
                require_signatures: config.require_signatures,
            },
            server_key,
            server_public_pem,
            world: Mutex::new(World::default()),
            faults: Mutex::new(faults::FaultState::default()),
            counters: Counters::default(),
            outbox: deliver::Outbox::start(config.callback_retry, shared.clone()),
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(Sandbox { shared, addr, stop, task: Some(task) })
    }

    /// The address to call, e.g. `http://127.0.0.1:39123/v1/` (with a trailing slash).
    pub fn base_url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}/v1/", SocketAddr::new(ip, self.addr.port()))
    }

    /// [`Environment::Custom`] with [`base_url`](Self::base_url).
    pub fn environment(&self) -> Environment {
        Environment::Custom(self.base_url())
    }

    /// The handle to inject faults.
    pub fn faults(&self) -> Faults {
        Faults { shared: self.shared.clone(), scope: faults::Scope::All }
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Creates a sandbox user with an empty EUR account, as `POST /sandbox-user-person` does,
    /// and returns its API key.
    pub async fn create_user(&self) -> String {
        context_calls::create_user(&self.shared, false)
    }

    /// Stops accepting connections, lets calls in flight finish (for up to 5 s) and returns.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}
