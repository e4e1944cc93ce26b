//! Errors the hooks make travel through progenitor (whose hooks can fail only with
//! `progenitor_client::Error::Custom`) and come back as the same typed `bunq_api::Error`:
//! caused over real HTTP against the embedded sandbox, taken from a raw progenitor call and
//! converted as `?` converts it.

mod common;

use bunq_api::signing::SignatureError;
use bunq_api::types::{ErrorResponse, NewPayment, Pointer};
use bunq_api::{ApiContext, ContextOptions, Error, RetryPolicy};
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
    let payment =
        NewPayment::new(bunq_api::types::Amount::new("0.01", "EUR"), Pointer::email("sugardaddy@bunq.com"), "lost");
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

#[test]
fn other_custom_errors_are_not_read_as_hook_failures() {
    let error = Error::from(progenitor_client::Error::<ErrorResponse>::Custom("something else".to_owned()));
    assert!(matches!(&error, Error::InvalidRequest(message) if message == "something else"), "{error:?}");
    // A key that was never handed out is not one either.
    let text = "the API context cannot make this call: x (bunq_api::Error #18446744073709551615)";
    let error = Error::from(progenitor_client::Error::<ErrorResponse>::Custom(text.to_owned()));
    assert!(matches!(&error, Error::InvalidRequest(message) if message == text), "{error:?}");
}
