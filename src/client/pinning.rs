//! Optional certificate pinning: after the usual certificate checks, the server's chain must
//! also contain a public key whose SHA-256 (of its SubjectPublicKeyInfo) is one of the pins.
//!
//! Off by default. bunq's own pinning once broke clients when a certificate was renewed, so a
//! pin set must include at least one backup pin (e.g. the next key, or the issuing CA's).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// The SHA-256 of a certificate's SubjectPublicKeyInfo, as in HPKP's `pin-sha256`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SpkiPin([u8; 32]);

impl fmt::Debug for SpkiPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpkiPin({})", STANDARD.encode(self.0))
    }
}

impl SpkiPin {
    /// A pin from its base64 form, e.g. the output of
    /// `openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`.
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = STANDARD.decode(text.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// A pin from the 32 bytes of the hash.
    pub fn from_sha256(hash: [u8; 32]) -> Self {
        Self(hash)
    }

    fn of(certificate: &CertificateDer<'_>) -> Option<Self> {
        let parsed = webpki::EndEntityCert::try_from(certificate).ok()?;
        Some(Self(Sha256::digest(parsed.subject_public_key_info().as_ref()).into()))
    }
}

/// The usual verifier, then the pin check.
#[derive(Debug)]
struct PinnedVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    pins: Vec<SpkiPin>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        let chain = std::iter::once(end_entity).chain(intermediates);
        if chain.filter_map(SpkiPin::of).any(|pin| self.pins.contains(&pin)) {
            Ok(verified)
        } else {
            Err(rustls::Error::General("certificate pin mismatch: no key in the server's chain is pinned".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A TLS configuration that checks certificates as usual (the platform's roots plus
/// `extra_roots`) and, when pins are given, requires one of them in the chain.
pub(crate) fn tls_config(pins: &[SpkiPin], extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, String> {
    if pins.len() == 1 {
        return Err("certificate pinning needs at least two pins: the current key and a backup".into());
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let roots = extra_roots.iter().map(|der| CertificateDer::from(der.clone()));
    let platform = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
        .map_err(|e| format!("cannot set up certificate verification: {e}"))?;
    let verifier: Arc<dyn ServerCertVerifier> = match pins {
        [] => Arc::new(platform),
        _ => Arc::new(PinnedVerifier { inner: Arc::new(platform), pins: pins.to_vec() }),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(config)
}
