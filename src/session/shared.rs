//! The renewal of a context opened from a store ([`ApiContext::open`](crate::ApiContext::open)),
//! once for every process sharing it; the creation is in `src/context/shared.rs`.
//!
//! - **Renewal.** A process whose session is about to expire (or that bunq refused) first looks
//!   in the store: if another process already saved a newer session, it takes that one. If not,
//!   it takes the lease (for [`ContextOptions::renewal_lease`](crate::ContextOptions::renewal_lease),
//!   extended while it works, the wait for bunq's session-server slot included), opens one
//!   session, and saves it with a compare-and-swap on the version it read, fenced by its lease
//!   token. Everyone else polls the store meanwhile.
//! - **Crashes and stale writers.** A holder that dies leaves a lease that expires on its own;
//!   the next process takes a new one with a larger token. A holder that was too slow and lost
//!   its lease cannot write any more (its token is no longer the latest, or the version moved
//!   on): it takes the stored session instead.

use super::{RenewFuture, Renewal, Want};
use crate::api::Client;
use crate::saved::ContextFile;
#[cfg(feature = "aws-lc")]
use crate::saved::{ContextKey, sealed_file};
use crate::store::{ContextStore, Lease, Stored, Swap, WhenStoreDown};
use crate::{Error, Result};
use bunq_protocol::{Environment, Secret};
use progenitor_client::ClientInfo;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How often a process waiting for another one looks in the store.
pub(crate) const POLL: Duration = Duration::from_millis(200);

/// How a context opened from a store is shared; see `ContextOptions`' setters.
#[derive(Clone, Debug)]
pub(crate) struct Sharing {
    #[cfg(feature = "aws-lc")]
    pub seal: Option<ContextKey>,
    pub lease: Duration,
    pub patience: Duration,
    pub sync_every: Option<Duration>,
    pub when_down: WhenStoreDown,
}

impl Default for Sharing {
    fn default() -> Self {
        Self {
            #[cfg(feature = "aws-lc")]
            seal: None,
            lease: Duration::from_secs(10),
            patience: Duration::from_secs(120),
            sync_every: None,
            when_down: WhenStoreDown::default(),
        }
    }
}

/// What a context opened from a store keeps of it.
pub(crate) struct Link {
    pub(crate) store: Arc<dyn ContextStore>,
    pub(crate) key: String,
    pub(crate) environment: Environment,
    pub(crate) sharing: Sharing,
    pub(crate) refresh_margin: Duration,
    pub(crate) holder: String,
    /// The version of the stored context this process last read or wrote.
    pub(crate) version: Mutex<u64>,
    pub(crate) last_sync: Mutex<Instant>,
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link").field("store", &self.store).field("key", &self.key).finish_non_exhaustive()
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Renewal for Link {
    fn renew(self: Arc<Self>, client: Client, want: Want) -> RenewFuture {
        Box::pin(async move { self.renew_through_store(&client, want).await })
    }

    fn sync_if_due(self: Arc<Self>, client: Client) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move { self.take_newer_if_due(&client).await })
    }
}

impl Link {
    /// Runs a store step, waiting out an unreachable store as [`crate::WhenStoreDown`] says.
    pub(crate) async fn patiently<'a, T, F, Fut>(&'a self, mut step: F) -> Result<T>
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
                        WhenStoreDown::Wait(patience) => patience,
                        WhenStoreDown::Fail => return Err(error),
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
    /// [`ContextOptions::renewal_lease`](crate::ContextOptions::renewal_lease) after this process stops.
    pub(crate) async fn holding<T>(&self, lease: Lease, work: impl Future<Output = T>) -> T {
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
    pub(crate) async fn release(&self, lease: Lease) {
        if let Err(error) = self.store.release_lease(&self.key, lease).await {
            tracing::warn!(key = %self.key, %error, "could not give the renewal lease back; it will expire");
        }
    }

    pub(crate) fn unusable(&self, problem: impl fmt::Display) -> Error {
        Error::Context(format!("the context saved under `{}` cannot be used: {problem}", self.key))
    }

    /// The stored bytes of the context a client holds.
    pub(crate) fn encode(&self, client: &Client) -> Result<Vec<u8>> {
        let file = client.inner().saved(&self.environment)?;
        #[cfg(feature = "aws-lc")]
        if let Some(key) = &self.sharing.seal {
            let seal = |plain: &[u8]| sealed_file(key, plain);
            return file.encode(Some(&seal)).map_err(|p| self.unusable(p));
        }
        file.encode(None).map_err(|p| self.unusable(p))
    }

    pub(crate) fn decode(&self, stored: &Stored) -> Result<ContextFile> {
        #[cfg(feature = "aws-lc")]
        if let Some(key) = &self.sharing.seal {
            return ContextFile::parse_sealed(&stored.bytes, key).map_err(|p| self.unusable(p));
        }
        ContextFile::parse(&stored.bytes).map_err(|p| self.unusable(p))
    }

    /// Gets this process a new session: one another process saved, or one it opens itself
    /// holding the lease. Called with the process's own renewal mutex held.
    async fn renew_through_store(&self, client: &Client, want: Want) -> Result<()> {
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
        super::open(client).await?;
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
        let expires_at = saved.expires_at();
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
        credentials.session = Some(saved.into());
        drop(credentials);
        *lock(&self.version) = stored.version;
        Ok(true)
    }

    /// With [`ContextOptions::sync_every`](crate::ContextOptions::sync_every), looks in the store when it is time, and takes a
    /// session that lasts longer than this process's own. Failures only log: the call goes on.
    async fn take_newer_if_due(&self, client: &Client) {
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
