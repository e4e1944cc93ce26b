//! The embedded sandbox on the wire: raw HTTP requests, signed by hand, no `ApiContext`.

use crate::common;

use bunq_api::headers;
use bunq_api::keys::{PrivateKey, PublicKey};
use bunq_api::signing::{self, ResponseScheme};
use bunq_api::types;
use bunq_sandbox::{Sandbox, SandboxConfig};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The fixed test key from tests/vectors if there is one, else one generated per test run.
fn client_key() -> PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/keys/client.pem");
        match std::fs::read_to_string(path) {
            Ok(pem) => PrivateKey::from_pem(&pem).expect("client key"),
            Err(_) => PrivateKey::generate().expect("key generation"),
        }
    })
    .clone()
}

/// How to sign a request.
#[derive(Clone, Copy, PartialEq)]
enum Sign {
    Right,
    Missing,
    Wrong,
}

/// One raw request.
struct Req<'a> {
    method: Method,
    path: String,
    token: Option<&'a str>,
    body: Vec<u8>,
    sign: Sign,
    request_id: Option<String>,
    content_type: bool,
}

fn req<'a>(method: Method, path: impl Into<String>) -> Req<'a> {
    Req {
        method,
        path: path.into(),
        token: None,
        body: Vec::new(),
        sign: Sign::Right,
        request_id: Some(headers::new_request_id()),
        content_type: true,
    }
}

impl<'a> Req<'a> {
    fn token(mut self, token: &'a str) -> Self {
        self.token = Some(token);
        self
    }
    fn json(mut self, value: Value) -> Self {
        self.body = serde_json::to_vec(&value).unwrap();
        self
    }
    fn raw(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
    fn sign(mut self, sign: Sign) -> Self {
        self.sign = sign;
        self
    }
}

/// An answer with its parts.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    fn decode<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn json(&self) -> Value {
        self.decode()
    }
    /// The first error description.
    fn error(&self) -> String {
        self.decode::<types::ErrorResponse>().error[0].error_description.clone()
    }
    /// Verifies the signature over the body with `key`.
    fn verify(&self, key: &PublicKey) -> Result<(), signing::SignatureError> {
        let signature = self.header(headers::SERVER_SIGNATURE).ok_or(signing::SignatureError::Missing)?;
        signing::verify(key, &self.body, signature)
    }
    fn expect(self, status: u16) -> Self {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        self
    }
}

/// A raw client on one sandbox.
struct Raw {
    http: reqwest::Client,
    base: String,
    key: PrivateKey,
}

impl Raw {
    fn new(sandbox: &Sandbox) -> Self {
        let base = sandbox.base_url();
        assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/v1/"), "{base}");
        Raw { http: reqwest::Client::new(), base: base.trim_end_matches("/v1/").to_owned(), key: client_key() }
    }

    async fn try_send(&self, r: Req<'_>) -> reqwest::Result<Answer> {
        let mut builder = self.http.request(r.method, format!("{}{}", self.base, r.path));
        builder = builder.header("User-Agent", "sandbox-wire-test").header("Cache-Control", "no-cache");
        if r.content_type && !r.body.is_empty() {
            builder = builder.header("Content-Type", "application/json");
        }
        if let Some(id) = &r.request_id {
            builder = builder.header(headers::REQUEST_ID, id);
        }
        if let Some(token) = r.token {
            builder = builder.header(headers::AUTHENTICATION, token);
            match r.sign {
                Sign::Right => builder = builder.header(headers::CLIENT_SIGNATURE, signing::sign(&self.key, &r.body)),
                Sign::Wrong => {
                    let other = [r.body.as_slice(), b" "].concat();
                    builder = builder.header(headers::CLIENT_SIGNATURE, signing::sign(&self.key, &other));
                }
                Sign::Missing => {}
            }
        }
        let response = builder.body(r.body).send().await?;
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let body = response.bytes().await?.to_vec();
        // bunq writes JSON in ASCII: everything else as \uXXXX escapes.
        assert!(body.is_ascii(), "a byte above 0x7F in {}", String::from_utf8_lossy(&body));
        Ok(Answer { status, headers, body })
    }

