//! Known answers made by the openssl CLI (tests/vectors/make.sh): a PSD2 provider's credential
//! signature over a self-signed certificate's key, and an encrypted request body (AES-256-CBC,
//! HMAC-SHA1, the key wrapped for the server with RSA PKCS#1 v1.5), checked with every backend.

use crate::common;

use bunq_api::encryption::{self, EncryptionError, Headers};
use bunq_api::psd2;
use bunq_api::signing::SignatureError;
use common::vectors::{backends, bytes, private, text};

fn hex<const N: usize>(path: &str) -> [u8; N] {
    let text = text(path);
    let digits = text.trim().as_bytes();
    assert_eq!(digits.len(), 2 * N, "{path}");
    std::array::from_fn(|i| u8::from_str_radix(std::str::from_utf8(&digits[2 * i..2 * i + 2]).unwrap(), 16).unwrap())
}

const CREDENTIAL: &str = "cases/psd2_credential";

#[test]
fn the_credential_signature_is_openssls() {
    let (pem, token) = (text("keys/client.pub.pem"), text(&format!("{CREDENTIAL}/installation_token")));
    assert_eq!(psd2::credential_signed_data(&pem, &token), bytes(&format!("{CREDENTIAL}/input.bin")));
    let expected = text(&format!("{CREDENTIAL}/signature.b64"));
    for backend in backends() {
        assert_eq!(psd2::sign_credential(&private("provider", backend), &pem, &token), expected.trim(), "{backend:?}");
    }
}

#[test]
fn the_certificate_made_by_openssl_verifies_the_signature() {
    let certificate = psd2::parse_certificate(&text(&format!("{CREDENTIAL}/certificate.pem"))).unwrap();
    assert!(certificate.subject.contains("CN=psd2.example"), "{}", certificate.subject);
    let (pem, token) = (text("keys/client.pub.pem"), text(&format!("{CREDENTIAL}/installation_token")));
    let signature = text(&format!("{CREDENTIAL}/signature.b64"));
    for backend in backends() {
        let key = certificate.public_key.with_backend(backend).unwrap();
        psd2::verify_credential(&key, &pem, &token, signature.trim()).unwrap();
        // Another token (a replay on a new installation) does not verify.
        let replayed = psd2::verify_credential(&key, &pem, "another-token", signature.trim());
        assert_eq!(replayed, Err(SignatureError::Invalid), "{backend:?}");
    }
    assert_eq!(psd2::parse_chain(&text(&format!("{CREDENTIAL}/certificate.pem"))).unwrap().len(), 1);
}

const BODY: &str = "cases/encrypted_body";

#[test]
fn our_ciphertext_and_hmac_are_openssls() {
    let (key, iv) = (hex::<32>(&format!("{BODY}/key.hex")), hex::<16>(&format!("{BODY}/iv.hex")));
    let (ciphertext, mac) = encryption::seal(&key, &iv, &bytes(&format!("{BODY}/plain.bin")));
    assert_eq!(ciphertext, bytes(&format!("{BODY}/ciphertext.bin")));
    use base64::Engine;
    assert_eq!(base64::engine::general_purpose::STANDARD.encode(mac), text(&format!("{BODY}/hmac.b64")).trim());
}

#[test]
fn a_body_openssl_encrypted_decrypts_with_every_backend() {
    let (wrapped, iv, mac) =
        (text(&format!("{BODY}/wrapped_key.b64")), text(&format!("{BODY}/iv.b64")), text(&format!("{BODY}/hmac.b64")));
    let headers = Headers { key: Some(wrapped.trim()), iv: Some(iv.trim()), hmac: Some(mac.trim()) };
    let ciphertext = bytes(&format!("{BODY}/ciphertext.bin"));
    for backend in backends() {
        let server = private("server", backend);
        let plain = encryption::decrypt(&server, headers, &ciphertext).unwrap();
        assert_eq!(plain.as_slice(), bytes(&format!("{BODY}/plain.bin")).as_slice(), "{backend:?}");
        // The wrong server key, and a ciphertext cut short, are refused.
        let other_key = encryption::decrypt(&private("client", backend), headers, &ciphertext);
        assert!(matches!(other_key, Err(EncryptionError::WrongKey | EncryptionError::HmacMismatch)), "{backend:?}");
        let cut = &ciphertext[..ciphertext.len() - 16];
        assert_eq!(encryption::decrypt(&server, headers, cut), Err(EncryptionError::HmacMismatch), "{backend:?}");
    }
}
