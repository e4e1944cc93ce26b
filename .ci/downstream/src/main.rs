//! bunq-api as a user sees it: typed calls, a saved and restored context, paging, and an
//! operation group turned on by its feature (cards).

use bunq_api::ApiContext;
use bunq_api::types::{Amount, MonetaryAccountId, NewPayment, NewRequestInquiry, PaymentId, Pointer, UserId};
use bunq_sandbox::Sandbox;
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let api_key = ApiContext::create_sandbox_user(&sandbox.environment()).await?;
    let context = ApiContext::create(sandbox.environment(), api_key, "downstream", &["*"]).await?;
    let path = std::env::temp_dir().join(format!("downstream-{}.json", std::process::id()));
    context.save(&path)?;

    let restored = ApiContext::restore(&path)?;
    std::fs::remove_file(&path)?;
    let user: UserId = restored.user_id().ok_or("no user")?;
    let me = restored.user(user);
    let first = me.monetary_account_banks().list().await?.items.into_iter().next().ok_or("no account")?;
    let account: MonetaryAccountId = first.id;
    let account = me.monetary_account(account);
    let funds = NewRequestInquiry::new(Amount::eur(20), Pointer::email("sugardaddy@bunq.com"), "funds");
    account.request_inquiries().create(&funds).await?;
    for i in 0..5 {
        let payment =
            NewPayment::new(Amount::eur(1), Pointer::email("sugardaddy@bunq.com"), format!("p{i}"));
        let id: PaymentId = account.payments().create(&payment).await?;
        println!("paid {id}");
    }
    let payments: Vec<_> = account.payments().list().count(2).stream().collect().await;
    let payments = payments.into_iter().collect::<Result<Vec<_>, _>>()?;
    println!("{} payments over {} pages", payments.len(), payments.len().div_ceil(2));
    if payments.len() != 6 {
        return Err(format!("expected 6 payments, saw {}", payments.len()).into());
    }
    // Feature `cards`: a fresh sandbox user has none yet.
    let cards = me.cards().list().await?;
    println!("{} cards", cards.items.len());
    restored.close().await?;
    println!("downstream: ok");
    Ok(())
}
