//! The context stores against real servers: files in a directory, Redis and PostgreSQL on
//! 127.0.0.1 (started here; see `common/servers.rs`). The same checks for each: compare-and-swap
//! on the version, a lease that excludes, expires and is extended by its holder only, a stale
//! lease holder that cannot write, rate-limit windows booked atomically by many connections, and
//! failures as clear errors.

use crate::common;

use bunq_api::rate_limit::Limit;
use bunq_api::store::{self, ContextStore, SharedStore, Swap};
use bunq_api::{Error, SharedLimiter};
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

/// A minimal valid context file: the file store refuses to replace anything else.
fn context_bytes(marker: &str) -> Vec<u8> {
    format!(r#"{{"format":"bunq-api-context","version":1,"marker":"{marker}"}}"#).into_bytes()
}

fn unique_key(name: &str) -> String {
    format!("{name}-{}", &bunq_api::headers::new_request_id()[..8])
}

async fn compare_and_swap_on_the_version(store: &dyn ContextStore) {
    let key = unique_key("cas");
    assert_eq!(store.load(&key).await.unwrap(), None);
    let Swap::Written(first) = store.compare_and_swap(&key, 0, None, &context_bytes("a")).await.unwrap() else {
        panic!("the first write of a key succeeds")
    };
    // A second "first write" loses: someone saved already.
    assert_eq!(store.compare_and_swap(&key, 0, None, &context_bytes("b")).await.unwrap(), Swap::Conflict);
    let Swap::Written(second) = store.compare_and_swap(&key, first, None, &context_bytes("c")).await.unwrap() else {
        panic!("a write from the current version succeeds")
    };
    assert_ne!(first, second);
    // A writer that read the old version cannot overwrite the new one.
    assert_eq!(store.compare_and_swap(&key, first, None, &context_bytes("d")).await.unwrap(), Swap::Conflict);
    let stored = store.load(&key).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.bytes), (second, context_bytes("c")));
}

async fn a_lease_excludes_and_expires(store: &dyn ContextStore) {
    let key = unique_key("lease");
    // A lease write syncs a file and its directory, which on a busy disk can take hundreds of
    // milliseconds: every wait below leaves half a second either side of an expiry.
    let ttl = Duration::from_secs(2);
    let first = store.acquire_lease(&key, "pid 1", ttl).await.unwrap().expect("a free lease is taken");
    assert_eq!(store.acquire_lease(&key, "pid 2", ttl).await.unwrap(), None, "a held lease is not taken");
    let info = store.lease_info(&key).await.unwrap().expect("the lease is visible");
    assert_eq!((info.holder.as_str(), info.token), ("pid 1", first.token));
    assert!(info.expires_in <= ttl);
    // The holder "crashes": nobody releases. The lease frees itself.
    tokio::time::sleep(ttl + Duration::from_millis(500)).await;
    assert_eq!(store.lease_info(&key).await.unwrap(), None);
    let second = store.acquire_lease(&key, "pid 2", ttl).await.unwrap().expect("an expired lease is taken");
    assert!(second.token > first.token, "fencing tokens only grow");
    // Its holder keeps it past its first expiry; the old holder cannot extend it.
    assert!(!store.extend_lease(&key, first, ttl).await.unwrap(), "a lost lease is not extended");
    tokio::time::sleep(ttl / 2).await;
    assert!(store.extend_lease(&key, second, ttl).await.unwrap(), "a held lease is extended");
    tokio::time::sleep(ttl / 2 + Duration::from_millis(500)).await;
    let info = store.lease_info(&key).await.unwrap().expect("an extended lease outlives its first expiry");
    assert_eq!(info.token, second.token);
    // The old holder's release does not free the new holder's lease.
    store.release_lease(&key, first).await.unwrap();
    assert_eq!(store.acquire_lease(&key, "pid 3", ttl).await.unwrap(), None);
    store.release_lease(&key, second).await.unwrap();
    assert!(store.acquire_lease(&key, "pid 3", ttl).await.unwrap().is_some(), "a released lease is free");
}

