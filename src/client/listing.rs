//! Listings: a page of items with typed links to its neighbours, and a stream over every item.

use crate::api::types::Pagination;
use crate::{Error, Listing, Result};
use futures_util::stream::{self, Stream};
use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

/// A page's fetch in flight.
pub type PageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<RawPage<T>>> + Send + 'a>>;

/// One page as bunq answered it: items, newest first, and the links to its neighbours.
#[derive(Debug)]
pub struct RawPage<T> {
    items: Vec<T>,
    pagination: Option<Pagination>,
}

impl<L: Listing> From<L> for RawPage<L::Item> {
    fn from(listing: L) -> Self {
        let pagination = listing.pagination().cloned();
        RawPage { items: listing.into_items(), pagination }
    }
}

/// Something bunq lists page by page: a collection handle such as `….payments()`.
pub trait Collection: Clone + Send + Sync {
    /// What one item is.
    type Item: Send + std::fmt::Debug;
    /// The id `older_id`/`newer_id` take.
    type Id: Copy + std::fmt::Debug + Send + Sync + From<i64> + Into<i64>;
    /// One page: at most `count` items (bunq's default 10, at most 200), older or newer than an item.
    fn fetch(&self, count: Option<u32>, newer: Option<Self::Id>, older: Option<Self::Id>)
    -> PageFuture<'_, Self::Item>;
}

/// A listing call: `.count(n)`, `.older_than(id)` or `.newer_than(id)`, then `.await` for one
/// page or `.stream()` for every item.
#[derive(Clone, Debug)]
pub struct List<'a, C: Collection + 'a> {
    collection: C,
    count: Option<u32>,
    newer: Option<C::Id>,
    older: Option<C::Id>,
    lifetime: PhantomData<&'a ()>,
}

impl<'a, C: Collection + 'a> List<'a, C> {
    /// All of it, newest first, bunq's page size.
    pub fn new(collection: C) -> Self {
        Self { collection, count: None, newer: None, older: None, lifetime: PhantomData }
    }

    /// Items per page (bunq's default 10, at most 200).
    pub fn count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Only items older than this one.
    pub fn older_than(mut self, id: C::Id) -> Self {
        (self.older, self.newer) = (Some(id), None);
        self
    }

    /// Only items newer than this one.
    pub fn newer_than(mut self, id: C::Id) -> Self {
        (self.newer, self.older) = (Some(id), None);
        self
    }

    /// The page this call asks for.
    pub async fn page(self) -> Result<Page<'a, C>> {
        let raw = self.collection.fetch(self.count, self.newer, self.older).await?;
        let link = |id: Option<i64>| id.map(C::Id::from);
        let pagination = raw.pagination.as_ref();
        Ok(Page {
            older_id: link(pagination.and_then(Pagination::older_id)),
            newer_id: link(pagination.and_then(Pagination::newer_id)),
            items: raw.items,
            list: List { newer: None, older: None, ..self },
        })
    }

    /// Every item from here back in time, page after page (following `older_url`).
    pub fn stream(self) -> impl Stream<Item = Result<C::Item>> + Send + 'a {
        enum Cursor<Id> {
            Start,
            OlderThan(Id),
            Done,
        }
        let start = match self.older {
            Some(id) => Cursor::OlderThan(id),
            None => Cursor::Start,
        };
        let state = (self, start, VecDeque::new());
        stream::unfold(state, |(list, mut cursor, mut buffer)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((Ok(item), (list, cursor, buffer)));
                }
                let older = match cursor {
                    Cursor::Start => None,
                    Cursor::OlderThan(id) => Some(id),
                    Cursor::Done => return None,
                };
                let newer = if older.is_none() { list.newer } else { None };
                let raw = match list.collection.fetch(list.count, newer, older).await {
                    Ok(raw) => raw,
                    Err(e) => return Some((Err(e), (list, Cursor::Done, buffer))),
                };
                let next = raw.pagination.as_ref().and_then(Pagination::older_id);
                cursor = match (older.map(Into::into), next) {
                    (Some(previous), Some(next)) if next >= previous => {
                        let stuck = Error::Decode(format!(
                            "pagination does not move back in time (older_id {next} after {previous})"
                        ));
                        return Some((Err(stuck), (list, Cursor::Done, buffer)));
                    }
                    (_, Some(next)) => Cursor::OlderThan(C::Id::from(next)),
                    (_, None) => Cursor::Done,
                };
                buffer.extend(raw.items);
            }
        })
    }
}

impl<'a, C: Collection + 'a> IntoFuture for List<'a, C> {
    type Output = Result<Page<'a, C>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<Page<'a, C>>> + Send + 'a>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.page())
    }
}

/// One page of a listing, newest first, with the ids of its neighbours.
#[derive(Debug)]
pub struct Page<'a, C: Collection + 'a> {
    /// The items.
    pub items: Vec<C::Item>,
    /// Where the page before this one (older items) starts, if there is one.
    pub older_id: Option<C::Id>,
    /// Where the page after this one (newer items) starts, if there is one.
    pub newer_id: Option<C::Id>,
    list: List<'a, C>,
}

impl<'a, C: Collection + 'a> Page<'a, C> {
    /// The call for the page before this one (older items), if there is one.
    pub fn older(&self) -> Option<List<'a, C>> {
        self.older_id.map(|id| self.list.clone().older_than(id))
    }

    /// The call for the page after this one (newer items), if there is one.
    pub fn newer(&self) -> Option<List<'a, C>> {
        self.newer_id.map(|id| self.list.clone().newer_than(id))
    }
}
