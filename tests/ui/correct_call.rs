// The well-typed calls the failing cases below each get one thing wrong in.
use bunq_api::ApiContext;
use bunq_api::types::{Amount, CardId, MonetaryAccountId, NewPayment, PaymentId, Pointer, SchedulePaymentId, UserId};

async fn calls(
    context: &ApiContext,
    user: UserId,
    account: MonetaryAccountId,
    payment: PaymentId,
    card: CardId,
    scheduled: SchedulePaymentId,
) -> bunq_api::Result<()> {
    let account = context.user(user).monetary_account(account);
    let body = NewPayment {
        amount: Amount::eur(1),
        counterparty_alias: Pointer::email("sugardaddy@bunq.com"),
        description: "coffee".to_owned(),
        allow_bunqto: None,
        attachment: Vec::new(),
        merchant_reference: None,
    };
    let _: PaymentId = account.payments().create(&body).await?;
    account.payment(payment).get().await?;
    context.user(user).card(card).get().await?;
    account.schedule_payment(scheduled).get().await?;
    Ok(())
}

fn main() {
    let _ = calls;
}
