//! Scheduled payments: stored as `ScheduledPayment`; one whose schedule starts now or in the
//! past (or gives no start) pays once, at once — and is refused, nothing stored, if that payment
//! cannot be made. A `ONCE` schedule is then `FINISHED`; a recurring one stays `ACTIVE` and is
//! not run again (the sandbox keeps no clock of its own).

use super::call::{Call, Failure, Output};
use super::payments::order_of;
use super::{Counters, Shared, generic, lock, render};
use serde_json::{Value, json};
use std::time::SystemTime;

/// `POST …/schedule-payment`.
pub(crate) fn create_schedule_payment(shared: &Shared, call: &Call) -> Result<Output, Failure> {
    let body = call.value()?;
    let payment =
        body.get("payment").filter(|p| p.is_object()).ok_or_else(|| Failure::new(400, "payment is required."))?;
    let schedule =
        body.get("schedule").filter(|s| s.is_object()).ok_or_else(|| Failure::new(400, "schedule is required."))?;
    let order = order_of(payment, "payment")?;
    let now = SystemTime::now();
    let stamp = render::timestamp(now);
    let start = schedule.get("time_start").and_then(Value::as_str).unwrap_or(&stamp).to_owned();
    let unit = schedule.get("recurrence_unit").and_then(Value::as_str).unwrap_or("ONCE").to_owned();
    let mut world = lock(&shared.world);
    let world = &mut *world;
    let (user, account) = (call.id(0), call.id(1));
    world.bank.check_payment(user, account, &order)?;
    // Same format, so text order is time order; a date alone starts at midnight.
    let due = start.as_str() <= stamp.as_str();
    let counterparty = json!({
        "iban": (order.to.type_ == bunq_api::types::PointerType::Iban).then(|| order.to.value.clone()),
        "display_name": order.to.name.clone().unwrap_or_default(),
    });
    let paid = if due {
        let id = world.bank.pay(&mut world.ids, user, account, order, now)?;
        Counters::bump(&shared.counters.payments, 1);
        Some(id)
    } else {
        None
    };
    let status = if due && unit == "ONCE" { "FINISHED" } else { "ACTIVE" };
    let mut shown_payment = payment.clone();
    shown_payment["alias"] = render::label(&world.bank.party_of(account));
    shown_payment["counterparty_alias"] = counterparty;
    let mut shown_schedule = schedule.clone();
    shown_schedule["time_start"] = json!(start);
    shown_schedule["recurrence_unit"] = json!(unit);
    shown_schedule["status"] = json!(status);
    let mut given = body.as_object().cloned().unwrap_or_default();
    given.insert("payment".into(), shown_payment);
    given.insert("schedule".into(), shown_schedule);
    given.insert("status".into(), json!(status));
    let id = generic::create_object(world, call, &given, now);
    let scheduled = world.store.by_id_mut(id).ok_or_else(|| Failure::new(500, "The new schedule is gone."))?;
    scheduled.private = json!({ "payment": paid });
    Ok(Output::Json(generic::answer(call.operation, scheduled)))
}
