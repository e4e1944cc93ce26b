//! [`ApiContext::open`]: one bunq identity for many processes, created once and shared through a
//! store (renewal across them is `src/session/shared.rs`).
//!
//! - **Creation.** The first process to find no context under the key takes the key's lease,
//!   makes installation, device and session, and writes the context with a compare-and-swap
//!   from "nothing saved" fenced by its lease. The others wait for it to appear and load it.

use super::{ApiContext, ContextOptions};
use crate::session::shared::{Link, POLL, lock};
use crate::store::{ContextStore, Lease, Stored, Swap, check_key};
use crate::{Error, Result};
use bunq_protocol::{Environment, Secret};
use std::sync::{Arc, Mutex};
use std::time::Instant;

impl ApiContext {
    /// Opens the bunq identity saved under `key` in `store`, shared with every process that
    /// opens the same key: the first one makes installation, device and session (as
    /// [`ApiContext::create_with`]) and saves them; the others load them. Sessions are then
    /// renewed once for all of them (see [`ContextOptions::renewal_lease`]).
    ///
    /// The saved context is encrypted with [`ContextOptions::store_key`] when one is given;
    /// without it the store holds the API key, private key and tokens in the clear.
    pub async fn open(
        store: Arc<dyn ContextStore>,
        key: &str,
        environment: Environment,
        api_key: impl Into<Secret>,
        description: &str,
        permitted_ips: &[&str],
        options: ContextOptions,
    ) -> Result<Self> {
        Self::open_as(store, key, environment, Login::ApiKey(api_key.into()), description, permitted_ips, options).await
    }

    /// [`ApiContext::open`] for any kind of login.
    pub(crate) async fn open_as(
        store: Arc<dyn ContextStore>,
        key: &str,
        environment: Environment,
        login: Login,
        description: &str,
        permitted_ips: &[&str],
        options: ContextOptions,
    ) -> Result<Self> {
        check_key(key)?;
        let link = Arc::new(Link {
            store,
            key: key.to_owned(),
            environment: environment.clone(),
            sharing: options.sharing.clone(),
            refresh_margin: options.refresh_margin_value(),
            holder: format!("pid {}", std::process::id()),
            version: Mutex::new(0),
            last_sync: Mutex::new(Instant::now()),
        });
        // The link renews the sessions of the context from its first call on.
        let options = options.renewed_by(link.clone());
        let deadline = Instant::now() + link.sharing.patience;
        let context = loop {
            if let Some(stored) = link.patiently(|| link.store.load(&link.key)).await? {
                break Self::attach(&link, &stored, &login, options)?;
            }
            let ttl = link.sharing.lease;
            match link.patiently(|| link.store.acquire_lease(&link.key, &link.holder, ttl)).await? {
                Some(lease) => {
                    let create = Self::create_shared(&link, lease, &login, description, permitted_ips, options.clone());
                    let made = link.holding(lease, create).await;
                    link.release(lease).await;
                    if let Some(context) = made? {
                        break context;
                    }
                }
                None if Instant::now() >= deadline => {
                    return Err(Error::Context(format!(
                        "another process has held the lease of `{key}` for over {:?} without saving a context; \
                         it may be stuck (see ContextOptions::renewal_patience)",
                        link.sharing.patience
                    )));
                }
                None => tokio::time::sleep(POLL).await,
            }
        };
        Ok(context)
    }
}

/// How a shared context logs in when no process has saved it yet.
pub(crate) enum Login {
    /// With an API key (which a saved context must match).
    ApiKey(Secret),
    /// As a PSD2 provider, with its certificate.
    #[cfg(feature = "psd2")]
    Provider(super::ProviderCertificate),
}

/// Creation steps on a [`Link`]: they make an [`ApiContext`], so they live with it.
impl ApiContext {
    /// A context from what another process saved, after checking it is for this server and key.
    fn attach(link: &Link, stored: &Stored, login: &Login, options: ContextOptions) -> Result<ApiContext> {
        let file = link.decode(stored)?;
        // A provider's secret is bunq's credential, which it cannot know: the environment must match.
        let other_key = match login {
            Login::ApiKey(api_key) => file.api_key != api_key.expose(),
            #[cfg(feature = "psd2")]
            Login::Provider(_) => false,
        };
        if file.environment != link.environment || other_key {
            return Err(Error::Context(format!(
                "the context saved under `{}` was made for another server or API key: open it with those, or use \
                 another key",
                link.key
            )));
        }
        let context = ApiContext::from_context_file(file, options, |p| link.unusable(p))?;
        *lock(&link.version) = stored.version;
        Ok(context)
    }

    /// Makes the identity while holding `lease`. `None`: another process saved one first.
    async fn create_shared(
        link: &Link,
        lease: Lease,
        login: &Login,
        description: &str,
        permitted_ips: &[&str],
        options: ContextOptions,
    ) -> Result<Option<ApiContext>> {
        // Another process may have saved it between our look and our lease.
        if let Some(stored) = link.patiently(|| link.store.load(&link.key)).await? {
            return Self::attach(link, &stored, login, options).map(Some);
        }
        let environment = link.environment.clone();
        let context = match login {
            Login::ApiKey(api_key) => {
                ApiContext::create_with(environment, api_key.clone(), description, permitted_ips, options).await?
            }
            #[cfg(feature = "psd2")]
            Login::Provider(provider) => {
                ApiContext::create_for_psd2_with(environment, provider, description, permitted_ips, options).await?
            }
        };
        let bytes = link.encode(&context.client)?;
        match link.patiently(|| link.store.compare_and_swap(&link.key, 0, Some(lease), &bytes)).await? {
            Swap::Written(version) => {
                *lock(&link.version) = version;
                Ok(Some(context))
            }
            Swap::Conflict => {
                tracing::warn!(key = %link.key, "lost the lease while creating the context; using the saved one");
                Ok(None)
            }
        }
    }
}
