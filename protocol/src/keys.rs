//! RSA key pairs: generated here, loaded from and saved to PEM, at least 2048 bits.
//!
//! Private keys are PKCS#8 (`BEGIN PRIVATE KEY`); public keys are SubjectPublicKeyInfo
//! (`BEGIN PUBLIC KEY`), the form bunq takes in `client_public_key`. PKCS#1 (`BEGIN RSA …`)
//! is accepted on load. Parsing happens once; the signing state is kept with the key.

pub use crate::rsa_backend::{Backend, KeyError, MIN_KEY_BITS};
use crate::rsa_backend::{Signer, Verifier};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use std::fmt;
use std::sync::Arc;

pub use rsa::pkcs8::der::zeroize::Zeroizing;

/// The size of generated keys, in bits.
pub const GENERATED_KEY_BITS: usize = 2048;

/// PEM text longer than this is refused before parsing.
const MAX_PEM_BYTES: usize = 64 * 1024;

fn check_size(bits: usize) -> Result<(), KeyError> {
    if bits < MIN_KEY_BITS { Err(KeyError::TooSmall(bits)) } else { Ok(()) }
}

fn check_length(pem: &str, expected: &'static str) -> Result<(), KeyError> {
    if pem.len() > MAX_PEM_BYTES { Err(KeyError::NotPem(expected)) } else { Ok(()) }
}

/// A client's private key. `Debug` shows only its size; cloning shares it.
#[derive(Clone)]
pub struct PrivateKey {
    key: Arc<RsaPrivateKey>,
    signer: Arc<Signer>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

impl PrivateKey {
    /// A new 2048-bit key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, GENERATED_KEY_BITS)
            .map_err(|_| KeyError::Unusable("key generation failed"))?;
        Self::from_rsa(key, Backend::default())
    }

    /// Loads a PKCS#8 (or PKCS#1) PEM private key.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        check_length(pem, "private key")?;
        let key = RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| KeyError::NotPem("private key"))?;
        Self::from_rsa(key, Backend::default())
    }

    fn from_rsa(key: RsaPrivateKey, backend: Backend) -> Result<Self, KeyError> {
        check_size(key.size() * 8)?;
        let signer = Signer::new(backend, &key)?;
        Ok(Self { key: Arc::new(key), signer: Arc::new(signer) })
    }

    /// The same key, signing with another backend.
    pub fn with_backend(&self, backend: Backend) -> Result<Self, KeyError> {
        Self::from_rsa(RsaPrivateKey::clone(&self.key), backend)
    }

    /// PKCS#8 PEM with `\n` line endings, wiped from memory when dropped.
    pub fn to_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.key.to_pkcs8_pem(LineEnding::LF).map_err(|_| KeyError::Unusable("cannot encode the key"))
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        let key = self.key.to_public_key();
        // The private key was accepted, so its public half is too.
        let verifier = Verifier::new(Backend::default(), &key)
            .or_else(|_| Verifier::new(Backend::RustCrypto, &key))
            .expect("the RustCrypto backend accepts any RSA key");
        PublicKey { key, verifier: Arc::new(verifier) }
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.size() * 8
    }

    pub(crate) fn signer(&self) -> &Signer {
        &self.signer
    }

    pub(crate) fn rsa(&self) -> &RsaPrivateKey {
        &self.key
    }
}

/// A public key: ours to send to bunq, or bunq's to verify responses with.
#[derive(Clone)]
pub struct PublicKey {
    key: RsaPublicKey,
    verifier: Arc<Verifier>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").field("bits", &self.bits()).finish()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// Loads a SubjectPublicKeyInfo (or PKCS#1) PEM public key.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        check_length(pem, "public key")?;
        let key = RsaPublicKey::from_public_key_pem(pem)
            .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
            .map_err(|_| KeyError::NotPem("public key"))?;
        Self::from_rsa(key, Backend::default())
    }

    fn from_rsa(key: RsaPublicKey, backend: Backend) -> Result<Self, KeyError> {
        check_size(key.size() * 8)?;
        let verifier = Verifier::new(backend, &key)?;
        Ok(Self { key, verifier: Arc::new(verifier) })
    }

    /// The same key, verifying with another backend.
    pub fn with_backend(&self, backend: Backend) -> Result<Self, KeyError> {
        Self::from_rsa(self.key.clone(), backend)
    }

    /// SubjectPublicKeyInfo PEM with `\n` line endings: what bunq takes as `client_public_key`.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.key.to_public_key_pem(LineEnding::LF).map_err(|_| KeyError::Unusable("cannot encode the key"))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.size() * 8
    }

    pub(crate) fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    pub(crate) fn rsa(&self) -> &RsaPublicKey {
        &self.key
    }

    /// Loads a DER SubjectPublicKeyInfo (as a certificate carries it).
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = RsaPublicKey::from_public_key_der(der).map_err(|_| KeyError::NotPem("public key"))?;
        Self::from_rsa(key, Backend::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_hostile_sizes_are_errors() {
        assert_eq!(PrivateKey::from_pem("hello").unwrap_err(), KeyError::NotPem("private key"));
        assert_eq!(PublicKey::from_pem("").unwrap_err(), KeyError::NotPem("public key"));
        let huge = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", "A".repeat(1 << 20));
        assert!(PrivateKey::from_pem(&huge).is_err());
        assert!(KeyError::TooSmall(1024).to_string().contains("2048"));
    }
}