    async fn send(&self, r: Req<'_>) -> Answer {
        self.try_send(r).await.expect("an answer")
    }
}

/// A user with installation, device and session, made with raw calls.
struct Ctx {
    raw: Raw,
    installation_token: String,
    server_key: PublicKey,
    session: String,
    user: i64,
    account: i64,
}

impl Ctx {
    async fn get(&self, path: &str) -> Answer {
        self.raw.send(req(Method::GET, path).token(&self.session)).await
    }
    async fn post(&self, path: &str, body: Value) -> Answer {
        self.raw.send(req(Method::POST, path).token(&self.session).json(body)).await
    }
    fn account_path(&self, rest: &str) -> String {
        format!("/v1/user/{}/monetary-account/{}/{rest}", self.user, self.account)
    }
    async fn balance(&self) -> String {
        let path = format!("/v1/user/{}/monetary-account-bank/{}", self.user, self.account);
        let answer = self.get(&path).await.expect(200);
        let account = &answer.decode::<types::MonetaryAccountBankResponse>().response[0].monetary_account_bank;
        account.balance.as_ref().unwrap().value.clone()
    }
    async fn fund(&self, value: &str) -> Value {
        let body = json!({"amount_inquired": {"value": value, "currency": "EUR"},
            "counterparty_alias": {"type": "EMAIL", "value": "sugardaddy@bunq.com"}, "description": "funds"});
        let id =
            self.post(&self.account_path("request-inquiry"), body).await.expect(200).json()["Response"][0]["Id"]["id"]
                .clone();
        let inquiry = self.get(&self.account_path(&format!("request-inquiry/{id}"))).await.expect(200);
        inquiry.json()["Response"][0]["RequestInquiry"].clone()
    }
    async fn pay(&self, value: &str, to: Value, description: &str) -> Answer {
        let body = json!({"amount": {"value": value, "currency": "EUR"}, "counterparty_alias": to, "description": description});
        self.post(&self.account_path("payment"), body).await
    }
    /// The user's email alias.
    async fn email(&self) -> String {
        let user = self.get(&format!("/v1/user/{}", self.user)).await.expect(200).decode::<types::UserResponse>();
        let types::User::UserPerson(person) = &user.response[0] else { panic!("a person") };
        person.alias.iter().find(|a| a.type_ == types::PointerType::Email).unwrap().value.clone()
    }
}

/// Installation, device and session for a new sandbox user, every answer verified.
async fn context(sandbox: &Sandbox) -> Ctx {
    let raw = Raw::new(sandbox);
    let created = raw.send(req(Method::POST, "/v1/sandbox-user-person")).await.expect(200);
    let api_key = created.decode::<types::SandboxUserPersonCreated>().response[0].api_key.api_key.clone().unwrap();
    assert!(api_key.starts_with("sandbox_") && api_key.len() == 8 + 64, "{api_key}");

    let pem = raw.key.public_key().to_pem().unwrap();
    let installed = raw.send(req(Method::POST, "/v1/installation").json(json!({"client_public_key": pem}))).await;
    let items = installed.expect(200).decode::<types::InstallationCreated>().response;
    let (mut token, mut server_key) = (None, None);
    for item in items {
        match item {
            types::InstallationCreatedItem::Token(t) => token = Some(t.token),
            types::InstallationCreatedItem::ServerPublicKey(k) => server_key = Some(k.server_public_key),
            types::InstallationCreatedItem::Id(_) => {}
        }
    }
    let (installation_token, server_key) = (token.unwrap(), PublicKey::from_pem(&server_key.unwrap()).unwrap());

    let device = json!({"description": "wire test", "secret": api_key, "permitted_ips": ["*"]});
    let answer = raw.send(req(Method::POST, "/v1/device-server").token(&installation_token).json(device)).await;
    answer.verify(&server_key).unwrap();
    answer.expect(200).decode::<types::DeviceServerCreated>();

    let answer = raw
        .send(req(Method::POST, "/v1/session-server").token(&installation_token).json(json!({"secret": api_key})))
        .await;
    answer.verify(&server_key).unwrap();
    let items = answer.expect(200).decode::<types::SessionServerCreated>().response;
    let (mut session, mut user) = (None, None);
    for item in items {
        match item {
            types::SessionServerCreatedItem::Token(t) => session = Some(t.token),
            types::SessionServerCreatedItem::UserPerson(p) => {
                assert_eq!(p.status, Some(types::UserPersonStatus::Active));
                assert!(p.session_timeout.unwrap() > 0);
                let kinds: Vec<&str> = p.alias.iter().map(|a| a.type_.as_str()).collect();
                assert_eq!(kinds, ["EMAIL", "PHONE_NUMBER", "IBAN"]);
                user = Some(*p.id);
            }
            _ => {}
        }
    }
    let (session, user) = (session.unwrap(), user.unwrap());
    let answer = raw.send(req(Method::GET, format!("/v1/user/{user}/monetary-account")).token(&session)).await;
    answer.verify(&server_key).unwrap();
    let listing = answer.expect(200).decode::<types::MonetaryAccountListing>();
    let types::MonetaryAccount::MonetaryAccountBank(account) = &listing.response[0] else { panic!("a bank account") };
    assert_eq!(account.balance.as_ref().unwrap().value, "0.00");
    let account = *account.id;
    Ctx { raw, installation_token, server_key, session, user, account }
}

