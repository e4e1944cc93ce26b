//! A session about to expire is renewed once, however many requests notice at the same moment.

use crate::common;

use bunq_api::{ApiContext, ContextOptions, Envelope, Error};
use bunq_sandbox::SandboxConfig;
use std::time::{Duration, UNIX_EPOCH};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_requests_at_expiry_open_one_session() {
    let sandbox = common::sandbox(SandboxConfig::default().session_timeout(Duration::from_secs(3))).await;
    let dir = common::temp_dir("renewal");
    let saved = dir.join("context.json");
    // Renew when less than 2 s are left: one second after opening.
    let options = ContextOptions::new().refresh_margin(Duration::from_secs(2)).save_on_renew(&saved);
    let context = common::context(&sandbox, options).await;
    context.save(&saved).unwrap();
    let before = sandbox.stats().session_server_calls;
    let first_expiry = context.session_expires_at().unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;

    let user = context.user_id().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let client = context.client().clone();
        tasks.push(tokio::spawn(async move { client.list_monetary_account_banks(&user, None, None, None).await }));
    }
    let mut failed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(listing) => assert_eq!(listing.into_inner().into_items().len(), 1),
            Err(e) => {
                failed += 1;
                eprintln!("{}", bunq_api::Error::from(e));
            }
        }
    }
    assert_eq!(failed, 0, "no request fails across the renewal");
    assert_eq!(sandbox.stats().session_server_calls - before, 1, "exactly one session-server call");
    assert!(context.session_expires_at().unwrap() > first_expiry);
    // The renewal was saved: a restore resumes on the new session without opening another.
    let restored = bunq_api::ApiContext::restore(&saved).unwrap();
    assert_eq!(
        restored.session_expires_at(),
        context.session_expires_at().map(|t| {
            std::time::UNIX_EPOCH + Duration::from_secs(t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs())
        })
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_expired_session_is_reopened_before_the_call() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let before = sandbox.stats().session_server_calls;
    context.renew_session().await.unwrap();
    assert_eq!(sandbox.stats().session_server_calls - before, 1);
    let user = context.user_id().unwrap();
    context.client().get_user(&user).await.unwrap();
}

/// The seconds of a session's expiry, as a context file keeps it.
fn saved_expiry(context: &ApiContext) -> Option<u64> {
    context.session_expires_at().map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs())
}

#[tokio::test]
async fn renew_session_saves_the_context_with_save_on_renew() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let dir = common::temp_dir("renew-now-saves");
    let saved = dir.join("context.json");
    let context = common::context(&sandbox, ContextOptions::new().save_on_renew(&saved)).await;
    assert!(!saved.exists(), "creating a context is not a renewal");
    let before = sandbox.stats().session_server_calls;
    context.renew_session().await.unwrap();
    assert_eq!(sandbox.stats().session_server_calls - before, 1);
    let restored = ApiContext::restore(&saved).expect("renew_session saved the context");
    assert_eq!(saved_expiry(&restored), saved_expiry(&context));
    // The saved session is the renewed one: it works without opening another.
    restored.client().get_user(&restored.user_id().unwrap()).await.unwrap();
    assert_eq!(sandbox.stats().session_server_calls - before, 1);
    std::fs::remove_dir_all(dir).ok();
}

/// bunq refuses the new session with 403 (as for an IP address the API key may not be used
/// from): the error says so through the renewal, for a call that renews first and for
/// `renew_session`.
#[tokio::test]
async fn a_renewal_refused_with_403_is_forbidden() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    // A refresh margin longer than any session: every call renews first.
    let margin = Duration::from_secs(400 * 24 * 3600);
    let context = common::context(&sandbox, ContextOptions::new().refresh_margin(margin)).await;
    let me = context.me().unwrap();
    let writes = sandbox.faults().writes();

    writes.fail(403, 1);
    let error = me.get().await.unwrap_err();
    assert!(matches!(error, Error::Renewal { .. }), "{error:?}");
    assert!(error.is_forbidden(), "{error}");
    assert_eq!(error.status(), Some(403));
    assert!(error.response_id().is_some(), "{error}");
    assert!(error.to_string().contains("could not open a new session"), "{error}");
    assert!(error.to_string().contains("status 403"), "{error}");

    writes.fail(403, 1);
    let error = context.renew_session().await.unwrap_err();
    assert!(error.is_forbidden(), "{error}");

    // bunq's 429 on the session-server, past the retries.
    writes.fail(429, 10);
    let error = me.get().await.unwrap_err();
    writes.clear();
    assert!(error.is_rate_limited() && !error.is_forbidden(), "{error}");

    // Once bunq lets it, the next call renews and goes.
    me.get().await.unwrap();
}
