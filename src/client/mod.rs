//! The client shell around the generated [`Client`](crate::Client): the state it carries, the
//! hooks every call goes through (headers, token, signature, verification, retries, limits),
//! sessions, and paging. The protocol rules themselves are in `bunq-protocol`.

mod hook_failure;
mod hooks;
mod pagination;
#[cfg(feature = "rustls")]
pub(crate) mod pinning;
pub(crate) mod session;
pub(crate) mod state;

pub use hooks::with_request_id;
pub use pagination::paginate;
#[cfg(feature = "rustls")]
pub use pinning::SpkiPin;
pub use state::{ClientState, RequestSettings, TokenKind};
