//! Handlers of the payment calls: payments and payment batches.

use super::bank::Order;
use super::call::{Call, Failure, Output};
use super::money::{AmountError, parse_amount};
use super::{Counters, Shared, listing, lock, render, wire};
use bunq_api::api::types;
use serde_json::Value;
use std::time::SystemTime;

/// An amount from a request body as cents.
pub(crate) fn cents(amount: &types::Amount, field: &str) -> Result<i64, Failure> {
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

/// `POST …/payment`.
pub(crate) fn create_payment(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let order = order(call.json()?)?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let id = world.bank.pay(&mut world.ids, user, call.id(1), order, SystemTime::now())?;
    Counters::bump(&shared.counters.payments, 1);
    Ok(Output::Json(wire::id(id)))
}

/// `GET …/payment`.
pub(crate) fn list_payments(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let page = call.page()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let payments = world.bank.payments_of(account).into_iter().map(|p| (p.id, render::payment(p))).collect();
    let (items, pagination) = listing::paginate(&page, payments, call.path);
    Ok(Output::Json(wire::listing("Payment", items, &pagination)))
}

/// `GET …/payment/{id}`.
pub(crate) fn get_payment(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let payment = render::payment(world.bank.payment(account.id, call.id(2))?);
    Ok(Output::Json(wire::items("Payment", [payment])))
}

/// `POST …/payment-batch`: all payments or none.
pub(crate) fn create_payment_batch(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let body: types::NewPaymentBatch = call.json()?;
    let count = body.payments.len() as u64;
    let orders = body.payments.into_iter().map(order).collect::<Result<Vec<_>, _>>()?;
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let id = world.bank.pay_batch(&mut world.ids, user, call.id(1), orders, SystemTime::now())?;
    Counters::bump(&shared.counters.payments, count);
    Ok(Output::Json(wire::id(id)))
}

/// `GET …/payment-batch`.
pub(crate) fn list_payment_batches(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let page = call.page()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let batches = world.bank.batches_of(account).into_iter().map(|b| (b.id, render::batch(b, &world.bank))).collect();
    let (items, pagination) = listing::paginate(&page, batches, call.path);
    Ok(Output::Json(wire::listing("PaymentBatch", items, &pagination)))
}

/// `GET …/payment-batch/{id}`.
pub(crate) fn get_payment_batch(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let user = call.path_user()?;
    let world = lock(&shared.world);
    let account = world.bank.account(user, call.id(1))?;
    let payment_batch = render::batch(world.bank.batch(account.id, call.id(2))?, &world.bank);
    Ok(Output::Json(wire::items("PaymentBatch", [payment_batch])))
}

/// A payment to make from a JSON entry of a draft or a schedule (its write shape, checked against
/// the spec before): `amount`, `counterparty_alias` (a pointer) and `description`.
pub(crate) fn order_of(entry: &Value, field: &str) -> Result<Order, Failure> {
    let amount: types::Amount = serde_json::from_value(entry.get("amount").cloned().unwrap_or_default())
        .map_err(|_| Failure::new(400, format!("{field}.amount is required.")))?;
    let alias = entry.get("counterparty_alias").cloned().unwrap_or_default();
    let to: types::Pointer = serde_json::from_value(alias)
        .map_err(|_| Failure::new(400, format!("{field}.counterparty_alias needs a type and a value.")))?;
    let text = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_owned);
    Ok(Order {
        amount: cents(&amount, &format!("{field}.amount"))?,
        currency: amount.currency,
        to,
        description: text("description").unwrap_or_default(),
        merchant_reference: text("merchant_reference"),
    })
}
