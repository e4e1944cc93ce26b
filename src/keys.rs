//! RSA key pairs (provisional; replaced by the tested module).
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;

/// Smallest accepted key size.
pub const MIN_KEY_BITS: usize = 2048;

/// A client private key.
#[derive(Clone)]
pub struct PrivateKey {
    pub(crate) signing: Arc<SigningKey<Sha256>>,
    key: Arc<rsa::RsaPrivateKey>,
}
/// A public key.
#[derive(Clone)]
pub struct PublicKey {
    pub(crate) verifying: VerifyingKey<Sha256>,
    key: rsa::RsaPublicKey,
}

/// Key problems.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeyError {
    /// Not PEM.
    Pem(String),
    /// Too small.
    TooSmall(usize),
}
impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pem(m) => write!(f, "not a usable PEM key: {m}"),
            Self::TooSmall(b) => write!(f, "key has {b} bits; at least {MIN_KEY_BITS} needed"),
        }
    }
}
impl std::error::Error for KeyError {}
impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey {{ bits: {}, .. }}", self.bits())
    }
}
impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey {{ bits: {} }}", self.bits())
    }
}

impl PrivateKey {
    /// New 2048-bit key.
    pub fn generate() -> Result<Self, KeyError> {
        let key =
            rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| KeyError::Pem(e.to_string()))?;
        Ok(Self::wrap(key))
    }
    fn wrap(key: rsa::RsaPrivateKey) -> Self {
        Self { signing: Arc::new(SigningKey::new(key.clone())), key: Arc::new(key) }
    }
    /// Load PKCS#8 PEM.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| KeyError::Pem(e.to_string()))?;
        if key.size() * 8 < MIN_KEY_BITS {
            return Err(KeyError::TooSmall(key.size() * 8));
        }
        Ok(Self::wrap(key))
    }
    /// PKCS#8 PEM.
    pub fn to_pem(&self) -> Result<rsa::pkcs8::der::zeroize::Zeroizing<String>, KeyError> {
        self.key.to_pkcs8_pem(LineEnding::LF).map_err(|e| KeyError::Pem(e.to_string()))
    }
    /// Public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::wrap(self.key.to_public_key())
    }
    /// Size.
    pub fn bits(&self) -> usize {
        self.key.size() * 8
    }
}
impl PartialEq for PublicKey {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl PublicKey {
    fn wrap(key: rsa::RsaPublicKey) -> Self {
        Self { verifying: VerifyingKey::new(key.clone()), key }
    }
    /// Load SPKI PEM.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let key = rsa::RsaPublicKey::from_public_key_pem(pem).map_err(|e| KeyError::Pem(e.to_string()))?;
        if key.size() * 8 < MIN_KEY_BITS {
            return Err(KeyError::TooSmall(key.size() * 8));
        }
        Ok(Self::wrap(key))
    }
    /// SPKI PEM.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.key.to_public_key_pem(LineEnding::LF).map_err(|e| KeyError::Pem(e.to_string()))
    }
    /// Size.
    pub fn bits(&self) -> usize {
        self.key.size() * 8
    }
}
