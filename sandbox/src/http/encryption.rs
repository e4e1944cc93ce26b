//! Encrypted request bodies: a request carrying bunq's three encryption headers is opened with the
//! server key before anything reads it (the HMAC checked first, in constant time); a card PIN sent
//! in the clear is refused. Either refusal is a 400 before the handler runs, so nothing is stored.

use super::call::Failure;
use bunq_protocol::encryption::{self, EncryptionError, Headers};
use bunq_protocol::keys::PrivateKey;
use bytes::Bytes;
use http::HeaderMap;

/// The body the handler reads: `body` itself, or its plaintext when it came encrypted.
pub(crate) fn open(server_key: &PrivateKey, headers: &HeaderMap, body: Bytes) -> Result<Bytes, Failure> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let sealed = Headers {
        key: text(encryption::KEY_HEADER),
        iv: text(encryption::IV_HEADER),
        hmac: text(encryption::HMAC_HEADER),
    };
    if !sealed.any() {
        if encryption::carries_pin(&body) {
            return Err(Failure::new(
                400,
                "pin_code must not be sent in the clear: encrypt the body (X-Bunq-Client-Encryption-Key, -Iv and -Hmac).",
            ));
        }
        return Ok(body);
    }
    let plain = encryption::decrypt(server_key, sealed, &body).map_err(|e| {
        let hint = match e {
            EncryptionError::HmacMismatch => "; nothing was done",
            _ => "",
        };
        Failure::new(400, format!("The encrypted body was refused: {e}{hint}."))
    })?;
    Ok(Bytes::copy_from_slice(&plain))
}
