//! The client shell around the generated [`Client`](crate::Client): the state it carries, the
//! hooks every call goes through (headers, token, signature, verification, retries, limits),
//! and paging. Sessions are `crate::session`'s. The protocol rules themselves are in `bunq-protocol`.

mod encryption;
mod files;
mod hooks;
pub(crate) mod limits;
mod listing;
#[cfg(feature = "rustls")]
pub(crate) mod pinning;
pub(crate) mod state;

pub use encryption::with_encryption;
pub use files::{file_bytes, upload};
pub use hooks::with_request_id;
pub use listing::{Collection, List, Page, PageFuture, RawPage};
#[cfg(feature = "rustls")]
pub use pinning::SpkiPin;
pub use state::{ClientState, RequestSettings, TokenKind};
