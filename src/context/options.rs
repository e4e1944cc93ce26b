//! `ContextOptions`: how an [`ApiContext`](crate::ApiContext) is built — request headers,
//! timeouts, retries, limits, TLS pins, your own `reqwest::Client` or key.

use crate::api::Client;
use crate::client::limits::Limiter;
use crate::client::state::{ClientState, Credentials, RequestSettings};
use crate::session::shared::Sharing;
use crate::session::{AfterRenewal, Local, Renewal, Sessions};
use crate::store::{SharedLimiter, WhenStoreDown};
use crate::{Error, Result};
use bunq_protocol::Environment;
use bunq_protocol::keys::PrivateKey;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How a context is built: request headers, timeouts, your own `reqwest::Client` or key, and
/// how it is shared with other processes (store encryption, lease, shared rate limits).
#[derive(Clone, Debug, Default)]
pub struct ContextOptions {
    settings: RequestSettings,
    pub(super) sharing: Sharing,
    limits: SharedLimits,
    http: Option<reqwest::Client>,
    key: Option<PrivateKey>,
    timeout: Option<Duration>,
    save_on_renew: Option<PathBuf>,
    /// How sessions are renewed: [`Local`] unless the context is opened from a store.
    renewal: Option<Arc<dyn Renewal>>,
    #[cfg(feature = "rustls")]
    pins: Vec<crate::SpkiPin>,
    #[cfg(feature = "rustls")]
    roots: Vec<Vec<u8>>,
}

/// The rate limiter [`ContextOptions::shared_rate_limits`] asks for.
#[derive(Clone, Debug)]
struct SharedLimits {
    limiter: Option<Arc<dyn SharedLimiter>>,
    bucket: String,
    margin: Duration,
}

impl Default for SharedLimits {
    fn default() -> Self {
        Self { limiter: None, bucket: "bunq".to_owned(), margin: Duration::from_millis(250) }
    }
}

impl SharedLimits {
    /// The limiter these options describe: shared when one was given, else in-process.
    fn limiter(&self, when_down: WhenStoreDown) -> Limiter {
        match &self.limiter {
            Some(limiter) => Limiter::Shared {
                limiter: limiter.clone(),
                bucket: self.bucket.clone(),
                margin: self.margin,
                when_down,
            },
            None => Limiter::InProcess(Default::default()),
        }
    }
}

