//! The sandbox's state as the generated wire types.

use super::access::Device;
use super::bank::{Account, Bank, Batch, Inquiry, Party, Payment, User};
use super::money::{Cents, format_amount};
use bunq_api::api::types;
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
pub(crate) fn amount(cents: Cents, currency: &str) -> types::Amount {
    types::Amount::new(format_amount(cents), currency)
}

fn pointer(kind: &str, value: &str, name: Option<&str>) -> types::Pointer {
    types::Pointer { type_: kind.to_owned(), value: value.to_owned(), name: name.map(str::to_owned) }
}

/// How one side of a payment is labelled.
pub(crate) fn label(party: &Party) -> types::LabelMonetaryAccount {
    let label_user = types::LabelUser {
        display_name: Some(party.display_name.clone()),
        public_nick_name: Some(party.display_name.split(' ').next().unwrap_or_default().to_owned()),
        uuid: party.user_uuid.clone(),
        country: Some("NL".to_owned()),
        avatar: None,
    };
    types::LabelMonetaryAccount {
        iban: party.iban.clone(),
        display_name: Some(party.display_name.clone()),
        country: Some("NL".to_owned()),
        is_light: Some(false),
        label_user: Some(label_user),
        ..types::LabelMonetaryAccount::default()
    }
}

/// The user's aliases: email, phone number and the IBAN of the first account.
fn user_aliases(user: &User, bank: &Bank) -> Vec<types::Pointer> {
    let name = user.display_name();
    let mut aliases =
        vec![pointer("EMAIL", &user.email, Some(&name)), pointer("PHONE_NUMBER", &user.phone, Some(&name))];
    if let Some(account) = bank.accounts_of(user.id).first() {
        aliases.push(pointer("IBAN", &account.iban, Some(&name)));
    }
    aliases
}

/// A sandbox user as a `UserPerson`.
pub(crate) fn user_person(user: &User, bank: &Bank) -> types::UserPerson {
    let created = Some(timestamp(user.created));
    types::UserPerson {
        id: user.id.into(),
        alias: user_aliases(user, bank),
        display_name: Some(user.display_name()),
        first_name: Some(user.first_name.clone()),
        last_name: Some(user.last_name.clone()),
        legal_name: Some(user.display_name()),
        public_nick_name: Some(user.first_name.clone()),
        public_uuid: Some(user.public_uuid.clone()),
        language: Some("en_US".to_owned()),
        region: Some("nl_NL".to_owned()),
        session_timeout: Some(i64::try_from(user.session_timeout).unwrap_or(i64::MAX)),
        status: Some("ACTIVE".to_owned()),
        sub_status: Some("NONE".to_owned()),
        daily_limit_without_confirmation_login: Some(amount(25_000, "EUR")),
        created: created.clone(),
        updated: created,
        address_main: None,
        address_postal: None,
        address_shipping: None,
        all_nationality: Vec::new(),
        avatar: None,
        country_of_birth: None,
        date_of_birth: None,
        gender: None,
        middle_name: None,
        nationality: None,
        notification_filters: Vec::new(),
        place_of_birth: None,
        relations: Vec::new(),
        tax_resident: Vec::new(),
        version_terms_of_service: None,
    }
}

/// An account as a `MonetaryAccountBank`.
pub(crate) fn account_bank(account: &Account, user: &User) -> types::MonetaryAccountBank {
    let name = user.display_name();
    types::MonetaryAccountBank {
        id: account.id.into(),
        user_id: Some(account.user_id.into()),
        alias: vec![
            pointer("IBAN", &account.iban, Some(&name)),
            pointer("EMAIL", &user.email, Some(&name)),
            pointer("PHONE_NUMBER", &user.phone, Some(&name)),
        ],
        balance: Some(amount(account.balance, &account.currency)),
        currency: Some(account.currency.clone()),
        daily_limit: Some(amount(100_000, &account.currency)),
        overdraft_limit: Some(amount(0, &account.currency)),
        description: Some(account.description.clone()),
        display_name: Some(name),
        public_uuid: Some(account.public_uuid.clone()),
        status: Some("ACTIVE".to_owned()),
        sub_status: Some("NONE".to_owned()),
        created: Some(timestamp(account.created)),
        updated: Some(timestamp(account.updated)),
        all_auto_save_id: Vec::new(),
        avatar: None,
        monetary_account_profile: None,
        reason: None,
        reason_description: None,
        setting: None,
    }
}

