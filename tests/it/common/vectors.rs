//! The openssl-made vectors in tests/vectors (tests/vectors/make.sh): files and keys by name.
#![allow(dead_code)]

use bunq_api::keys::{Backend, PrivateKey, PublicKey};
use std::path::PathBuf;

pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

pub fn text(path: &str) -> String {
    std::fs::read_to_string(dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn bytes(path: &str) -> Vec<u8> {
    std::fs::read(dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The pure-Rust backend, and the default one when it is another.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::RustCrypto];
    if Backend::default() != Backend::RustCrypto {
        all.push(Backend::default());
    }
    all
}

/// keys/NAME.pem with `backend`.
pub fn private(name: &str, backend: Backend) -> PrivateKey {
    PrivateKey::from_pem(&text(&format!("keys/{name}.pem"))).unwrap().with_backend(backend).unwrap()
}

/// keys/NAME.pub.pem with `backend`.
pub fn public(name: &str, backend: Backend) -> PublicKey {
    PublicKey::from_pem(&text(&format!("keys/{name}.pub.pem"))).unwrap().with_backend(backend).unwrap()
}
