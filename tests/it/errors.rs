//! Errors the hooks make travel through progenitor (whose hooks can fail only with
//! `progenitor_client::Error::Custom`) and come back as the same typed `bunq_api::Error`:
//! caused over real HTTP against the embedded sandbox, taken from a raw progenitor call and
//! converted as `?` converts it.

use crate::common;

use bunq_api::signing::SignatureError;
use bunq_api::types::{ErrorResponse, NewPayment, Pointer};
use bunq_api::{ApiContext, ContextOptions, Decimal, Error, RetryPolicy};
use bunq_sandbox::SandboxConfig;
use std::time::Duration;

/// progenitor's error of a failed raw call, and what `?` makes of it.
fn converted<T>(result: Result<T, progenitor_client::Error<ErrorResponse>>) -> (String, Error) {
    let raw = result.err().expect("the call was meant to fail");
    let text = raw.to_string();
    (text, Error::from(raw))
}

#[tokio::test]
async fn every_hook_failure_arrives_as_its_typed_value() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let retry =
        RetryPolicy { max_retries: 2, base_delay: Duration::from_millis(10), max_delay: Duration::from_millis(20) };
    let context = common::context(&sandbox, ContextOptions::new().retry(retry)).await;
    let user = context.user_id().unwrap();
    let client = context.client();
    let faults = sandbox.faults();

    faults.tamper_body(1);
    let (text, error) = converted(client.get_user(&user).await);
    assert!(
        matches!(&error, Error::ServerSignature { problem: SignatureError::Invalid, response_id: Some(_) }),
        "{error:?}"
    );
    // progenitor's own text carries the same sentence.
    assert!(text.contains(&error.to_string()), "{text}");

    faults.drop_signature(1);
    let (_, error) = converted(client.get_user(&user).await);
    assert!(matches!(&error, Error::ServerSignature { problem: SignatureError::Missing, .. }), "{error:?}");

    faults.fail_unsigned(429, 10);
    let (_, error) = converted(client.get_user(&user).await);
    faults.clear();
    assert!(
        matches!(&error, Error::Unverified { status: 429, problem: SignatureError::Missing, retries: 2 }),
        "{error:?}"
    );
    assert!(error.is_rate_limited() && error.is_unverified());

    let account = common::first_account(&context).await;
    faults.reset_connection(1);
    let payment = NewPayment::new(
        bunq_api::types::Amount::eur(Decimal::new(1, 2)),
        Pointer::email("sugardaddy@bunq.com"),
        "lost",
    );
    let (_, error) = converted(client.create_payment(&user, &account.id, &payment).await);
    assert!(matches!(&error, Error::OutcomeUnknown { request_id, .. } if !request_id.is_empty()), "{error:?}");

    let dir = common::temp_dir("typed-errors");
    context.save(dir.join("context.json")).unwrap();
    let small =
        ApiContext::restore_with(dir.join("context.json"), ContextOptions::new().max_response_bytes(64)).unwrap();
    let (_, error) = converted(small.client().get_user(&user).await);
    assert!(matches!(&error, Error::ResponseTooLarge { limit: 64 }), "{error:?}");
    std::fs::remove_dir_all(dir).ok();
}

/// bunq's translation of each description (`error_description_translated`) is kept beside it.
/// Over HTTP from the sandbox, which answers in its users' language (English), both are the
/// same sentence; bunq's recorded error carries Dutch translations.
#[tokio::test]
async fn bunqs_translated_descriptions_are_kept() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let user = context.user_id().unwrap();
    let account = common::first_account(&context).await;
    let too_much = common::payment("1000.00", Pointer::email("sugardaddy@bunq.com"), "too much");
    let error = Error::from(context.client().create_payment(&user, &account.id, &too_much).await.unwrap_err());
    assert!(error.is_user_error(), "{error}");
    assert!(!error.descriptions_translated().is_empty(), "{error:?}");
    assert_eq!(error.descriptions_translated(), error.descriptions());

    let recorded = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire/error_490.json");
    let body: ErrorResponse = serde_json::from_slice(&std::fs::read(recorded).unwrap()).unwrap();
    let status = reqwest::StatusCode::from_u16(490).unwrap();
    let answer = progenitor_client::ResponseValue::new(body, status, Default::default());
    let error = Error::from(progenitor_client::Error::ErrorResponse(answer));
    assert_eq!(error.descriptions(), ["Insufficient balance on the account.", "Second description."]);
    assert_eq!(error.descriptions_translated(), ["Onvoldoende saldo op de rekening.", "Tweede omschrijving."]);
    // What a developer reads stays bunq's own description.
    let text = error.to_string();
    assert!(text.contains("Insufficient balance on the account") && !text.contains("Onvoldoende"), "{text}");

    // A description bunq sent no translation of stands for itself.
    let body: ErrorResponse = serde_json::from_str(r#"{"Error": [{"error_description": "Only this."}]}"#).unwrap();
    let answer = progenitor_client::ResponseValue::new(body, status, Default::default());
    let error = Error::from(progenitor_client::Error::ErrorResponse(answer));
    assert_eq!(error.descriptions_translated(), ["Only this."]);
}

