//! Nothing printed or logged during a full flow contains the API key, a token or the private key.

use crate::common;

use bunq_api::types::Pointer;
use bunq_api::{ApiContext, ContextOptions, Envelope};
use bunq_sandbox::SandboxConfig;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Set in the process that runs the flow: tracing's callsites are shared by the whole test binary,
/// and other tests running beside it on other threads made this one miss its own log lines.
const ALONE: &str = "BUNQ_SECRETS_TEST_ALONE";

#[test]
fn no_secret_in_debug_display_or_logs() {
    if std::env::var_os(ALONE).is_some() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        return runtime.block_on(full_flow());
    }
    let name = "secrets::no_secret_in_debug_display_or_logs";
    let run = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(ALONE, "1")
        .output()
        .unwrap();
    let output = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success() && output.contains("1 passed"), "the flow in a process of its own:\n{output}");
}

/// A full flow with every log line captured: nothing printed or logged holds a secret.
async fn full_flow() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let mut printed = String::new();

    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let user = context.user_id().unwrap();
    let account = common::first_account(&context).await;
    common::fund(&context, account.id, "50.00").await;
    let paid = context
        .client()
        .create_payment(&user, &account.id, &common::payment("1.00", Pointer::email("sugardaddy@bunq.com"), "x"))
        .await
        .unwrap();
    printed += &format!("{paid:?}\n");
    let failed = context
        .client()
        .create_payment(&user, &account.id, &common::payment("9999.00", Pointer::email("sugardaddy@bunq.com"), "x"))
        .await
        .map_err(bunq_api::Error::from)
        .unwrap_err();
    printed += &format!("{failed:?}\n{failed}\n");
    sandbox.faults().tamper_body(1);
    let tampered = bunq_api::Error::from(context.client().list_users(None, None, None).await.unwrap_err());
    printed += &format!("{tampered:?}\n{tampered}\n");

    let dir = common::temp_dir("secrets");
    let path = dir.join("context.json");
    context.save(&path).unwrap();
    let restored = ApiContext::restore(&path).unwrap();
    let accounts = restored.client().list_monetary_accounts(&user, None, None, None).await.unwrap();
    printed +=
        &format!("{context:?}\n{restored:?}\n{:?}\n{:?}\n", restored.client(), accounts.into_inner().into_items());
    restored.close().await.unwrap();

    // The secrets, as the context file holds them.
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut secrets: Vec<String> =
        ["api_key", "installation_token"].iter().map(|k| saved[k].as_str().unwrap().to_owned()).collect();
    secrets.push(saved["session"]["token"].as_str().unwrap().to_owned());
    let private_key = saved["private_key_pem"].as_str().unwrap();
    // Every full line of the key's base64 body.
    secrets.extend(private_key.lines().filter(|l| l.len() == 64).map(str::to_owned));
    assert!(secrets.len() > 10);

    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("operation=create_payment"), "calls are logged:\n{logged}");
    assert!(logged.contains("response_id="), "with bunq's response id");
    for secret in &secrets {
        assert!(!printed.contains(secret.as_str()), "a secret was printed: {printed}");
        assert!(!logged.contains(secret.as_str()), "a secret was logged");
    }
    std::fs::remove_dir_all(dir).ok();
}
