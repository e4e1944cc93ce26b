//! What the crate says in its logs (tracing), captured per test (`common/logs.rs`) over real
//! HTTP: a call held back by bunq's rate limits logs the wait at debug level, whichever limiter
//! keeps them (in this process, files here; Redis and PostgreSQL in `context_stores`); a
//! callback delivery that is refused logs a warning with the peer's address and the reason,
//! never the body.

use crate::common;
use crate::common::logs;

use bunq_api::callbacks::{Listener, Receiver, SourceRanges};
use bunq_api::{ApiContext, ContextOptions, SharedLimiter};
use bunq_sandbox::SandboxConfig;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Level;

/// Four reads of one listing with bunq's limits kept by the limiter `options` give (3 GETs per
/// 3 s): the fourth waits, and says so once, at debug level, naming the operation, the delay
/// and bunq's limit. `limiter` is how the event names the limiter (its `Debug`, in part).
pub async fn a_rate_limit_wait_is_logged(options: ContextOptions, limiter: &str) {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let api_key = sandbox.create_user().await;
    let options = options.key(common::client_key());
    let context = ApiContext::create_with(sandbox.environment(), api_key, "logging", &["*"], options).await.unwrap();
    let user = context.user_id().unwrap();
    let logs = logs::capture();
    let started = Instant::now();
    for _ in 0..4 {
        context.client().list_monetary_account_banks(&user, None, None, None).await.unwrap();
    }
    let took = started.elapsed();
    let waits = logs.with_message("waiting for a rate-limit slot");
    assert_eq!(waits.len(), 1, "one wait, logged once: {:?}", logs.events());
    let wait = &waits[0];
    assert_eq!(wait.level, Level::DEBUG);
    assert!(wait.target.starts_with("bunq_api"), "{wait:?}");
    assert_eq!(wait.field("operation"), "list_monetary_account_banks");
    assert_eq!(wait.field("limit"), "3 per 3s", "bunq's limit, as bunq states it");
    assert!(wait.field("limiter").contains(limiter), "{wait:?}");
    let delay = Duration::from_millis(wait.field("delay_ms").parse().unwrap());
    assert!(delay > Duration::ZERO && delay <= Duration::from_millis(3_500), "{wait:?}");
    assert!(took >= delay, "the calls took {took:?}, less than the wait logged");
}

#[tokio::test]
async fn a_wait_for_the_in_process_limiter_is_logged() {
    a_rate_limit_wait_is_logged(ContextOptions::new(), "in-process").await;
}

#[tokio::test]
async fn a_wait_for_a_file_store_limiter_is_logged() {
    let dir = common::temp_dir("logged-limiter");
    let limiter: Arc<dyn SharedLimiter> = Arc::new(bunq_api::FileStore::new(&dir).unwrap());
    let bucket = format!("logging-{}", &bunq_api::headers::new_request_id()[..8]);
    a_rate_limit_wait_is_logged(ContextOptions::new().shared_rate_limits(limiter, bucket.clone()), &bucket).await;
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn refused_callback_deliveries_are_logged_with_address_and_reason_never_the_body() {
    let logs = logs::capture();
    let http = reqwest::Client::new();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/callbacks/payment_mutation.json");
    let callback = std::fs::read(fixture).unwrap();

    // From outside bunq's range: 127.0.0.1 to a listener for bunq's production range.
    let strict = Listener::bind("127.0.0.1:0".parse().unwrap(), Receiver::new()).await.unwrap();
    let answer = http.post(format!("http://{}/bunq", strict.local_addr())).body(callback).send().await.unwrap();
    assert_eq!(answer.status(), 403);
    // Not a callback, from an allowed address; the body holds something that must stay out of the logs.
    let loopback = Receiver::from_sources(SourceRanges::parse(["127.0.0.1"]).unwrap());
    let open = Listener::bind("127.0.0.1:0".parse().unwrap(), loopback).await.unwrap();
    let body = r#"{"NotificationUrl": {"token": "hunter2-not-for-logs""#;
    let answer = http.post(format!("http://{}/bunq", open.local_addr())).body(body).send().await.unwrap();
    assert_eq!(answer.status(), 400);

    let refusals = logs.with_message("callback delivery refused");
    assert_eq!(refusals.len(), 2, "{:?}", logs.events());
    for refusal in &refusals {
        assert_eq!(refusal.level, Level::WARN);
        assert_eq!(refusal.field("peer"), "127.0.0.1");
    }
    assert!(refusals[0].field("reason").contains("not an address bunq sends callbacks from"), "{refusals:?}");
    assert!(refusals[1].field("reason").contains("not JSON"), "{refusals:?}");
    let logged = format!("{:?}", logs.events());
    assert!(!logged.contains("hunter2"), "the body was logged: {logged}");
}
