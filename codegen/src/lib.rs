//! The generator of bunq-api: `spec/bunq.json` → progenitor → one Rust file, plus by rule from
//! the same spec the token each operation carries, how each envelope unwraps, and the typed
//! surface. Only the operation groups a build turns on are generated (spec/groups.json).
//!
//! bunq-api's build script and `cargo xtask` (codegen, spec check, import) call it, so the
//! generator configuration exists once. Nothing here touches the network.
//!
//! [`model`] is the one reading of the spec's operations: without the default feature
//! `generate` (progenitor and the code generators) the crate is that model, the groups and the
//! word rules, which is what bunq-sandbox routes and answers by.

pub mod docs;
pub mod groups;
pub mod model;
pub mod words;

#[cfg(feature = "generate")]
mod generate;
#[cfg(feature = "generate")]
pub use generate::{generate, serde_rename, undocumented};
