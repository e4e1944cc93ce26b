//! Money in the embedded sandbox beyond single payments: accounts opened through the API, draft
//! payments, bunq.me tabs, requests between users, scheduled payments, statement exports — and
//! the balances adding up at the end. Also: bad bodies, non-ASCII names and descriptions on the
//! wire, and tokens with their timestamps.

use crate::common;

use crate::common::api::{self, Answer, Api};
use bunq_api::headers;
use bunq_api::keys::PublicKey;
use bunq_api::signing;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Cents from `"12.34"`.
fn cents(value: &Value) -> i64 {
    let text = value.as_str().unwrap_or_else(|| panic!("not an amount: {value}"));
    let (units, fraction) = text.trim_start_matches('-').split_once('.').unwrap();
    let cents = units.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if text.starts_with('-') { -cents } else { cents }
}

/// The balance of every account of the user, by id.
async fn balances(api: &Api) -> Vec<(i64, String, i64)> {
    let listing = api.get(&api.user_path("monetary-account?count=200")).await.expect(200);
    let mut all = Vec::new();
    for item in listing.json()["Response"].as_array().unwrap() {
        let (kind, account) = item.as_object().unwrap().iter().next().unwrap();
        all.push((account["id"].as_i64().unwrap(), kind.clone(), cents(&account["balance"]["value"])));
    }
    all
}

async fn balance_of(api: &Api, account: i64) -> i64 {
    balances(api).await.into_iter().find(|(id, _, _)| *id == account).map(|(_, _, b)| b).unwrap()
}

fn payment(value: &str, to: Value, description: &str) -> Value {
    json!({"amount": {"value": value, "currency": "EUR"}, "counterparty_alias": to, "description": description})
}

fn iban_of(account: &Value) -> String {
    let alias = account["alias"].as_array().unwrap();
    alias.iter().find(|a| a["type"] == "IBAN").unwrap()["value"].as_str().unwrap().to_owned()
}

