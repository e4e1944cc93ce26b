//! Streams every payment of the first current account, newest first, 200 per page.
//!
//! ```text
//! cargo run --example stream_payments
//! ```

mod common;

use bunq_api::types::{Amount, NewPayment, NewRequestInquiry, Pointer};
use common::{Failure, show, step};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Failure> {
    let connection = common::connect("bunq-api stream_payments").await?;
    let me = connection.context.me()?;
    let first = me.monetary_account_banks().list().await?.items.into_iter().next().ok_or("no current account")?;
    let account = me.monetary_account(first.id);

    if connection.sandbox.is_some() {
        step("embedded sandbox: making a few payments to stream");
        let funds = NewRequestInquiry::new(Amount::eur(50), Pointer::email("sugardaddy@bunq.com"), "funds");
        account.request_inquiries().create(&funds).await?;
        for i in 1..=5 {
            let payment =
                NewPayment::new(Amount::eur(i), Pointer::email("sugardaddy@bunq.com"), format!("payment {i}"));
            account.payments().create(&payment).await?;
        }
    }

    step(&format!("streaming the payments of account {}", first.id));
    let mut payments = std::pin::pin!(account.payments().list().count(200).stream());
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
