//! What the protocol costs, as ratios against baselines measured in the same run.
//!
//! `cargo bench` — criterion measures; at the end a table prints each of our figures divided
//! by its baseline (the "limit": aws-lc-rs called directly, or bare reqwest with hand-written
//! signing and verification against the same in-process sandbox).

use aws_lc_rs::signature::{self as lc, KeyPair as _};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bunq_api::keys::{PrivateKey, PublicKey};
use bunq_api::types::*;
use bunq_api::{ApiContext, ContextOptions, Created, Decimal, Envelope, headers, signing};
use bunq_sandbox::{Sandbox, SandboxConfig};
use criterion::{BenchmarkId, Criterion, Throughput};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Runtime;

const BODY: &[u8] = br#"{"amount":{"value":"0.01","currency":"EUR"},"counterparty_alias":{"type":"EMAIL","value":"sugardaddy@bunq.com"},"description":"bench"}"#;

/// The same key for us and for the baseline.
struct Keys {
    ours: PrivateKey,
    ours_public: PublicKey,
    limit: lc::RsaKeyPair,
    limit_public: lc::ParsedPublicKey,
}

fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM base64")
}

fn keys() -> Keys {
    let ours = PrivateKey::generate().expect("key");
    let ours_public = ours.public_key();
    let limit = lc::RsaKeyPair::from_pkcs8(&pem_der(&ours.to_pem().unwrap())).expect("aws-lc key");
    let limit_public = lc::ParsedPublicKey::new(&lc::RSA_PKCS1_2048_8192_SHA256, limit.public_key().as_ref()).unwrap();
    Keys { ours, ours_public, limit, limit_public }
}

fn limit_sign(key: &lc::RsaKeyPair, data: &[u8]) -> String {
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(&lc::RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), data, &mut signature).unwrap();
    STANDARD.encode(signature)
}

fn limit_verify(key: &lc::ParsedPublicKey, data: &[u8], signature: &str) {
    let signature = STANDARD.decode(signature).unwrap();
    key.verify_sig(data, &signature).unwrap();
}

fn crypto(c: &mut Criterion, keys: &Keys) {
    let signature = signing::sign(&keys.ours, BODY);
    let mut group = c.benchmark_group("sign");
    group.bench_function("ours", |b| b.iter(|| signing::sign(&keys.ours, BODY)));
    group.bench_function("limit", |b| b.iter(|| limit_sign(&keys.limit, BODY)));
    group.finish();
    let mut group = c.benchmark_group("verify");
    group.bench_function("ours", |b| {
        b.iter(|| signing::verify_response(&keys.ours_public, 200, [], BODY, Some(&signature)).unwrap())
    });
    group.bench_function("limit", |b| b.iter(|| limit_verify(&keys.limit_public, BODY, &signature)));
    group.finish();
}

/// 200 payments as bunq lists them.
fn listing_bytes() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wire/payment_read.json");
    let one: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let item = one["Response"][0].clone();
    let items: Vec<_> = (0..200).map(|_| item.clone()).collect();
    let pagination = serde_json::json!({ "future_url": null, "newer_url": null, "older_url": "/v1/user/1/monetary-account/2/payment?count=200&older_id=1" });
    serde_json::to_vec(&serde_json::json!({ "Response": items, "Pagination": pagination })).unwrap()
}

fn decoding(c: &mut Criterion) {
    let bytes = listing_bytes();
    let mut group = c.benchmark_group("decode_200_payments");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("ours", |b| b.iter(|| serde_json::from_slice::<PaymentListing>(&bytes).unwrap()));
    group.bench_function("json_value", |b| b.iter(|| serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()));
    group.finish();
}

/// A context on the sandbox, with money, and what bare reqwest needs to make the same calls.
struct Wire {
    context: ApiContext,
    user: UserId,
    account: MonetaryAccountId,
    payment: PaymentId,
    base: String,
    http: reqwest::Client,
    session_token: String,
    signer: Arc<lc::RsaKeyPair>,
    server_key: Arc<lc::ParsedPublicKey>,
    empty_signature: String,
}

