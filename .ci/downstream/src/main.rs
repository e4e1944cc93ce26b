//! bunq-api as a user sees it: typed calls, a saved and restored context, paging.

use bunq_api::types::{Amount, MonetaryAccountId, NewPayment, NewRequestInquiry, PaymentId, Pointer, UserId};
use bunq_api::{ApiContext, Created, Envelope, paginate};
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
    let client = restored.client();
    let account: MonetaryAccountId =
        client.list_monetary_account_banks(&user, None, None, None).await?.into_inner().into_first()?.id;
    let funds = NewRequestInquiry::new(Amount::new("20.00", "EUR"), Pointer::email("sugardaddy@bunq.com"), "funds");
    client.create_request_inquiry(&user, &account, &funds).await?;
    for i in 0..5 {
        let payment =
            NewPayment::new(Amount::new("1.00", "EUR"), Pointer::email("sugardaddy@bunq.com"), format!("p{i}"));
        let id: PaymentId = client.create_payment(&user, &account, &payment).await?.into_inner().id()?;
        println!("paid {id}");
    }
    let pager = client.clone();
    let payments: Vec<_> = paginate(move |older| {
        let client = pager.clone();
        async move { client.list_payments(&user, &account, Some(2), None, older.map(PaymentId).as_ref()).await }
    })
    .collect()
    .await;
    let payments = payments.into_iter().collect::<Result<Vec<_>, _>>()?;
    println!("{} payments over {} pages", payments.len(), payments.len().div_ceil(2));
    if payments.len() != 6 {
        return Err(format!("expected 6 payments, saw {}", payments.len()).into());
    }
    restored.close().await?;
    println!("downstream: ok");
    Ok(())
}
