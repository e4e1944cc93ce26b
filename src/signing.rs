//! Signatures (provisional; replaced by the tested module).
use crate::keys::{PrivateKey, PublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use std::fmt;

/// Signature problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// No signature.
    Missing,
    /// Not base64.
    Malformed,
    /// Does not verify.
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

/// Which scheme verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseScheme {
    /// Body only.
    Body,
    /// Legacy.
    Legacy,
}

/// Sign.
pub fn sign(key: &PrivateKey, data: &[u8]) -> String {
    STANDARD.encode(key.signing.sign(data).to_bytes())
}

/// Verify.
pub fn verify(key: &PublicKey, data: &[u8], signature_b64: &str) -> Result<(), SignatureError> {
    let raw = STANDARD.decode(signature_b64).map_err(|_| SignatureError::Malformed)?;
    let sig = rsa::pkcs1v15::Signature::try_from(raw.as_slice()).map_err(|_| SignatureError::Malformed)?;
    key.verifying.verify(data, &sig).map_err(|_| SignatureError::Invalid)
}

/// Canonical casing.
pub fn canonical_header_name(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Legacy data.
pub fn legacy_signed_data<'a>(
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: &[u8],
) -> Vec<u8> {
    let mut hs: Vec<(String, &str)> = headers
        .into_iter()
        .map(|(n, v)| (canonical_header_name(n), v))
        .filter(|(n, _)| n.starts_with("X-Bunq-") && n != "X-Bunq-Server-Signature")
        .collect();
    hs.sort();
    let mut out = format!("{status}\n").into_bytes();
    for (n, v) in hs {
        out.extend_from_slice(format!("{n}: {v}\n").as_bytes());
    }
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

/// Verify response.
pub fn verify_response<'a>(
    key: &PublicKey,
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    body: &[u8],
    signature_b64: Option<&str>,
) -> Result<ResponseScheme, SignatureError> {
    let sig = signature_b64.ok_or(SignatureError::Missing)?;
    match verify(key, body, sig) {
        Ok(()) => Ok(ResponseScheme::Body),
        Err(SignatureError::Invalid) => {
            verify(key, &legacy_signed_data(status, headers, body), sig).map(|_| ResponseScheme::Legacy)
        }
        Err(e) => Err(e),
    }
}