async fn wire(sandbox: &Sandbox, keys: &Keys) -> Wire {
    let api_key = sandbox.create_user().await;
    let options = ContextOptions::new().key(keys.ours.clone()).rate_limits(false).retry(bunq_api::RetryPolicy::none());
    let context = ApiContext::create_with(sandbox.environment(), api_key, "bench", &["*"], options).await.unwrap();
    let user = context.user_id().unwrap();
    let client = context.client();
    let account = client
        .list_monetary_account_banks(&user, None, None, None)
        .await
        .unwrap()
        .into_inner()
        .into_first()
        .unwrap()
        .id;
    for _ in 0..20 {
        let funds = NewRequestInquiry::new(Amount::eur(500), Pointer::email("sugardaddy@bunq.com"), "bench");
        client.create_request_inquiry(&user, &account, &funds).await.unwrap();
    }
    let pay = NewPayment::new(Amount::eur(Decimal::new(1, 2)), Pointer::email("sugardaddy@bunq.com"), "bench");
    let payment = client.create_payment(&user, &account, &pay).await.unwrap().into_inner().id().unwrap();
    // The bare client reads the tokens and keys from the saved context, as any other program could.
    let path = std::env::temp_dir().join(format!("bunq-api-bench-{}.json", std::process::id()));
    context.save(&path).unwrap();
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).ok();
    let server_key = PublicKey::from_pem(saved["server_public_key_pem"].as_str().unwrap()).unwrap();
    let server_der = pem_der(&server_key.to_pem().unwrap());
    Wire {
        context,
        user,
        account,
        payment,
        base: sandbox.base_url().trim_end_matches('/').to_owned(),
        http: reqwest::Client::new(),
        session_token: saved["session"]["token"].as_str().unwrap().to_owned(),
        signer: Arc::new(lc::RsaKeyPair::from_pkcs8(&pem_der(saved["private_key_pem"].as_str().unwrap())).unwrap()),
        server_key: Arc::new(lc::ParsedPublicKey::new(&lc::RSA_PKCS1_2048_8192_SHA256, &server_der).unwrap()),
        empty_signature: limit_sign(&keys.limit, b""),
    }
}

impl Wire {
    async fn ours_get(&self) {
        let response = self.context.client().get_payment(&self.user, &self.account, &self.payment).await.unwrap();
        assert_eq!(response.into_inner().into_first().unwrap().id, self.payment);
    }

    async fn ours_post(&self) {
        let body: NewPayment = serde_json::from_slice(BODY).unwrap();
        self.context.client().create_payment(&self.user, &self.account, &body).await.unwrap();
    }

    /// The same calls made by hand: headers, signature, verification, decoding.
    async fn bare(&self, method: reqwest::Method, path: &str, body: Option<&'static [u8]>) -> Vec<u8> {
        let signature = match body {
            Some(body) => limit_sign(&self.signer, body),
            None => self.empty_signature.clone(),
        };
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("cache-control", "no-cache")
            .header("user-agent", "bare-bench")
            .header(headers::LANGUAGE, "en_US")
            .header(headers::REGION, "nl_NL")
            .header(headers::GEOLOCATION, "0 0 0 0 NL")
            .header(headers::REQUEST_ID, headers::new_request_id())
            .header(headers::AUTHENTICATION, &self.session_token)
            .header(headers::CLIENT_SIGNATURE, signature);
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let server_signature = response.headers()[headers::SERVER_SIGNATURE].to_str().unwrap().to_owned();
        let bytes = response.bytes().await.unwrap();
        limit_verify(&self.server_key, &bytes, &server_signature);
        bytes.to_vec()
    }

    async fn bare_get(&self) {
        let path = format!("/user/{}/monetary-account/{}/payment/{}", self.user, self.account, self.payment);
        let bytes = self.bare(reqwest::Method::GET, &path, None).await;
        let payment = serde_json::from_slice::<PaymentResponse>(&bytes).unwrap().into_first().unwrap();
        assert_eq!(payment.id, self.payment);
    }

    async fn bare_post(&self) {
        let path = format!("/user/{}/monetary-account/{}/payment", self.user, self.account);
        let bytes = self.bare(reqwest::Method::POST, &path, Some(BODY)).await;
        serde_json::from_slice::<PaymentCreated>(&bytes).unwrap().id().unwrap();
    }
}

fn requests(c: &mut Criterion, runtime: &Runtime, wire: &Arc<Wire>) {
    let mut group = c.benchmark_group("get");
    group.bench_function("ours", |b| b.to_async(runtime).iter(|| wire.ours_get()));
    group.bench_function("bare", |b| b.to_async(runtime).iter(|| wire.bare_get()));
    group.finish();
    let mut group = c.benchmark_group("post");
    group.bench_function("ours", |b| b.to_async(runtime).iter(|| wire.ours_post()));
    group.bench_function("bare", |b| b.to_async(runtime).iter(|| wire.bare_post()));
    group.finish();
    for in_flight in [1usize, 8, 64] {
        let mut group = c.benchmark_group(format!("in_flight_{in_flight}"));
        group.throughput(Throughput::Elements(in_flight as u64));
        for (name, ours) in [("ours", true), ("bare", false)] {
            group.bench_with_input(BenchmarkId::from_parameter(name), &in_flight, |b, &n| {
                b.to_async(runtime).iter(|| async {
                    let calls = (0..n).map(|_| {
                        let wire = wire.clone();
                        tokio::spawn(async move { if ours { wire.ours_get().await } else { wire.bare_get().await } })
                    });
                    for call in calls.collect::<Vec<_>>() {
                        call.await.unwrap();
                    }
                })
            });
        }
        group.finish();
    }
}

