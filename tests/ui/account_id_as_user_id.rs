use bunq_api::ApiContext;
use bunq_api::types::{
    Amount, CardId, MonetaryAccountId, NewDraftPayment, NewDraftPaymentEntry, NewMonetaryAccountSavings, NewPayment,
    PaymentId, Pointer, SchedulePaymentId, UserId,
};

async fn calls(
    context: &ApiContext,
    user: UserId,
    account: MonetaryAccountId,
    payment: PaymentId,
    card: CardId,
    scheduled: SchedulePaymentId,
) -> bunq_api::Result<()> {
    // An account id where the user id goes.
    let account = context.user(account).monetary_account(account);
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
    // Create bodies are built from the fields bunq requires, the others chained.
    let savings = NewMonetaryAccountSavings::new("EUR").with_description("rainy day");
    let entry = NewDraftPaymentEntry::new(Amount::eur(1), Pointer::email("sugardaddy@bunq.com"));
    let _bodies = (savings, NewDraftPayment::new(vec![entry], 1));
    Ok(())
}

fn main() {
    let _ = calls;
}
