//! Any PSD2 credential request as the sandbox reads it: the certificate, the chain and the
//! signature checked against the certificate's key. Refused with a reason, never a panic.
#![no_main]

use bunq_api::psd2;
use libfuzzer_sys::fuzz_target;

const INSTALLED_KEY: &str = include_str!("../../tests/vectors/keys/client.pub.pem");

fuzz_target!(|body: &[u8]| {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(body) else { return };
    let field = |name: &str| fields.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let _ = psd2::parse_chain(&field("client_payment_service_provider_certificate_chain"));
    if let Ok(certificate) = psd2::parse_certificate(&field("client_payment_service_provider_certificate")) {
        let signature = field("client_public_key_signature");
        let _ = psd2::verify_credential(&certificate.public_key, INSTALLED_KEY, "token", &signature);
    }
});
