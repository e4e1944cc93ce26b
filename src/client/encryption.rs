//! Encrypted request bodies: when a call asks ([`with_encryption`]) or its body carries a card
//! PIN, the body goes AES-encrypted for bunq's server key with the three encryption headers
//! (`bunq_protocol::encryption`); the signature then covers the ciphertext.

use super::state::ClientState;
use crate::Error;
use bunq_protocol::encryption;
use reqwest::header::{HeaderName, HeaderValue};
use std::future::Future;

tokio::task_local! {
    static ENCRYPT: ();
}

/// Runs `call` with every request body encrypted (bunq's `X-Bunq-Client-Encryption-*` scheme).
///
/// Bodies that carry a card PIN (`pin_code`) are encrypted without asking.
pub async fn with_encryption<F: Future>(call: F) -> F::Output {
    ENCRYPT.scope((), call).await
}

/// Encrypts the request's body in place when asked or when it carries a PIN; a body already
/// encrypted (a retry) is left as it is.
pub(super) fn apply(state: &ClientState, request: &mut reqwest::Request) -> Result<(), Error> {
    if request.headers().contains_key(encryption::KEY_HEADER) {
        return Ok(());
    }
    let Some(body) = request.body().and_then(|b| b.as_bytes()) else { return Ok(()) };
    if ENCRYPT.try_with(|_| ()).is_err() && !encryption::carries_pin(body) {
        return Ok(());
    }
    let server_key = state.credentials().server_key.clone().ok_or_else(|| {
        Error::Context("no server public key to encrypt the body for: create the API context first".to_owned())
    })?;
    let sealed = encryption::encrypt(&server_key, body)
        .map_err(|e| Error::Context(format!("could not encrypt the body: {e}")))?;
    let headers = request.headers_mut();
    for (name, value) in [
        (encryption::KEY_HEADER, sealed.key),
        (encryption::IV_HEADER, sealed.iv),
        (encryption::HMAC_HEADER, sealed.hmac),
    ] {
        let value = HeaderValue::from_str(&value).map_err(|_| Error::Context("a base64 header".to_owned()))?;
        headers.insert(HeaderName::from_static(name), value);
    }
    *request.body_mut() = Some(sealed.body.into());
    Ok(())
}
