//! Every response type decodes realistic wire JSON (tests/fixtures/wire, built from recorded
//! bunq objects), including mixed listings, pagination, errors and fields bunq added later.

use bunq_api::types::*;
use bunq_api::{Created, Envelope, Listing};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

fn fixture<T: DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

#[test]
fn payment_listing_with_pagination_and_unknown_fields() {
    let listing: PaymentListing = fixture("payment_listing.json");
    let pagination = listing.pagination().cloned().expect("pagination");
    assert_eq!(pagination.older_id(), Some(108863));
    assert_eq!(pagination.newer_id(), Some(108864));
    assert_eq!(pagination.future_url, None);
    let payments = listing.into_items();
    assert_eq!(payments.len(), 2);
    let first = &payments[0];
    assert_eq!(first.id, PaymentId(108864));
    assert_eq!(first.monetary_account_id, Some(MonetaryAccountId(213)));
    assert_eq!(first.amount, Some(Amount::new("-24.95", "EUR")));
    let geolocation = first.geolocation.as_ref().expect("geolocation");
    assert_eq!(geolocation.latitude, Some(52.387862883215), "fractional coordinates survive");
    assert_eq!(payments[1].description.as_deref(), Some("Salary"));
}

#[test]
fn payment_read_and_create() {
    let payment = fixture::<PaymentResponse>("payment_read.json").into_first().unwrap();
    assert_eq!(payment.type_.as_deref(), Some("IDEAL"));
    let counterparty = payment.counterparty_alias.expect("counterparty");
    assert_eq!(counterparty.display_name.as_deref(), Some("Boekhandel Voorbeeld"));
    let created: PaymentCreated = fixture("payment_created.json");
    assert_eq!(created.id().unwrap(), PaymentId(42));
}

#[test]
fn payment_batch_carries_a_list_of_payments() {
    let batch = fixture::<PaymentBatchResponse>("payment_batch_read.json").into_first().unwrap();
    assert!(!batch.payments.is_empty());
    assert!(batch.payments.iter().all(|p| p.amount.is_some()));
}

#[test]
fn request_inquiry_read() {
    let inquiry = fixture::<RequestInquiryResponse>("request_inquiry_read.json").into_first().unwrap();
    assert!(inquiry.amount_inquired.is_some());
    assert!(inquiry.status.is_some());
}

#[test]
fn monetary_account_listing_mixes_types() {
    let listing: MonetaryAccountListing = fixture("monetary_account_listing_mixed.json");
    let accounts = listing.into_items();
    assert!(matches!(accounts[0], MonetaryAccount::MonetaryAccountBank(_)));
    assert!(matches!(accounts[1], MonetaryAccount::MonetaryAccountJoint(_)));
    let MonetaryAccount::MonetaryAccountSavings(savings) = &accounts[2] else { panic!("{:?}", accounts[2]) };
    assert_eq!(savings.balance, Some(Amount::new("250.00", "EUR")));
}

#[test]
fn monetary_account_bank_listing() {
    let bank = fixture::<MonetaryAccountBankListing>("monetary_account_bank_listing.json").into_first().unwrap();
    assert_eq!(bank.id, MonetaryAccountId(21));
    assert!(bank.iban().is_some_and(|iban| iban.starts_with("NL")));
}

#[test]
fn installation_answer() {
    let answer: InstallationCreated = fixture("installation_create.json");
    let kinds: Vec<&str> = answer
        .response
        .iter()
        .map(|item| match item {
            InstallationCreatedItem::Id(_) => "Id",
            InstallationCreatedItem::Token(_) => "Token",
            InstallationCreatedItem::ServerPublicKey(_) => "ServerPublicKey",
        })
        .collect();
    assert_eq!(kinds, ["Id", "Token", "ServerPublicKey"]);
}

#[test]
fn session_server_answers_with_the_user() {
    let answer: SessionServerCreated = fixture("session_server_create_person.json");
    let Some(SessionServerCreatedItem::UserPerson(person)) = answer.response.last() else { panic!() };
    assert_eq!(person.id, UserId(7809));
    assert_eq!(person.session_timeout, Some(604800));
    let answer: SessionServerCreated = fixture("session_server_create_api_key.json");
    let Some(SessionServerCreatedItem::UserApiKey(key)) = answer.response.last() else { panic!() };
    let requested = key.requested_by_user.as_ref().and_then(|u| u.user_person.as_ref()).unwrap();
    assert_eq!(requested.session_timeout, Some(3600));
}

#[test]
fn user_listing_mixes_kinds() {
    let users = fixture::<UserListing>("user_listing.json").into_items();
    assert_eq!(users.iter().map(User::id).collect::<Vec<_>>(), [UserId(8101), UserId(7809)]);
    assert_eq!(users[0].display_name(), Some("Voorbeeld B.V."));
}

#[test]
fn errors_keep_every_description() {
    let error: ErrorResponse = fixture("error_490.json");
    let descriptions: Vec<&str> = error.error.iter().map(|d| d.error_description.as_str()).collect();
    assert_eq!(descriptions, ["Insufficient balance on the account.", "Second description."]);
}

#[test]
fn empty_and_sandbox_answers() {
    let deleted: EmptyResponse = fixture("session_deleted.json");
    assert!(deleted.response.is_empty());
    let key = fixture::<SandboxUserPersonCreated>("sandbox_user_person_created.json").into_first().unwrap();
    assert!(key.api_key.unwrap().starts_with("sandbox_"));
}

#[test]
fn a_wrong_shape_is_an_error_not_a_panic() {
    for bad in [r#"{"Response":[{"Payment":{"id":"not a number"}}]}"#, r#"{"Response":{}}"#, "[", ""] {
        assert!(serde_json::from_str::<PaymentListing>(bad).is_err(), "{bad}");
    }
}

/// Decodes bunq's own recorded objects in `../shared/fixtures` when CI provides them
/// (`BUNQ_SHARED_FIXTURES=../shared/fixtures cargo test --test decoding -- --ignored`).
#[test]
#[ignore = "needs BUNQ_SHARED_FIXTURES (run by .ci/run)"]
fn recorded_bunq_objects_decode() {
    let root = PathBuf::from(std::env::var("BUNQ_SHARED_FIXTURES").expect("BUNQ_SHARED_FIXTURES"));
    let object = |file: &str, key: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(root.join("callbacks").join(file)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["NotificationUrl"]["object"][key].clone()
    };
    let decode = |value: serde_json::Value, what: &str| {
        assert!(!value.is_null(), "{what} missing");
        value
    };
    serde_json::from_value::<Payment>(decode(object("Mutation.json", "Payment"), "Payment")).unwrap();
    serde_json::from_value::<PaymentBatch>(decode(object("PaymentBatch.json", "PaymentBatch"), "PaymentBatch"))
        .unwrap();
    serde_json::from_value::<RequestInquiry>(decode(object("RequestInquiry.json", "RequestInquiry"), "RequestInquiry"))
        .unwrap();
    serde_json::from_value::<MonetaryAccountBank>(decode(
        object("MonetaryAccountBank.json", "MonetaryAccountBank"),
        "MonetaryAccountBank",
    ))
    .unwrap();
    let joint: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("MonetaryAccountJoint.json")).unwrap()).unwrap();
    serde_json::from_value::<MonetaryAccountJoint>(joint).unwrap();
}
