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

/// The documents this version was generated from, for tools that speak the same API (the
/// embedded sandbox routes and fills its answers from them).
pub mod documents {
    /// `spec/bunq.json`: the wire-accurate OpenAPI document of bunq's API.
    pub static OPENAPI: &str = include_str!("../spec/bunq.json");
    /// `spec/wire-facts.json`: per object type, the fields bunq's wire carries (from bunq's
    /// document, its SDK's models and recorded objects), and the item names per endpoint.
    pub static WIRE_FACTS: &str = include_str!("../spec/wire-facts.json");
}

mod amount;
pub mod callbacks;
mod client;
mod context;
mod envelope;
mod error;
pub mod oauth;
mod objects;
mod saved;
mod session;
pub mod store;
mod values;
// Only for rustdoc's tests: the wrong calls that must not compile.
#[cfg(doctest)]
mod wrong_calls;

// The pure protocol, shared with the sandbox, lives in `bunq-protocol`; these are its modules.
#[doc(inline)]
pub use bunq_protocol::{encryption, headers, keys, psd2, rate_limit, signing};

/// Entry points for the fuzz targets in `fuzz/` (built only under `cargo fuzz`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    /// Parses a saved context file's bytes.
    pub fn parse_context_file(bytes: &[u8]) -> Result<(), String> {
        crate::saved::ContextFile::parse(bytes).map(drop)
    }
}

pub use amount::AmountError;
pub use api::handles;
pub use api::{Client, types};
pub use bunq_protocol::{Environment, RetryPolicy, Secret};
#[cfg(feature = "rustls")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
pub use client::SpkiPin;
pub use client::with_encryption;
pub use client::{ClientState, RequestSettings, TokenKind, with_request_id};
pub use client::{Collection, List, Page, PageFuture, RawPage};
#[doc(hidden)]
pub use client::{file_bytes, upload};
#[cfg(feature = "psd2")]
#[cfg_attr(docsrs, doc(cfg(feature = "psd2")))]
pub use context::ProviderCertificate;
pub use context::{ApiContext, ContextOptions};
pub use envelope::{Created, Envelope, Listing};
pub use error::{ApiError, Error, Result};
pub use progenitor_client::ResponseValue;
/// The decimal number of `types::Amount::new` and `types::Amount::decimal` (rust_decimal's).
pub use rust_decimal::Decimal;
#[cfg(feature = "aws-lc")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws-lc")))]
pub use saved::ContextKey;
pub use store::{ContextStore, FileStore, SharedLimiter, Slot, WhenStoreDown};
