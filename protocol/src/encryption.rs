//! bunq's encrypted request bodies, as pure functions over bytes.
//!
//! A random 32-byte key and 16-byte IV; the body AES-256-CBC with PKCS#7 padding; the key
//! RSA-encrypted (PKCS#1 v1.5) for bunq's server key. Three headers carry what the server
//! needs: the wrapped key, the IV, and an HMAC-SHA1 under the key over IV ‖ ciphertext. The
//! request signature then covers the ciphertext, the bytes sent.
//!
//! bunq asks for it on card PINs: [`carries_pin`] says whether a body holds one.

use crate::keys::{PrivateKey, PublicKey, Zeroizing};
use crate::rsa_backend::Signer;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rsa::Pkcs1v15Encrypt;
use rsa::rand_core::{OsRng, RngCore};
use std::fmt;

/// `X-Bunq-Client-Encryption-Key`: the AES key, RSA-encrypted for the server, base64.
pub const KEY_HEADER: &str = "x-bunq-client-encryption-key";
/// `X-Bunq-Client-Encryption-Iv`: the IV, base64.
pub const IV_HEADER: &str = "x-bunq-client-encryption-iv";
/// `X-Bunq-Client-Encryption-Hmac`: HMAC-SHA1 under the key over IV ‖ ciphertext, base64.
pub const HMAC_HEADER: &str = "x-bunq-client-encryption-hmac";

/// The AES-256 key length.
pub const KEY_BYTES: usize = 32;
/// The CBC IV length (one AES block).
pub const IV_BYTES: usize = 16;
/// Header values longer than this are refused before decoding (RSA-8192 wraps into 1368 characters).
const MAX_HEADER_CHARS: usize = 2048;

type Encryptor = cbc::Encryptor<aes::Aes256>;
type Decryptor = cbc::Decryptor<aes::Aes256>;
type HmacSha1 = Hmac<sha1::Sha1>;

/// Why an encrypted body was not opened. Never holds key material or plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncryptionError {
    /// Some of the three headers are there, not all.
    MissingHeader(&'static str),
    /// A header is not base64, or not the right length.
    MalformedHeader(&'static str),
    /// The wrapped key does not open with the server's key.
    WrongKey,
    /// The HMAC does not match the IV and ciphertext.
    HmacMismatch,
    /// The ciphertext is not whole blocks, or its padding is wrong.
    BadCiphertext,
    /// The server key cannot wrap a key (too small, or refused).
    Unusable,
}

impl fmt::Display for EncryptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "the encrypted request lacks {name}"),
            Self::MalformedHeader(name) => write!(f, "{name} is not base64 of the right length"),
            Self::WrongKey => f.write_str("the encryption key was not encrypted for this server's public key"),
            Self::HmacMismatch => f.write_str("the encryption HMAC does not match the IV and the body"),
            Self::BadCiphertext => f.write_str("the encrypted body is not AES-256-CBC with PKCS#7 padding"),
            Self::Unusable => f.write_str("the server key cannot encrypt an AES key"),
        }
    }
}

impl std::error::Error for EncryptionError {}

/// An encrypted body and the three header values that go with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encrypted {
    /// The ciphertext: the body to send (and sign).
    pub body: Vec<u8>,
    /// [`KEY_HEADER`]'s value.
    pub key: String,
    /// [`IV_HEADER`]'s value.
    pub iv: String,
    /// [`HMAC_HEADER`]'s value.
    pub hmac: String,
}

/// The three header values of a received request, as text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Headers<'a> {
    /// [`KEY_HEADER`].
    pub key: Option<&'a str>,
    /// [`IV_HEADER`].
    pub iv: Option<&'a str>,
    /// [`HMAC_HEADER`].
    pub hmac: Option<&'a str>,
}

impl Headers<'_> {
    /// Whether any of the three is present: the body claims to be encrypted.
    pub fn any(&self) -> bool {
        self.key.is_some() || self.iv.is_some() || self.hmac.is_some()
    }
}

/// Encrypts `body` for bunq's `server_key` with a fresh random key and IV.
pub fn encrypt(server_key: &PublicKey, body: &[u8]) -> Result<Encrypted, EncryptionError> {
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    let mut iv = [0u8; IV_BYTES];
    OsRng.fill_bytes(key.as_mut());
    OsRng.fill_bytes(&mut iv);
    let wrapped =
        server_key.rsa().encrypt(&mut OsRng, Pkcs1v15Encrypt, key.as_ref()).map_err(|_| EncryptionError::Unusable)?;
    let (ciphertext, mac) = seal(&key, &iv, body);
    Ok(Encrypted {
        body: ciphertext,
        key: STANDARD.encode(wrapped),
        iv: STANDARD.encode(iv),
        hmac: STANDARD.encode(mac),
    })
}

/// The deterministic half of [`encrypt`]: AES-256-CBC/PKCS#7 ciphertext and its HMAC-SHA1 over IV ‖ ciphertext.
pub fn seal(key: &[u8; KEY_BYTES], iv: &[u8; IV_BYTES], body: &[u8]) -> (Vec<u8>, [u8; 20]) {
    let ciphertext = Encryptor::new(key.into(), iv.into()).encrypt_padded_vec_mut::<Pkcs7>(body);
    let tag = hmac_of(key, iv, &ciphertext).finalize().into_bytes();
    (ciphertext, tag.into())
}

