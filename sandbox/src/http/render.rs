//! The sandbox's state as bunq's wire objects (JSON, with bunq's field names).

use super::access::Device;
use super::bank::{Account, Bank, Batch, Inquiry, Party, Payment, User};
use super::money::{Cents, format_amount};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

/// `2017-11-08 11:20:03.950184`, in UTC.
pub(crate) fn timestamp(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        since.subsec_micros()
    )
}

/// An amount in a currency.
pub(crate) fn amount(cents: Cents, currency: &str) -> Value {
    json!({ "value": format_amount(cents), "currency": currency })
}

fn pointer(kind: &str, value: &str, name: Option<&str>) -> Value {
    json!({ "type": kind, "value": value, "name": name })
}

/// How one side of a payment is labelled.
pub(crate) fn label(party: &Party) -> Value {
    let nick = party.display_name.split(' ').next().unwrap_or_default();
    json!({
        "iban": party.iban,
        "display_name": party.display_name,
        "country": "NL",
        "is_light": false,
        "label_user": {
            "display_name": party.display_name,
            "public_nick_name": nick,
            "uuid": party.user_uuid,
            "country": "NL",
            "avatar": null,
        },
    })
}

/// A user as others see them (`LabelUser`).
pub(crate) fn label_user(user: &User) -> Value {
    json!({
        "uuid": user.public_uuid,
        "display_name": user.display_name(),
        "public_nick_name": user.extra.get("public_nick_name").cloned().unwrap_or_else(|| json!(user.first_name)),
        "country": "NL",
        "avatar": null,
    })
}

/// The user's aliases: email, phone number and the IBAN of the first account.
fn user_aliases(user: &User, bank: &Bank) -> Vec<Value> {
    let name = user.display_name();
    let mut aliases =
        vec![pointer("EMAIL", &user.email, Some(&name)), pointer("PHONE_NUMBER", &user.phone, Some(&name))];
    if let Some(account) = bank.accounts_of(user.id).first() {
        aliases.push(pointer("IBAN", &account.iban, Some(&name)));
    }
    aliases
}

/// The wire type of a user: `UserPerson` or `UserCompany`.
pub(crate) fn user_key(user: &User) -> &'static str {
    if user.provider.is_some() {
        return "UserPaymentServiceProvider";
    }
    if user.company { "UserCompany" } else { "UserPerson" }
}

/// What the sandbox keeps, with the fields set through the API over it: what an update stored
/// is what a read shows.
fn with_extra(extra: &serde_json::Map<String, Value>, own: Value) -> Value {
    let Value::Object(mut merged) = own else { return own };
    merged.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    Value::Object(merged)
}

/// A sandbox user as its wire type ([`user_key`]).
pub(crate) fn user(user: &User, bank: &Bank) -> Value {
    if let Some(provider) = &user.provider {
        return super::psd2::render(user, provider);
    }
    let mut object = with_extra(&user.extra, user_person(user, bank));
    if user.company {
        object["name"] = json!(user.display_name());
    }
    object
}

