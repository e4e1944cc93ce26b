//! Known-answer tests: keys, inputs and signatures made by the openssl CLI (tests/vectors/make.sh),
//! checked against our signing and verification with every backend.

use crate::common;

use bunq_api::keys::{Backend, KeyError, PrivateKey, PublicKey};
use bunq_api::signing::{self, ResponseScheme, SignatureError};
use common::vectors::{backends, bytes, private, public, text};

struct Case {
    name: &'static str,
    key: String,
    input: Vec<u8>,
    signature: String,
}

fn case(name: &'static str) -> Case {
    Case {
        name,
        key: text(&format!("cases/{name}/key")).trim().to_owned(),
        input: bytes(&format!("cases/{name}/input.bin")),
        signature: text(&format!("cases/{name}/signature.b64")).trim().to_owned(),
    }
}

const SIGNED_BODIES: [&str; 4] = ["empty_body", "payment_request", "utf8_and_newlines", "response_body"];

#[test]
fn our_signatures_equal_openssls() {
    for backend in backends() {
        for name in SIGNED_BODIES {
            let case = case(name);
            let ours = signing::sign(&private(&case.key, backend), &case.input);
            assert_eq!(ours, case.signature, "{name} with {backend:?}");
        }
    }
}

#[test]
fn openssl_signatures_verify() {
    for backend in backends() {
        for name in SIGNED_BODIES {
            let case = case(name);
            signing::verify(&public(&case.key, backend), &case.input, &case.signature)
                .unwrap_or_else(|e| panic!("{} with {backend:?}: {e}", case.name));
        }
    }
}

#[test]
fn response_signed_over_the_body() {
    let case = case("response_body");
    for backend in backends() {
        let scheme = signing::verify_response(&public("server", backend), 200, [], &case.input, Some(&case.signature));
        assert_eq!(scheme, Ok(ResponseScheme::Body), "{backend:?}");
    }
}

fn legacy_headers() -> Vec<(String, String)> {
    text("cases/legacy_response/headers.txt")
        .lines()
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[test]
fn legacy_signed_data_matches_the_printf_recipe() {
    let headers = legacy_headers();
    let status: u16 = text("cases/legacy_response/status").trim().parse().unwrap();
    let data = signing::legacy_signed_data(
        status,
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        &bytes("cases/legacy_response/body.bin"),
    );
    assert_eq!(String::from_utf8_lossy(&data), String::from_utf8_lossy(&bytes("cases/legacy_response/input.bin")));
}

#[test]
fn legacy_responses_verify_only_as_legacy() {
    let case = case("legacy_response");
    let headers = legacy_headers();
    let pairs = || headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let body = bytes("cases/legacy_response/body.bin");
    for backend in backends() {
        let server = public("server", backend);
        let scheme = signing::verify_response(&server, 200, pairs(), &body, Some(&case.signature));
        assert_eq!(scheme, Ok(ResponseScheme::Legacy), "{backend:?}");
        // As a body-only signature it is wrong.
        assert_eq!(signing::verify(&server, &body, &case.signature), Err(SignatureError::Invalid));
        // The legacy data covers the status and the headers: changing either breaks it.
        assert_eq!(
            signing::verify_response(&server, 201, pairs(), &body, Some(&case.signature)),
            Err(SignatureError::Invalid)
        );
        let mut changed = headers.clone();
        changed.push(("X-Bunq-Extra".into(), "1".into()));
        let changed_pairs = changed.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        assert_eq!(
            signing::verify_response(&server, 200, changed_pairs, &body, Some(&case.signature)),
            Err(SignatureError::Invalid)
        );
        // Headers outside X-Bunq-* and the signature header itself are not covered.
        let mut unrelated = headers.clone();
        unrelated.push(("Server".into(), "x".into()));
        let unrelated_pairs = unrelated.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        assert_eq!(
            signing::verify_response(&server, 200, unrelated_pairs, &body, Some(&case.signature)),
            Ok(ResponseScheme::Legacy)
        );
    }
}

#[test]
fn a_body_signature_is_not_a_legacy_signature() {
    let case = case("response_body");
    let legacy = signing::legacy_signed_data(200, [("X-Bunq-Client-Response-Id", "x")], &case.input);
    assert_eq!(
        signing::verify(&public("server", Backend::default()), &legacy, &case.signature),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn negative_cases() {
    let case = case("payment_request");
    for backend in backends() {
        let client = public("client", backend);
        // Wrong key.
        assert_eq!(
            signing::verify(&public("server", backend), &case.input, &case.signature),
            Err(SignatureError::Invalid)
        );
        // One flipped byte in the data.
        let mut flipped = case.input.clone();
        flipped[10] ^= 0x01;
        assert_eq!(signing::verify(&client, &flipped, &case.signature), Err(SignatureError::Invalid));
        // One flipped bit in the signature.
        let mut raw = base64_decode(&case.signature);
        raw[0] ^= 0x80;
        assert_eq!(signing::verify(&client, &case.input, &base64_encode(&raw)), Err(SignatureError::Invalid));
        // Truncated base64, and base64 of the wrong length.
        assert_eq!(signing::verify(&client, &case.input, &case.signature[..100]), Err(SignatureError::Malformed));
        assert_eq!(signing::verify(&client, &case.input, "AAAA"), Err(SignatureError::Malformed));
        assert_eq!(signing::verify(&client, &case.input, "not base64!"), Err(SignatureError::Malformed));
        assert_eq!(signing::verify(&client, &case.input, &"A".repeat(1 << 20)), Err(SignatureError::Malformed));
        // Missing.
        assert_eq!(signing::verify_response(&client, 200, [], &case.input, None), Err(SignatureError::Missing));
    }
}

#[test]
fn keys_load_as_openssl_wrote_them() {
    let client = PrivateKey::from_pem(&text("keys/client.pem")).unwrap();
    assert_eq!(client.bits(), 2048);
    // Our PEM output is byte for byte what openssl wrote.
    assert_eq!(client.to_pem().unwrap().as_str(), text("keys/client.pem"));
    assert_eq!(client.public_key().to_pem().unwrap(), text("keys/client.pub.pem"));
    // PKCS#1 forms load to the same key.
    let pkcs1 = PrivateKey::from_pem(&text("keys/client.pkcs1.pem")).unwrap();
    assert_eq!(pkcs1.public_key(), client.public_key());
    assert_eq!(PublicKey::from_pem(&text("keys/client.pub.pkcs1.pem")).unwrap(), client.public_key());
    assert_eq!(format!("{client:?}"), "PrivateKey { bits: 2048, .. }");
}

#[test]
fn small_and_broken_keys_are_refused() {
    assert_eq!(PrivateKey::from_pem(&text("keys/small.pem")).unwrap_err(), KeyError::TooSmall(1024));
    assert_eq!(PublicKey::from_pem(&text("keys/small.pub.pem")).unwrap_err(), KeyError::TooSmall(1024));
    let pem = text("keys/client.pem");
    let truncated = &pem[..pem.len() / 2];
    assert!(matches!(PrivateKey::from_pem(truncated), Err(KeyError::NotPem(_))));
    // A public key is not a private key, and the other way round.
    assert!(PrivateKey::from_pem(&text("keys/client.pub.pem")).is_err());
    assert!(PublicKey::from_pem(&pem).is_err());
    let message = PrivateKey::from_pem(truncated).unwrap_err().to_string();
    assert!(!message.contains(&pem[40..80]), "no key material in errors");
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn base64_encode(raw: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(raw)
}
