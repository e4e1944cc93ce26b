//! bunq's wire protocol as pure code, shared by the `bunq-api` client and the `bunq-sandbox`
//! server: RSA keys and the two signing backends, request and response signatures, the header
//! names and request ids, request encryption, a PSD2 provider's login proof, JSON written as bunq writes it, secrets that never print, the retry decision and bunq's rate limits,
//! and where the API lives. No generated code and no HTTP client types.
//!
//! Most users reach these through `bunq_api` (`bunq_api::keys`, `bunq_api::signing`, …), which
//! re-exports them.
#![forbid(unsafe_code)]
// docs.rs (nightly, `--cfg docsrs`) marks each feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

pub mod encryption;
pub mod environment;
pub mod headers;
pub mod json;
pub mod keys;
pub mod psd2;
pub mod rate_limit;
pub mod retry;
mod rsa_backend;
pub mod secret;
pub mod signing;

pub use environment::Environment;
pub use retry::RetryPolicy;
pub use secret::Secret;
