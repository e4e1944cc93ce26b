//! Responses not signed by bunq's key never reach the caller as data.

use crate::common;

use bunq_api::signing::SignatureError;
use bunq_api::{ContextOptions, Envelope, Error};
use bunq_sandbox::SandboxConfig;

async fn list_users(context: &bunq_api::ApiContext) -> Result<Vec<bunq_api::types::User>, Error> {
    Ok(context.client().list_users(None, None, None).await?.into_inner().into_items())
}

#[tokio::test]
async fn tampered_wrongly_signed_and_unsigned_responses_are_rejected() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let faults = sandbox.faults();
    let cases: [(&str, &dyn Fn(), SignatureError); 3] = [
        ("tampered body", &|| faults.tamper_body(1), SignatureError::Invalid),
        ("wrong key", &|| faults.sign_with_wrong_key(1), SignatureError::Invalid),
        ("missing signature", &|| faults.drop_signature(1), SignatureError::Missing),
    ];
    let mut accepted_after_tampering = 0;
    for (name, inject, expected) in cases {
        inject();
        match list_users(&context).await {
            Err(Error::ServerSignature { problem, response_id }) => {
                assert_eq!(problem, expected, "{name}");
                assert!(response_id.is_some(), "{name}: the response id is kept for support");
            }
            Ok(_) => accepted_after_tampering += 1,
            Err(other) => panic!("{name}: {other}"),
        }
        // The fault is over: the next call goes through.
        assert_eq!(list_users(&context).await.unwrap().len(), 1, "{name}");
    }
    assert_eq!(accepted_after_tampering, 0);
}

#[tokio::test]
async fn error_responses_are_verified_too() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    // An unsigned error is not trusted as bunq's words, whatever its status says.
    for status in [400, 401, 404, 490, 500] {
        sandbox.faults().fail_unsigned(status, 1);
        let err = list_users(&context).await.unwrap_err();
        assert!(err.is_server_signature() && err.descriptions().is_empty(), "unsigned {status}: {err}");
    }
    // A signed 429 is believed; reads are retried three times, so four in a row reach the caller.
    sandbox.faults().fail(429, 4);
    let err = list_users(&context).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    sandbox.faults().fail(503, 2);
    assert_eq!(list_users(&context).await.unwrap().len(), 1, "recovered within the retry bound");
}

#[tokio::test]
async fn legacy_signatures_are_accepted() {
    let sandbox = common::sandbox(SandboxConfig::default().legacy_signatures(true)).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    assert_eq!(list_users(&context).await.unwrap().len(), 1);
    sandbox.faults().tamper_body(1);
    assert!(list_users(&context).await.unwrap_err().is_server_signature());
}

#[tokio::test]
async fn oversized_responses_are_refused() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let dir = common::temp_dir("oversized");
    context.save(dir.join("context.json")).unwrap();
    let small =
        bunq_api::ApiContext::restore_with(dir.join("context.json"), ContextOptions::new().max_response_bytes(64))
            .unwrap();
    let err = list_users(&small).await.unwrap_err();
    std::fs::remove_dir_all(dir).ok();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 64 }), "{err}");
}
