//! bunq's encrypted request bodies over HTTP against the embedded sandbox: a card update carrying
//! a PIN goes encrypted by itself and is accepted; any call can ask for it; a tampered HMAC is
//! refused with nothing done; a PIN in the clear is refused.

use crate::common;

use bunq_api::encryption::{self, HMAC_HEADER, IV_HEADER, KEY_HEADER};
use bunq_api::types::*;
use bunq_api::with_encryption;
use common::raw::Raw;
use serde_json::{Value, json};

fn card() -> NewCardDebit {
    NewCardDebit::new("A SANDBOX USER", "MASTERCARD_DEBIT", "bunq-api", "MASTERCARD".into())
}

#[tokio::test]
async fn a_card_update_with_a_pin_goes_encrypted_and_is_accepted() {
    let sandbox = common::sandbox(Default::default()).await;
    let context = common::context(&sandbox, Default::default()).await;
    let user = context.user_id().unwrap();
    let created = context.client().create_card_debit(&user, &card()).await.expect("a card").into_inner();
    let card_id = CardId(bunq_api::Envelope::into_first(created).unwrap().id.expect("the card id"));
    let update =
        CardUpdate { pin_code: Some("4321".into()), second_line: Some("encrypted".into()), ..Default::default() };
    // The sandbox refuses a PIN in the clear: this passes only encrypted, and decrypted there.
    context.client().update_card(&user, &card_id, &update).await.expect("the encrypted update");
    let read = context.client().get_card(&user, &card_id).await.unwrap().into_inner();
    let read = serde_json::to_value(read).unwrap();
    assert_eq!(
        read.pointer("/Response/0/CardDebit/second_line").or(read.pointer("/Response/0/Card/second_line")),
        Some(&json!("encrypted")),
        "{read}"
    );
}

#[tokio::test]
async fn any_call_can_ask_for_encryption() {
    let sandbox = common::sandbox(Default::default()).await;
    let context = common::context(&sandbox, Default::default()).await;
    let account = common::first_account(&context).await;
    common::fund(&context, account.id, "10.00").await;
    let payment = common::payment("1.25", Pointer::email("sugardaddy@bunq.com"), "encrypted");
    let handle = context.me().unwrap().monetary_account(account.id);
    let id = with_encryption(handle.payments().create(&payment)).await.expect("an encrypted payment");
    assert_eq!(handle.payment(id).get().await.unwrap().description.as_deref(), Some("encrypted"));
}

/// A logged-in raw client for a new sandbox user, and the path of its first account's payments.
async fn raw(sandbox: &bunq_sandbox::Sandbox) -> (Raw, String) {
    let api_key = sandbox.create_user().await;
    let mut raw = Raw::install(sandbox, common::client_key()).await;
    raw.login(&api_key).await;
    let (_, users) = raw.send("GET", "user", "", &[]).await;
    let users: Value = serde_json::from_str(&users).unwrap();
    let user = users["Response"][0]["UserPerson"]["id"].as_i64().unwrap();
    let (_, accounts) = raw.send("GET", &format!("user/{user}/monetary-account-bank"), "", &[]).await;
    let accounts: Value = serde_json::from_str(&accounts).unwrap();
    let account = accounts["Response"][0]["MonetaryAccountBank"]["id"].as_i64().unwrap();
    (raw, format!("user/{user}/monetary-account/{account}/request-inquiry"))
}

#[tokio::test]
async fn a_tampered_hmac_is_refused_and_nothing_is_stored() {
    let sandbox = common::sandbox(Default::default()).await;
    let (raw, inquiries) = raw(&sandbox).await;
    let body = json!({
        "amount_inquired": { "value": "5.00", "currency": "EUR" },
        "counterparty_alias": { "type": "EMAIL", "value": "sugardaddy@bunq.com" },
        "description": "sealed",
        "allow_bunqme": false,
    });
    let sealed = encryption::encrypt(&raw.server_key, body.to_string().as_bytes()).unwrap();
    let mut mac = sealed.hmac.clone().into_bytes();
    mac[0] = if mac[0] == b'A' { b'B' } else { b'A' };
    let mac = String::from_utf8(mac).unwrap();
    let tampered = [(KEY_HEADER, sealed.key.as_str()), (IV_HEADER, sealed.iv.as_str()), (HMAC_HEADER, mac.as_str())];
    let (status, text) = raw.send_bytes("POST", &inquiries, sealed.body.clone(), &tampered).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("HMAC does not match"), "{text}");
    let (_, listing) = raw.send("GET", &inquiries, "", &[]).await;
    assert_eq!(serde_json::from_str::<Value>(&listing).unwrap()["Response"], json!([]), "nothing stored");

    // The same request with its own HMAC goes through.
    let honest =
        [(KEY_HEADER, sealed.key.as_str()), (IV_HEADER, sealed.iv.as_str()), (HMAC_HEADER, sealed.hmac.as_str())];
    let (status, text) = raw.send_bytes("POST", &inquiries, sealed.body, &honest).await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn a_pin_in_the_clear_is_refused() {
    let sandbox = common::sandbox(Default::default()).await;
    let (raw, inquiries) = raw(&sandbox).await;
    let user = inquiries.split('/').nth(1).unwrap();
    let (status, text) = raw.send("PUT", &format!("user/{user}/card/1"), r#"{"pin_code":"1234"}"#, &[]).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("pin_code must not be sent in the clear"), "{text}");
}