async fn a_stale_lease_holder_cannot_write(store: &dyn ContextStore) {
    let key = unique_key("fence");
    let Swap::Written(version) = store.compare_and_swap(&key, 0, None, &context_bytes("start")).await.unwrap() else {
        panic!("first write")
    };
    let ttl = Duration::from_millis(300);
    let slow = store.acquire_lease(&key, "slow", ttl).await.unwrap().unwrap();
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    let fast = store.acquire_lease(&key, "fast", Duration::from_secs(5)).await.unwrap().unwrap();
    // The slow holder read `version` and still has it right, but its lease is no longer the latest.
    let stale = store.compare_and_swap(&key, version, Some(slow), &context_bytes("stale")).await.unwrap();
    assert_eq!(stale, Swap::Conflict, "a writer with an older fencing token is refused");
    let fresh = store.compare_and_swap(&key, version, Some(fast), &context_bytes("fresh")).await.unwrap();
    assert!(matches!(fresh, Swap::Written(_)), "the current holder writes");
    assert_eq!(store.load(&key).await.unwrap().unwrap().bytes, context_bytes("fresh"));
    let alone = store.acquire_lease(&key, "alone", ttl).await.unwrap();
    assert!(alone.is_none(), "still held by `fast`");
}

/// Twelve bookings of a 3-per-3-s window from four connections at once: no 3 s holds more than
/// three slots, and none is later than it must be (three at once, then 3 s after the third
/// before it: 0, 0, 0, 3, 3, 3, 6, … s when the bookings are quick). The checks hold however
/// slowly the store answers.
async fn rate_windows_are_booked_atomically(limiters: Vec<Arc<dyn SharedLimiter>>) {
    let bucket = unique_key("bucket");
    let limit = Limit { calls: 3, per: Duration::from_secs(3) };
    let mut tasks = Vec::new();
    for index in 0..12 {
        let limiter = limiters[index % limiters.len()].clone();
        let bucket = bucket.clone();
        tasks.push(tokio::spawn(async move { limiter.next_slot(&bucket, "list_payments", limit, true).await }));
    }
    let mut slots = Vec::new();
    for task in tasks {
        slots.push(task.await.unwrap().unwrap());
    }
    let booked_by = u64::try_from(UNIX_EPOCH.elapsed().unwrap().as_millis()).unwrap();
    slots.sort_by_key(|slot| slot.at);
    let at: Vec<u64> = slots.iter().map(|slot| slot.at - slots[0].at).collect();
    for (index, slot) in slots.iter().enumerate() {
        let earliest = index.checked_sub(3).map_or(0, |third_before| slots[third_before].at + 3000);
        assert!(slot.at >= earliest, "slot {index} makes four in 3 s: {at:?}");
        assert!(slot.at <= earliest.max(booked_by), "slot {index} is later than it must be: {at:?}");
    }
    // Peeking books nothing.
    let peek = limiters[0].next_slot(&bucket, "list_payments", limit, false).await.unwrap();
    let again = limiters[0].next_slot(&bucket, "list_payments", limit, false).await.unwrap();
    assert_eq!(peek.at, again.at);
    assert_eq!(peek.at, slots[9].at + 3000, "{peek:?}");
    // A slot given back frees its place: the next one comes a window earlier.
    limiters[1].cancel(&bucket, "list_payments", slots[11].at).await.unwrap();
    let freed = limiters[0].next_slot(&bucket, "list_payments", limit, false).await.unwrap();
    assert_eq!(freed.at, slots[11].at, "the cancelled slot is free again");
}

async fn all_checks(name: &str, connect: impl AsyncFn() -> Arc<dyn SharedStore>) {
    let started = Instant::now();
    let store = connect().await.as_store();
    compare_and_swap_on_the_version(&*store).await;
    a_lease_excludes_and_expires(&*store).await;
    a_stale_lease_holder_cannot_write(&*store).await;
    let mut limiters = Vec::new();
    for _ in 0..4 {
        limiters.push(connect().await.as_limiter());
    }
    rate_windows_are_booked_atomically(limiters).await;
    println!("{name}: all store checks passed in {:.1} s", started.elapsed().as_secs_f64());
}

