//! Streams every payment of the first current account, newest first, 200 per page.
//!
//! ```text
//! cargo run --example stream_payments
//! ```

mod common;

use bunq_api::types::{Amount, NewPayment, NewRequestInquiry, PaymentId, Pointer};
use bunq_api::{Envelope, paginate};
use common::{Failure, show, step};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Failure> {
    let connection = common::connect("bunq-api stream_payments").await?;
    let client = connection.context.client().clone();
    let user = connection.context.user_id().ok_or("the session names no user")?;
    let account = client.list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_first()?;

    if connection.sandbox.is_some() {
        step("embedded sandbox: making a few payments to stream");
        let funds = NewRequestInquiry::new(Amount::new("50.00", "EUR"), Pointer::email("sugardaddy@bunq.com"), "funds");
        client.create_request_inquiry(&user, &account.id, &funds).await?;
        for i in 1..=5 {
            let payment = NewPayment::new(
                Amount::new(format!("{i}.00"), "EUR"),
                Pointer::email("sugardaddy@bunq.com"),
                format!("payment {i}"),
            );
            client.create_payment(&user, &account.id, &payment).await?;
        }
    }

    step(&format!("streaming the payments of account {}", account.id));
    let account_id = account.id;
    let payments = paginate(move |older| {
        let client = client.clone();
        async move { client.list_payments(&user, &account_id, Some(200), None, older.map(PaymentId).as_ref()).await }
    });
    let mut payments = std::pin::pin!(payments);
    let mut count = 0;
    while let Some(payment) = payments.next().await {
        let payment = payment?;
        count += 1;
        let created = payment.created.as_deref().unwrap_or("");
        println!(
            "    {created}  #{:<6} {:>12}  {}",
            payment.id,
            show(&payment.amount),
            payment.description.as_deref().unwrap_or("")
        );
    }
    println!("    {count} payments");
    Ok(())
}
