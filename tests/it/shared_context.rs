//! One bunq identity opened from a store by many independent contexts (each with its own
//! state, as separate processes have), against the embedded sandbox over real HTTP: one
//! installation, one session-server call per expiry, a crashed renewer that holds the others
//! up no longer than its lease, contexts sealed in the store, and an unreachable store that
//! makes calls wait or fail — never go ahead unlimited.

use crate::common;

#[cfg(feature = "redis")]
use bunq_api::WhenStoreDown;
use bunq_api::store::{self, SharedStore};
use bunq_api::{ApiContext, ContextOptions, Envelope};
use bunq_sandbox::{Sandbox, SandboxConfig};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The stores this build and machine can test: always files; Redis and PostgreSQL when their
/// features are on and their servers can be started. The servers live as long as the list.
struct Stores {
    addresses: Vec<(&'static str, String)>,
    _servers: Vec<common::servers::Server>,
}

fn stores() -> Stores {
    let dir = common::temp_dir("shared-context");
    #[allow(unused_mut)]
    let mut addresses = vec![("files", dir.to_string_lossy().into_owned())];
    #[allow(unused_mut)]
    let mut servers = Vec::new();
    #[cfg(feature = "redis")]
    if let Some(server) = common::servers::redis() {
        addresses.push(("Redis", server.url.clone()));
        servers.push(server);
    }
    #[cfg(feature = "postgres")]
    if let Some(server) = common::servers::postgres() {
        addresses.push(("PostgreSQL", server.url.clone()));
        servers.push(server);
    }
    if !cfg!(all(feature = "redis", feature = "postgres")) {
        common::servers::skipped(
            "Redis and PostgreSQL shared-context",
            "run cargo test --features redis,postgres --test it -- shared_context::",
        );
    }
    Stores { addresses, _servers: servers }
}

fn key(name: &str) -> String {
    format!("{name}-{}", &bunq_api::headers::new_request_id()[..8])
}

/// Options of one "process": its own state, the store's shared limits.
fn options(store: &Arc<dyn SharedStore>, bucket: &str) -> ContextOptions {
    ContextOptions::new().key(common::client_key()).shared_rate_limits(store.clone().as_limiter(), bucket)
}

async fn open(
    store: &Arc<dyn SharedStore>,
    key: &str,
    sandbox: &Sandbox,
    api_key: &str,
    options: ContextOptions,
) -> ApiContext {
    ApiContext::open(store.clone().as_store(), key, sandbox.environment(), api_key, "shared test", &["*"], options)
        .await
        .expect("the shared context opens")
}

async fn read(context: &ApiContext) -> Result<(), bunq_api::Error> {
    let user = context.user_id().unwrap();
    context.client().list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_first()?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_openers_make_one_installation_and_one_session() {
    let stores = stores();
    for (name, address) in &stores.addresses {
        // bunq's limits on: six sessions at once would meet 429s.
        let sandbox = common::sandbox(SandboxConfig::default().rate_limits(true)).await;
        let api_key = sandbox.create_user().await;
        let store = store::connect(address).await.unwrap();
        let key = key("six");
        let mut openers = Vec::new();
        for _ in 0..6 {
            let (store, key, api_key) = (store.clone(), key.clone(), api_key.clone());
            let environment = sandbox.environment();
            openers.push(tokio::spawn(async move {
                let options = options(&store, &key);
                ApiContext::open(store.as_store(), &key, environment, api_key, "shared test", &["*"], options).await
            }));
        }
        let mut users = Vec::new();
        for opener in openers {
            let context = opener.await.unwrap().expect("opens");
            read(&context).await.expect("reads");
            users.push(context.user_id().unwrap());
        }
        let stats = sandbox.stats();
        println!(
            "{name}: 6 openers, installations {}, session-server calls {}",
            stats.installations, stats.session_server_calls
        );
        assert_eq!(stats.installations, 1, "{name}: one installation");
        assert_eq!(stats.session_server_calls, 1, "{name}: one session");
        assert!(users.windows(2).all(|w| w[0] == w[1]), "{name}: one user");
    }
}

/// Sessions of 3 s renewed 1 s before their end; bunq's session-server limit is left out here
/// (client and sandbox) so that expiries come quickly; the fleet test keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_expiry_costs_one_session_server_call_across_contexts() {
    let stores = stores();
    for (name, address) in &stores.addresses {
        let sandbox = common::sandbox(SandboxConfig::default().session_timeout(Duration::from_secs(3))).await;
        let api_key = sandbox.create_user().await;
        let store = store::connect(address).await.unwrap();
        let key = key("expiry");
        let mut contexts = Vec::new();
        for _ in 0..4 {
            let options = options(&store, &key).rate_limits(false).refresh_margin(Duration::from_secs(1));
            contexts.push(open(&store, &key, &sandbox, &api_key, options).await);
        }
        for expiry in 1..=2 {
            let before = sandbox.stats().session_server_calls;
            tokio::time::sleep(Duration::from_millis(2300)).await;
            let mut calls = Vec::new();
            for context in &contexts {
                for _ in 0..8 {
                    let context = context.clone();
                    calls.push(tokio::spawn(async move { read(&context).await }));
                }
            }
            for call in calls {
                call.await.unwrap().expect("no call fails across the renewal");
            }
            let renewals = sandbox.stats().session_server_calls - before;
            println!("{name}: expiry {expiry}: 4 contexts x 8 calls, session-server calls {renewals}");
            assert_eq!(renewals, 1, "{name}: one session-server call for expiry {expiry}");
        }
        // The stored form keeps whole seconds.
        let seconds =
            |c: &ApiContext| c.session_expires_at().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let tokens: Vec<u64> = contexts.iter().map(seconds).collect();
        assert!(tokens.windows(2).all(|w| w[0] == w[1]), "{name}: every context ends on the same session");
    }
}

/// A renewer that died holding the lease: the others wait for the lease to run out, no longer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_renewer_holds_the_others_up_no_longer_than_its_lease() {
    let stores = stores();
    for (name, address) in &stores.addresses {
        let sandbox = common::sandbox(SandboxConfig::default().session_timeout(Duration::from_secs(3))).await;
        let api_key = sandbox.create_user().await;
        let store = store::connect(address).await.unwrap();
        let key = key("crash");
        let options = |store| options(store, &key).rate_limits(false).refresh_margin(Duration::from_secs(1));
        let context = open(&store, &key, &sandbox, &api_key, options(&store)).await;
        // The "crashed" process: it took the lease for 3 s and will never save or release.
        let lease = Duration::from_secs(3);
        let held = store.clone().as_store().acquire_lease(&key, "pid 0 (crashed)", lease).await.unwrap();
        let taken = Instant::now();
        assert!(held.is_some());
        let before = sandbox.stats().session_server_calls;
        tokio::time::sleep(Duration::from_millis(2100)).await; // the session is about to expire
        read(&context).await.expect("the call goes through once the lease has run out");
        let waited = taken.elapsed();
        println!("{name}: lease {lease:?}; the next call came back {waited:?} after the crash");
        assert!(waited >= lease, "{name}: the dead holder's lease was respected ({waited:?})");
        assert!(waited < lease + Duration::from_millis(1500), "{name}: held up longer than the lease ({waited:?})");
        assert_eq!(sandbox.stats().session_server_calls - before, 1, "{name}: one renewal");
    }
}