fn hmac_of(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> HmacSha1 {
    let mut mac = <HmacSha1 as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(iv);
    mac.update(ciphertext);
    mac
}

/// Opens a received body with the server's private key: the key unwrapped, the HMAC checked in
/// constant time, and only then the body decrypted.
pub fn decrypt(
    server_key: &PrivateKey,
    headers: Headers<'_>,
    body: &[u8],
) -> Result<Zeroizing<Vec<u8>>, EncryptionError> {
    let field = |value: Option<&str>, name: &'static str| {
        let value = value.ok_or(EncryptionError::MissingHeader(name))?;
        if value.len() > MAX_HEADER_CHARS {
            return Err(EncryptionError::MalformedHeader(name));
        }
        STANDARD.decode(value.trim()).map_err(|_| EncryptionError::MalformedHeader(name))
    };
    let wrapped = field(headers.key, "X-Bunq-Client-Encryption-Key")?;
    let iv = field(headers.iv, "X-Bunq-Client-Encryption-Iv")?;
    let tag = field(headers.hmac, "X-Bunq-Client-Encryption-Hmac")?;
    if iv.len() != IV_BYTES {
        return Err(EncryptionError::MalformedHeader("X-Bunq-Client-Encryption-Iv"));
    }
    let key = unwrap_key(server_key, &wrapped)?;
    hmac_of(&key, &iv, body).verify_slice(&tag).map_err(|_| EncryptionError::HmacMismatch)?;
    let plain = Decryptor::new_from_slices(&key, &iv)
        .map_err(|_| EncryptionError::WrongKey)?
        .decrypt_padded_vec_mut::<Pkcs7>(body)
        .map_err(|_| EncryptionError::BadCiphertext)?;
    Ok(Zeroizing::new(plain))
}

/// The AES key inside `wrapped`, with the backend the server key signs with.
fn unwrap_key(server_key: &PrivateKey, wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, EncryptionError> {
    if wrapped.len() != server_key.bits().div_ceil(8) {
        return Err(EncryptionError::MalformedHeader("X-Bunq-Client-Encryption-Key"));
    }
    let key = match server_key.signer() {
        #[cfg(feature = "aws-lc")]
        Signer::AwsLc(_) => {
            use aws_lc_rs::rsa::{Pkcs1PrivateDecryptingKey, PrivateDecryptingKey};
            use rsa::pkcs8::EncodePrivateKey;
            let der = server_key.rsa().to_pkcs8_der().map_err(|_| EncryptionError::Unusable)?;
            let private = PrivateDecryptingKey::from_pkcs8(der.as_bytes()).map_err(|_| EncryptionError::Unusable)?;
            let private = Pkcs1PrivateDecryptingKey::new(private).map_err(|_| EncryptionError::Unusable)?;
            let mut out = Zeroizing::new(vec![0u8; private.min_output_size()]);
            let len = private.decrypt(wrapped, &mut out).map_err(|_| EncryptionError::WrongKey)?.len();
            out.truncate(len);
            out
        }
        // The pure-Rust backend's decryption is not constant-time (RUSTSEC-2023-0071), as its signing.
        Signer::RustCrypto(_) => {
            Zeroizing::new(server_key.rsa().decrypt(Pkcs1v15Encrypt, wrapped).map_err(|_| EncryptionError::WrongKey)?)
        }
    };
    if key.len() == KEY_BYTES { Ok(key) } else { Err(EncryptionError::WrongKey) }
}

/// Whether a JSON body is a card's own `pin_code` with a value: such a body must go encrypted.
///
/// bunq's document asks for encryption on the card update's `pin_code` only. The PINs assigned
/// when a card is ordered (`pin_code_assignment[].pin_code`) go in the clear: bunq's own SDK
/// sends them so, and bunq takes them.
pub fn carries_pin(body: &[u8]) -> bool {
    // Cheap test first: most bodies never name it.
    body.windows(b"\"pin_code\"".len()).any(|w| w == b"\"pin_code\"")
        && serde_json::from_slice::<serde_json::Value>(body)
            .is_ok_and(|v| v.get("pin_code").is_some_and(|pin| !pin.is_null()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cards_own_pin_with_a_value_is_found() {
        assert!(carries_pin(br#"{"pin_code":"1234"}"#));
        assert!(carries_pin(br#"{"card_limit":null,"pin_code":"1234"}"#));
        assert!(!carries_pin(br#"{"pin_code_assignment":[{"type":"PRIMARY","pin_code":"1234"}]}"#));
        assert!(!carries_pin(br#"{"pin_code":null,"status":"ACTIVE"}"#));
        assert!(!carries_pin(br#"{"description":"pin_code"}"#));
        assert!(!carries_pin(b"not json pin_code"));
    }

    #[test]
    fn a_body_round_trips_and_a_flipped_bit_is_refused() {
        let server = PrivateKey::generate().unwrap();
        let sealed = encrypt(&server.public_key(), br#"{"pin_code":"1234"}"#).unwrap();
        let headers = Headers { key: Some(&sealed.key), iv: Some(&sealed.iv), hmac: Some(&sealed.hmac) };
        assert_eq!(decrypt(&server, headers, &sealed.body).unwrap().as_slice(), br#"{"pin_code":"1234"}"#);
        let mut tampered = sealed.body.clone();
        tampered[0] ^= 1;
        assert_eq!(decrypt(&server, headers, &tampered).unwrap_err(), EncryptionError::HmacMismatch);
        let partial = Headers { hmac: None, ..headers };
        assert!(matches!(decrypt(&server, partial, &sealed.body), Err(EncryptionError::MissingHeader(_))));
    }
}
