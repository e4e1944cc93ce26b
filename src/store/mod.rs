//! Where contexts and rate limits live so that many processes can share one bunq identity: the
//! [`ContextStore`] and [`SharedLimiter`] traits and their backends, one file each with both —
//! files (`file.rs`, always there), Redis (`redis.rs`, feature `redis`) and PostgreSQL
//! (`postgres.rs`, feature `postgres`).
//!
//! A store keeps, per key, the saved context (the bytes of a context file, encrypted when a
//! [`ContextKey`](crate::ContextKey) is given) with a version, and a renewal lease with a
//! fencing token. It knows nothing of bunq: [`ApiContext::open`](crate::ApiContext::open)
//! drives it (see `src/session/shared.rs`).

mod file;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;

pub use file::FileStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

use crate::{Error, Result};
use bunq_protocol::rate_limit::Limit;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// What a store's methods return: a boxed future, so that stores can be used as `dyn ContextStore`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// A saved context as a store holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct Stored {
    /// Changes on every write; compare-and-swap compares it. Never 0 (0 means "nothing saved").
    pub version: u64,
    /// The bytes of a context file (see [`ApiContext::save`](crate::ApiContext::save)), maybe sealed.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bytes may hold secrets in the clear.
        f.debug_struct("Stored").field("version", &self.version).field("bytes", &self.bytes.len()).finish()
    }
}

/// A renewal lease: held by one process at a time, until released or until it expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease {
    /// The fencing token: larger than every token handed out before for this key. A write
    /// fenced with it succeeds only while no later lease was taken.
    pub token: u64,
}

/// Who holds a lease now, for monitoring (and for the fleet example, which kills the holder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseInfo {
    /// The holder's label, e.g. `pid 4242`.
    pub holder: String,
    /// Its fencing token.
    pub token: u64,
    /// Time left before it expires.
    pub expires_in: Duration,
}

/// The outcome of a [`ContextStore::compare_and_swap`].
#[derive(Debug, PartialEq, Eq)]
pub enum Swap {
    /// Written; the new version.
    Written(u64),
    /// Not written: the version moved on, or a later lease was taken (the writer is stale).
    Conflict,
}

/// bunq's rate limits kept for many processes at once: a sliding window per endpoint, booked
/// atomically on a clock they all share (the store's).
///
/// Windows are named `bucket` + endpoint: one bucket per egress IP, since bunq counts per IP.
pub trait SharedLimiter: fmt::Debug + Send + Sync {
    /// Books the earliest slot for `endpoint` within `limit` and says when it is (zero wait: go
    /// now). With `book` false, only says when the next slot would be.
    fn next_slot<'a>(&'a self, bucket: &'a str, endpoint: &'a str, limit: Limit, book: bool) -> StoreFuture<'a, Slot>;

    /// Gives back one booking at `at` that was not used (the call did not go), if it is still there.
    fn cancel<'a>(&'a self, bucket: &'a str, endpoint: &'a str, at: u64) -> StoreFuture<'a, ()>;
}

/// A slot in a shared window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// How long until it comes.
    pub wait: Duration,
    /// When it is: milliseconds since the Unix epoch on the store's clock.
    pub at: u64,
}

/// What a call does when the shared limiter cannot be reached. Never: go ahead unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenStoreDown {
    /// Try again (every 0.25 s, backing off to 2 s) for up to this long, then fail the call.
    Wait(Duration),
    /// Fail the call at once with [`Error::Store`].
    Fail,
}

impl Default for WhenStoreDown {
    fn default() -> Self {
        Self::Wait(Duration::from_secs(30))
    }
}

/// Shared storage for saved contexts, with compare-and-swap and a renewal lease.
///
/// Keys are short names (`[A-Za-z0-9._-]`, at most 128 bytes, see [`check_key`]); one key is one
/// bunq identity. Every method is atomic on its own. Errors are [`Error::Store`], whose text never
/// holds stored bytes or passwords.
pub trait ContextStore: fmt::Debug + Send + Sync {
    /// The saved context under `key`, if any.
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Stored>>;

    /// Writes `bytes` under `key` if the saved version is still `expected` (0: nothing saved yet)
    /// and, with a `fence`, if no lease later than that one was taken since.
    fn compare_and_swap<'a>(
        &'a self,
        key: &'a str,
        expected: u64,
        fence: Option<Lease>,
        bytes: &'a [u8],
    ) -> StoreFuture<'a, Swap>;

    /// Takes the lease of `key` for `ttl` if nobody holds an unexpired one; `holder` labels it.
    fn acquire_lease<'a>(&'a self, key: &'a str, holder: &'a str, ttl: Duration) -> StoreFuture<'a, Option<Lease>>;

    /// Gives the lease back, if it is still this one.
    fn release_lease<'a>(&'a self, key: &'a str, lease: Lease) -> StoreFuture<'a, ()>;

    /// Keeps the lease for `ttl` from now, if it is still this one (and unexpired); whether it was.
    fn extend_lease<'a>(&'a self, key: &'a str, lease: Lease, ttl: Duration) -> StoreFuture<'a, bool>;

    /// The unexpired lease of `key`, if someone holds one.
    fn lease_info<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<LeaseInfo>>;

    /// Writes `bytes` under `key` whatever is there; the new version.
    fn save<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> StoreFuture<'a, u64> {
        Box::pin(async move {
            loop {
                let expected = self.load(key).await?.map_or(0, |stored| stored.version);
                if let Swap::Written(version) = self.compare_and_swap(key, expected, None, bytes).await? {
                    return Ok(version);
                }
            }
        })
    }
}

