//! Any text as a PEM key: a key or an error, never a panic.
#![no_main]

use bunq_api::keys::{PrivateKey, PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = PrivateKey::from_pem(text);
    let _ = PublicKey::from_pem(text);
});
