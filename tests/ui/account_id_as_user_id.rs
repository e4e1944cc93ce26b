use bunq_api::types::{Amount, MonetaryAccountId, NewPayment, Pointer, UserId};

async fn pay(client: &bunq_api::Client, _user: UserId, account: MonetaryAccountId) {
    let body = NewPayment {
        amount: Amount::new("0.10", "EUR"),
        counterparty_alias: Pointer::email("sugardaddy@bunq.com"),
        description: "coffee".to_owned(),
        allow_bunqto: None,
        attachment: Vec::new(),
        merchant_reference: None,
    };
    // An account id where the user id goes.
    let _ = client.create_payment(&account, &account, &body).await;
}

fn main() {
    let _ = pay;
}
