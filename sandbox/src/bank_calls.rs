//! Handlers of the money calls: monetary accounts, payments, payment batches, request-inquiries.

use super::bank::Order;
use super::money::{AmountError, parse_amount};
use super::routes::{Call, Failure, Reply};
use super::{Counters, Shared, listing, lock, render, wire};
use bunq_api::api::types;
use serde_json::Value;
use std::time::SystemTime;

/// An amount from a request body as cents.
fn cents(amount: &types::Amount, field: &str) -> Result<i64, Failure> {
    parse_amount(&amount.value).map_err(|e| match e {
        AmountError::Malformed => Failure::new(
            400,
            format!(
                "{field}.value must be a decimal with at most two decimals, like \"12.50\", not {:?}.",
                amount.value
            ),
        ),
        AmountError::NotPositive => Failure::new(490, format!("{field} must be more than zero.")),
    })
}

fn order(payment: types::NewPayment) -> Result<Order, Failure> {
    Ok(Order {
        amount: cents(&payment.amount, "amount")?,
        currency: payment.amount.currency,
        to: payment.counterparty_alias,
        description: payment.description,
        merchant_reference: payment.merchant_reference,
    })
}

/// `GET /user/{id}/monetary-account`: every account, as its own type.
pub(crate) fn list_monetary_accounts(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user_id = call.path_user()?;
    let world = lock(&shared.world);
    let user = world.bank.user(user_id).ok_or_else(|| Failure::new(404, "No such user."))?;
    let accounts = world.bank.accounts_of(user_id);
    let items = accounts.into_iter().map(|a| (a.id, ("MonetaryAccountBank", render::account_bank(a, user))));
    let (response, pagination) = listing::paginate(&call.page()?, items.collect(), call.path);
    Ok(Reply::json(&wire::mixed_listing(response, &pagination)))
}

/// The account in the path, rendered.
fn account_bank(shared: &Shared, call: &Call) -> Result<Value, Failure> {
    let user_id = call.path_user()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user_id, call.id(1))?;
    let user = world.bank.user(user_id).ok_or_else(|| Failure::new(404, "No such user."))?;
    Ok(render::account_bank(account, user))
}

/// `GET /user/{id}/monetary-account/{id}`.
pub(crate) fn get_monetary_account(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    Ok(Reply::json(&wire::items("MonetaryAccountBank", [account_bank(shared, call)?])))
}

/// `GET /user/{id}/monetary-account-bank`.
pub(crate) fn list_monetary_account_banks(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user_id = call.path_user()?;
    let world = lock(&shared.world);
    let user = world.bank.user(user_id).ok_or_else(|| Failure::new(404, "No such user."))?;
    let items = world.bank.accounts_of(user_id).into_iter().map(|a| (a.id, render::account_bank(a, user))).collect();
    let (items, pagination) = listing::paginate(&call.page()?, items, call.path);
    Ok(Reply::json(&wire::listing("MonetaryAccountBank", items, &pagination)))
}

/// `GET /user/{id}/monetary-account-bank/{id}`.
pub(crate) fn get_monetary_account_bank(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    Ok(Reply::json(&wire::items("MonetaryAccountBank", [account_bank(shared, call)?])))
}

/// `POST …/payment`.
pub(crate) fn create_payment(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let order = order(call.json()?)?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let id = world.bank.pay(&mut world.ids, user, call.id(1), order, SystemTime::now())?;
    Counters::bump(&shared.counters.payments, 1);
    Ok(Reply::json(&wire::id(id)))
}

/// `GET …/payment`.
pub(crate) fn list_payments(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let page = call.page()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let payments = world.bank.payments_of(account).into_iter().map(|p| (p.id, render::payment(p))).collect();
    let (items, pagination) = listing::paginate(&page, payments, call.path);
    Ok(Reply::json(&wire::listing("Payment", items, &pagination)))
}

/// `GET …/payment/{id}`.
pub(crate) fn get_payment(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let payment = render::payment(world.bank.payment(account.id, call.id(2))?);
    Ok(Reply::json(&wire::items("Payment", [payment])))
}

/// `POST …/payment-batch`: all payments or none.
pub(crate) fn create_payment_batch(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let body: types::NewPaymentBatch = call.json()?;
    let count = body.payments.len() as u64;
    let orders = body.payments.into_iter().map(order).collect::<Result<Vec<_>, _>>()?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let id = world.bank.pay_batch(&mut world.ids, user, call.id(1), orders, SystemTime::now())?;
    Counters::bump(&shared.counters.payments, count);
    Ok(Reply::json(&wire::id(id)))
}

/// `GET …/payment-batch`.
pub(crate) fn list_payment_batches(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let page = call.page()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let batches = world.bank.batches_of(account).into_iter().map(|b| (b.id, render::batch(b, &world.bank))).collect();
    let (items, pagination) = listing::paginate(&page, batches, call.path);
    Ok(Reply::json(&wire::listing("PaymentBatch", items, &pagination)))
}

/// `GET …/payment-batch/{id}`.
pub(crate) fn get_payment_batch(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let payment_batch = render::batch(world.bank.batch(account.id, call.id(2))?, &world.bank);
    Ok(Reply::json(&wire::items("PaymentBatch", [payment_batch])))
}

/// `POST …/request-inquiry`.
pub(crate) fn create_request_inquiry(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let body: types::NewRequestInquiry = call.json()?;
    let order = Order {
        amount: cents(&body.amount_inquired, "amount_inquired")?,
        currency: body.amount_inquired.currency,
        to: body.counterparty_alias,
        description: body.description,
        merchant_reference: body.merchant_reference,
    };
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let id = world.bank.request(&mut world.ids, user, call.id(1), order, SystemTime::now())?;
    Ok(Reply::json(&wire::id(id)))
}

/// `GET …/request-inquiry/{id}`.
pub(crate) fn get_request_inquiry(shared: &Shared, call: &Call) -> Result<Reply, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let request_inquiry = render::inquiry(world.bank.inquiry(account.id, call.id(2))?);
    Ok(Reply::json(&wire::items("RequestInquiry", [request_inquiry])))
}
