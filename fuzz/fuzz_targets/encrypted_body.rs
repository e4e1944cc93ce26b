//! Any encrypted request as the sandbox opens it: the three headers and the body as given, and
//! the body sealed honestly (which must open to itself) and with the attacker's IV and HMAC swapped in.
//! Plaintext or a refusal, never a panic.
#![no_main]

use bunq_api::encryption::{self, Headers};
use bunq_api::keys::PrivateKey;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn server() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| PrivateKey::from_pem(include_str!("../../tests/vectors/keys/server.pem")).unwrap())
}

fuzz_target!(|input: (String, String, String, Vec<u8>)| {
    let (key, iv, hmac, body) = input;
    let _ = encryption::carries_pin(&body);
    let given = Headers { key: Some(&key), iv: Some(&iv), hmac: Some(&hmac) };
    let _ = encryption::decrypt(server(), given, &body);

    let sealed = encryption::encrypt(&server().public_key(), &body).expect("the server key wraps");
    let honest = Headers { key: Some(&sealed.key), iv: Some(&sealed.iv), hmac: Some(&sealed.hmac) };
    let opened = encryption::decrypt(server(), honest, &sealed.body).expect("an honest body opens");
    assert_eq!(opened.as_slice(), body.as_slice());
    // Each unwrap is an RSA private-key operation: one more, with the attacker's IV and HMAC.
    let _ = encryption::decrypt(server(), Headers { iv: Some(&iv), hmac: Some(&hmac), ..honest }, &sealed.body);
});
