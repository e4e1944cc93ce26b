//! Ten everyday jobs, each a short function over the public surface, on the embedded sandbox:
//! a context saved and restored, accounts with balances, money in and a savings account filled
//! by IBAN, payments streamed and summed, a draft payment, a payment callback, a statement and
//! the cards, an error as a person reads it, a note on a payment, and the session closed.
//!
//! ```text
//! cargo run --example tour
//! ```

use bunq_api::callbacks::{self, Category, Listener, Receiver, SourceRanges};
use bunq_api::handles::{MonetaryAccount, User};
use bunq_api::types::{
    Amount, CustomerStatementFormat, NewCustomerStatement, NewDraftPayment, NewDraftPaymentEntry,
    NewMonetaryAccountSavings, NewNoteTextPayment, NewPayment, NewRequestInquiry, PaymentId, Pointer,
};
use bunq_api::{ApiContext, Decimal, Environment};
use futures_util::StreamExt;
use std::time::Duration;

type Outcome<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Outcome {
    let sandbox = bunq_sandbox::Sandbox::start().await?;
    let environment = sandbox.environment();
    let key = ApiContext::create_sandbox_user(&environment).await?;
    let context = ApiContext::create(environment.clone(), key, "bunq-api tour", &["*"]).await?;
    let context = save_and_restore(context, &environment)?;
    let me = context.me()?;
    let account = accounts_with_balances(&me).await?;
    let account = me.monetary_account(account);
    let payment = fund_and_save(&me, &account).await?;
    sum_payments(&account).await?;
    draft_payment(&account).await?;
    payment_callback(&context, &account).await?;
    statement_and_cards(&me, &account).await?;
    error_for_a_person(&account).await?;
    note_on_payment(&account, payment).await?;
    close(context).await
}

/// 1. Keep the context (keys, tokens) in a file and pick it up again later.
fn save_and_restore(context: ApiContext, environment: &Environment) -> Outcome<ApiContext> {
    let path = std::env::temp_dir().join(format!("bunq-api-tour-{}.json", std::process::id()));
    context.save(&path)?;
    let restored = ApiContext::restore(&path)?;
    std::fs::remove_file(&path)?;
    assert_eq!(restored.environment(), environment);
    println!("1. context saved and restored for user {:?}", restored.user_id());
    Ok(restored)
}

/// 2. Every account, whatever its kind, with its balance; answers the first one's id.
async fn accounts_with_balances(me: &User<'_>) -> Outcome<bunq_api::types::MonetaryAccountId> {
    let accounts = me.monetary_accounts().list().await?.items;
    for account in &accounts {
        let balance = account.balance().map(|b| format!("{} {}", b.value, b.currency));
        println!("2. account {} {:?}: {}", account.id(), account.iban(), balance.unwrap_or_default());
    }
    Ok(accounts.first().ok_or("no account")?.id())
}

/// 3. 100 EUR from sugardaddy, a savings account, and 10 EUR moved to it by IBAN.
async fn fund_and_save(me: &User<'_>, account: &MonetaryAccount<'_>) -> Outcome<PaymentId> {
    let ask = NewRequestInquiry::new(Amount::eur(100), Pointer::email("sugardaddy@bunq.com"), "funds");
    account.request_inquiries().create(&ask).await?;
    let savings = NewMonetaryAccountSavings::new("EUR").with_description("Rainy day");
    let savings = me.monetary_account_savings().create(&savings).await?;
    let savings = me.monetary_account_savings_by_id(savings).get().await?;
    let iban = savings.iban().ok_or("the savings account has no IBAN")?;
    let name = me.get().await?.display_name().unwrap_or("me").to_owned();
    let move_it = NewPayment::new(Amount::eur(10), Pointer::iban(iban, name), "to savings");
    let payment = account.payments().create(&move_it).await?;
    println!("3. 10.00 EUR moved to {iban} (payment {payment})");
    Ok(payment)
}

/// 4. Every payment of the account, page after page, and their sum.
async fn sum_payments(account: &MonetaryAccount<'_>) -> Outcome {
    let mut payments = std::pin::pin!(account.payments().list().count(10).stream());
    let (mut count, mut sum) = (0, Decimal::ZERO);
    while let Some(payment) = payments.next().await {
        sum += payment?.amount.as_ref().ok_or("a payment without an amount")?.decimal()?;
        count += 1;
    }
    println!("4. {count} payments, summing to {sum} EUR");
    Ok(())
}

/// 5. A payment drafted for someone to accept in the app.
async fn draft_payment(account: &MonetaryAccount<'_>) -> Outcome {
    let entry = NewDraftPaymentEntry::new(Amount::eur(Decimal::new(250, 2)), Pointer::email("bravo@bunq.com"))
        .with_description("coffee");
    let draft = account.draft_payments().create(&NewDraftPayment::new(vec![entry], 1)).await?;
    println!("5. draft payment {draft}, status {:?}", account.draft_payment(draft).get().await?.status);
    Ok(())
}

/// 6. A callback for each payment, received on this machine.
async fn payment_callback(context: &ApiContext, account: &MonetaryAccount<'_>) -> Outcome {
    let receiver = Receiver::from_sources(SourceRanges::parse(["127.0.0.1"])?);
    let mut listener = Listener::bind("127.0.0.1:0".parse()?, receiver).await?;
    let url = format!("http://{}/callbacks", listener.local_addr());
    callbacks::subscribe(context, &[(Category::Payment, url.as_str())]).await?;
    let payment = NewPayment::new(Amount::eur(1), Pointer::email("sugardaddy@bunq.com"), "callback");
    account.payments().create(&payment).await?;
    let notice = tokio::time::timeout(Duration::from_secs(30), listener.next()).await?.ok_or("listener closed")?;
    println!("6. callback: {} {} #{:?}", notice.category, notice.event_type, notice.object_id());
    callbacks::clear(context).await?;
    Ok(())
}

/// 7. This year's statement as CSV, and the cards.
async fn statement_and_cards(me: &User<'_>, account: &MonetaryAccount<'_>) -> Outcome {
    let year = NewCustomerStatement::new("2026-12-31", "2026-01-01", CustomerStatementFormat::Csv);
    let statement = account.customer_statements().create(&year).await?;
    let csv = account.customer_statement(statement).content().get().await?;
    let cards = me.cards().list().await?.items;
    println!("7. statement of {} bytes; {} cards", csv.len(), cards.len());
    Ok(())
}

/// 8. A refused payment, told the way bunq tells the user.
async fn error_for_a_person(account: &MonetaryAccount<'_>) -> Outcome {
    let too_much = NewPayment::new(Amount::eur(1_000_000), Pointer::email("sugardaddy@bunq.com"), "too much");
    let error = account.payments().create(&too_much).await.err().ok_or("a payment beyond the balance went through")?;
    println!("8. refused: {error}\n   for the user: {}", error.descriptions_translated().join(" "));
    Ok(())
}

/// 9. A note on a payment.
async fn note_on_payment(account: &MonetaryAccount<'_>, payment: PaymentId) -> Outcome {
    let note = NewNoteTextPayment::default().with_content("moved to savings");
    let note = account.payment(payment).note_texts().create(&note).await?;
    println!("9. note {note} on payment {payment}");
    Ok(())
}

/// 10. End the session.
async fn close(context: ApiContext) -> Outcome {
    context.close().await?;
    println!("10. session closed");
    Ok(())
}
