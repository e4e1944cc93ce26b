//! Shared setup for the end-to-end tests: an embedded sandbox and a context on it.
#![allow(dead_code)]

pub mod logs;
pub mod raw;
pub mod servers;
pub mod vectors;

use bunq_api::types::*;
use bunq_api::{ApiContext, ContextOptions, Envelope};
use bunq_sandbox::{Sandbox, SandboxConfig};
use std::path::PathBuf;

/// A fixed 2048-bit client key made with openssl (tests/vectors), so tests need not generate keys.
pub fn client_key() -> bunq_api::keys::PrivateKey {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/keys/client.pem");
    match std::fs::read_to_string(&path) {
        Ok(pem) => bunq_api::keys::PrivateKey::from_pem(&pem).expect("client key"),
        Err(_) => bunq_api::keys::PrivateKey::generate().expect("key generation"),
    }
}

pub async fn sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start_with(config).await.expect("sandbox starts")
}

/// A new sandbox user with a context on it.
pub async fn context(sandbox: &Sandbox, options: ContextOptions) -> ApiContext {
    let api_key = sandbox.create_user().await;
    ApiContext::create_with(
        sandbox.environment(),
        api_key,
        "bunq-api tests",
        &["*"],
        options.key(client_key()).rate_limits(false),
    )
    .await
    .expect("context")
}

/// The context's first current account.
pub async fn first_account(context: &ApiContext) -> MonetaryAccountBank {
    let user = context.user_id().expect("user id");
    let listing = context.client().list_monetary_account_banks(&user, None, None, None).await.expect("accounts");
    listing.into_inner().into_first().expect("an account")
}

/// Asks sugardaddy for money (the sandbox accepts up to 500 EUR at once).
pub async fn fund(context: &ApiContext, account: MonetaryAccountId, value: &str) {
    let user = context.user_id().unwrap();
    let inquiry = NewRequestInquiry::new(eur(value), Pointer::email("sugardaddy@bunq.com"), "funding");
    context.client().create_request_inquiry(&user, &account, &inquiry).await.expect("request inquiry");
}

/// Euros from a value written as bunq writes it (`"12.50"`).
pub fn eur(value: &str) -> Amount {
    Amount::eur(value.parse::<bunq_api::Decimal>().expect("a decimal value"))
}

pub fn payment(value: &str, to: Pointer, description: &str) -> NewPayment {
    NewPayment::new(eur(value), to, description)
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bunq-api-test-{name}-{}", bunq_api::headers::new_request_id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary of an example, built so that it is never stale; a no-op when this test run's
/// `cargo test` already built it.
pub fn example_binary(name: &str) -> PathBuf {
    example_binary_with(name, &[])
}

/// [`example_binary`] built with these features of bunq-api (those of this test run, so that
/// nothing is compiled twice).
pub fn example_binary_with(name: &str, features: &[&str]) -> PathBuf {
    let binary = target_dir().join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let features = features.join(",");
    let mut args = vec!["--example", name];
    if !features.is_empty() {
        args.extend(["--features", features.as_str()]);
    }
    build(&args, &binary);
    binary
}

/// The standalone sandbox runner (`bunq-sandbox`'s binary `sandbox_server`), built so that it is
/// never stale; a no-op when this test run's `cargo test` already built it.
///
/// It is built from the workspace root together with an example: an example switches on the
/// dev-dependencies as `cargo test` does, so the runner links the `bunq-api` this test run
/// compiled. `cargo build -p bunq-sandbox --bin sandbox_server` alone resolves other features
/// (no dev-dependencies, no default features of bunq-api) and would compile the generated code
/// once more.
pub fn runner_binary() -> PathBuf {
    let binary = target_dir().join(format!("sandbox_server{}", std::env::consts::EXE_SUFFIX));
    build(&["--bin", "sandbox_server", "--example", "quickstart"], &binary);
    binary
}

/// `target/<profile>`, from this test binary's place in `target/<profile>/deps`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps").to_owned()
}

/// `cargo build --quiet ARGS` in the workspace root (its default members: the three published
/// crates, as `cargo test` there builds them); `binary` must exist afterwards.
fn build(args: &[&str], binary: &std::path::Path) {
    let mut build = std::process::Command::new(env!("CARGO"));
    build.args(["build", "--quiet"]).args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    let built = build.status().unwrap();
    assert!(built.success() && binary.exists(), "could not build {}", binary.display());
}

/// The standalone sandbox runner, started with `args`; its base URL and the process.
pub fn start_runner(args: &[&str]) -> (String, std::process::Child) {
    use std::io::BufRead;
    let runner = runner_binary();
    let mut child = std::process::Command::new(&runner)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim_end().to_owned();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/v1/"), "the runner said {line:?}");
    (base, child)
}

/// Any operation through the generated client's hooks, every answer checked.
pub mod api;
