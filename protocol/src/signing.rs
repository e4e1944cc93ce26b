//! Signatures as bunq makes them: base64 of RSASSA-PKCS1-v1_5 over SHA-256.
//!
//! Pure functions over bytes — no HTTP types — shared by the client and the sandbox.
//! Requests are signed over the exact body bytes sent (the empty body as the empty string).
//! Responses are verified over the body as received; bunq's legacy scheme, which also covers
//! the status and the `X-Bunq-*` headers, is accepted as an alternative.

use crate::keys::{PrivateKey, PublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::fmt;

/// Base64 signatures longer than this are refused before decoding (RSA-8192 is 1368 characters).
const MAX_SIGNATURE_CHARS: usize = 2048;

/// Why a signature was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// There was none.
    Missing,
    /// Not base64, or not the length of a signature.
    Malformed,
    /// It does not match the data and key.
    Invalid,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Missing => "missing",
            Self::Malformed => "malformed",
            Self::Invalid => "invalid",
        })
    }
}

impl std::error::Error for SignatureError {}

/// Which scheme a response was signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseScheme {
    /// The body alone (bunq's current scheme).
    Body,
    /// Status line, sorted `X-Bunq-*` headers, blank line, body (bunq's older scheme).
    Legacy,
}

/// The base64 signature of `data`.
pub fn sign(key: &PrivateKey, data: &[u8]) -> String {
    STANDARD.encode(key.signer().sign(data))
}

/// Checks a base64 signature of `data`.
pub fn verify(key: &PublicKey, data: &[u8], signature_b64: &str) -> Result<(), SignatureError> {
    let signature = decode(signature_b64, key)?;
    if key.verifier().verify(data, &signature) { Ok(()) } else { Err(SignatureError::Invalid) }
}

fn decode(signature_b64: &str, key: &PublicKey) -> Result<Vec<u8>, SignatureError> {
    if signature_b64.len() > MAX_SIGNATURE_CHARS {
        return Err(SignatureError::Malformed);
    }
    let signature = STANDARD.decode(signature_b64.trim()).map_err(|_| SignatureError::Malformed)?;
    if signature.len() != key.bits().div_ceil(8) {
        return Err(SignatureError::Malformed);
    }
    Ok(signature)
}

/// `x-bunq-client-response-id` → `X-Bunq-Client-Response-Id`.
pub fn canonical_header_name(name: &str) -> String {
    let words = name.split('-').map(|word| {
        let mut chars = word.chars();
        match chars.next() {
            Some(first) => first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase(),
            None => String::new(),
        }
    });
    words.collect::<Vec<_>>().join("-")
}

/// The bytes the legacy scheme signs: `"<status>\n"`, then `"<Name>: <value>\n"` for every
/// `X-Bunq-*` header but the signature itself, sorted by name, then `"\n"` and the body.
pub fn legacy_signed_data<'a>(
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &[u8],
) -> Vec<u8> {
    let mut bunq_headers: Vec<(String, &str)> = headers
        .into_iter()
        .map(|(name, value)| (canonical_header_name(name), value))
        .filter(|(name, _)| name.starts_with("X-Bunq-") && name != "X-Bunq-Server-Signature")
        .collect();
    bunq_headers.sort();
    let mut data = format!("{status}\n").into_bytes();
    for (name, value) in bunq_headers {
        data.extend_from_slice(format!("{name}: {value}\n").as_bytes());
    }
    data.push(b'\n');
    data.extend_from_slice(body);
    data
}

/// Checks a response's `X-Bunq-Server-Signature`: over the body, else over the legacy data.
/// A missing, malformed or non-matching signature is an error: the response must be discarded.
pub fn verify_response<'a>(
    key: &PublicKey,
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &[u8],
    signature_b64: Option<&str>,
) -> Result<ResponseScheme, SignatureError> {
    let signature = decode(signature_b64.ok_or(SignatureError::Missing)?, key)?;
    if key.verifier().verify(body, &signature) {
        return Ok(ResponseScheme::Body);
    }
    if key.verifier().verify(&legacy_signed_data(status, headers, body), &signature) {
        return Ok(ResponseScheme::Legacy);
    }
    Err(SignatureError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_canonical() {
        assert_eq!(canonical_header_name("x-bunq-client-response-id"), "X-Bunq-Client-Response-Id");
        assert_eq!(canonical_header_name("X-BUNQ-WARNING"), "X-Bunq-Warning");
    }

    #[test]
    fn legacy_data_keeps_only_bunq_headers_sorted() {
        let headers = [
            ("x-bunq-warning", "w"),
            ("Content-Type", "json"),
            ("X-Bunq-Server-Signature", "s"),
            ("X-Bunq-Client-Request-Id", "r"),
        ];
        let data = legacy_signed_data(200, headers, b"{}");
        assert_eq!(data, b"200\nX-Bunq-Client-Request-Id: r\nX-Bunq-Warning: w\n\n{}");
    }
}
