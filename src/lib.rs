#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// docs.rs (nightly, `--cfg docsrs`) marks each feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

/// The client and types generated from `spec/bunq.json` by `build.rs` (progenitor).
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

mod auth;
mod client_state;
mod context;
mod context_file;
mod envelope;
mod environment;
mod error;
pub mod headers;
mod hook_failure;
pub mod keys;
mod objects;
mod pagination;
#[cfg(feature = "rustls")]
mod pinning;
pub mod rate_limit;
mod retry;
mod rsa_backend;
#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;
#[cfg(feature = "aws-lc")]
mod sealing;
mod secret;
mod session;
pub mod signing;

/// Entry points for the fuzz targets in `fuzz/` (built only under `cargo fuzz`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    /// Parses a saved context file's bytes.
    pub fn parse_context_file(bytes: &[u8]) -> Result<(), String> {
        crate::context_file::ContextFile::parse(bytes).map(drop)
    }
}

pub use api::{Client, types};
pub use auth::with_request_id;
pub use client_state::{ClientState, RequestSettings, TokenKind};
pub use context::{ApiContext, ContextOptions};
pub use envelope::{Created, Envelope, Listing};
pub use environment::Environment;
pub use error::{ApiError, Error, Result};
pub use pagination::paginate;
#[cfg(feature = "rustls")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
pub use pinning::SpkiPin;
pub use progenitor_client::ResponseValue;
pub use retry::RetryPolicy;
#[cfg(feature = "aws-lc")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws-lc")))]
pub use sealing::ContextKey;
pub use secret::Secret;