#[test]
fn other_custom_errors_are_not_read_as_hook_failures() {
    let error = Error::from(progenitor_client::Error::<ErrorResponse>::Custom("something else".to_owned()));
    assert!(matches!(&error, Error::InvalidRequest(message) if message == "something else"), "{error:?}");
    // A key that was never handed out is not one either.
    let text = "the API context cannot make this call: x (bunq_api::Error #18446744073709551615)";
    let error = Error::from(progenitor_client::Error::<ErrorResponse>::Custom(text.to_owned()));
    assert!(matches!(&error, Error::InvalidRequest(message) if message == text), "{error:?}");
}

mod messages {
    //! What a person reads when a call fails: each kind of failure, caused over real HTTP against the
    //! embedded sandbox, printed the way the examples print it (`?` into `Box<dyn Error>`, then
    //! `Display`), must be a sentence — what happened, the response id when there is one, what to do —
    //! with no encoding of ours and nothing of progenitor's in it.

    use crate::common;

    use bunq_api::types::*;
    use bunq_api::{ApiContext, ContextOptions, Decimal, Environment, RetryPolicy};
    use bunq_sandbox::SandboxConfig;
    use std::error::Error as StdError;
    use std::time::Duration;

    /// A failure as the examples print it: through `?` into `Box<dyn Error>`.
    fn printed<T, E: StdError + 'static>(result: Result<T, E>) -> String {
        fn boxed<T, E: StdError + 'static>(result: Result<T, E>) -> Result<T, Box<dyn StdError>> {
            Ok(result?)
        }
        match boxed(result) {
            Ok(_) => panic!("the call was meant to fail"),
            Err(error) => error.to_string(),
        }
    }

    /// The text reads as a sentence of ours.
    fn check(kind: &str, text: &str, must_say: &[&str]) {
        println!("{kind}: {text}");
        for tag in ["bunq-api/", "Custom", "Error Response", "HookFailure", "Invalid Response", "Communication Error"] {
            assert!(!text.contains(tag), "{kind}: `{tag}` in {text:?}");
        }
        assert!(text.len() > 30 && !text.contains('\n'), "{kind}: {text:?}");
        for phrase in must_say {
            assert!(text.contains(phrase), "{kind}: no {phrase:?} in {text:?}");
        }
    }

    fn fast_retries() -> ContextOptions {
        let retry =
            RetryPolicy { max_retries: 1, base_delay: Duration::from_millis(10), max_delay: Duration::from_millis(20) };
        ContextOptions::new().retry(retry).timeout(Duration::from_millis(800))
    }

    #[tokio::test]
    async fn every_kind_of_failure_reads_as_a_sentence() {
        let sandbox = common::sandbox(SandboxConfig::default()).await;
        let context = common::context(&sandbox, fast_retries()).await;
        let me = context.me().unwrap();
        let first = common::first_account(&context).await;
        let account = me.monetary_account(first.id);
        let faults = sandbox.faults();
        let sugardaddy = || Pointer::email("sugardaddy@bunq.com");

        let too_much = NewPayment::new(Amount::eur(1000), sugardaddy(), "too much");
        let text = printed(account.payments().create(&too_much).await);
        check("bunq refuses (490)", &text, &["bunq refused the call with status 490", "response id"]);

        let text = printed(account.payment(PaymentId(999_999)).get().await);
        check("no such object (404)", &text, &["status 404", "response id"]);

        faults.tamper_body(1);
        let text = printed(me.get().await);
        check("tampered answer", &text, &["server signature is invalid", "response id", "attack"]);

        faults.drop_signature(1);
        let text = printed(me.get().await);
        check("unsigned answer", &text, &["server signature is missing"]);

        faults.fail_unsigned(429, 10);
        let text = printed(me.get().await);
        faults.clear();
        check("front door 429", &text, &["rate limiter answered 429", "without a server signature", "retry"]);

        faults.gateway_error(503, 10);
        let text = printed(me.get().await);
        faults.clear();
        check("load balancer 503", &text, &["load balancer", "503", "Try again"]);

        faults.reset_connection(1);
        let payment = NewPayment::new(Amount::eur(Decimal::new(1, 2)), sugardaddy(), "lost");
        let text = printed(account.payments().create(&payment).await);
        check("write without an answer", &text, &["may or may not have been executed", "request id"]);

        let dir = common::temp_dir("messages");
        context.save(dir.join("context.json")).unwrap();
        let small =
            ApiContext::restore_with(dir.join("context.json"), ContextOptions::new().max_response_bytes(64)).unwrap();
        let text = printed(small.me().unwrap().get().await);
        check("answer too large", &text, &["larger than 64 bytes", "max_response_bytes"]);

        std::fs::write(dir.join("damaged.json"), b"{\"version\": 1, \"trunc").unwrap();
        let text = printed(ApiContext::restore(dir.join("damaged.json")));
        check("damaged context file", &text, &["damaged.json"]);
        std::fs::remove_dir_all(dir).ok();

        // Progenitor's own methods carry our sentence too (after its "Error: ").
        faults.drop_signature(1);
        let user = context.user_id().unwrap();
        let text = printed(context.client().get_user(&user).await);
        check("raw call, unsigned answer", &text, &["server signature is missing"]);

        // Nobody listening.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let nowhere = Environment::Custom(format!("http://127.0.0.1:{port}/v1"));
        let text = printed(ApiContext::create_sandbox_user(&nowhere).await);
        check("no server", &text, &["no answer from the server", "base URL"]);
    }
}
