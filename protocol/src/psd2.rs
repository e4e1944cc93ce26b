//! A PSD2 provider's login proof, as pure functions: the certificate it presents and the
//! signature that ties the installation to it.
//!
//! After `POST /installation`, a provider proves it holds its certificate's private key by
//! signing `"<client public key PEM>\n<installation token>"` (RSA-SHA256, PKCS#1 v1.5): the PEM
//! exactly as sent to the installation. The chain goes along as the certificates' PEMs joined by `\n`.

use crate::keys::{PrivateKey, PublicKey};
use crate::signing::{self, SignatureError};
use std::fmt;
use x509_cert::Certificate as X509;
use x509_cert::der::{DecodePem, Encode};

/// Certificate text longer than this is refused before parsing.
const MAX_CERTIFICATE_BYTES: usize = 64 * 1024;
/// A chain holds at most this many certificates.
const MAX_CHAIN: usize = 16;

/// The bytes a provider signs: its client public key PEM, a newline, the installation token.
pub fn credential_signed_data(client_public_key_pem: &str, installation_token: &str) -> Vec<u8> {
    format!("{client_public_key_pem}\n{installation_token}").into_bytes()
}

/// `client_public_key_signature`: base64 of the certificate key's signature over [`credential_signed_data`].
pub fn sign_credential(certificate_key: &PrivateKey, client_public_key_pem: &str, installation_token: &str) -> String {
    signing::sign(certificate_key, &credential_signed_data(client_public_key_pem, installation_token))
}

/// Checks a `client_public_key_signature` against the certificate's public key.
pub fn verify_credential(
    certificate_key: &PublicKey,
    client_public_key_pem: &str,
    installation_token: &str,
    signature_b64: &str,
) -> Result<(), SignatureError> {
    signing::verify(certificate_key, &credential_signed_data(client_public_key_pem, installation_token), signature_b64)
}

/// `client_payment_service_provider_certificate_chain`: the chain's PEMs joined by `\n`.
pub fn chain_text<S: AsRef<str>>(chain: &[S]) -> String {
    chain.iter().map(|pem| pem.as_ref().trim_end()).collect::<Vec<_>>().join("\n")
}

/// Why a certificate was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateError {
    /// Not a PEM X.509 certificate (`BEGIN CERTIFICATE`).
    NotPem,
    /// Its key is not an RSA key of at least 2048 bits.
    UnusableKey,
}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotPem => "not an X.509 certificate in PEM (BEGIN CERTIFICATE)",
            Self::UnusableKey => "its public key is not an RSA key of at least 2048 bits",
        })
    }
}

impl std::error::Error for CertificateError {}

/// What a provider's certificate says about it.
#[derive(Clone, Debug)]
pub struct Certificate {
    /// The key its signature is checked with.
    pub public_key: PublicKey,
    /// The subject's distinguished name (RFC 4514).
    pub subject: String,
}

/// Reads one PEM certificate: its RSA public key and subject.
pub fn parse_certificate(pem: &str) -> Result<Certificate, CertificateError> {
    if pem.len() > MAX_CERTIFICATE_BYTES {
        return Err(CertificateError::NotPem);
    }
    let certificate = X509::from_pem(pem.trim().as_bytes()).map_err(|_| CertificateError::NotPem)?;
    let spki = certificate.tbs_certificate.subject_public_key_info.to_der().map_err(|_| CertificateError::NotPem)?;
    let public_key = PublicKey::from_spki_der(&spki).map_err(|_| CertificateError::UnusableKey)?;
    Ok(Certificate { public_key, subject: certificate.tbs_certificate.subject.to_string() })
}

/// Reads a chain ([`chain_text`]): one or more PEM certificates, each of which must parse.
pub fn parse_chain(text: &str) -> Result<Vec<X509>, CertificateError> {
    const END: &str = "-----END CERTIFICATE-----";
    if text.len() > MAX_CERTIFICATE_BYTES * 4 {
        return Err(CertificateError::NotPem);
    }
    let mut chain = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let end = rest.find(END).ok_or(CertificateError::NotPem)? + END.len();
        if chain.len() == MAX_CHAIN {
            return Err(CertificateError::NotPem);
        }
        chain.push(X509::from_pem(rest[..end].trim().as_bytes()).map_err(|_| CertificateError::NotPem)?);
        rest = rest[end..].trim_start();
    }
    if chain.is_empty() { Err(CertificateError::NotPem) } else { Ok(chain) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_text_is_the_pem_a_newline_and_the_token() {
        assert_eq!(credential_signed_data("-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----", "t0k"), {
            b"-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\nt0k".to_vec()
        });
        assert_eq!(chain_text(&["a\n", "b"]), "a\nb");
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert_eq!(parse_certificate("hello").unwrap_err(), CertificateError::NotPem);
        assert_eq!(parse_chain("").unwrap_err(), CertificateError::NotPem);
        let fake = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
        assert_eq!(parse_chain(fake).unwrap_err(), CertificateError::NotPem);
    }
}
