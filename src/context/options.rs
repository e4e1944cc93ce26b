//! `ContextOptions`: how an [`ApiContext`](crate::ApiContext) is built — request headers,
//! timeouts, retries, limits, TLS pins, your own `reqwest::Client` or key.

use crate::api::Client;
use crate::client::state::{ClientState, Credentials, RequestSettings};
use crate::{Error, Result};
use bunq_protocol::Environment;
use bunq_protocol::keys::PrivateKey;
use std::time::Duration;

/// How a context is built: request headers, timeouts, your own `reqwest::Client` or key.
#[derive(Debug, Default)]
pub struct ContextOptions {
    settings: RequestSettings,
    http: Option<reqwest::Client>,
    key: Option<PrivateKey>,
    timeout: Option<Duration>,
    #[cfg(feature = "rustls")]
    pins: Vec<crate::SpkiPin>,
    #[cfg(feature = "rustls")]
    roots: Vec<Vec<u8>>,
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
    /// Discard responses with a larger body (default 16 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.settings.max_response_bytes = limit;
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
        let state = ClientState::new(key, self.settings, credentials);
        Ok(Client::new_with_client(environment.base_url(), http, state))
    }
}
