//! The client shell around the generated [`Client`](crate::Client): the state it carries, the
//! hooks every call goes through (headers, token, signature, verification, retries, limits),
//! sessions, and paging. The protocol rules themselves are in `bunq-protocol`.

mod encryption;
mod files;
mod hook_failure;
mod hooks;
pub(crate) mod limits;
mod listing;
#[cfg(feature = "rustls")]
pub(crate) mod pinning;
pub(crate) mod session;
pub(crate) mod state;

pub use encryption::with_encryption;
pub use files::{file_bytes, upload};
pub use hooks::with_request_id;
pub use limits::{SharedLimiter, Slot, WhenStoreDown};
pub use listing::{Collection, List, Page, PageFuture, RawPage};
#[cfg(feature = "rustls")]
pub use pinning::SpkiPin;
pub use state::{ClientState, RequestSettings, TokenKind};
