//! Unwrapping bunq's `{"Response": [...]}` envelope into the objects inside.

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

macro_rules! envelopes {
    ($($envelope:ident => $item:ty, |$x:ident| $unwrap:expr;)*) => {$(
        impl Envelope for types::$envelope {
            type Item = $item;
            fn into_items(self) -> Vec<$item> {
                self.response.into_iter().map(|$x| $unwrap).collect()
            }
        }
    )*};
}

macro_rules! listings {
    ($($listing:ident),*) => {$(
        impl Listing for types::$listing {
            fn pagination(&self) -> Option<&types::Pagination> {
                self.pagination.as_ref()
            }
        }
    )*};
}

macro_rules! created {
    ($($created:ident => $id:ident),*) => {$(
        impl Created for types::$created {
            type Id = types::$id;
            fn id(&self) -> Result<types::$id> {
                self.response.first().map(|item| item.id.id).ok_or_else(|| Error::Decode("the create response holds no Id".to_owned()))
            }
        }
    )*};
}

envelopes! {
    PaymentListing => types::Payment, |x| x.payment;
    PaymentResponse => types::Payment, |x| x.payment;
    PaymentBatchListing => types::PaymentBatch, |x| x.payment_batch;
    PaymentBatchResponse => types::PaymentBatch, |x| x.payment_batch;
    RequestInquiryResponse => types::RequestInquiry, |x| x.request_inquiry;
    MonetaryAccountBankListing => types::MonetaryAccountBank, |x| x.monetary_account_bank;
    MonetaryAccountBankResponse => types::MonetaryAccountBank, |x| x.monetary_account_bank;
    MonetaryAccountListing => types::MonetaryAccount, |x| x;
    MonetaryAccountResponse => types::MonetaryAccount, |x| x;
    UserListing => types::User, |x| x;
    UserResponse => types::User, |x| x;
    DeviceServerListing => types::DeviceServerRead, |x| x.device_server;
    DeviceServerResponse => types::DeviceServerRead, |x| x.device_server;
    InstallationIdListing => types::InstallationId, |x| x.id.id;
    InstallationIdResponse => types::InstallationId, |x| x.id.id;
    ServerPublicKeyListing => String, |x| x.server_public_key.server_public_key;
    SandboxUserPersonCreated => String, |x| x.api_key.api_key;
}

listings!(
    PaymentListing,
    PaymentBatchListing,
    MonetaryAccountBankListing,
    MonetaryAccountListing,
    UserListing,
    DeviceServerListing,
    InstallationIdListing
);

created!(
    PaymentCreated => PaymentId,
    PaymentBatchCreated => PaymentBatchId,
    RequestInquiryCreated => RequestInquiryId,
    DeviceServerCreated => DeviceServerId
);

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