async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start_with(config).await.expect("sandbox starts")
}

#[tokio::test]
async fn a_context_made_by_hand_lists_its_account_and_every_answer_is_signed() {
    let sandbox = start(SandboxConfig::default()).await;
    let ctx = context(&sandbox).await;
    let id = headers::new_request_id();
    let mut r = req(Method::GET, format!("/v1/user/{}/monetary-account-bank", ctx.user)).token(&ctx.session);
    r.request_id = Some(id.clone());
    let answer = ctx.raw.send(r).await.expect(200);
    answer.verify(&ctx.server_key).unwrap();
    assert_eq!(answer.header(headers::REQUEST_ID), Some(id.as_str()));
    assert_eq!(answer.header(headers::RESPONSE_ID).map(str::len), Some(36));
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let listing = answer.decode::<types::MonetaryAccountBankListing>();
    let account = &listing.response[0].monetary_account_bank;
    let iban = account.alias.iter().find(|a| a.type_ == types::PointerType::Iban).unwrap();
    assert!(iban.value.starts_with("NL") && iban.value[4..].starts_with("BUNQ20"), "{}", iban.value);
    assert_eq!(account.status, Some(types::MonetaryAccountStatus::Active));
    assert_eq!(account.currency.as_deref(), Some("EUR"));
    assert!(listing.pagination.is_some());
    // Context reads.
    for path in ["/v1/installation", "/v1/device-server", "/v1/user"] {
        ctx.get(path).await.expect(200).verify(&ctx.server_key).unwrap();
    }
    let installation = ctx.get("/v1/installation").await.decode::<types::InstallationIdListing>().response[0].id.id;
    let key = ctx.get(&format!("/v1/installation/{installation}/server-public-key")).await.expect(200);
    let pem = &key.decode::<types::ServerPublicKeyListing>().response[0].server_public_key.server_public_key;
    assert_eq!(&PublicKey::from_pem(pem).unwrap(), &ctx.server_key);
    let stats = sandbox.stats();
    assert_eq!((stats.installations, stats.session_server_calls, stats.sessions_opened), (1, 1, 1));
    // A user id that is not the session's, e.g. the account id, is not found.
    ctx.get(&format!("/v1/user/{}/monetary-account", ctx.account)).await.expect(404);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn tokens_are_checked() {
    let sandbox = start(SandboxConfig::default()).await;
    let ctx = context(&sandbox).await;
    let path = format!("/v1/user/{}", ctx.user);
    let cases = [
        ("no token", ctx.raw.send(req(Method::GET, path.clone())).await),
        ("unknown token", ctx.raw.send(req(Method::GET, path.clone()).token("0123abcd")).await),
        ("installation token", ctx.raw.send(req(Method::GET, path.clone()).token(&ctx.installation_token)).await),
        (
            "session token on session-server",
            ctx.raw
                .send(req(Method::POST, "/v1/session-server").token(&ctx.session).json(json!({"secret": "x"})))
                .await,
        ),
    ];
    for (name, answer) in cases {
        assert_eq!(answer.status, 401, "{name}");
        answer.verify(&ctx.server_key).unwrap_or_else(|e| panic!("{name}: errors are signed too: {e}"));
        assert!(!answer.error().is_empty(), "{name}");
    }
    // A device for a key the sandbox never issued.
    let device = json!({"description": "x", "secret": "sandbox_not-a-key"});
    let answer = ctx.raw.send(req(Method::POST, "/v1/device-server").token(&ctx.installation_token).json(device)).await;
    assert!(answer.expect(400).error().contains("API key"));
    // A closed session is gone.
    let answer = ctx.raw.send(req(Method::DELETE, "/v1/session/0").token(&ctx.session)).await.expect(200);
    assert_eq!(answer.json(), json!({"Response": []}));
    ctx.get(&path).await.expect(401);
}

#[tokio::test]
async fn client_signatures_are_required() {
    let sandbox = start(SandboxConfig::default()).await;
    let ctx = context(&sandbox).await;
    let path = format!("/v1/user/{}", ctx.user);
    for sign in [Sign::Missing, Sign::Wrong] {
        let answer = ctx.raw.send(req(Method::GET, path.clone()).token(&ctx.session).sign(sign)).await;
        answer.verify(&ctx.server_key).unwrap();
        assert!(!answer.expect(466).error().is_empty());
    }
    let payment = json!({"amount": {"value": "1.00", "currency": "EUR"},
        "counterparty_alias": {"type": "EMAIL", "value": "sugardaddy@bunq.com"}, "description": "x"});
    let r = req(Method::POST, ctx.account_path("payment")).token(&ctx.session).json(payment).sign(Sign::Wrong);
    ctx.raw.send(r).await.expect(466);
    assert_eq!(sandbox.stats().rejected_signatures, 3);

    let lax = start(SandboxConfig::default().require_signatures(false)).await;
    let ctx = context(&lax).await;
    ctx.raw
        .send(req(Method::GET, format!("/v1/user/{}", ctx.user)).token(&ctx.session).sign(Sign::Missing))
        .await
        .expect(200);
}

#[tokio::test]
async fn request_ids_are_single_use() {
    let sandbox = start(SandboxConfig::default()).await;
    let ctx = context(&sandbox).await;
    let path = format!("/v1/user/{}", ctx.user);
    let id = headers::new_request_id();
    let with_id = |id: Option<String>| {
        let mut r = req(Method::GET, path.clone()).token(&ctx.session);
        r.request_id = id;
        r
    };
    ctx.raw.send(with_id(Some(id.clone()))).await.expect(200);
    let again = ctx.raw.send(with_id(Some(id.clone()))).await.expect(400);
    again.verify(&ctx.server_key).unwrap();
    assert!(again.error().contains(&id));
    ctx.raw.send(with_id(None)).await.expect(200);
    ctx.raw.send(with_id(None)).await.expect(200);
}

#[tokio::test]
async fn legacy_signatures_cover_status_headers_and_body() {
    let sandbox = start(SandboxConfig::default().legacy_signatures(true)).await;
    let raw = Raw::new(&sandbox);
    let pem = raw.key.public_key().to_pem().unwrap();
    let answer = raw.send(req(Method::POST, "/v1/installation").json(json!({"client_public_key": pem}))).await;
    let server_key = answer.json()["Response"][2]["ServerPublicKey"]["server_public_key"].as_str().unwrap().to_owned();
    let server_key = PublicKey::from_pem(&server_key).unwrap();
    let token = answer.json()["Response"][1]["Token"]["token"].as_str().unwrap().to_owned();
    let answer = raw
        .send(req(Method::POST, "/v1/device-server").token(&token).json(json!({"secret": "nope", "description": "x"})))
        .await;
    assert_eq!(answer.status, 400);
    let pairs: Vec<(&str, &str)> =
        answer.headers.iter().filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?))).collect();
    let verdict = signing::verify_response(
        &server_key,
        answer.status,
        pairs.iter().copied(),
        &answer.body,
        answer.header(headers::SERVER_SIGNATURE),
    );
    assert_eq!(verdict, Ok(ResponseScheme::Legacy));
    assert!(answer.verify(&server_key).is_err(), "not a body-only signature");
}

