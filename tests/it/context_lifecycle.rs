//! The API context end to end, over real HTTP against the embedded sandbox:
//! create → save → restore (no new installation) → accounts → pay → read back → page → close.

use crate::common;

use bunq_api::types::*;
use bunq_api::{ApiContext, ContextOptions, Created, Decimal, Envelope};
use bunq_sandbox::SandboxConfig;
use futures_util::StreamExt;

#[tokio::test]
async fn create_save_restore_pay_and_page() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let user = context.user_id().expect("the session names its user");
    let account = common::first_account(&context).await;
    assert_eq!(account.status, Some(MonetaryAccountStatus::Active));
    common::fund(&context, account.id, "500.00").await;

    let dir = common::temp_dir("lifecycle");
    let path = dir.join("context.json");
    context.save(&path).unwrap();
    let installations = sandbox.stats().installations;
    let restored = ApiContext::restore(&path).unwrap();
    assert_eq!(restored.user_id(), Some(user));
    assert_eq!(sandbox.stats().installations, installations, "restore makes no new installation");

    // A second user to pay.
    let friend = common::context(&sandbox, ContextOptions::new()).await;
    let friend_account = common::first_account(&friend).await;
    let friend_iban = friend_account.iban().expect("IBAN alias").to_owned();

    let client = restored.client();
    let created = client
        .create_payment(&user, &account.id, &common::payment("12.34", Pointer::iban(&friend_iban, "Friend"), "lunch"))
        .await
        .unwrap()
        .into_inner();
    let payment_id = created.id().unwrap();
    let payment = client.get_payment(&user, &account.id, &payment_id).await.unwrap().into_inner().into_first().unwrap();
    assert_eq!(payment.id, payment_id);
    assert_eq!(payment.amount, Some(Amount::eur(Decimal::new(-1234, 2))));
    assert_eq!(payment.description.as_deref(), Some("lunch"));

    let after = common::first_account(&restored).await;
    assert_eq!(after.balance, Some(Amount::eur(Decimal::new(48766, 2))));
    let friend_after = common::first_account(&friend).await;
    assert_eq!(friend_after.balance, Some(Amount::eur(Decimal::new(1234, 2))), "both sides see the payment");

    // 24 more payments, then page through all of them 10 at a time.
    for i in 0..24 {
        let body = common::payment("0.01", Pointer::iban(&friend_iban, "Friend"), &format!("p{i}"));
        client.create_payment(&user, &account.id, &body).await.unwrap();
    }
    let payments = restored.user(user).monetary_account(account.id).payments();
    let all: Vec<Payment> = payments.list().count(10).stream().map(|p| p.unwrap()).collect().await;
    // 25 payments out plus the incoming sugardaddy payment.
    assert_eq!(all.len(), 26);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first, no repeats");
    assert_eq!(all[0].description.as_deref(), Some("p23"));

    restored.close().await.unwrap();
    let err = client.delete_session(&SessionId(0)).await.map_err(bunq_api::Error::from);
    // After close the next call opens a new session by itself, so it succeeds.
    assert!(err.is_ok(), "{err:?}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn context_files_are_owner_only_and_damaged_ones_are_kept() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let dir = common::temp_dir("files");
    let path = dir.join("context.json");
    context.save(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "owner-only");
    }
    // Saving again replaces it atomically and leaves no temporary files.
    context.save(&path).unwrap();
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");

    for (name, content) in [
        ("truncated.json", &std::fs::read(&path).unwrap()[..100]),
        ("foreign.json", br#"{"hello":"world"}"#.as_slice()),
        ("empty.json", b"".as_slice()),
    ] {
        let damaged = dir.join(name);
        std::fs::write(&damaged, content).unwrap();
        let err = ApiContext::restore(&damaged).unwrap_err();
        assert!(matches!(err, bunq_api::Error::ContextFile { .. }), "{name}: {err}");
        assert!(err.to_string().contains(name), "the message names the file: {err}");
        let err = context.save(&damaged).unwrap_err();
        assert!(err.to_string().contains("refusing to overwrite"), "{name}: {err}");
        assert_eq!(std::fs::read(&damaged).unwrap(), content, "{name} is left as it was");
    }
    let future = dir.join("future.json");
    std::fs::write(&future, br#"{"format":"bunq-api-context","version":99}"#).unwrap();
    assert!(ApiContext::restore(&future).unwrap_err().to_string().contains("newer bunq-api"));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn api_errors_carry_status_descriptions_and_response_id() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let user = context.user_id().unwrap();
    let account = common::first_account(&context).await;
    let body = common::payment("1000.00", Pointer::email("sugardaddy@bunq.com"), "too much");
    let err = bunq_api::Error::from(context.client().create_payment(&user, &account.id, &body).await.unwrap_err());
    assert!(err.is_user_error(), "{err}");
    assert!(!err.descriptions().is_empty());
    assert!(err.response_id().is_some());
    assert!(err.to_string().contains("490"), "{err}");
}

#[cfg(feature = "aws-lc")]
#[tokio::test]
async fn encrypted_context_files_need_their_key() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let dir = common::temp_dir("sealed");
    let (plain, sealed) = (dir.join("plain.json"), dir.join("sealed.json"));
    context.save(&plain).unwrap();
    let key = bunq_api::ContextKey::generate().unwrap();
    context.save_encrypted(&sealed, &key).unwrap();

    // Nothing secret is readable in the sealed file.
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&plain).unwrap()).unwrap();
    let sealed_text = std::fs::read_to_string(&sealed).unwrap();
    for field in ["api_key", "installation_token", "private_key_pem"] {
        let secret = saved[field].as_str().unwrap();
        assert!(!sealed_text.contains(&secret[secret.len() - 40..]), "{field} is readable");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&sealed).unwrap().permissions().mode() & 0o777, 0o600);
    }

    let err = ApiContext::restore(&sealed).unwrap_err();
    assert!(err.to_string().contains("encrypted"), "{err}");
    let wrong = bunq_api::ContextKey::generate().unwrap();
    let err = ApiContext::restore_encrypted(&sealed, &wrong, ContextOptions::new()).unwrap_err();
    assert!(err.to_string().contains("wrong key"), "{err}");
    let restored = ApiContext::restore_encrypted(&sealed, &key, ContextOptions::new()).unwrap();
    assert_eq!(restored.user_id(), context.user_id());
    restored.client().get_user(&restored.user_id().unwrap()).await.unwrap();
    // Overwriting a sealed context with a plain one (or back) is allowed: both are ours.
    context.save(&sealed).unwrap();
    std::fs::remove_dir_all(dir).ok();
}