#[cfg(feature = "aws-lc")]
#[tokio::test]
async fn contexts_are_sealed_in_the_store_with_a_context_key() {
    use bunq_api::ContextKey;
    let stores = stores();
    for (name, address) in &stores.addresses {
        let sandbox = common::sandbox(SandboxConfig::default()).await;
        let api_key = sandbox.create_user().await;
        let store = store::connect(address).await.unwrap();
        let key = key("sealed");
        let secret = ContextKey::generate().unwrap();
        let context = open(&store, &key, &sandbox, &api_key, options(&store, &key).store_key(secret.clone())).await;
        read(&context).await.unwrap();
        let stored = store.clone().as_store().load(&key).await.unwrap().unwrap();
        let raw = String::from_utf8_lossy(&stored.bytes);
        assert!(raw.contains("bunq-api-context-sealed"), "{name}: sealed");
        assert!(!raw.contains(&api_key) && !raw.contains("PRIVATE KEY"), "{name}: no secret in the clear");
        // Without the key, or with another, it does not open; with it, it does.
        let plain = ApiContext::open(
            store.clone().as_store(),
            &key,
            sandbox.environment(),
            api_key.as_str(),
            "x",
            &["*"],
            options(&store, &key),
        )
        .await;
        let Err(error) = plain else { panic!("{name}: opened without the key") };
        assert!(error.to_string().contains("encrypted"), "{name}: {error}");
        let wrong = options(&store, &key).store_key(ContextKey::generate().unwrap());
        let error = ApiContext::open(
            store.clone().as_store(),
            &key,
            sandbox.environment(),
            api_key.as_str(),
            "x",
            &["*"],
            wrong,
        )
        .await
        .err()
        .unwrap();
        assert!(error.to_string().contains("wrong key"), "{name}: {error}");
        assert!(!error.to_string().contains(&api_key));
        let again = open(&store, &key, &sandbox, &api_key, options(&store, &key).store_key(secret)).await;
        read(&again).await.unwrap();
        assert_eq!(sandbox.stats().installations, 1);
    }
}

/// Redis stops: with `Fail` a call fails at once with a store error; with `Wait` it waits,
/// and goes through once Redis is back. Nothing is sent without a slot.
#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_limiter_makes_calls_wait_or_fail_never_bypass() {
    let Some(mut server) = common::servers::redis() else { return };
    if server.port == 0 {
        return common::servers::skipped("Redis outage", "it stops and restarts its own redis-server");
    }
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let api_key = sandbox.create_user().await;
    let store = store::connect(&server.url).await.unwrap();
    let key = key("outage");
    let failing =
        open(&store, &key, &sandbox, &api_key, options(&store, &key).when_store_down(WhenStoreDown::Fail)).await;
    let waiting = open(
        &store,
        &key,
        &sandbox,
        &api_key,
        options(&store, &key).when_store_down(WhenStoreDown::Wait(Duration::from_secs(20))),
    )
    .await;
    read(&failing).await.unwrap();
    server.stop();
    let requests = sandbox.stats().requests;
    let error = read(&failing).await.expect_err("no slot, no call");
    println!("{error}");
    assert!(error.is_store(), "{error}");
    assert!(error.to_string().contains("Redis at redis://127.0.0.1"), "{error}");
    assert_eq!(sandbox.stats().requests, requests, "nothing reached bunq without a slot");
    let started = Instant::now();
    let call = tokio::spawn(async move { read(&waiting).await });
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sandbox.stats().requests, requests, "the waiting call has not gone ahead");
    server.restart_redis();
    call.await.unwrap().expect("the waiting call goes through once Redis is back");
    assert!(started.elapsed() >= Duration::from_secs(2));
}