#[tokio::test]
async fn bodies_are_read_as_bytes_and_hostile_ones_refused() {
    let sandbox = start(SandboxConfig::default()).await;
    let ctx = context(&sandbox).await;
    ctx.fund("10.00").await;
    // No Content-Type, odd whitespace: fine, as long as the signature covers these exact bytes.
    let odd = "\n {  \"amount\" :{\"value\":\"1.50\" ,\"currency\":\"EUR\"},\r\n\t\"counterparty_alias\":{\"type\":\"EMAIL\",\"value\":\"sugardaddy@bunq.com\"} ,\"description\":\"odd\"}  \n";
    let mut r = req(Method::POST, ctx.account_path("payment")).token(&ctx.session).raw(odd);
    r.content_type = false;
    ctx.raw.send(r).await.expect(200);
    assert_eq!(ctx.balance().await, "8.50");

    let big = vec![b' '; 2 << 20];
    let answer = ctx.raw.send(req(Method::POST, ctx.account_path("payment")).token(&ctx.session).raw(big)).await;
    answer.verify(&ctx.server_key).unwrap();
    assert!(answer.expect(400).error().contains("larger"));
    for bad in [&b"{\"amount\":"[..], b"[]", b"{\"amount\":{\"value\":1,\"currency\":\"EUR\"}}", b"\xff\xfe"] {
        let answer = ctx.raw.send(req(Method::POST, ctx.account_path("payment")).token(&ctx.session).raw(bad)).await;
        answer.verify(&ctx.server_key).unwrap();
        answer.expect(400);
    }
    for (value, status) in [("1.234", 400), ("abc", 400), ("-1.00", 490), ("0.00", 490)] {
        let to = json!({"type": "EMAIL", "value": "sugardaddy@bunq.com"});
        assert_eq!(ctx.pay(value, to, "x").await.status, status, "{value}");
    }
    let answer = ctx.raw.send(req(Method::POST, "/v1/installation").json(json!({"client_public_key": "nope"}))).await;
    answer.expect(400);
    let nothing = ctx.raw.send(req(Method::GET, "/v1/nothing-here").token(&ctx.session)).await.expect(404);
    nothing.verify(&ctx.server_key).unwrap();
    assert!(!nothing.error().is_empty());
    let wrong = ctx.raw.send(req(Method::PUT, "/v1/installation")).await.expect(405);
    assert_eq!(wrong.header("allow"), Some("POST, GET"));
    // Still serving.
    assert_eq!(ctx.balance().await, "8.50");
}

