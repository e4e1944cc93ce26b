//! Faults injected by the embedded sandbox, and the figures that must hold under them:
//! responses accepted after tampering (0), duplicated payments (0), requests failed that
//! should have succeeded after recovery (0), session-server calls per expiry (1).

use crate::common;

use bunq_api::types::*;
use bunq_api::{ApiContext, ContextOptions, Envelope, Error, with_request_id};
use bunq_sandbox::{Sandbox, SandboxConfig};
use std::time::Duration;

async fn read(context: &ApiContext) -> Result<MonetaryAccountBank, Error> {
    let user = context.user_id().unwrap();
    context.client().list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_first()
}

/// Fast retries, so storms do not slow the suite down.
fn options() -> ContextOptions {
    let retry = bunq_api::RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
    };
    ContextOptions::new().retry(retry).timeout(Duration::from_millis(700))
}

async fn setup() -> (Sandbox, ApiContext) {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, options()).await;
    (sandbox, context)
}

#[tokio::test]
async fn no_response_is_accepted_after_tampering() {
    let (sandbox, context) = setup().await;
    let faults = sandbox.faults();
    let kinds: [(&str, &dyn Fn(u32)); 7] = [
        ("tampered body", &|n| faults.tamper_body(n)),
        ("wrong key", &|n| faults.sign_with_wrong_key(n)),
        ("no signature", &|n| faults.drop_signature(n)),
        ("unsigned 500", &|n| faults.fail_unsigned(500, n)),
        ("unsigned 401", &|n| faults.fail_unsigned(401, n)),
        // The front door's answers are acted on for their status, never used as data.
        ("unsigned 429", &|n| faults.fail_unsigned(429, n)),
        ("gateway 503", &|n| faults.gateway_error(503, n)),
    ];
    let mut accepted_after_tampering = 0;
    for (name, inject) in kinds {
        // Every response stays spoiled for the whole window (retries after a timeout use up
        // counts too), so anything accepted here was tampered with.
        inject(1_000);
        for _ in 0..10 {
            match read(&context).await {
                Ok(_) => {
                    eprintln!("{name}: a response was accepted");
                    accepted_after_tampering += 1
                }
                Err(error) if name == "unsigned 429" => {
                    assert!(error.is_unverified() && error.is_rate_limited(), "{error}")
                }
                Err(error) if name == "gateway 503" => {
                    assert!(error.is_unverified() && error.is_server_error(), "{error}")
                }
                Err(error) => assert!(error.is_server_signature(), "{name}: {error}"),
            }
        }
        faults.clear();
        read(&context).await.unwrap_or_else(|e| panic!("{name}: no recovery: {e}"));
    }
    println!("responses accepted after tampering: {accepted_after_tampering}");
    assert_eq!(accepted_after_tampering, 0);
}

#[tokio::test]
async fn storms_delays_and_resets_on_reads_recover() {
    let (sandbox, context) = setup().await;
    let faults = sandbox.faults();
    let storms: [(&str, &dyn Fn()); 10] = [
        ("429 x2", &|| faults.fail(429, 2)),
        ("unsigned 429 x3", &|| faults.fail_unsigned(429, 3)),
        ("500 x3", &|| faults.fail(500, 3)),
        ("503 x1", &|| faults.fail(503, 1)),
        ("gateway 502 x1", &|| faults.gateway_error(502, 1)),
        ("gateway 503 x3", &|| faults.gateway_error(503, 3)),
        ("gateway 504 x2", &|| faults.gateway_error(504, 2)),
        ("491 x2", &|| faults.fail(491, 2)),
        ("delay beyond the timeout", &|| faults.delay(Duration::from_secs(2), 1)),
        ("connection reset", &|| faults.reset_connection(2)),
    ];
    let mut failed_after_recovery = 0;
    for (name, inject) in storms {
        for _ in 0..3 {
            inject();
            if let Err(error) = read(&context).await {
                eprintln!("{name}: {error}");
                failed_after_recovery += 1;
            }
        }
    }
    // Beyond the bound the error reaches the caller, typed.
    faults.fail(491, 10);
    assert!(read(&context).await.unwrap_err().is_maintenance());
    faults.fail_unsigned(429, 10);
    let error = read(&context).await.unwrap_err();
    assert!(error.is_rate_limited() && error.is_unverified() && !error.is_server_signature(), "{error}");
    faults.gateway_error(504, 10);
    let error = read(&context).await.unwrap_err();
    assert!(error.is_server_error() && error.is_unverified() && error.status() == Some(504), "{error}");
    faults.clear();
    println!("requests failed that should have succeeded after recovery: {failed_after_recovery}");
    assert_eq!(failed_after_recovery, 0);
}

