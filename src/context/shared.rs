//! One bunq identity for many processes: [`ApiContext::open`] and session renewal across them.
//!
//! - **Creation.** The first process to find no context under the key takes the key's lease,
//!   makes installation, device and session, and writes the context with a compare-and-swap
//!   from "nothing saved" fenced by its lease. The others wait for it to appear and load it.
//! - **Renewal.** A process whose session is about to expire (or that bunq refused) first looks
//!   in the store: if another process already saved a newer session, it takes that one. If not,
//!   it takes the lease (for [`ContextOptions::renewal_lease`], extended while it works, the wait
//!   for bunq's session-server slot included), opens one session, and saves it with a
//!   compare-and-swap on the version it read, fenced by its lease token. Everyone else polls the
//!   store meanwhile.
//! - **Crashes and stale writers.** A holder that dies leaves a lease that expires on its own;
//!   the next process takes a new one with a larger token. A holder that was too slow and lost
//!   its lease cannot write any more (its token is no longer the latest, or the version moved
//!   on): it takes the stored session instead.

use super::file::{ContextFile, SavedSession};
use super::options::Sharing;
use super::store::{ContextStore, Lease, Stored, Swap, check_key};
use super::{ApiContext, ContextOptions};
use crate::api::Client;
use crate::client::session;
use crate::client::state::Session;
use crate::{Error, Result};
use bunq_protocol::{Environment, Secret};
use progenitor_client::ClientInfo;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often a process waiting for another one looks in the store.
const POLL: Duration = Duration::from_millis(200);

/// Which stored session a process is willing to take instead of opening one.
pub(crate) enum Want {
    /// One that is not about to expire (the local one is).
    Fresh,
    /// Any unexpired one but this token (bunq just refused it).
    Other(String),
    /// One that lasts longer than the local one (a periodic look).
    Later(SystemTime),
}