/// A payment as the account it is on sees it.
pub(crate) fn payment(payment: &Payment) -> types::Payment {
    let created = Some(timestamp(payment.created));
    types::Payment {
        id: payment.id.into(),
        monetary_account_id: Some(payment.account_id.into()),
        amount: Some(amount(payment.amount, &payment.currency)),
        balance_after_mutation: Some(amount(payment.balance_after, &payment.currency)),
        alias: Some(label(&payment.alias)),
        counterparty_alias: Some(label(&payment.counterparty)),
        description: Some(payment.description.clone()),
        type_: Some(payment.kind.to_owned()),
        sub_type: Some(payment.sub_type.to_owned()),
        merchant_reference: payment.merchant_reference.clone(),
        batch_id: payment.batch_id.map(Into::into),
        created: created.clone(),
        updated: created,
        address_billing: None,
        address_shipping: None,
        attachment: Vec::new(),
        bunqto_expiry: None,
        bunqto_share_url: None,
        bunqto_status: None,
        bunqto_sub_status: None,
        bunqto_time_responded: None,
        geolocation: None,
        payment_arrival_expected: None,
        payment_auto_allocate_instance: None,
        payment_fee: None,
        payment_suspended_outgoing: None,
        request_reference_split_the_bill: Vec::new(),
        scheduled_id: None,
    }
}

/// A batch with its payments, as the paying account sees them.
pub(crate) fn batch(batch: &Batch, bank: &Bank) -> types::PaymentBatch {
    let created = Some(timestamp(batch.created));
    types::PaymentBatch {
        id: batch.id.into(),
        payments: bank.batch_payments(batch).into_iter().map(payment).collect(),
        created: created.clone(),
        updated: created,
    }
}

/// A request-inquiry.
pub(crate) fn inquiry(inquiry: &Inquiry) -> types::RequestInquiry {
    let created = Some(timestamp(inquiry.created));
    let accepted = inquiry.status == "ACCEPTED";
    types::RequestInquiry {
        id: inquiry.id.into(),
        monetary_account_id: Some(inquiry.account_id.into()),
        amount_inquired: Some(amount(inquiry.amount, &inquiry.currency)),
        amount_responded: accepted.then(|| amount(inquiry.amount, &inquiry.currency)),
        counterparty_alias: Some(label(&inquiry.counterparty)),
        description: Some(inquiry.description.clone()),
        merchant_reference: inquiry.merchant_reference.clone(),
        status: Some(inquiry.status.to_owned()),
        time_responded: inquiry.responded.map(timestamp),
        created: created.clone(),
        updated: inquiry.responded.map(timestamp).or(created),
        address_billing: None,
        address_shipping: None,
        attachment: Vec::new(),
        batch_id: None,
        bunqme_share_url: None,
        geolocation: None,
        minimum_age: None,
        redirect_url: None,
        reference_split_the_bill: None,
        require_address: None,
        scheduled_id: None,
        time_expiry: None,
        user_alias_created: None,
        user_alias_revoked: None,
    }
}

/// A registered device.
pub(crate) fn device(device: &Device) -> types::DeviceServerRead {
    let created = Some(timestamp(device.created));
    types::DeviceServerRead {
        id: device.id.into(),
        description: Some(device.description.clone()),
        ip: Some(device.ip.clone()),
        status: Some("ACTIVE".to_owned()),
        created: created.clone(),
        updated: created,
    }
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
