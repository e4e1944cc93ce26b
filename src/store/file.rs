//! [`FileStore`]: contexts as files in a directory, shared by the processes of one host.
//!
//! `<key>.json` is an ordinary context file (what [`ApiContext::save`](crate::ApiContext::save)
//! writes: atomic, mode 0600); `<key>.lease` holds the lease; `<key>.lock` is only locked
//! (`flock`) around each compare-and-swap and lease step. Advisory locks are reliable on a local
//! file system only: this store is for one host, not for NFS or several machines.

use super::{ContextStore, Lease, LeaseInfo, SharedLimiter, Slot, StoreFuture, Stored, Swap, check_key, failure};
use crate::Result;
use crate::saved::{check_ours, write_atomically};
use bunq_protocol::rate_limit::{Limit, next_slot};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Contexts as files in one directory; see the module documentation.
#[derive(Clone, Debug)]
pub struct FileStore {
    dir: PathBuf,
}

/// The lease file's content.
#[derive(Default, Serialize, Deserialize)]
struct LeaseFile {
    /// The last fencing token handed out.
    token: u64,
    holder: String,
    /// Milliseconds since the Unix epoch; 0 once released.
    until_ms: u64,
}

impl FileStore {
    /// A store in `dir`, created (owner-only) if missing.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(|e| failure(&describe(&dir), format!("cannot create the directory: {e}")))?;
        Ok(Self { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The context file of `key`: restorable with [`ApiContext::restore`](crate::ApiContext::restore).
    pub fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// Runs `step` on a blocking thread, with `<name>.lock` locked exclusively around it.
    pub(crate) fn locked<T: Send + 'static>(
        &self,
        name: String,
        step: impl FnOnce(&Path) -> std::result::Result<T, String> + Send + 'static,
    ) -> StoreFuture<'_, T> {
        let dir = self.dir.clone();
        Box::pin(async move {
            let store = describe(&dir);
            let done = tokio::task::spawn_blocking(move || {
                let lock = open_private(&dir.join(format!("{name}.lock")))
                    .map_err(|e| format!("cannot open its lock file: {e}"))?;
                lock.lock().map_err(|e| format!("cannot lock it: {e}"))?;
                let result = step(&dir);
                drop(lock);
                result
            })
            .await;
            match done {
                Ok(result) => result.map_err(|problem| failure(&store, problem)),
                Err(e) => Err(failure(&store, format!("the file step stopped: {e}"))),
            }
        })
    }
}

/// How errors name a file store.
fn describe(dir: &Path) -> String {
    format!("files in {}", dir.display())
}

/// Opens (creating, mode 0600) a file to read and write.
pub(crate) fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Milliseconds since the Unix epoch: the clock of a single-host store.
fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A file's version: the first 8 bytes of its SHA-256 (changes with every write, since every
/// write holds new tokens or a new nonce).
fn version_of(bytes: &[u8]) -> u64 {
    let digest = Sha256::digest(bytes);
    u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")).max(1)
}

fn read_if_there(path: &Path) -> std::result::Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn read_lease(dir: &Path, key: &str) -> std::result::Result<LeaseFile, String> {
    match read_if_there(&dir.join(format!("{key}.lease")))? {
        None => Ok(LeaseFile::default()),
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("the lease file of `{key}` is damaged: {e}")),
    }
}

fn write_lease(dir: &Path, key: &str, lease: &LeaseFile) -> std::result::Result<(), String> {
    let bytes = serde_json::to_vec(lease).map_err(|e| e.to_string())?;
    write_atomically(&dir.join(format!("{key}.lease")), &bytes).map_err(|e| format!("cannot write the lease: {e}"))
}

impl ContextStore for FileStore {
    fn load<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Stored>> {
        Box::pin(async move {
            check_key(key)?;
            let path = self.path_of(key);
            // Writes are atomic renames: a reader without the lock sees the old file or the new one.
            let read = tokio::task::spawn_blocking(move || read_if_there(&path)).await;
            let bytes = match read {
                Ok(result) => result.map_err(|problem| failure(&describe(&self.dir), problem))?,
                Err(e) => return Err(failure(&describe(&self.dir), format!("the file step stopped: {e}"))),
            };
            Ok(bytes.map(|bytes| Stored { version: version_of(&bytes), bytes }))
        })
    }

