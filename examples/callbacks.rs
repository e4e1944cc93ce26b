//! Callbacks end to end: listen on 127.0.0.1, subscribe to PAYMENT and MUTATION events, pay
//! 0.01 EUR, and print the event bunq (here: the embedded sandbox) delivers.
//!
//! With no configuration it starts the embedded sandbox; like the quickstart it honours
//! `BUNQ_BASE_URL` + `BUNQ_API_KEY` for any bunq-speaking server that can reach 127.0.0.1.
//!
//! ```text
//! cargo run --example callbacks
//! ```

mod common;

use bunq_api::Decimal;
use bunq_api::callbacks::{self, CallbackObject, Category, Listener, Receiver, SourceRanges};
use bunq_api::types::{Amount, NewPayment, NewRequestInquiry, Pointer};
use common::{Failure, show, step};
use std::time::Duration;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    common::exit(run().await)
}

async fn run() -> Result<(), Failure> {
    let connection = common::connect("bunq-api callbacks").await?;
    let context = &connection.context;

    step("listening for callbacks on 127.0.0.1");
    // Deliveries from this machine only: bunq itself calls from its published range over HTTPS.
    let receiver = Receiver::from_sources(SourceRanges::parse(["127.0.0.1", "::1"])?);
    let mut listener = Listener::bind("127.0.0.1:0".parse()?, receiver).await?;
    let target = format!("http://{}/bunq-callbacks", listener.local_addr());
    println!("    {target}");

    step("subscribing to PAYMENT and MUTATION");
    callbacks::subscribe(context, &[(Category::Payment, target.as_str()), (Category::Mutation, target.as_str())])
        .await?;
    for (category, url) in callbacks::filters(context).await? {
        println!("    {category} -> {url}");
    }

    let me = context.me()?;
    let first = me.monetary_account_banks().list().await?.items.into_iter().next().ok_or("no current account")?;
    let account = me.monetary_account(first.id);
    if !common::may_move_money(context.environment()) {
        return Ok(());
    }
    step("paying 0.01 EUR to sugardaddy@bunq.com");
    let funds = NewRequestInquiry::new(Amount::eur(1), Pointer::email("sugardaddy@bunq.com"), "funds");
    account.request_inquiries().create(&funds).await?;
    let payment =
        NewPayment::new(Amount::eur(Decimal::new(1, 2)), Pointer::email("sugardaddy@bunq.com"), "callback test");
    let payment_id = account.payments().create(&payment).await?;
    println!("    payment {payment_id}");

    step("waiting for the callback (at most 30 s)");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let Ok(Some(notification)) = tokio::time::timeout_at(deadline, listener.next()).await else {
            return Err("no callback for the payment came within 30 s: is the server able to reach 127.0.0.1?".into());
        };
        let amount = match &notification.object {
            CallbackObject::Payment(p) => show(&p.amount),
            _ => "-".to_owned(),
        };
        println!(
            "    {} {} {} #{} {}",
            notification.category,
            notification.event_type,
            notification.object.type_name(),
            notification.object_id().map_or("?".to_owned(), |id| id.to_string()),
            amount
        );
        if notification.object_id() == Some(*payment_id) {
            break;
        }
    }
    callbacks::clear(context).await?;
    println!("\ndone.");
    Ok(())
}
