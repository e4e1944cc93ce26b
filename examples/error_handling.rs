//! What failures look like to a caller: a refused payment (490) with bunq's descriptions, rate
//! limiting, a response that fails its signature check, and a write whose outcome is unknown.
//! The last three use the embedded sandbox's fault injection, so they run only there.
//!
//! ```text
//! cargo run --example error_handling
//! ```

mod common;

use bunq_api::types::{Amount, NewPayment, Pointer};
use bunq_api::{Decimal, with_request_id};
use common::{Failure, step};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Failure> {
    let connection = common::connect("bunq-api error_handling").await?;
    let me = connection.context.me()?;
    let first = me.monetary_account_banks().list().await?.items.into_iter().next().ok_or("no current account")?;
    let account = me.monetary_account(first.id);

    if !common::may_move_money(connection.context.environment()) {
        return Ok(());
    }
    step("paying more than the balance");
    let too_much = NewPayment::new(Amount::eur(1000000), Pointer::email("sugardaddy@bunq.com"), "too much");
    match account.payments().create(&too_much).await {
        Err(error) if error.is_user_error() => {
            println!("    490, as expected: {:?}", error.descriptions());
            println!("    response id for bunq support: {}", error.response_id().unwrap_or("-"));
        }
        other => return Err(format!("expected a 490, got {other:?}").into()),
    }

    let Some(sandbox) = &connection.sandbox else {
        println!("(the remaining cases need the embedded sandbox's fault injection)");
        return Ok(());
    };

    step("bunq answers 429 four times: reads are retried with backoff, then reported");
    sandbox.faults().fail(429, 4);
    match connection.context.users().list().await {
        Err(error) if error.is_rate_limited() => println!("    still rate limited after retries: {error}"),
        other => return Err(format!("expected 429, got {other:?}").into()),
    }

    step("a response whose body was changed after bunq signed it");
    sandbox.faults().tamper_body(1);
    match connection.context.users().list().await {
        Err(error) if error.is_server_signature() => println!("    refused: {error}"),
        other => return Err(format!("expected a signature error, got {other:?}").into()),
    }

    step("a payment whose connection drops before the answer");
    let request_id = bunq_api::headers::new_request_id();
    let payment = NewPayment::new(Amount::eur(Decimal::new(1, 2)), Pointer::email("sugardaddy@bunq.com"), "maybe");
    sandbox.faults().reset_connection(1);
    let outcome = with_request_id(&request_id, account.payments().create(&payment)).await;
    match outcome {
        Err(error) if error.is_outcome_unknown() || error.is_transport() => println!("    {error}"),
        other => return Err(format!("expected an unknown outcome, got {other:?}").into()),
    }
    println!("    retrying under the same request id {request_id}: bunq refuses an id it has seen,");
    println!("    so the payment cannot happen twice");
    let retry = with_request_id(&request_id, account.payments().create(&payment)).await;
    println!(
        "    retry: {}",
        match retry {
            Ok(_) => "executed now".to_owned(),
            Err(e) => e.to_string(),
        }
    );
    Ok(())
}