#[tokio::test]
async fn twenty_five_payments_page_as_ten_ten_five() {
    let sandbox = start(SandboxConfig::default()).await;
    let (payer, payee) = (context(&sandbox).await, context(&sandbox).await);
    payer.fund("100.00").await;
    let to = json!({"type": "EMAIL", "value": payee.email().await});
    let mut ids = Vec::new();
    for n in 0..25 {
        let answer = payer.pay("0.10", to.clone(), &format!("payment {n}")).await.expect(200);
        ids.push(answer.decode::<types::PaymentCreated>().response[0].id.id);
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase");
    assert_eq!(sandbox.stats().payments, 25);
    let base = payee.account_path("payment");
    let mut url = format!("{base}?count=10");
    let mut pages = Vec::new();
    let mut seen = Vec::new();
    loop {
        let listing = payee.get(&url).await.expect(200).decode::<types::PaymentListing>();
        let pagination = listing.pagination.clone().unwrap();
        let page: Vec<i64> = listing.response.iter().map(|p| *p.payment.id).collect();
        assert!(page.windows(2).all(|w| w[0] > w[1]), "newest first");
        assert!(listing.response.iter().all(|p| p.payment.amount.as_ref().unwrap().value == "0.10"));
        if pages.is_empty() {
            assert_eq!(pagination.newer_url, None);
            assert_eq!(pagination.future_url, Some(format!("{base}?count=10&newer_id={}", page[0])));
        } else {
            assert_eq!(pagination.newer_url, Some(format!("{base}?count=10&newer_id={}", page[0])));
            assert_eq!(pagination.future_url, None);
        }
        pages.push(page.len());
        seen.extend(page.iter().copied());
        match pagination.older_url {
            Some(older) => {
                assert_eq!(older, format!("{base}?count=10&older_id={}", page.last().unwrap()));
                url = older;
            }
            None => break,
        }
    }
    assert_eq!(pages, [10, 10, 5]);
    assert_eq!(seen.len(), 25);
    // Paging forward from the oldest gives the ten after it.
    let forward = payee.get(&format!("{base}?count=10&newer_id={}", seen[24])).await.decode::<types::PaymentListing>();
    assert_eq!(forward.response.len(), 10);
    assert_eq!(*forward.response[9].payment.id, seen[23]);
    payee.get(&format!("{base}?count=201")).await.expect(400);
}

#[tokio::test]
async fn sugardaddy_funds_and_payments_move_money_on_both_sides() {
    let sandbox = start(SandboxConfig::default()).await;
    let (alice, bob) = (context(&sandbox).await, context(&sandbox).await);
    let inquiry = alice.fund("100.00").await;
    assert_eq!(inquiry["status"], "ACCEPTED");
    assert_eq!(alice.balance().await, "100.00");
    assert_eq!(alice.fund("500.01").await["status"], "REJECTED");
    assert_eq!(alice.balance().await, "100.00");

    let answer = alice.pay("150.00", json!({"type": "EMAIL", "value": bob.email().await}), "too much").await;
    assert!(answer.expect(490).error().contains("nsufficient"));
    let unknown = alice.pay("1.00", json!({"type": "EMAIL", "value": "nobody@example.org"}), "who").await;
    assert!(!unknown.expect(490).error().is_empty());

    let answer = alice.pay("12.34", json!({"type": "EMAIL", "value": bob.email().await}), "lunch").await.expect(200);
    let id = answer.decode::<types::PaymentCreated>().response[0].id.id;
    let sent = alice.get(&alice.account_path(&format!("payment/{id}"))).await.expect(200);
    let sent = sent.decode::<types::PaymentResponse>().response.remove(0).payment;
    assert_eq!(sent.amount.as_ref().unwrap().value, "-12.34");
    assert_eq!(sent.balance_after_mutation.as_ref().unwrap().value, "87.66");
    assert_eq!(sent.description.as_deref(), Some("lunch"));
    assert_eq!(sent.sub_type, Some(types::PaymentSubType::Payment));
    let created = sent.created.as_deref().unwrap();
    assert_eq!((created.len(), &created[10..11], &created[19..20]), (26, " ", "."), "{created}");
    let bob_iban = sent.counterparty_alias.as_ref().unwrap().iban.clone().unwrap();

    let received = bob.get(&bob.account_path("payment")).await.decode::<types::PaymentListing>();
    let received = &received.response[0].payment;
    assert_eq!(received.amount.as_ref().unwrap().value, "12.34");
    assert_eq!(received.description.as_deref(), Some("lunch"));
    assert_eq!(received.alias.as_ref().unwrap().iban.as_deref(), Some(bob_iban.as_str()));
    assert_eq!(bob.balance().await, "12.34");
    assert_eq!(alice.balance().await, "87.66");

    // Bob pays back by IBAN; an IBAN outside the sandbox takes money out.
    let alice_iban = sent.alias.as_ref().unwrap().iban.clone().unwrap();
    bob.pay("2.34", json!({"type": "IBAN", "value": alice_iban, "name": "Alice"}), "back").await.expect(200);
    alice
        .pay("10.00", json!({"type": "IBAN", "value": "NL91ABNA0417164300", "name": "Elsewhere"}), "out")
        .await
        .expect(200);
    assert_eq!((alice.balance().await, bob.balance().await), ("80.00".to_owned(), "10.00".to_owned()));

    // A batch is all or nothing.
    let one = json!({"amount": {"value": "50.00", "currency": "EUR"},
        "counterparty_alias": {"type": "EMAIL", "value": "sugardaddy@bunq.com"}, "description": "b"});
    alice.post(&alice.account_path("payment-batch"), json!({"payments": [one, one]})).await.expect(490);
    assert_eq!(alice.balance().await, "80.00");
    let batch = alice.post(&alice.account_path("payment-batch"), json!({"payments": [one]})).await.expect(200);
    let batch = batch.decode::<types::PaymentBatchCreated>().response[0].id.id;
    let read = alice.get(&alice.account_path(&format!("payment-batch/{batch}"))).await.expect(200);
    assert_eq!(read.decode::<types::PaymentBatchResponse>().response[0].payment_batch.payments.len(), 1);
    assert_eq!(
        alice.get(&alice.account_path("payment-batch")).await.decode::<types::PaymentBatchListing>().response.len(),
        1
    );
    assert_eq!(alice.balance().await, "30.00");
}

#[tokio::test]
async fn faults_do_what_they_say() {
    let sandbox = start(SandboxConfig::default()).await;
    let ctx = context(&sandbox).await;
    let faults = sandbox.faults();
    let path = format!("/v1/user/{}", ctx.user);
    let good = |a: &Answer| a.status == 200 && a.verify(&ctx.server_key).is_ok();

    faults.tamper_body(1);
    let answer = ctx.get(&path).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.verify(&ctx.server_key), Err(signing::SignatureError::Invalid));
    assert!(serde_json::from_slice::<Value>(&answer.body).is_ok(), "still JSON");
    assert!(good(&ctx.get(&path).await), "one response only");

    faults.sign_with_wrong_key(2);
    for _ in 0..2 {
        assert_eq!(ctx.get(&path).await.verify(&ctx.server_key), Err(signing::SignatureError::Invalid));
    }
    assert!(good(&ctx.get(&path).await));

    faults.drop_signature(1);
    assert_eq!(ctx.get(&path).await.header(headers::SERVER_SIGNATURE), None);

    faults.fail(503, 1);
    let answer = ctx.get(&path).await.expect(503);
    answer.verify(&ctx.server_key).unwrap();
    assert!(!answer.error().is_empty());
    faults.fail_unsigned(429, 1);
    let answer = ctx.get(&path).await.expect(429);
    assert_eq!(answer.header(headers::SERVER_SIGNATURE), None);
    assert!(!answer.error().is_empty(), "bunq's error JSON");
    faults.gateway_error(503, 1);
    let answer = ctx.get(&path).await.expect(503);
    assert_eq!(answer.header(headers::SERVER_SIGNATURE), None);
    assert_eq!(answer.header("content-type"), Some("text/html"));
    assert!(String::from_utf8_lossy(&answer.body).contains("<html>"));
    // Scoped faults count only their kind of call.
    faults.reads().drop_signature(1);
    let inquiry = json!({"amount_inquired": {"value": "1.00", "currency": "EUR"},
        "counterparty_alias": {"type": "EMAIL", "value": "sugardaddy@bunq.com"}, "description": "scoped"});
    ctx.post(&ctx.account_path("request-inquiry"), inquiry).await.expect(200).verify(&ctx.server_key).unwrap();
    assert_eq!(ctx.get(&path).await.header(headers::SERVER_SIGNATURE), None);
    assert!(good(&ctx.get(&path).await));
    faults.fail(491, 1);
    ctx.get(&path).await.expect(491);

    faults.delay(Duration::from_millis(300), 1);
    let started = Instant::now();
    assert!(good(&ctx.get(&path).await));
    assert!(started.elapsed() >= Duration::from_millis(300));

    // The write happens; its answer never comes.
    ctx.fund("5.00").await;
    faults.reset_connection(1);
    let to = json!({"type": "EMAIL", "value": "sugardaddy@bunq.com"});
    let body = json!({"amount": {"value": "1.00", "currency": "EUR"}, "counterparty_alias": to, "description": "lost"});
    let lost = ctx.raw.try_send(req(Method::POST, ctx.account_path("payment")).token(&ctx.session).json(body)).await;
    assert!(lost.is_err(), "{lost:?}");
    assert_eq!(ctx.balance().await, "5.00");

    // The write happens; its answer is replaced by an unsigned 429.
    faults.forge_after_executing(429, 1);
    let body =
        json!({"amount": {"value": "1.00", "currency": "EUR"}, "counterparty_alias": to, "description": "forged"});
    let forged = ctx.raw.send(req(Method::POST, ctx.account_path("payment")).token(&ctx.session).json(body)).await;
    assert_eq!(forged.expect(429).header(headers::SERVER_SIGNATURE), None);
    assert_eq!(ctx.balance().await, "4.00");

    // Calls without a token are never hit.
    faults.fail(500, 1);
    ctx.raw.send(req(Method::POST, "/v1/sandbox-user-person")).await.expect(200);
    faults.clear();
    assert!(good(&ctx.get(&path).await));

    faults.expire_sessions();
    ctx.get(&path).await.expect(401).verify(&ctx.server_key).unwrap();
}

