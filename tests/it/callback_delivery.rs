//! The sandbox delivers callbacks as bunq does, over real HTTP on 127.0.0.1: a notification
//! filter's target gets bunq's `NotificationUrl` payload (bunq's JSON bytes) for the events of
//! its category, the payer's and the receiver's; failed deliveries are tried again by the
//! configured rule and never hold up the API; targets bunq would refuse are refused.

mod common;

use bunq_api::callbacks::{self, CallbackObject, Category, Listener, Notification, Receiver, SourceRanges};
use bunq_api::types::{NewDraftPayment, Pointer};
use bunq_sandbox::{CallbackRetry, SandboxConfig};
use common::api::Api;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A listener that takes deliveries from this machine only.
async fn listener() -> (Listener, String) {
    let receiver = Receiver::from_sources(SourceRanges::parse(["127.0.0.1"]).unwrap());
    let listener = Listener::bind("127.0.0.1:0".parse().unwrap(), receiver).await.unwrap();
    let target = format!("http://{}/callbacks", listener.local_addr());
    (listener, target)
}

/// The next notification, within 10 s.
async fn next(listener: &mut Listener) -> Notification {
    tokio::time::timeout(Duration::from_secs(10), listener.next())
        .await
        .expect("a callback within 10 s")
        .expect("the listener runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_is_called_back_to_payer_and_receiver() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let payer = common::context(&sandbox, Default::default()).await;
    let receiver = common::context(&sandbox, Default::default()).await;
    let from = common::first_account(&payer).await;
    let to = common::first_account(&receiver).await;
    common::fund(&payer, from.id, "10.00").await;

    let (mut payer_events, payer_target) = listener().await;
    let (mut receiver_events, receiver_target) = listener().await;
    callbacks::subscribe(&payer, &[(Category::Payment, &payer_target), (Category::Mutation, &payer_target)])
        .await
        .unwrap();
    callbacks::subscribe_account(&receiver, to.id, &[(Category::Payment, &receiver_target)]).await.unwrap();

    let description = "callback é € 😀 https://example.com/x";
    let payment = common::payment("2.50", Pointer::iban(to.iban().unwrap(), "Receiver"), description);
    let paid = payer.me().unwrap().monetary_account(from.id).payments().create(&payment).await.unwrap();

    let mut seen = Vec::new();
    for _ in 0..2 {
        let event = next(&mut payer_events).await;
        assert_eq!(event.target_url.as_deref(), Some(payer_target.as_str()));
        assert_eq!(event.object_id(), Some(*paid));
        let CallbackObject::Payment(object) = &event.object else { panic!("not a Payment: {:?}", event.object) };
        let amount = object.amount.as_ref().map(|a| a.value.as_str());
        assert_eq!((amount, object.description.as_deref()), (Some("-2.50"), Some(description)));
        seen.push((event.category.to_string(), event.event_type));
    }
    seen.sort();
    assert_eq!(
        seen,
        [("MUTATION".to_owned(), "MUTATION_CREATED".to_owned()), ("PAYMENT".to_owned(), "PAYMENT_CREATED".to_owned())]
    );

    let event = next(&mut receiver_events).await;
    assert_eq!((event.category.to_string(), event.event_type.as_str()), ("PAYMENT".to_owned(), "PAYMENT_RECEIVED"));
    let CallbackObject::Payment(object) = &event.object else { panic!("not a Payment: {:?}", event.object) };
    assert_eq!(object.amount.as_ref().map(|a| a.value.as_str()), Some("2.50"));
    assert_eq!(event.monetary_account_id(), Some(*to.id));
    // The funding before the subscription was not sent afterwards.
    assert!(tokio::time::timeout(Duration::from_millis(300), payer_events.next()).await.is_err());
    sandbox.shutdown().await;
}

/// A draft payment accepted: a DRAFT_PAYMENT event with the status in its type, then the payment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_payments_are_called_back_when_made_and_accepted() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, Default::default()).await;
    let account = common::first_account(&context).await;
    common::fund(&context, account.id, "5.00").await;
    let (mut events, target) = listener().await;
    callbacks::subscribe_account(&context, account.id, &[(Category::DraftPayment, &target)]).await.unwrap();

    let entry = serde_json::json!({
        "entries": [{"amount": {"value": "1.00", "currency": "EUR"},
                     "counterparty_alias": {"iban": "NL91ABNA0417164300", "display_name": "Elsewhere"},
                     "description": "draft"}],
        "number_of_required_accepts": 1,
    });
    let draft: NewDraftPayment = serde_json::from_value(entry).unwrap();
    let handle = context.me().unwrap().monetary_account(account.id);
    let id = handle.draft_payments().create(&draft).await.unwrap();
    let made = next(&mut events).await;
    assert_eq!(
        (made.event_type.as_str(), made.object.type_name(), made.object_id()),
        ("DRAFT_PAYMENT_CREATED", "DraftPayment", Some(*id))
    );

    let accept = serde_json::from_value(serde_json::json!({"status": "ACCEPTED"})).unwrap();
    handle.draft_payment(id).update(&accept).await.unwrap();
    let accepted = next(&mut events).await;
    assert_eq!(accepted.event_type, "DRAFT_PAYMENT_ACCEPTED");
    assert_eq!(accepted.raw["status"], "ACCEPTED");
    sandbox.shutdown().await;
}

