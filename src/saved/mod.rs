//! Contexts at rest: the saved form (`format.rs`, what [`ApiContext::save`](crate::ApiContext::save)
//! writes and a store keeps), its encryption (`sealing.rs`) and atomic file writes (`atomic.rs`).
//!
//! Below the modules that use it: it knows nothing of clients, sessions or stores, so that the
//! context, the shared renewal (`crate::session`) and the file store can all use it.

mod atomic;
mod format;
#[cfg(feature = "aws-lc")]
mod sealing;

pub(crate) use atomic::write_atomically;
#[cfg(feature = "aws-lc")]
pub(crate) use format::sealed_file;
pub(crate) use format::{ContextFile, SavedSession, check_ours};
#[cfg(feature = "aws-lc")]
pub use sealing::ContextKey;
