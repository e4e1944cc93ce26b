//! The shared limiter in a [`FileStore`]'s directory: one small file per bucket and endpoint,
//! read and rewritten under an exclusive `flock` (one host only, like the store).

use super::{SharedLimiter, Slot};
use crate::context::store::file::now_ms;
use crate::context::store::{FileStore, StoreFuture, check_key};
use bunq_protocol::rate_limit::{Limit, next_slot};
use std::time::Duration;

impl SharedLimiter for FileStore {
    fn next_slot<'a>(&'a self, bucket: &'a str, endpoint: &'a str, limit: Limit, book: bool) -> StoreFuture<'a, Slot> {
        let name = format!("rate-{bucket}-{endpoint}");
        Box::pin(async move {
            check_key(&name)?;
            self.locked(name.clone(), move |dir| {
                let path = dir.join(format!("{name}.window"));
                let mut window = read_window(&path)?;
                let now = now_ms();
                let slot = next_slot(&mut window, limit, now, book);
                if book {
                    write_window(&path, &window)?;
                }
                Ok(Slot { wait: Duration::from_millis(slot - now), at: slot })
            })
            .await
        })
    }

    fn cancel<'a>(&'a self, bucket: &'a str, endpoint: &'a str, at: u64) -> StoreFuture<'a, ()> {
        let name = format!("rate-{bucket}-{endpoint}");
        Box::pin(async move {
            check_key(&name)?;
            self.locked(name.clone(), move |dir| {
                let path = dir.join(format!("{name}.window"));
                let mut window = read_window(&path)?;
                if let Some(index) = window.iter().position(|&slot| slot == at) {
                    window.remove(index);
                    write_window(&path, &window)?;
                }
                Ok(())
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
