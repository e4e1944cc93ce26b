//! Callbacks: the events bunq POSTs to your URL (`{"NotificationUrl": {…}}`), read into typed
//! notifications.
//!
//! bunq does not sign callbacks. What makes one believable is where it came from (bunq's
//! published address range), TLS on your endpoint, and reading the object back through the
//! signed API ([`Notification::read_back`]). bunq retries a failed delivery, so the same event can
//! arrive more than once: a [`Receiver`] remembers what it has seen.
//!
//! ```no_run
//! # async fn run(context: bunq_api::ApiContext) -> bunq_api::Result<()> {
//! use bunq_api::callbacks::{self, Category, Receiver};
//! callbacks::subscribe(&context, &[(Category::Payment, "https://example.com/bunq")]).await?;
//! let receiver = Receiver::new(); // bunq's production range only; deduplicates retries
//! # let (remote, body) = ("185.40.108.5".parse().unwrap(), b"{}".as_slice());
//! // In your HTTP handler, with the peer's address and the body:
//! match receiver.receive(remote, body) {
//!     Ok(Some(notification)) => println!("{} {}", notification.category, notification.object.type_name()),
//!     Ok(None) => {} // a retry of an event already handled
//!     Err(refused) => eprintln!("{refused}"),
//! }
//! # Ok(()) }
//! ```

mod category;
#[cfg(feature = "callback-listener")]
mod listener;
mod notification;
mod read_back;
mod receiver;
mod sources;
mod subscribe;

pub use crate::api::callback_objects::CallbackObject;
pub use category::Category;
#[cfg(feature = "callback-listener")]
#[cfg_attr(docsrs, doc(cfg(feature = "callback-listener")))]
pub use listener::Listener;
pub use notification::Notification;
pub use receiver::{Receiver, Refused};
pub use sources::{BUNQ_PRODUCTION_RANGE, SourceRanges};
pub use subscribe::{clear, clear_account, filters, subscribe, subscribe_account};