#[tokio::test]
async fn file_store() {
    let dir = common::temp_dir("file-store");
    let path = dir.to_string_lossy().into_owned();
    all_checks("files", async || store::connect(&path).await.unwrap()).await;
    // Files are owner-only.
    #[cfg(unix)]
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        use std::os::unix::fs::PermissionsExt;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") || name.ends_with(".lease") {
            assert_eq!(entry.metadata().unwrap().permissions().mode() & 0o077, 0, "{name} is owner-only");
        }
    }
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn the_file_store_refuses_to_overwrite_a_foreign_file() {
    let dir = common::temp_dir("file-store-foreign");
    let store = bunq_api::FileStore::new(&dir).unwrap();
    std::fs::write(store.path_of("mine"), b"my notes").unwrap();
    let error = store.compare_and_swap("mine", 0, None, &context_bytes("x")).await.unwrap_err();
    assert!(error.is_store() && error.to_string().contains("refusing to overwrite"), "{error}");
    assert_eq!(std::fs::read(store.path_of("mine")).unwrap(), b"my notes");
    assert!(store.load("../escape").await.is_err(), "keys cannot leave the directory");
    std::fs::remove_dir_all(dir).ok();
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_store() {
    let Some(server) = common::servers::redis() else { return };
    let url = server.url.clone();
    all_checks("Redis", async || store::connect(&url).await.unwrap()).await;
    a_wait_for_this_limiter_is_logged(store::connect(&url).await.unwrap()).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_store() {
    let Some(server) = common::servers::postgres() else { return };
    let url = server.url.clone();
    all_checks("PostgreSQL", async || store::connect(&url).await.unwrap()).await;
    a_wait_for_this_limiter_is_logged(store::connect(&url).await.unwrap()).await;
}

/// A call held back by this store's rate-limit windows logs its wait (see `logging.rs`).
#[cfg(any(feature = "redis", feature = "postgres"))]
async fn a_wait_for_this_limiter_is_logged(store: Arc<dyn SharedStore>) {
    let bucket = unique_key("logged");
    let options = bunq_api::ContextOptions::new().shared_rate_limits(store.as_limiter(), bucket.clone());
    crate::logging::a_rate_limit_wait_is_logged(options, &bucket).await;
}

#[cfg(not(all(feature = "redis", feature = "postgres")))]
#[test]
fn redis_and_postgres_stores() {
    common::servers::skipped(
        "Redis and PostgreSQL store",
        "they need features: cargo test --features redis,postgres --test it -- context_stores:: \
         shared_context:: fleet:: (with redis-server and postgresql installed, or BUNQ_TEST_REDIS_URL/BUNQ_TEST_POSTGRES_URL set)",
    );
}

/// An unreachable store is an `Error::Store` that names it without its password.
#[tokio::test]
async fn an_unreachable_store_is_a_clear_error_without_secrets() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut addresses = Vec::new();
    if cfg!(feature = "redis") {
        addresses.push(format!("redis://user:hunter2secret@127.0.0.1:{closed}/0"));
    }
    if cfg!(feature = "postgres") {
        addresses.push(format!("postgres://user:hunter2secret@127.0.0.1:{closed}/db"));
    }
    for address in addresses {
        let Err::<_, Error>(error) = store::connect(&address).await else { panic!("nothing listens there") };
        let text = error.to_string();
        println!("{text}");
        assert!(error.is_store(), "{text}");
        assert!(text.contains(&format!("127.0.0.1:{closed}")) && !text.contains("hunter2"), "{text}");
        assert!(!format!("{error:?}").contains("hunter2"));
    }
    let error = store::connect("mysql://somewhere").await.err().unwrap();
    assert!(error.to_string().contains("feature"), "{error}");
}
