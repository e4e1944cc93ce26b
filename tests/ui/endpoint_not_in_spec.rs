use bunq_api::types::{MonetaryAccountId, PaymentId, UserId};

async fn cancel(client: &bunq_api::Client, user: UserId, account: MonetaryAccountId, payment: PaymentId) {
    // bunq has no DELETE for payments, so the spec has none and neither does the client.
    let _ = client.delete_payment(&user, &account, &payment).await;
}

fn main() {
    let _ = cancel;
}
