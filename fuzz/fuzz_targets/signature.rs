//! Any signature header, status, headers and body against a fixed server key: verification
//! answers yes or no, never panics.
#![no_main]

use bunq_api::keys::PublicKey;
use bunq_api::signing;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    // A recorded key: generating one with the unoptimised pure-Rust signer takes minutes.
    KEY.get_or_init(|| PublicKey::from_pem(include_str!("../../tests/vectors/keys/server.pub.pem")).expect("key"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&status, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(3, '\n');
    let signature = parts.next().unwrap_or_default();
    let header = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let headers = [("x-bunq-client-response-id", header), ("X-Bunq-Other", signature)];
    let result = signing::verify_response(key(), 200 + u16::from(status), headers, body.as_bytes(), Some(signature));
    assert!(result.is_err(), "a random signature verified");
    let _ = signing::verify(key(), body.as_bytes(), signature);
});