async fn email_of(api: &Api) -> String {
    let user = api.get(&format!("/user/{}", api.user)).await.expect(200).json();
    let person = user["Response"][0].as_object().unwrap().values().next().unwrap().clone();
    person["alias"].as_array().unwrap().iter().find(|a| a["type"] == "EMAIL").unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_moves_by_every_route_and_adds_up() {
    let sandbox = common::sandbox(Default::default()).await;
    let alice = Api::new(&sandbox).await;
    let bob = Api::new(&sandbox).await;
    // What sugardaddy gave, and what left to sugardaddy or outside the sandbox.
    let (mut created, mut left) = (0i64, 0i64);
    api::fund(&alice, "500.00").await;
    api::fund(&bob, "100.00").await;
    created += 60_000;

    // Accounts opened through the API: listed as their own type, with an IBAN and a balance.
    let body =
        json!({"currency": "EUR", "description": "Savings é", "savings_goal": {"value": "1000.00", "currency": "EUR"}});
    let savings = alice.post(&alice.user_path("monetary-account-savings"), body).await.expect(200).id();
    let joint = alice
        .post(
            &alice.user_path("monetary-account-joint"),
            json!({"currency": "EUR", "description": "Joint", "all_co_owner": []}),
        )
        .await
        .expect(200)
        .id();
    let kinds: Vec<String> = balances(&alice).await.into_iter().map(|(_, kind, _)| kind).collect();
    assert_eq!(
        kinds,
        ["MonetaryAccountBank", "MonetaryAccountSavings", "MonetaryAccountJoint"],
        "oldest first, as bunq"
    );
    let read = alice.get(&alice.user_path(&format!("monetary-account-savings/{savings}"))).await.expect(200);
    let account = read.item("MonetaryAccountSavings");
    let savings_iban = iban_of(&account);
    assert!(savings_iban.starts_with("NL") && account["balance"]["value"] == "0.00", "{account}");
    assert_eq!(account["description"], "Savings é");
    assert_eq!(account["savings_goal"]["value"], "1000.00");
    alice.get(&alice.user_path(&format!("monetary-account-bank/{savings}"))).await.expect(404);
    assert_eq!(
        alice.get(&alice.user_path("monetary-account-savings")).await.expect(200).items("MonetaryAccountSavings").len(),
        1
    );

    // Between the user's own accounts, by IBAN with a name.
    let bank_account =
        alice.get(&alice.user_path(&format!("monetary-account/{}", alice.account))).await.item("MonetaryAccountBank");
    let bank_iban = iban_of(&bank_account);
    alice
        .post(
            &alice.account_path("payment"),
            payment("120.00", json!({"type": "IBAN", "value": savings_iban, "name": "Me"}), "save"),
        )
        .await
        .expect(200);
    let savings_path = |rest: &str| format!("/user/{}/monetary-account/{savings}/{rest}", alice.user);
    let joint_iban =
        iban_of(&alice.get(&alice.user_path(&format!("monetary-account/{joint}"))).await.item("MonetaryAccountJoint"));
    alice
        .post(
            &savings_path("payment"),
            payment("20.00", json!({"type": "IBAN", "value": joint_iban, "name": "Us"}), "to joint"),
        )
        .await
        .expect(200);
    assert_eq!(
        (balance_of(&alice, alice.account).await, balance_of(&alice, savings).await, balance_of(&alice, joint).await),
        (38_000, 10_000, 2_000)
    );

    // Changing an account; closing one that holds money is refused, an empty one closes.
    let update = json!({"description": "Rainy day", "daily_limit": {"value": "50.00", "currency": "EUR"}});
    alice.put(&alice.user_path(&format!("monetary-account-savings/{savings}")), update).await.expect(200);
    let account = alice
        .get(&alice.user_path(&format!("monetary-account-savings/{savings}")))
        .await
        .item("MonetaryAccountSavings");
    assert_eq!(
        (account["description"].as_str(), account["daily_limit"]["value"].as_str()),
        (Some("Rainy day"), Some("50.00"))
    );
    let close = json!({"status": "CANCELLED", "reason": "OTHER", "reason_description": "done"});
    alice.put(&alice.user_path(&format!("monetary-account-joint/{joint}")), close.clone()).await.expect(490);
    alice
        .post(
            &format!("/user/{}/monetary-account/{joint}/payment", alice.user),
            payment("20.00", json!({"type": "IBAN", "value": bank_iban, "name": "Me"}), "back"),
        )
        .await
        .expect(200);
    alice.put(&alice.user_path(&format!("monetary-account-joint/{joint}")), close).await.expect(200);
    let closed =
        alice.get(&alice.user_path(&format!("monetary-account-joint/{joint}"))).await.item("MonetaryAccountJoint");
    assert_eq!(closed["status"], "CANCELLED");
    alice
        .post(
            &alice.account_path("payment"),
            payment("1.00", json!({"type": "IBAN", "value": joint_iban, "name": "Us"}), "closed"),
        )
        .await
        .expect(490);

    // Draft payments: pending until accepted, then booked once.
    let entries = json!([
        {"amount": {"value": "10.00", "currency": "EUR"}, "counterparty_alias": {"type": "EMAIL", "value": email_of(&bob).await}, "description": "draft 1"},
        {"amount": {"value": "5.00", "currency": "EUR"}, "counterparty_alias": {"type": "EMAIL", "value": "sugardaddy@bunq.com"}, "description": "draft 2"},
    ]);
    let draft = alice
        .post(&alice.account_path("draft-payment"), json!({"entries": entries, "number_of_required_accepts": 1}))
        .await
        .expect(200)
        .id();
    let read = alice.get(&alice.account_path(&format!("draft-payment/{draft}"))).await.expect(200).item("DraftPayment");
    assert_eq!((read["status"].as_str(), read["entries"].as_array().map(Vec::len)), (Some("PENDING"), Some(2)));
    assert_eq!(balance_of(&alice, alice.account).await, 40_000, "a draft moves no money");
    alice.put(&alice.account_path(&format!("draft-payment/{draft}")), json!({"status": "ACCEPTED"})).await.expect(200);
    alice.put(&alice.account_path(&format!("draft-payment/{draft}")), json!({"status": "ACCEPTED"})).await.expect(490);
    left += 500;
    assert_eq!(balance_of(&alice, alice.account).await, 38_500);
    assert_eq!(
        alice.get(&alice.account_path(&format!("draft-payment/{draft}"))).await.item("DraftPayment")["status"],
        "ACCEPTED"
    );
    assert_eq!(balance_of(&bob, bob.account).await, 11_000);
    assert_eq!(alice.get(&alice.account_path("draft-payment")).await.expect(200).items("DraftPayment").len(), 1);

    // bunq.me tabs: a share URL, readable, cancellable.
    let tab = json!({"bunqme_tab_entry": {"amount_inquired": {"value": "7.50", "currency": "EUR"}, "description": "pizza é"}});
    let tab = alice.post(&alice.account_path("bunqme-tab"), tab).await.expect(200).id();
    let read = alice.get(&alice.account_path(&format!("bunqme-tab/{tab}"))).await.expect(200);
    assert!(read.text().contains("https:\\/\\/bunq.me\\/t\\/"), "{}", read.text());
    let read = read.item("BunqMeTab");
    assert_eq!(
        (read["status"].as_str(), read["bunqme_tab_entry"]["description"].as_str()),
        (Some("WAITING_FOR_PAYMENT"), Some("pizza é"))
    );
    alice.put(&alice.account_path(&format!("bunqme-tab/{tab}")), json!({"status": "CANCELLED"})).await.expect(200);
    assert_eq!(
        alice.get(&alice.account_path(&format!("bunqme-tab/{tab}"))).await.item("BunqMeTab")["status"],
        "CANCELLED"
    );
    assert_eq!(alice.get(&alice.account_path("bunqme-tab")).await.items("BunqMeTab").len(), 1);

    // A request to another sandbox user: a pending response on their account; accepting pays it.
    let ask = |value: &str, description: &str, email: String| json!({"amount_inquired": {"value": value, "currency": "EUR"}, "counterparty_alias": {"type": "EMAIL", "value": email}, "description": description});
    let paid = alice
        .post(&alice.account_path("request-inquiry"), ask("30.00", "concert", email_of(&bob).await))
        .await
        .expect(200)
        .id();
    let declined = alice
        .post(&alice.account_path("request-inquiry"), ask("99.00", "cheeky", email_of(&bob).await))
        .await
        .expect(200)
        .id();
    let responses = bob.get(&bob.account_path("request-response")).await.expect(200).items("RequestResponse");
    assert_eq!(responses.len(), 2);
    assert!(responses.iter().all(|r| r["status"] == "PENDING"));
    let response_for =
        |description: &str| responses.iter().find(|r| r["description"] == description).unwrap()["id"].as_i64().unwrap();
    let accepted = bob
        .put(&bob.account_path(&format!("request-response/{}", response_for("concert"))), json!({"status": "ACCEPTED"}))
        .await
        .expect(200);
    assert_eq!(accepted.item("RequestResponse")["status"], "ACCEPTED");
    bob.put(&bob.account_path(&format!("request-response/{}", response_for("concert"))), json!({"status": "ACCEPTED"}))
        .await
        .expect(490);
    bob.put(&bob.account_path(&format!("request-response/{}", response_for("cheeky"))), json!({"status": "REJECTED"}))
        .await
        .expect(200);
    alice
        .put(&bob.account_path(&format!("request-response/{}", response_for("cheeky"))), json!({"status": "ACCEPTED"}))
        .await
        .expect(404);
    let inquiry = |id: i64| alice.account_path(&format!("request-inquiry/{id}"));
    assert_eq!(alice.get(&inquiry(paid)).await.item("RequestInquiry")["status"], "ACCEPTED");
    assert_eq!(alice.get(&inquiry(declined)).await.item("RequestInquiry")["status"], "REJECTED");
    assert_eq!((balance_of(&alice, alice.account).await, balance_of(&bob, bob.account).await), (41_500, 8_000));
    // The request-inquiry listing (sugardaddy's, and the two to bob), newest first.
    let listed = alice.get(&alice.account_path("request-inquiry")).await.expect(200).items("RequestInquiry");
    assert_eq!(listed.iter().map(|i| i["id"].as_i64().unwrap()).take(2).collect::<Vec<_>>(), [declined, paid]);
    assert_eq!(listed.len(), 3);

    // Scheduled payments: one due now pays at once and finishes; a later one waits.
    let schedule = |start: &str| {
        json!({
            "payment": payment("3.00", json!({"type": "IBAN", "value": "NL91ABNA0417164300", "name": "Landlord"}), "rent"),
            "schedule": {"time_start": start, "recurrence_unit": "ONCE", "recurrence_size": 1},
        })
    };
    let now = alice
        .post(&alice.account_path("schedule-payment"), schedule("2020-01-01 00:00:00.000000"))
        .await
        .expect(200)
        .id();
    let later = alice
        .post(&alice.account_path("schedule-payment"), schedule("2999-01-01 00:00:00.000000"))
        .await
        .expect(200)
        .id();
    left += 300;
    let read = |id: i64| alice.account_path(&format!("schedule-payment/{id}"));
    assert_eq!(alice.get(&read(now)).await.expect(200).item("ScheduledPayment")["status"], "FINISHED");
    assert_eq!(alice.get(&read(later)).await.item("ScheduledPayment")["status"], "ACTIVE");
    assert_eq!(alice.get(&alice.account_path("schedule-payment")).await.items("ScheduledPayment").len(), 2);
    assert_eq!(balance_of(&alice, alice.account).await, 41_200);
    alice.delete(&alice.account_path(&format!("schedule-payment/{later}"))).await.expect(200);
    alice.get(&read(later)).await.expect(404);

    // Statement exports: created, readable, their content a small signed document.
    let statement = json!({"statement_format": "PDF", "date_start": "2026-01-01", "date_end": "2026-12-31", "regional_format": "EUROPEAN"});
    let statement = alice.post(&alice.account_path("customer-statement"), statement).await.expect(200).id();
    assert_eq!(
        alice
            .get(&alice.account_path(&format!("customer-statement/{statement}")))
            .await
            .expect(200)
            .item("CustomerStatement")["statement_format"],
        "PDF"
    );
    let content = alice.get(&alice.account_path(&format!("customer-statement/{statement}/content"))).await.expect(200);
    assert!(content.body.starts_with(b"%PDF-"), "{}", content.text());
    let rib = alice.post(&alice.account_path("export-rib"), json!({})).await.expect(200).id();
    assert!(
        alice
            .get(&alice.account_path(&format!("export-rib/{rib}/content")))
            .await
            .expect(200)
            .body
            .starts_with(b"%PDF-")
    );
    alice.get(&alice.account_path("customer-statement/999999999/content")).await.expect(404);

    // Sugardaddy's money is all still there, or went back to him or outside.
    let mut held = 0;
    for api in [&alice, &bob] {
        held += balances(api).await.into_iter().map(|(_, _, b)| b).sum::<i64>();
    }
    assert_eq!(created, held + left, "created {created}, held {held}, left {left}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_refused_and_store_nothing() {
    let sandbox = common::sandbox(Default::default()).await;
    let api = Api::new(&sandbox).await;
    api::fund(&api, "10.00").await;
    let cases = [
        (api.account_path("bunqme-tab"), json!({"status": "WAITING_FOR_PAYMENT"}), "bunqme_tab_entry"),
        (
            api.account_path("bunqme-tab"),
            json!({"bunqme_tab_entry": {"amount_inquired": {"value": "1.5.0", "currency": "EUR"}}}),
            "bunqme_tab_entry.amount_inquired.value",
        ),
        (api.user_path("monetary-account-savings"), json!({"currency": "EUR", "status": "OPEN"}), "status"),
        // bunq's SDK makes a savings account's create take its currency.
        (api.user_path("monetary-account-savings"), json!({"description": "rainy day"}), "currency"),
        (
            api.account_path("payment"),
            payment("1.234", json!({"type": "EMAIL", "value": "sugardaddy@bunq.com"}), "x"),
            "amount.value",
        ),
        (
            api.account_path("payment"),
            json!({"amount": {"value": "1.00", "currency": "EUR"}, "counterparty_alias": {"type": 1, "value": "x"}, "description": "x"}),
            "counterparty_alias.type",
        ),
        (api.user_path("notification-filter-url"), json!({"notification_filters": "all"}), "notification_filters"),
        (api.account_path("draft-payment"), json!({"entries": "none", "number_of_required_accepts": 1}), "entries"),
        // A draft's entry names its counterparty by a pointer, not by the label bunq answers with.
        (
            api.account_path("draft-payment"),
            json!({"entries": [{"amount": {"value": "1.00", "currency": "EUR"},
                "counterparty_alias": {"iban": "NL91ABNA0417164300", "display_name": "Elsewhere"}}],
                "number_of_required_accepts": 1}),
            "entries[0].counterparty_alias.type",
        ),
    ];
    for (path, body, field) in cases {
        let answer = api.post(&path, body).await.expect(400);
        assert!(answer.error().contains(field), "{path}: {}", answer.error());
        assert_eq!(
            answer.json()["Error"][0]["error_description_translated"],
            answer.json()["Error"][0]["error_description"]
        );
    }
    assert!(api.get(&api.account_path("bunqme-tab")).await.expect(200).items("BunqMeTab").is_empty());
    assert_eq!(balances(&api).await.len(), 1);
    assert!(
        api.get(&api.user_path("notification-filter-url")).await.expect(200).items("NotificationFilterUrl").is_empty()
    );
    assert_eq!(balance_of(&api, api.account).await, 1_000);
    assert!(api.get(&api.account_path("payment")).await.items("Payment").len() == 1);

    // A good set of filters replaces the whole set; reading it gives one item holding the list.
    let filters = |n: usize| json!({"notification_filters": (0..n).map(|i| json!({"category": "PAYMENT", "notification_target": format!("https://example.com/{i}")})).collect::<Vec<_>>()});
    api.post(&api.user_path("notification-filter-url"), filters(2)).await.expect(200);
    api.post(&api.user_path("notification-filter-url"), filters(1)).await.expect(200);
    let set = api.get(&api.user_path("notification-filter-url")).await.expect(200).items("NotificationFilterUrl");
    assert_eq!(set.len(), 1);
    assert_eq!(set[0]["notification_filters"].as_array().unwrap().len(), 1);
    // Other people's paths are not there.
    api.get(&format!("/user/{}/monetary-account/{}/bunqme-tab", api.user, api.user)).await.expect(404);
    api.get(&format!("/user/{}/card/123/generated-cvc2", api.user)).await.expect(404);
    sandbox.shutdown().await;
}

/// The second sandbox user is Chloé: she logs in and pays with `é € 😀` and a URL; bunq's
/// escapes are on the wire and the text reads back whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_ascii_goes_out_escaped_as_bunq_does() {
    let sandbox = common::sandbox(Default::default()).await;
    let first = Api::new(&sandbox).await;
    let chloe = Api::new(&sandbox).await;
    let user = chloe.get(&format!("/user/{}", chloe.user)).await.expect(200);
    assert!(user.text().contains("Chlo\\u00e9"), "{}", user.text());
    assert_eq!(user.item("UserPerson")["first_name"], "Chloé");
    api::fund(&chloe, "20.00").await;
    let description = "é € 😀 https://bunq.com/x";
    let to = json!({"type": "EMAIL", "value": email_of(&first).await});
    let id = chloe.post(&chloe.account_path("payment"), payment("2.50", to, description)).await.expect(200).id();
    let read = chloe.get(&chloe.account_path(&format!("payment/{id}"))).await.expect(200);
    let raw = read.text();
    for escaped in ["\\u00e9", "\\u20ac", "\\ud83d\\ude00", "https:\\/\\/bunq.com\\/x", "Chlo\\u00e9"] {
        assert!(raw.contains(escaped), "{escaped} in {raw}");
    }
    assert_eq!(read.item("Payment")["description"], description);
    let received = first.get(&first.account_path("payment")).await.expect(200).items("Payment");
    assert_eq!(received[0]["description"], description);
    assert_eq!(received[0]["counterparty_alias"]["display_name"].as_str().map(|n| n.starts_with("Chloé")), Some(true));
    sandbox.shutdown().await;
}

/// Installation and session tokens carry id, created, updated and token; the session's expiry
/// (`created + session_timeout`) lies ahead.
#[tokio::test]
async fn tokens_carry_their_timestamps() {
    let sandbox = common::sandbox(Default::default()).await;
    let api_key = sandbox.create_user().await;
    let key = common::client_key();
    let http = reqwest::Client::new();
    let base = sandbox.base_url();
    let send = |operation: &'static str, path: &str, token: Option<&str>, body: Value| {
        let body = serde_json::to_vec(&body).unwrap();
        let mut request = http
            .post(format!("{base}{path}"))
            .header("User-Agent", "tokens-test")
            .header(headers::REQUEST_ID, headers::new_request_id())
            .header("Content-Type", "application/json");
        if let Some(token) = token {
            request = request
                .header(headers::AUTHENTICATION, token)
                .header(headers::CLIENT_SIGNATURE, signing::sign(&key, &body));
        }
        async move {
            let response = request.body(body).send().await.unwrap();
            let signature = response.headers().get(headers::SERVER_SIGNATURE).map(|v| v.to_str().unwrap().to_owned());
            let answer = Answer {
                operation,
                status: response.status().as_u16(),
                body: response.bytes().await.unwrap().to_vec(),
            };
            api::check(&answer);
            (answer.expect(200), signature)
        }
    };
    let (installed, _) = send(
        "create_installation",
        "installation",
        None,
        json!({"client_public_key": key.public_key().to_pem().unwrap()}),
    )
    .await;
    let server_key =
        PublicKey::from_pem(installed.item("ServerPublicKey")["server_public_key"].as_str().unwrap()).unwrap();
    let token = installed.item("Token");
    let installation_token = token["token"].as_str().unwrap().to_owned();
    let (device, signature) = send(
        "create_device_server",
        "device-server",
        Some(&installation_token),
        json!({"description": "t", "secret": api_key}),
    )
    .await;
    signing::verify(&server_key, &device.body, signature.as_deref().unwrap()).unwrap();
    let (session, signature) =
        send("create_session_server", "session-server", Some(&installation_token), json!({"secret": api_key})).await;
    signing::verify(&server_key, &session.body, signature.as_deref().unwrap()).unwrap();
    let session_token = session.item("Token");
    for token in [&token, &session_token] {
        for field in ["id", "created", "updated", "token"] {
            assert!(!token[field].is_null(), "{field} in {token}");
        }
    }
    let timeout = session.item("UserPerson")["session_timeout"].as_u64().unwrap();
    let created = parse_timestamp(session_token["created"].as_str().unwrap());
    assert!(created + Duration::from_secs(timeout) > SystemTime::now(), "the session ends ahead");
    assert!(created <= SystemTime::now() + Duration::from_secs(1));
    sandbox.shutdown().await;
}

/// `2017-11-08 11:20:03.950184` (UTC) as a time.
fn parse_timestamp(text: &str) -> SystemTime {
    let number = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let (hour, minute, second, micros) = (number(11..13), number(14..16), number(17..19), number(20..26));
    // Days from 1970-01-01 to the civil date (proleptic Gregorian).
    let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH + Duration::from_secs(seconds as u64) + Duration::from_micros(micros as u64)
}