#[tokio::test]
async fn short_sessions_expire_and_rate_limits_answer_429() {
    let sandbox = start(SandboxConfig::default().session_timeout(Duration::from_secs(1)).rate_limits(true)).await;
    let ctx = context(&sandbox).await;
    let path = format!("/v1/user/{}", ctx.user);
    // context() made one GET (accounts); two more fit in the window, the next is refused.
    let statuses = [ctx.get(&path).await.status, ctx.get(&path).await.status, ctx.get(&path).await.status];
    assert_eq!(statuses, [200, 200, 200]);
    // bunq's rate limiter sits in front of the API: its 429 is not signed.
    let refused = ctx.get(&path).await.expect(429);
    assert_eq!(refused.header(headers::SERVER_SIGNATURE), None);
    assert_eq!(refused.header(headers::RESPONSE_ID), None);
    // Another endpoint has its own window.
    ctx.get("/v1/user").await.expect(200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    ctx.get("/v1/user").await.expect(401);
}

#[tokio::test]
async fn a_small_client_key_is_refused() {
    let sandbox = start(SandboxConfig::default()).await;
    let raw = Raw::new(&sandbox);
    // A 1024-bit key (SubjectPublicKeyInfo PEM made with openssl).
    let small = concat!(
        "-----BEGIN PUBLIC KEY-----\n",
        "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCcFJDPtQHPuQvO68Dh5GPEp9Ed\n",
        "GDkGen924aCk91roPCYki2We3mmL2LT2gPN8JK5ep5b4EsJJ8vkfId1JlQeYpsIh\n",
        "5RcrE1zv/Q4cYthB6VUf8aPy81T1QlVWM9fEjI5n47pxSH7vPTQgOJBNNH/7j0NS\n",
        "qTeWbUgnf/6c354HCwIDAQAB\n",
        "-----END PUBLIC KEY-----\n"
    );
    let answer = raw.send(req(Method::POST, "/v1/installation").json(json!({"client_public_key": small}))).await;
    let answer = answer.expect(400);
    assert!(answer.error().contains("1024 bits"), "{}", answer.error());
    assert_eq!(sandbox.stats().installations, 0);
}

/// The runner prints the base URL as its first line, then serves.
#[tokio::test]
async fn the_runner_prints_its_base_url_first() {
    let (base, mut child) = common::start_runner(&["--session-timeout", "60"]);
    let http = reqwest::Client::new();
    let created = http.post(format!("{base}sandbox-user-person")).send().await;
    child.kill().ok();
    child.wait().ok();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/v1/"), "{base:?}");
    assert_eq!(created.unwrap().status().as_u16(), 200);
}

/// Rough throughput of signed reads on 2 connections at a time (`-- --ignored --nocapture`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check"]
async fn throughput() {
    let sandbox = start(SandboxConfig::default()).await;
    let ctx = std::sync::Arc::new(context(&sandbox).await);
    let (started, window) = (Instant::now(), Duration::from_secs(3));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let ctx = ctx.clone();
        tasks.push(tokio::spawn(async move {
            let (path, mut n) = (format!("/v1/user/{}/monetary-account-bank", ctx.user), 0u32);
            while started.elapsed() < window {
                ctx.get(&path).await.expect(200);
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    let rate = f64::from(total) / started.elapsed().as_secs_f64();
    eprintln!("{total} signed requests (client signs, sandbox verifies and signs) in 3 s: {rate:.0}/s");
}
