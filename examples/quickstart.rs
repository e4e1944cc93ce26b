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

use bunq_api::types::{Amount, MonetaryAccountBank, NewPayment, NewRequestInquiry, Payment, PaymentId, Pointer};
use bunq_api::{Created, Envelope, paginate};
use common::{Failure, show, step};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Failure> {
    let connection = common::connect("bunq-api quickstart").await?;
    let context = &connection.context;
    let user = context.user_id().ok_or("the session names no user")?;
    println!("    logged in as user {user}");
    let client = context.client();

    step("finding the current account");
    let account: MonetaryAccountBank =
        client.list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_first()?;
    println!(
        "    account {} ({}), balance {}",
        account.id,
        account.iban().unwrap_or("no IBAN"),
        show(&account.balance)
    );

    if common::may_move_money(context.environment()) {
        step("asking sugardaddy@bunq.com for 100.00 EUR");
        let inquiry = NewRequestInquiry::new(
            Amount::new("100.00", "EUR"),
            Pointer::email("sugardaddy@bunq.com"),
            "Quickstart funds",
        );
        let inquiry_id = client.create_request_inquiry(&user, &account.id, &inquiry).await?.into_inner().id()?;
        let inquiry = client.get_request_inquiry(&user, &account.id, &inquiry_id).await?.into_inner().into_first()?;
        println!("    request {inquiry_id}: {}", inquiry.status.as_deref().unwrap_or("?"));

        step("paying 12.50 EUR to sugardaddy@bunq.com");
        let payment =
            NewPayment::new(Amount::new("12.50", "EUR"), Pointer::email("sugardaddy@bunq.com"), "Quickstart payment");
        let payment_id = client.create_payment(&user, &account.id, &payment).await?.into_inner().id()?;
        println!("    payment {payment_id} created");

        step("reading it back");
        let payment: Payment = client.get_payment(&user, &account.id, &payment_id).await?.into_inner().into_first()?;
        println!("    {} \"{}\"", show(&payment.amount), payment.description.as_deref().unwrap_or(""));
    }

    step("paging through the account's payments, 2 per page");
    let (pager, account_id) = (client.clone(), account.id);
    let mut payments = std::pin::pin!(paginate(move |older| {
        let client = pager.clone();
        async move { client.list_payments(&user, &account_id, Some(2), None, older.map(PaymentId).as_ref()).await }
    }));
    let mut count = 0;
    while let Some(payment) = payments.next().await {
        let payment = payment?;
        count += 1;
        println!("    #{} {:>10}  {}", payment.id, show(&payment.amount), payment.description.as_deref().unwrap_or(""));
    }
    println!("    {count} payments");

    step("balances");
    for account in client.list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_items() {
        println!("    account {}: {}", account.id, show(&account.balance));
    }
    println!("\ndone.");
    Ok(())
}