/// What a context opened from a store keeps of it.
pub(crate) struct Link {
    store: Arc<dyn ContextStore>,
    key: String,
    environment: Environment,
    sharing: Sharing,
    refresh_margin: Duration,
    holder: String,
    /// The version of the stored context this process last read or wrote.
    version: Mutex<u64>,
    last_sync: Mutex<Instant>,
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link").field("store", &self.store).field("key", &self.key).finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

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
        let deadline = Instant::now() + link.sharing.patience;
        let context = loop {
            if let Some(stored) = link.patiently(|| link.store.load(&link.key)).await? {
                break link.attach(&stored, &login, options)?;
            }
            let ttl = link.sharing.lease;
            match link.patiently(|| link.store.acquire_lease(&link.key, &link.holder, ttl)).await? {
                Some(lease) => {
                    let create = link.create(lease, &login, description, permitted_ips, options.clone());
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
        context.client.inner().set_link(link);
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

/// Runs [`Link::renew`] behind a box: renewal opens a session, which is a call through the
/// hooks that may renew (see `session::open_boxed`).
pub(crate) fn renew_boxed(
    client: Client,
    link: Arc<Link>,
    want: Want,
) -> Pin<Box<dyn Future<Output = Result<()>> + Send>> {
    Box::pin(async move { link.renew(&client, want).await })
}

impl Link {
    /// Runs a store step, waiting out an unreachable store as [`crate::WhenStoreDown`] says.
    async fn patiently<'a, T, F, Fut>(&'a self, mut step: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>> + 'a,
    {
        let started = Instant::now();
        let mut pause = Duration::from_millis(250);
        loop {
            match step().await {
                Err(error @ Error::Store { .. }) => {
                    let patience = match self.sharing.when_down {
                        crate::WhenStoreDown::Wait(patience) => patience,
                        crate::WhenStoreDown::Fail => return Err(error),
                    };
                    if started.elapsed() + pause > patience {
                        return Err(error);
                    }
                    tracing::warn!(key = %self.key, %error, "context store unreachable; waiting");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                other => return other,
            }
        }
    }

    /// Runs `work` holding `lease`, extending it every third of its length: it lasts as long as
    /// the work (a wait for bunq's session-server slot included), and runs out no later than
    /// [`ContextOptions::renewal_lease`] after this process stops.
    async fn holding<T>(&self, lease: Lease, work: impl Future<Output = T>) -> T {
        let keep = async {
            let ttl = self.sharing.lease;
            loop {
                tokio::time::sleep(ttl / 3).await;
                match self.store.extend_lease(&self.key, lease, ttl).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(error) => tracing::warn!(key = %self.key, %error, "could not extend the lease; it may run out"),
                }
            }
        };
        let mut held = Held { link: self, lease, done: false };
        tokio::pin!(work);
        let out = tokio::select! {
            out = &mut work => out,
            () = keep => {
                tracing::warn!(key = %self.key, "the lease ran out while held; its fence keeps this process from writing");
                work.await
            }
        };
        held.done = true;
        out
    }

    /// Gives the lease back; a failure only delays the next holder until the lease expires.
    async fn release(&self, lease: Lease) {
        if let Err(error) = self.store.release_lease(&self.key, lease).await {
            tracing::warn!(key = %self.key, %error, "could not give the renewal lease back; it will expire");
        }
    }

    fn unusable(&self, problem: impl fmt::Display) -> Error {
        Error::Context(format!("the context saved under `{}` cannot be used: {problem}", self.key))
    }

    /// The stored bytes of the context a client holds.
    fn encode(&self, client: &Client) -> Result<Vec<u8>> {
        let context = ApiContext { environment: self.environment.clone(), client: client.clone() };
        let file = context.to_file()?;
        #[cfg(feature = "aws-lc")]
        if let Some(key) = &self.sharing.seal {
            let seal = |plain: &[u8]| super::file::sealed_file(key, plain);
            return file.encode(Some(&seal)).map_err(|p| self.unusable(p));
        }
        file.encode(None).map_err(|p| self.unusable(p))
    }

    fn decode(&self, stored: &Stored) -> Result<ContextFile> {
        #[cfg(feature = "aws-lc")]
        if let Some(key) = &self.sharing.seal {
            return ContextFile::parse_sealed(&stored.bytes, key).map_err(|p| self.unusable(p));
        }
        ContextFile::parse(&stored.bytes).map_err(|p| self.unusable(p))
    }

    /// A context from what another process saved, after checking it is for this server and key.
    fn attach(&self, stored: &Stored, login: &Login, options: ContextOptions) -> Result<ApiContext> {
        let file = self.decode(stored)?;
        // A provider's secret is bunq's credential, which it cannot know: the environment must match.
        let other_key = match login {
            Login::ApiKey(api_key) => file.api_key != api_key.expose(),
            #[cfg(feature = "psd2")]
            Login::Provider(_) => false,
        };
        if file.environment != self.environment || other_key {
            return Err(Error::Context(format!(
                "the context saved under `{}` was made for another server or API key: open it with those, or use \
                 another key",
                self.key
            )));
        }
        let context = ApiContext::from_context_file(file, options, |p| self.unusable(p))?;
        *lock(&self.version) = stored.version;
        Ok(context)
    }

    /// Makes the identity while holding `lease`. `None`: another process saved one first.
    async fn create(
        &self,
        lease: Lease,
        login: &Login,
        description: &str,
        permitted_ips: &[&str],
        options: ContextOptions,
    ) -> Result<Option<ApiContext>> {
        // Another process may have saved it between our look and our lease.
        if let Some(stored) = self.patiently(|| self.store.load(&self.key)).await? {
            return self.attach(&stored, login, options).map(Some);
        }
        let environment = self.environment.clone();
        let context = match login {
            Login::ApiKey(api_key) => {
                ApiContext::create_with(environment, api_key.clone(), description, permitted_ips, options).await?
            }
            #[cfg(feature = "psd2")]
            Login::Provider(provider) => {
                ApiContext::create_for_psd2_with(environment, provider, description, permitted_ips, options).await?
            }
        };
        let bytes = self.encode(&context.client)?;
        match self.patiently(|| self.store.compare_and_swap(&self.key, 0, Some(lease), &bytes)).await? {
            Swap::Written(version) => {
                *lock(&self.version) = version;
                Ok(Some(context))
            }
            Swap::Conflict => {
                tracing::warn!(key = %self.key, "lost the lease while creating the context; using the saved one");
                Ok(None)
            }
        }
    }

    /// Gets this process a new session: one another process saved, or one it opens itself
    /// holding the lease. Called with the process's own renewal mutex held.
    async fn renew(&self, client: &Client, want: Want) -> Result<()> {
        let deadline = Instant::now() + self.sharing.patience;
        loop {
            let stored = self.patiently(|| self.store.load(&self.key)).await?;
            if let Some(stored) = &stored
                && self.take_if_wanted(client, stored, &want)?
            {
                return Ok(());
            }
            match self.patiently(|| self.store.acquire_lease(&self.key, &self.holder, self.sharing.lease)).await? {
                Some(lease) => {
                    let renewed = self.holding(lease, self.renew_holding(client, lease, &want)).await;
                    self.release(lease).await;
                    return renewed;
                }
                None if Instant::now() >= deadline => {
                    return Err(Error::Context(format!(
                        "no new session for `{}` after {:?}: another process holds the renewal lease and saved \
                         none (see ContextOptions::renewal_patience)",
                        self.key, self.sharing.patience
                    )));
                }
                None => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// The renewal proper, under `lease`.
    async fn renew_holding(&self, client: &Client, lease: Lease, want: &Want) -> Result<()> {
        // Another process may have saved a session between our look and our lease.
        let stored = self.patiently(|| self.store.load(&self.key)).await?;
        if let Some(stored) = &stored
            && self.take_if_wanted(client, stored, want)?
        {
            return Ok(());
        }
        let expected = stored.as_ref().map_or(0, |stored| stored.version);
        session::open_boxed(client.clone()).await?;
        let bytes = self.encode(client)?;
        match self.patiently(|| self.store.compare_and_swap(&self.key, expected, Some(lease), &bytes)).await? {
            Swap::Written(version) => *lock(&self.version) = version,
            Swap::Conflict => {
                // Our lease ran out and a later holder (or writer) got there first: theirs stands.
                tracing::warn!(key = %self.key, "the renewal lease ran out before the session was saved");
                if let Some(stored) = self.patiently(|| self.store.load(&self.key)).await? {
                    let ours = client.inner().credentials().session.as_ref().map(|s| s.expires_at);
                    self.take_if_wanted(client, &stored, &Want::Later(ours.unwrap_or(UNIX_EPOCH)))?;
                }
            }
        }
        Ok(())
    }

    /// Takes the stored session into the client if it is what `want` asks for.
    fn take_if_wanted(&self, client: &Client, stored: &Stored, want: &Want) -> Result<bool> {
        let file = self.decode(stored)?;
        let Some(saved) = &file.session else { return Ok(false) };
        let expires_at = UNIX_EPOCH + Duration::from_secs(saved.expires_at);
        let now = SystemTime::now();
        let wanted = match want {
            Want::Fresh => now + self.refresh_margin < expires_at,
            Want::Other(rejected) => saved.token != *rejected && now + Duration::from_secs(1) < expires_at,
            Want::Later(ours) => *ours < expires_at && now + self.refresh_margin < expires_at,
        };
        if !wanted {
            return Ok(false);
        }
        let mut credentials = client.inner().credentials_mut();
        if credentials.installation_token.as_ref().map(Secret::expose) != Some(file.installation_token.as_str()) {
            return Err(self.unusable("it now holds another installation (was it replaced?); open the context again"));
        }
        credentials.session = Some(session_of(saved, expires_at));
        drop(credentials);
        *lock(&self.version) = stored.version;
        Ok(true)
    }

    /// With [`ContextOptions::sync_every`], looks in the store when it is time, and takes a
    /// session that lasts longer than this process's own. Failures only log: the call goes on.
    pub(crate) async fn sync_if_due(&self, client: &Client) {
        let Some(every) = self.sharing.sync_every else { return };
        {
            let mut last = lock(&self.last_sync);
            if last.elapsed() < every {
                return;
            }
            *last = Instant::now();
        }
        let ours = client.inner().credentials().session.as_ref().map_or(UNIX_EPOCH, |s| s.expires_at);
        match self.store.load(&self.key).await {
            Ok(Some(stored)) if stored.version != *lock(&self.version) => {
                if let Err(error) = self.take_if_wanted(client, &stored, &Want::Later(ours)) {
                    tracing::warn!(key = %self.key, %error, "could not take the stored session");
                }
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(key = %self.key, %error, "could not look in the context store"),
        }
    }
}

/// A lease being worked under. Dropped before the work ended (a caller gave up on the call),
/// it gives the lease back in the background rather than leave the others waiting it out.
struct Held<'a> {
    link: &'a Link,
    lease: Lease,
    done: bool,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let (store, key, lease) = (self.link.store.clone(), self.link.key.clone(), self.lease);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = store.release_lease(&key, lease).await {
                    tracing::warn!(%key, %error, "could not give an abandoned lease back; it will run out");
                }
            });
        }
    }
}

fn session_of(saved: &SavedSession, expires_at: SystemTime) -> Session {
    Session {
        token: Secret::new(saved.token.clone()),
        id: saved.id,
        user_id: crate::api::types::UserId(saved.user_id),
        expires_at,
    }
}

/// The renewal a caller of [`ApiContext::renew_session`] asks for on a shared context: a
/// session other than the current one.
pub(crate) async fn renew_now(context: &ApiContext, link: Arc<Link>) -> Result<()> {
    let state = context.client.inner();
    let _one_at_a_time = state.renewing().lock().await;
    let current = state.session_token().map(|t| t.expose().to_owned()).unwrap_or_default();
    renew_boxed(context.client.clone(), link, Want::Other(current)).await
}
