//! Callbacks: typed notifications from bunq's payloads, where they may come from, each event once,
//! the object read back through the signed API, and the listener over real HTTP.

use crate::common;

use bunq_api::callbacks::{CallbackObject, Category, Notification, Receiver, Refused, SourceRanges};
use bunq_api::types::*;
use bunq_api::{ContextOptions, Decimal};
use bunq_sandbox::SandboxConfig;
use std::net::IpAddr;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/callbacks").join(name)).unwrap()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn payloads_read_into_typed_notifications() {
    let notification = Notification::parse(&fixture("payment_mutation.json")).unwrap();
    assert_eq!(notification.category, Category::Mutation);
    assert_eq!(notification.event_type, "MUTATION_CREATED");
    assert_eq!(notification.target_url.as_deref(), Some("https://example.com/bunq/callbacks"));
    let CallbackObject::Payment(payment) = &notification.object else { panic!("{:?}", notification.object) };
    assert_eq!(payment.id, PaymentId(4471));
    assert_eq!(payment.amount, Some(Amount::eur(Decimal::new(-740, 2))));
    assert_eq!(payment.description.as_deref(), Some("Koffie én taart"));
    assert_eq!((notification.object_id(), notification.monetary_account_id()), (Some(4471), Some(312)));

    let notification = Notification::parse(&fixture("request_inquiry_accepted.json")).unwrap();
    assert_eq!(notification.category, Category::Request);
    assert!(
        matches!(&notification.object, CallbackObject::RequestInquiry(r) if r.status.as_deref() == Some("ACCEPTED"))
    );

    // A type this version does not know keeps its event, and its JSON.
    let notification = Notification::parse(&fixture("unknown_object.json")).unwrap();
    assert_eq!(notification.category, Category::Other("FUTURE_THINGS".into()));
    let CallbackObject::Unknown { type_name, object } = &notification.object else { panic!() };
    assert_eq!((type_name.as_str(), object["colour"].as_str()), ("FutureThing", Some("blue")));
}

