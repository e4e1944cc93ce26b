//! Unwrapping bunq's `{"Response": [...]}` envelope into the objects inside. build.rs implements
//! these traits for every envelope of the spec (`codegen/envelopes.rs`).

use crate::api::types;
use crate::{Error, Result};

/// A response envelope: a list of items, each one of the object types the call can answer with.
pub trait Envelope: Sized {
    /// What one item unwraps to.
    type Item;
    /// Every item, in the order bunq sent them.
    fn into_items(self) -> Vec<Self::Item>;
    /// The first item; an error when bunq sent none.
    fn into_first(self) -> Result<Self::Item> {
        self.into_items().into_iter().next().ok_or_else(|| Error::Decode("the response holds no item".to_owned()))
    }
}

/// A listing: items plus the links to the neighbouring pages.
pub trait Listing: Envelope {
    /// `Pagination`, when bunq sent it.
    fn pagination(&self) -> Option<&types::Pagination>;
}

/// The answer to a create: the new object's id.
pub trait Created {
    /// The id's type (`PaymentId`, …).
    type Id;
    /// The id of the created object.
    fn id(&self) -> Result<Self::Id>;
}

impl types::Pagination {
    /// The `older_id` of the next page back in time, if there is one.
    pub fn older_id(&self) -> Option<i64> {
        self.older_url.as_deref().and_then(|url| query_id(url, "older_id"))
    }
    /// The `newer_id` of the next page forward in time, if there is one.
    pub fn newer_id(&self) -> Option<i64> {
        self.newer_url.as_deref().and_then(|url| query_id(url, "newer_id"))
    }
}

/// The integer value of `name` in a relative URL's query.
pub(crate) fn query_id(url: &str, name: &str) -> Option<i64> {
    let (_, query) = url.split_once('?')?;
    query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}
