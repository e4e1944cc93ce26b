//! Every response type decodes realistic wire JSON (tests/fixtures/wire, built from recorded
//! bunq objects), including mixed listings, pagination, errors and fields bunq added later.

use bunq_api::types::*;
use bunq_api::{Created, Decimal, Envelope, Listing};
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
    assert_eq!(first.amount, Some(Amount::eur(Decimal::new(-2495, 2))));
    let geolocation = first.geolocation.as_ref().expect("geolocation");
    assert_eq!(geolocation.latitude, Some(52.387862883215), "fractional coordinates survive");
    assert_eq!(payments[1].description.as_deref(), Some("Salary"));
}

#[test]
fn payment_read_and_create() {
    let payment = fixture::<PaymentResponse>("payment_read.json").into_first().unwrap();
    assert_eq!(payment.type_, Some(PaymentType::Ideal));
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
    assert_eq!(savings.balance, Some(Amount::eur(250)));
}

#[test]
fn every_kind_of_account_reads_its_shared_fields_without_a_match() {
    let accounts = fixture::<MonetaryAccountListing>("monetary_account_listing_mixed.json").into_items();
    // `status` as text, whether it is a `String` or a listed value.
    let status = |a: &MonetaryAccount| a.status().map(|s| s.to_string());
    let read: Vec<_> = accounts.iter().map(|a| (a.id(), a.description(), status(a), a.iban())).collect();
    assert_eq!(
        read,
        [
            (MonetaryAccountId(21), Some("sofort"), Some("ACTIVE".into()), Some("NL18BUNQ2025104049")),
            (MonetaryAccountId(8948), Some("H"), Some("PENDING_ACCEPTANCE".into()), Some("NL19BUNQ2025192010")),
            (MonetaryAccountId(9001), Some("Holiday"), Some("ACTIVE".into()), Some("NL56BUNQ2025000002")),
        ]
    );
    let balances: Vec<_> = accounts.iter().map(|a| a.balance().map(|b| b.value.as_str())).collect();
    assert_eq!(balances, [None, Some("0.00"), Some("250.00")]);
}

#[test]
fn every_kind_of_user_reads_its_id() {
    let users = fixture::<UserListing>("user_listing.json").into_items();
    assert!(!users.is_empty());
    for user in &users {
        let id = match user {
            User::UserPerson(u) => u.id,
            User::UserCompany(u) => u.id,
            User::UserApiKey(u) => u.id,
            User::UserPaymentServiceProvider(u) => u.id,
        };
        assert_eq!(user.id(), id);
    }
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
/// (`BUNQ_SHARED_FIXTURES=../shared/fixtures cargo test --test it -- --ignored decoding::`).
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

mod typed {
    //! Every generated answer type decodes a sample built from its schema in spec/bunq.json: once with
    //! every field filled (every variant of a polymorphic item, one element in every list), once with
    //! the required fields alone, and once with every other field `null` (bunq writes empty lists and
    //! absent objects as `null`). The samples are built here from the document, independently of the
    //! sandbox's own filling.

    use serde_json::{Map, Value, json};

    fn spec() -> Value {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/bunq.json")).expect("spec");
        serde_json::from_str(&text).expect("spec is JSON")
    }

    /// How much of a sample is there.
    #[derive(Clone, Copy, PartialEq)]
    enum Fill {
        /// Every field, every list with one element.
        Full,
        /// The required fields alone.
        Minimal,
        /// The required fields, and every other field `null`.
        Nulls,
    }

    /// A sample of `schema`.
    fn sample(spec: &Value, schema: &Value, fill: Fill, depth: usize) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = spec.pointer(reference.trim_start_matches('#')).expect("references resolve");
            // Deep enough: a recursive type ends in its smallest form.
            let fill = if fill == Fill::Full && depth >= 6 { Fill::Minimal } else { fill };
            return sample(spec, target, fill, depth + 1);
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            return sample(spec, &variants[0], fill, depth);
        }
        let full = fill == Fill::Full;
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => json!("text"),
            Some("integer") => json!(7),
            Some("number") => json!(7.5),
            Some("boolean") => json!(true),
            Some("array") if full => json!([sample(spec, &schema["items"], fill, depth + 1)]),
            Some("array") => json!([]),
            Some("object") | None => {
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut object = Map::new();
                for (field, inner) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                    if full || required.contains(&field.as_str()) {
                        object.insert(field.clone(), sample(spec, inner, fill, depth + 1));
                    } else if fill == Fill::Nulls {
                        object.insert(field.clone(), Value::Null);
                    }
                }
                Value::Object(object)
            }
            Some(other) => panic!("a schema of type {other}"),
        }
    }

    /// An envelope with one item per variant of its item type.
    fn envelope_samples(spec: &Value, envelope: &Value, fill: Fill) -> Value {
        let full = fill == Fill::Full;
        let mut answer = sample(spec, envelope, fill, 0);
        let item_ref =
            envelope.pointer("/properties/Response/items/$ref").and_then(Value::as_str).expect("an envelope");
        let item = spec.pointer(item_ref.trim_start_matches('#')).expect("item");
        let variants: Vec<Value> = match item.get("oneOf").and_then(Value::as_array) {
            Some(variants) => variants.iter().map(|v| sample(spec, v, fill, 1)).collect(),
            None => vec![sample(spec, item, fill, 1)],
        };
        answer["Response"] = Value::Array(if full { variants } else { variants.into_iter().take(1).collect() });
        answer
    }

    #[test]
    fn every_answer_type_decodes_full_minimal_and_null_samples() {
        let spec = spec();
        let (mut operations, mut files) = (0, 0);
        for (path, item) in spec["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap();
                let Some(reference) = operation.pointer("/responses/200/content/application~1json/schema/$ref") else {
                    files += 1;
                    assert!(bunq_api::api::decode_answer(id, b"").is_none(), "{id} answers a file");
                    continue;
                };
                let envelope = spec.pointer(reference.as_str().unwrap().trim_start_matches('#')).unwrap();
                for fill in [Fill::Full, Fill::Minimal, Fill::Nulls] {
                    let body = serde_json::to_vec(&envelope_samples(&spec, envelope, fill)).unwrap();
                    let decoded = bunq_api::api::decode_answer(id, &body).expect("an envelope operation");
                    if let Err(e) = decoded {
                        let fill = ["full", "minimal", "nulls"][fill as usize];
                        panic!("{method} {path} ({id}, {fill}): {e}\n{}", String::from_utf8_lossy(&body));
                    }
                }
                operations += 1;
            }
        }
        println!("answers decoded, full, minimal and null: {operations} operations; {files} answer files");
        assert!(operations + files >= 480, "the whole document");
    }

    #[test]
    fn a_wrong_sample_is_refused() {
        // The check can fail: an id that is text is not a PaymentId.
        let body = br#"{"Response":[{"Payment":{"id":"seven"}}]}"#;
        assert!(bunq_api::api::decode_answer("get_payment", body).unwrap().is_err());
        assert!(bunq_api::api::decode_answer("no_such_operation", body).is_none());
    }
}