/// Resident memory in KiB (Linux), for the flat-memory check.
fn resident_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

fn memory(runtime: &Runtime, wire: &Wire) -> Option<(u64, u64)> {
    runtime.block_on(async {
        for _ in 0..1_000 {
            wire.ours_get().await;
        }
        let after_1k = resident_kib()?;
        for _ in 0..9_000 {
            wire.ours_get().await;
        }
        Some((after_1k, resident_kib()?))
    })
}

/// Mean time per iteration of one benchmark, from criterion's estimates of this run.
fn mean_ns(group: &str, function: &str) -> Option<f64> {
    let path = Path::new("target/criterion").join(group).join(function).join("new/estimates.json");
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["mean"]["point_estimate"].as_f64()
}

fn report(memory: Option<(u64, u64)>) {
    println!("\n== ratios (this run; lower is better) ==");
    let line = |what: &str, ours: Option<f64>, base: Option<f64>, target: f64| match (ours, base) {
        (Some(ours), Some(base)) => {
            let ratio = ours / base;
            let verdict = if ratio <= target { "meets" } else { "MISSES" };
            println!("{what:<58} {ratio:>6.2}x   target <= {target:.2}x  {verdict}");
        }
        _ => println!("{what:<58}   (not measured in this run)"),
    };
    let sum = |a: Option<f64>, b: Option<f64>| Some(a? + b?);
    let post_crypto = sum(mean_ns("sign", "ours"), mean_ns("verify", "ours"));
    let limit_crypto = sum(mean_ns("sign", "limit"), mean_ns("verify", "limit"));
    line("signed POST: our sign+verify vs limit sign+verify", post_crypto, limit_crypto, 1.3);
    let get_ours = sum(mean_ns("verify", "ours"), mean_ns("decode_200_payments", "ours").map(|d| d / 200.0));
    let get_limit = sum(mean_ns("verify", "limit"), mean_ns("decode_200_payments", "ours").map(|d| d / 200.0));
    line("GET: our verify+decode vs limit verify+decode", get_ours, get_limit, 2.0);
    line("GET through our client vs bare reqwest, same server", mean_ns("get", "ours"), mean_ns("get", "bare"), 1.1);
    line("POST through our client vs bare reqwest, same server", mean_ns("post", "ours"), mean_ns("post", "bare"), 1.1);
    for n in [1, 8, 64] {
        let group = format!("in_flight_{n}");
        let what = format!("{n} in flight: time per batch, ours vs bare");
        line(&what, mean_ns(&group, "ours"), mean_ns(&group, "bare"), if n == 64 { 1.0 / 0.9 } else { 1.1 });
    }
    line(
        "decode 200 payments: typed vs serde_json::Value",
        mean_ns("decode_200_payments", "ours"),
        mean_ns("decode_200_payments", "json_value"),
        2.0,
    );
    match memory {
        Some((after_1k, after_10k)) => {
            let ratio = after_10k as f64 / after_1k as f64;
            println!(
                "{:<58} {ratio:>6.2}x   ({after_1k} KiB → {after_10k} KiB)",
                "resident memory after 10,000 GETs vs after 1,000"
            );
        }
        None => println!("resident memory: /proc/self/statm not available"),
    }
}

fn main() {
    let mut criterion = Criterion::default()
        // Client and server share two cores here: short runs are noisy, so measure for longer.
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .sample_size(40)
        .configure_from_args();
    let keys = keys();
    crypto(&mut criterion, &keys);
    decoding(&mut criterion);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let sandbox =
        runtime.block_on(Sandbox::start_with(SandboxConfig::default().server_key(keys.ours.clone()))).unwrap();
    let wire = Arc::new(runtime.block_on(wire(&sandbox, &keys)));
    requests(&mut criterion, &runtime, &wire);
    let memory = memory(&runtime, &wire);
    criterion.final_summary();
    report(memory);
}
