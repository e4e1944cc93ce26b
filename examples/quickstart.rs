//! The main job: a first payment, end to end.
//!
//! With no configuration it starts the embedded sandbox. With `BUNQ_API_KEY` and either
//! `BUNQ_BASE_URL` or `BUNQ_ENVIRONMENT=sandbox|production` it runs against that server
//! (creating a sandbox user only when no key is given). The context is kept where
//! `BUNQ_CONTEXT` says, else in a temporary directory.
//!
//! ```text
//! cargo run --example quickstart
//! ```

mod common;

use bunq_api::Decimal;
use bunq_api::types::{Amount, NewPayment, NewRequestInquiry, Pointer};
use common::{Failure, show, step};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Failure> {
    let connection = common::connect("bunq-api quickstart").await?;
    let me = connection.context.me()?;
    println!("    logged in as user {}", connection.context.user_id().ok_or("no user")?);

    step("finding the current account");
    let account = me.monetary_account_banks().list().await?.items.into_iter().next().ok_or("no current account")?;
    println!(
        "    account {} ({}), balance {}",
        account.id,
        account.iban().unwrap_or("no IBAN"),
        show(&account.balance)
    );
    let account = me.monetary_account(account.id);

    if common::may_move_money(connection.context.environment()) {
        step("asking sugardaddy@bunq.com for 100.00 EUR");
        let funds = NewRequestInquiry::new(Amount::eur(100), Pointer::email("sugardaddy@bunq.com"), "Quickstart funds");
        let inquiry_id = account.request_inquiries().create(&funds).await?;
        let inquiry = account.request_inquiry(inquiry_id).get().await?;
        println!("    request {inquiry_id}: {}", inquiry.status.as_deref().unwrap_or("?"));

        step("paying 12.50 EUR to sugardaddy@bunq.com");
        let payment = NewPayment::new(
            Amount::eur(Decimal::new(1250, 2)),
            Pointer::email("sugardaddy@bunq.com"),
            "Quickstart payment",
        );
        let payment_id = account.payments().create(&payment).await?;
        println!("    payment {payment_id} created");

        step("reading it back");
        let payment = account.payment(payment_id).get().await?;
        println!("    {} \"{}\"", show(&payment.amount), payment.description.as_deref().unwrap_or(""));
    }

    step("paging through the account's payments, 2 per page");
    let mut payments = std::pin::pin!(account.payments().list().count(2).stream());
    let mut count = 0;
    while let Some(payment) = payments.next().await {
        let payment = payment?;
        count += 1;
        println!("    #{} {:>10}  {}", payment.id, show(&payment.amount), payment.description.as_deref().unwrap_or(""));
    }
    println!("    {count} payments");

    step("balances");
    for account in me.monetary_account_banks().list().await?.items {
        println!("    account {}: {}", account.id, show(&account.balance));
    }
    println!("\ndone.");
    Ok(())
}