#[test]
fn bunqs_recorded_callbacks_read() {
    let Some(dir) = std::env::var_os("BUNQ_SHARED_FIXTURES") else {
        println!("skipped: set BUNQ_SHARED_FIXTURES to the recorded objects (shared/fixtures); .ci/run does");
        return;
    };
    let mut read = 0;
    for entry in std::fs::read_dir(Path::new(&dir).join("callbacks")).unwrap() {
        let path = entry.unwrap().path();
        let notification =
            Notification::parse(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let known = !matches!(notification.object, CallbackObject::Unknown { .. });
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // Every recorded type the spec knows reads into its generated type.
        assert!(known || stem == "ChatMessageAnnouncement", "{stem}: {:?}", notification.object.type_name());
        read += 1;
    }
    println!("recorded callbacks read: {read}");
    assert!(read >= 10);
}

#[test]
fn only_bunqs_addresses_and_each_event_once() {
    let receiver = Receiver::new();
    let body = fixture("payment_mutation.json");
    assert!(receiver.receive(ip("185.40.108.17"), &body).unwrap().is_some());
    // bunq's retry of the same event.
    assert!(receiver.receive(ip("185.40.111.254"), &body).unwrap().is_none());
    // A different event about another object passes.
    assert!(receiver.receive(ip("185.40.108.17"), &fixture("request_inquiry_accepted.json")).unwrap().is_some());

    let refused = receiver.receive(ip("203.0.113.9"), &body).unwrap_err();
    assert_eq!(refused, Refused::Source(ip("203.0.113.9")));
    assert!(refused.to_string().contains("not an address bunq sends callbacks from"), "{refused}");
    assert!(matches!(receiver.receive(ip("185.40.108.1"), b"{\"NotificationUrl\":{}}"), Err(Refused::Malformed(_))));
    assert!(matches!(receiver.receive(ip("185.40.108.1"), b"not json"), Err(Refused::Malformed(_))));
    let huge = vec![b' '; 2 << 20];
    assert!(matches!(receiver.receive(ip("185.40.108.1"), &huge), Err(Refused::TooLarge(_))));
}

#[test]
fn source_ranges() {
    let ranges = SourceRanges::parse(["185.40.108.0/22", "10.1.2.3", "2001:db8::/32"]).unwrap();
    assert!(ranges.allows(ip("185.40.108.0")) && ranges.allows(ip("185.40.111.255")));
    assert!(!ranges.allows(ip("185.40.112.0")) && !ranges.allows(ip("185.40.107.255")));
    assert!(ranges.allows(ip("10.1.2.3")) && !ranges.allows(ip("10.1.2.4")));
    assert!(ranges.allows(ip("::ffff:185.40.109.9")), "IPv4 in IPv6 form");
    assert!(ranges.allows(ip("2001:db8:1::1")) && !ranges.allows(ip("2001:db9::1")));
    for bad in ["185.40.108.0/33", "nowhere", "1.2.3.4/x"] {
        assert!(SourceRanges::parse([bad]).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_callback_is_believed_only_as_read_back() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let context = common::context(&sandbox, ContextOptions::new()).await;
    let account = common::first_account(&context).await.id;
    common::fund(&context, account, "20.00").await;
    let me = context.me().unwrap();
    let pay = common::payment("7.40", Pointer::email("sugardaddy@bunq.com"), "coffee");
    let id = me.monetary_account(account).payments().create(&pay).await.unwrap();

    // A callback claiming a different amount for this payment: the signed API has the truth.
    let forged = String::from_utf8(fixture("payment_mutation.json"))
        .unwrap()
        .replace("\"id\": 4471", &format!("\"id\": {}", *id))
        .replace("\"monetary_account_id\": 312", &format!("\"monetary_account_id\": {}", *account))
        .replace("-7.40", "-700.00");
    let notification = Notification::parse(forged.as_bytes()).unwrap();
    let CallbackObject::Payment(read) = notification.read_back(&context).await.unwrap() else { panic!() };
    assert_eq!((read.id, read.amount), (id, Some(Amount::eur(Decimal::new(-740, 2)))));

    // A callback for an object that does not exist.
    let missing = forged.replace(&format!("\"id\": {}", *id), "\"id\": 987654");
    let error = Notification::parse(missing.as_bytes()).unwrap().read_back(&context).await.unwrap_err();
    assert!(error.is_not_found(), "{error}");
    // One whose type cannot be read back.
    let unknown = Notification::parse(&fixture("unknown_object.json")).unwrap();
    assert!(unknown.read_back(&context).await.unwrap_err().to_string().contains("cannot be read back"));
}

#[cfg(feature = "callback-listener")]
#[tokio::test]
async fn the_listener_takes_deliveries_over_http() {
    use bunq_api::callbacks::Listener;
    let loopback = SourceRanges::parse(["127.0.0.1"]).unwrap();
    let mut listener = Listener::bind("127.0.0.1:0".parse().unwrap(), Receiver::from_sources(loopback)).await.unwrap();
    let url = format!("http://{}/bunq", listener.local_addr());
    let http = reqwest::Client::new();
    let deliver = |body: Vec<u8>| http.post(&url).body(body).send();
    assert_eq!(deliver(fixture("payment_mutation.json")).await.unwrap().status(), 200);
    assert_eq!(deliver(fixture("payment_mutation.json")).await.unwrap().status(), 200, "a retry is answered");
    assert_eq!(deliver(b"{}".to_vec()).await.unwrap().status(), 400);
    let notification = listener.next().await.unwrap();
    assert_eq!(notification.event_type, "MUTATION_CREATED");
    assert!(tokio::time::timeout(std::time::Duration::from_millis(200), listener.next()).await.is_err(), "once");

    // A listener for bunq's production range refuses this machine: a spoofed source.
    let mut strict = Listener::bind("127.0.0.1:0".parse().unwrap(), Receiver::new()).await.unwrap();
    let url = format!("http://{}/bunq", strict.local_addr());
    assert_eq!(http.post(&url).body(fixture("payment_mutation.json")).send().await.unwrap().status(), 403);
    assert!(tokio::time::timeout(std::time::Duration::from_millis(200), strict.next()).await.is_err());
}

mod delivery {
    //! The sandbox delivers callbacks as bunq does, over real HTTP on 127.0.0.1: a notification
    //! filter's target gets bunq's `NotificationUrl` payload (bunq's JSON bytes) for the events of
    //! its category, the payer's and the receiver's; failed deliveries are tried again by the
    //! configured rule and never hold up the API; targets bunq would refuse are refused.

    use crate::common;

    use crate::common::api::Api;
    use bunq_api::callbacks::{self, CallbackObject, Category, Listener, Notification, Receiver, SourceRanges};
    use bunq_api::types::{Amount, NewDraftPayment, NewDraftPaymentEntry, Pointer};
    use bunq_sandbox::{CallbackRetry, SandboxConfig};
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
            [
                ("MUTATION".to_owned(), "MUTATION_CREATED".to_owned()),
                ("PAYMENT".to_owned(), "PAYMENT_CREATED".to_owned())
            ]
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

        let to = Pointer::iban("NL91ABNA0417164300", "Elsewhere");
        let entry = NewDraftPaymentEntry::new(Amount::eur(1), to).with_description("draft");
        let draft = NewDraftPayment::new(vec![entry], 1);
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
        assert_eq!(
            (notification.category, notification.event_type.as_str()),
            (Category::Mutation, "MUTATION_RECEIVED")
        );
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
}