impl ContextOptions {
    /// Defaults: 30 s timeout, `bunq-api-rust/<version>` user agent, `en_US`, `nl_NL`.
    pub fn new() -> Self {
        Self::default()
    }
    /// The `User-Agent` header.
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.settings.user_agent = value.into();
        self
    }
    /// `X-Bunq-Language` and `X-Bunq-Region`, e.g. `("nl_NL", "nl_NL")`.
    pub fn locale(mut self, language: impl Into<String>, region: impl Into<String>) -> Self {
        self.settings.language = language.into();
        self.settings.region = region.into();
        self
    }
    /// `X-Bunq-Geolocation`: `longitude latitude altitude radius country`.
    pub fn geolocation(mut self, value: impl Into<String>) -> Self {
        self.settings.geolocation = value.into();
        self
    }
    /// Timeout for each request (when the client is built here).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Use this `reqwest::Client` (its connection pool, proxy, TLS settings).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }
    /// Install this key instead of generating one.
    pub fn key(mut self, key: PrivateKey) -> Self {
        self.key = Some(key);
        self
    }
    /// Open a new session when less than this is left of the current one (default 30 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.settings.refresh_margin = margin;
        self
    }
    /// Keep to bunq's rate limits on the client side (default on): calls wait for their slot.
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.settings.rate_limits = on;
        self
    }
    /// How reads are retried on 429, 491, 5xx or no answer (default: 3 retries from 0.5 s).
    pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }
    /// Require one of these public keys in the server's certificate chain, on top of the usual
    /// checks. Off by default; give at least two pins (current and backup) or building fails.
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn pin_certificates(mut self, pins: impl IntoIterator<Item = crate::SpkiPin>) -> Self {
        self.pins = pins.into_iter().collect();
        self
    }
    /// Trust this root certificate (DER) besides the platform's, e.g. a test CA.
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    pub fn add_root_certificate(mut self, der: Vec<u8>) -> Self {
        self.roots.push(der);
        self
    }
    /// Save the context to `path` (as [`ApiContext::save`](crate::ApiContext::save) does) each
    /// time a new session is got — by a call or by
    /// [`ApiContext::renew_session`](crate::ApiContext::renew_session). A failed save does not
    /// fail the call.
    pub fn save_on_renew(mut self, path: impl Into<PathBuf>) -> Self {
        self.save_on_renew = Some(path.into());
        self
    }
    /// Discard responses with a larger body (default 16 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.settings.max_response_bytes = limit;
        self
    }

    /// Keep bunq's rate limits together with every process that uses the same limiter and
    /// `bucket` (one bucket per egress IP: bunq counts per IP), instead of in this process only.
    /// Stores made by [`store::connect`](crate::store::connect) are limiters too.
    pub fn shared_rate_limits(mut self, limiter: Arc<dyn SharedLimiter>, bucket: impl Into<String>) -> Self {
        self.limits.limiter = Some(limiter);
        self.limits.bucket = bucket.into();
        self
    }
    /// Extra room on every shared window (default 250 ms), for send times that drift between
    /// booking and arrival.
    pub fn shared_rate_margin(mut self, margin: Duration) -> Self {
        self.limits.margin = margin;
        self
    }
    /// What calls do when the store or shared limiter does not answer (default: wait up to 30 s,
    /// then fail). No call ever goes ahead without its slot.
    pub fn when_store_down(mut self, policy: WhenStoreDown) -> Self {
        self.sharing.when_down = policy;
        self
    }
    /// Encrypt the context in the store with this key (AES-256-GCM), as
    /// [`ApiContext::save_encrypted`](crate::ApiContext::save_encrypted) does for files.
    #[cfg(feature = "aws-lc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws-lc")))]
    pub fn store_key(mut self, key: crate::ContextKey) -> Self {
        self.sharing.seal = Some(key);
        self
    }
    /// The renewal lease (default 10 s): its holder extends it every third of this while it works,
    /// so this is the longest a crashed renewer holds the others up, beyond bunq's own limit.
    pub fn renewal_lease(mut self, lease: Duration) -> Self {
        self.sharing.lease = lease;
        self
    }
    /// How long a process waits for another to create the context or renew the session before
    /// it gives up with an error (default 120 s).
    pub fn renewal_patience(mut self, patience: Duration) -> Self {
        self.sharing.patience = patience;
        self
    }
    /// Also look in the store this often for a session another process opened (default: only
    /// when the session is about to expire or bunq refuses it).
    pub fn sync_every(mut self, interval: Duration) -> Self {
        self.sharing.sync_every = Some(interval);
        self
    }

    /// The refresh margin: sessions closer than this to their end are not used.
    pub(super) fn refresh_margin_value(&self) -> Duration {
        self.settings.refresh_margin
    }

    /// Renew sessions with `renewal` instead of opening them here (a context opened from a store).
    pub(super) fn renewed_by(mut self, renewal: Arc<dyn Renewal>) -> Self {
        self.renewal = Some(renewal);
        self
    }

    /// The key given with [`ContextOptions::key`], taken out.
    pub(super) fn take_key(&mut self) -> Option<PrivateKey> {
        self.key.take()
    }

    /// The typed client these options describe, for `environment`, with this key and state.
    pub(super) fn build(
        self,
        environment: &Environment,
        key: Option<PrivateKey>,
        credentials: Credentials,
    ) -> Result<Client> {
        #[cfg(feature = "rustls")]
        if self.http.is_some() && !(self.pins.is_empty() && self.roots.is_empty()) {
            return Err(Error::Context(
                "pins and roots apply to the client built here: set them on your own reqwest::Client instead".into(),
            ));
        }
        let http = match self.http {
            Some(client) => client,
            None => {
                #[allow(unused_mut)]
                let mut builder = reqwest::Client::builder()
                    .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                    .connect_timeout(Duration::from_secs(10));
                #[cfg(feature = "rustls")]
                if !self.pins.is_empty() || !self.roots.is_empty() {
                    let tls = crate::client::pinning::tls_config(&self.pins, &self.roots).map_err(Error::Context)?;
                    builder = builder.tls_backend_preconfigured(tls);
                }
                builder.build().map_err(Error::Transport)?
            }
        };
        let after = self.save_on_renew.map(|path| {
            let environment = environment.clone();
            let save: Arc<AfterRenewal> = Arc::new(move |client| {
                let context = super::ApiContext { environment: environment.clone(), client: client.clone() };
                // A failed save must not fail the call that renewed the session.
                if let Err(error) = context.save(&path) {
                    tracing::warn!(%error, "could not save the context after a renewal");
                }
            });
            save
        });
        let sessions = Sessions::new(self.renewal.unwrap_or_else(|| Arc::new(Local)), after);
        let state =
            ClientState::new(key, self.settings, credentials, self.limits.limiter(self.sharing.when_down), sessions);
        Ok(Client::new_with_client(environment.base_url(), http, state))
    }
}