#[tokio::test]
async fn writes_are_never_duplicated() {
    let (sandbox, context) = setup().await;
    let user = context.user_id().unwrap();
    let account = read(&context).await.unwrap().id;
    common::fund(&context, account, "100.00").await;
    let faults = sandbox.faults();
    let client = context.client();
    let cases = ["reset", "delay", "429", "unsigned 429", "forged 429", "gateway 503", "500"];
    for (i, fault) in cases.iter().enumerate() {
        let description = format!("once-{i}");
        let body = common::payment("1.00", Pointer::email("sugardaddy@bunq.com"), &description);
        let request_id = bunq_api::headers::new_request_id();
        match *fault {
            "reset" => faults.reset_connection(1),
            "delay" => faults.delay(Duration::from_secs(2), 1),
            "429" => faults.fail(429, 1),
            "unsigned 429" => faults.fail_unsigned(429, 2),
            "forged 429" => faults.forge_after_executing(429, 1),
            "gateway 503" => faults.gateway_error(503, 1),
            _ => faults.fail(500, 1),
        }
        // The caller's rule: retry a write only under the request id it was first sent with.
        let first =
            with_request_id(&request_id, client.create_payment(&user, &account, &body)).await.map_err(Error::from);
        match (&first, *fault) {
            // Not executed: the client sent it again under its own id, and it ran once.
            (Ok(_), "429" | "unsigned 429") => continue,
            (Err(e), "reset" | "delay" | "forged 429" | "gateway 503") => {
                assert!(e.is_outcome_unknown(), "{fault}: {e}")
            }
            (Err(e), "500") => assert!(e.is_server_error(), "{fault}: {e}"),
            (other, _) => panic!("{fault}: {other:?}"),
        }
        let again = with_request_id(&request_id, client.create_payment(&user, &account, &body)).await;
        if matches!(*fault, "500" | "gateway 503") {
            // Refused before it ran: the retry under the same id executes it.
            again.unwrap();
        } else {
            // Ran, answer lost or forged: bunq refuses the reused id.
            assert_eq!(Error::from(again.unwrap_err()).status(), Some(400), "{fault}");
        }
    }
    let payments: Vec<Payment> =
        client.list_payments(&user, &account, Some(200), None, None).await.unwrap().into_inner().into_items();
    let mut duplicated = 0;
    for (i, case) in cases.iter().enumerate() {
        let copies = payments.iter().filter(|p| p.description.as_deref() == Some(&format!("once-{i}"))).count();
        assert_eq!(copies.min(1), 1, "payment once-{i} ({case}) was made");
        duplicated += copies - 1;
    }
    let balance = read(&context).await.unwrap().balance.unwrap();
    assert_eq!(balance, Amount::eur(93));
    println!("duplicated payments: {duplicated}");
    assert_eq!(duplicated, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_killed_mid_run_are_reopened_once() {
    let (sandbox, context) = setup().await;
    let before = sandbox.stats().session_server_calls;
    sandbox.faults().expire_sessions();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let context = context.clone();
        tasks.push(tokio::spawn(async move { read(&context).await }));
    }
    let mut failed = 0;
    for task in tasks {
        if let Err(error) = task.await.unwrap() {
            eprintln!("{error}");
            failed += 1;
        }
    }
    let per_expiry = sandbox.stats().session_server_calls - before;
    println!("session-server calls per expiry: {per_expiry}; failed: {failed}");
    assert_eq!(failed, 0);
    assert_eq!(per_expiry, 1);
}

#[tokio::test]
async fn client_side_rate_limits_keep_within_bunqs() {
    let sandbox = common::sandbox(SandboxConfig::default().rate_limits(true)).await;
    let api_key = sandbox.create_user().await;
    let options = ContextOptions::new().key(common::client_key()).retry(bunq_api::RetryPolicy::none());
    let context = ApiContext::create_with(sandbox.environment(), api_key, "limits", &["*"], options).await.unwrap();
    let started = std::time::Instant::now();
    // Four GETs of one endpoint: bunq allows three in any three seconds, and so does the sandbox here.
    for _ in 0..4 {
        read(&context).await.expect("never refused with 429");
    }
    assert!(started.elapsed() >= Duration::from_millis(2900), "the limiter waited for its slot");
}