    fn compare_and_swap<'a>(
        &'a self,
        key: &'a str,
        expected: u64,
        fence: Option<Lease>,
        bytes: &'a [u8],
    ) -> StoreFuture<'a, Swap> {
        let (key, bytes) = (key.to_owned(), bytes.to_vec());
        Box::pin(async move {
            check_key(&key)?;
            self.locked(key.clone(), move |dir| {
                let path = dir.join(format!("{key}.json"));
                let current = read_if_there(&path)?;
                if let Some(current) = &current {
                    check_ours(current).map_err(|problem| format!("{}: {problem}", path.display()))?;
                }
                if current.as_deref().map_or(0, version_of) != expected {
                    return Ok(Swap::Conflict);
                }
                if let Some(fence) = fence
                    && read_lease(dir, &key)?.token != fence.token
                {
                    return Ok(Swap::Conflict);
                }
                write_atomically(&path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok(Swap::Written(version_of(&bytes)))
            })
            .await
        })
    }

    fn acquire_lease<'a>(&'a self, key: &'a str, holder: &'a str, ttl: Duration) -> StoreFuture<'a, Option<Lease>> {
        let (key, holder) = (key.to_owned(), holder.to_owned());
        Box::pin(async move {
            check_key(&key)?;
            self.locked(key.clone(), move |dir| {
                let lease = read_lease(dir, &key)?;
                let now = now_ms();
                if lease.until_ms > now {
                    return Ok(None);
                }
                let ttl = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
                let token = lease.token + 1;
                write_lease(dir, &key, &LeaseFile { token, holder, until_ms: now.saturating_add(ttl) })?;
                Ok(Some(Lease { token }))
            })
            .await
        })
    }

    fn release_lease<'a>(&'a self, key: &'a str, lease: Lease) -> StoreFuture<'a, ()> {
        let key = key.to_owned();
        Box::pin(async move {
            check_key(&key)?;
            self.locked(key.clone(), move |dir| {
                let current = read_lease(dir, &key)?;
                if current.token == lease.token && current.until_ms != 0 {
                    write_lease(dir, &key, &LeaseFile { until_ms: 0, ..current })?;
                }
                Ok(())
            })
            .await
        })
    }

    fn extend_lease<'a>(&'a self, key: &'a str, lease: Lease, ttl: Duration) -> StoreFuture<'a, bool> {
        let key = key.to_owned();
        Box::pin(async move {
            check_key(&key)?;
            self.locked(key.clone(), move |dir| {
                let current = read_lease(dir, &key)?;
                let now = now_ms();
                if current.token != lease.token || current.until_ms <= now {
                    return Ok(false);
                }
                let ttl = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
                write_lease(dir, &key, &LeaseFile { until_ms: now.saturating_add(ttl), ..current })?;
                Ok(true)
            })
            .await
        })
    }

    fn lease_info<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<LeaseInfo>> {
        let key = key.to_owned();
        Box::pin(async move {
            check_key(&key)?;
            self.locked(key.clone(), move |dir| {
                let lease = read_lease(dir, &key)?;
                let left = lease.until_ms.saturating_sub(now_ms());
                Ok((left > 0).then(|| LeaseInfo {
                    holder: lease.holder,
                    token: lease.token,
                    expires_in: Duration::from_millis(left),
                }))
            })
            .await
        })
    }
}

// The shared rate limiter in the same store.

impl SharedLimiter for FileStore {
    fn next_slot<'a>(&'a self, bucket: &'a str, endpoint: &'a str, limit: Limit, book: bool) -> StoreFuture<'a, Slot> {
        self.with_window(bucket, endpoint, move |window| {
            let now = now_ms();
            let slot = next_slot(window, limit, now, book);
            (Slot { wait: Duration::from_millis(slot - now), at: slot }, book)
        })
    }

    fn cancel<'a>(&'a self, bucket: &'a str, endpoint: &'a str, at: u64) -> StoreFuture<'a, ()> {
        self.with_window(bucket, endpoint, move |window| {
            let index = window.iter().position(|&slot| slot == at);
            if let Some(index) = index {
                window.remove(index);
            }
            ((), index.is_some())
        })
    }
}

impl FileStore {
    /// Runs `step` on the window of `bucket` and `endpoint` under its lock; the window is
    /// written back when `step` says it changed.
    fn with_window<T: Send + 'static>(
        &self,
        bucket: &str,
        endpoint: &str,
        step: impl FnOnce(&mut Vec<u64>) -> (T, bool) + Send + 'static,
    ) -> StoreFuture<'_, T> {
        let name = format!("rate-{bucket}-{endpoint}");
        Box::pin(async move {
            check_key(&name)?;
            self.locked(name.clone(), move |dir| {
                let path = dir.join(format!("{name}.window"));
                let mut window = read_window(&path)?;
                let (answer, changed) = step(&mut window);
                if changed {
                    write_window(&path, &window)?;
                }
                Ok(answer)
            })
            .await
        })
    }
}

/// The booked send times in a window file; a damaged one (a writer killed mid-write) counts as
/// empty: at most one window's worth of extra calls, never a stuck limiter.
fn read_window(path: &std::path::Path) -> Result<Vec<u64>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or_default()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// No fsync: a window need not outlive the machine, only the writer.
fn write_window(path: &std::path::Path, window: &[u64]) -> Result<(), String> {
    let bytes = serde_json::to_vec(window).map_err(|e| e.to_string())?;
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
