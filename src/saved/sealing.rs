//! Encryption of saved contexts at rest: AES-256-GCM (aws-lc-rs) under a key the user keeps.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use bunq_protocol::keys::KeyError;
use std::fmt;

/// Bound into every sealed file: a file sealed for another purpose does not open as a context.
const AAD: &[u8] = b"bunq-api-context-sealed v1";

/// A 256-bit key for context files. `Debug` shows nothing of it; keep it outside the file.
#[derive(Clone)]
pub struct ContextKey([u8; 32]);

impl fmt::Debug for ContextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContextKey([redacted])")
    }
}

impl ContextKey {
    /// A new random key from the operating system.
    pub fn generate() -> Result<Self, KeyError> {
        let mut key = [0; 32];
        SystemRandom::new().fill(&mut key).map_err(|_| KeyError::Unusable("no randomness for a key"))?;
        Ok(Self(key))
    }

    /// A key from 32 bytes you already keep (e.g. in a secrets manager).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw bytes, to store the key somewhere safe.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    fn aead(&self) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).expect("32 bytes is an AES-256 key"))
    }
}

/// `nonce || ciphertext || tag`.
pub(crate) fn seal(key: &ContextKey, plaintext: &[u8]) -> Result<Vec<u8>, String> {
    let mut nonce = [0; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).map_err(|_| "no randomness for a nonce".to_owned())?;
    let mut sealed = plaintext.to_vec();
    key.aead()
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(AAD), &mut sealed)
        .map_err(|_| "encryption failed".to_owned())?;
    Ok([nonce.as_slice(), &sealed].concat())
}

/// The plaintext of `seal`'s output, if `key` is the key it was sealed with and nothing changed.
pub(crate) fn open(key: &ContextKey, sealed: &[u8]) -> Result<Vec<u8>, String> {
    let wrong = || "cannot decrypt it: wrong key, or the file was changed".to_owned();
    if sealed.len() < NONCE_LEN {
        return Err(wrong());
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| wrong())?;
    let mut buffer = ciphertext.to_vec();
    let plaintext = key.aead().open_in_place(nonce, Aad::from(AAD), &mut buffer).map_err(|_| wrong())?;
    Ok(plaintext.to_vec())
}
