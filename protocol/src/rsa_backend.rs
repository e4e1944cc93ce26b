//! RSASSA-PKCS1-v1_5 with SHA-256, by one of two implementations.
//!
//! `AwsLc` (feature `aws-lc`, on by default) is aws-lc-rs: constant-time, and already built by
//! reqwest's rustls. `RustCrypto` is the pure-Rust `rsa` crate, whose private-key operations
//! are not constant-time (RUSTSEC-2023-0071); it stays selectable for builds without C.
//!
//! [`KeyError`] lives here, below `keys`, since both refuse keys; `keys` re-exports it.

use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer as _, Verifier as _};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use std::fmt;

/// The smallest key accepted, in bits.
pub const MIN_KEY_BITS: usize = 2048;

/// Why a key could not be generated, loaded, saved or used. Never contains key material.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is not a PEM RSA key of the expected kind.
    NotPem(&'static str),
    /// The key is smaller than [`MIN_KEY_BITS`].
    TooSmall(usize),
    /// Generation or encoding failed, or the backend refused the key.
    Unusable(&'static str),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotPem(expected) => {
                write!(f, "not a PEM RSA {expected}: expected PKCS#8/SubjectPublicKeyInfo (or PKCS#1) PEM")
            }
            Self::TooSmall(bits) => {
                write!(f, "the key has {bits} bits; bunq needs at least {MIN_KEY_BITS}: generate a new key")
            }
            Self::Unusable(why) => write!(f, "unusable key: {why}"),
        }
    }
}

impl std::error::Error for KeyError {}

/// Which implementation signs and verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// aws-lc-rs: constant-time and fast. The default with feature `aws-lc`.
    #[cfg(feature = "aws-lc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws-lc")))]
    AwsLc,
    /// The pure-Rust `rsa` crate. Not constant-time; the default without feature `aws-lc`.
    RustCrypto,
}

impl Default for Backend {
    fn default() -> Self {
        #[cfg(feature = "aws-lc")]
        return Self::AwsLc;
        #[cfg(not(feature = "aws-lc"))]
        return Self::RustCrypto;
    }
}

/// A private key ready to sign.
pub(crate) enum Signer {
    #[cfg(feature = "aws-lc")]
    AwsLc(aws_lc_rs::rsa::KeyPair),
    RustCrypto(Box<SigningKey<Sha256>>),
}

impl Signer {
    pub fn new(backend: Backend, key: &RsaPrivateKey) -> Result<Self, KeyError> {
        match backend {
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => {
                use rsa::pkcs8::EncodePrivateKey;
                let der = key.to_pkcs8_der().map_err(|_| KeyError::Unusable("cannot encode the key for aws-lc"))?;
                let pair = aws_lc_rs::rsa::KeyPair::from_pkcs8(der.as_bytes())
                    .map_err(|_| KeyError::Unusable("aws-lc rejects the key"))?;
                Ok(Self::AwsLc(pair))
            }
            Backend::RustCrypto => Ok(Self::RustCrypto(Box::new(SigningKey::new(key.clone())))),
        }
    }

    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        match self {
            #[cfg(feature = "aws-lc")]
            Self::AwsLc(pair) => {
                let mut signature = vec![0; pair.public_modulus_len()];
                // PKCS#1 v1.5 draws no randomness, and a key that parsed signs any input.
                pair.sign(
                    &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                    &aws_lc_rs::rand::SystemRandom::new(),
                    data,
                    &mut signature,
                )
                .expect("PKCS#1 v1.5 signing with a valid key cannot fail");
                signature
            }
            Self::RustCrypto(key) => key.sign(data).to_vec(),
        }
    }
}

/// A public key ready to verify.
pub(crate) enum Verifier {
    #[cfg(feature = "aws-lc")]
    AwsLc(aws_lc_rs::signature::ParsedPublicKey),
    RustCrypto(VerifyingKey<Sha256>),
}

impl Verifier {
    pub fn new(backend: Backend, key: &RsaPublicKey) -> Result<Self, KeyError> {
        match backend {
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => {
                use rsa::pkcs1::EncodeRsaPublicKey;
                let der = key.to_pkcs1_der().map_err(|_| KeyError::Unusable("cannot encode the key for aws-lc"))?;
                let parsed = aws_lc_rs::signature::ParsedPublicKey::new(
                    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                    der.as_bytes(),
                )
                .map_err(|_| KeyError::Unusable("aws-lc rejects the key"))?;
                Ok(Self::AwsLc(parsed))
            }
            Backend::RustCrypto => Ok(Self::RustCrypto(VerifyingKey::new(key.clone()))),
        }
    }

    pub fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        match self {
            #[cfg(feature = "aws-lc")]
            Self::AwsLc(key) => key.verify_sig(data, signature).is_ok(),
            Self::RustCrypto(key) => {
                Signature::try_from(signature).is_ok_and(|signature| key.verify(data, &signature).is_ok())
            }
        }
    }
}
