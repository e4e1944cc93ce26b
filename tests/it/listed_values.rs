//! Listed values are enums with a catch-all: bunq's strings read into their variants, a value this
//! version does not list reads into `Other` and is written back unchanged, and every object bunq
//! recorded (tests/fixtures/recorded) still decodes, its listed fields written back as bunq wrote them.

use bunq_api::types::*;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};
use std::collections::HashSet;

#[test]
fn a_listed_value_reads_into_its_variant() {
    let pointer: Pointer = serde_json::from_value(json!({"type": "IBAN", "value": "NL02BUNQ0000000000"})).unwrap();
    assert_eq!(pointer.type_, PointerType::Iban);
    assert_eq!(pointer.type_.as_str(), "IBAN");
    assert_eq!(pointer.type_.to_string(), "IBAN");
    assert_eq!("PHONE_NUMBER".parse::<PointerType>(), Ok(PointerType::PhoneNumber));
    assert_eq!(PointerType::LISTED, [PointerType::Email, PointerType::PhoneNumber, PointerType::Iban]);
    assert_eq!(Pointer::email("a@example.com").type_, PointerType::Email);
}

#[test]
fn an_unknown_value_is_kept_and_written_back() {
    let wire = json!({"type": "SAVINGS_GOAL", "value": "x"});
    let pointer: Pointer = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(pointer.type_, PointerType::Other("SAVINGS_GOAL".into()));
    assert_eq!(pointer.type_, "SAVINGS_GOAL");
    assert_eq!(serde_json::to_value(&pointer).unwrap(), wire);
    assert_eq!("NEW_STATUS".parse::<MonetaryAccountStatus>(), Ok(MonetaryAccountStatus::Other("NEW_STATUS".into())));
}

#[test]
fn values_compare_and_hash_by_bunqs_string() {
    // `Other` holding a listed string is that value: one value, one meaning.
    assert_eq!(PointerType::Other("IBAN".into()), PointerType::Iban);
    let set: HashSet<PointerType> = [PointerType::Iban, PointerType::Other("IBAN".into())].into_iter().collect();
    assert_eq!(set.len(), 1);
    assert_ne!(PointerType::Iban, PointerType::Email);
}

#[test]
fn a_request_body_writes_bunqs_strings() {
    let wire = serde_json::to_value(Pointer::iban("NL02BUNQ0000000000", "A. Person")).unwrap();
    assert_eq!(wire["type"], "IBAN");
    let update = MonetaryAccountBankUpdate { status: Some(MonetaryAccountStatus::Cancelled), ..Default::default() };
    assert_eq!(serde_json::to_value(&update).unwrap()["status"], "CANCELLED");
}

/// The recorded object under `key` decodes into `T`, and writing it back gives bunq's strings for
/// every field the spec lists values of, at any depth. Counts those fields in `listed`.
fn recorded<T: DeserializeOwned + Serialize>(file: &str, key: &str, schema: &str, listed: &mut usize) -> T {
    let path = format!("{}/tests/fixtures/recorded/{file}", env!("CARGO_MANIFEST_DIR"));
    let whole: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let wire = whole[key].clone();
    let object: T = serde_json::from_value(wire.clone()).unwrap_or_else(|e| panic!("{file} does not decode: {e}"));
    let written = serde_json::to_value(&object).unwrap();
    let spec: Value = serde_json::from_str(bunq_api::documents::OPENAPI).unwrap();
    same_listed(&spec, &spec["components"]["schemas"][schema], &wire, &written, file, listed);
    object
}

fn same_listed(spec: &Value, schema: &Value, wire: &Value, written: &Value, at: &str, listed: &mut usize) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return same_listed(spec, &spec["components"]["schemas"][name], wire, written, at, listed);
    }
    if let (Some(items), Some(wire), Some(written)) = (schema.get("items"), wire.as_array(), written.as_array()) {
        for (i, (wire, written)) in wire.iter().zip(written).enumerate() {
            same_listed(spec, items, wire, written, &format!("{at}[{i}]"), listed);
        }
        return;
    }
    for (field, property) in schema["properties"].as_object().into_iter().flatten() {
        let here = format!("{at}.{field}");
        if wire[field].is_null() {
            continue;
        }
        if property.get("x-bunq-values").is_some() {
            assert_eq!(written[field], wire[field], "{here} written back");
            *listed += 1;
        } else {
            same_listed(spec, property, &wire[field], &written[field], &here, listed);
        }
    }
}

#[test]
fn recorded_objects_decode_with_their_listed_values() {
    let mut listed = 0;
    let payment: Payment = recorded("payment.json", "Payment", "Payment", &mut listed);
    assert_eq!(payment.type_, Some(PaymentType::Ideal));
    let account: MonetaryAccountBank =
        recorded("monetary_account_bank.json", "MonetaryAccountBank", "MonetaryAccountBank", &mut listed);
    assert_eq!(account.status, Some(MonetaryAccountStatus::Active));
    assert!(account.alias.iter().any(|alias| alias.type_ == PointerType::Iban));
    let _: RequestInquiry = recorded("request_inquiry.json", "RequestInquiry", "RequestInquiry", &mut listed);
    let _: RequestResponse = recorded("request_response.json", "RequestResponse", "RequestResponse", &mut listed);
    let _: DraftPayment = recorded("draft_payment.json", "DraftPayment", "DraftPayment", &mut listed);
    let _: ScheduledPayment = recorded("scheduled_payment.json", "ScheduledPayment", "ScheduledPayment", &mut listed);
    let _: BunqMeTab = recorded("bunqme_tab.json", "BunqMeTab", "BunqMeTab", &mut listed);
    let _: ShareInviteMonetaryAccountInquiry = recorded(
        "share_invite_bank_inquiry.json",
        "ShareInviteBankInquiry",
        "ShareInviteMonetaryAccountInquiry",
        &mut listed,
    );
    let _: ShareInviteMonetaryAccountResponse = recorded(
        "share_invite_bank_response.json",
        "ShareInviteBankResponse",
        "ShareInviteMonetaryAccountResponse",
        &mut listed,
    );
    // The recordings carry 13 (statuses, payment types, alias types): none may go unchecked.
    assert!(listed >= 13, "only {listed} listed fields recorded");
}
