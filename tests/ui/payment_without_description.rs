use bunq_api::types::{Amount, MonetaryAccountId, NewPayment, Pointer, UserId};

async fn pay(client: &bunq_api::Client, user: UserId, account: MonetaryAccountId) {
    // `description` is required by bunq.
    let body = NewPayment {
        amount: Amount::new("0.10", "EUR"),
        counterparty_alias: Pointer::email("sugardaddy@bunq.com"),
        allow_bunqto: None,
        attachment: Vec::new(),
        merchant_reference: None,
    };
    let _ = client.create_payment(&user, &account, &body).await;
}

fn main() {
    let _ = pay;
}