/// A target that fails twice, then takes it: delivered on the third attempt, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_tried_again_by_the_rule() {
    let retry = CallbackRetry { attempts: 3, interval: Duration::from_millis(100) };
    let sandbox = common::sandbox(SandboxConfig::default().callback_retry(retry)).await;
    let context = common::context(&sandbox, Default::default()).await;
    let account = common::first_account(&context).await;

    let flaky = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = format!("http://{}/flaky", flaky.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut bodies = Vec::new();
        for status in ["500 Internal Server Error", "503 Service Unavailable", "200 OK"] {
            let (mut stream, _) = flaky.accept().await.unwrap();
            bodies.push(read_request(&mut stream).await);
            let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            stream.write_all(answer.as_bytes()).await.unwrap();
        }
        bodies
    });
    callbacks::subscribe(&context, &[(Category::Mutation, &target)]).await.unwrap();
    common::fund(&context, account.id, "1.00").await;

    let bodies = tokio::time::timeout(Duration::from_secs(10), server).await.expect("three attempts").unwrap();
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]), "every attempt carries the same payload");
    let body = &bodies[0];
    assert!(body.is_ascii(), "bunq's JSON is ASCII: {}", String::from_utf8_lossy(body));
    assert!(String::from_utf8_lossy(body).contains(&target.replace('/', "\\/")), "URLs written with \\/");
    let notification = Notification::parse(body).unwrap();
    assert_eq!((notification.category, notification.event_type.as_str()), (Category::Mutation, "MUTATION_RECEIVED"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!((sandbox.stats().callbacks_delivered, sandbox.stats().callbacks_failed), (1, 0));
    sandbox.shutdown().await;
}

/// Reads one HTTP request and returns its body.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.unwrap();
        data.extend_from_slice(&buffer[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length || n == 0 {
                return data[end + 4..].to_vec();
            }
        } else if n == 0 {
            return Vec::new();
        }
    }
}

/// Nobody listening: given up after the last attempt, and the API answered at once all along.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_target_never_holds_up_the_api() {
    let retry = CallbackRetry { attempts: 2, interval: Duration::from_millis(50) };
    let sandbox = common::sandbox(SandboxConfig::default().callback_retry(retry)).await;
    let context = common::context(&sandbox, Default::default()).await;
    let account = common::first_account(&context).await;
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = format!("http://{}/gone", closed.local_addr().unwrap());
    drop(closed);
    callbacks::subscribe(&context, &[(Category::Mutation, &target)]).await.unwrap();
    common::fund(&context, account.id, "1.00").await;
    let started = tokio::time::Instant::now();
    while sandbox.stats().callbacks_failed == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the delivery is given up on");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(sandbox.stats().callbacks_delivered, 0);
    sandbox.shutdown().await;
}

/// bunq wants https; the sandbox also takes plain http to this machine, nothing else. (Our
/// client refuses such targets before sending: this is the sandbox, called raw.)
#[tokio::test]
async fn targets_bunq_would_refuse_are_refused_and_not_stored() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let api = Api::new(&sandbox).await;
    let filters =
        |target: &str| json!({"notification_filters": [{"category": "PAYMENT", "notification_target": target}]});
    let path = api.user_path("notification-filter-url");
    api.post(&path, filters("https://example.com/bunq")).await.expect(200);
    for refused in ["http://example.com/bunq", "http://10.1.2.3/bunq", "ftp://127.0.0.1/x", "nonsense"] {
        let answer = api.post(&path, filters(refused)).await.expect(400);
        assert!(answer.text().contains("https"), "{}", answer.text());
    }
    api.post(&path, filters("http://127.0.0.1:9/local")).await.expect(200);
    let listed = api.get(&path).await.expect(200).items("NotificationFilterUrl");
    assert_eq!(listed[0]["notification_filters"][0]["notification_target"], "http://127.0.0.1:9/local");
    sandbox.shutdown().await;
}