impl<S: ContextStore + ?Sized> ContextStore for Arc<S> {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Stored>> {
        (**self).load(key)
    }
    fn compare_and_swap<'a>(
        &'a self,
        key: &'a str,
        expected: u64,
        fence: Option<Lease>,
        bytes: &'a [u8],
    ) -> StoreFuture<'a, Swap> {
        (**self).compare_and_swap(key, expected, fence, bytes)
    }
    fn acquire_lease<'a>(&'a self, key: &'a str, holder: &'a str, ttl: Duration) -> StoreFuture<'a, Option<Lease>> {
        (**self).acquire_lease(key, holder, ttl)
    }
    fn release_lease<'a>(&'a self, key: &'a str, lease: Lease) -> StoreFuture<'a, ()> {
        (**self).release_lease(key, lease)
    }
    fn extend_lease<'a>(&'a self, key: &'a str, lease: Lease, ttl: Duration) -> StoreFuture<'a, bool> {
        (**self).extend_lease(key, lease, ttl)
    }
    fn lease_info<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<LeaseInfo>> {
        (**self).lease_info(key)
    }
}

/// Refuses a key that is empty, longer than 128 bytes, starts with a dot, or holds anything
/// but ASCII letters, digits, `.`, `_` and `-` (so that it is a safe file name everywhere).
pub fn check_key(key: &str) -> Result<()> {
    let fine = !key.is_empty()
        && key.len() <= 128
        && !key.starts_with('.')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if fine {
        Ok(())
    } else {
        Err(Error::Context(format!(
            "`{key}` cannot name a saved context: use 1 to 128 letters, digits, `.`, `_` or `-`, not starting with `.`"
        )))
    }
}

/// An [`Error::Store`] for `store` saying `problem`.
pub(crate) fn failure(store: &str, problem: impl fmt::Display) -> Error {
    Error::Store { store: store.to_owned(), problem: problem.to_string() }
}

/// A store's address without a password: `scheme://user@host:port/path`.
#[cfg(any(feature = "redis", feature = "postgres"))]
pub(crate) fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return "(an address that is not a URL)".to_owned() };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let path = path.split('?').next().unwrap_or_default();
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _password)) if !name.is_empty() => format!("{name}@{host}"),
            Some(_) => host.to_owned(),
            None => format!("{user}@{host}"),
        },
        None => authority.to_owned(),
    };
    if path.is_empty() { format!("{scheme}://{authority}") } else { format!("{scheme}://{authority}/{path}") }
}

/// The store an address names: `redis://…` (feature `redis`), `postgres://…` or
/// `postgresql://…` (feature `postgres`), anything else a directory for a [`FileStore`].
pub async fn connect(address: &str) -> Result<Arc<dyn SharedStore>> {
    let scheme = address.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        #[cfg(feature = "redis")]
        Some("redis") => Ok(Arc::new(RedisStore::connect(address).await?)),
        #[cfg(feature = "postgres")]
        Some("postgres" | "postgresql") => Ok(Arc::new(PostgresStore::connect(address).await?)),
        Some(other) => Err(Error::Context(format!(
            "a `{other}://` store needs bunq-api's `{}` feature (this build has: file stores{}{})",
            if other.starts_with("postgres") { "postgres" } else { other },
            if cfg!(feature = "redis") { ", redis" } else { "" },
            if cfg!(feature = "postgres") { ", postgres" } else { "" },
        ))),
        None => Ok(Arc::new(FileStore::new(address)?)),
    }
}

/// A store that also keeps the shared rate limits: what [`connect`] gives.
pub trait SharedStore: ContextStore + SharedLimiter {
    /// This store as a context store.
    fn as_store(self: Arc<Self>) -> Arc<dyn ContextStore>;
    /// This store as a rate limiter.
    fn as_limiter(self: Arc<Self>) -> Arc<dyn SharedLimiter>;
}

impl<T: ContextStore + SharedLimiter + 'static> SharedStore for T {
    fn as_store(self: Arc<Self>) -> Arc<dyn ContextStore> {
        self
    }
    fn as_limiter(self: Arc<Self>) -> Arc<dyn SharedLimiter> {
        self
    }
}