/// A sandbox user's fields as a `UserPerson` has them.
fn user_person(user: &User, bank: &Bank) -> Value {
    let created = timestamp(user.created);
    json!({
        "id": user.id,
        "alias": user_aliases(user, bank),
        "display_name": user.display_name(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "legal_name": user.display_name(),
        "public_nick_name": user.first_name,
        "public_uuid": user.public_uuid,
        "language": "en_US",
        "region": "nl_NL",
        "session_timeout": user.session_timeout,
        "status": "ACTIVE",
        "sub_status": "NONE",
        "daily_limit_without_confirmation_login": amount(25_000, "EUR"),
        "created": created,
        "updated": timestamp(user.updated),
    })
}

/// An account as its wire type (`account.kind`).
pub(crate) fn account(account: &Account, user: &User) -> Value {
    let name = user.display_name();
    let mut object = with_extra(
        &account.extra,
        json!({
            "id": account.id,
            "user_id": account.user_id,
            "alias": [
                pointer("IBAN", &account.iban, Some(&name)),
                pointer("EMAIL", &user.email, Some(&name)),
                pointer("PHONE_NUMBER", &user.phone, Some(&name)),
            ],
            "balance": amount(account.balance, &account.currency),
            "currency": account.currency,
            "daily_limit": amount(account.daily_limit, &account.currency),
            "overdraft_limit": amount(0, &account.currency),
            "description": account.description,
            "display_name": name,
            "public_uuid": account.public_uuid,
            "status": account.status,
            "sub_status": "NONE",
            "created": timestamp(account.created),
            "updated": timestamp(account.updated),
        }),
    );
    if account.kind == "MonetaryAccountSavings" {
        object["savings_goal_progress"] = json!(savings_progress(account.balance, object.get("savings_goal")));
    }
    object
}

/// How far a savings account's balance is towards its goal (`0.5`: halfway); `0` without a goal.
fn savings_progress(balance: Cents, goal: Option<&Value>) -> f64 {
    let goal = goal.and_then(|g| g.get("value")).and_then(Value::as_str).and_then(super::money::parse_signed);
    match goal {
        Some(goal) if goal > 0 => balance as f64 / goal as f64,
        _ => 0.0,
    }
}

/// A payment as the account it is on sees it.
pub(crate) fn payment(payment: &Payment) -> Value {
    let created = timestamp(payment.created);
    json!({
        "id": payment.id,
        "monetary_account_id": payment.account_id,
        "amount": amount(payment.amount, &payment.currency),
        "balance_after_mutation": amount(payment.balance_after, &payment.currency),
        "alias": label(&payment.alias),
        "counterparty_alias": label(&payment.counterparty),
        "description": payment.description,
        "type": payment.kind,
        "sub_type": payment.sub_type,
        "merchant_reference": payment.merchant_reference,
        "batch_id": payment.batch_id,
        "created": created,
        "updated": created,
    })
}

/// A batch with its payments, as the paying account sees them.
pub(crate) fn batch(batch: &Batch, bank: &Bank) -> Value {
    let created = timestamp(batch.created);
    let payments: Vec<Value> = bank.batch_payments(batch).into_iter().map(payment).collect();
    json!({ "id": batch.id, "payments": payments, "created": created, "updated": created })
}

/// A request-inquiry.
pub(crate) fn inquiry(inquiry: &Inquiry) -> Value {
    let created = timestamp(inquiry.created);
    let accepted = inquiry.status == "ACCEPTED";
    json!({
        "id": inquiry.id,
        "monetary_account_id": inquiry.account_id,
        "amount_inquired": amount(inquiry.amount, &inquiry.currency),
        "amount_responded": accepted.then(|| amount(inquiry.amount, &inquiry.currency)),
        "counterparty_alias": label(&inquiry.counterparty),
        "description": inquiry.description,
        "merchant_reference": inquiry.merchant_reference,
        "status": inquiry.status,
        "time_responded": inquiry.responded.map(timestamp),
        "created": created,
        "updated": inquiry.responded.map(timestamp).unwrap_or_else(|| created.clone()),
    })
}

/// A registered device.
pub(crate) fn device(device: &Device) -> Value {
    let created = timestamp(device.created);
    json!({
        "id": device.id,
        "description": device.description,
        "ip": device.ip,
        "status": "ACTIVE",
        "created": created,
        "updated": created,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_look_like_bunqs() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01 00:00:00.000000");
        let at = UNIX_EPOCH + Duration::from_micros(1_510_140_003_950_184);
        assert_eq!(timestamp(at), "2017-11-08 11:20:03.950184");
        let leap = UNIX_EPOCH + Duration::from_secs(951_827_696);
        assert_eq!(timestamp(leap), "2000-02-29 12:34:56.000000");
    }
}
