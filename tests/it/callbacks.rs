//! Callbacks: typed notifications from bunq's payloads, where they may come from, each event once,
//! the object read back through the signed API, and the listener over real HTTP.

mod common;

use bunq_api::ContextOptions;
use bunq_api::callbacks::{CallbackObject, Category, Notification, Receiver, Refused, SourceRanges};
use bunq_api::types::*;
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
    assert_eq!(payment.amount, Some(Amount::new("-7.40", "EUR")));
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
    assert_eq!((read.id, read.amount), (id, Some(Amount::new("-7.40", "EUR"))));

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