/// Sealed bytes open only with their key, and only unchanged (no server needed: the context
/// file is written by hand from the test vectors).
#[cfg(feature = "aws-lc")]
#[test]
fn sealed_context_files_open_only_with_their_key_and_unchanged() {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    let vectors = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/keys");
    let pem = |name: &str| std::fs::read_to_string(vectors.join(name)).unwrap();
    let dir = common::temp_dir("sealing");
    let (plain, sealed, reopened) = (dir.join("plain.json"), dir.join("sealed.json"), dir.join("reopened.json"));
    let file = serde_json::json!({
        "format": "bunq-api-context", "version": 1,
        "environment": {"custom": "http://127.0.0.1:9/v1"},
        "api_key": "sandbox_key", "private_key_pem": pem("client.pem"), "installation_token": "installation",
        "server_public_key_pem": pem("server.pub.pem"), "device_id": 7, "session": null,
    });
    std::fs::write(&plain, serde_json::to_vec(&file).unwrap()).unwrap();
    let context = ApiContext::restore(&plain).unwrap();

    let key = bunq_api::ContextKey::generate().unwrap();
    context.save_encrypted(&sealed, &key).unwrap();
    // What opens is what was sealed.
    ApiContext::restore_encrypted(&sealed, &key, ContextOptions::new()).unwrap().save(&reopened).unwrap();
    let read = |path: &std::path::Path| serde_json::from_slice::<serde_json::Value>(&std::fs::read(path).unwrap());
    assert_eq!(read(&reopened).unwrap(), file);

    let wrong = bunq_api::ContextKey::generate().unwrap();
    let err = ApiContext::restore_encrypted(&sealed, &wrong, ContextOptions::new()).unwrap_err();
    assert!(err.to_string().contains("wrong key"), "{err}");
    // One bit of the tag changed, or too short to hold a nonce: refused.
    let mut outer = read(&sealed).unwrap();
    let mut bytes = STANDARD.decode(outer["sealed"].as_str().unwrap()).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    for bytes in [bytes, b"short".to_vec()] {
        outer["sealed"] = STANDARD.encode(bytes).into();
        let changed = dir.join("changed.json");
        std::fs::write(&changed, serde_json::to_vec(&outer).unwrap()).unwrap();
        let err = ApiContext::restore_encrypted(&changed, &key, ContextOptions::new()).unwrap_err();
        assert!(err.to_string().contains("the file was changed"), "{err}");
    }
    assert_eq!(format!("{key:?}"), "ContextKey([redacted])");
    std::fs::remove_dir_all(dir).ok();
}
