//! A session about to expire is renewed once, however many requests notice at the same moment.

mod common;

use bunq_api::{ContextOptions, Envelope};
use bunq_sandbox::SandboxConfig;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_requests_at_expiry_open_one_session() {
    let sandbox = common::sandbox(SandboxConfig::default().session_timeout(Duration::from_secs(3))).await;
    // Renew when less than 2 s are left: one second after opening.
    let context = common::context(&sandbox, ContextOptions::new().refresh_margin(Duration::from_secs(2))).await;
    let dir = common::temp_dir("renewal");
    let saved = dir.join("context.json");
    context.save(&saved).unwrap();
    context.save_on_renew(&saved);
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
