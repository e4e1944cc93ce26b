//! The shared limiter in a [`FileStore`]'s directory: one small file per bucket and endpoint,
//! read and rewritten under an exclusive `flock` (one host only, like the store).

use super::{SharedLimiter, Slot};
use crate::context::store::file::now_ms;
use crate::context::store::{FileStore, StoreFuture, check_key};
use bunq_protocol::rate_limit::{Limit, next_slot};
use std::time::Duration;

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
